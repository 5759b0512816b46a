"""Access tokens from a REGARDS server, for Python programs.

A thin layer over the ``regards-token`` command installed with this
package: it runs ``regards-token get`` and returns the token, so Python
shares the command's cache (the system keyring), its lockout protection
and its configuration file with the shell.

    import requests
    from regards_token import BearerAuth

    auth = BearerAuth(scope="project1")
    requests.get(f"{host}/api/v1/rs-admin/users/myuser", auth=auth)

Settings left ``None`` come from the environment (``REGARDS_HOST``,
``REGARDS_SCOPE``, ``REGARDS_USERNAME``, ``REGARDS_PASSWORD``, ...) and the
config file, as on the command line. A password given here is handed to
the command on its standard input: never on its command line, which other
users can read, nor in its environment.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import sysconfig
import warnings
from typing import Any, List, Optional, Union

__all__ = ["BearerAuth", "TokenError", "get_token"]

#: A duration for ``min_ttl``: a ``timedelta``, seconds, or the command's
#: own notation such as ``"5m"`` or ``"1h30m"``.
Duration = Union[datetime.timedelta, int, float, str]

#: Names the ``regards-token`` binary to run, before the one installed with
#: this package and the one on ``PATH``.
BINARY_VARIABLE = "REGARDS_TOKEN_BIN"

_EXE = "regards-token.exe" if os.name == "nt" else "regards-token"


class TokenError(Exception):
    """``regards-token get`` failed.

    ``exit_code`` is the command's documented exit code: 2 usage or
    configuration, 3 credentials refused (do not retry: the account locks
    after a few failures), 4 server unreachable, 5 not a REGARDS server,
    6 keyring unavailable; 127 when the command is not installed.
    ``message`` is its one-line error, ``hint`` what to do, if it said.
    """

    def __init__(self, exit_code: int, message: str, hint: Optional[str] = None):
        self.exit_code = exit_code
        self.message = message
        self.hint = hint
        text = message if hint is None else f"{message} (hint: {hint})"
        super().__init__(text)


def get_token(
    host: Optional[str] = None,
    scope: Optional[str] = None,
    username: Optional[str] = None,
    password: Optional[str] = None,
    profile: Optional[str] = None,
    min_ttl: Optional[Duration] = None,
) -> str:
    """The access token: the cached one while it has ``min_ttl`` left (5
    minutes by default), else a new one from the server.

    Raises ``TokenError`` on failure.
    """
    args: List[str] = ["get"]
    for flag, value in (
        ("--host", host),
        ("--scope", scope),
        ("--username", username),
        ("--profile", profile),
    ):
        if value is not None:
            args += [flag, value]
    if min_ttl is not None:
        args += ["--min-ttl", _duration(min_ttl)]
    if password is not None:
        args.append("--password-stdin")
    return _run(args, password)


class BearerAuth:
    """An auth for ``requests`` that sets ``Authorization: Bearer <token>``.

    It asks ``regards-token`` for the token on every request (a cached
    token costs milliseconds), so a download that outlives a token keeps
    working: the expiring token is replaced in time. Takes the same
    settings as ``get_token``.
    """

    def __init__(
        self,
        host: Optional[str] = None,
        scope: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        profile: Optional[str] = None,
        min_ttl: Optional[Duration] = None,
    ):
        self._settings = dict(
            host=host, scope=scope, username=username, profile=profile, min_ttl=min_ttl
        )
        self._password = password

    def __call__(self, request: Any) -> Any:
        token = get_token(password=self._password, **self._settings)
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    def __repr__(self) -> str:
        shown = {k: v for k, v in self._settings.items() if v is not None}
        if self._password is not None:
            shown["password"] = "[redacted]"
        return f"BearerAuth({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def _duration(value: Duration) -> str:
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    if isinstance(value, bool):
        raise TypeError("min_ttl must be a duration, not a bool")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("min_ttl must not be negative")
        return f"{int(value * 1000)}ms"
    return value


def binary() -> str:
    """The ``regards-token`` command this module runs."""
    named = os.environ.get(BINARY_VARIABLE)
    if named:
        return named
    # The wheel installs the command beside the interpreter's scripts.
    for scripts in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = os.path.join(scripts, _EXE) if scripts else ""
        if candidate and os.path.isfile(candidate):
            return candidate
    found = shutil.which("regards-token")
    if found:
        return found
    raise TokenError(
        127,
        "the regards-token command is not installed",
        "pip install regards-token, or set REGARDS_TOKEN_BIN to the command's path",
    )


def _run(args: List[str], password: Optional[str]) -> str:
    command = [binary(), *args]
    try:
        # Without a password, stdin stays ours: at a terminal the command
        # asks for the password there (on the terminal itself, not on the
        # stderr captured here).
        done = subprocess.run(
            command,
            input=None if password is None else password + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as err:
        raise TokenError(
            127 if isinstance(err, FileNotFoundError) else 126,
            f"cannot run {command[0]}: {err.strerror or err}",
            "pip install regards-token, or set REGARDS_TOKEN_BIN to the command's path",
        ) from None
    _pass_on(done.stderr)
    if done.returncode != 0:
        raise _error(done.returncode, done.stderr)
    token = done.stdout.strip()
    if not token:
        raise TokenError(1, "regards-token printed no token")
    return token


def _pass_on(stderr: str) -> None:
    """Warnings become Python warnings; a CI system's masking commands go
    to our own stderr, where the runner reads them."""
    for line in stderr.splitlines():
        if line.startswith("regards-token: warning: "):
            warnings.warn(line[len("regards-token: warning: ") :], stacklevel=4)
        elif line.startswith("::add-mask::"):
            print(line, file=sys.stderr, flush=True)


def _error(code: int, stderr: str) -> TokenError:
    message = None
    hint = None
    for line in stderr.splitlines():
        if line.startswith("regards-token: error: ") and message is None:
            message = line[len("regards-token: error: ") :]
        elif line.startswith("hint: ") and hint is None:
            hint = line[len("hint: ") :]
    if message is None:
        message = f"regards-token failed with exit code {code}"
    return TokenError(code, message, hint)

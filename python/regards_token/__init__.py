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

``HttpxAuth`` does for httpx (sync and async clients) what ``BearerAuth``
does for requests; it is imported only when asked for, and needs httpx.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import warnings
from typing import IO, TYPE_CHECKING, Any, Dict, List, Literal, Optional, Union, overload

if TYPE_CHECKING:
    from ._httpx import HttpxAuth

__all__ = ["BearerAuth", "Token", "TokenError", "get_token"]

#: A duration for ``min_ttl``: a ``timedelta``, seconds, or the command's
#: own notation such as ``"5m"`` or ``"1h30m"``.
Duration = Union[datetime.timedelta, int, float, str]

#: Names the ``regards-token`` binary to run, before the one installed with
#: this package and the one on ``PATH``.
BINARY_VARIABLE = "REGARDS_TOKEN_BIN"

#: How long a call waits for the command by default, in seconds. With the
#: command's defaults a run waits at most for the login lock (60 s) and
#: three tries of 30 s, with short pauses between them; a longer
#: `--timeout` or `--lock-timeout` in the config file needs a longer one.
DEFAULT_TIMEOUT = 300.0

#: The exit code of a command stopped because it outlived ``timeout``, as
#: ``timeout(1)`` reports it.
TIMEOUT_EXIT_CODE = 124

# What is read of the command's output: a token answer is a few kilobytes
# (the command refuses one over 1 MiB), its messages a few lines.
_MAX_STDOUT = 2 * 1024 * 1024
_MAX_STDERR = 64 * 1024

_INSTALL_HINT = "pip install regards-token, or set REGARDS_TOKEN_BIN to the command's path"


class TokenError(Exception):
    """``regards-token get`` failed.

    ``exit_code`` is the command's documented exit code: 2 usage or
    configuration, 3 credentials refused (do not retry: the account locks
    after a few failures), 4 server unreachable, 5 not a REGARDS server,
    6 keyring unavailable, 7 a login is needed; 127 when the command is
    not installed, 126 when it cannot be run, 124 when it outlived
    ``timeout`` and was stopped, 128+N when signal N ended it.
    ``message`` is its one-line error, ``hint`` what to do, if it said.
    """

    def __init__(self, exit_code: int, message: str, hint: Optional[str] = None):
        self.exit_code = exit_code
        self.message = message
        self.hint = hint
        text = message if hint is None else f"{message} (hint: {hint})"
        super().__init__(text)


@dataclasses.dataclass(frozen=True)
class Token:
    """A token with what ``regards-token get --format json`` says of it.

    ``value`` is the token itself (a secret: it is left out of ``repr``);
    ``expires_at`` is when it expires (aware, UTC); ``source`` is
    ``"cache"`` or ``"network"``.
    """

    value: str = dataclasses.field(repr=False)
    expires_at: datetime.datetime
    host: str
    scope: str
    username: str
    role: Optional[str]
    tenant: Optional[str]
    source: str

    def expires_in(self) -> datetime.timedelta:
        """The time the token has left from now (zero once expired)."""
        left = self.expires_at - datetime.datetime.now(datetime.timezone.utc)
        return max(left, datetime.timedelta(0))


@overload
def get_token(
    host: Optional[str] = None,
    scope: Optional[str] = None,
    username: Optional[str] = None,
    password: Optional[str] = None,
    profile: Optional[str] = None,
    min_ttl: Optional[Duration] = None,
    *,
    with_expiry: Literal[False] = False,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
) -> str: ...


@overload
def get_token(
    host: Optional[str] = None,
    scope: Optional[str] = None,
    username: Optional[str] = None,
    password: Optional[str] = None,
    profile: Optional[str] = None,
    min_ttl: Optional[Duration] = None,
    *,
    with_expiry: Literal[True],
    timeout: Optional[float] = DEFAULT_TIMEOUT,
) -> Token: ...


def get_token(
    host: Optional[str] = None,
    scope: Optional[str] = None,
    username: Optional[str] = None,
    password: Optional[str] = None,
    profile: Optional[str] = None,
    min_ttl: Optional[Duration] = None,
    *,
    with_expiry: bool = False,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
) -> Union[str, Token]:
    """The access token: the cached one while it has ``min_ttl`` left (5
    minutes by default), else a new one from the server.

    A cached token costs a process start, milliseconds; a login, the
    server's answer. With ``with_expiry=True``, a ``Token`` with its
    expiry instead of the bare token. ``timeout`` bounds the wait for the
    command in seconds (``None``: no bound); past it the command is
    stopped.

    Raises ``TokenError`` on failure, ``ValueError`` for a password the
    command could not be given as it is (a line break or NUL in it, or
    text that is not valid Unicode), before anything runs.
    """
    sent = None if password is None else _password_line(password)
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
    if sent is not None:
        args.append("--password-stdin")
    if with_expiry:
        args += ["--format", "json"]
    out = _run(args, sent, timeout)
    if not with_expiry:
        token = out.strip()
        if not token:
            raise TokenError(1, "regards-token printed no token")
        return token
    return _token(out)


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
        *,
        timeout: Optional[float] = DEFAULT_TIMEOUT,
    ):
        if password is not None:
            # Refused now, rather than at the first request.
            _password_line(password)
        self._settings: Dict[str, Any] = dict(
            host=host, scope=scope, username=username, profile=profile, min_ttl=min_ttl
        )
        self._password = password
        self._timeout = timeout

    def token(self) -> str:
        """The token for the next request."""
        return get_token(password=self._password, timeout=self._timeout, **self._settings)

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        return request

    def __repr__(self) -> str:
        shown = {k: v for k, v in self._settings.items() if v is not None}
        if self._password is not None:
            shown["password"] = "[redacted]"
        name = type(self).__name__
        return f"{name}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def __getattr__(name: str) -> Any:
    # HttpxAuth subclasses httpx.Auth: httpx is imported only when it is
    # asked for, so the module needs nothing beyond the standard library.
    if name == "HttpxAuth":
        try:
            from ._httpx import HttpxAuth
        except ImportError as err:
            raise ImportError(f"regards_token.HttpxAuth needs httpx ({err})") from None
        return HttpxAuth
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _password_line(password: str) -> bytes:
    """The line the command reads with ``--password-stdin``. It reads one
    line: a password with a line break would be cut there, and the part
    before it sent as a whole password the server would judge."""
    if not isinstance(password, str):
        raise TypeError(f"password must be a str, not {type(password).__name__}")
    if any(c in password for c in "\r\n\0"):
        raise ValueError(
            "the password contains a line break (CR or LF) or a NUL: "
            "the command reads one line, so it cannot be sent as it is"
        )
    try:
        return password.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        raise ValueError(
            "the password is not valid Unicode text (it holds a lone surrogate), "
            "so it cannot be sent as UTF-8"
        ) from None


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
    exe = "regards-token" + (sysconfig.get_config_var("EXE") or "")
    # The wheel installs the command among the scripts of the environment,
    # or of the user's scheme after `pip install --user`.
    for scripts in _scripts_folders():
        candidate = os.path.join(scripts, exe)
        if os.path.isfile(candidate):
            return candidate
    found = shutil.which("regards-token")
    if found:
        return found
    raise TokenError(127, "the regards-token command is not installed", _INSTALL_HINT)


def _scripts_folders() -> List[str]:
    folders = [sysconfig.get_path("scripts")]
    try:
        folders.append(sysconfig.get_path("scripts", _user_scheme()))
    except KeyError:
        pass
    folders.append(os.path.dirname(sys.executable))
    return [folder for folder in folders if folder]


def _user_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


class _Capped(threading.Thread):
    """Reads a pipe to its end, keeping at most ``limit`` bytes: the
    command never blocks on a full pipe, and memory stays bounded."""

    def __init__(self, pipe: IO[bytes], limit: int):
        super().__init__(daemon=True)
        self._pipe = pipe
        self._limit = limit
        self.data = bytearray()
        self.cut = False
        self.start()

    def run(self) -> None:
        with self._pipe:
            for chunk in iter(lambda: self._pipe.read(64 * 1024), b""):
                room = self._limit - len(self.data)
                self.cut |= len(chunk) > room
                if room > 0:
                    self.data += chunk[:room]

    def text(self) -> str:
        self.join()
        return self.data.decode("utf-8", errors="replace")


def _run(args: List[str], password_line: Optional[bytes], timeout: Optional[float]) -> str:
    command = [binary(), *args]
    try:
        # Without a password, stdin stays ours: at a terminal the command
        # asks for the password there (on the terminal itself, not on the
        # stderr captured here).
        child = subprocess.Popen(
            command,
            stdin=None if password_line is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as err:
        raise TokenError(
            127 if isinstance(err, FileNotFoundError) else 126,
            f"cannot run {command[0]}: {err.strerror or err}",
            _INSTALL_HINT,
        ) from None
    assert child.stdout is not None and child.stderr is not None
    stdout = _Capped(child.stdout, _MAX_STDOUT)
    stderr = _Capped(child.stderr, _MAX_STDERR)
    if password_line is not None:
        assert child.stdin is not None
        try:
            child.stdin.write(password_line)
            child.stdin.close()
        except BrokenPipeError:
            pass  # it ended without reading: its error says why
    try:
        code = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # A login it was waiting for is held back by its own marker.
        child.kill()
        child.wait()
        _pass_on(stderr.text())
        raise TokenError(
            TIMEOUT_EXIT_CODE,
            f"regards-token did not finish within {timeout:g} s, so it was stopped",
            "raise timeout=, or run regards-token get with -v in a shell to see where it waits",
        ) from None
    errors = stderr.text()
    out = stdout.text()
    _pass_on(errors)
    if code < 0:
        raise TokenError(128 - code, f"regards-token was ended by {_signal_name(-code)}")
    if code != 0:
        raise _error(code, errors)
    if stdout.cut:
        raise TokenError(1, f"regards-token printed more than {_MAX_STDOUT} bytes, which is no token")
    return out


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _token(out: str) -> Token:
    try:
        doc = json.loads(out)
        expires_at = datetime.datetime.strptime(doc["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
        return Token(
            value=doc["access_token"],
            expires_at=expires_at.replace(tzinfo=datetime.timezone.utc),
            host=doc["host"],
            scope=doc["scope"],
            username=doc["username"],
            role=doc.get("role"),
            tenant=doc.get("tenant"),
            source=doc["source"],
        )
    except (ValueError, KeyError, TypeError) as err:
        raise TokenError(1, f"regards-token printed JSON this module cannot read ({err})") from None


def _pass_on(stderr: str) -> None:
    """Warnings become Python warnings (with their hint); a CI system's
    masking commands go to our own stderr, where the runner reads them."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("regards-token: warning: "):
            text = line[len("regards-token: warning: ") :]
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following.startswith("hint: "):
                text += f" (hint: {_pythonic(following[len('hint: ') :])})"
            warnings.warn(text, stacklevel=4)
        elif line.startswith("::add-mask::"):
            print(line, file=sys.stderr, flush=True)


def _error(code: int, stderr: str) -> TokenError:
    message = None
    hint = None
    for line in stderr.splitlines():
        if line.startswith("regards-token: error: ") and message is None:
            message = line[len("regards-token: error: ") :]
        elif line.startswith("hint: ") and hint is None:
            hint = _pythonic(line[len("hint: ") :])
    if message is None:
        message = f"regards-token failed with exit code {code}"
    return TokenError(code, message, hint)


# The command's flags that are arguments here, and the placeholders its
# hints give them.
_ARGUMENTS = {
    "host": "host",
    "scope": "scope",
    "username": "username",
    "profile": "profile",
    "min-ttl": "min_ttl",
}
_FLAG = re.compile(
    r"(?<![\w-])--(host|scope|username|profile|min-ttl)"
    r"(?: (?:URL|PROJECT|LOGIN|NAME|DURATION)(?![\w-])| (https?://[^\s,;]+))?(?![\w-])"
)
_PASSWORD_SOURCES = re.compile(
    r"--password-stdin, --password-file PATH or the REGARDS_PASSWORD variable"
)


def _pythonic(hint: str) -> str:
    """A hint of the command in this module's terms: the arguments of
    ``get_token`` where the command names its flags."""
    hint = _PASSWORD_SOURCES.sub("password=..., or the REGARDS_PASSWORD variable", hint)
    hint = hint.replace("--password-stdin", "password=...")

    def argument(match: "re.Match[str]") -> str:
        name = _ARGUMENTS[match.group(1)]
        value = match.group(2)
        return f'{name}="{value}"' if value else f"{name}=..."

    return _FLAG.sub(argument, hint)

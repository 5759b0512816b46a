"""The Python module against the test server: tokens, the cache, errors
with the documented exit codes, and a password that never reaches the
command line or the environment of the command."""

from __future__ import annotations

import datetime
import os
import subprocess
import warnings
from typing import Any, Dict, List

import pytest

import regards_token
from regards_token import BearerAuth, TokenError, get_token

from conftest import DEMO_LOGIN, DEMO_PASSWORD, RegardsServer


def settings(server: RegardsServer) -> Dict[str, Any]:
    return dict(host=server.url, scope="project1", username=DEMO_LOGIN)


def claims(token: str) -> Dict[str, Any]:
    import base64
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_get_token_logs_in_once_then_uses_the_cache(server: RegardsServer) -> None:
    token = get_token(password=DEMO_PASSWORD, **settings(server))
    assert claims(token)["tenant"] == "project1"
    # From the cache: no password needed, no request sent.
    assert get_token(**settings(server)) == token
    assert server.token_requests() == 1


def test_settings_come_from_the_environment(
    server: RegardsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGARDS_HOST", server.url)
    monkeypatch.setenv("REGARDS_SCOPE", "project1")
    monkeypatch.setenv("REGARDS_USERNAME", DEMO_LOGIN)
    monkeypatch.setenv("REGARDS_PASSWORD", DEMO_PASSWORD)
    assert claims(get_token())["sub"] == DEMO_LOGIN


def test_a_profile_and_min_ttl_are_passed_on(
    server: RegardsServer, sandbox: Any
) -> None:
    config = sandbox / "config" / "regards-token"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        f'[profiles.demo]\nhost = "{server.url}"\nscope = "project1"\n'
        f'username = "{DEMO_LOGIN}"\n'
    )
    token = get_token(profile="demo", password=DEMO_PASSWORD)
    for min_ttl in (60, 60.5, datetime.timedelta(minutes=5), "5m"):
        assert get_token(profile="demo", min_ttl=min_ttl) == token
    # Longer than the token lives: a new login, and the command's warning.
    with pytest.warns(UserWarning, match="less than --min-ttl 1year"):
        assert get_token(profile="demo", min_ttl="1year", password=DEMO_PASSWORD) != token
    assert server.token_requests() == 2
    with pytest.raises(ValueError):
        get_token(profile="demo", min_ttl=-1)


def test_a_refused_password_raises_with_the_exit_code_and_hint(
    server: RegardsServer,
) -> None:
    with pytest.raises(TokenError) as raised:
        get_token(password="not-the-password-42", **settings(server))
    err = raised.value
    assert err.exit_code == 3
    assert err.message and "\n" not in err.message
    assert err.hint
    assert "not-the-password-42" not in str(err)
    assert server.token_requests() == 1


def test_usage_errors_and_unreachable_servers_have_their_codes(
    server: RegardsServer,
) -> None:
    with pytest.raises(TokenError) as raised:
        get_token(host=server.url)
    assert raised.value.exit_code == 2
    assert raised.value.message.startswith("no project and username given")
    with pytest.raises(TokenError) as raised:
        get_token(host="http://127.0.0.1:9", scope="p", username="u", password="x")
    assert raised.value.exit_code == 4


def test_a_missing_command_is_exit_code_127(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGARDS_TOKEN_BIN", "/nonexistent/regards-token")
    with pytest.raises(TokenError) as raised:
        get_token(host="https://x.example", scope="p", username="u")
    assert raised.value.exit_code == 127
    assert raised.value.hint and "pip install regards-token" in raised.value.hint


def test_the_password_goes_on_stdin_only(
    server: RegardsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: List[Dict[str, Any]] = []
    real_popen = subprocess.Popen

    class Spy(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            seen.append(dict(argv=list(args[0]), env=kwargs.get("env")))
            super().__init__(*args, **kwargs)
            assert self.stdin is not None
            real_write = self.stdin.write

            def write(data: bytes) -> int:
                seen[-1]["input"] = data
                return real_write(data)

            self.stdin.write = write  # type: ignore[method-assign]

    monkeypatch.setattr(subprocess, "Popen", Spy)
    get_token(password=DEMO_PASSWORD, **settings(server))
    (call,) = seen
    assert DEMO_PASSWORD not in " ".join(call["argv"])
    assert "--password-stdin" in call["argv"]
    assert call["env"] is None  # the environment is ours, without the password
    assert call["input"] == (DEMO_PASSWORD + "\n").encode()
    assert DEMO_PASSWORD not in "".join(os.environ.values())


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\r\n", "a\x00b", "\n"])
def test_a_password_the_command_would_cut_is_refused_before_it_runs(
    server: RegardsServer, bad: str
) -> None:
    # The command reads one line: "a" would be sent, and judged.
    with pytest.raises(ValueError) as raised:
        get_token(password=bad, **settings(server))
    assert bad not in str(raised.value)
    with pytest.raises(ValueError):
        BearerAuth(password=bad, **settings(server))
    assert server.token_requests() == 0


def test_a_password_that_is_not_unicode_is_refused_not_replaced(
    server: RegardsServer,
) -> None:
    # A lone surrogate (what os.fsdecode makes of bytes that are not
    # UTF-8) would have been sent as "?": a wrong password, judged.
    with pytest.raises(ValueError, match="not valid Unicode"):
        get_token(password="caf\udce9", **settings(server))
    assert server.token_requests() == 0
    # Any valid Unicode is sent as it is.
    with pytest.raises(TokenError) as raised:
        get_token(password="pässwörd-€-😀", **settings(server))
    assert raised.value.exit_code == 3
    assert server.token_requests() == 1


def test_bearer_auth_asks_for_the_token_on_every_request(
    server: RegardsServer,
) -> None:
    class Request:
        def __init__(self) -> None:
            self.headers: Dict[str, str] = {}

    auth = BearerAuth(password=DEMO_PASSWORD, **settings(server))
    assert DEMO_PASSWORD not in repr(auth)
    assert "[redacted]" in repr(auth)
    first = auth(Request())
    token = first.headers["Authorization"].removeprefix("Bearer ")
    assert claims(token)["sub"] == DEMO_LOGIN
    # A token that no longer has min_ttl left is replaced, without a prompt.
    renewing = BearerAuth(password=DEMO_PASSWORD, min_ttl="1year", **settings(server))
    with pytest.warns(UserWarning, match="less than --min-ttl"):
        second = renewing(Request())
    assert second.headers["Authorization"] != first.headers["Authorization"]
    assert server.token_requests() == 2


def test_bearer_auth_works_with_requests(server: RegardsServer) -> None:
    requests = pytest.importorskip("requests")
    auth = BearerAuth(password=DEMO_PASSWORD, **settings(server))
    prepared = requests.Request("GET", server.url + "/api/v1/x", auth=auth).prepare()
    assert prepared.headers["Authorization"].startswith("Bearer eyJ")


@pytest.mark.skipif(os.name == "nt", reason="the readable-file warning is about Unix modes")
def test_warnings_become_python_warnings(
    server: RegardsServer, tmp_path: Any
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text(DEMO_PASSWORD + "\n")
    password_file.chmod(0o644)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        regards_token._run(
            ["get", "--host", server.url, "-s", "project1", "-u", DEMO_LOGIN,
             "--password-file", str(password_file)],
            None,
            None,
        )
    assert any("password" in str(w.message) for w in caught), [str(w.message) for w in caught]


def test_a_warnings_hint_comes_with_it(
    server: RegardsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No keyring in the sandbox: `auto` keeps the token in a file, says so,
    # and how to choose files without the warning.
    monkeypatch.setenv("REGARDS_TOKEN_CACHE", "auto")
    with pytest.warns(UserWarning) as caught:
        get_token(password=DEMO_PASSWORD, **settings(server))
    (warning,) = [str(w.message) for w in caught]
    assert "so the token was kept in a private file" in warning
    assert warning.endswith(
        "(hint: to keep tokens in files without this warning, "
        "set REGARDS_TOKEN_CACHE=file (or pass --cache file))"
    )


def test_github_actions_masking_reaches_our_stderr(
    server: RegardsServer, monkeypatch: pytest.MonkeyPatch, capfd: Any
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    token = get_token(password=DEMO_PASSWORD, **settings(server))
    assert capfd.readouterr().err == f"::add-mask::{token}\n"


def test_the_readme_python_examples_use_the_module_as_it_is() -> None:
    import ast
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    for block in blocks:
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "regards_token":
                for alias in node.names:
                    if alias.name == "HttpxAuth":
                        pytest.importorskip("httpx")
                    assert hasattr(regards_token, alias.name), alias.name
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "get_token",
                "BearerAuth",
                "HttpxAuth",
            ):
                for keyword in node.keywords:
                    assert keyword.arg in (
                        "host",
                        "scope",
                        "username",
                        "password",
                        "profile",
                        "min_ttl",
                        "with_expiry",
                        "timeout",
                    ), keyword.arg


def fake_command(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """A stand-in for the command, for what the real one never does."""
    path = tmp_path / "fake-regards-token"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    monkeypatch.setenv("REGARDS_TOKEN_BIN", str(path))


unix_only = pytest.mark.skipif(os.name == "nt", reason="the stand-in is a shell script")


@unix_only
def test_a_command_that_outlives_the_timeout_is_stopped(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    fake_command(tmp_path, monkeypatch, "exec sleep 60")
    started = time.monotonic()
    with pytest.raises(TokenError) as raised:
        get_token(timeout=0.5)
    assert time.monotonic() - started < 10
    assert raised.value.exit_code == regards_token.TIMEOUT_EXIT_CODE == 124
    assert raised.value.message == "regards-token did not finish within 0.5 s, so it was stopped"
    assert raised.value.hint and raised.value.hint.startswith("raise timeout=")


@unix_only
def test_a_command_ended_by_a_signal_is_128_plus_its_number(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    fake_command(tmp_path, monkeypatch, "kill -TERM $$")
    with pytest.raises(TokenError) as raised:
        get_token()
    assert raised.value.exit_code == 128 + signal.SIGTERM
    assert raised.value.message == "regards-token was ended by SIGTERM"


@unix_only
def test_what_the_command_prints_is_read_up_to_a_bound(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Far more than any token: refused, not returned cut.
    fake_command(tmp_path, monkeypatch, "head -c 8000000 /dev/zero | tr '\\0' a")
    with pytest.raises(TokenError) as raised:
        get_token()
    assert raised.value.exit_code == 1
    assert "printed more than" in raised.value.message
    # A flood on stderr: the command is not blocked, the error still read.
    fake_command(
        tmp_path,
        monkeypatch,
        "echo 'regards-token: error: refused' >&2; head -c 8000000 /dev/zero >&2; exit 3",
    )
    with pytest.raises(TokenError) as raised:
        get_token(timeout=30)
    assert raised.value.exit_code == 3
    assert raised.value.message == "refused"


def test_the_binary_is_found_in_the_user_scheme_with_the_exe_suffix(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sysconfig

    user_scripts = tmp_path / "user-scripts"
    user_scripts.mkdir()
    command = user_scripts / "regards-token.exe"
    command.write_text("")
    real_get_path = sysconfig.get_path

    def get_path(name: str, scheme: Any = None, *args: Any, **kwargs: Any) -> str:
        if scheme is not None and name == "scripts":
            return str(user_scripts)
        return str(tmp_path / "nothing") if name == "scripts" else real_get_path(name)

    monkeypatch.setattr(sysconfig, "get_path", get_path)
    monkeypatch.setattr(sysconfig, "get_config_var", lambda name: ".exe" if name == "EXE" else None)
    monkeypatch.setattr(regards_token.sys, "executable", str(tmp_path / "nothing" / "python"))
    monkeypatch.delenv("REGARDS_TOKEN_BIN")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert regards_token.binary() == str(command)


def test_hints_name_the_python_arguments(
    server: RegardsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(TokenError) as raised:
        get_token()
    assert raised.value.hint == (
        "pass host=..., scope=... and username=..., set REGARDS_HOST, REGARDS_SCOPE "
        "and REGARDS_USERNAME, or add host, scope and username to the config file"
    )
    monkeypatch.setenv("CI", "true")
    with pytest.raises(TokenError) as raised:
        get_token(**settings(server))
    assert raised.value.hint == (
        "use password=..., or the REGARDS_PASSWORD variable, "
        "or run 'regards-token login' once to remember it"
    )
    # Those of the command's flags that are no argument here stay as they are.
    assert regards_token._pythonic("use --host https://x.example:8443") == (
        'use host="https://x.example:8443"'
    )
    assert regards_token._pythonic("raise --timeout if the server is slow") == (
        "raise --timeout if the server is slow"
    )


def test_with_expiry_gives_the_token_and_when_it_expires(server: RegardsServer) -> None:
    before = datetime.datetime.now(datetime.timezone.utc)
    token = get_token(password=DEMO_PASSWORD, with_expiry=True, **settings(server))
    assert isinstance(token, regards_token.Token)
    assert claims(token.value)["sub"] == DEMO_LOGIN
    assert token.value not in repr(token) and token.value not in str(token)
    lifetime = token.expires_at - before
    assert datetime.timedelta(seconds=7100) < lifetime <= datetime.timedelta(seconds=7200)
    assert token.expires_at.tzinfo is not None
    assert datetime.timedelta(seconds=7100) < token.expires_in() <= lifetime
    assert (token.host, token.scope, token.username) == (server.url, "project1", DEMO_LOGIN)
    assert (token.tenant, token.role, token.source) == ("project1", "REGISTERED_USER", "network")
    again = get_token(with_expiry=True, **settings(server))
    assert (again.value, again.expires_at, again.source) == (token.value, token.expires_at, "cache")
    assert get_token(**settings(server)) == token.value
    assert server.token_requests() == 1


def test_httpx_auth_sets_the_header_for_sync_and_async_clients(server: RegardsServer) -> None:
    httpx = pytest.importorskip("httpx")
    import asyncio

    from regards_token import HttpxAuth

    seen: List[str] = []

    def handler(request: Any) -> Any:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200, json={})

    auth = HttpxAuth(password=DEMO_PASSWORD, **settings(server))
    assert isinstance(auth, httpx.Auth)
    assert "[redacted]" in repr(auth) and DEMO_PASSWORD not in repr(auth)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        client.get("https://regards.example.org/api/v1/x")

    async def fetch() -> None:
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport, auth=auth) as client:
            await client.get("https://regards.example.org/api/v1/x")

    asyncio.run(fetch())
    assert len(seen) == 2 and seen[0] == seen[1]
    assert claims(seen[0].removeprefix("Bearer "))["sub"] == DEMO_LOGIN
    assert server.token_requests() == 1


def test_httpx_auth_without_httpx_says_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "httpx", None)
    monkeypatch.delitem(sys.modules, "regards_token._httpx", raising=False)
    with pytest.raises(ImportError, match="regards_token.HttpxAuth needs httpx"):
        regards_token.HttpxAuth  # noqa: B018


def test_the_binaries_follow_cargo_target_dir(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conftest

    monkeypatch.setenv("CARGO_TARGET_DIR", str(tmp_path / "elsewhere"))
    assert conftest._debug_binary("regards-token").startswith(
        str(tmp_path / "elsewhere" / "debug" / "regards-token")
    )
    monkeypatch.delenv("CARGO_TARGET_DIR")
    assert conftest._debug_binary("regards-token").startswith(
        str(conftest.ROOT / "target" / "debug" / "regards-token")
    )

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
    real_run = subprocess.run

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(dict(argv=list(args[0]), env=kwargs.get("env"), input=kwargs.get("input")))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    get_token(password=DEMO_PASSWORD, **settings(server))
    (call,) = seen
    assert DEMO_PASSWORD not in " ".join(call["argv"])
    assert "--password-stdin" in call["argv"]
    assert call["env"] is None  # the environment is ours, without the password
    assert call["input"] == DEMO_PASSWORD + "\n"
    assert DEMO_PASSWORD not in "".join(os.environ.values())


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
        )
    assert any("password" in str(w.message) for w in caught), [str(w.message) for w in caught]


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
                    assert hasattr(regards_token, alias.name), alias.name
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "get_token",
                "BearerAuth",
            ):
                for keyword in node.keywords:
                    assert keyword.arg in (
                        "host",
                        "scope",
                        "username",
                        "password",
                        "profile",
                        "min_ttl",
                    ), keyword.arg

"""Fixtures: the test server on 127.0.0.1, and an environment isolated like
the Rust tests' sandbox (its own home and folders, no keyring of the
machine, no REGARDS_* of the developer)."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Iterator, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_LOGIN = "demo@example.org"
DEMO_PASSWORD = "demo-password"
KEYRINGS = "secret-service,keyutils,keychain,windows"


def _debug_binary(name: str) -> str:
    """Where `cargo build --workspace` put `name`: under CARGO_TARGET_DIR
    when it is set (relative to where cargo ran, taken to be here), else
    the workspace's target folder."""
    exe = name + (".exe" if os.name == "nt" else "")
    target = os.environ.get("CARGO_TARGET_DIR")
    folder = Path(target).resolve() if target else ROOT / "target"
    return str(folder / "debug" / exe)


# Read before the sandbox clears every REGARDS_* variable.
TOKEN_BIN = os.environ.get("REGARDS_TOKEN_BIN") or _debug_binary("regards-token")
SERVER_BIN = os.environ.get("REGARDS_TEST_SERVER_BIN") or _debug_binary(
    "regards-test-server"
)


class RegardsServer:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [SERVER_BIN, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        self.url = first.split()[-1]
        assert self.url.startswith("http://127.0.0.1:"), first
        self.log: List[str] = []
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def token_requests(self) -> int:
        # The log is written as requests are answered; the calls are done.
        return sum("/oauth/token" in line for line in self.log)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def server() -> Iterator[RegardsServer]:
    server = RegardsServer()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("REGARDS_") or name in ("CI", "GITHUB_ACTIONS"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    for sub in ("cache", "config", "run", "tmp"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "run"))
    monkeypatch.setenv("TMPDIR", str(home / "tmp"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "cache"))
    monkeypatch.setenv("APPDATA", str(home / "config"))
    monkeypatch.setenv("REGARDS_TOKEN_SKIP_STORES", KEYRINGS)
    # Tokens are cached in a private file of the sandbox.
    monkeypatch.setenv("REGARDS_TOKEN_CACHE", "file")
    monkeypatch.setenv("REGARDS_TOKEN_BIN", TOKEN_BIN)
    return home

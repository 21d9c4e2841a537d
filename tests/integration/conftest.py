"""A real JSON-RPC node for integration tests: anvil, started per session on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

ROOT = Path(__file__).resolve().parents[2]


def anvil_binary() -> str:
    local = ROOT / "node_modules" / ".bin" / "anvil"
    if local.exists():
        return str(local)
    found = shutil.which("anvil")
    if found is None:
        pytest.fail("anvil not found: run `npm ci` (it installs @foundry-rs/anvil)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def anvil_url() -> Iterator[str]:
    """Start anvil on a free loopback port (chain id 1337, Ape's local id); stop it after."""
    port = free_port()
    proc = subprocess.Popen(
        [anvil_binary(), "--port", str(port), "--chain-id", "1337", "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not Web3(Web3.HTTPProvider(url)).is_connected():
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"anvil did not start on {url}: {err}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def ape_env() -> dict[str, str]:
    """Environment for running the Ape CLI from the project's virtualenv."""
    env = dict(os.environ)
    venv_bin = str(Path(os.sys.executable).parent)  # type: ignore[attr-defined]
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    return env

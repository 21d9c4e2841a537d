"""Integration tests: the Ape CLI against anvil (`anvil_url` lives in tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def ape_env() -> dict[str, str]:
    """Environment for running the Ape CLI from the project's virtualenv."""
    env = dict(os.environ)
    venv_bin = str(Path(os.sys.executable).parent)  # type: ignore[attr-defined]
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    return env

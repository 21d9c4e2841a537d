"""Fixtures of the assurance tests: the whole protocol, deployed once per module."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from .world import ROOT, World, build

_LOADED = time.time()


@pytest.fixture(scope="module")
def world(keyed: Callable[[str], LocalAccount]) -> World:
    return build(keyed)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Show the protocol machine's figures (steps run, time) when it ran."""
    for report in sorted((ROOT / ".build" / "assurance").glob("machine-*.json")):
        if report.stat().st_mtime >= _LOADED:
            figures = json.loads(report.read_text())
            terminalreporter.write_line(f"protocol machine: {figures}")

"""Shared fixtures: contracts run on titanoboa (py-evm, Prague) in-process.

Role-named accounts, factory fixtures that return functions (yearn style), and
Hypothesis profiles. Each test module gets a fresh chain state through boa's
anchor, so tests never see each other's writes.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boa
import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from hypothesis import HealthCheck, settings
from web3 import Web3

from agentmarket.serving import free_port

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
MOCKS = Path(__file__).resolve().parent / "mocks"

settings.register_profile(
    "quick", max_examples=30, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "deep", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Which Vyper code generator compiles the contracts under test: the default
# one, or the experimental Venom pipeline (AGENTMARKET_CODEGEN=venom).
CODEGEN = os.environ.get("AGENTMARKET_CODEGEN", "default")
if CODEGEN not in ("default", "venom"):
    raise ValueError(f"AGENTMARKET_CODEGEN must be 'default' or 'venom', not {CODEGEN!r}")
COMPILER_ARGS = {"experimental_codegen": CODEGEN == "venom"}


@functools.cache
def deployer_of(name: str) -> Any:
    """Compile `contracts/<name>.vy` (or `tests/mocks/<name>.vy`) once per session."""
    path = CONTRACTS / f"{name}.vy"
    if not path.exists():
        path = MOCKS / f"{name}.vy"
    return boa.load_partial(str(path), compiler_args=COMPILER_ARGS)


def load(name: str, *args: Any, **kwargs: Any) -> Any:
    """Deploy `contracts/<name>.vy` (or `tests/mocks/<name>.vy`) on boa."""
    return deployer_of(name).deploy(*args, **kwargs)


@pytest.fixture(scope="module", autouse=True)
def _forget_storage_traces() -> None:
    """Each module deploys afresh, and boa reuses addresses across modules; its
    record of which storage slots an address wrote (used only to print
    contract state in failure reports) would mix two contracts and crash the
    report. Start every module with no record."""
    boa.env.sstore_trace.clear()


@pytest.fixture(scope="session", autouse=True)
def _roles_first(
    deployer: str,
    governance: str,
    guardian: str,
    principal: str,
    other_principal: str,
    operator: LocalAccount,
    attacker: str,
) -> None:
    """Fund the role accounts before any test's snapshot. A session fixture
    first set up inside a test would be funded inside `_isolate`'s anchor:
    the anchor's revert would take its balance back, and boa's own snapshot
    of that fixture (newer than the anchor) would be gone when the session
    ends, failing its teardown."""


@pytest.fixture(autouse=True)
def _isolate() -> Iterator[None]:
    """Every test starts from the module's deployed state and leaves no trace."""
    with boa.env.anchor():
        yield


def _account(label: str) -> LocalAccount:
    acct: LocalAccount = Account.from_key(
        boa.eval(f"keccak256('{label}')")  # deterministic per role
    )
    boa.env.set_balance(acct.address, 10**21)
    return acct


@pytest.fixture(scope="session")
def keyed() -> Callable[[str], LocalAccount]:
    """Accounts with private keys (for EIP-712 signatures), named by role."""
    return _account


@pytest.fixture(scope="session")
def deployer() -> str:
    return str(_account("deployer").address)


@pytest.fixture(scope="session")
def governance() -> str:
    return str(_account("governance").address)


@pytest.fixture(scope="session")
def guardian() -> str:
    return str(_account("guardian").address)


@pytest.fixture(scope="session")
def principal() -> str:
    return str(_account("principal").address)


@pytest.fixture(scope="session")
def other_principal() -> str:
    return str(_account("other_principal").address)


@pytest.fixture(scope="session")
def operator() -> LocalAccount:
    return _account("operator")


@pytest.fixture(scope="session")
def attacker() -> str:
    return str(_account("attacker").address)


@pytest.fixture(scope="module")
def registry(deployer: str) -> Any:
    with boa.env.prank(deployer):
        return load("AgentRegistry")


@pytest.fixture(scope="module")
def register_agent(registry: Any) -> Callable[..., int]:
    """`register_agent(owner, uri=...)` mints an agent and returns its id."""

    def _register(owner: str, uri: str = "ipfs://agent") -> int:
        with boa.env.prank(owner):
            return int(registry.register(uri))

    return _register


# ---------------------------------------------------------------- anvil


def anvil_binary() -> str:
    local = ROOT / "node_modules" / ".bin" / "anvil"
    if local.exists():
        return str(local)
    found = shutil.which("anvil")
    if found is None:
        pytest.fail("anvil not found: run `npm ci` (it installs @foundry-rs/anvil)")
    return found


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

"""Fixtures for the arbitration tests: an ArbiterPanel, mock arbitrables, a paid court.

The root conftest supplies role-named accounts and per-test isolation; this one adds
arbiters and factory fixtures (`deploy_panel`, `open_dispute`, `extra`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from eth_abi import encode

try:  # `tests` importable (rootdir on sys.path, or tests/ made a package)
    from tests.conftest import load
except ModuleNotFoundError:  # pytest's rootdir conftest, imported as `conftest`
    from conftest import load  # type: ignore[no-redef]

from .helpers import CHOICES


@pytest.fixture(scope="session")
def arbiters(keyed: Callable[[str], Any]) -> list[str]:
    """Sixteen arbiter accounts; panels use a prefix of them."""
    return [str(keyed(f"arbiter{i}").address) for i in range(16)]


@pytest.fixture(scope="session")
def client_principal(principal: str) -> str:
    return principal


@pytest.fixture(scope="session")
def provider_principal(other_principal: str) -> str:
    return other_principal


@pytest.fixture(scope="session")
def extra() -> Callable[[str, str], bytes]:
    """`extra(client_principal, provider_principal)`: the panel's extraData."""

    def _extra(client: str, provider: str) -> bytes:
        return encode(["address", "address"], [client, provider])

    return _extra


@pytest.fixture(scope="module")
def deploy_panel(governance: str) -> Callable[..., Any]:
    """`deploy_panel(arbiters, quorum)`: a panel owned by governance."""

    def _deploy(members: list[str], quorum: int) -> Any:
        with boa.env.prank(governance):
            return load("ArbiterPanel", members, quorum)

    return _deploy


@pytest.fixture(scope="module")
def panel(deploy_panel: Callable[..., Any], arbiters: list[str]) -> Any:
    """The default panel of these tests: 2-of-3."""
    return deploy_panel(arbiters[:3], 2)


@pytest.fixture(scope="module")
def deploy_arbitrable(deployer: str) -> Callable[[Any], Any]:
    """`deploy_arbitrable(arbitrator)`: a MockArbitrable bound to `arbitrator`."""

    def _deploy(arbitrator: Any) -> Any:
        with boa.env.prank(deployer):
            return load("MockArbitrable", arbitrator.address)

    return _deploy


@pytest.fixture(scope="module")
def arbitrable(panel: Any, deploy_arbitrable: Callable[[Any], Any]) -> Any:
    return deploy_arbitrable(panel)


@pytest.fixture(scope="module")
def hostile(panel: Any, attacker: str) -> Any:
    with boa.env.prank(attacker):
        return load("MockHostileArbitrable", panel.address)


@pytest.fixture(scope="module")
def open_dispute(
    arbitrable: Any,
    client_principal: str,
    provider_principal: str,
    extra: Callable[[str, str], bytes],
) -> Callable[..., int]:
    """`open_dispute(via=arbitrable, client=..., provider=..., choices=103)` -> id."""

    def _open(
        via: Any = None,
        client: str | None = None,
        provider: str | None = None,
        choices: int = CHOICES,
    ) -> int:
        via = via if via is not None else arbitrable
        data = extra(client or client_principal, provider or provider_principal)
        return int(via.open(choices, data))

    return _open


@pytest.fixture(scope="module")
def set_panel(panel: Any, governance: str) -> Callable[..., None]:
    """`set_panel(arbiters, quorum)` as governance on the default panel."""

    def _set(members: list[str], quorum: int) -> None:
        with boa.env.prank(governance):
            panel.set_panel(members, quorum)

    return _set


@pytest.fixture(scope="module")
def court(deployer: str) -> Any:
    """A paid court charging 0.01 native coin per dispute."""
    with boa.env.prank(deployer):
        return load("MockPaidCourt", 10**16)


@pytest.fixture(scope="module")
def paid_arbitrable(court: Any, deploy_arbitrable: Callable[[Any], Any]) -> Any:
    """A MockArbitrable that opens disputes at the paid court."""
    return deploy_arbitrable(court)


@pytest.fixture(scope="module")
def ruling_lib() -> Any:
    return load("MockRuling")

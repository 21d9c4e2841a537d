"""DisputeResolver: the fields packed in a dispute's head word, read back exactly.

A dispute's head packs the response deadline (36 bits) right below the
arbitration window (then deadline): odd windows and deadlines show a field
offset or a mask off by one bit, which round (even) windows hide. A host whose
job ids do not name the parties has them stored beside the dispute, each at
most 2**128 - 1 ("resolver: id too large").
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import load

DAY = 86_400
# odd and even windows, small and large
WINDOWS = (1, 2, DAY + 1, 3 * DAY, 7 * DAY - 1, 2**30 + 1)


@pytest.mark.parametrize("arbitration_window", WINDOWS)
@pytest.mark.parametrize("response_window", [DAY + 1, 3 * DAY])
def test_dispute__odd_and_even_windows__exact_deadlines(
    resolver: Any,
    make_job: Any,
    client_principal: str,
    provider_principal: str,
    response_window: int,
    arbitration_window: int,
) -> None:
    job = make_job(response_window=response_window, arbitration_window=arbitration_window)
    with boa.env.prank(client_principal):
        resolver.dispute(job, "ipfs://meta")
    opened = boa.env.evm.patch.timestamp
    d = resolver.dispute_of(job)
    assert d.response_deadline == opened + response_window
    assert d.arbitration_window == arbitration_window
    boa.env.time_travel(seconds=1)
    with boa.env.prank(provider_principal):
        resolver.answer(job, "ipfs://answer")
    answered = boa.env.evm.patch.timestamp
    d = resolver.dispute_of(job)
    assert d.response_deadline == opened + response_window
    assert d.arbitration_deadline == answered + arbitration_window


@pytest.fixture(scope="module")
def id_host(deployer: str, registry: Any, panel: Any) -> tuple[Any, Any]:
    """(a MockIdHost, a DisputeResolver on it)."""
    with boa.env.prank(deployer):
        host = load("MockIdHost")
        return host, load("DisputeResolver", host.address, registry.address)


BOUND = 2**128 - 1


@pytest.mark.parametrize(
    "client_id, provider_id", [(BOUND + 1, 7), (7, BOUND + 1), (2**256 - 1, 2**256 - 1)]
)
def test_dispute__party_id_above_128_bits__reverts(
    id_host: tuple[Any, Any], panel: Any, client_principal: str, client_id: int, provider_id: int
) -> None:
    host, resolver = id_host
    host.set_parties(client_id, provider_id, panel.address)
    with boa.env.prank(client_principal), boa.reverts("resolver: id too large"):
        resolver.dispute(5, "ipfs://meta")


@pytest.mark.parametrize("client_id, provider_id", [(BOUND, BOUND), (BOUND, 1), (1, BOUND)])
def test_dispute__party_ids_at_128_bits__stored_exactly(
    id_host: tuple[Any, Any], panel: Any, client_principal: str, client_id: int, provider_id: int
) -> None:
    host, resolver = id_host
    host.set_parties(client_id, provider_id, panel.address)
    with boa.env.prank(client_principal):
        resolver.dispute(5, "ipfs://meta")
    d = resolver.dispute_of(5)
    assert (d.client_id, d.provider_id) == (client_id, provider_id)
    assert d.response_deadline == boa.env.evm.patch.timestamp + 86_401

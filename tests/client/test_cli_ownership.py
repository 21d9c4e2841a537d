"""`agentmarket ownership ...` on the in-process chain: handing ServiceListings,
ArbiterPanel and EscrowGovernor over in two steps. Governance owns all three in a
CLI deployment; `keeper` is the new owner, `client_principal` a stranger."""

from __future__ import annotations

from typing import Any

from .conftest import Invoke, World

OWNED = ("ServiceListings", "ArbiterPanel", "EscrowGovernor")
ZERO = "0x" + "00" * 20


def state(am: Invoke) -> dict[str, Any]:
    out = am("ownership", "show", "--json")
    assert out.code == 0, out.err
    data: dict[str, Any] = out.json()
    return data


def owners(am: Invoke) -> list[tuple[str, str]]:
    return [(row["owner"], row["pending_owner"]) for row in state(am).values()]


def test_show__all_three_owned_by_governance(am: Invoke, world: World) -> None:
    data = state(am)
    assert tuple(data) == OWNED
    assert owners(am) == [(world.address("governance"), ZERO)] * 3
    table = am("ownership", "show")
    assert table.code == 0 and "Ownership" in table.out


def test_transfer_then_accept__all_three(am: Invoke, world: World) -> None:
    governance, keeper = world.address("governance"), world.address("keeper")
    offered = am("ownership", "transfer", keeper, "--json", signer="governance")
    assert offered.code == 0, offered.err
    assert owners(am) == [(governance, keeper)] * 3  # not yet
    wrong = am("ownership", "accept", signer="client_principal")
    assert wrong.code == 1 and "nothing offered to" in wrong.err
    accepted = am("ownership", "accept", signer="keeper")
    said = " ".join(accepted.out.split())  # the console wraps at 80 columns
    assert accepted.code == 0 and "now owns ServiceListings, ArbiterPanel, EscrowGovernor" in said
    assert owners(am) == [(keeper, ZERO)] * 3
    # the new owner governs; the old one no longer does
    old = am("governor", "config", "--fee-bps", "10", signer="governance")
    assert old.code == 1 and "caller is not the owner" in old.err
    assert am("governor", "config", "--fee-bps", "10", signer="keeper").code == 0
    assert am("panel", "set", "--arbiter", keeper, signer="keeper").code == 0


def test_transfer__one_contract__and_accept_it(am: Invoke, world: World) -> None:
    governance, keeper = world.address("governance"), world.address("keeper")
    out = am("ownership", "transfer", keeper, "--contract", "ArbiterPanel", signer="governance")
    assert out.code == 0, out.err
    assert owners(am) == [(governance, ZERO), (governance, keeper), (governance, ZERO)]
    named = am("ownership", "accept", "--contract", "EscrowGovernor", signer="keeper")
    assert named.code == 1 and "nothing offered to" in named.err and "EscrowGovernor" in named.err
    assert am("ownership", "accept", signer="keeper").code == 0
    assert owners(am) == [(governance, ZERO), (keeper, ZERO), (governance, ZERO)]


def test_transfer__refused_before_any_transaction(am: Invoke, world: World) -> None:
    keeper = world.address("keeper")
    am("ownership", "transfer", keeper, "--contract", "ArbiterPanel", signer="governance")
    am("ownership", "accept", signer="keeper")  # keeper owns the panel only
    partial = am("ownership", "transfer", world.address("client_principal"), signer="keeper")
    assert partial.code == 1
    assert "does not own ServiceListings, EscrowGovernor: nothing was sent" in partial.err
    assert [p for _, p in owners(am)] == [ZERO] * 3  # the panel's was not offered either
    empty = am("ownership", "transfer", ZERO, signer="governance")
    assert empty.code == 2 and "empty address" in empty.err
    bad = am("ownership", "show", "--contract", "JobEscrow")
    assert bad.code == 2

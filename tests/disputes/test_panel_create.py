"""ArbiterPanel.createDispute: cost, inputs, snapshot of panel and parties."""

from __future__ import annotations

from typing import Any

import boa
import pytest
from eth_abi import encode

from .helpers import CHOICES, WAITING, ZERO, events


def test_create__returns_ids_from_zero(panel: Any, arbitrable: Any, open_dispute: Any) -> None:
    assert open_dispute() == 0
    assert open_dispute() == 1
    assert open_dispute() == 2
    assert panel.dispute_count() == 3
    assert arbitrable.last_dispute_id() == 2


def test_create__ids_run_on_across_new_panels(
    panel: Any, arbitrable: Any, set_panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    # The counter shares its word with the current panel (issue 15): a new
    # panel keeps it, and counting leaves the panel's epoch, quorum and size.
    assert [open_dispute(), open_dispute()] == [0, 1]
    set_panel(arbiters[5:9], 3)
    assert open_dispute() == 2
    (assigned,) = events(arbitrable, "DisputeAssigned")
    assert (assigned.epoch, assigned.quorum, assigned.eligible) == (2, 3, 4)
    set_panel(arbiters[:3], 2)
    assert open_dispute() == 3
    (assigned,) = events(arbitrable, "DisputeAssigned")
    assert (assigned.epoch, assigned.quorum, assigned.eligible) == (3, 2, 3)
    assert (panel.dispute_count(), panel.panel_epoch(), panel.panel_quorum(3)) == (4, 3, 2)


def test_create__logs_dispute_creation_and_assignment(
    panel: Any,
    arbitrable: Any,
    open_dispute: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    dispute_id = open_dispute()
    (created,) = events(arbitrable, "DisputeCreation")
    assert created.address == panel.address
    assert (created.disputeID, created.arbitrable) == (dispute_id, arbitrable.address)
    (assigned,) = events(arbitrable, "DisputeAssigned")
    assert assigned.disputeID == dispute_id
    assert assigned.arbitrable == arbitrable.address
    assert assigned.epoch == 1
    assert assigned.client_principal == client_principal
    assert assigned.provider_principal == provider_principal
    assert (assigned.choices, assigned.quorum, assigned.eligible) == (CHOICES, 2, 3)


def test_create__stores_snapshot(panel: Any, arbitrable: Any, open_dispute: Any) -> None:
    dispute_id = open_dispute()
    d = panel.get_dispute(dispute_id)
    assert d.arbitrable == arbitrable.address
    assert (d.epoch, d.quorum, d.choices) == (1, 2, CHOICES)
    assert (d.recused_mask, d.voted_mask, d.solved, d.ruling) == (0, 0, False, 0)
    assert panel.disputeStatus(dispute_id) == WAITING
    assert panel.currentRuling(dispute_id) == 0


@pytest.mark.parametrize("value", [1, 10**18])
def test_create__with_value__reverts(
    arbitrable: Any, extra: Any, principal: str, deployer: str, value: int
) -> None:
    with boa.env.prank(deployer), boa.reverts("panel: msg.value must equal arbitrationCost (0)"):
        arbitrable.open(CHOICES, extra(principal, principal), value=value)


@pytest.mark.parametrize("choices", [0, 256, 2**255])
def test_create__choices_out_of_range__reverts(
    arbitrable: Any, extra: Any, principal: str, choices: int
) -> None:
    with boa.reverts("panel: choices out of range"):
        arbitrable.open(choices, extra(principal, principal))


@pytest.mark.parametrize("choices", [1, 2, 255])
def test_create__choices_at_bounds(
    panel: Any, arbitrable: Any, extra: Any, principal: str, choices: int
) -> None:
    dispute_id = arbitrable.open(choices, extra(principal, principal))
    assert panel.get_dispute(dispute_id).choices == choices


def test_create__from_eoa__reverts(panel: Any, extra: Any, attacker: str) -> None:
    with boa.env.prank(attacker), boa.reverts("panel: arbitrable is not a contract"):
        panel.createDispute(CHOICES, extra(attacker, attacker))


@pytest.mark.parametrize("length", [0, 32, 63, 65, 96, 256])
def test_create__extra_data_not_two_addresses__reverts(arbitrable: Any, length: int) -> None:
    with boa.reverts("panel: extraData is not abi.encode(address,address)"):
        arbitrable.open(CHOICES, b"\x00" * length)


def test_create__extra_data_dirty_address__reverts(arbitrable: Any, principal: str) -> None:
    # an address word with bits above 160 set is not abi.encode(address, address)
    data = encode(["uint256", "address"], [2**160, principal])
    with pytest.raises(Exception):  # noqa: B017 - the ABI decoder's bare revert
        arbitrable.open(CHOICES, data)


def test_create__extra_data_longer_than_bound__reverts(panel: Any, arbitrable: Any) -> None:
    # 257 bytes exceed Bytes[256]; sent raw, as a non-Vyper caller could
    with pytest.raises(Exception):  # noqa: B017 - the ABI decoder's bare revert
        boa.env.raw_call(
            panel.address,
            sender=arbitrable.address,
            data=bytes.fromhex("c13517e1") + encode(["uint256", "bytes"], [CHOICES, b"\x01" * 257]),
        )


def test_create__zero_address_principals__no_recusal(panel: Any, open_dispute: Any) -> None:
    dispute_id = open_dispute(client=ZERO, provider=ZERO)
    assert panel.get_dispute(dispute_id).recused_mask == 0


def test_create__party_principal_on_panel__recused(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str], principal: str
) -> None:
    dispute_id = open_dispute(client=arbiters[2], provider=principal)
    assert panel.get_dispute(dispute_id).recused_mask == 0b100
    (assigned,) = events(arbitrable, "DisputeAssigned")
    assert assigned.eligible == 2
    dispute_id = open_dispute(client=principal, provider=arbiters[0])
    assert panel.get_dispute(dispute_id).recused_mask == 0b001
    dispute_id = open_dispute(client=arbiters[1], provider=arbiters[0])
    assert panel.get_dispute(dispute_id).recused_mask == 0b011


def test_create__same_principal_both_sides__one_recusal(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    dispute_id = open_dispute(client=arbiters[1], provider=arbiters[1])
    assert panel.get_dispute(dispute_id).recused_mask == 0b010
    (assigned,) = events(arbitrable, "DisputeAssigned")
    assert assigned.eligible == 2


def test_create__unreachable_quorum__created_anyway(
    panel: Any, arbitrable: Any, set_panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    # 2-of-2 where one arbiter is the client's principal: cannot be ruled, but a
    # party must not be kept from arbitration; the escrow's deadline applies.
    set_panel(arbiters[:2], 2)
    dispute_id = open_dispute(client=arbiters[0])
    (assigned,) = events(arbitrable, "DisputeAssigned")
    assert (assigned.quorum, assigned.eligible) == (2, 1)
    with boa.env.prank(arbiters[1]):
        panel.vote(dispute_id, 1)
    with boa.env.prank(arbiters[0]), boa.reverts("panel: arbiter is a party"):
        panel.vote(dispute_id, 1)
    assert panel.disputeStatus(dispute_id) == WAITING
    assert not arbitrable.ruled(dispute_id)


def test_create__binds_current_epoch(
    panel: Any, set_panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    first = open_dispute()
    set_panel(arbiters[5:9], 3)
    second = open_dispute()
    assert panel.get_dispute(first).epoch == 1
    assert panel.get_dispute(first).quorum == 2
    assert panel.get_dispute(second).epoch == 2
    assert panel.get_dispute(second).quorum == 3


def test_create__recusal_uses_epoch_seats(
    panel: Any, set_panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    # arbiters[6] sits at seat 1 of epoch 2
    set_panel([arbiters[5], arbiters[6]], 1)
    dispute_id = open_dispute(provider=arbiters[6])
    assert panel.get_dispute(dispute_id).recused_mask == 0b10


def test_create__any_contract_may_open(
    panel: Any, hostile: Any, extra: Any, principal: str
) -> None:
    dispute_id = hostile.open(CHOICES, extra(principal, principal))
    assert panel.get_dispute(dispute_id).arbitrable == hostile.address

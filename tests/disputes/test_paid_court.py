"""MockPaidCourt: the paid-court stand-in the escrow tests will use."""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .helpers import CHOICES, CLIENT_WINS, MAX_UINT256, SOLVED, WAITING, events, split

FEE = 10**16


def test_court__cost_in_native_coin(court: Any, deployer: str, attacker: str) -> None:
    assert court.arbitrationCost(b"") == FEE
    assert court.arbitrationCost(b"\x01" * 64) == FEE
    with boa.env.prank(attacker), boa.reverts("court: not owner"):
        court.set_cost(0)
    with boa.env.prank(deployer):
        court.set_cost(3 * FEE)
    assert court.arbitrationCost(b"") == 3 * FEE


def test_court__create_with_fee__keeps_it(court: Any, paid_arbitrable: Any, deployer: str) -> None:
    before = boa.env.get_balance(deployer)
    with boa.env.prank(deployer):
        dispute_id = paid_arbitrable.open(CHOICES, b"", value=FEE)
    assert dispute_id == 0
    (created,) = events(paid_arbitrable, "DisputeCreation")
    assert (created.disputeID, created.arbitrable) == (0, paid_arbitrable.address)
    assert boa.env.get_balance(court.address) == FEE
    assert boa.env.get_balance(deployer) == before - FEE
    d = court.disputes(dispute_id)
    assert (d.arbitrable, d.choices, d.fee_paid, d.solved, d.ruling) == (
        paid_arbitrable.address,
        CHOICES,
        FEE,
        False,
        0,
    )
    assert court.disputeStatus(dispute_id) == WAITING
    assert court.dispute_count() == 1


@pytest.mark.parametrize("value", [0, FEE - 1])
def test_court__fee_too_low__reverts(paid_arbitrable: Any, deployer: str, value: int) -> None:
    with boa.env.prank(deployer), boa.reverts("court: fee too low"):
        paid_arbitrable.open(CHOICES, b"", value=value)


def test_court__overpaid__keeps_all(court: Any, paid_arbitrable: Any, deployer: str) -> None:
    with boa.env.prank(deployer):
        dispute_id = paid_arbitrable.open(CHOICES, b"", value=FEE + 1)
    assert court.disputes(dispute_id).fee_paid == FEE + 1


def test_court__rules_when_told(court: Any, paid_arbitrable: Any, deployer: str) -> None:
    with boa.env.prank(deployer):
        dispute_id = paid_arbitrable.open(CHOICES, b"", value=FEE)
        court.give_ruling(dispute_id, split(25))
    assert paid_arbitrable.ruling_of(dispute_id) == split(25)
    assert paid_arbitrable.status_seen(dispute_id) == SOLVED
    assert court.disputeStatus(dispute_id) == SOLVED
    assert court.currentRuling(dispute_id) == split(25)


def test_court__give_ruling_guards(
    court: Any, paid_arbitrable: Any, deployer: str, attacker: str
) -> None:
    with boa.env.prank(deployer):
        dispute_id = paid_arbitrable.open(CHOICES, b"", value=FEE)
    with boa.env.prank(attacker), boa.reverts("court: not owner"):
        court.give_ruling(dispute_id, CLIENT_WINS)
    with boa.env.prank(deployer):
        with boa.reverts("court: unknown dispute"):
            court.give_ruling(dispute_id + 1, CLIENT_WINS)
        with boa.reverts("court: ruling out of range"):
            court.give_ruling(dispute_id, CHOICES + 1)
        court.give_ruling(dispute_id, CLIENT_WINS)
        with boa.reverts("court: dispute solved"):
            court.give_ruling(dispute_id, CLIENT_WINS)


def test_court__call_rule_unchecked(
    court: Any, paid_arbitrable: Any, deployer: str, attacker: str
) -> None:
    # lets escrow tests hit their own guards; here the mock's guards answer
    with boa.env.prank(deployer):
        dispute_id = paid_arbitrable.open(CHOICES, b"", value=FEE)
        court.call_rule(paid_arbitrable.address, dispute_id, MAX_UINT256)  # out of range
    assert paid_arbitrable.ruling_of(dispute_id) == MAX_UINT256
    assert court.disputeStatus(dispute_id) == WAITING  # the court recorded nothing
    with boa.env.prank(deployer), boa.reverts("mock: already ruled"):
        court.call_rule(paid_arbitrable.address, dispute_id, 1)
    with boa.env.prank(attacker), boa.reverts("court: not owner"):
        court.call_rule(paid_arbitrable.address, dispute_id, 1)


def test_court__no_appeals_and_unknown_views(court: Any, deployer: str) -> None:
    assert court.appealCost(0, b"") == MAX_UINT256
    assert court.appealPeriod(0) == (0, 0)
    with boa.env.prank(deployer), boa.reverts("court: no appeals"):
        court.appeal(0, b"", value=1)
    with boa.reverts("court: unknown dispute"):
        court.disputeStatus(0)
    with boa.reverts("court: unknown dispute"):
        court.currentRuling(0)

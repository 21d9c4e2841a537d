"""ArbiterPanel against an arbitrable that reverts, re-enters or burns gas in `rule`.

Decision under test (see the contract's @custom:security): the `rule` call is part
of the vote that reaches the quorum. If it fails, that vote reverts and nothing is
recorded, so the arbiters can retry; the escrow's arbitration deadline covers an
arbitrable that never accepts. The panel's state is final before it calls out and
`vote`/`createDispute` hold the lock, so re-entry gains nothing.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .helpers import CHOICES, CLIENT_WINS, PROVIDER_WINS, SOLVED, WAITING

NORMAL, REVERT, REENTER_VOTE, SWALLOW_VOTE, SWALLOW_CREATE, BURN_GAS = range(6)


@pytest.fixture
def hostile_dispute(hostile: Any, extra: Any, principal: str, other_principal: str) -> int:
    return int(hostile.open(CHOICES, extra(principal, other_principal)))


def cast(panel: Any, arbiter: str, dispute_id: int, ruling: int, **kw: Any) -> None:
    with boa.env.prank(arbiter):
        panel.vote(dispute_id, ruling, **kw)


def assert_untouched_after_first_vote(panel: Any, dispute_id: int, arbiters: list[str]) -> None:
    assert panel.disputeStatus(dispute_id) == WAITING
    assert panel.currentRuling(dispute_id) == 0
    assert panel.votes_for(dispute_id, CLIENT_WINS) == 1
    assert panel.get_dispute(dispute_id).voted_mask == 0b001
    assert panel.can_vote(dispute_id, arbiters[1])


def test_hostile__rule_reverts__final_vote_reverts_and_can_retry(
    panel: Any, hostile: Any, hostile_dispute: int, arbiters: list[str]
) -> None:
    hostile.set_mode(REVERT, 0, 0)
    cast(panel, arbiters[0], hostile_dispute, CLIENT_WINS)
    with boa.reverts("hostile: refuse ruling"):
        cast(panel, arbiters[1], hostile_dispute, CLIENT_WINS)
    assert_untouched_after_first_vote(panel, hostile_dispute, arbiters)
    assert hostile.rule_count() == 0
    # the arbitrable recovers: the same arbiter retries and the ruling lands once
    hostile.set_mode(NORMAL, 0, 0)
    cast(panel, arbiters[1], hostile_dispute, CLIENT_WINS)
    assert hostile.rule_count() == 1
    assert hostile.last_ruling() == CLIENT_WINS
    assert hostile.status_seen() == SOLVED
    assert panel.disputeStatus(hostile_dispute) == SOLVED


def test_hostile__rule_reverts__other_disputes_unaffected(
    panel: Any,
    hostile: Any,
    hostile_dispute: int,
    arbitrable: Any,
    open_dispute: Any,
    arbiters: list[str],
) -> None:
    hostile.set_mode(REVERT, 0, 0)
    healthy = open_dispute()
    cast(panel, arbiters[0], hostile_dispute, CLIENT_WINS)
    with boa.reverts("hostile: refuse ruling"):
        cast(panel, arbiters[1], hostile_dispute, CLIENT_WINS)
    cast(panel, arbiters[0], healthy, PROVIDER_WINS)
    cast(panel, arbiters[1], healthy, PROVIDER_WINS)
    assert arbitrable.ruling_of(healthy) == PROVIDER_WINS


def test_hostile__reenters_vote__whole_vote_reverts(
    panel: Any, hostile: Any, hostile_dispute: int, arbiters: list[str]
) -> None:
    hostile.set_mode(REENTER_VOTE, hostile_dispute, PROVIDER_WINS)
    cast(panel, arbiters[0], hostile_dispute, CLIENT_WINS)
    with boa.reverts():
        cast(panel, arbiters[1], hostile_dispute, CLIENT_WINS)
    assert_untouched_after_first_vote(panel, hostile_dispute, arbiters)


def test_hostile__seated_arbiter_reenters_vote_swallowed__lock_holds(
    panel: Any,
    set_panel: Any,
    hostile: Any,
    extra: Any,
    arbiters: list[str],
    principal: str,
    other_principal: str,
) -> None:
    # governance seats the hostile contract, so without the lock its re-entrant
    # vote on another open dispute would count
    set_panel([arbiters[0], arbiters[1], hostile.address], 2)
    ruled = hostile.open(CHOICES, extra(principal, other_principal))
    other = hostile.open(CHOICES, extra(principal, other_principal))
    hostile.set_mode(SWALLOW_VOTE, other, PROVIDER_WINS)
    cast(panel, arbiters[0], ruled, CLIENT_WINS)
    cast(panel, arbiters[1], ruled, CLIENT_WINS)
    assert not hostile.reentry_ok()
    assert hostile.rule_count() == 1
    assert hostile.last_ruling() == CLIENT_WINS
    assert panel.disputeStatus(ruled) == SOLVED
    assert panel.votes_for(other, PROVIDER_WINS) == 0
    assert panel.vote_of(other, hostile.address) == (False, 0)
    # outside `rule` the seated contract votes normally
    hostile.cast(other, PROVIDER_WINS)
    assert panel.votes_for(other, PROVIDER_WINS) == 1


def test_hostile__reenters_same_dispute_swallowed__ruled_once(
    panel: Any, hostile: Any, hostile_dispute: int, arbiters: list[str]
) -> None:
    hostile.set_mode(SWALLOW_VOTE, hostile_dispute, PROVIDER_WINS)
    cast(panel, arbiters[0], hostile_dispute, CLIENT_WINS)
    cast(panel, arbiters[1], hostile_dispute, CLIENT_WINS)
    assert not hostile.reentry_ok()
    assert hostile.rule_count() == 1
    assert panel.currentRuling(hostile_dispute) == CLIENT_WINS
    assert panel.votes_for(hostile_dispute, PROVIDER_WINS) == 0


def test_hostile__reenters_create_dispute_swallowed__nothing_created(
    panel: Any, hostile: Any, hostile_dispute: int, arbiters: list[str]
) -> None:
    hostile.set_mode(SWALLOW_CREATE, 0, 0)
    before = panel.dispute_count()
    cast(panel, arbiters[0], hostile_dispute, PROVIDER_WINS)
    cast(panel, arbiters[1], hostile_dispute, PROVIDER_WINS)
    assert not hostile.reentry_ok()
    assert panel.dispute_count() == before
    assert hostile.rule_count() == 1
    assert panel.disputeStatus(hostile_dispute) == SOLVED


def test_hostile__burns_all_gas__final_vote_reverts(
    panel: Any, hostile: Any, hostile_dispute: int, arbiters: list[str]
) -> None:
    hostile.set_mode(BURN_GAS, 0, 0)
    cast(panel, arbiters[0], hostile_dispute, CLIENT_WINS)
    with pytest.raises(Exception):  # noqa: B017 - out of gas, no reason
        cast(panel, arbiters[1], hostile_dispute, CLIENT_WINS, gas=2_000_000)
    assert_untouched_after_first_vote(panel, hostile_dispute, arbiters)


def test_hostile__non_final_votes_never_call_out(
    panel: Any, set_panel: Any, hostile: Any, extra: Any, arbiters: list[str], principal: str
) -> None:
    # an arbitrable that would refuse any ruling cannot block the vote tally
    set_panel(arbiters[:5], 3)
    hostile.set_mode(REVERT, 0, 0)
    dispute_id = hostile.open(CHOICES, extra(principal, principal))
    cast(panel, arbiters[0], dispute_id, CLIENT_WINS)
    cast(panel, arbiters[1], dispute_id, PROVIDER_WINS)
    cast(panel, arbiters[2], dispute_id, CLIENT_WINS)
    assert panel.votes_for(dispute_id, CLIENT_WINS) == 2
    with boa.reverts("hostile: refuse ruling"):
        cast(panel, arbiters[3], dispute_id, CLIENT_WINS)
    assert panel.disputeStatus(dispute_id) == WAITING


def test_mock_arbitrable__rule_from_stranger__reverts(
    arbitrable: Any, open_dispute: Any, attacker: str
) -> None:
    dispute_id = open_dispute()
    with boa.env.prank(attacker), boa.reverts("mock: not arbitrator"):
        arbitrable.rule(dispute_id, CLIENT_WINS)

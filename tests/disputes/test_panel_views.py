"""ArbiterPanel: ERC-792 views, appeals (none), and the panel's own views."""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .helpers import CLIENT_WINS, MAX_UINT256, PROVIDER_WINS, SOLVED, WAITING


@pytest.mark.parametrize("data", [b"", b"\x01" * 64, b"\xff" * 256])
def test_arbitration_cost__zero(panel: Any, data: bytes) -> None:
    assert panel.arbitrationCost(data) == 0


@pytest.mark.parametrize("dispute_id", [0, 7, MAX_UINT256])
def test_appeal_cost__unpayable(panel: Any, dispute_id: int) -> None:
    assert panel.appealCost(dispute_id, b"") == MAX_UINT256


@pytest.mark.parametrize("dispute_id", [0, MAX_UINT256])
def test_appeal_period__none(panel: Any, dispute_id: int) -> None:
    assert panel.appealPeriod(dispute_id) == (0, 0)


def test_appeal__reverts(panel: Any, open_dispute: Any, arbiters: list[str], deployer: str) -> None:
    dispute_id = open_dispute()
    for a in arbiters[:2]:
        with boa.env.prank(a):
            panel.vote(dispute_id, CLIENT_WINS)
    with boa.env.prank(deployer), boa.reverts("panel: no appeals"):
        panel.appeal(dispute_id, b"")
    with boa.env.prank(deployer), boa.reverts("panel: no appeals"):
        panel.appeal(dispute_id, b"", value=10**18)


def test_status_and_ruling__unknown_dispute__revert(panel: Any, open_dispute: Any) -> None:
    for dispute_id in (0, 1, MAX_UINT256):
        with boa.reverts("panel: unknown dispute"):
            panel.disputeStatus(dispute_id)
        with boa.reverts("panel: unknown dispute"):
            panel.currentRuling(dispute_id)
        with boa.reverts("panel: unknown dispute"):
            panel.get_dispute(dispute_id)
    open_dispute()
    assert panel.disputeStatus(0) == WAITING
    with boa.reverts("panel: unknown dispute"):
        panel.disputeStatus(1)


def test_status_and_ruling__through_life(
    panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    dispute_id = open_dispute()
    assert (panel.disputeStatus(dispute_id), panel.currentRuling(dispute_id)) == (WAITING, 0)
    with boa.env.prank(arbiters[0]):
        panel.vote(dispute_id, PROVIDER_WINS)
    assert (panel.disputeStatus(dispute_id), panel.currentRuling(dispute_id)) == (WAITING, 0)
    with boa.env.prank(arbiters[1]):
        panel.vote(dispute_id, PROVIDER_WINS)
    assert (panel.disputeStatus(dispute_id), panel.currentRuling(dispute_id)) == (
        SOLVED,
        PROVIDER_WINS,
    )


def test_vote_of__non_member_and_unknown(
    panel: Any, open_dispute: Any, attacker: str, arbiters: list[str]
) -> None:
    assert panel.vote_of(0, arbiters[0]) == (False, 0)  # unknown dispute
    dispute_id = open_dispute()
    assert panel.vote_of(dispute_id, attacker) == (False, 0)
    assert panel.vote_of(dispute_id, arbiters[0]) == (False, 0)


def test_votes_for__unknown_dispute__zero(panel: Any) -> None:
    assert panel.votes_for(5, CLIENT_WINS) == 0
    assert panel.votes_for(5, 0) == 0


def test_votes_for__refused_ruling_counted(
    panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    # ruling 0 is a vote too; empty seats (byte 0) must not count as 0-votes
    dispute_id = open_dispute()
    assert panel.votes_for(dispute_id, 0) == 0
    with boa.env.prank(arbiters[2]):
        panel.vote(dispute_id, 0)
    assert panel.votes_for(dispute_id, 0) == 1
    assert panel.vote_of(dispute_id, arbiters[2]) == (True, 0)


def test_can_vote__every_case(
    panel: Any, open_dispute: Any, arbiters: list[str], attacker: str, set_panel: Any
) -> None:
    assert not panel.can_vote(0, arbiters[0])  # unknown dispute
    dispute_id = open_dispute(client=arbiters[2])
    assert panel.can_vote(dispute_id, arbiters[0])
    assert not panel.can_vote(dispute_id, attacker)  # not on the panel
    assert not panel.can_vote(dispute_id, arbiters[2])  # a party
    with boa.env.prank(arbiters[0]):
        panel.vote(dispute_id, CLIENT_WINS)
    assert not panel.can_vote(dispute_id, arbiters[0])  # voted
    set_panel([arbiters[9]], 1)
    assert panel.can_vote(dispute_id, arbiters[1])  # still its epoch's arbiter
    assert not panel.can_vote(dispute_id, arbiters[9])  # newcomer
    with boa.env.prank(arbiters[1]):
        panel.vote(dispute_id, CLIENT_WINS)
    assert not panel.can_vote(dispute_id, arbiters[1])  # solved


def test_epoch_views__unknown_epoch__empty(panel: Any, arbiters: list[str]) -> None:
    for epoch in (0, 2, MAX_UINT256):
        assert panel.panel_arbiters(epoch) == []
        assert panel.panel_quorum(epoch) == 0
        assert not panel.is_arbiter(epoch, arbiters[0])

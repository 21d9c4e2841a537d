"""ArbiterPanel.vote: who may vote, once, in range; first ruling to M wins."""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .helpers import (
    CHOICES,
    CLIENT_WINS,
    PROVIDER_WINS,
    REFUSED,
    SOLVED,
    WAITING,
    events,
    split,
)


def cast(panel: Any, arbiter: str, dispute_id: int, ruling: int) -> None:
    with boa.env.prank(arbiter):
        panel.vote(dispute_id, ruling)


# --- one vote below the quorum ---------------------------------------------


def test_vote__below_quorum__recorded_not_ruled(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    dispute_id = open_dispute()
    cast(panel, arbiters[1], dispute_id, PROVIDER_WINS)
    (e,) = events(panel, "VoteCast")
    assert (e.disputeID, e.arbiter, e.ruling, e.votes) == (
        dispute_id,
        arbiters[1],
        PROVIDER_WINS,
        1,
    )
    assert events(panel, "DisputeRuled") == []
    assert panel.vote_of(dispute_id, arbiters[1]) == (True, PROVIDER_WINS)
    assert panel.vote_of(dispute_id, arbiters[0]) == (False, 0)
    assert panel.votes_for(dispute_id, PROVIDER_WINS) == 1
    assert panel.get_dispute(dispute_id).voted_mask == 0b010
    assert panel.disputeStatus(dispute_id) == WAITING
    assert panel.currentRuling(dispute_id) == 0
    assert not panel.can_vote(dispute_id, arbiters[1])
    assert panel.can_vote(dispute_id, arbiters[0])
    assert not arbitrable.ruled(dispute_id)
    assert arbitrable.rule_count() == 0


# --- the vote that reaches the quorum ----------------------------------------


@pytest.mark.parametrize(
    "ruling", [REFUSED, CLIENT_WINS, PROVIDER_WINS, split(0), split(37), split(100)]
)
def test_vote__quorum_reached__rules_on_arbitrable(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str], ruling: int
) -> None:
    dispute_id = open_dispute()
    cast(panel, arbiters[0], dispute_id, ruling)
    cast(panel, arbiters[2], dispute_id, ruling)
    (vote,) = events(panel, "VoteCast")
    assert (vote.arbiter, vote.ruling, vote.votes) == (arbiters[2], ruling, 2)
    (ruled,) = events(panel, "DisputeRuled")
    assert (ruled.disputeID, ruled.arbitrable, ruled.ruling) == (
        dispute_id,
        arbitrable.address,
        ruling,
    )
    (callback,) = events(panel, "Ruling")
    assert callback.address == arbitrable.address
    assert (callback.arbitrator, callback.disputeID, callback.ruling) == (
        panel.address,
        dispute_id,
        ruling,
    )
    assert arbitrable.ruled(dispute_id)
    assert arbitrable.ruling_of(dispute_id) == ruling
    assert arbitrable.rule_count() == 1
    # the panel's state was final before it called out
    assert arbitrable.status_seen(dispute_id) == SOLVED
    assert arbitrable.ruling_seen(dispute_id) == ruling
    assert panel.disputeStatus(dispute_id) == SOLVED
    assert panel.currentRuling(dispute_id) == ruling
    d = panel.get_dispute(dispute_id)
    assert (d.solved, d.ruling, d.voted_mask) == (True, ruling, 0b101)


def test_vote__split_ruling__decodes_to_provider_percent(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str], ruling_lib: Any
) -> None:
    dispute_id = open_dispute()
    cast(panel, arbiters[0], dispute_id, split(70))
    cast(panel, arbiters[1], dispute_id, split(70))
    received = arbitrable.ruling_of(dispute_id)
    assert received == 73
    amount = 1_000_003
    provider = ruling_lib.provider_share(amount, received)
    assert provider == 700_002
    assert amount - provider == 300_001


def test_vote__first_ruling_to_quorum_wins__2_of_3(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    dispute_id = open_dispute()
    cast(panel, arbiters[0], dispute_id, CLIENT_WINS)
    cast(panel, arbiters[1], dispute_id, PROVIDER_WINS)
    assert panel.disputeStatus(dispute_id) == WAITING
    cast(panel, arbiters[2], dispute_id, PROVIDER_WINS)
    assert arbitrable.ruling_of(dispute_id) == PROVIDER_WINS
    assert panel.votes_for(dispute_id, CLIENT_WINS) == 1
    assert panel.votes_for(dispute_id, PROVIDER_WINS) == 2


def test_vote__first_ruling_to_quorum_wins__2_of_4_minority_quorum(
    panel: Any, set_panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    set_panel(arbiters[:4], 2)
    dispute_id = open_dispute()
    cast(panel, arbiters[3], dispute_id, split(50))
    cast(panel, arbiters[0], dispute_id, CLIENT_WINS)
    cast(panel, arbiters[2], dispute_id, split(50))
    assert arbitrable.ruling_of(dispute_id) == split(50)
    # the fourth arbiter comes too late
    with boa.env.prank(arbiters[1]), boa.reverts("panel: dispute solved"):
        panel.vote(dispute_id, CLIENT_WINS)


def test_vote__first_ruling_to_quorum_wins__3_of_5_three_rulings(
    panel: Any, set_panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    set_panel(arbiters[:5], 3)
    dispute_id = open_dispute()
    for arbiter, ruling in [
        (arbiters[4], CLIENT_WINS),
        (arbiters[0], split(20)),
        (arbiters[3], CLIENT_WINS),
        (arbiters[1], split(20)),
    ]:
        cast(panel, arbiter, dispute_id, ruling)
        assert panel.disputeStatus(dispute_id) == WAITING
    cast(panel, arbiters[2], dispute_id, split(20))
    assert arbitrable.ruling_of(dispute_id) == split(20)
    assert panel.votes_for(dispute_id, CLIENT_WINS) == 2
    assert panel.votes_for(dispute_id, split(20)) == 3


def test_vote__quorum_of_one__first_vote_is_final(
    panel: Any, set_panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    set_panel(arbiters[:3], 1)
    dispute_id = open_dispute()
    cast(panel, arbiters[1], dispute_id, REFUSED)
    assert arbitrable.ruled(dispute_id)
    assert arbitrable.ruling_of(dispute_id) == REFUSED
    assert panel.disputeStatus(dispute_id) == SOLVED


def test_vote__sixteen_of_sixteen__every_seat_packs(
    panel: Any, set_panel: Any, arbitrable: Any, extra: Any, arbiters: list[str], principal: str
) -> None:
    set_panel(arbiters, 16)
    dispute_id = arbitrable.open(255, extra(principal, principal))
    for i, a in enumerate(arbiters[:15]):
        cast(panel, a, dispute_id, 255)
        assert panel.votes_for(dispute_id, 255) == i + 1
        assert panel.vote_of(dispute_id, a) == (True, 255)
    assert panel.get_dispute(dispute_id).voted_mask == 2**15 - 1
    assert panel.disputeStatus(dispute_id) == WAITING
    cast(panel, arbiters[15], dispute_id, 255)
    assert arbitrable.ruling_of(dispute_id) == 255
    d = panel.get_dispute(dispute_id)
    assert (d.voted_mask, d.solved, d.ruling) == (2**16 - 1, True, 255)


def test_vote__disputes_are_independent(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    first = open_dispute()
    second = open_dispute()
    cast(panel, arbiters[0], first, CLIENT_WINS)
    cast(panel, arbiters[0], second, PROVIDER_WINS)
    cast(panel, arbiters[1], second, PROVIDER_WINS)
    assert arbitrable.ruling_of(second) == PROVIDER_WINS
    assert not arbitrable.ruled(first)
    assert panel.vote_of(first, arbiters[0]) == (True, CLIENT_WINS)
    assert panel.votes_for(first, PROVIDER_WINS) == 0


# --- the panel that votes is the one that stood at creation -------------------


def test_vote__panel_changed_after_creation__old_panel_votes(
    panel: Any, set_panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    old = open_dispute()
    set_panel([arbiters[5], arbiters[6]], 1)
    new = open_dispute()
    # newcomers cannot vote on the old dispute, and its quorum stays 2
    with boa.env.prank(arbiters[5]), boa.reverts("panel: not an arbiter"):
        panel.vote(old, CLIENT_WINS)
    cast(panel, arbiters[0], old, CLIENT_WINS)
    assert panel.disputeStatus(old) == WAITING
    cast(panel, arbiters[2], old, CLIENT_WINS)
    assert arbitrable.ruling_of(old) == CLIENT_WINS
    # removed arbiters cannot vote on the new dispute; one newcomer is quorum
    with boa.env.prank(arbiters[0]), boa.reverts("panel: not an arbiter"):
        panel.vote(new, PROVIDER_WINS)
    cast(panel, arbiters[6], new, PROVIDER_WINS)
    assert arbitrable.ruling_of(new) == PROVIDER_WINS


def test_vote__reseated_arbiter_uses_seat_of_dispute_epoch(
    panel: Any, set_panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    # arbiters[2] moves from seat 2 (epoch 1) to seat 0 (epoch 2)
    old = open_dispute()
    set_panel([arbiters[2], arbiters[0]], 2)
    cast(panel, arbiters[2], old, CLIENT_WINS)
    assert panel.get_dispute(old).voted_mask == 0b100
    assert panel.vote_of(old, arbiters[2]) == (True, CLIENT_WINS)


# --- refusals ---------------------------------------------------------------


def test_vote__unknown_dispute__reverts(panel: Any, open_dispute: Any, arbiters: list[str]) -> None:
    with boa.env.prank(arbiters[0]), boa.reverts("panel: unknown dispute"):
        panel.vote(0, CLIENT_WINS)
    open_dispute()
    with boa.env.prank(arbiters[0]), boa.reverts("panel: unknown dispute"):
        panel.vote(1, CLIENT_WINS)


def test_vote__solved_dispute__reverts(panel: Any, open_dispute: Any, arbiters: list[str]) -> None:
    dispute_id = open_dispute()
    cast(panel, arbiters[0], dispute_id, CLIENT_WINS)
    cast(panel, arbiters[1], dispute_id, CLIENT_WINS)
    for a in arbiters[:3]:
        with boa.env.prank(a), boa.reverts("panel: dispute solved"):
            panel.vote(dispute_id, CLIENT_WINS)


@pytest.mark.parametrize("who", ["attacker", "governance", "principal"])
def test_vote__not_an_arbiter__reverts(
    panel: Any, open_dispute: Any, request: pytest.FixtureRequest, who: str
) -> None:
    dispute_id = open_dispute()
    with boa.env.prank(request.getfixturevalue(who)), boa.reverts("panel: not an arbiter"):
        panel.vote(dispute_id, CLIENT_WINS)


def test_vote__arbitrable_itself__not_an_arbiter(
    panel: Any, hostile: Any, extra: Any, principal: str
) -> None:
    dispute_id = hostile.open(CHOICES, extra(principal, principal))
    with boa.reverts("panel: not an arbiter"):
        hostile.cast(dispute_id, CLIENT_WINS)


def test_vote__client_principal_arbiter__reverts(
    panel: Any, arbitrable: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    dispute_id = open_dispute(client=arbiters[1])
    assert not panel.can_vote(dispute_id, arbiters[1])
    with boa.env.prank(arbiters[1]), boa.reverts("panel: arbiter is a party"):
        panel.vote(dispute_id, CLIENT_WINS)
    # the two others still reach the quorum
    cast(panel, arbiters[0], dispute_id, PROVIDER_WINS)
    cast(panel, arbiters[2], dispute_id, PROVIDER_WINS)
    assert arbitrable.ruling_of(dispute_id) == PROVIDER_WINS


def test_vote__provider_principal_arbiter__reverts(
    panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    dispute_id = open_dispute(provider=arbiters[0])
    with boa.env.prank(arbiters[0]), boa.reverts("panel: arbiter is a party"):
        panel.vote(dispute_id, PROVIDER_WINS)


def test_vote__party_on_one_dispute_free_on_another(
    panel: Any, open_dispute: Any, arbiters: list[str]
) -> None:
    mine = open_dispute(client=arbiters[0])
    other = open_dispute()
    with boa.env.prank(arbiters[0]), boa.reverts("panel: arbiter is a party"):
        panel.vote(mine, CLIENT_WINS)
    cast(panel, arbiters[0], other, CLIENT_WINS)


@pytest.mark.parametrize("second", [CLIENT_WINS, PROVIDER_WINS])
def test_vote__twice__reverts(
    panel: Any, open_dispute: Any, arbiters: list[str], second: int
) -> None:
    dispute_id = open_dispute()
    cast(panel, arbiters[0], dispute_id, CLIENT_WINS)
    with boa.env.prank(arbiters[0]), boa.reverts("panel: already voted"):
        panel.vote(dispute_id, second)
    assert panel.votes_for(dispute_id, CLIENT_WINS) == 1


@pytest.mark.parametrize("ruling", [CHOICES + 1, 255, 256, 2**256 - 1])
def test_vote__ruling_out_of_range__reverts(
    panel: Any, open_dispute: Any, arbiters: list[str], ruling: int
) -> None:
    dispute_id = open_dispute()
    with boa.env.prank(arbiters[0]), boa.reverts("panel: ruling out of range"):
        panel.vote(dispute_id, ruling)
    assert panel.can_vote(dispute_id, arbiters[0])


def test_vote__ruling_at_choices__accepted(
    panel: Any, arbitrable: Any, extra: Any, arbiters: list[str], principal: str
) -> None:
    dispute_id = arbitrable.open(2, extra(principal, principal))
    with boa.env.prank(arbiters[0]), boa.reverts("panel: ruling out of range"):
        panel.vote(dispute_id, 3)
    cast(panel, arbiters[0], dispute_id, 2)
    cast(panel, arbiters[1], dispute_id, 2)
    assert arbitrable.ruling_of(dispute_id) == 2

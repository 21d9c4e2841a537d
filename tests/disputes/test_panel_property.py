"""Property: against a plain Python model, the packed tally gives the same votes,
tallies and final ruling for any panel, quorum, recusals and vote sequence."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boa
from hypothesis import event, given
from hypothesis import strategies as st

from .helpers import SOLVED, WAITING


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[int, int, int, list[int | None], list[tuple[int, int]]]:
    n = draw(st.integers(1, 16))
    quorum = draw(st.integers(1, n))
    choices = draw(st.integers(1, 255))
    # parties: a seat index (that arbiter is the principal) or None
    parties = draw(st.lists(st.one_of(st.none(), st.integers(0, n - 1)), min_size=2, max_size=2))
    # a few candidate rulings, so that quorums are actually reached
    candidates = draw(st.lists(st.integers(0, choices), min_size=1, max_size=3))
    votes = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(candidates)), max_size=24)
    )
    return n, quorum, choices, parties, votes


@given(scenario=scenarios())
def test_property__packed_tally_matches_model(
    scenario: Any,
    deploy_panel: Any,
    deploy_arbitrable: Any,
    arbiters: list[str],
    extra: Any,
    principal: str,
) -> None:
    n, quorum, choices, parties, votes = scenario
    with boa.env.anchor():
        members = arbiters[:n]
        panel = deploy_panel(members, quorum)
        arbitrable = deploy_arbitrable(panel)
        client = principal if parties[0] is None else members[parties[0]]
        provider = principal if parties[1] is None else members[parties[1]]
        dispute_id = arbitrable.open(choices, extra(client, provider))
        recused = {p for p in parties if p is not None}

        voted: dict[int, int] = {}
        final: int | None = None
        for seat, ruling in votes:
            with boa.env.prank(members[seat]):
                if final is not None:
                    with boa.reverts("panel: dispute solved"):
                        panel.vote(dispute_id, ruling)
                elif seat in recused:
                    with boa.reverts("panel: arbiter is a party"):
                        panel.vote(dispute_id, ruling)
                elif seat in voted:
                    with boa.reverts("panel: already voted"):
                        panel.vote(dispute_id, ruling)
                else:
                    panel.vote(dispute_id, ruling)
                    voted[seat] = ruling
                    if Counter(voted.values())[ruling] >= quorum:
                        final = ruling

        event("ruled" if final is not None else "not ruled")
        tally = Counter(voted.values())
        for ruling in set(tally) | {0, choices}:
            assert panel.votes_for(dispute_id, ruling) == tally[ruling]
        for seat, member in enumerate(members):
            expected = (True, voted[seat]) if seat in voted else (False, 0)
            assert panel.vote_of(dispute_id, member) == expected
        d = panel.get_dispute(dispute_id)
        assert d.voted_mask == sum(1 << s for s in voted)
        assert d.recused_mask == sum(1 << s for s in recused)
        if final is None:
            assert panel.disputeStatus(dispute_id) == WAITING
            assert not arbitrable.ruled(dispute_id)
        else:
            assert panel.disputeStatus(dispute_id) == SOLVED
            assert panel.currentRuling(dispute_id) == final
            assert arbitrable.ruling_of(dispute_id) == final
            assert arbitrable.rule_count() == 1

"""Property: over random job histories, every aggregate the registry reports
equals the sum recomputed in Python from the logged events alone (the mock
escrow's `ReputationRecorded`, the registry's `NewFeedback` + `Rated`), and
the rating gates answer as the escrow's rules say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from .helpers import (
    DECLINED,
    HASH,
    REFUNDED_LATE,
    REJECTED,
    ROOT,
    URI,
    Model,
    agent_address,
    as_dict,
    job_facts_from_logs,
    ratings_from_logs,
)

# Small ids as a young registry mints and ids at the top of the 64-bit field,
# odd and even (issue 21): pair records are keyed by two ids side by side.
AGENTS = (1, 2, 2**63 + 1, 2**64 - 2, 2**64 - 1)
STRANGER = 2**64 - 3  # an id that never takes part
REFUNDS = (REFUNDED_LATE, DECLINED, REJECTED)
TOKEN_WEIGHTS = (0, 1, 10**12, 10**18, 3 * 10**18)

agents = st.sampled_from(AGENTS)
counterparty_lists = st.lists(st.sampled_from((*AGENTS, STRANGER)), max_size=8)


def _address(agent: int) -> str:
    return "0x" + (0xA9E0 << 144 | agent).to_bytes(20, "big").hex()


ATTACKER = "0x" + "ab" * 20

# Compiled once; each example deploys fresh copies.
ESCROW_CODE = boa.load_partial(str(ROOT / "tests" / "mocks" / "MockRatingGate.vy"))
REPUTATION_CODE = boa.load_partial(str(ROOT / "contracts" / "ReputationRegistry.vy"))


@dataclass
class Job:
    client_id: int
    provider_id: int
    same_principal: bool
    settled: bool = False
    paid: int = 0
    client_rated: bool = False
    provider_rated: bool = False


class ReputationHistory(RuleBasedStateMachine):
    escrow: Any
    reputation: Any

    @initialize()
    def deploy(self) -> None:
        self.escrow = ESCROW_CODE.deploy()
        self.reputation = REPUTATION_CODE.deploy(self.escrow.address)
        self.escrow.set_reputation(self.reputation.address)
        self.model = Model()
        self.jobs: list[Job] = []

    def _open(self, client_id: int, provider_id: int, same_principal: bool) -> int:
        # an agent hiring itself shares its own principal
        same = same_principal or client_id == provider_id
        self.jobs.append(Job(client_id, provider_id, same))
        job_id = len(self.jobs)
        self.escrow.open_job(
            job_id, client_id, _address(client_id), provider_id, _address(provider_id), same
        )
        return job_id

    @rule(
        client_id=agents,
        provider_id=agents,
        outcome=st.integers(1, 9),
        # any low bits, and the escrow's widest amount (128 bits)
        paid=st.one_of(st.integers(0, 10**9), st.sampled_from([2**64 - 1, 2**128 - 1])),
        token_weight=st.sampled_from(TOKEN_WEIGHTS),
        same_principal=st.sampled_from((False, False, False, True)),
    )
    def settle(
        self,
        client_id: int,
        provider_id: int,
        outcome: int,
        paid: int,
        token_weight: int,
        same_principal: bool,
    ) -> None:
        job_id = self._open(client_id, provider_id, same_principal)
        if outcome in REFUNDS:
            paid = 0
        self.escrow.settle(job_id, outcome, paid, paid * token_weight)
        job = self.jobs[job_id - 1]
        job.settled, job.paid = True, paid
        facts = job_facts_from_logs(self.escrow)
        assert len(facts) == (0 if job.same_principal else 1)
        self.model.facts.extend(facts)

    @rule(client_id=agents, provider_id=agents)
    def open_unsettled(self, client_id: int, provider_id: int) -> None:
        self._open(client_id, provider_id, False)

    @rule(pick=st.integers(0, 10**6), by_client=st.booleans(), score=st.integers(0, 110))
    def rate(self, pick: int, by_client: bool, score: int) -> None:
        if not self.jobs:
            return
        job_id = pick % len(self.jobs) + 1
        job = self.jobs[job_id - 1]
        rater = job.client_id if by_client else job.provider_id
        already = job.client_rated if by_client else job.provider_rated
        expected = None
        if score > 100:
            expected = "reputation: score above 100"
        elif not job.settled:
            expected = "escrow: job not settled"
        elif job.paid == 0:
            expected = "escrow: nothing paid"
        elif job.same_principal:
            expected = "escrow: same principal"
        elif already:
            expected = "escrow: already rated"

        with boa.env.prank(_address(rater)):
            if expected is not None:
                with boa.reverts(expected):
                    self.reputation.rate(job_id, score, "t1", "t2", URI, HASH)
                return
            self.reputation.rate(job_id, score, "t1", "t2", URI, HASH)
        if by_client:
            job.client_rated = True
        else:
            job.provider_rated = True
        (rating,) = ratings_from_logs(self.reputation)
        assert rating.job_id == job_id
        assert rating.rater_id == rater
        assert rating.rated_id == (job.provider_id if by_client else job.client_id)
        assert rating.score == score
        assert rating.feedback_index == self.model.last_index(rating.rated_id, rater) + 1
        self.model.ratings.append(rating)

    @rule(pick=st.integers(0, 10**6))
    def third_party_rates(self, pick: int) -> None:
        if not self.jobs:
            return
        job = self.jobs[pick % len(self.jobs)]
        if not job.settled or job.paid == 0 or job.same_principal:
            return  # an earlier check answers first
        with boa.env.prank(ATTACKER), boa.reverts("escrow: not a party"):
            self.reputation.rate(pick % len(self.jobs) + 1, 50, "", "", URI, HASH)

    @rule(agent=agents, among=counterparty_lists)
    def restricted_reads_match(self, agent: int, among: list[int]) -> None:
        assert as_dict(self.reputation.reputation_among(agent, among)) == self.model.reputation(
            agent, among
        )
        addresses = [agent_address(a) for a in among]
        assert self.reputation.getSummary(agent, addresses, "", "") == self.model.summary(
            agent,
            among or None,  # an empty list means every rater
        )
        for rater in among:
            assert self.reputation.getLastIndex(
                agent, agent_address(rater)
            ) == self.model.last_index(agent, rater)

    @invariant()
    def whole_aggregates_match(self) -> None:
        for agent in AGENTS:
            assert as_dict(self.reputation.reputation_of(agent)) == self.model.reputation(agent)


ReputationHistory.TestCase.settings = settings(settings.default, stateful_step_count=30)
test_reputation_history = ReputationHistory.TestCase

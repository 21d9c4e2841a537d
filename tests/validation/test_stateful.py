"""A state machine: requests, answers (and updates, with tags), and job
verdicts in any order, checked against a Python model after every step:
each request's status, both lists, and `getSummary` under every filter."""

from __future__ import annotations

import boa
from conftest import load
from escrow.helpers import PROVIDER_AGENT_ID, SIBLING_AGENT_ID, register_as
from eth_account import Account
from eth_account.signers.local import LocalAccount
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from .helpers import URI, ZERO_HASH, Model, request_hash

TAGS = ["", "soft", "hard"]
N_AGENTS = 2
N_VALIDATORS = 3


def _address(label: str) -> str:
    acct: LocalAccount = Account.from_key(request_hash(f"stateful:{label}"))
    return str(acct.address)


OWNERS = [_address(f"owner{i}") for i in range(N_AGENTS)]
VALIDATORS = [_address(f"validator{i}") for i in range(N_VALIDATORS)]


class ValidationMachine(RuleBasedStateMachine):
    @initialize()
    def deploy(self) -> None:
        self.owners = OWNERS
        self.validators = VALIDATORS
        self.registry = load("AgentRegistry")
        self.verdict_source = load("MockVerdictSource")
        self.v = load("ValidationRegistry", self.registry.address, self.verdict_source.address)
        self.agents = []
        # the top id and an odd one with the field's top bit (issue 21)
        for owner, agent_id in zip(self.owners, (PROVIDER_AGENT_ID, SIBLING_AGENT_ID), strict=True):
            self.agents.append(register_as(self.registry, owner, agent_id))
        self.model = Model()
        self.hashes: list[bytes] = []
        self.verdicts: set[bytes] = set()
        self.n = 0

    @rule(a=st.integers(0, N_AGENTS - 1), w=st.integers(0, N_VALIDATORS - 1))
    def request(self, a: int, w: int) -> None:
        self.n += 1
        h = request_hash(f"s{self.n}")
        with boa.env.prank(self.owners[a]):
            self.v.validationRequest(self.validators[w], self.agents[a], URI, h)
        self.model.request(h, self.validators[w], self.agents[a])
        self.hashes.append(h)
        self._touch(h)

    @precondition(lambda self: bool(self.hashes))
    @rule(
        i=st.integers(0, 10**6),
        response=st.integers(0, 100),
        tag=st.sampled_from(TAGS),
        evidence=st.booleans(),
    )
    def respond(self, i: int, response: int, tag: str, evidence: bool) -> None:
        h = self.hashes[i % len(self.hashes)]
        proof = request_hash(f"e{response}") if evidence else ZERO_HASH
        with boa.env.prank(self.model.validator_of[h]):
            if h in self.verdicts:
                with boa.reverts("validation: job verdict is final"):
                    self.v.validationResponse(h, response, URI, proof, tag)
                self._touch(h)
                return
            self.v.validationResponse(h, response, URI, proof, tag)
        self.model.respond(h, response, tag)
        assert self.v.getValidationStatus(h)[3] == proof
        self._touch(h)

    @rule(
        a=st.integers(0, N_AGENTS - 1),
        w=st.integers(0, N_VALIDATORS - 1),
        approved=st.booleans(),
    )
    def verdict(self, a: int, w: int, approved: bool) -> None:
        """A job verdict in the escrow (its stand-in), published by an owner."""
        self.n += 1
        job_id = (self.n << 128) | self.agents[a]
        self.verdict_source.set_verdict(job_id, self.validators[w], approved, ZERO_HASH)
        with boa.env.prank(self.owners[w % N_AGENTS]):
            self.v.publish_verdict(job_id)
        h = self.v.job_request_hash(job_id)
        self.model.request(h, self.validators[w], self.agents[a])
        self.model.respond(h, 100 if approved else 0, "")
        self.hashes.append(h)
        self.verdicts.add(h)
        self._touch(h)

    def _touch(self, h: bytes) -> None:
        self.last = h

    @invariant()
    def last_touched_request_matches_the_model(self) -> None:
        """After each step: the status of the request it touched, the lists of
        its agent and validator, and its agent's summary under every filter."""
        h = getattr(self, "last", None)
        if h is None:
            return
        agent, validator = self.model.agent_of[h], self.model.validator_of[h]
        status = self.v.getValidationStatus(h)
        assert status[:2] == (validator, agent)
        answer = self.model.answer.get(h)
        assert self.v.validation(h).responded == (answer is not None)
        if answer is not None:
            assert (status[2], status[4]) == answer
        assert self.v.getAgentValidations(agent) == self.model.agent_list[agent]
        assert self.v.getValidatorRequests(validator) == self.model.validator_list[validator]
        for validators in ([], [validator], [self.validators[0], self.validators[2]]):
            for tag in TAGS:
                want = self.model.summary(agent, validators, tag)
                assert self.v.getSummary(agent, validators, tag) == want, (validators, tag)

    def teardown(self) -> None:
        """At the end: every agent's summary under every filter."""
        if not hasattr(self, "model"):
            return
        filters: list[list[str]] = [[], [self.validators[1]], self.validators[1:]]
        for agent in self.agents:
            for validators in filters:
                for tag in TAGS:
                    want = self.model.summary(agent, validators, tag)
                    assert self.v.getSummary(agent, validators, tag) == want


TestValidationMachine = ValidationMachine.TestCase
TestValidationMachine.settings = settings(settings.default, stateful_step_count=20)


def test_model__summary_rounds_down() -> None:
    model = Model()
    for i, r in enumerate((100, 51)):
        h = request_hash(str(i))
        model.request(h, "0xV", 1)
        model.respond(h, r, "")
    assert model.summary(1) == (2, 75)

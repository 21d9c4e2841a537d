"""Stateful property test of the escrow (SPEC I1, I3, I4, I6).

A Python model runs beside the contracts. Every rule picks an action and an
actor, asks the model whether the escrow must accept it, and then either
performs it (and updates the model) or expects a revert. Invariants after
every step:

- I1 solvency: token.balanceOf(escrow) == Σ free + Σ locked in open jobs +
  Σ bonds of open disputes + fees owed; and every free balance, fee and job
  equals the model's;
- I3 finality: only drawn transitions happen (the model decides which may),
  terminal jobs never change (all re-read at teardown);
- I4 conservation: checked through the exact balances of each settlement;
- I6 budget: an operator commits within its principal's caps per period, a
  frozen agent's operator commits nothing (the model predicts every refusal).

Each example starts from the module's deployed world inside a boa anchor
(fresh state, no redeploy), with `stateful_step_count` 30.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .helpers import (
    ACCEPT_WINDOW,
    BOND_BPS,
    BOND_FLOOR,
    DELIVERY_TIME,
    FEE_BPS,
    PRICE,
    RESULT,
    REVIEW_WINDOW,
    TERMS,
    now,
    sign_offer,
)

R, A, D, C, F, X, V = 1, 2, 3, 4, 5, 6, 8  # Requested .. Refunded, Disputed, Resolved
OPEN = (R, A, D, X)
TERMINAL = (C, F, V)
PER_JOB_CAP = 2 * PRICE
PERIOD_CAP = 5 * PRICE
PERIOD = 86_400
# 2**60 - 1 and 2**59 - 1: every low bit set, under the per-job cap (issue 21)
PRICES = [1, 7, PRICE // 3 + 1, 2**60 - 1, PRICE, 3 * PRICE]

# Strategies (one place).
prices = st.sampled_from(PRICES)
amounts = st.sampled_from([1, 3, PRICE // 7, 2**59 - 1, PRICE, 4 * PRICE])
picks = st.integers(min_value=0, max_value=10**6)
flags = st.booleans()
jumps = st.sampled_from([1, 11, 3_600, ACCEPT_WINDOW, DELIVERY_TIME, REVIEW_WINDOW, PERIOD])
deltas = st.sampled_from([-1, 0, 1])
outcomes = st.sampled_from([4, 5, 6, 7])


@dataclass
class Job:
    client: int
    provider: int
    amount: int
    status: int
    deadline: int
    delivery_time: int
    client_bond: int = 0
    provider_bond: int = 0


class EscrowMachine(RuleBasedStateMachine):
    world: Any = None

    @initialize()
    def start(self) -> None:
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        w = self.world
        self.e, self.t = w.escrow, w.token
        self.client, self.provider, self.sibling = w.client_id, w.provider_id, w.sibling_id
        with boa.env.prank(w.principal):
            w.registry.set_spend_policy(
                self.client, self.t.address, PER_JOB_CAP, PERIOD_CAP, PERIOD
            )
        # Listings at each price, by the provider and by the sibling.
        self.listings: dict[tuple[int, int], int] = {}
        for provider, seller in ((self.provider, w.provider_op), (self.sibling, w.principal)):
            for price in PRICES:
                with boa.env.prank(seller):
                    lid = w.listings.create_listing(
                        provider,
                        b"t".ljust(32, b"\0"),
                        self.t.address,
                        price,
                        DELIVERY_TIME,
                        TERMS,
                        "u",
                    )
                self.listings[(provider, price)] = int(lid)
        # Working capital: the client can hire, the provider can post bonds.
        for agent_id, amount in ((self.client, 12 * PRICE), (self.provider, 2 * PRICE)):
            self.t.mint(w.principal, amount)
            with boa.env.prank(w.principal):
                self.t.approve(self.e.address, amount)
                self.e.deposit(agent_id, self.t.address, amount)
        self.free = {a: self.e.balance_of(a, self.t.address) for a in self.agents}
        self.fees = self.e.fees_owed(w.fee_recipient, self.t.address)
        self.jobs: dict[int, Job] = {}
        self.frozen = False
        self.window = (0, 0)  # (start, used) of the client operator's spending
        self.nonce = 1_000
        self.used_nonces: set[int] = set()
        self.last: int | None = None
        # Two jobs to start from: one Requested, one Accepted (by offer).
        self.hire(sibling=False, price=PRICE, by_principal=True)
        self.hire_with_offer(price=PRICE // 3 + 1, by_principal=False, reuse=False)

    def teardown(self) -> None:
        if getattr(self, "_anchor", None) is not None:
            for job_id in self.jobs:
                self._check_job(job_id)
            self._anchor.__exit__(None, None, None)

    # ----------------------------------------------------------- helpers

    @property
    def agents(self) -> tuple[int, int, int]:
        return (self.client, self.provider, self.sibling)

    def _has(self, statuses: tuple[int, ...]) -> bool:
        return any(job.status in statuses for job in getattr(self, "jobs", {}).values())

    def _pick(self, i: int, statuses: tuple[int, ...] | None = None) -> int | None:
        ids = [j for j, job in self.jobs.items() if statuses is None or job.status in statuses]
        return sorted(ids)[i % len(ids)] if ids else None

    def _client_actor(self, by_principal: bool) -> tuple[str, bool]:
        """(address, may act) for the client side."""
        if by_principal:
            return self.world.principal, True
        return self.world.client_op, not self.frozen

    def _provider_actor(self, provider: int, by_principal: bool) -> str:
        if provider == self.sibling:
            return self.world.principal
        return self.world.other_principal if by_principal else self.world.provider_op

    def _budget_ok(self, price: int) -> tuple[bool, tuple[int, int]]:
        start, used = self.window
        if now() >= start + PERIOD:
            start, used = now(), 0
        used += price
        return price <= PER_JOB_CAP and used <= PERIOD_CAP, (start, used)

    def _do(self, ok: bool, fn: Any) -> Any:
        if ok:
            return fn()
        with boa.reverts():
            fn()
        return None

    def _check_job(self, job_id: int) -> None:
        job, chain = self.jobs[job_id], self.e.job(job_id)
        assert chain.status == job.status, (job_id, chain.status, job.status)
        assert chain.price == job.amount
        if job.status in (R, A):
            assert chain.deadline == job.deadline
        assert self.e.bonds(job_id) == (job.client_bond, job.provider_bond)

    def _settle_model(self, job: Job, share: int, client_back: int, provider_back: int) -> None:
        fee = share * FEE_BPS // 10_000
        self.free[job.provider] += share - fee + provider_back
        self.free[job.client] += job.amount - share + client_back
        self.fees += fee + (job.client_bond - client_back) + (job.provider_bond - provider_back)
        job.amount = share - fee

    # -------------------------------------------------------------- ledger

    @rule(agent=st.integers(0, 2), amount=amounts)
    def deposit(self, agent: int, amount: int) -> None:
        agent_id = self.agents[agent]
        self.t.mint(self.world.principal, amount)
        with boa.env.prank(self.world.principal):
            self.t.approve(self.e.address, amount)
            self.e.deposit(agent_id, self.t.address, amount)
        self.free[agent_id] += amount

    @rule(agent=st.integers(0, 2), amount=amounts)
    def withdraw(self, agent: int, amount: int) -> None:
        agent_id = self.agents[agent]
        owner = self.world.other_principal if agent_id == self.provider else self.world.principal
        ok = amount <= self.free[agent_id]
        with boa.env.prank(owner):
            self._do(ok, lambda: self.e.withdraw(agent_id, self.t.address, amount, owner))
        if ok:
            self.free[agent_id] -= amount

    @precondition(lambda self: getattr(self, "fees", 0) > 0)
    @rule()
    def claim_fees(self) -> None:
        with boa.env.prank(self.world.fee_recipient):
            self._do(
                self.fees > 0, lambda: self.e.claim_fees(self.t.address, self.world.fee_recipient)
            )
        self.fees = 0

    # ---------------------------------------------------------------- hire

    def _hire_ok(self, by_principal: bool, price: int) -> tuple[bool, bool, tuple[int, int]]:
        sender_ok = by_principal or not self.frozen
        budget_ok, window = (True, self.window) if by_principal else self._budget_ok(price)
        ok = sender_ok and not self.frozen and budget_ok and self.free[self.client] >= price
        return ok, budget_ok, window

    def _opened(
        self,
        job_id: int,
        provider: int,
        price: int,
        status: int,
        window: tuple[int, int],
        by_principal: bool,
    ) -> None:
        self.free[self.client] -= price
        if not by_principal:
            self.window = window
        deadline = now() + (ACCEPT_WINDOW if status == R else DELIVERY_TIME)
        self.jobs[job_id] = Job(self.client, provider, price, status, deadline, DELIVERY_TIME)
        self.last = job_id

    @rule(sibling=flags, price=prices, by_principal=flags)
    def hire(self, sibling: bool, price: int, by_principal: bool) -> None:
        provider = self.sibling if sibling else self.provider
        lid = self.listings[(provider, price)]
        sender, _ = self._client_actor(by_principal)
        ok, _, window = self._hire_ok(by_principal, price)
        with boa.env.prank(sender):
            job_id = self._do(ok, lambda: self.e.hire(lid, self.client, self.t.address, price, 1))
        if ok:
            self._opened(int(job_id), provider, price, R, window, by_principal)

    @rule(price=prices, by_principal=flags, reuse=flags)
    def hire_with_offer(self, price: int, by_principal: bool, reuse: bool) -> None:
        if not reuse:
            self.nonce += 1
        fields = {
            "provider_id": self.provider,
            "client_id": 0,
            "token": self.t.address,
            "price": price,
            "delivery_time": DELIVERY_TIME,
            "terms_hash": TERMS,
            "nonce": self.nonce,
            "expiry": now() + 3_600,
        }
        o, v, r, s = sign_offer(self.world.offers, self.world.provider_key, fields)
        sender, _ = self._client_actor(by_principal)
        ok, _, window = self._hire_ok(by_principal, price)
        ok = ok and self.nonce not in self.used_nonces
        with boa.env.prank(sender):
            job_id = self._do(
                ok, lambda: self.world.offers.hire_with_offer(o, self.client, v, r, s)
            )
        if ok:
            self.used_nonces.add(self.nonce)
            self._opened(int(job_id), self.provider, price, A, window, by_principal)

    # ------------------------------------------------------------ exits

    @precondition(lambda self: self._has((R,)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def accept(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (R,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        ok = job.status == R and now() < job.deadline
        with boa.env.prank(self._provider_actor(job.provider, by_principal)):
            self._do(ok, lambda: self.e.accept(job_id))
        if ok:
            job.status, job.deadline = A, now() + job.delivery_time
        self.last = job_id

    @precondition(lambda self: self._has((R,)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def decline(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (R,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        ok = job.status == R
        with boa.env.prank(self._provider_actor(job.provider, by_principal)):
            self._do(ok, lambda: self.e.decline(job_id))
        if ok:
            job.status = F
            self.free[job.client] += job.amount
        self.last = job_id

    @precondition(lambda self: self._has((R,)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def cancel(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (R,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        sender, may = self._client_actor(by_principal)
        ok = job.status == R and may
        with boa.env.prank(sender):
            self._do(ok, lambda: self.e.cancel(job_id))
        if ok:
            job.status = F
            self.free[job.client] += job.amount
        self.last = job_id

    @precondition(lambda self: self._has((R, A)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def reclaim(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (R, A))
        if job_id is None:
            return
        job = self.jobs[job_id]
        sender, may = self._client_actor(by_principal)
        ok = job.status in (R, A) and now() >= job.deadline and may
        with boa.env.prank(sender):
            self._do(ok, lambda: self.e.reclaim(job_id))
        if ok:
            job.status = F
            self.free[job.client] += job.amount
        self.last = job_id

    @precondition(lambda self: self._has((A,)))
    @rule(i=picks, any_job=flags, by_principal=flags, lower=st.sampled_from([0, 1, 2]))
    def deliver(self, i: int, any_job: bool, by_principal: bool, lower: int) -> None:
        job_id = self._pick(i, None if any_job else (A,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        final = [job.amount, job.amount // 3, 0][lower]
        ok = job.status == A and now() < job.deadline
        with boa.env.prank(self._provider_actor(job.provider, by_principal)):
            self._do(ok, lambda: self.e.deliver(job_id, RESULT, "ipfs://r", final))
        if ok:
            self.free[job.client] += job.amount - final
            job.status, job.amount, job.deadline = D, final, now() + REVIEW_WINDOW
        self.last = job_id

    @precondition(lambda self: self._has((D,)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def complete(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (D,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        sender, may = self._client_actor(by_principal)
        ok = job.status == D and now() < job.deadline and may
        with boa.env.prank(sender):
            self._do(ok, lambda: self.e.complete(job_id))
        if ok:
            self._settle_model(job, job.amount, 0, 0)
            job.status = C
        self.last = job_id

    @precondition(lambda self: self._has((D,)))
    @rule(i=picks, any_job=flags)
    def finalize(self, i: int, any_job: bool) -> None:
        job_id = self._pick(i, None if any_job else (D,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        ok = job.status == D and now() >= job.deadline
        self._do(ok, lambda: self.e.finalize(job_id))
        if ok:
            self._settle_model(job, job.amount, 0, 0)
            job.status = C
        self.last = job_id

    # ---------------------------------------------------------- disputes

    @precondition(lambda self: self._has((D,)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def open_dispute(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (D,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        bond = max(BOND_FLOOR, job.amount * BOND_BPS // 10_000)
        sender, may = self._client_actor(by_principal)
        ok = job.status == D and now() < job.deadline and may and self.free[job.client] >= bond
        with boa.env.prank(sender):
            self._do(ok, lambda: self.world.resolver.open(job_id))
        if ok:
            self.free[job.client] -= bond
            job.status, job.client_bond = X, bond
        self.last = job_id

    @precondition(lambda self: self._has((X,)))
    @rule(i=picks, any_job=flags, by_principal=flags)
    def answer(self, i: int, any_job: bool, by_principal: bool) -> None:
        job_id = self._pick(i, None if any_job else (X,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        ok = (
            job.status == X
            and job.provider_bond == 0
            and self.free[job.provider] >= job.client_bond
        )
        with boa.env.prank(self._provider_actor(job.provider, by_principal)):
            self._do(ok, lambda: self.world.resolver.answer(job_id))
        if ok:
            self.free[job.provider] -= job.client_bond
            job.provider_bond = job.client_bond
        self.last = job_id

    @precondition(lambda self: self._has((X,)))
    @rule(
        i=picks,
        share=st.sampled_from([0, 1, 2, 3]),
        backs=st.sampled_from([0, 1, 2, 3]),
        outcome=outcomes,
    )
    def settle(self, i: int, share: int, backs: int, outcome: int) -> None:
        job_id = self._pick(i, (X,))
        if job_id is None:
            return
        job = self.jobs[job_id]
        provider_share = [0, job.amount // 2, job.amount, job.amount // 3 + 1][share]
        provider_share = min(provider_share, job.amount)
        client_back = job.client_bond if backs & 1 else job.client_bond // 3
        provider_back = job.provider_bond if backs & 2 else 0
        self.world.resolver.settle(job_id, provider_share, client_back, provider_back, outcome)
        self._settle_model(job, provider_share, client_back, provider_back)
        job.status = V
        self.last = job_id

    # -------------------------------------------------------- time, freeze

    @rule(seconds=jumps)
    def wait(self, seconds: int) -> None:
        boa.env.time_travel(seconds=seconds)

    @rule(i=picks, delta=deltas)
    def to_deadline(self, i: int, delta: int) -> None:
        job_id = self._pick(i, (R, A, D))
        if job_id is None:
            return
        target = self.jobs[job_id].deadline + delta
        if target > now():
            boa.env.evm.patch.timestamp = target

    @rule(freeze=flags)
    def set_freeze(self, freeze: bool) -> None:
        with boa.env.prank(self.world.principal):
            if freeze:
                self.world.registry.freeze(self.client)
            else:
                self.world.registry.unfreeze(self.client)
        self.frozen = freeze

    # ------------------------------------------------------------ invariants

    @invariant()
    def solvent_and_matching(self) -> None:
        if not hasattr(self, "e"):
            return
        t = self.t.address
        free = [self.e.balance_of(a, t) for a in self.agents]
        assert free == [self.free[a] for a in self.agents]
        fees = self.e.fees_owed(self.world.fee_recipient, t)
        assert fees == self.fees
        locked = sum(j.amount for j in self.jobs.values() if j.status in OPEN)
        bonds = sum(j.client_bond + j.provider_bond for j in self.jobs.values() if j.status == X)
        # I1 (the world's other tokens are untouched here).
        assert self.t.balanceOf(self.e.address) == sum(free) + locked + bonds + fees

    @invariant()
    def last_job_matches(self) -> None:
        if getattr(self, "last", None) is not None:
            self._check_job(self.last)

    @invariant()
    def operator_within_caps(self) -> None:
        if hasattr(self, "e"):
            start, used = self.e.spent(self.client, self.t.address)
            assert (start, used) == self.window
            assert used <= PERIOD_CAP


def test_escrow_state_machine(world: Any) -> None:
    EscrowMachine.world = world
    run_state_machine_as_test(EscrowMachine, settings=settings(stateful_step_count=30))

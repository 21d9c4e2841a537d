"""Stateful property test of Tabs (SPEC I1, I4, I5, I6 over tabs).

A Python model runs beside the contracts: tabs (deposit, redeemed, closing
deadline, status), the client's, the provider's and the sibling's (a provider of the client's own
principal) free balances, fees owed, the client operator's spending window and
the reputation writes. Every rule asks the model whether the
contracts must accept the action, then performs it (and updates the model)
or expects a revert. Vouchers are signed by the tab's key (the operator here,
whoever opened the tab), the principal or a stranger: only the key's redeem;
amounts may be stale, equal, above the deposit. After every step:

- I1 solvency: token.balanceOf(escrow) == Σ free + Σ unredeemed deposits of
  open tabs + fees owed; every balance, fee and tab equals the model's;
- I4 conservation: Σ deposits == Σ provider pay + Σ fees + Σ refunds +
  Σ unredeemed (exact to the unit, fee rounding included: a tab's fees are
  f(redeemed) = redeemed * bps // 10_000 however its redemptions split it);
- I5 reputation: only a closing writes, once per tab, and only for a tab
  whose redemptions owed a fee (something redeemed, not dust) between
  different principals: one completed job worth the tab's net redeemed value
  (the mock hook's count and last record);
- I6 budget: the operator's window equals the model's and stays within caps.

Each example starts from the module's deployed world inside a boa anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import boa
from escrow.helpers import FEE_BPS, PRICE
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from agentmarket.contracts.tabs import Voucher, sign_voucher

PER_JOB_CAP = 3 * PRICE
PERIOD_CAP = 6 * PRICE
PERIOD = 86_400
DELAY = 3_601  # odd: packed right above the signer's key
MAX_TABS = 6

# 2**59 - 1: every low bit set (issue 21)
amounts = st.sampled_from([1, 99, PRICE // 3, 2**59 - 1, PRICE, 4 * PRICE])
picks = st.integers(min_value=0, max_value=10**6)
jumps = st.sampled_from([1, DELAY - 1, DELAY, PERIOD])
signers = st.sampled_from(["key", "principal", "stranger"])
steps = st.sampled_from([-1, 0, 1, 17, PRICE // 5])


def fee_of(value: int) -> int:
    """The fees of a tab's cumulative redeemed value."""
    return value * FEE_BPS // 10_000


@dataclass
class Tab:
    deposit: int
    provider: int
    redeemed: int = 0
    closes_at: int = 0
    open: bool = True
    refunded: int = 0


class TabsMachine(RuleBasedStateMachine):
    world: Any = None
    keys: ClassVar[dict[str, Any]] = {}

    @initialize()
    def start(self) -> None:
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        w = self.world
        self.tabs, self.e, self.t = w.tabs, w.escrow, w.token
        self.client, self.provider = w.client_id, w.provider_id
        with boa.env.prank(w.principal):
            w.registry.set_spend_policy(
                self.client, self.t.address, PER_JOB_CAP, PERIOD_CAP, PERIOD
            )
        self.t.mint(w.principal, 20 * PRICE)
        with boa.env.prank(w.principal):
            self.t.approve(self.e.address, 20 * PRICE)
            self.e.deposit(self.client, self.t.address, 20 * PRICE)
        self.sibling = w.sibling_id
        self.free = {
            a: self.e.balance_of(a, self.t.address)
            for a in (self.client, self.provider, self.sibling)
        }
        self.rep_calls = w.reputation.calls()
        self.fees = self.e.fees_owed(w.fee_recipient, self.t.address)
        self.escrow_held = self.t.balanceOf(self.e.address)
        self.model: dict[int, Tab] = {}
        self.window = self.e.spent(self.client, self.t.address)
        self.paid_in = 0
        self.paid_out = 0  # provider pay + fees + refunds
        self.frozen = False

    def teardown(self) -> None:
        if getattr(self, "_anchor", None) is not None:
            self._anchor.__exit__(None, None, None)

    # ----------------------------------------------------------- helpers
    def now(self) -> int:
        return int(boa.env.evm.patch.timestamp)

    def pick(self, i: int) -> int | None:
        ids = sorted(self.model)
        return ids[i % len(ids)] if ids else None

    def budget_ok(self, amount: int, by_operator: bool) -> bool:
        if not by_operator:
            return True
        start, used = self.window
        if self.now() >= start + PERIOD:
            used = 0
        return amount <= PER_JOB_CAP and used + amount <= PERIOD_CAP

    def charge(self, amount: int, by_operator: bool) -> None:
        if by_operator:
            start, used = self.window
            if self.now() >= start + PERIOD:
                start, used = self.now(), 0
            self.window = (start, used + amount)

    # ------------------------------------------------------------- rules
    @rule(amount=amounts, by_operator=st.booleans(), to_sibling=st.booleans())
    def open(self, amount: int, by_operator: bool, to_sibling: bool) -> None:
        w = self.world
        provider = self.sibling if to_sibling else self.provider
        sender = w.client_op if by_operator else w.principal
        ok = (
            len(self.model) < MAX_TABS
            and not (self.frozen and by_operator)
            and not self.frozen
            and self.free[self.client] >= amount
            and self.budget_ok(amount, by_operator)
        )
        with boa.env.prank(sender):
            if not ok:
                if len(self.model) < MAX_TABS:
                    with boa.reverts():
                        self.tabs.open(self.client, provider, self.t.address, amount, DELAY)
                return
            tab_id = int(self.tabs.open(self.client, provider, self.t.address, amount, DELAY))
        self.charge(amount, by_operator)
        self.free[self.client] -= amount
        self.paid_in += amount
        self.model[tab_id] = Tab(deposit=amount, provider=provider)

    @rule(i=picks, amount=amounts, by_operator=st.booleans())
    def top_up(self, i: int, amount: int, by_operator: bool) -> None:
        tab_id = self.pick(i)
        if tab_id is None:
            return
        tab, w = self.model[tab_id], self.world
        ok = (
            tab.open
            and tab.closes_at == 0
            and not self.frozen
            and self.free[self.client] >= amount
            and self.budget_ok(amount, by_operator)
        )
        with boa.env.prank(w.client_op if by_operator else w.principal):
            if not ok:
                with boa.reverts():
                    self.tabs.top_up(tab_id, amount)
                return
            self.tabs.top_up(tab_id, amount)
        self.charge(amount, by_operator)
        self.free[self.client] -= amount
        self.paid_in += amount
        tab.deposit += amount

    def _voucher(self, tab_id: int, step: int, who: str) -> tuple[int, int, int, int, int]:
        amount = max(0, self.model[tab_id].redeemed + step)
        key = {
            "key": self.world.client_key,
            "principal": self.keys["principal"],
            "stranger": self.keys["stranger"],
        }[who]
        signed = sign_voucher(
            key, Voucher(tab_id, amount), boa.env.evm.patch.chain_id, str(self.tabs.address)
        )
        return signed.as_tuple()

    def _valid(self, tab_id: int, amount: int, who: str) -> str:
        """'pay', 'skip' (not above redeemed) or 'refuse'."""
        tab = self.model[tab_id]
        if not tab.open or (tab.closes_at and self.now() >= tab.closes_at):
            return "refuse"
        if amount <= tab.redeemed:
            return "skip"
        if amount > tab.deposit or who != "key":  # the tab's key only, never the principal
            return "refuse"
        return "pay"

    def _pay(self, tab_id: int, amount: int) -> None:
        tab = self.model[tab_id]
        added = amount - tab.redeemed
        fee = fee_of(amount) - fee_of(tab.redeemed)
        tab.redeemed = amount
        self.free[tab.provider] += added - fee
        self.fees += fee
        self.paid_out += added

    @rule(i=picks, step=steps, who=signers)
    def redeem(self, i: int, step: int, who: str) -> None:
        tab_id = self.pick(i)
        if tab_id is None:
            return
        v = self._voucher(tab_id, step, who)
        verdict = self._valid(tab_id, v[1], who)
        if verdict != "pay":
            with boa.reverts():
                self.tabs.redeem(*v)
            return
        self.tabs.redeem(*v)
        self._pay(tab_id, v[1])

    @rule(i=picks, j=picks, step=steps, step2=steps, who=signers)
    def redeem_many(self, i: int, j: int, step: int, step2: int, who: str) -> None:
        a, b = self.pick(i), self.pick(j)
        if a is None or b is None:
            return
        va = self._voucher(a, step, "key")
        vb = self._voucher(b, step2, who)
        verdicts = [self._valid(a, va[1], "key")]
        # The second voucher is judged after the first is applied (same tab possible).
        if verdicts[0] == "refuse":
            with boa.reverts():
                self.tabs.redeem_many([va, vb])
            return
        saved = (self.model[a].redeemed, dict(self.free), self.fees, self.paid_out)
        if verdicts[0] == "pay":
            self._pay(a, va[1])
        second = self._valid(b, vb[1], who)
        if second == "refuse":
            self.model[a].redeemed = saved[0]
            self.free, self.fees, self.paid_out = saved[1], saved[2], saved[3]
            with boa.reverts():
                self.tabs.redeem_many([va, vb])
            return
        if second == "pay":
            self._pay(b, vb[1])
        count = self.tabs.redeem_many([va, vb])
        assert count == [verdicts[0], second].count("pay")

    @rule(i=picks)
    def request_close(self, i: int) -> None:
        tab_id = self.pick(i)
        if tab_id is None:
            return
        tab = self.model[tab_id]
        with boa.env.prank(self.world.client_op):
            if not tab.open or tab.closes_at or self.frozen:
                with boa.reverts():
                    self.tabs.request_close(tab_id)
                return
            self.tabs.request_close(tab_id)
        tab.closes_at = self.now() + DELAY

    def _closed(self, tab_id: int) -> None:
        tab = self.model[tab_id]
        rest = tab.deposit - tab.redeemed
        tab.open, tab.refunded = False, rest
        self.free[self.client] += rest
        self.paid_out += rest
        # I5: the closing is the tab's one reputation write, if any.
        rep = self.world.reputation
        if fee_of(tab.redeemed) and tab.provider != self.sibling:  # no fee owed, no fact
            self.rep_calls += 1
            last = rep.last()
            net = tab.redeemed - fee_of(tab.redeemed)
            assert last.job_id == tab_id | (1 << 255)
            assert (last.client_id, last.provider_id) == (self.client, tab.provider)
            assert (last.outcome, last.paid, last.weighted_value) == (1, net, net)  # weight 1
        assert rep.calls() == self.rep_calls

    @rule(i=picks)
    def finish_close(self, i: int) -> None:
        tab_id = self.pick(i)
        if tab_id is None:
            return
        tab = self.model[tab_id]
        if not tab.open or not tab.closes_at or self.now() < tab.closes_at:
            with boa.reverts():
                self.tabs.finish_close(tab_id)
            return
        self.tabs.finish_close(tab_id)
        self._closed(tab_id)

    @rule(i=picks)
    def close(self, i: int) -> None:
        tab_id = self.pick(i)
        if tab_id is None:
            return
        tab = self.model[tab_id]
        closer = self.world.principal if tab.provider == self.sibling else self.world.provider_op
        with boa.env.prank(closer):
            if not tab.open:
                with boa.reverts():
                    self.tabs.close(tab_id)
                return
            self.tabs.close(tab_id)
        self._closed(tab_id)

    @rule()
    def toggle_freeze(self) -> None:
        with boa.env.prank(self.world.principal):
            if self.frozen:
                self.world.registry.unfreeze(self.client)
            else:
                self.world.registry.freeze(self.client)
        self.frozen = not self.frozen

    @rule(seconds=jumps)
    def wait(self, seconds: int) -> None:
        boa.env.time_travel(seconds=seconds)

    # -------------------------------------------------------- invariants
    @invariant()
    def books_match_model(self) -> None:
        if not hasattr(self, "model"):
            return
        for tab_id, tab in self.model.items():
            t = self.tabs.tab(tab_id)
            assert (t.deposit, t.redeemed, t.closes_at) == (
                tab.deposit,
                tab.redeemed,
                tab.closes_at,
            )
            assert t.status == (1 if tab.open else 2)
        for agent, amount in self.free.items():
            assert self.e.balance_of(agent, self.t.address) == amount
        assert self.e.fees_owed(self.world.fee_recipient, self.t.address) == self.fees

    @invariant()
    def solvency_and_conservation(self) -> None:
        if not hasattr(self, "model"):
            return
        held = sum(t.deposit - t.redeemed for t in self.model.values() if t.open)
        # I1 (the client's other agents hold nothing in this token here).
        assert self.t.balanceOf(self.e.address) == sum(self.free.values()) + held + self.fees
        # I4: every unit locked on a tab is paid, refunded, or still held.
        assert self.paid_in == self.paid_out + held

    @invariant()
    def reputation_only_at_closings(self) -> None:
        # I5: opening, top-ups, redemptions and close requests write nothing.
        if hasattr(self, "rep_calls"):
            assert self.world.reputation.calls() == self.rep_calls

    @invariant()
    def operator_within_caps(self) -> None:
        if hasattr(self, "e"):
            start, used = self.e.spent(self.client, self.t.address)
            assert (start, used) == self.window
            assert used <= PERIOD_CAP


def test_tabs_state_machine(world: Any, keyed: Any) -> None:
    TabsMachine.world = world
    TabsMachine.keys = {"principal": keyed("principal"), "stranger": keyed("stranger")}
    run_state_machine_as_test(TabsMachine, settings=settings(stateful_step_count=30))

"""The tab rules of the protocol machine (issue #8), mixed into `ProtocolMachine`.

Tabs share the escrow's ledger, so they join the same model: a tab locks its
deposit from the client's free balance under a hire's checks and budget,
redemptions credit the provider (minus the rise of the fee of the tab's
cumulative value) and a closing returns the rest and writes the tab's one
reputation fact. The rules: open, top up, sign vouchers (by the tab's key,
the client's principal of the moment, its current or other operator key, a
stranger), redeem one or two at once (replayed, stale, over the deposit,
forged, after the deadline), request a close, finish it (with jumps to one
second before, on and after the deadline), and the provider's close. Each
rule predicts the outcome from the model (SPEC.md and the NatSpec, not the
code): a voucher is valid if and only if the tab's key, fixed at opening,
signed it (whoever owns or operates the client now); a top-up is refused
once that key is neither the client's principal nor its operator. Checked
on what each rule touched:

- I1: the open tabs' unredeemed deposits are a term of every token's sum;
- I4 per tab: the chain's ledger deltas of every redemption and closing add
  up to what left the tab, and the tab's books close: deposit == provider
  pay + fees + refund + unredeemed, with fees == f(redeemed);
- I5: redemptions move no counter; a closing adds one completed job worth
  the net redeemed value (weighted) to both sides, unless it owed no fee
  (nothing redeemed, or dust) or the sides shared a principal at opening.

And one property asserted, not predicted (issue 14, finding 1): the provider
runs the client library's `VoucherVerifier` on every voucher the client
hands it (`tab_pay`, `tab_redeem`) and holds the latest one it accepted. A
held voucher above the tab's redeemed value must redeem whenever the machine
tries it before the close deadline (`tab_redeem_held`, `tab_to_deadline`,
and every tab at the end of a draining example), whatever transfers of the
client's NFT, operator rotations and freezes happened since it was signed;
`HELD_PATHS` counts how often that was proven after each kind of change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boa
from eth_account.signers.local import LocalAccount
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from agentmarket.contracts.tabs import SignedVoucher, Voucher, VoucherRejectedError, VoucherVerifier

from .model import BPS, Tab, record
from .world import DAY, TOKENS, chain_id, now, tab_voucher

if TYPE_CHECKING:
    from .world import World

picks = st.integers(min_value=0, max_value=2**16)
kinds = st.sampled_from([0, 0, 1, 1, 1, 2, 3])
agent_ix = st.integers(min_value=0, max_value=3)
token_ix = st.integers(min_value=0, max_value=len(TOKENS) - 1)
price_ix = st.integers(min_value=0, max_value=3)
# whose signature: the tab's key, the client's principal now, its current
# operator key, its other (stale) key, a stranger
voucher_signers = st.sampled_from([0, 0, 0, 1, 2, 3, 4])
# what a voucher claims: older, replayed, one more, a third more, the whole
# deposit, one over it
voucher_amounts = st.sampled_from([0, 1, 2, 2, 3, 3, 4, 5])
deltas = st.sampled_from([-1, 0, 1])

MIN_DELAY, MAX_DELAY = 3_600, 30 * DAY
# the first and last are out of bounds (refused)
# Odd and even delays at and near both bounds (the delay is packed right above
# the signer's key in a tab's word: an odd one shows a mask one bit too wide).
DELAYS = (
    MIN_DELAY - 1,
    MIN_DELAY,
    MIN_DELAY + 1,
    DAY + 1,
    DAY,
    MAX_DELAY - 1,
    MAX_DELAY,
    MAX_DELAY + 1,
)
MAX_DEPOSIT = 2**96 - 1
TAB_MARK = 1 << 255

# How often a held voucher was redeemed (as it must be) after the client
# agent changed since the voucher was signed: its NFT sold, its operator
# rotated, its freeze flag flipped (a redemption may count under several).
HELD_PATHS: Counter[str] = Counter()
HELD_PATH_NAMES = (
    "held voucher redeemed",
    "held voucher redeemed after a sale",
    "held voucher redeemed after a rotation",
    "held voucher redeemed after a freeze or unfreeze",
    "held voucher redeemed at deadline - 1",
)


@dataclass(frozen=True)
class Held:
    """The latest voucher a tab's provider accepted through `VoucherVerifier`,
    and the client agent as it stood when the voucher was signed."""

    signed: SignedVoucher
    owner: int
    operator: int | None
    frozen: bool


def tab_fee(value: int, fee_bps: int) -> int:
    """The fees of a tab whose cumulative redeemed value is `value`."""
    return value * fee_bps // BPS


def _has_tabs(self: Any) -> bool:
    return bool(getattr(self, "tab_book", None))


class TabRules:
    """Tab rules and checks. `ProtocolMachine` provides the model and its
    helpers (`_who`, `_role`, `_acts`, `_open_ok`, `_credit`, `_fee`, ...)
    and the registry steps (`transfer_agent`, `rotate_operator`, `freeze`)."""

    w: World
    e: Any
    addr: dict[str, str]
    configs: dict[int, Any]
    current_config: int
    free: dict[tuple[int, str], int]
    facts: dict[int, Any]
    t_rep: set[int]
    tab_book: dict[int, Tab]
    t_tabs: set[int]
    owner: dict[int, int]
    op: dict[int, int | None]
    frozen: dict[int, bool]
    # the provider's side of each tab: its verifier, and the voucher it holds
    tab_verifiers: dict[int, VoucherVerifier]
    tab_held: dict[int, Held]

    # ------------------------------------------------------------ set-up

    def _tabs_set_up(self) -> None:
        self.tab_book = {}
        self.t_tabs = set()
        self.tab_verifiers = {}
        self.tab_held = {}

    @property
    def tab_contract(self) -> Any:
        return self.w.tabs

    def _accounts(self) -> dict[str, LocalAccount]:
        """Every key of the world by address (built once per world)."""
        accounts: dict[str, LocalAccount] | None = self.w.extra.get("accounts")
        if accounts is None:
            keys = [*self.w.principals, self.w.stranger]
            keys += [k for pool in self.w.operators.values() for k in pool]
            accounts = {str(k.address): k for k in keys}
            self.w.extra["accounts"] = accounts
        return accounts

    # ------------------------------------------------------------ helpers

    def _pick_tab(self, i: int, closing_only: bool = False) -> Tab | None:
        ids = sorted(
            t
            for t, tab in self.tab_book.items()
            if not closing_only or (tab.open and tab.closes_at)
        )
        if not ids:
            return None
        return self.tab_book[ids[i % len(ids)]]

    def _voucher_key(self, tab: Tab, s: int) -> LocalAccount:
        pool = self.w.operators[tab.client]
        current = self.op[tab.client]
        if s == 0:
            return self._accounts()[tab.key]
        if s == 1:
            return self.w.principals[self.owner[tab.client]]
        if s == 2:
            return pool[1 if current is None else current]
        if s == 3:
            return pool[0 if current == 1 else 1]
        return self.w.stranger

    def _voucher_amount(self, tab: Tab, redeemed: int, choice: int) -> int:
        return [
            max(redeemed - 1, 0),
            redeemed,
            redeemed + 1,
            redeemed + (tab.deposit - redeemed) // 3 + 1,
            tab.deposit,
            tab.deposit + 1,
        ][choice]

    def _verdict(self, tab: Tab, amount: int, signer: str, redeemed: int) -> str:
        """'pay', 'skip' (not above the redeemed value) or 'refuse' (reverts)."""
        if not tab.open or (tab.closes_at and now() >= tab.closes_at):
            return "refuse"
        if amount <= redeemed:
            return "skip"
        if amount > tab.deposit:
            return "refuse"
        # the tab's key, fixed at opening, and nobody else: not the client's
        # principal, whoever owns or operates the client now
        if signer != tab.key:
            return "refuse"
        return "pay"

    def _before_deadline(self, tab: Tab) -> bool:
        return tab.open and (tab.closes_at == 0 or now() < tab.closes_at)

    def _hand_over(self, tab: Tab, amount: int, key: LocalAccount) -> SignedVoucher:
        """The client signs a voucher and hands it to the provider, whose
        `VoucherVerifier` accepts it or not: accepted exactly when the tab's
        key signed it above the latest accepted value and within the
        deposit. An accepted one becomes the voucher the provider holds."""
        v, r, sig_s = tab_voucher(key, tab.tab_id, amount, str(self.tab_contract.address))
        signed = SignedVoucher(Voucher(tab.tab_id, amount), v, r, sig_s)
        verifier = self.tab_verifiers[tab.tab_id]
        latest = verifier.accepted
        want = str(key.address) == tab.key and latest < amount <= tab.deposit
        try:
            verifier.accept(signed)
        except VoucherRejectedError:
            assert not want, (tab.tab_id, amount, latest, tab.deposit)
            return signed
        assert want, (tab.tab_id, amount, str(key.address), tab.key)
        a = tab.client
        self.tab_held[tab.tab_id] = Held(signed, self.owner[a], self.op[a], self.frozen[a])
        return signed

    def _redeem_held(self, tab: Tab) -> None:
        """Submit the voucher the provider holds. Before the close deadline,
        above the redeemed value, it must pay (asserted, not predicted: a
        refusal fails the run), whatever happened to the client since."""
        held = self.tab_held.get(tab.tab_id)
        if held is None:
            return
        signed = held.signed
        args = (tab.tab_id, signed.amount, signed.v, signed.r, signed.s)
        with boa.env.prank(self._who(tab.provider, 1)):
            if not self._before_deadline(tab) or signed.amount <= tab.redeemed:
                with boa.reverts():
                    self.tab_contract.redeem(*args)
                return
            # the model's rule must agree: the tab's key signed it
            assert self._verdict(tab, signed.amount, tab.key, tab.redeemed) == "pay"
            with self._tab_conserving([tab], signed.amount - tab.redeemed):
                self.tab_contract.redeem(*args)
        self._tab_pay(tab, signed.amount)
        HELD_PATHS["held voucher redeemed"] += 1
        a = tab.client
        if self.owner[a] != held.owner:
            HELD_PATHS["held voucher redeemed after a sale"] += 1
        if self.op[a] != held.operator:
            HELD_PATHS["held voucher redeemed after a rotation"] += 1
        if self.frozen[a] != held.frozen:
            HELD_PATHS["held voucher redeemed after a freeze or unfreeze"] += 1
        if tab.closes_at and now() == tab.closes_at - 1:
            HELD_PATHS["held voucher redeemed at deadline - 1"] += 1

    @contextmanager
    def _tab_conserving(self, tabs: list[Tab], out: int) -> Iterator[None]:
        """I4: the ledger deltas (both sides, the fee recipients) of a
        redemption or closing add up to what left the tab(s)."""
        keys: set[tuple[str, Any, str]] = set()
        for tab in tabs:
            tok = self.addr[tab.token]
            keys.add(("b", tab.client, tok))
            keys.add(("b", tab.provider, tok))
            keys.add(("f", self.configs[tab.config].fee_recipient, tok))

        def read() -> int:
            total = 0
            for kind, who, tok in keys:
                fn = self.e.balance_of if kind == "b" else self.e.fees_owed
                total += int(fn(who, tok))
            return total

        before = read()
        yield
        assert read() - before == out, (before, read(), out)

    def _tab_pay(self, tab: Tab, amount: int) -> None:
        cfg = self.configs[tab.config]
        added = amount - tab.redeemed
        fee = tab_fee(amount, cfg.fee_bps) - tab_fee(tab.redeemed, cfg.fee_bps)
        self._credit(tab.provider, tab.token, added - fee)
        self._fee(cfg.fee_recipient, tab.token, fee)
        tab.redeemed, tab.paid, tab.fees = amount, tab.paid + added - fee, tab.fees + fee
        # I5: a redemption moves no counter: the model's counters stay put,
        # so a write would show at the sides' next check (a closing's, a
        # settlement's or a full one)
        self.t_tabs.add(tab.tab_id)

    def _tab_closed(self, tab: Tab) -> None:
        rest = tab.deposit - tab.redeemed
        self._credit(tab.client, tab.token, rest)
        tab.open, tab.refund = False, rest
        cfg = self.configs[tab.config]
        if tab_fee(tab.redeemed, cfg.fee_bps):  # nothing redeemed, or no fee owed: no fact
            net = tab.redeemed - tab_fee(tab.redeemed, cfg.fee_bps)
            assert net == tab.paid  # the value recorded is what the provider got
            # one completed job, the weight of the moment (as a settlement)
            record(self.facts, tab, 1, self._weighted(tab.token, net))
        self.t_rep.update((tab.client, tab.provider))
        self.t_tabs.add(tab.tab_id)

    # ============================================================ rules: tabs

    @rule(
        client=agent_ix,
        provider=agent_ix,
        t=token_ix,
        p=price_ix,
        kind=kinds,
        d=st.sampled_from([0, 1, 2, 2, 3, 3, 4, 5, 6, 7]),
    )
    def tab_open(self, client: int, provider: int, t: int, p: int, kind: int, d: int) -> None:
        """Open a tab: a hire's checks and budget (the escrow's `tab_lock`)
        and a withdrawal delay within bounds."""
        c, pv = self.w.agents[client], self.w.agents[provider]
        name = TOKENS[t]
        amount = self._prices(name)[p]
        delay = DELAYS[d]
        who = self._who(c, kind)
        ok, window = self._open_ok(c, pv, name, amount, 1, who)
        ok = ok and MIN_DELAY <= delay <= MAX_DELAY
        with boa.env.prank(who):
            tab_id = self._do(
                ok, lambda: self.tab_contract.open(c, pv, self.addr[name], amount, delay)
            )
        if not ok:
            return
        tab_id = int(tab_id)
        assert tab_id not in self.tab_book
        assert (tab_id >> 64) & (2**64 - 1) == c and tab_id & (2**64 - 1) == pv
        assert tab_id >> 136 == now()
        self.free[(c, name)] -= amount
        self.t_free.add((c, name))
        self.t_tokens.add(name)
        if window is not None:
            self.spend[(c, name)] = window
            self.t_spend.add((c, name))
        operator = self._op(c)
        if self._role(c, who) == "O":
            key = who
        else:
            key = str(operator.address) if operator is not None else who
        self.tab_book[tab_id] = Tab(
            tab_id=tab_id,
            client=c,
            provider=pv,
            token=name,
            deposit=amount,
            key=key,
            config=self.current_config,
            norep=self.owner[c] == self.owner[pv],
            delay=delay,
        )
        self.tab_verifiers[tab_id] = VoucherVerifier(
            tab_id, chain_id(), str(self.tab_contract.address), key, amount
        )
        self.t_tabs.add(tab_id)

    @precondition(_has_tabs)
    @rule(i=picks, p=price_ix, kind=kinds)
    def tab_top_up(self, i: int, p: int, kind: int) -> None:
        """Add to a tab: not once closing or closed; an operator only if it
        is the tab's key, the principal only while the key is still the
        client's (its principal or operator now: not after a sale or a
        rotation); a hire's checks and budget."""
        tab = self._pick_tab(i)
        assert tab is not None
        amount = self._prices(tab.token)[p]
        who = self._who(tab.client, kind)
        ok, window = self._open_ok(tab.client, tab.provider, tab.token, amount, 1, who)
        ok = (
            ok
            and tab.open
            and tab.closes_at == 0
            and tab.deposit + amount <= MAX_DEPOSIT
            and (self._role(tab.client, who) != "O" or who == tab.key)
            and (who == tab.key or self._role(tab.client, tab.key) is not None)
        )
        with boa.env.prank(who):
            self._do(ok, lambda: self.tab_contract.top_up(tab.tab_id, amount))
        if not ok:
            return
        self.t_tabs.add(tab.tab_id)
        self.free[(tab.client, tab.token)] -= amount
        self.t_free.add((tab.client, tab.token))
        self.t_tokens.add(tab.token)
        if window is not None:
            self.spend[(tab.client, tab.token)] = window
            self.t_spend.add((tab.client, tab.token))
        tab.deposit += amount
        self.tab_verifiers[tab.tab_id].top_up(tab.deposit)

    @precondition(_has_tabs)
    @rule(i=picks, choice=voucher_amounts, s=voucher_signers, by_provider=st.booleans())
    def tab_redeem(self, i: int, choice: int, s: int, by_provider: bool) -> None:
        """Redeem one voucher (anyone may submit it; it pays the provider)."""
        tab = self._pick_tab(i)
        assert tab is not None
        amount = self._voucher_amount(tab, tab.redeemed, choice)
        key = self._voucher_key(tab, s)
        signed = self._hand_over(tab, amount, key)
        v, r, sig_s = signed.v, signed.r, signed.s
        verdict = self._verdict(tab, amount, str(key.address), tab.redeemed)
        held = self.tab_held.get(tab.tab_id)
        if held is not None and held.signed == signed and amount > tab.redeemed:
            # what the verifier just accepted, the contract pays before the deadline
            assert verdict == ("pay" if self._before_deadline(tab) else "refuse")
        sender = self._who(tab.provider, 1) if by_provider else str(self.w.stranger.address)
        with boa.env.prank(sender):
            if verdict == "pay":
                with self._tab_conserving([tab], amount - tab.redeemed):
                    self.tab_contract.redeem(tab.tab_id, amount, v, r, sig_s)
                self._tab_pay(tab, amount)
            else:
                with boa.reverts():
                    self.tab_contract.redeem(tab.tab_id, amount, v, r, sig_s)

    @precondition(_has_tabs)
    @rule(i=picks, choice=voucher_amounts, s=voucher_signers)
    def tab_pay(self, i: int, choice: int, s: int) -> None:
        """The client pays per purchase: a voucher (above the provider's
        latest, replayed, over the deposit, by any key) handed to the
        provider, which keeps it if its `VoucherVerifier` accepts it."""
        tab = self._pick_tab(i)
        assert tab is not None
        latest = self.tab_verifiers[tab.tab_id].accepted
        self._hand_over(tab, self._voucher_amount(tab, latest, choice), self._voucher_key(tab, s))

    @precondition(lambda self: bool(getattr(self, "tab_held", None)))
    @rule(i=picks)
    def tab_redeem_held(self, i: int) -> None:
        """The provider redeems the voucher it holds, at any time after it
        was accepted (transfers, rotations, freezes in between)."""
        ids = sorted(self.tab_held)
        self._redeem_held(self.tab_book[ids[i % len(ids)]])

    @precondition(lambda self: any(t.open for t in getattr(self, "tab_book", {}).values()))
    @rule(
        i=picks,
        change=st.sampled_from([0, 0, 1, 2]),
        x=st.integers(0, 4),
        flag=st.booleans(),
        edge=st.sampled_from([None, None, -1, 0, 1]),
        choice=st.sampled_from([2, 3, 4]),
    )
    def tab_client_changes_then_redeem_held(
        self, i: int, change: int, x: int, flag: bool, edge: int | None, choice: int
    ) -> None:
        """Finding 1 head on: the provider of an open tab holds a voucher
        above the redeemed value (the client's key hands it one if not);
        the client agent is sold (to any principal, a fresh buyer included),
        gets another operator or none, or is frozen or unfrozen by its
        principal; then (maybe after the owner asked to close, at one second
        before, on or after the close deadline) the provider redeems the
        voucher it holds, which must pay before the close deadline."""
        ids = sorted(t for t, tab in self.tab_book.items() if tab.open)
        tab = self.tab_book[ids[i % len(ids)]]
        held = self.tab_held.get(tab.tab_id)
        if held is None or held.signed.amount <= tab.redeemed:
            base = max(self.tab_verifiers[tab.tab_id].accepted, tab.redeemed)
            self._hand_over(tab, self._voucher_amount(tab, base, choice), self._voucher_key(tab, 0))
        agent = self.w.agents.index(tab.client)
        if change == 0:
            self.transfer_agent(agent, x % len(self.w.principals), False)  # type: ignore[attr-defined]
        elif change == 1:
            self.rotate_operator(agent, x % 3, False)  # type: ignore[attr-defined]
        else:
            self.freeze(agent, flag, 0)  # type: ignore[attr-defined]
        if edge is not None and tab.open:
            if not tab.closes_at:  # the (new) owner asks to close, as in the finding
                self.tab_request_close(sorted(self.tab_book).index(tab.tab_id), 0)
            if tab.closes_at + edge > now():
                boa.env.evm.patch.timestamp = tab.closes_at + edge
        self._redeem_held(tab)

    @precondition(_has_tabs)
    @rule(
        i=picks,
        j=picks,
        c1=voucher_amounts,
        c2=voucher_amounts,
        s1=voucher_signers,
        s2=voucher_signers,
    )
    def tab_redeem_many(self, i: int, j: int, c1: int, c2: int, s1: int, s2: int) -> None:
        """Two vouchers in one batch (same tab or two): a voucher not above
        its tab's redeemed value is skipped; any other refusal sinks the
        batch."""
        a, b = self._pick_tab(i), self._pick_tab(j)
        assert a is not None and b is not None
        before = {a.tab_id: a.redeemed, b.tab_id: b.redeemed}
        redeemed = dict(before)
        batch, plan = [], []
        refused = False
        for tab, c, s in ((a, c1, s1), (b, c2, s2)):
            amount = self._voucher_amount(tab, redeemed[tab.tab_id], c)
            key = self._voucher_key(tab, s)
            v, r, sig_s = tab_voucher(key, tab.tab_id, amount, str(self.tab_contract.address))
            batch.append((tab.tab_id, amount, v, r, sig_s))
            verdict = self._verdict(tab, amount, str(key.address), redeemed[tab.tab_id])
            refused = refused or verdict == "refuse"
            if verdict == "pay":
                plan.append((tab, amount))
                redeemed[tab.tab_id] = amount
        with boa.env.prank(self._who(a.provider, 1)):
            if refused:
                with boa.reverts():
                    self.tab_contract.redeem_many(batch)
                return
            out = sum(redeemed[t] - before[t] for t in before)
            with self._tab_conserving([a, b], out):
                paid = self.tab_contract.redeem_many(batch)
        assert paid == len(plan)
        for tab, amount in plan:
            self._tab_pay(tab, amount)

    @precondition(_has_tabs)
    @rule(i=picks, kind=kinds)
    def tab_request_close(self, i: int, kind: int) -> None:
        """The client asks to close (its principal even when frozen)."""
        tab = self._pick_tab(i)
        assert tab is not None
        who = self._who(tab.client, kind)
        ok = tab.open and tab.closes_at == 0 and self._acts(tab.client, who)
        with boa.env.prank(who):
            self._do(ok, lambda: self.tab_contract.request_close(tab.tab_id))
        if ok:
            tab.closes_at = now() + tab.delay
            self.t_tabs.add(tab.tab_id)

    @precondition(_has_tabs)
    @rule(i=picks, any_tab=st.booleans())
    def tab_finish_close(self, i: int, any_tab: bool) -> None:
        """Anyone closes a tab whose close deadline has passed (a closing
        tab, early or late, or any tab)."""
        closing = any(t.open and t.closes_at for t in self.tab_book.values())
        tab = self._pick_tab(i, closing_only=closing and not any_tab)
        assert tab is not None
        ok = tab.open and tab.closes_at != 0 and now() >= tab.closes_at
        with boa.env.prank(str(self.w.stranger.address)):
            if ok:
                with self._tab_conserving([tab], tab.deposit - tab.redeemed):
                    self.tab_contract.finish_close(tab.tab_id)
                self._tab_closed(tab)
            else:
                with boa.reverts():
                    self.tab_contract.finish_close(tab.tab_id)

    @precondition(_has_tabs)
    @rule(i=picks, kind=kinds)
    def tab_close(self, i: int, kind: int) -> None:
        """The provider closes at once (closing or not)."""
        tab = self._pick_tab(i)
        assert tab is not None
        who = self._who(tab.provider, kind)
        ok = tab.open and self._acts(tab.provider, who)
        with boa.env.prank(who):
            if ok:
                with self._tab_conserving([tab], tab.deposit - tab.redeemed):
                    self.tab_contract.close(tab.tab_id)
                self._tab_closed(tab)
            else:
                with boa.reverts():
                    self.tab_contract.close(tab.tab_id)

    @precondition(
        lambda self: any(t.open and t.closes_at for t in getattr(self, "tab_book", {}).values())
    )
    @rule(i=picks, delta=deltas, then=st.sampled_from([0, 1, 1, 2, 2, 3, 3]), s=voucher_signers)
    def tab_to_deadline(self, i: int, delta: int, then: int, s: int) -> None:
        """Land one second before, on, or one second after a closing tab's
        deadline, then (maybe) race it: finish the close, redeem one more
        unit with a voucher, or redeem the voucher the provider holds (both
        valid only before the deadline)."""
        tab = self._pick_tab(i, closing_only=True)
        assert tab is not None
        target = tab.closes_at + delta
        if target > now():
            boa.env.evm.patch.timestamp = target
        if then == 1:
            closing = sorted(t for t, x in self.tab_book.items() if x.open and x.closes_at)
            self.tab_finish_close(closing.index(tab.tab_id), False)
        elif then == 2:
            self.tab_redeem(sorted(self.tab_book).index(tab.tab_id), 2, s, True)
        elif then == 3:
            self._redeem_held(tab)

    # ============================================================ checks

    def _tab_held(self, t: str) -> int:
        """I1's tab term for token `t`: the open tabs' unredeemed deposits."""
        return sum(
            x.deposit - x.redeemed for x in self.tab_book.values() if x.open and x.token == t
        )

    def _check_tab(self, tab: Tab) -> None:
        chain = self.tab_contract.tab(tab.tab_id)
        assert (chain.deposit, chain.redeemed, chain.closes_at) == (
            tab.deposit,
            tab.redeemed,
            tab.closes_at,
        ), (tab.tab_id, chain, tab)
        assert chain.status == (1 if tab.open else 2)
        assert (chain.client_id, chain.provider_id) == (tab.client, tab.provider)
        assert str(chain.token) == self.addr[tab.token] and str(chain.signer) == tab.key
        assert chain.config_id == tab.config and chain.no_reputation == tab.norep
        assert chain.withdrawal_delay == tab.delay
        # I4 per tab: every unit locked is paid, owed as fee, refunded or held
        held = tab.deposit - tab.redeemed if tab.open else 0
        assert tab.deposit == tab.paid + tab.fees + tab.refund + held
        assert tab.fees == tab_fee(tab.redeemed, self.configs[tab.config].fee_bps)

    def _check_tabs(self, everything: bool) -> None:
        for tab_id in self.tab_book if everything else self.t_tabs:
            self._check_tab(self.tab_book[tab_id])
        self.t_tabs.clear()

    def _tabs_liveness_table(self, horizon: int) -> None:
        """I2 for tabs: a closing tab's deadline is finite; an open one can be
        asked to close by its client's principal alone (delay bounded)."""
        for tab in self.tab_book.values():
            if tab.open:
                assert tab.delay <= MAX_DELAY
                assert tab.closes_at <= horizon

    def _close_every_tab(self) -> dict[str, int]:
        """I2 by simulation (inside the end-of-example snapshot): the
        provider of every tab still before its deadline redeems the voucher
        it holds (it must pay if above the redeemed value, whatever happened
        to the client), the client's principal asks to close every open tab,
        and once the delay has passed a stranger finishes every closing.
        Returns what tabs still hold per token: nothing (the caller then finds
        the escrow holding only free balances and fees: every tab gave back
        what it held)."""
        for tab in self.tab_book.values():
            if tab.tab_id in self.tab_held and self._before_deadline(tab):
                self._redeem_held(tab)
            if tab.open and not tab.closes_at:
                with boa.env.prank(self._principal(tab.client)):
                    self.tab_contract.request_close(tab.tab_id)
        boa.env.time_travel(seconds=MAX_DELAY)
        with boa.env.prank(str(self.w.stranger.address)):
            for tab in self.tab_book.values():
                if tab.open:
                    self.tab_contract.finish_close(tab.tab_id)
        return dict.fromkeys(TOKENS, 0)

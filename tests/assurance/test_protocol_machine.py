"""One stateful machine over the whole protocol (SPEC I1-I7).

The real AgentRegistry, ServiceListings, ArbiterPanel, DisputeResolver,
ReputationRegistry, JobEscrow and Tabs, deployed in production order, with five
principals (two of them buyers who own nothing at first: an agent may be sold
to one at any step, mid-job, mid-dispute or mid-tab), four agents (two share a
principal), rotating operator keys,
spending policies and four tokens (18 and 6 decimals, a USDT-like one that
returns nothing, and a switchable weird one: false-returning, fee-on-transfer,
zero-reverting, reentrant hook). Every role acts, hostile ones included:
strangers, the other party, stale operators, frozen operators, governance,
the guardian, the arbiters, a hostile court and a court with no code. Jobs
may name an evaluator (from the listing, which the provider sets and
changes, or from the signed offer; a random fee of 0 to 1,000 bps, or one
over the cap; sometimes an address that is or becomes a party): it approves
(the job completes, outcome 9) or rejects (Rejected, then the provider
contests through the resolver with the sides swapped, the client reclaims
after the response deadline, or pays anyway), and claims its fees; the
other evaluator, the parties and strangers try verdicts and are refused
with nothing changed. Every verdict is checked in the real
ValidationRegistry. Tabs (`tabs_rules.py`) share the ledger: opened, topped
up, redeemed one or two at a time with vouchers signed by every kind of key
(replayed, stale, over the deposit), closed by the provider or after the
client's request and delay.

A Python model (`model.py`) predicts every call's outcome: the machine either
performs the call and updates the model, or expects a revert. After every
step (cheaply: only what the step touched):

- I1 solvency, per token: `balanceOf(escrow) == Σ free + Σ locked in open
  (Rejected included) jobs + Σ bonds + Σ unredeemed deposits of open tabs +
  fees owed` (the protocol's and the evaluators'), each term from the model,
  and every touched balance, fee, job and tab equal to the model's;
- I2 liveness: every open job has a deadline after which one party alone can
  end it (a Rejected job's client reclaims from its response deadline on;
  checked on the table each step; driven for real, in a snapshot, at
  the end of every example: every open job is ended by one party and every
  unit is withdrawn until the escrow holds nothing);
- I3 finality: every status the chain shows for a job, read after each step
  that touched it, follows the last one read by a drawn transition
  (`model.TRANSITIONS`: Delivered -> Completed by approval, Delivered ->
  Rejected, Rejected -> Disputed / Refunded / Completed among them), terminal
  jobs never change (re-read at the end of every example);
- I4 conservation: every settlement's on-chain ledger deltas add up to what
  the job took in (amount and bonds; an evaluator's fee included), read
  before and after, a rejection's to the evaluator's fee; per job, the
  locked price == provider pay + protocol fee + evaluator fee + refund (+
  what is still locked) and the bonds == returned + forfeited; per tab, every
  redemption's and closing's deltas add up to what left the tab, and its
  deposits == provider pay + fees (f of the cumulative value) + refund +
  unredeemed;
- I5 reputation: counters of the touched agents equal the model (only
  settlements write them; a tab's only settlement is its closing, which
  writes one completed job worth its net redeemed value, unless nothing was
  redeemed or the sides shared a principal; an approval counts completed
  and the provider's `validated`, a rejection that stood failed / refunded
  and the provider's `rejected`, as does a contested rejection the ruling
  upholds), one rating per side, none without a paid job between different
  principals, and none, nor any fact, for a payment that owed no protocol fee
  (no fee, no fact);
- I6 budget: the operator's spending window equals the model's and stays
  within the caps; refusals are predicted;
- I7 governance: admin and guardian steps leave every balance, fee and job
  unchanged (full read after each), and pause blocks new commitments only:
  deposits go through paused or delisted, and a side holding nothing free
  funds its bond and disputes, contests or answers one second before its
  deadline whatever the guardian did (`fund_bond_and_act`), so no admin
  lever decides a job.

Size: `AGENTMARKET_MACHINE` = "ci" (default, at least 20,000 steps), "deep"
(at least 200,000), and a reduced count when `AGENTMARKET_CODEGEN=venom`.
The number of steps run is asserted and written to
`.build/assurance/machine-<profile>.json`, with how often each evaluator
path succeeded (`EVALUATOR_PATHS`) and each path issue 14's review found
untested (`REVIEW_PATHS`: sales mid-job, mid-dispute and mid-tab, a bond
funded while paused, a fee-less payment, a rejection upheld).

Seeds: each batch of examples runs from its own seed, `base + batch`, so the
batches explore different ground. Where Hypothesis derandomizes (it does on
every CI machine) the base is 0 and a run is the same everywhere; elsewhere a
fresh base is drawn. The base is in the report and in a failure's message;
`AGENTMARKET_MACHINE_SEED=<base>` replays that run.
"""

from __future__ import annotations

import copy
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boa
import pytest
from boa.contracts.vyper.vyper_contract import VyperContract
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_utils import function_signature_to_4byte_selector
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from .model import (
    BPS,
    CAP_UNLIMITED,
    MAX_DELIVERY_TIME,
    MAX_EVALUATOR_FEE_BPS,
    TRANSITIONS,
    WEIGHT_UNIT,
    Config,
    Facts,
    Job,
    Listing,
    PanelCase,
    record,
    ruling_payout,
)
from .tabs_rules import HELD_PATH_NAMES, HELD_PATHS, TabRules
from .world import (
    ACCEPTED,
    COMPLETED,
    DAY,
    DELIVERED,
    DISPUTED,
    MODE_FALSE,
    MODE_FEE,
    MODE_NORMAL,
    MODE_REENTRANT,
    NO_EVALUATOR,
    OUT_COMPLETED,
    OUT_REFUNDED_LATE,
    OUT_REJECTED,
    OUT_VALIDATED,
    REFUNDED,
    REJECTED,
    REQUESTED,
    RESOLVED,
    ROOT,
    TERMINAL,
    TOKEN_WEIGHT,
    TOKENS,
    World,
    now,
    set_operator,
    sign_offer,
    wallet_proof,
)

# ------------------------------------------------------------------ profile

PROFILE = os.environ.get("AGENTMARKET_MACHINE", "ci")
CODEGEN = os.environ.get("AGENTMARKET_CODEGEN", "default")
STEPS_PER_EXAMPLE = 100
# The end-of-example liveness drive withdraws every unit on every DRAIN_EVERY-th example.
DRAIN_EVERY = 4
# (examples per batch, minimum steps to run); batches run until the minimum is met
# (small ci batches: the run stops within about 2,000 steps of its minimum)
PROFILES: dict[str, tuple[int, int]] = {
    "ci": (25, 20_000),
    "deep": (500, 200_000),
    "venom": (25, 5_000),
    "smoke": (10, 200),  # a quick look while editing the machine
}
if PROFILE not in ("ci", "deep", "smoke"):
    raise ValueError(f"AGENTMARKET_MACHINE must be 'ci', 'deep' or 'smoke', not {PROFILE!r}")
RUN = "venom" if CODEGEN == "venom" and PROFILE == "ci" else PROFILE
EXAMPLES, MIN_STEPS = PROFILES[RUN]
REPORT = ROOT / ".build" / "assurance" / f"machine-{RUN}.json"


def _base_seed() -> int:
    """The first batch's seed (see the module docstring)."""
    given = os.environ.get("AGENTMARKET_MACHINE_SEED")
    if given is not None:
        return int(given)
    return 0 if settings.default.derandomize else random.SystemRandom().getrandbits(32)


# ------------------------------------------------------------------ strategies

picks = st.integers(min_value=0, max_value=2**16)
# who acts: 0 the principal, 1 the current operator, 2 the other (stale) key, 3 a stranger
kinds = st.sampled_from([0, 0, 1, 1, 1, 2, 3])
flags = st.booleans()
agent_ix = st.integers(min_value=0, max_value=3)
token_ix = st.integers(min_value=0, max_value=len(TOKENS) - 1)
price_ix = st.integers(min_value=0, max_value=4)
deltas = st.sampled_from([-1, 0, 1])
jumps = st.sampled_from([1, 59, 3_600, 3_600, 6 * 3_600, DAY, 3 * DAY, 8 * DAY])
rulings = st.sampled_from([0, 1, 2, 3, 3 + 37, 3 + 50, 3 + 99, 103, 104])
# an evaluator's fee: the edges (one over the cap is refused), or any in range
evaluator_fees = st.one_of(
    st.sampled_from([0, 1, MAX_EVALUATOR_FEE_BPS, MAX_EVALUATOR_FEE_BPS + 1]),
    st.integers(0, MAX_EVALUATOR_FEE_BPS),
)
# who an offer or a listing names as evaluator: 0 and 1 the two evaluators,
# 2 none, 3 none but with a fee, 4 a principal, 5 an operator key of the
# provider (both parties now or maybe later)
evaluator_picks = st.sampled_from([0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 5])
# one to three stages of a job's life and a choice (0..11) for each
plans = st.integers(0, 3 * 12**3 - 1)

ACTIVE, PAUSED, CLOSED = 1, 2, 3
OPEN = (REQUESTED, ACCEPTED, DELIVERED, DISPUTED, REJECTED)
# the open states whose exit is the job's own deadline (word A)
TIMED = (REQUESTED, ACCEPTED, DELIVERED, REJECTED)
DELIVERIES = (3_600, 3 * DAY, 400 * DAY)  # the last one is above the escrow's bound
CLIENT, PROVIDER = "client", "provider"


def _selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


STEPS_RUN = {"steps": 0, "examples": 0}
# How often the evaluator paths succeeded (written to the report). A deep run
# fails if one never ran; a ci run if a whole group never ran (each group
# runs 20 times or more in a ci run, each path usually 10 or more).
EVALUATOR_PATHS = (
    "evaluated hire",
    "approved",
    "rejected",
    "verdict refused",
    "verdict published",
    "publication refused",
    "contested",
    "contest answered",
    "contest won by default",
    "contest ended otherwise",
    "rejected job reclaimed",
    "rejected job completed",
    "evaluator fees claimed",
)
PATH_GROUPS = (
    ("evaluated hire",),
    ("approved", "rejected"),
    ("verdict refused",),
    ("verdict published",),
    ("publication refused",),
    ("contested", "contest answered"),
    ("contest won by default", "contest ended otherwise"),
    ("rejected job reclaimed", "rejected job completed"),
    ("evaluator fees claimed",),
)
# The paths issue 14's findings needed (a review found what the machine had
# missed: it never sold an agent to a new principal mid-job nor funded a bond
# while paused). Counted and required like the evaluator paths, each alone.
REVIEW_PATHS = (
    "sold mid-job",
    "sold mid-dispute",
    "sold mid-tab",
    "bond funded while paused",
    "paid without a fee: no fact",
    "rejection upheld",
)
PATHS: Counter[str] = Counter()


def _hit(path: str) -> None:
    assert path in EVALUATOR_PATHS or path in REVIEW_PATHS, path
    PATHS[path] += 1


class ProtocolMachine(TabRules, RuleBasedStateMachine):
    """See the module docstring."""

    w: World
    base_configs: dict[int, Config]
    decimals: dict[str, int]

    # ============================================================ set-up

    template: dict[str, Any] | None = None
    examples = 0

    @initialize()
    def start(self) -> None:
        """The first example builds the common start (deposits, policies,
        listings, two jobs) on the module's chain; every example then runs
        inside a boa anchor from that state, with a copy of its model."""
        w = self.w
        self.e = w.escrow
        self.t = {name: w.tokens[name] for name in TOKENS}
        self.addr = {name: str(tok.address) for name, tok in self.t.items()}
        cls = type(self)
        assert cls.template is not None, "run `prepare` first"
        self.__dict__.update(copy.deepcopy(cls.template))
        cls.examples += 1
        self.example = cls.examples
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        self.full_check = True

    @classmethod
    def prepare(cls) -> None:
        """Build the common start on the module's chain (outside Hypothesis,
        whose examples boa's plugin runs in anchors of their own) and keep
        its model as every example's template."""
        machine = cls()
        machine.e = cls.w.escrow
        machine.t = {name: cls.w.tokens[name] for name in TOKENS}
        machine.addr = {name: str(tok.address) for name, tok in machine.t.items()}
        before = set(vars(machine))
        machine._set_up()
        cls.template = copy.deepcopy({k: v for k, v in vars(machine).items() if k not in before})

    def _set_up(self) -> None:
        w = self.w
        self.steps = 0
        # who is who
        self.owner = dict(w.owner_of)  # agent -> principal index
        # each agent's current operator: index of its key pool, or None
        self.op: dict[int, int | None] = {a: (0 if i < 3 else None) for i, a in enumerate(w.agents)}
        self.frozen = {a: False for a in w.agents}
        self.approved: dict[int, str | None] = {a: None for a in w.agents}
        # ledger
        self.free: dict[tuple[int, str], int] = {(a, t): 0 for a in w.agents for t in TOKENS}
        self.fees: dict[tuple[str, str], int] = {}
        self.weight = dict(TOKEN_WEIGHT)
        self.allowed = dict.fromkeys(TOKENS, True)
        self.mode = MODE_NORMAL
        self.paused = False
        self.listings_paused = False
        self.configs = dict(self.base_configs)
        self.current_config = max(self.configs)
        self.jobs: dict[int, Job] = {}
        self.policy: dict[tuple[int, str], tuple[int, int, int]] = {}
        self.spend: dict[tuple[int, str], tuple[int, int]] = {}
        self.nonces: dict[int, set[int]] = {a: set() for a in w.agents}
        self.next_nonce = 1
        self.offer_expiry = 0
        self.listings: dict[int, Listing] = {}
        self.facts = {a: Facts() for a in w.agents}
        # the validation registry's summary per provider: (verdicts, Σ responses)
        self.verdicts: dict[int, tuple[int, int]] = {}
        # panel
        self.panel_arbiters: tuple[str, ...] = tuple(w.arbiters)
        self.panel_quorum = 2
        self.panel_count = 0
        self.cases: dict[int, PanelCase] = {}
        self.hostile_mode = 0
        self.hostile_count = 0
        self.hostile_cases: dict[int, int] = {}
        # what the step touched (checked by the invariant)
        self.t_tokens: set[str] = set()
        self.t_free: set[tuple[int, str]] = set()
        self.t_fees: set[tuple[str, str]] = set()
        self.t_jobs: set[int] = set()
        self.t_rep: set[int] = set()
        self.t_spend: set[tuple[int, str]] = set()
        self._tabs_set_up()
        self.full_check = False
        # Working capital in every token, policies for the operators, listings.
        for a in w.agents:
            for t in TOKENS:
                self._deposit(a, t, 30 * self._unit(t), w.principals[self.owner[a]].address)
        for a in w.agents[:3]:
            for t in TOKENS:
                unit = self._unit(t)
                self._policy(a, t, 2 * unit, 5 * unit, DAY)
        for a in w.agents:
            for t in ("T18", "USDC6"):
                self._create_listing(a, t, self._unit(t), 3 * DAY, 0)
        # Two listings name an evaluator (the first job below is hired from one).
        ids = sorted(self.listings)
        self._set_evaluator(ids[4], w.evaluators[0], 250, 0)
        self._set_evaluator(ids[7], w.evaluators[1], MAX_EVALUATOR_FEE_BPS, 0)
        # Two jobs to start from: one Requested (from a listing of another
        # principal's agent), one Accepted (a signed offer).
        self.hire(client=0, i=4, kind=0, stale=False)
        self.hire_with_offer(
            client=2, provider=0, signer=1, variant=0, t=0, p=2, kind=1, replay=False, ev=2, fee=0
        )
        assert len(self.jobs) == 2
        # Two tabs: between two principals, and between one principal's agents.
        self.tab_open(client=2, provider=0, t=0, p=2, kind=1, d=2)
        self.tab_open(client=0, provider=1, t=1, p=2, kind=0, d=1)
        assert len(self.tab_book) == 2
        self.ready = True
        self._check_touched()

    def teardown(self) -> None:
        anchor = getattr(self, "_anchor", None)
        if anchor is None:
            return
        try:
            if getattr(self, "ready", False):
                self._full_check(verdicts=True)
                self._drive_everything_out(drain=self.example % DRAIN_EVERY == 0)
        finally:
            anchor.__exit__(None, None, None)
            # the invariant also runs once after `start`
            STEPS_RUN["steps"] += max(getattr(self, "steps", 0) - 1, 0)
            STEPS_RUN["examples"] += 1

    # ============================================================ helpers

    def _unit(self, t: str) -> int:
        return 10 ** self.decimals[t]

    def _prices(self, t: str) -> list[int]:
        unit = self._unit(t)
        # every bit below the unit's top one set (issue 21): a packed amount
        # one bit short shows
        return [1, unit // 3 + 1, unit, 5 * unit, (1 << unit.bit_length() - 1) - 1]

    def _principal(self, agent: int) -> str:
        return str(self.w.principals[self.owner[agent]].address)

    def _who(self, agent: int, kind: int) -> str:
        pool = self.w.operators[agent]
        current = self.op[agent]
        if kind == 0:
            return self._principal(agent)
        if kind == 1:
            return str(pool[1 if current is None else current].address)
        if kind == 2:
            return str(pool[0 if current == 1 else 1].address)
        return str(self.w.stranger.address)

    def _op(self, agent: int) -> LocalAccount | None:
        current = self.op[agent]
        return None if current is None else self.w.operators[agent][current]

    def _role(self, agent: int, who: str) -> str | None:
        current = self._op(agent)
        if current is not None and current.address == who:
            return "O"
        if self._principal(agent) == who:
            return "P"
        return None

    def _acts(self, agent: int, who: str) -> bool:
        role = self._role(agent, who)
        return role == "P" or (role == "O" and not self.frozen[agent])

    def _outsider(self, client: int, provider: int, who: str) -> bool:
        """Neither side's principal nor operator (frozen or not): what an
        evaluator must be at the hire and again at its verdict."""
        return self._role(client, who) is None and self._role(provider, who) is None

    def _evaluator_choice(self, ev: int, fee: int, agent: int, salt: int) -> tuple[str | None, int]:
        """(evaluator, fee) named by an offer or a listing of `agent`'s (see
        `evaluator_picks`); the address may be refused as a party."""
        if ev <= 1:
            return self.w.evaluators[ev], fee
        if ev == 2:
            return None, 0
        if ev == 3:
            return None, fee
        if ev == 4:
            return str(self.w.principals[salt % len(self.w.principals)].address), fee
        return str(self.w.operators[agent][salt % 2].address), fee

    def _fee_owners(self) -> list[str]:
        """Everyone who may be owed fees: the fee recipients, the evaluators,
        and whoever else the model owes (a principal named as evaluator)."""
        fixed = [self.w.fee_recipient, self.w.governance, *self.w.evaluators]
        return fixed + sorted({r for (r, _) in self.fees} - set(fixed))

    def _do(self, ok: bool, fn: Callable[[], Any]) -> Any:
        if ok:
            return fn()
        with boa.reverts():
            fn()
        return None

    def _pick_job(self, i: int, statuses: tuple[int, ...] | None = None) -> Job | None:
        ids = sorted(
            j for j, job in self.jobs.items() if statuses is None or job.status in statuses
        )
        if not ids:
            return None
        job = self.jobs[ids[i % len(ids)]]
        self.t_jobs.add(job.job_id)
        return job

    def _has(self, *statuses: int) -> bool:
        return any(j.status in statuses for j in getattr(self, "jobs", {}).values())

    def _credit(self, agent: int, t: str, amount: int) -> None:
        self.free[(agent, t)] += amount
        self.t_free.add((agent, t))
        self.t_tokens.add(t)

    def _fee(self, recipient: str, t: str, amount: int) -> None:
        if amount:
            key = (recipient, t)
            self.fees[key] = self.fees.get(key, 0) + amount
            self.t_fees.add(key)

    def _weighted(self, t: str, paid: int) -> int:
        return self.weight[t] * paid // WEIGHT_UNIT

    @contextmanager
    def _conserving(self, job: Job, took_in: int | None = None) -> Iterator[None]:
        """I4: the on-chain ledger deltas of a settlement (the client's, the
        provider's, the fee recipient's and the job's evaluator's) add up to
        what the job took in (amount still locked plus both bonds), or to
        `took_in` (a rejection: the evaluator's fee)."""
        cfg = self.configs[job.config]
        tok = self.addr[job.token]
        keys = [
            lambda: self.e.balance_of(job.client, tok),
            lambda: self.e.balance_of(job.provider, tok),
            lambda: self.e.fees_owed(cfg.fee_recipient, tok),
        ]
        evaluator = job.evaluator
        if evaluator is not None and evaluator != cfg.fee_recipient:
            keys.append(lambda: self.e.fees_owed(evaluator, tok))
        before = [int(k()) for k in keys]
        if took_in is None:
            took_in = job.amount + job.client_bond + job.provider_bond
        yield
        after = [int(k()) for k in keys]
        assert sum(after) - sum(before) == took_in, (before, after, took_in)

    # ------------------------------------------------------------ ledger

    def _deposit(self, agent: int, t: str, amount: int, sender: str) -> bool:
        tok = self.t[t]
        tok.mint(sender, amount)
        with boa.env.prank(sender):
            tok.approve(self.e.address, amount)
        # Neither the pause nor a delisting blocks a deposit: a party may need
        # it to fund a bond before a deadline (issue 14; every token here was
        # listed once).
        ok = (
            amount > 0
            and not (t == "WEIRD" and self.mode == MODE_FALSE)
            # the fee-on-transfer mode burns 1 %, rounded down: nothing below 100 units
            and not (t == "WEIRD" and self.mode == MODE_FEE and amount >= 100)
        )
        with boa.env.prank(sender):
            self._do(ok, lambda: self.e.deposit(agent, tok.address, amount))
        if ok:
            self._credit(agent, t, amount)
        self.t_tokens.add(t)
        return ok

    def _policy(self, agent: int, t: str, per_job: int, period_cap: int, period: int) -> None:
        ok = period_cap == 0 or period != 0
        for cap in (per_job, period_cap):
            ok = ok and (cap == CAP_UNLIMITED or cap < 2**112 - 1)
        with boa.env.prank(self._principal(agent)):
            self._do(
                ok,
                lambda: self.w.registry.set_spend_policy(
                    agent, self.addr[t], per_job, period_cap, period
                ),
            )
        if ok:
            self.policy[(agent, t)] = (per_job, period_cap, period)

    def _create_listing(self, agent: int, t: str, price: int, delivery: int, kind: int) -> None:
        who = self._who(agent, kind)
        ok = not self.listings_paused and self._acts(agent, who)
        with boa.env.prank(who):
            lid = self._do(
                ok,
                lambda: self.w.listings.create_listing(
                    agent, b"t".ljust(32, b"\0"), self.addr[t], price, delivery, b"\x11" * 32, "u"
                ),
            )
        if ok:
            self.listings[int(lid)] = Listing(agent, t, price, delivery, 1, ACTIVE)

    def _set_evaluator(self, lid: int, evaluator: str | None, fee: int, kind: int) -> None:
        """The provider (or a pretender) names the listing's evaluator, or
        removes it (empty, fee 0): a new version, so older quotes no longer
        hire; the listing refuses a fee over the cap, a fee without an
        evaluator and one of the provider's own keys."""
        ls = self.listings[lid]
        who = self._who(ls.provider, kind)
        ok = (
            self._acts(ls.provider, who)
            and ls.state in (ACTIVE, PAUSED)
            and fee <= MAX_EVALUATOR_FEE_BPS
            and (fee == 0 if evaluator is None else self._role(ls.provider, evaluator) is None)
        )
        quote = (ls.token, ls.price, ls.version)
        with boa.env.prank(who):
            self._do(
                ok,
                lambda: self.w.listings.set_listing_evaluator(lid, evaluator or NO_EVALUATOR, fee),
            )
        if ok:
            ls.evaluator, ls.evaluator_fee_bps = evaluator, fee
            ls.version += 1
            ls.stale = quote

    # ------------------------------------------------------------ opening jobs

    def _open_ok(
        self, client: int, provider: int, t: str, price: int, delivery: int, who: str
    ) -> tuple[bool, tuple[int, int] | None]:
        """Whether `_open` succeeds, and the new spending window (operator)."""
        if self.paused or client == provider or not self.allowed[t]:
            return False, None
        if not (0 < price < 2**128 and 0 < delivery <= MAX_DELIVERY_TIME):
            return False, None
        role = self._role(client, who)
        if role is None or self.frozen[client] or self.frozen[provider]:
            return False, None
        window = None
        if role == "O":
            per_job, period_cap, period = self.policy.get((client, t), (0, 0, 0))
            if price > per_job:
                return False, None
            start, used = self.spend.get((client, t), (0, 0))
            if period != 0 and now() >= start + period:
                start, used = now(), 0
            used += price
            if used > period_cap:
                return False, None
            window = (start, used)
        return self.free[(client, t)] >= price, window

    def _opened(
        self,
        job_id: int,
        client: int,
        provider: int,
        t: str,
        price: int,
        delivery: int,
        accepted: bool,
        window: tuple[int, int] | None,
        evaluator: str | None = None,
        evaluator_fee_bps: int = 0,
    ) -> None:
        cfg = self.configs[self.current_config]
        self.free[(client, t)] -= price
        self.t_free.add((client, t))
        self.t_tokens.add(t)
        if window is not None:
            self.spend[(client, t)] = window
            self.t_spend.add((client, t))
        deadline = now() + (delivery if accepted else cfg.accept_window)
        job = Job(
            job_id=job_id,
            client=client,
            provider=provider,
            token=t,
            amount=price,
            status=ACCEPTED if accepted else REQUESTED,
            deadline=deadline,
            delivery_time=delivery,
            config=self.current_config,
            norep=self.owner[client] == self.owner[provider],
            evaluator=evaluator,
            evaluator_fee_bps=evaluator_fee_bps if evaluator is not None else 0,
            price=price,
        )
        named = tuple(self.e.evaluator_of(job_id))
        assert named == (evaluator or NO_EVALUATOR, job.evaluator_fee_bps), (job_id, named)
        if evaluator is not None:
            _hit("evaluated hire")
        assert job_id not in self.jobs
        self.jobs[job_id] = job
        self.t_jobs.add(job_id)
        # the id encodes the parties (and the creation time)
        assert (job_id >> 64) & (2**64 - 1) == client and job_id & (2**64 - 1) == provider
        assert job_id >> 136 == now()

    # ------------------------------------------------------------ endings

    def _refund(self, job: Job, outcome: int) -> None:
        self._credit(job.client, job.token, job.amount)
        job.refund += job.amount
        job.status = REFUNDED
        if outcome:
            record(self.facts, job, outcome, 0)
            self.t_rep.update((job.client, job.provider))

    def _settle(self, job: Job, outcome: int = OUT_COMPLETED) -> None:
        cfg = self.configs[job.config]
        fee = job.amount * cfg.fee_bps // BPS
        paid = job.amount - fee
        self._credit(job.provider, job.token, paid)
        self._fee(cfg.fee_recipient, job.token, fee)
        job.paid += paid
        job.protocol_fee += fee
        job.amount, job.status = paid, COMPLETED
        if fee == 0:
            job.norep = True  # no fee, no fact (and no rating)
            _hit("paid without a fee: no fact")
        record(self.facts, job, outcome, self._weighted(job.token, paid))
        self.t_rep.update((job.client, job.provider))

    def _settle_dispute(
        self, job: Job, share: int, client_back: int, provider_back: int, outcome: int, end: int
    ) -> None:
        cfg = self.configs[job.config]
        fee = share * cfg.fee_bps // BPS
        paid = share - fee
        self._credit(job.provider, job.token, paid + provider_back)
        self._credit(job.client, job.token, job.amount - share + client_back)
        forfeited = (job.client_bond - client_back) + (job.provider_bond - provider_back)
        self._fee(cfg.fee_recipient, job.token, fee + forfeited)
        job.paid += paid
        job.protocol_fee += fee
        job.refund += job.amount - share
        job.bonds_back += client_back + provider_back
        job.bonds_forfeited += forfeited
        job.amount, job.status, job.rstatus = paid, RESOLVED, end
        if job.opener == PROVIDER:
            _hit("contest won by default" if end == 3 else "contest ended otherwise")
        if fee == 0 and paid != 0:
            job.norep = True  # no fee, no fact (and no rating)
            _hit("paid without a fee: no fact")
        elif outcome == 4 and job.verdict is False:
            outcome = OUT_REJECTED  # the ruling upheld the rejection: it stood
            _hit("rejection upheld")
        record(self.facts, job, outcome, self._weighted(job.token, paid))
        self.t_rep.update((job.client, job.provider))

    # ============================================================ rules: ledger

    @rule(agent=agent_ix, t=token_ix, amount=price_ix, kind=kinds)
    def deposit(self, agent: int, t: int, amount: int, kind: int) -> None:
        a, name = self.w.agents[agent], TOKENS[t]
        # anyone may deposit for any agent
        self._deposit(a, name, self._prices(name)[amount], self._who(a, kind))

    @rule(agent=agent_ix, t=token_ix, share=st.sampled_from([0, 1, 2, 3]), kind=kinds, to=flags)
    def withdraw(self, agent: int, t: int, share: int, kind: int, to: bool) -> None:
        a, name = self.w.agents[agent], TOKENS[t]
        free = self.free[(a, name)]
        amount = [0, 1, free // 3, free][share] if share != 2 else max(free // 3, 1)
        if share == 3 and kind == 3:
            amount = free + 1  # more than there is
        who = self._who(a, kind)
        receiver = str(self.w.stranger.address) if to else who
        ok = (
            self._role(a, who) == "P"
            and 0 < amount <= free
            and not (name == "WEIRD" and self.mode == MODE_FALSE)
        )
        with boa.env.prank(who):
            self._do(ok, lambda: self.e.withdraw(a, self.addr[name], amount, receiver))
        if ok:
            self.free[(a, name)] -= amount
        self.t_free.add((a, name))
        self.t_tokens.add(name)

    @precondition(lambda self: any(getattr(self, "fees", {}).values()))
    @rule(t=token_ix, recipient=st.integers(0, 7))
    def claim_fees(self, t: int, recipient: int) -> None:
        """A fee recipient, governance or an evaluator (or a principal named
        as one) pulls what it is owed: token flows out of the escrow."""
        name = TOKENS[t]
        owed_keys = sorted(k for k, v in self.fees.items() if v)
        if recipient < 4 and owed_keys:  # whoever is owed something
            who, name = owed_keys[(recipient + t) % len(owed_keys)]
        else:  # maybe nothing owed: refused
            owners = self._fee_owners()
            who = owners[recipient % len(owners)] if recipient < 6 else self.w.fee_recipient
        owed = self.fees.get((who, name), 0)
        ok = owed > 0 and not (name == "WEIRD" and self.mode == MODE_FALSE)
        held = int(self.t[name].balanceOf(who))
        with boa.env.prank(who):
            self._do(ok, lambda: self.e.claim_fees(self.addr[name], who))
        if ok:
            self.fees[(who, name)] = 0
            if name != "WEIRD":  # the weird one may burn or reenter on transfer
                assert int(self.t[name].balanceOf(who)) == held + owed, (who, name)
            if who in self.w.evaluators:
                _hit("evaluator fees claimed")
        self.t_fees.add((who, name))
        self.t_tokens.add(name)

    def weird_token_mode(self, mode: int) -> None:
        """The weird token's issuer switches its behaviour; in reentrant mode
        its hook calls the escrow's `withdraw` back on every transfer (the
        reentry must fail on the lock; its failure is swallowed)."""
        tok = self.t["WEIRD"]
        tok.set_mode(mode)
        if mode == MODE_REENTRANT:
            data = _selector("withdraw(uint256,address,uint256,address)") + encode(
                ["uint256", "address", "uint256", "address"],
                [self.w.agents[0], self.addr["WEIRD"], 1, str(self.w.stranger.address)],
            )
            tok.set_hook(self.e.address, data, False)
        self.mode = mode

    # ============================================================ rules: registry

    def freeze(self, agent: int, freeze: bool, kind: int) -> None:
        a = self.w.agents[agent]
        who = self._who(a, kind)
        ok = who == self._principal(a) or who == self.approved[a]
        with boa.env.prank(who):
            fn = self.w.registry.freeze if freeze else self.w.registry.unfreeze
            self._do(ok, lambda: fn(a))
        if ok:
            self.frozen[a] = freeze

    def rotate_operator(self, agent: int, key: int, by_stranger: bool) -> None:
        """The principal sets an operator (its EIP-712 proof) or clears it; a
        stranger holding a valid proof cannot."""
        a = self.w.agents[agent]
        owner = self._principal(a)
        if key == 2:
            who = str(self.w.stranger.address) if by_stranger else owner
            with boa.env.prank(who):
                self._do(not by_stranger, lambda: self.w.registry.unsetAgentWallet(a))
            if not by_stranger:
                self.op[a] = None
            return
        wallet = self.w.operators[a][key]
        if by_stranger:
            deadline = now() + 60
            proof = wallet_proof(wallet, str(self.w.registry.address), a, owner, deadline)
            with boa.env.prank(str(self.w.stranger.address)), boa.reverts():
                self.w.registry.setAgentWallet(a, wallet.address, deadline, proof)
            return
        set_operator(self.w.registry, a, owner, wallet)
        self.op[a] = key

    def transfer_agent(self, agent: int, to: int, by_operator: bool) -> None:
        """The identity NFT changes hands (to another principal of the world,
        or to a buyer that owns nothing yet): the operator is cleared, policy
        and freeze stay, open jobs keep their reputation flag, open tabs keep
        their key (see `tabs_rules.py`)."""
        a = self.w.agents[agent]
        owner = self._principal(a)
        receiver = str(self.w.principals[to].address)
        who = self._who(a, 1) if by_operator else owner
        ok = who == owner
        with boa.env.prank(who):
            self._do(ok, lambda: self.w.registry.transferFrom(owner, receiver, a))
        if ok and to != self.owner[a] and to not in self.owner.values():
            mine = [j for j in self.jobs.values() if a in (j.client, j.provider)]
            if any(j.status == DISPUTED for j in mine):
                _hit("sold mid-dispute")
            if any(j.status in OPEN for j in mine):
                _hit("sold mid-job")
            if any(tab.open and tab.client == a for tab in self.tab_book.values()):
                _hit("sold mid-tab")
        if ok:
            self.owner[a] = to
            self.op[a] = None
            self.approved[a] = None

    def set_policy(self, agent: int, t: int, choice: int) -> None:
        a, name = self.w.agents[agent], TOKENS[t]
        unit = self._unit(name)
        per_job, period_cap, period = [
            (2 * unit, 5 * unit, DAY),
            (CAP_UNLIMITED, CAP_UNLIMITED, 3_600),
            (0, 0, 0),
            (unit, unit, 3_600),
            (unit, 3 * unit, 0),  # refused: a period cap needs a period
            (2**112, unit, DAY),  # refused: cap too large
        ][choice]
        self._policy(a, name, per_job, period_cap, period)

    @rule(
        choice=st.sampled_from([0, 0, 1, 1, 1, 2, 3, 3, 3]),
        agent=agent_ix,
        x=st.integers(0, 5),
        flag=flags,
        kind=kinds,
        t=token_ix,
    )
    def registry_action(
        self, choice: int, agent: int, x: int, flag: bool, kind: int, t: int
    ) -> None:
        """A principal (or a pretender) freezes or unfreezes, rotates the
        operator, transfers the identity NFT or changes a spending policy."""
        if choice == 0:
            self.freeze(agent, flag, kind)
        elif choice == 1:
            self.rotate_operator(agent, x % 3, flag and kind == 3)
        elif choice == 2:
            self.transfer_agent(agent, x % len(self.w.principals), flag and kind == 3)
        else:
            self.set_policy(agent, t, x)

    @rule(choice=st.integers(0, 1), mode=st.integers(0, 4))
    def hostile_lever(self, choice: int, mode: int) -> None:
        """The weird token's issuer or the hostile court changes behaviour."""
        if choice == 0:
            self.weird_token_mode(mode)
        else:
            self.hostile_court_mode([0, 1, 4][mode % 3])

    # ============================================================ rules: listings

    @rule(agent=agent_ix, t=token_ix, p=price_ix, d=st.sampled_from([0, 1, 1, 1, 2]), kind=kinds)
    def list_service(self, agent: int, t: int, p: int, d: int, kind: int) -> None:
        a, name = self.w.agents[agent], TOKENS[t]
        self._create_listing(a, name, self._prices(name)[p], DELIVERIES[d], kind)

    @precondition(lambda self: bool(getattr(self, "listings", None)))
    @rule(i=picks, action=st.integers(0, 4), p=price_ix, t=token_ix, kind=kinds)
    def edit_listing(self, i: int, action: int, p: int, t: int, kind: int) -> None:
        """Update (a front-runnable price or token change), pause, resume, close."""
        ids = sorted(self.listings)
        lid = ids[i % len(ids)]
        ls = self.listings[lid]
        who = self._who(ls.provider, kind)
        actor_ok = self._acts(ls.provider, who)
        quote = (ls.token, ls.price, ls.version)
        lst = self.w.listings
        with boa.env.prank(who):
            if action <= 1:
                name = TOKENS[t] if action == 1 else ls.token
                price = self._prices(name)[p]
                ok = actor_ok and ls.state in (ACTIVE, PAUSED)
                self._do(
                    ok,
                    lambda: lst.update_listing(
                        lid, self.addr[name], price, ls.delivery, b"\x12" * 32, "u2"
                    ),
                )
                if ok:
                    ls.token, ls.price = name, price
            elif action == 2:
                ok = actor_ok and ls.state == ACTIVE
                self._do(ok, lambda: lst.pause_listing(lid))
                if ok:
                    ls.state = PAUSED
            elif action == 3:
                ok = actor_ok and ls.state == PAUSED
                self._do(ok, lambda: lst.resume_listing(lid))
                if ok:
                    ls.state = ACTIVE
            else:
                ok = actor_ok and ls.state in (ACTIVE, PAUSED)
                self._do(ok, lambda: lst.close_listing(lid))
                if ok:
                    ls.state = CLOSED
        if ok:
            ls.version += 1
            ls.stale = quote

    @precondition(lambda self: bool(getattr(self, "listings", None)))
    @rule(i=picks, ev=evaluator_picks, fee=evaluator_fees, kind=kinds, salt=picks)
    def set_listing_evaluator(self, i: int, ev: int, fee: int, kind: int, salt: int) -> None:
        ids = sorted(self.listings)
        lid = ids[i % len(ids)]
        evaluator, bps = self._evaluator_choice(ev, fee, self.listings[lid].provider, salt)
        self._set_evaluator(lid, evaluator, bps, kind)

    # ============================================================ rules: hiring

    @precondition(lambda self: bool(getattr(self, "listings", None)))
    @rule(client=agent_ix, i=picks, kind=kinds, stale=st.sampled_from([False, False, True]))
    def hire(self, client: int, i: int, kind: int, stale: bool) -> None:
        """Hire from a listing with the quote the client saw: the current one,
        or one from before the provider's last edit (front-running)."""
        c = self.w.agents[client]
        ids = sorted(self.listings)
        lid = ids[i % len(ids)]
        ls = self.listings[lid]
        quote = ls.stale if stale and ls.stale is not None else (ls.token, ls.price, ls.version)
        q_token, q_price, q_version = quote
        who = self._who(c, kind)
        ok, window = self._open_ok(c, ls.provider, ls.token, ls.price, ls.delivery, who)
        ok = ok and ls.state == ACTIVE and quote == (ls.token, ls.price, ls.version)
        # the listing's evaluator must not be a party (of either side, now)
        ev = ls.evaluator
        ok = ok and (ev is None or self._outsider(c, ls.provider, ev))
        with boa.env.prank(who):
            job_id = self._do(
                ok, lambda: self.e.hire(lid, c, self.addr[q_token], q_price, q_version)
            )
        if ok:
            self._opened(
                int(job_id),
                c,
                ls.provider,
                ls.token,
                ls.price,
                ls.delivery,
                False,
                window,
                ev,
                ls.evaluator_fee_bps,
            )

    @precondition(lambda self: bool(getattr(self, "listings", None)))
    @rule(client=agent_ix, i=picks, kind=st.sampled_from([0, 1]))
    def open_job(self, client: int, i: int, kind: int) -> None:
        """A client that means business: it tops up its balance if short and
        hires an active listing of another agent at the current quote."""
        c = self.w.agents[client]
        lid = self._hireable_listing(c, i)
        if lid is None:
            return
        ls = self.listings[lid]
        self._top_up(c, ls.token, ls.price)
        self.hire(client, sorted(self.listings).index(lid), kind, False)

    def _hireable_listing(self, c: int, i: int) -> int | None:
        """The `i`-th (mod their count) active listing agent `c` could hire:
        another agent's, with a delivery time the escrow accepts."""
        ids = sorted(
            lid
            for lid, ls in self.listings.items()
            if ls.state == ACTIVE and ls.provider != c and ls.delivery <= MAX_DELIVERY_TIME
        )
        return ids[i % len(ids)] if ids else None

    def _top_up(self, c: int, name: str, price: int) -> None:
        """Agent `c`'s principal deposits what its free balance lacks of `price`."""
        short = price - self.free[(c, name)]
        if short > 0:
            self._deposit(c, name, short, self._principal(c))

    @precondition(lambda self: bool(getattr(self, "listings", None)))
    @rule(
        client=agent_ix,
        i=picks,
        kind=st.sampled_from([0, 1]),
        ev=flags,
        fee=evaluator_fees,
        offer=flags,
        t=token_ix,
        p=price_ix,
    )
    def open_evaluated_job(
        self, client: int, i: int, kind: int, ev: bool, fee: int, offer: bool, t: int, p: int
    ) -> None:
        """A client hires another agent with one of the two evaluators named:
        from an active listing (the provider's principal names one with the
        fee first if the listing names neither: a new version; the client
        tops up and hires at the current quote), or with the provider's
        principal's signed offer naming it."""
        c = self.w.agents[client]
        if offer:
            provider = (client + 1 + i % 3) % 4
            name = TOKENS[t]
            self._top_up(c, name, self._prices(name)[p])
            self.hire_with_offer(client, provider, 0, 0, t, p, kind, False, int(ev), fee)
            return
        lid = self._hireable_listing(c, i)
        if lid is None:
            return
        ls = self.listings[lid]
        if ls.evaluator not in self.w.evaluators:
            self._set_evaluator(lid, self.w.evaluators[int(ev)], fee, 0)
        self._top_up(c, ls.token, ls.price)
        self.hire(client, sorted(self.listings).index(lid), kind, False)

    @rule(
        client=agent_ix,
        provider=agent_ix,
        signer=st.sampled_from([0, 1, 1, 1, 1, 2, 3]),
        variant=st.sampled_from([0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6]),
        t=token_ix,
        p=price_ix,
        kind=st.integers(0, 1),
        replay=flags,
        ev=evaluator_picks,
        fee=evaluator_fees,
    )
    def hire_with_offer(
        self,
        client: int,
        provider: int,
        signer: int,
        variant: int,
        t: int,
        p: int,
        kind: int,
        replay: bool,
        ev: int,
        fee: int,
    ) -> None:
        """A provider's signed offer: valid, for any client, or replayed across
        chain, contract, agent, client, nonce; expired exactly at its expiry.
        It may name an evaluator with its fee (over the cap, or a party of
        either side: refused; a fee without an evaluator: ignored)."""
        c, pv = self.w.agents[client], self.w.agents[provider]
        name = TOKENS[t]
        price = self._prices(name)[p]
        # who signs: the provider's principal, its operator, a stale key, a stranger
        keys = {
            0: self.w.principals[self.owner[pv]],
            1: self.w.operators[pv][1 if self.op[pv] is None else self.op[pv]],
            2: self.w.operators[pv][0 if self.op[pv] == 1 else 1],
            3: self.w.stranger,
        }
        key = keys[signer]
        used = sorted(self.nonces[pv])
        if replay and used:
            nonce = used[(p + t) % len(used)]
        else:
            self.next_nonce += 1
            nonce = self.next_nonce
        expiry = now() + 3_600
        offer_provider, offer_client = pv, c
        chain, book = None, str(self.w.offers.address)
        if variant == 1:
            offer_client = 0  # open to any client
        elif variant == 2:
            chain = int(boa.env.evm.patch.chain_id) + 1  # another chain
        elif variant == 3:
            book = str(self.w.listings.address)  # another contract
        elif variant == 4:
            offer_provider = self.w.agents[(provider + 1) % 4]  # another agent
        elif variant == 5:
            offer_client = self.w.agents[(client + 1) % 4]  # another client
        elif variant == 6:
            expiry = now()  # expired exactly now
        self.offer_expiry = expiry
        evaluator, bps = self._evaluator_choice(ev, fee, offer_provider, p + t)
        offer = (
            offer_provider,
            offer_client,
            self.addr[name],
            price,
            3 * DAY,
            b"\x11" * 32,
            evaluator or NO_EVALUATOR,
            bps,
            nonce,
            expiry,
        )
        v, r, s = sign_offer(key, offer, book, chain)
        who = self._who(c, kind)
        genuine = variant not in (2, 3)
        signer_ok = genuine and (
            key.address == self._principal(offer_provider)
            or self._role(offer_provider, key.address) == "O"
        )
        ok = (
            now() < expiry
            and offer_client in (0, c)
            and nonce not in self.nonces[offer_provider]
            and signer_ok
        )
        open_ok, window = self._open_ok(c, offer_provider, name, price, 3 * DAY, who)
        ok = ok and open_ok
        if evaluator is not None:
            ok = (
                ok and bps <= MAX_EVALUATOR_FEE_BPS and self._outsider(c, offer_provider, evaluator)
            )
        with boa.env.prank(who):
            job_id = self._do(ok, lambda: self.w.offers.hire_with_offer(offer, c, v, r, s))
        if ok:
            self.nonces[offer_provider].add(nonce)
            self._opened(
                int(job_id),
                c,
                offer_provider,
                name,
                price,
                3 * DAY,
                True,
                window,
                evaluator,
                bps,
            )

    @rule(provider=agent_ix, kind=kinds, fresh=flags)
    def cancel_offer_nonce(self, provider: int, kind: int, fresh: bool) -> None:
        pv = self.w.agents[provider]
        used = sorted(self.nonces[pv])
        if fresh or not used:
            self.next_nonce += 1
            nonce = self.next_nonce
        else:
            nonce = used[0]
        who = self._who(pv, kind)
        ok = self._acts(pv, who) and nonce not in self.nonces[pv]
        with boa.env.prank(who):
            self._do(ok, lambda: self.w.offers.cancel_offer_nonce(pv, nonce))
        if ok:
            self.nonces[pv].add(nonce)

    # ============================================================ rules: job exits

    @precondition(lambda self: self._has(REQUESTED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def accept(self, i: int, kind: int, any_job: bool) -> None:
        job = self._pick_job(i, None if any_job else (REQUESTED,))
        assert job is not None
        who = self._who(job.provider, kind)
        ok = job.status == REQUESTED and now() < job.deadline and self._acts(job.provider, who)
        with boa.env.prank(who):
            self._do(ok, lambda: self.e.accept(job.job_id))
        if ok:
            job.status, job.deadline = ACCEPTED, now() + job.delivery_time

    @precondition(lambda self: self._has(REQUESTED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def decline(self, i: int, kind: int, any_job: bool) -> None:
        job = self._pick_job(i, None if any_job else (REQUESTED,))
        assert job is not None
        who = self._who(job.provider, kind)
        ok = job.status == REQUESTED and self._acts(job.provider, who)
        with boa.env.prank(who):
            self._do(ok, lambda: self.e.decline(job.job_id))
        if ok:
            self._refund(job, 3)

    @precondition(lambda self: self._has(REQUESTED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def cancel(self, i: int, kind: int, any_job: bool) -> None:
        job = self._pick_job(i, None if any_job else (REQUESTED,))
        assert job is not None
        who = self._who(job.client, kind)
        ok = job.status == REQUESTED and self._acts(job.client, who)
        with boa.env.prank(who):
            self._do(ok, lambda: self.e.cancel(job.job_id))
        if ok:
            self._refund(job, 0)

    @precondition(lambda self: self._has(REQUESTED, ACCEPTED, REJECTED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def reclaim(self, i: int, kind: int, any_job: bool) -> None:
        """The client takes the price back after the provider's missed
        deadline, or a Rejected job's rest (price less the evaluator's fee)
        once the provider let the response deadline pass (outcome 8)."""
        job = self._pick_job(i, None if any_job else (REQUESTED, ACCEPTED, REJECTED))
        assert job is not None
        who = self._who(job.client, kind)
        ok = (
            job.status in (REQUESTED, ACCEPTED, REJECTED)
            and now() >= job.deadline
            and self._acts(job.client, who)
        )
        rejected = job.status == REJECTED
        with boa.env.prank(who):
            if ok:
                with self._conserving(job):
                    self.e.reclaim(job.job_id)
            else:
                with boa.reverts():
                    self.e.reclaim(job.job_id)
        if ok:
            self._refund(job, OUT_REJECTED if rejected else OUT_REFUNDED_LATE)
            if rejected:
                _hit("rejected job reclaimed")

    @precondition(lambda self: self._has(ACCEPTED))
    @rule(i=picks, kind=kinds, any_job=flags, lower=st.integers(0, 4))
    def deliver(self, i: int, kind: int, any_job: bool, lower: int) -> None:
        """Deliver at the locked price (argument omitted or given), for less,
        for nothing, or (refused) for more."""
        job = self._pick_job(i, None if any_job else (ACCEPTED,))
        assert job is not None
        who = self._who(job.provider, kind)
        final = [None, job.amount, job.amount // 3, 0, job.amount + 1][lower]
        ok = (
            job.status == ACCEPTED
            and now() < job.deadline
            and (final is None or final <= job.amount)
            and self._acts(job.provider, who)
        )
        with boa.env.prank(who):
            if final is None:
                self._do(ok, lambda: self.e.deliver(job.job_id, b"\x22" * 32, "ipfs://r"))
            else:
                self._do(ok, lambda: self.e.deliver(job.job_id, b"\x22" * 32, "ipfs://r", final))
        if ok:
            if final is not None and final < job.amount:
                self._credit(job.client, job.token, job.amount - final)
                job.refund += job.amount - final
                job.amount = final
            job.status = DELIVERED
            job.deadline = now() + self.configs[job.config].review_window

    @precondition(lambda self: self._has(DELIVERED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def complete(self, i: int, kind: int, any_job: bool) -> None:
        """The client pays a Delivered job before its review deadline, or a
        Rejected one over its evaluator's rejection (any time until it is
        reclaimed or contested; outcome 1, not 9)."""
        job = self._pick_job(i, None if any_job else (DELIVERED,))
        assert job is not None
        who = self._who(job.client, kind)
        ok = (
            (job.status == DELIVERED and now() < job.deadline) or job.status == REJECTED
        ) and self._acts(job.client, who)
        if ok:
            if job.status == REJECTED:
                _hit("rejected job completed")
            with self._conserving(job), boa.env.prank(who):
                self.e.complete(job.job_id)
            self._settle(job)
        else:
            with boa.env.prank(who), boa.reverts():
                self.e.complete(job.job_id)

    @precondition(lambda self: self._has(DELIVERED))
    @rule(i=picks, any_job=flags)
    def finalize(self, i: int, any_job: bool) -> None:
        job = self._pick_job(i, None if any_job else (DELIVERED,))
        assert job is not None
        ok = job.status == DELIVERED and now() >= job.deadline
        with boa.env.prank(str(self.w.stranger.address)):
            if ok:
                with self._conserving(job):
                    self.e.finalize(job.job_id)
                self._settle(job)
            else:
                with boa.reverts():
                    self.e.finalize(job.job_id)

    # ============================================================ rules: evaluator

    def _judge(self, job: Job, approve: bool, who: str) -> None:
        """`who` gives a verdict on `job`: only its evaluator, still not a
        party, on a Delivered job before the review deadline. The fee
        (amount * bps // 10,000) is owed to it; approval then settles as
        `complete` (the protocol fee on the rest, outcome 9), rejection makes
        the job Rejected with the response deadline. Anything else reverts
        and changes nothing (the step's check re-reads the job and the
        caller's fees against the unchanged model)."""
        self.t_jobs.add(job.job_id)
        ok = (
            job.status == DELIVERED
            and job.evaluator is not None
            and who == job.evaluator
            and now() < job.deadline
            and self._outsider(job.client, job.provider, who)
        )
        call = self.e.approve if approve else self.e.reject
        report = bytes([0x33 + approve]) * 32
        if not ok:
            with boa.env.prank(who), boa.reverts():
                call(job.job_id, report)
            self.t_fees.add((who, job.token))
            _hit("verdict refused")
            return
        fee = job.amount * job.evaluator_fee_bps // BPS
        with self._conserving(job, None if approve else fee), boa.env.prank(who):
            call(job.job_id, report)
        self._fee(who, job.token, fee)
        job.evaluator_fee += fee
        job.amount -= fee
        job.verdict = approve
        job.report = report
        _hit("approved" if approve else "rejected")
        if approve:
            self._settle(job, OUT_VALIDATED)
        else:
            job.status = REJECTED
            job.deadline = now() + self.configs[job.config].response_window
        self._check_verdict(job)

    def _publish(self, job: Job, who: str) -> None:
        """Anyone publishes a job's verdict, read from the escrow, once: the
        first publication of a given verdict succeeds whoever sends it; a
        second one, or one for a job without a verdict, reverts and changes
        nothing."""
        v = self.w.validation
        if job.verdict is None or job.published:
            reason = "validation: no verdict"
            if job.verdict is not None:
                reason = "validation: verdict published"
            with boa.env.prank(who), boa.reverts(reason):
                v.publish_verdict(job.job_id)
            _hit("publication refused")
        else:
            with boa.env.prank(who):
                v.publish_verdict(job.job_id)
            job.published = True
            count, total = self.verdicts.get(job.provider, (0, 0))
            self.verdicts[job.provider] = (count + 1, total + (100 if job.verdict else 0))
            _hit("verdict published")
        self._check_verdict(job)

    def _check_verdict(self, job: Job) -> None:
        """The escrow keeps the job's verdict as given, whatever the job did
        since; the validation registry holds it (final, by its evaluator, on
        the provider) once published, and the provider's summary counts
        exactly the published ones."""
        v = self.w.validation
        if job.verdict is None:
            assert tuple(self.e.verdict(job.job_id)) == (NO_EVALUATOR, False, b"\0" * 32)
        else:
            assert tuple(self.e.verdict(job.job_id)) == (job.evaluator, job.verdict, job.report)
        got = v.validation(v.job_request_hash(job.job_id))
        assert got.job_verdict == job.published, job.job_id
        if job.published:
            assert (got.validator, got.agent_id) == (job.evaluator, job.provider), job.job_id
            assert got.responded
            assert got.response == (100 if job.verdict else 0)
            assert bytes(got.response_hash) == job.report
        count, total = self.verdicts.get(job.provider, (0, 0))
        assert tuple(v.getSummary(job.provider, [], "")) == (count, total // max(count, 1))

    def _judged(self, i: int) -> Job | None:
        """A job with a verdict not yet published, or failing that any job."""
        ids = sorted(
            j for j, job in self.jobs.items() if job.verdict is not None and not job.published
        )
        if not ids or i % 4 == 3:
            return self._pick_job(i)
        return self.jobs[ids[i % len(ids)]]

    def _evaluated(self, i: int) -> Job | None:
        """A Delivered job that names an evaluator, or failing that any job."""
        ids = sorted(
            j
            for j, job in self.jobs.items()
            if job.status == DELIVERED and job.evaluator is not None
        )
        if not ids:
            return self._pick_job(i)
        return self.jobs[ids[i % len(ids)]]

    @precondition(lambda self: self._has(DELIVERED))
    @rule(
        i=picks,
        approve=flags,
        caller=st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4]),
        kind=kinds,
        any_job=st.sampled_from([False, False, False, True]),
    )
    def verdict(self, i: int, approve: bool, caller: int, kind: int, any_job: bool) -> None:
        """The job's evaluator approves or rejects; the other evaluator, a
        party (principal or operator keys) or a stranger tries the same
        (refused), and the evaluator tries on a job in any state (refused
        unless it is that job's, Delivered, before the review deadline)."""
        job = self._pick_job(i) if any_job else self._evaluated(i)
        if job is None:
            return
        if caller == 0:
            who = job.evaluator or self.w.evaluators[0]
        elif caller == 1:
            who = (
                self.w.evaluators[1]
                if job.evaluator != self.w.evaluators[1]
                else self.w.evaluators[0]
            )
        elif caller == 2:
            who = self._who(job.client, kind)
        elif caller == 3:
            who = self._who(job.provider, kind)
        else:
            who = str(self.w.stranger.address)
        self._judge(job, approve, who)

    @rule(i=picks, caller=st.integers(0, 2), kind=st.integers(0, 2))
    def publish_verdict(self, i: int, caller: int, kind: int) -> None:
        """Someone publishes a job's verdict: the provider (who wants it
        shown), the client, or a stranger; on a job that has one, or not."""
        job = self._judged(i)
        if job is None:
            return
        if caller == 0:
            who = self._who(job.provider, kind)
        elif caller == 1:
            who = self._who(job.client, kind)
        else:
            who = str(self.w.stranger.address)
        self._publish(job, who)

    # ============================================================ rules: disputes

    def _opening_bond(self, job: Job) -> int:
        """The bond a dispute or contest of `job` takes from its opener now."""
        cfg = self.configs[job.config]
        return max(cfg.bond_floor, job.amount * cfg.bond_bps // BPS)

    @staticmethod
    def _answerer(job: Job) -> int:
        """The side that answers a disputed job: the one that did not open."""
        return job.provider if job.opener == CLIENT else job.client

    def _open_dispute(self, job: Job, who: str) -> None:
        """`who` calls the resolver's `dispute`: the job's state says which
        side opens (a Delivered job's client before the review deadline, a
        Rejected job's provider before the response deadline), and the
        opener's bond comes from its free balance."""
        cfg = self.configs[job.config]
        bond = self._opening_bond(job)
        opener = {DELIVERED: job.client, REJECTED: job.provider}.get(job.status)
        ok = (
            opener is not None
            and now() < job.deadline
            and self._acts(opener, who)
            and self.free[(opener, job.token)] >= bond
        )
        with boa.env.prank(who):
            self._do(ok, lambda: self.w.resolver.dispute(job.job_id, "ipfs://meta"))
        if ok and opener is not None:
            self.free[(opener, job.token)] -= bond
            self.t_free.add((opener, job.token))
            job.opener = CLIENT if opener == job.client else PROVIDER
            if job.opener == PROVIDER:
                _hit("contested")
            job.status, job.rstatus = DISPUTED, 1
            job.bond = bond
            if job.opener == CLIENT:
                job.client_bond = bond
            else:
                job.provider_bond = bond
            job.response_deadline = now() + cfg.response_window
            job.arbitrator = cfg.arbitrator

    @precondition(lambda self: self._has(DELIVERED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def dispute(self, i: int, kind: int, any_job: bool) -> None:
        job = self._pick_job(i, None if any_job else (DELIVERED,))
        assert job is not None
        self._open_dispute(job, self._who(job.client, kind))

    @precondition(lambda self: self._has(REJECTED))
    @rule(i=picks, kind=kinds, any_job=flags)
    def contest(self, i: int, kind: int, any_job: bool) -> None:
        """The provider contests its evaluator's rejection (its bond first);
        the client is then the side that answers, or loses by default."""
        job = self._pick_job(i, None if any_job else (REJECTED,))
        assert job is not None
        self._open_dispute(job, self._who(job.provider, kind))

    @precondition(lambda self: self._has(DISPUTED))
    @rule(i=picks, kind=kinds)
    def answer(self, i: int, kind: int) -> None:
        """The side that did not open answers with its bond: the provider,
        or the client when the provider contested a rejection."""
        job = self._pick_job(i, (DISPUTED,))
        assert job is not None
        self._answer(job, self._who(self._answerer(job), kind))

    def _answer(self, job: Job, who: str) -> None:
        answerer = self._answerer(job)
        ok = (
            job.rstatus == 1
            and now() < job.response_deadline
            and self._acts(answerer, who)
            and self.free[(answerer, job.token)] >= job.bond
        )
        with boa.env.prank(who):
            self._do(ok, lambda: self.w.resolver.answer(job.job_id, "ipfs://answer"))
        if not ok:
            return
        self.free[(answerer, job.token)] -= job.bond
        self.t_free.add((answerer, job.token))
        if job.opener == CLIENT:
            job.provider_bond = job.bond
        else:
            job.client_bond = job.bond
            _hit("contest answered")
        job.rstatus = 2
        cfg = self.configs[job.config]
        opened = job.arbitrator == "panel" or (
            job.arbitrator == "hostile" and self.hostile_mode == 0
        )
        job.arbitration_deadline = now() + (cfg.arbitration_window if opened else 0)
        if job.arbitrator == "panel":
            job.case = self.panel_count
            self.cases[self.panel_count] = PanelCase(
                job.job_id, self.panel_arbiters, self.panel_quorum
            )
            self.panel_count += 1
        elif opened:
            job.case = self.hostile_count
            self.hostile_cases[self.hostile_count] = job.job_id
            self.hostile_count += 1

    @precondition(lambda self: self._has(DELIVERED, REJECTED, DISPUTED))
    @rule(i=picks, kind=st.sampled_from([0, 1]), pause=flags, edge=deltas, sell=flags)
    def fund_bond_and_act(self, i: int, kind: int, pause: bool, edge: int, sell: bool) -> None:
        """Issue 14, finding 3: the side whose turn it is holds less than its
        bond (it withdraws what it has), the guardian may pause (entries
        only), the clock goes to one second before, at or after the step's
        deadline, and the side deposits exactly its bond and disputes (a
        Delivered job's client), contests (a Rejected job's provider) or
        answers. Rule checked: no admin lever stops a party that may act
        before its deadline; the step succeeds whenever `now < deadline`.
        Then, maybe, the side's principal sells the agent to a buyer that
        owns nothing, mid-dispute: the buyer inherits the case."""
        job = self._pick_job(i, (DELIVERED, REJECTED, DISPUTED))
        assert job is not None
        if job.status == DISPUTED:
            if job.rstatus != 1:
                return
            side, deadline, bond = self._answerer(job), job.response_deadline, job.bond
        else:
            side = job.client if job.status == DELIVERED else job.provider
            deadline, bond = job.deadline, self._opening_bond(job)
        if job.token == "WEIRD" and self.mode != MODE_NORMAL:
            return  # the weird token's own refusals are tested elsewhere
        principal = self._principal(side)
        free = self.free[(side, job.token)]
        if free:
            with boa.env.prank(principal):
                self.e.withdraw(side, self.addr[job.token], free, principal)
            self.free[(side, job.token)] = 0
            self.t_free.add((side, job.token))
        if pause and not self.paused:
            with boa.env.prank(self.w.guardian):
                self.w.governor.pause()
            self.paused = True
        target = deadline + edge
        if target > now():
            boa.env.evm.patch.timestamp = target
        assert self._deposit(side, job.token, bond, principal)
        who = self._who(side, kind)
        may = now() < deadline and self._acts(side, who)
        if job.status == DISPUTED:
            self._answer(job, who)
            done = job.rstatus == 2
        else:
            self._open_dispute(job, who)
            done = job.status == DISPUTED
        assert done == may, (job.job_id, done, may, self.paused)
        if done and self.paused:
            _hit("bond funded while paused")
        buyers = [b for b in range(len(self.w.principals)) if b not in self.owner.values()]
        if done and sell and buyers:
            self.transfer_agent(self.w.agents.index(side), buyers[0], False)

    @precondition(lambda self: self._has(DISPUTED))
    @rule(i=picks)
    def claim_default_win(self, i: int) -> None:
        job = self._pick_job(i, (DISPUTED,))
        assert job is not None
        ok = job.rstatus == 1 and now() >= job.response_deadline
        with boa.env.prank(str(self.w.stranger.address)):
            if ok:
                with self._conserving(job):
                    self.w.resolver.claim_default_win(job.job_id)
                # the opener wins whole, its bond back
                if job.opener == CLIENT:
                    self._settle_dispute(job, 0, job.client_bond, 0, 4, 3)
                else:
                    self._settle_dispute(job, job.amount, 0, job.provider_bond, 5, 3)
            else:
                with boa.reverts():
                    self.w.resolver.claim_default_win(job.job_id)

    def _side(self, job: Job, who: str) -> str | None:
        if self._acts(job.client, who):
            return CLIENT
        if self._acts(job.provider, who):
            return PROVIDER
        return None

    @precondition(lambda self: self._has(DISPUTED, RESOLVED))
    @rule(i=picks, kind=kinds, provider_side=flags, share=st.integers(0, 3))
    def propose_settlement(self, i: int, kind: int, provider_side: bool, share: int) -> None:
        job = self._pick_job(i, (DISPUTED, RESOLVED))
        assert job is not None
        who = self._who(job.provider if provider_side else job.client, kind)
        value = [0, job.amount // 3, job.amount, job.amount + 1][share]
        side = self._side(job, who)
        ok = job.rstatus in (1, 2) and value <= job.amount and side is not None
        with boa.env.prank(who):
            self._do(ok, lambda: self.w.resolver.propose_settlement(job.job_id, value))
        if ok and side is not None:
            job.proposals[side] = value

    @precondition(lambda self: self._has(DISPUTED))
    @rule(i=picks, kind=kinds, provider_side=flags, mismatch=flags, withdraw=flags)
    def accept_settlement(
        self, i: int, kind: int, provider_side: bool, mismatch: bool, withdraw: bool
    ) -> None:
        job = self._pick_job(i, (DISPUTED,))
        assert job is not None
        who = self._who(job.provider if provider_side else job.client, kind)
        side = self._side(job, who)
        if withdraw:
            ok = job.rstatus in (1, 2) and side is not None and side in job.proposals
            with boa.env.prank(who):
                self._do(ok, lambda: self.w.resolver.withdraw_proposal(job.job_id))
            if ok and side is not None:
                del job.proposals[side]
            return
        other = PROVIDER if side == CLIENT else CLIENT
        offered = job.proposals.get(other)
        value = (offered or 0) + (1 if mismatch else 0)
        ok = job.rstatus in (1, 2) and side is not None and offered is not None
        ok = ok and value == offered
        with boa.env.prank(who):
            if ok:
                with self._conserving(job):
                    self.w.resolver.accept_settlement(job.job_id, value)
                self._settle_dispute(job, value, job.client_bond, job.provider_bond, 6, 4)
            else:
                with boa.reverts():
                    self.w.resolver.accept_settlement(job.job_id, value)

    @precondition(lambda self: bool(getattr(self, "cases", None)))
    @rule(i=picks, arbiter=st.integers(0, 3), ruling=rulings)
    def panel_vote(self, i: int, arbiter: int, ruling: int) -> None:
        ids = sorted(self.cases)
        case_id = ids[i % len(ids)]
        case = self.cases[case_id]
        job = self.jobs[case.job_id]
        self.t_jobs.add(job.job_id)
        who = self._arbiter(arbiter)
        ok = not case.solved and who in case.arbiters and who not in case.votes and ruling <= 103
        final = ok and 1 + sum(1 for r in case.votes.values() if r == ruling) >= case.quorum
        if final:
            ok = job.rstatus == 2  # `rule` reverts on an ended dispute, and the vote with it
        with boa.env.prank(who):
            if ok and final:
                with self._conserving(job):
                    self.w.panel.vote(case_id, ruling)
            else:
                self._do(ok, lambda: self.w.panel.vote(case_id, ruling))
        if not ok:
            return
        case.votes[who] = ruling
        if final:
            case.solved = True
            self._rule(job, ruling)

    def _arbiter(self, i: int) -> str:
        if i < 3:
            return self.w.arbiters[i]
        return str(self.w.extra["spare_arbiter"])

    def _rule(self, job: Job, ruling: int) -> None:
        share, client_back, provider_back, outcome = ruling_payout(job.amount, job.bond, ruling)
        self._settle_dispute(job, share, client_back, provider_back, outcome, 5)

    @precondition(lambda self: self._has(DISPUTED, RESOLVED))
    @rule(i=picks, ruling=rulings, own_case=flags)
    def hostile_court_rules(self, i: int, ruling: int, own_case: bool) -> None:
        """The hostile court rules its own cases (allowed) and tries to rule
        cases of other courts or jobs it never took (refused)."""
        job = self._pick_job(i, (DISPUTED, RESOLVED))
        assert job is not None
        hostile = self.w.hostile
        if own_case and job.arbitrator == "hostile" and job.case is not None:
            ok = job.rstatus == 2 and ruling <= 103
            with boa.env.prank(self.w.hostile_owner):
                if ok:
                    with self._conserving(job):
                        hostile.give_ruling(job.case, ruling)
                    self._rule(job, ruling)
                else:
                    with boa.reverts():
                        hostile.give_ruling(job.case, ruling)
            return
        # another court's case id (one this court never opened), or a made-up one
        case = job.case if job.case is not None else 10**6
        if job.arbitrator == "hostile" or case in self.hostile_cases:
            case = 10**6 + case
        with boa.reverts():
            hostile.call_rule(self.w.resolver.address, case, ruling)

    @precondition(lambda self: self._has(DISPUTED))
    @rule(i=picks)
    def apply_default(self, i: int) -> None:
        job = self._pick_job(i, (DISPUTED,))
        assert job is not None
        ok = job.rstatus == 2 and now() >= job.arbitration_deadline
        with boa.env.prank(str(self.w.stranger.address)):
            if ok:
                with self._conserving(job):
                    self.w.resolver.apply_default(job.job_id)
                self._settle_dispute(job, job.amount // 2, job.bond, job.bond, 7, 6)
            else:
                with boa.reverts():
                    self.w.resolver.apply_default(job.job_id)

    def hostile_court_mode(self, mode: int) -> None:
        """0 takes cases, 1 refuses them, 4 has no price (no case either)."""
        self.w.hostile.set_mode(mode, b"", 0)
        self.hostile_mode = mode

    # ============================================================ rules: progress

    def _advance(self, i: int, choice: int, kind: int) -> None:
        """Move an open job on the way its parties would (the hostile and
        out-of-order attempts are the other rules' business)."""
        job = self._pick_job(i, OPEN)
        if job is not None:
            self._move_on(job, choice, kind)

    def _move_on(self, job: Job, choice: int, kind: int) -> None:
        """One stage of `job`'s life, the way its parties (or its
        evaluator) would take it; `choice` picks the way."""
        self.t_jobs.add(job.job_id)
        ids = sorted(self.jobs)
        j = ids.index(job.job_id)
        op_kind = 1 if kind else 0
        if job.status == REQUESTED:
            [self.accept, self.accept, self.accept, self.decline, self.cancel, self.reclaim][
                choice % 6
            ](j, op_kind, True)
        elif job.status == ACCEPTED:
            self.deliver(j, op_kind, True, choice % 5 if choice % 2 else 0)
        elif job.status == DELIVERED:
            if job.evaluator is not None and choice % 4 != 3:
                # the evaluator judges (approves one time in three)
                self._judge(job, choice % 3 == 0, job.evaluator)
            else:
                [self.complete, self.dispute][(choice // 4 + choice) % 2](j, op_kind, True)
        elif job.status == REJECTED:
            if choice % 4 < 2:
                self.contest(self._index(job, REJECTED), op_kind, False)
            elif choice % 4 == 2:
                self.complete(j, op_kind, True)
            else:
                # the client waits for the response deadline (-1, 0, +1 s) and reclaims
                target = job.deadline + choice // 4 - 1
                if target > now():
                    boa.env.evm.patch.timestamp = target
                self.reclaim(j, op_kind, True)
        elif job.rstatus == 1 and job.opener == PROVIDER and choice % 3 == 2:
            # the client stays silent on the contest: the provider's default
            # win at the response deadline (-1, 0, +1 s)
            target = job.response_deadline + choice // 3 % 3 - 1
            if target > now():
                boa.env.evm.patch.timestamp = target
            self.claim_default_win(self._index(job, DISPUTED))
        elif job.rstatus == 1:
            if choice % 3 == 0:
                self.answer(self._index(job, DISPUTED), op_kind)
            elif choice % 3 == 1:
                self.propose_settlement(self._index(job, DISPUTED, RESOLVED), op_kind, True, 1)
            else:
                self.accept_settlement(self._index(job, DISPUTED), op_kind, False, False, False)
        elif choice % 6 == 5 or job.case is None:
            # the arbitrator is silent (or has no case): the neutral default
            self.apply_default(self._index(job, DISPUTED))
        elif job.arbitrator == "panel":
            # a contest is upheld (the client wins) more often: the path
            # whose recording issue 14 fixed
            rulings = [0, 1, 2, 3 + 37] if job.opener == CLIENT else [1, 1, 2, 3 + 37]
            case = sorted(self.cases).index(job.case)
            for arbiter in range(2):
                self.panel_vote(case, arbiter + choice % 2, rulings[choice % 4])
        else:
            ruling = 1 if job.opener == PROVIDER and choice % 2 else 3 + choice
            self.hostile_court_rules(self._index(job, DISPUTED, RESOLVED), ruling, True)

    def _index(self, job: Job, *statuses: int) -> int:
        return sorted(j for j, x in self.jobs.items() if x.status in statuses).index(job.job_id)

    def _has_evaluated(self) -> bool:
        return any(
            j.evaluator is not None and j.status in OPEN for j in getattr(self, "jobs", {}).values()
        )

    def _advance_evaluated(self, i: int, plan: int, kind: int) -> None:
        """Move an open job that names an evaluator on by one to three
        stages (hired, accepted, delivered, judged, then contested,
        answered, reclaimed or paid), so that the evaluator's paths get
        their share of the steps. `plan` packs the number of stages and each
        stage's choice (one draw: Hypothesis ends an example when its draws
        fill a buffer, so fewer draws make longer examples)."""
        ids = sorted(
            j for j, job in self.jobs.items() if job.evaluator is not None and job.status in OPEN
        )
        if not ids:
            return
        job = self.jobs[ids[i % len(ids)]]
        stages, plan = 1 + plan % 3, plan // 3
        for _ in range(stages):
            if job.status not in OPEN:
                break
            self._move_on(job, plan % 12, kind)
            plan //= 12
            self._check_job(job)  # I3 stage by stage

    @precondition(lambda self: self._has_evaluated())
    @rule(i=picks, plan=plans, kind=flags)
    def advance_evaluated(self, i: int, plan: int, kind: bool) -> None:
        self._advance_evaluated(i, plan, int(kind))

    @precondition(lambda self: self._has_evaluated())
    @rule(i=picks, plan=plans, kind=flags)
    def advance_evaluated_again(self, i: int, plan: int, kind: bool) -> None:
        self._advance_evaluated(i, plan, int(kind))

    @precondition(lambda self: self._has_evaluated())
    @rule(i=picks, plan=plans, kind=flags)
    def advance_evaluated_once_more(self, i: int, plan: int, kind: bool) -> None:
        self._advance_evaluated(i, plan, int(kind))

    @precondition(lambda self: self._has(*OPEN))
    @rule(i=picks, choice=st.integers(0, 11), kind=flags)
    def advance(self, i: int, choice: int, kind: bool) -> None:
        self._advance(i, choice, int(kind))

    @precondition(lambda self: self._has(*OPEN))
    @rule(i=picks, choice=st.integers(0, 11), kind=flags)
    def advance_again(self, i: int, choice: int, kind: bool) -> None:
        self._advance(i, choice, int(kind))

    @precondition(lambda self: self._has(*OPEN))
    @rule(i=picks, choice=st.integers(0, 11), kind=flags)
    def advance_once_more(self, i: int, choice: int, kind: bool) -> None:
        self._advance(i, choice, int(kind))

    # ============================================================ rules: ratings

    @precondition(lambda self: self._has(COMPLETED, RESOLVED, REFUNDED))
    @rule(i=picks, kind=kinds, provider_side=flags, score=st.sampled_from([0, 73, 100, 101]))
    def rate(self, i: int, kind: int, provider_side: bool, score: int) -> None:
        job = self._pick_job(i, (COMPLETED, RESOLVED, REFUNDED))
        assert job is not None
        who = self._who(job.provider if provider_side else job.client, kind)
        role_c, role_p = self._role(job.client, who), self._role(job.provider, who)
        side, agent, role = (
            (CLIENT, job.client, role_c) if role_c else (PROVIDER, job.provider, role_p)
        )
        ok = (
            score <= 100
            and job.status in (COMPLETED, RESOLVED)
            and not job.norep
            and job.amount != 0
            and role is not None
            and (role == "P" or not self.frozen[agent])
            and side not in job.rated
        )
        with boa.env.prank(who):
            self._do(
                ok,
                lambda: self.w.reputation.rate(
                    job.job_id, score, "t1", "t2", "ipfs://f", b"\0" * 32
                ),
            )
        if ok:
            job.rated.add(side)
            rated = job.provider if side == CLIENT else job.client
            weight = self._weighted(job.token, job.amount)
            f = self.facts[rated]
            f.rating_count += 1
            f.rating_weight += weight
            f.rating_score += weight * score
            self.t_rep.add(rated)

    # ============================================================ rules: admin

    @rule(action=st.integers(0, 9), who_ix=st.integers(0, 2), t=token_ix, choice=st.integers(0, 3))
    def admin(self, action: int, who_ix: int, t: int, choice: int) -> None:
        """Governance, the guardian or a stranger uses an admin lever (the
        escrow's go through its EscrowGovernor); none of them may move a unit
        (I7: full read of every balance afterwards)."""
        who = [self.w.governance, self.w.guardian, str(self.w.stranger.address)][who_ix]
        name = TOKENS[t]
        gov = who_ix == 0
        guard = who_ix in (0, 1)
        e, g = self.e, self.w.governor
        with boa.env.prank(who):
            if action == 0:
                self._do(guard, g.pause)
                self.paused = self.paused or guard
            elif action == 1:
                self._do(guard, g.unpause)
                self.paused = self.paused and not guard
            elif action == 2:
                lst = self.w.listings
                ok = guard
                self._do(ok, lst.unpause if self.listings_paused else lst.pause)
                if ok:
                    self.listings_paused = not self.listings_paused
            elif action == 3:
                allowed = choice != 0
                weight = [TOKEN_WEIGHT[name], 0, 3 * TOKEN_WEIGHT[name], 2**96][choice]
                ok = gov and weight < 2**96
                self._do(ok, lambda: g.set_token(self.addr[name], allowed, weight))
                if ok:
                    self.allowed[name], self.weight[name] = allowed, weight
            elif action == 4:
                self._add_config(gov, choice)
            elif action == 5:
                # moving someone's funds: every path refuses an admin
                a = self.w.agents[choice]
                with boa.reverts():
                    e.withdraw(a, self.addr[name], 1, who)
                with boa.reverts():  # a tab's money: the Tabs contract only
                    e.tab_settle((a << 64) | a, 1 << 232, 0, 1)
                # the escrow's own levers: its governor only, not even governance
                with boa.reverts("escrow: not governor"):
                    e.set_paused(not self.paused)
                with boa.reverts("escrow: not governor"):
                    e.set_token(self.addr[name], False, 0)
            elif action == 6:
                job = self._pick_job(choice) if self.jobs else None
                if job is not None:
                    with boa.reverts():
                        e.settle_dispute(job.job_id, 0, 0, 0, 4)
                    with boa.reverts():
                        e.cancel(job.job_id)
            elif action == 7:
                self._set_panel(gov, choice)
            elif action == 8:
                self._do(gov, lambda: g.set_guardian(self.w.guardian))
            else:
                with boa.reverts():
                    self.w.reputation.record_job(1 << 64 | 2, 1, 2, 1, 10**18, 10**18)
        self.full_check = True

    def _add_config(self, gov: bool, choice: int) -> None:
        fee_recipient = self.w.fee_recipient if choice % 2 == 0 else self.w.governance
        arbitrator = ["panel", "hostile", "placeholder", "panel"][choice]
        fee = [0, 250, 1_000, 1_001][choice]
        windows = 3_600 if choice == 1 else DAY
        address = {
            "panel": self.w.panel.address,
            "hostile": self.w.hostile.address,
            "placeholder": self.w.placeholder_arbitrator,
        }[arbitrator]
        cfg = Config(
            fee, windows, windows, fee_recipient, 1_000, 1_000, windows, windows, arbitrator
        )
        ok = gov and fee <= 1_000
        args = (
            cfg.fee_bps,
            cfg.accept_window,
            cfg.review_window,
            cfg.fee_recipient,
            cfg.bond_bps,
            cfg.bond_floor,
            cfg.response_window,
            cfg.arbitration_window,
            address,
        )
        config_id = self._do(ok, lambda: self.w.governor.add_config(args))
        if ok:
            assert int(config_id) == max(self.configs) + 1
            self.configs[int(config_id)] = cfg
            self.current_config = int(config_id)

    def _set_panel(self, gov: bool, choice: int) -> None:
        members = [self.w.arbiters, [*self.w.arbiters[1:], self.w.extra["spare_arbiter"]]][
            choice % 2
        ]
        quorum = 1 + (choice // 2) % 2
        self._do(gov, lambda: self.w.panel.set_panel(members, quorum))
        if gov:
            self.panel_arbiters = tuple(str(m) for m in members)
            self.panel_quorum = quorum

    # ============================================================ rules: time

    @rule(seconds=jumps)
    def wait(self, seconds: int) -> None:
        boa.env.time_travel(seconds=seconds)

    @rule(i=picks, delta=deltas, which=st.integers(0, 2))
    def to_deadline(self, i: int, delta: int, which: int) -> None:
        """Land one second before, on, or one second after a live deadline:
        a job's, a dispute's, an offer's expiry or a budget window's end."""
        targets: list[int] = []
        if which == 0:
            targets = [j.deadline for j in self.jobs.values() if j.status in TIMED]
        elif which == 1:
            for j in self.jobs.values():
                if j.rstatus == 1:
                    targets.append(j.response_deadline)
                elif j.rstatus == 2:
                    targets.append(j.arbitration_deadline)
        else:
            targets = [self.offer_expiry]
            for (a, t), (start, _) in self.spend.items():
                period = self.policy.get((a, t), (0, 0, 0))[2]
                if period:
                    targets.append(start + period)
        targets = sorted(set(targets))
        if not targets:
            return
        target = targets[i % len(targets)] + delta
        if target > now():
            boa.env.evm.patch.timestamp = target

    # ============================================================ invariants

    @invariant()
    def holds(self) -> None:
        if not getattr(self, "ready", False):
            return
        self.steps += 1
        if self.full_check:
            self._full_check()
        else:
            self._check_touched()
        self._liveness_table()
        self.t_tokens.clear()
        self.t_free.clear()
        self.t_fees.clear()
        self.t_jobs.clear()
        self.t_rep.clear()
        self.t_spend.clear()
        self.full_check = False

    def _solvency(self, t: str) -> None:
        """I1 for token `t`, each term from the model."""
        free = sum(v for (_, tok), v in self.free.items() if tok == t)
        locked = sum(
            j.amount + j.client_bond + j.provider_bond
            for j in self.jobs.values()
            if j.token == t and j.status in OPEN
        )
        tabs = self._tab_held(t)
        fees = sum(v for (_, tok), v in self.fees.items() if tok == t)
        held = int(self.t[t].balanceOf(self.e.address))
        assert held == free + locked + tabs + fees, (t, held, free, locked, tabs, fees)

    def _check_job(self, job: Job) -> None:
        chain = self.e.job(job.job_id)
        assert chain.status == job.status, (job.job_id, chain.status, job.status)
        # I3: the chain moved along a drawn transition since it was last read
        if chain.status != job.seen:
            assert (job.seen, chain.status) in TRANSITIONS, (job.job_id, job.seen, chain.status)
            job.seen = chain.status
        assert chain.price == job.amount, (job.job_id, chain.price, job.amount)
        assert chain.config_id == job.config
        assert chain.client_id == job.client and chain.provider_id == job.provider
        assert bool(chain.flags & 8) == (job.verdict is False), (job.job_id, chain.flags)
        assert bool(chain.flags & 1) == job.norep, (job.job_id, chain.flags, job.norep)
        if job.status in TIMED:
            assert chain.deadline == job.deadline, (job.job_id, chain.deadline, job.deadline)
        job.books()  # I4 per job
        if job.rstatus:
            assert tuple(self.e.bonds(job.job_id)) == (job.client_bond, job.provider_bond)
            d = self.w.resolver.dispute_of(job.job_id)
            assert d.status == job.rstatus, (job.job_id, d.status, job.rstatus)
            assert d.opened_by_provider == (job.opener == PROVIDER)
            # the parties, which the resolver reads from the job id (issue 15)
            assert (d.client_id, d.provider_id) == (job.client, job.provider)
            if job.rstatus in (1, 2):
                assert d.response_deadline == job.response_deadline
            if job.rstatus == 2:
                assert d.arbitration_deadline == job.arbitration_deadline

    def _check_rep(self, agent: int) -> None:
        r = self.w.reputation.reputation_of(agent)
        f = self.facts[agent]
        got = (
            r.completed,
            r.failed,
            r.refunded,
            r.disputes_won,
            r.disputes_lost,
            r.settled,
            r.volume,
            r.rating_count,
            r.rating_weight,
            r.rating_weighted_score,
            r.validated,
            r.rejected,
        )
        want = (
            f.completed,
            f.failed,
            f.refunded,
            f.won,
            f.lost,
            f.settled,
            f.volume,
            f.rating_count,
            f.rating_weight,
            f.rating_score,
            f.validated,
            f.rejected,
        )
        assert got == want, (agent, got, want)

    def _check_spend(self, a: int, t: str, committed: bool = False) -> None:
        start, used = self.e.spent(a, self.addr[t])
        assert (start, used) == self.spend.get((a, t), (0, 0))
        if committed:  # I6: what the operator just committed is within the caps
            _, period_cap, _ = self.policy.get((a, t), (0, 0, 0))
            assert used <= period_cap

    def _check_touched(self) -> None:
        for t in self.t_tokens:
            self._solvency(t)
        for a, t in self.t_free:
            assert self.e.balance_of(a, self.addr[t]) == self.free[(a, t)], (a, t)
        for r, t in self.t_fees:
            assert self.e.fees_owed(r, self.addr[t]) == self.fees.get((r, t), 0), (r, t)
        for j in self.t_jobs:
            self._check_job(self.jobs[j])
        for a in self.t_rep:
            self._check_rep(a)
        for a, t in self.t_spend:
            self._check_spend(a, t, committed=True)
        self._check_tabs(everything=False)

    def _full_check(self, verdicts: bool = False) -> None:
        for t in TOKENS:
            self._solvency(t)
        for (a, t), v in self.free.items():
            assert self.e.balance_of(a, self.addr[t]) == v, (a, t)
        for r in self._fee_owners():
            for t in TOKENS:
                assert self.e.fees_owed(r, self.addr[t]) == self.fees.get((r, t), 0), (r, t)
        for job in self.jobs.values():
            self._check_job(job)
            if verdicts and job.verdict is not None:  # at the end of the example
                self._check_verdict(job)
        for a in self.w.agents:
            self._check_rep(a)
        for a, t in self.spend:
            self._check_spend(a, t)
        self._check_tabs(everything=True)
        assert self.e.paused() == self.paused

    def _liveness_table(self) -> None:
        """I2 on the deadline table: every open job has a finite deadline
        after which one party alone ends it (the client reclaims, anyone
        finalizes, claims the default win or applies the neutral default)."""
        horizon = now() + 2 * 365 * DAY
        for j in self.jobs.values():
            if j.status in TIMED:
                # a Rejected job's is its response deadline: the client reclaims
                assert j.deadline <= horizon
            elif j.status == DISPUTED:
                assert j.rstatus in (1, 2)
                deadline = j.response_deadline if j.rstatus == 1 else j.arbitration_deadline
                assert deadline <= horizon
        self._tabs_liveness_table(horizon)

    def _drive_everything_out(self, drain: bool) -> None:
        """I2 by simulation, in a snapshot: past every deadline, one party
        alone ends every open job (the client's principal reclaims, a
        Rejected job too; a stranger finalizes, claims the default win or
        applies the neutral default); on every DRAIN_EVERY-th example, every
        open tab too (the client's principal asks to close, a stranger
        finishes the closing after the delay), then every principal, fee
        recipient and evaluator withdraws all it has, even while paused, and
        the escrow holds nothing."""
        with boa.env.anchor():
            self.w.tokens["WEIRD"].set_mode(MODE_NORMAL)
            latest = max(
                [now()]
                + [j.deadline for j in self.jobs.values()]
                + [j.response_deadline for j in self.jobs.values()]
                + [j.arbitration_deadline for j in self.jobs.values()]
            )
            boa.env.evm.patch.timestamp = latest + 1
            stranger = str(self.w.stranger.address)
            for job in self.jobs.values():
                if job.status in (REQUESTED, ACCEPTED, REJECTED):
                    with boa.env.prank(self._principal(job.client)):
                        self.e.reclaim(job.job_id)
                elif job.status == DELIVERED:
                    with boa.env.prank(stranger):
                        self.e.finalize(job.job_id)
                elif job.status == DISPUTED:
                    with boa.env.prank(stranger):
                        if job.rstatus == 1:
                            self.w.resolver.claim_default_win(job.job_id)
                        else:
                            self.w.resolver.apply_default(job.job_id)
                assert self.e.job(job.job_id).status in TERMINAL
            # Tabs are driven out with the drain (their I2 path takes two
            # calls a tab and the withdrawal delay); otherwise they still hold
            # their unredeemed deposits (the model's figure).
            tabs = self._close_every_tab() if drain else {t: self._tab_held(t) for t in TOKENS}
            # Nothing is locked any more: the escrow holds exactly the free
            # balances and the fees owed (read from the chain, not the model).
            owners = self._fee_owners()
            for t in TOKENS:
                free = sum(int(self.e.balance_of(a, self.addr[t])) for a in self.w.agents)
                fees = sum(int(self.e.fees_owed(r, self.addr[t])) for r in owners)
                assert self.t[t].balanceOf(self.e.address) == free + fees + tabs[t], t
            if not drain:
                return
            for a in self.w.agents:
                for t in TOKENS:
                    amount = int(self.e.balance_of(a, self.addr[t]))
                    if amount:
                        with boa.env.prank(self._principal(a)):
                            self.e.withdraw(a, self.addr[t], amount, self._principal(a))
            for r in owners:
                for t in TOKENS:
                    if self.e.fees_owed(r, self.addr[t]):
                        with boa.env.prank(r):
                            self.e.claim_fees(self.addr[t], r)
            for t in TOKENS:
                assert self.t[t].balanceOf(self.e.address) == 0, t


def _base_configs(w: World) -> dict[int, Config]:
    kinds = {
        str(w.panel.address): "panel",
        str(w.hostile.address): "hostile",
        w.placeholder_arbitrator: "placeholder",
    }
    out: dict[int, Config] = {}
    for config_id in range(1, int(w.escrow.current_config_id()) + 1):
        c = w.escrow.config(config_id)
        out[config_id] = Config(
            int(c.fee_bps),
            int(c.accept_window),
            int(c.review_window),
            str(c.fee_recipient),
            int(c.bond_bps),
            int(c.bond_floor),
            int(c.response_window),
            int(c.arbitration_window),
            kinds[str(c.arbitrator)],
        )
    return out


def _short_repr(contract: Any) -> str:
    return f"<{contract.contract_name} at {contract.address}>"


def test_protocol_machine(
    world: World, keyed: Callable[[str], LocalAccount], monkeypatch: pytest.MonkeyPatch
) -> None:
    # boa renders the whole storage of a contract into the message of every
    # failing call (expected reverts included), which costs more than the
    # call itself here; the machine's own messages say what went wrong.
    monkeypatch.setattr(VyperContract, "__repr__", _short_repr)
    world.extra["spare_arbiter"] = str(keyed("arbiter3").address)
    ProtocolMachine.examples = 0
    ProtocolMachine.w = world
    ProtocolMachine.base_configs = _base_configs(world)
    ProtocolMachine.decimals = {t: int(world.tokens[t].decimals()) for t in TOKENS}
    STEPS_RUN["steps"] = STEPS_RUN["examples"] = 0
    ProtocolMachine.prepare()
    PATHS.clear()
    HELD_PATHS.clear()
    started = time.monotonic()
    base_seed = _base_seed()
    batches = 0
    # Hypothesis draws how many steps each example runs (up to the step
    # count), so run batches of examples until the profile's minimum is met.
    while STEPS_RUN["steps"] < MIN_STEPS:
        batches += 1
        run_state_machine_as_test(
            seed(base_seed + batches)(ProtocolMachine),
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS_PER_EXAMPLE,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.generate, Phase.shrink],
                database=None,
                print_blob=True,
            ),
        )
    elapsed = time.monotonic() - started
    figures = {
        "profile": RUN,
        "codegen": CODEGEN,
        "seed": base_seed,
        "examples": STEPS_RUN["examples"],
        "batches": batches,
        "steps": STEPS_RUN["steps"],
        "minimum": MIN_STEPS,
        "seconds": round(elapsed, 1),
        "evaluator_paths": {path: PATHS[path] for path in EVALUATOR_PATHS},
        "review_paths": {path: PATHS[path] for path in REVIEW_PATHS},
        "held_voucher_paths": {p: HELD_PATHS[p] for p in HELD_PATH_NAMES},
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=2) + "\n")
    assert STEPS_RUN["steps"] >= MIN_STEPS, figures
    groups = [(path,) for path in EVALUATOR_PATHS] if RUN == "deep" else list(PATH_GROUPS)
    groups += [(path,) for path in REVIEW_PATHS]
    if RUN in ("ci", "deep"):
        missed = [group for group in groups if not sum(PATHS[path] for path in group)]
        missed += [(p,) for p in HELD_PATH_NAMES if not HELD_PATHS[p]]
        assert not missed, f"evaluator paths never taken: {missed} ({figures})"

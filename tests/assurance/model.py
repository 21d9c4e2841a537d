"""The Python model the protocol machine compares the contracts against.

Written from SPEC.md and the contracts' NatSpec, not from their code paths:
ledger balances, fees (the protocol's and the evaluators'), jobs, tabs,
disputes, the panel's tallies, operator budgets and reputation counters, all
exact to the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BPS = 10_000
MAX_UINT = 2**256 - 1
CAP_UNLIMITED = MAX_UINT
WEIGHT_UNIT = 10**18
MAX_DELIVERY_TIME = 365 * 86_400
MAX_EVALUATOR_FEE_BPS = 1_000

# Job statuses (JobEscrow), and the transitions SPEC.md draws (I3): from
# nothing to a hire's first state, then along the job's life; nothing leaves
# Completed, Refunded or Resolved.
NONE, REQUESTED, ACCEPTED, DELIVERED, COMPLETED, REFUNDED, DISPUTED, REJECTED, RESOLVED = range(9)
TRANSITIONS = frozenset(
    {
        (NONE, REQUESTED),
        (NONE, ACCEPTED),
        (REQUESTED, ACCEPTED),
        (REQUESTED, REFUNDED),  # decline, cancel, reclaim
        (ACCEPTED, DELIVERED),
        (ACCEPTED, REFUNDED),  # reclaim
        (DELIVERED, COMPLETED),  # complete, finalize, the evaluator's approval
        (DELIVERED, DISPUTED),  # the client disputes
        (DELIVERED, REJECTED),  # the evaluator's rejection
        (REJECTED, DISPUTED),  # the provider contests
        (REJECTED, REFUNDED),  # the client reclaims after the response deadline
        (REJECTED, COMPLETED),  # the client pays anyway
        (DISPUTED, RESOLVED),
    }
)


@dataclass
class Config:
    fee_bps: int
    accept_window: int
    review_window: int
    fee_recipient: str
    bond_bps: int
    bond_floor: int
    response_window: int
    arbitration_window: int
    arbitrator: str  # "panel", "hostile" or "placeholder"


@dataclass
class Listing:
    provider: int
    token: str
    price: int
    delivery: int
    version: int
    state: int  # 1 active, 2 paused, 3 closed
    stale: tuple[str, int, int] | None = None  # a quote from before the last edit
    evaluator: str | None = None  # named on every job hired from it
    evaluator_fee_bps: int = 0


@dataclass
class Job:
    job_id: int
    client: int
    provider: int
    token: str
    amount: int
    status: int
    deadline: int  # accept, delivery or review deadline (R, A, D)
    delivery_time: int
    config: int
    norep: bool
    # dispute
    bond: int = 0
    client_bond: int = 0
    provider_bond: int = 0
    rstatus: int = 0  # resolver: 1 awaiting answer, 2 at arbitrator, 3+ ended
    response_deadline: int = 0
    arbitration_deadline: int = 0
    arbitrator: str = ""
    case: int | None = None
    proposals: dict[str, int] = field(default_factory=dict)
    rated: set[str] = field(default_factory=set)
    opener: str = "client"  # who opened the dispute: "client", or "provider" (a contest)
    # evaluator
    evaluator: str | None = None
    evaluator_fee_bps: int = 0
    verdict: bool | None = None  # approved, rejected, or none yet
    report: bytes = b""  # the verdict's report hash, kept by the escrow
    published: bool = False  # its verdict published in the validation registry
    # I4 per job: where the price went (`price` is what the hire locked)
    price: int = 0
    paid: int = 0  # to the provider, net of the protocol fee
    protocol_fee: int = 0
    evaluator_fee: int = 0
    refund: int = 0  # back to the client (a lower final price included)
    bonds_back: int = 0
    bonds_forfeited: int = 0
    # I3: the status last read from the chain
    seen: int = NONE

    def books(self) -> None:
        """I4 for one job: the locked price is exactly provider pay +
        protocol fee + evaluator fee + refund (+ what is still locked while
        the job is open), and the bonds posted are exactly those returned
        plus those forfeited (once it is resolved)."""
        locked = self.amount if self.status not in (COMPLETED, REFUNDED, RESOLVED) else 0
        parts = self.paid + self.protocol_fee + self.evaluator_fee + self.refund + locked
        assert self.price == parts, (self.job_id, self.price, parts)
        if self.status == RESOLVED:
            posted = self.client_bond + self.provider_bond
            assert posted == self.bonds_back + self.bonds_forfeited, (self.job_id, posted)
        else:
            assert self.bonds_back == self.bonds_forfeited == 0


@dataclass
class Tab:
    """A tab (Tabs.vy): its deposit sits in the escrow's ledger. `paid`,
    `fees` and `refund` are what left it (provider's net, fees, the rest
    returned at the closing): I4 per tab."""

    tab_id: int
    client: int
    provider: int
    token: str
    deposit: int
    key: str  # the signer fixed at opening
    config: int
    norep: bool  # the sides shared a principal at opening
    delay: int
    redeemed: int = 0
    closes_at: int = 0
    open: bool = True
    paid: int = 0
    fees: int = 0
    refund: int = 0


@dataclass
class PanelCase:
    job_id: int
    arbiters: tuple[str, ...]
    quorum: int
    votes: dict[str, int] = field(default_factory=dict)
    solved: bool = False


@dataclass
class Facts:
    """One agent's reputation record, as `reputation_of` reports it."""

    completed: int = 0
    failed: int = 0
    refunded: int = 0
    won: int = 0
    lost: int = 0
    settled: int = 0
    volume: int = 0
    rating_count: int = 0
    rating_weight: int = 0
    rating_score: int = 0
    validated: int = 0  # a provider's jobs its evaluator approved (inside `completed`)
    rejected: int = 0  # a provider's jobs whose rejection stood (inside `failed`)


def floor_share(amount: int, percent: int) -> int:
    return amount * percent // 100


def provider_share(amount: int, ruling: int) -> int:
    """The provider's part of `amount` under an ERC-792 ruling (0..103)."""
    if ruling == 0:
        return amount // 2
    if ruling == 1:
        return 0
    if ruling == 2:
        return amount
    return floor_share(amount, ruling - 3)


def ruling_payout(amount: int, bond: int, ruling: int) -> tuple[int, int, int, int]:
    """(provider share, client bond back, provider bond back, outcome)."""
    if ruling == 0:
        return amount // 2, bond, bond, 7
    percent = 0 if ruling == 1 else 100 if ruling == 2 else ruling - 3
    client_back = bond - floor_share(bond, percent)
    provider_back = bond - floor_share(bond, 100 - percent)
    outcome = 4 if ruling == 1 else 5 if ruling == 2 else 7
    return provider_share(amount, ruling), client_back, provider_back, outcome


def record(facts: dict[int, Facts], job: Job | Tab, outcome: int, weighted: int) -> None:
    """What the escrow's settlement writes for both sides (SPEC.md: every ending;
    a tab's closing is its one settlement). An evaluator's verdict also counts
    for the provider: 9 (approved, paid) in `validated`, 8 (rejected, then
    reclaimed) in `rejected`."""
    if job.norep:
        return
    c, p = facts[job.client], facts[job.provider]
    if outcome in (1, 9):
        c.completed += 1
        p.completed += 1
        p.validated += outcome == 9
    elif outcome in (2, 3, 8):
        p.failed += 1
        c.refunded += 1
        p.rejected += outcome == 8
    elif outcome == 4:
        c.won += 1
        p.lost += 1
    elif outcome == 5:
        p.won += 1
        c.lost += 1
    else:
        c.settled += 1
        p.settled += 1
    c.volume += weighted
    p.volume += weighted

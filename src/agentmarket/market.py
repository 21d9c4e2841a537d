"""Clients for ServiceListings, JobEscrow, ReputationRegistry, DisputeResolver and
ArbiterPanel: one class per contract, plus a minimal ERC-20 client for payment tokens.
The escrow's governance goes through its EscrowGovernor (`agentmarket.governor`,
reached with `EscrowClient.governor()`).

Every contract call is written once, here, against the function names of the
`.vy` sources; views that return structs are decoded by the ABI's component
names, so a field added to a struct does not shift the others.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.artifacts import load_artifact
from agentmarket.chain import Signer
from agentmarket.governor import GovernorClient
from agentmarket.offers import NO_EVALUATOR, SignedOffer

ZERO_HASH = b"\0" * 32

# Ruling scale of AgentMarket jobs (IArbitrable): 0 refused (neutral default),
# 1 client wins, 2 provider wins, 3 + p a split giving the provider p percent.
RULING_REFUSED = 0
RULING_CLIENT_WINS = 1
RULING_PROVIDER_WINS = 2
RULING_SPLIT_BASE = 3


def split_ruling(provider_percent: int) -> int:
    """The ruling that gives the provider `provider_percent` % of the amount in dispute."""
    if not 0 <= provider_percent <= 100:
        raise ValueError("provider_percent must lie in 0..100")
    return RULING_SPLIT_BASE + provider_percent


def tag_hash(tag: bytes | str) -> bytes:
    """A capability tag as the contracts store it: keccak256 of a name's UTF-8
    bytes (no case folding, no trimming), or 32 raw bytes passed through."""
    if isinstance(tag, str):
        return bytes(Web3.keccak(text=tag))
    raw = bytes(tag)
    if len(raw) != 32:
        raise ValueError(f"a raw tag is 32 bytes, not {len(raw)}; pass a str to hash a name")
    return raw


def _contract(w3: Web3, name: str, address: str) -> Contract:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=load_artifact(name).abi)


def _struct(contract: Contract, function: str, raw: Any) -> dict[str, Any]:
    """Name the fields of a view's single struct output by the ABI's components."""
    abi: list[dict[str, Any]] = list(contract.abi)  # type: ignore[arg-type]
    (entry,) = [e for e in abi if e.get("type") == "function" and e.get("name") == function]
    names = [c["name"] for c in entry["outputs"][0]["components"]]
    return dict(zip(names, raw, strict=True))


class JobStatus(IntEnum):
    """A job's state, as the escrow numbers it (IJobEscrow)."""

    NONE = 0
    REQUESTED = 1
    ACCEPTED = 2
    DELIVERED = 3
    COMPLETED = 4
    REFUNDED = 5
    DISPUTED = 6
    REJECTED = 7
    RESOLVED = 8

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.REFUNDED, JobStatus.RESOLVED)


class ListingState(IntEnum):
    NONE = 0
    ACTIVE = 1
    PAUSED = 2
    CLOSED = 3


class DisputeStatus(IntEnum):
    """A dispute's procedure, as the resolver numbers it."""

    NONE = 0
    AWAITING_ANSWER = 1
    AT_ARBITRATOR = 2
    DEFAULT_WIN = 3
    SETTLED = 4
    RULED = 5
    NEUTRAL_DEFAULT = 6


@dataclass(frozen=True)
class Listing:
    listing_id: int
    provider_id: int
    tag: bytes
    token: str
    price: int
    max_delivery_time: int
    terms_hash: bytes
    version: int
    state: ListingState
    evaluator: str = NO_EVALUATOR
    evaluator_fee_bps: int = 0


@dataclass(frozen=True)
class Job:
    """A job as the escrow's `job` view unpacks it.

    `deadline` is the accept deadline while Requested, the delivery deadline
    while Accepted, the review deadline from delivery on; `hash` is the terms
    hash until delivery, then the result hash.
    """

    job_id: int
    client_id: int
    provider_id: int
    token: str
    price: int
    status: JobStatus
    deadline: int
    delivery_time: int
    config_id: int
    flags: int
    hash: bytes


@dataclass(frozen=True)
class Reputation:
    agent_id: int
    completed: int
    failed: int
    refunded: int
    disputes_won: int
    disputes_lost: int
    settled: int
    jobs: int
    volume: int
    rating_count: int
    average_score: int  # value-weighted, in hundredths (8750 = 87.50)
    # Of its `completed` / `failed` jobs as provider, those its evaluator
    # approved / rejected: sub-counts, not in `jobs`.
    validated: int
    rejected: int


@dataclass(frozen=True)
class Dispute:
    """A job's dispute as the resolver's `dispute_of` view unpacks it.

    `opened_by_provider`: the provider opened it, contesting its evaluator's
    rejection (the client answers); otherwise the client disputed a delivery
    (the provider answers).
    """

    job_id: int
    status: DisputeStatus
    arbitrator: str
    client_id: int
    provider_id: int
    amount: int
    bond: int
    response_deadline: int
    arbitration_deadline: int
    answered: bool
    case_opened: bool
    arbitrator_dispute_id: int
    ruling: int
    client_proposal: int | None
    provider_proposal: int | None
    opened_by_provider: bool


@dataclass(frozen=True)
class PanelDispute:
    dispute_id: int
    arbitrable: str
    epoch: int
    quorum: int
    choices: int
    voted_mask: int
    solved: bool
    ruling: int


class ListingsClient:
    """Typed calls to ServiceListings."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = _contract(w3, "ServiceListings", address)

    def create(
        self,
        signer: Signer,
        provider_id: int,
        tag: str,
        token: str,
        price: int,
        max_delivery_time: int,
        terms_hash: bytes = ZERO_HASH,
        terms_uri: str = "",
    ) -> int:
        """Create an active listing for `provider_id`, tag given by name; return its id."""
        fn = self.contract.functions.create_listing(
            provider_id,
            tag_hash(tag),
            Web3.to_checksum_address(token),
            price,
            max_delivery_time,
            terms_hash,
            terms_uri,
        )
        receipt = signer.transact(fn)
        (event,) = self.contract.events.ListingCreated().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["listing_id"])

    def set_evaluator(
        self, signer: Signer, listing_id: int, evaluator: str, fee_bps: int = 0
    ) -> TxReceipt:
        """Name the evaluator (and its fee, basis points of the price) of the jobs
        hired from `listing_id`; the empty address with fee 0 removes it. Bumps
        the listing's version."""
        fn = self.contract.functions.set_listing_evaluator(
            listing_id, Web3.to_checksum_address(evaluator), fee_bps
        )
        return signer.transact(fn)

    def pause(self, signer: Signer, listing_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.pause_listing(listing_id))

    def resume(self, signer: Signer, listing_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.resume_listing(listing_id))

    def close(self, signer: Signer, listing_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.close_listing(listing_id))

    def get(self, listing_id: int) -> Listing:
        f = _struct(self.contract, "listing", self.contract.functions.listing(listing_id).call())
        return Listing(
            listing_id=listing_id,
            provider_id=int(f["provider_id"]),
            tag=bytes(f["tag"]),
            token=str(f["token"]),
            price=int(f["price"]),
            max_delivery_time=int(f["max_delivery_time"]),
            terms_hash=bytes(f["terms_hash"]),
            version=int(f["version"]),
            state=ListingState(int(f["state"])),
            evaluator=str(f["evaluator"]),
            evaluator_fee_bps=int(f["evaluator_fee_bps"]),
        )

    def active_by_tag(self, tag: str, offset: int = 0, limit: int = 50) -> list[int]:
        return list(self.contract.functions.active_by_tag(tag_hash(tag), offset, limit).call())


class EscrowClient:
    """Typed calls to JobEscrow: the ledger and the job state machine."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = _contract(w3, "JobEscrow", address)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @functools.cached_property
    def offer_book(self) -> Contract:
        """The OfferBook fixed in the escrow (`OFFERS`): where hires from signed
        offers go, and the contract offers are signed for."""
        at = str(self.contract.functions.OFFERS().call())
        if int(at, 16) == 0:
            raise ValueError("this escrow takes no hires from offers (no OfferBook)")
        return _contract(self.w3, "OfferBook", at)

    @property
    def offer_book_address(self) -> str:
        return str(self.offer_book.address)

    # governance: the escrow has no owner; its EscrowGovernor changes its settings
    def governor(self) -> GovernorClient:
        """The EscrowGovernor fixed in the escrow (`GOVERNOR`)."""
        return GovernorClient(self.w3, str(self.contract.functions.GOVERNOR().call()))

    def set_token(self, signer: Signer, token: str, allowed: bool, weight: int) -> TxReceipt:
        """List, re-weight or delist a payment token, through the governor (its owner signs)."""
        return self.governor().set_token(signer, token, allowed, weight)

    def paused(self) -> bool:
        """Whether the entries (hire, hire_with_offer, deposit, tab opening) are paused."""
        return bool(self.contract.functions.paused().call())

    def token_info(self, token: str) -> dict[str, Any]:
        raw = self.contract.functions.token_info(Web3.to_checksum_address(token)).call()
        return _struct(self.contract, "token_info", raw)

    def current_config_id(self) -> int:
        """The config version new jobs are created with."""
        return int(self.contract.functions.current_config_id().call())

    def config(self, config_id: int | None = None) -> dict[str, Any]:
        """Config version `config_id` (default: the current one), by member name."""
        if config_id is None:
            config_id = self.current_config_id()
        return _struct(self.contract, "config", self.contract.functions.config(config_id).call())

    def add_config(self, signer: Signer, config: dict[str, Any]) -> int:
        """Append a config version through the governor (its owner signs); jobs
        created from now on use it. See `GovernorClient.add_config`; returns the
        new config id."""
        return self.governor().add_config(signer, config)

    # ledger
    def deposit(self, signer: Signer, agent_id: int, token: str, amount: int) -> TxReceipt:
        """Credit `agent_id` with `amount` of `token` (the caller must have approved it)."""
        fn = self.contract.functions.deposit(agent_id, Web3.to_checksum_address(token), amount)
        return signer.transact(fn)

    def withdraw(
        self, signer: Signer, agent_id: int, token: str, amount: int, to: str
    ) -> TxReceipt:
        fn = self.contract.functions.withdraw(
            agent_id, Web3.to_checksum_address(token), amount, Web3.to_checksum_address(to)
        )
        return signer.transact(fn)

    def balance(self, agent_id: int, token: str) -> int:
        token = Web3.to_checksum_address(token)
        return int(self.contract.functions.balance_of(agent_id, token).call())

    def fees_owed(self, recipient: str, token: str) -> int:
        fn = self.contract.functions.fees_owed(
            Web3.to_checksum_address(recipient), Web3.to_checksum_address(token)
        )
        return int(fn.call())

    def spent(self, agent_id: int, token: str) -> tuple[int, int]:
        """(window start, committed in the window) of the agent's operator in `token`."""
        start, used = self.contract.functions.spent(
            agent_id, Web3.to_checksum_address(token)
        ).call()
        return int(start), int(used)

    # jobs
    def hire(self, signer: Signer, listing: Listing, client_id: int) -> int:
        """Hire from a listing at exactly the quoted token, price and version."""
        fn = self.contract.functions.hire(
            listing.listing_id,
            client_id,
            Web3.to_checksum_address(listing.token),
            listing.price,
            listing.version,
        )
        return self._job_id(signer.transact(fn))

    def hire_with_offer(self, signer: Signer, signed: SignedOffer, client_id: int) -> int:
        """Hire with a provider's signed offer, through the OfferBook."""
        fn = self.offer_book.functions.hire_with_offer(
            signed.offer.as_tuple(), client_id, signed.v, signed.r, signed.s
        )
        return self._job_id(signer.transact(fn))

    def nonce_used(self, provider_id: int, nonce: int) -> bool:
        return bool(self.offer_book.functions.nonce_used(provider_id, nonce).call())

    def cancel_offer_nonce(self, signer: Signer, provider_id: int, nonce: int) -> TxReceipt:
        return signer.transact(self.offer_book.functions.cancel_offer_nonce(provider_id, nonce))

    def accept(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.accept(job_id))

    def decline(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.decline(job_id))

    def cancel(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.cancel(job_id))

    def deliver(
        self,
        signer: Signer,
        job_id: int,
        result_hash: bytes,
        result_uri: str = "",
        final_price: int | None = None,
    ) -> TxReceipt:
        """Deliver; `final_price` defaults to the locked price (it may only be lower).

        Without a lower price the escrow's three-argument overload is used,
        which leaves the price word as it is."""
        if final_price is None:
            fn = self.contract.get_function_by_signature("deliver(uint256,bytes32,string)")
            return signer.transact(fn(job_id, result_hash, result_uri))
        fn = self.contract.get_function_by_signature("deliver(uint256,bytes32,string,uint256)")
        return signer.transact(fn(job_id, result_hash, result_uri, final_price))

    def complete(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.complete(job_id))

    def finalize(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.finalize(job_id))

    def reclaim(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.reclaim(job_id))

    def job(self, job_id: int) -> Job:
        f = _struct(self.contract, "job", self.contract.functions.job(job_id).call())
        return Job(
            job_id=job_id,
            client_id=int(f["client_id"]),
            provider_id=int(f["provider_id"]),
            token=str(f["token"]),
            price=int(f["price"]),
            status=JobStatus(int(f["status"])),
            deadline=int(f["deadline"]),
            delivery_time=int(f.get("delivery_time", 0)),
            config_id=int(f.get("config_id", 0)),
            flags=int(f.get("flags", 0)),
            hash=bytes(f["hash"]),
        )

    def _job_id(self, receipt: TxReceipt) -> int:
        (event,) = self.contract.events.JobCreated().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["job_id"])


class ReputationClient:
    """Typed calls to ReputationRegistry."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = _contract(w3, "ReputationRegistry", address)

    def of(self, agent_id: int) -> Reputation:
        raw = self.contract.functions.reputation_of(agent_id).call()
        f = _struct(self.contract, "reputation_of", raw)
        return Reputation(
            agent_id=agent_id,
            completed=int(f["completed"]),
            failed=int(f["failed"]),
            refunded=int(f["refunded"]),
            disputes_won=int(f["disputes_won"]),
            disputes_lost=int(f["disputes_lost"]),
            settled=int(f["settled"]),
            jobs=int(f["jobs"]),
            volume=int(f["volume"]),
            rating_count=int(f["rating_count"]),
            average_score=int(f["average_score"]),
            validated=int(f["validated"]),
            rejected=int(f["rejected"]),
        )

    def rate(
        self,
        signer: Signer,
        job_id: int,
        score: int,
        tag1: str = "",
        tag2: str = "",
        feedback_uri: str = "",
        feedback_hash: bytes = ZERO_HASH,
    ) -> TxReceipt:
        """Rate the other side of a settled job (0-100), once per side."""
        if not 0 <= score <= 100:
            raise ValueError("score must lie in 0..100")
        fn = self.contract.functions.rate(job_id, score, tag1, tag2, feedback_uri, feedback_hash)
        return signer.transact(fn)


class DisputeClient:
    """Typed calls to DisputeResolver: a job's dispute from complaint to ending."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = _contract(w3, "DisputeResolver", address)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def dispute(
        self, signer: Signer, job_id: int, evidence_uri: str = "", arbitration_fee: int = 0
    ) -> TxReceipt:
        """Open a dispute: the client disputing a Delivered job, or the provider
        contesting its evaluator's rejection of a Rejected job (the escrow decides
        which side from the job's state); the escrow takes the opener's bond.
        `arbitration_fee`: the opener's advance of a paid court's fee (wei)."""
        fn = self.contract.functions.dispute(job_id, evidence_uri)
        return signer.transact(fn, value=arbitration_fee)

    def answer(
        self, signer: Signer, job_id: int, evidence_uri: str = "", arbitration_fee: int = 0
    ) -> TxReceipt:
        """Answer a dispute (the side that did not open it): post the bond; the case
        goes to the arbitrator. `arbitration_fee`: a paid court's fee (wei)."""
        fn = self.contract.functions.answer(job_id, evidence_uri)
        return signer.transact(fn, value=arbitration_fee)

    def submit_evidence(self, signer: Signer, job_id: int, evidence_uri: str) -> TxReceipt:
        return signer.transact(self.contract.functions.submit_evidence(job_id, evidence_uri))

    def propose_settlement(self, signer: Signer, job_id: int, provider_share: int) -> TxReceipt:
        fn = self.contract.functions.propose_settlement(job_id, provider_share)
        return signer.transact(fn)

    def withdraw_proposal(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.withdraw_proposal(job_id))

    def accept_settlement(self, signer: Signer, job_id: int, provider_share: int) -> TxReceipt:
        fn = self.contract.functions.accept_settlement(job_id, provider_share)
        return signer.transact(fn)

    def claim_default_win(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.claim_default_win(job_id))

    def apply_default(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.apply_default(job_id))

    def native_owed(self, account: str) -> int:
        """Native coin (wei) the resolver owes `account` from paid-court arbitration fees."""
        fn = self.contract.functions.native_owed(Web3.to_checksum_address(account))
        return int(fn.call())

    def withdraw_native(self, signer: Signer, to: str | None = None) -> int:
        """Withdraw everything the resolver owes the signer in native coin (arbitration
        fee advances returned or reimbursed) to `to` (default: the signer); return the
        amount in wei. Reverts "resolver: nothing owed" when there is nothing."""
        receiver = Web3.to_checksum_address(to or signer.address)
        receipt = signer.transact(self.contract.functions.withdraw_native(receiver))
        (event,) = self.contract.events.NativeWithdrawn().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["amount"])

    def of(self, job_id: int) -> Dispute:
        raw = self.contract.functions.dispute_of(job_id).call()
        f = _struct(self.contract, "dispute_of", raw)
        return Dispute(
            job_id=job_id,
            status=DisputeStatus(int(f["status"])),
            arbitrator=str(f["arbitrator"]),
            client_id=int(f["client_id"]),
            provider_id=int(f["provider_id"]),
            amount=int(f["amount"]),
            bond=int(f["bond"]),
            response_deadline=int(f["response_deadline"]),
            arbitration_deadline=int(f["arbitration_deadline"]),
            answered=bool(f["answered"]),
            case_opened=bool(f["case_opened"]),
            arbitrator_dispute_id=int(f["arbitrator_dispute_id"]),
            ruling=int(f["ruling"]),
            client_proposal=int(f["client_proposal"]) if f["client_proposed"] else None,
            provider_proposal=int(f["provider_proposal"]) if f["provider_proposed"] else None,
            # absent from a resolver ABI older than contests: only clients opened then
            opened_by_provider=bool(f["opened_by_provider"]),
        )


class PanelClient:
    """Typed calls to ArbiterPanel: arbiters vote the ruling of a dispute."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = _contract(w3, "ArbiterPanel", address)

    def vote(self, signer: Signer, dispute_id: int, ruling: int) -> TxReceipt:
        """Vote `ruling` (see `split_ruling`); the vote that reaches quorum rules the job."""
        return signer.transact(self.contract.functions.vote(dispute_id, ruling))

    def can_vote(self, dispute_id: int, arbiter: str) -> bool:
        fn = self.contract.functions.can_vote(dispute_id, Web3.to_checksum_address(arbiter))
        return bool(fn.call())

    def epoch(self) -> int:
        """The current panel's epoch: disputes opened from now on are judged by it."""
        return int(self.contract.functions.panel_epoch().call())

    def arbiters(self, epoch: int | None = None) -> list[str]:
        """The arbiters of `epoch` (default: the current one), seat order."""
        at = self.epoch() if epoch is None else epoch
        return [str(a) for a in self.contract.functions.panel_arbiters(at).call()]

    def quorum(self, epoch: int | None = None) -> int:
        """The votes a ruling needs in `epoch` (default: the current one)."""
        at = self.epoch() if epoch is None else epoch
        return int(self.contract.functions.panel_quorum(at).call())

    def owner(self) -> str:
        """Governance: who may appoint a new panel."""
        return str(self.contract.functions.owner().call())

    def set_panel(self, signer: Signer, arbiters: Sequence[str], quorum: int) -> TxReceipt:
        """Appoint `arbiters` (1 to 16, distinct) with `quorum` for disputes opened from
        now on (owner only); open disputes keep the panel of their epoch."""
        members = [Web3.to_checksum_address(a) for a in arbiters]
        return signer.transact(self.contract.functions.set_panel(members, quorum))

    def get(self, dispute_id: int) -> PanelDispute:
        raw = self.contract.functions.get_dispute(dispute_id).call()
        f = _struct(self.contract, "get_dispute", raw)
        return PanelDispute(
            dispute_id=dispute_id,
            arbitrable=str(f["arbitrable"]),
            epoch=int(f["epoch"]),
            quorum=int(f["quorum"]),
            choices=int(f["choices"]),
            voted_mask=int(f["voted_mask"]),
            solved=bool(f["solved"]),
            ruling=int(f["ruling"]),
        )


ERC20_ABI: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": name,
        "stateMutability": mutability,
        "inputs": [{"name": n, "type": t} for n, t in inputs],
        "outputs": [{"name": "", "type": out}],
    }
    for name, mutability, inputs, out in (
        ("balanceOf", "view", [("owner", "address")], "uint256"),
        ("allowance", "view", [("owner", "address"), ("spender", "address")], "uint256"),
        ("decimals", "view", [], "uint8"),
        ("symbol", "view", [], "string"),
        ("approve", "nonpayable", [("spender", "address"), ("amount", "uint256")], "bool"),
        ("transfer", "nonpayable", [("receiver", "address"), ("amount", "uint256")], "bool"),
    )
]


class TokenClient:
    """The few ERC-20 calls a payment token needs: balances, decimals, approvals."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = w3.eth.contract(address=Web3.to_checksum_address(address), abi=ERC20_ABI)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def balance(self, owner: str) -> int:
        return int(self.contract.functions.balanceOf(Web3.to_checksum_address(owner)).call())

    def allowance(self, owner: str, spender: str) -> int:
        fn = self.contract.functions.allowance(
            Web3.to_checksum_address(owner), Web3.to_checksum_address(spender)
        )
        return int(fn.call())

    def decimals(self) -> int:
        return int(self.contract.functions.decimals().call())

    def symbol(self) -> str:
        try:
            return str(self.contract.functions.symbol().call())
        except Exception:  # symbol() is optional in ERC-20
            return "?"

    def approve(self, signer: Signer, spender: str, amount: int) -> TxReceipt:
        fn = self.contract.functions.approve(Web3.to_checksum_address(spender), amount)
        return signer.transact(fn)

    def ensure_allowance(self, signer: Signer, spender: str, amount: int) -> TxReceipt | None:
        """Approve `spender` for `amount` unless the allowance already covers it."""
        if self.allowance(signer.address, spender) >= amount:
            return None
        return self.approve(signer, spender, amount)

"""Client for JobEscrow: the ledger and the job state machine.

The escrow's governance goes through its EscrowGovernor (`agentmarket.contracts.governor`,
reached with `EscrowClient.governor()`). Views that return structs are decoded by the
ABI's component names, so a field added to a struct does not shift the others.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import contract_at, struct_fields
from agentmarket.contracts.governor import GovernorClient
from agentmarket.contracts.listings import Listing
from agentmarket.contracts.offers import SignedOffer


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


class EscrowClient:
    """Typed calls to JobEscrow: the ledger and the job state machine."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "JobEscrow", address)

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
        return contract_at(self.w3, "OfferBook", at)

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
        return struct_fields(self.contract, "token_info", raw)

    def current_config_id(self) -> int:
        """The config version new jobs are created with."""
        return int(self.contract.functions.current_config_id().call())

    def config(self, config_id: int | None = None) -> dict[str, Any]:
        """Config version `config_id` (default: the current one), by member name."""
        if config_id is None:
            config_id = self.current_config_id()
        return struct_fields(
            self.contract, "config", self.contract.functions.config(config_id).call()
        )

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
        f = struct_fields(self.contract, "job", self.contract.functions.job(job_id).call())
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

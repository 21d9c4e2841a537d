"""Client for ServiceListings: a provider's priced offers of a capability."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import ZERO_HASH, contract_at, struct_fields
from agentmarket.contracts.offers import NO_EVALUATOR


def tag_hash(tag: bytes | str) -> bytes:
    """A capability tag as the contracts store it: keccak256 of a name's UTF-8
    bytes (no case folding, no trimming), or 32 raw bytes passed through."""
    if isinstance(tag, str):
        return bytes(Web3.keccak(text=tag))
    raw = bytes(tag)
    if len(raw) != 32:
        raise ValueError(f"a raw tag is 32 bytes, not {len(raw)}; pass a str to hash a name")
    return raw


# A page of `active_by_tag` / `active_by_provider` (ServiceListings.MAX_PAGE).
MAX_PAGE = 100


class ListingState(IntEnum):
    NONE = 0
    ACTIVE = 1
    PAUSED = 2
    CLOSED = 3


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


class ListingsClient:
    """Typed calls to ServiceListings."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "ServiceListings", address)

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
        f = struct_fields(
            self.contract, "listing", self.contract.functions.listing(listing_id).call()
        )
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

    def active_by_provider(self, provider_id: int, limit: int = 1_000) -> list[int]:
        """The provider's active listing ids, at most `limit`, read a page (100) at a time."""
        found: list[int] = []
        while len(found) < limit:
            page = self.contract.functions.active_by_provider(
                provider_id, len(found), min(MAX_PAGE, limit - len(found))
            ).call()
            found += [int(i) for i in page]
            if len(page) < MAX_PAGE:
                break
        return found

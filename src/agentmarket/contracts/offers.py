"""EIP-712 offers: a provider's signed promise, which a client turns into an accepted job.

Offers are signed for the OfferBook (domain "AgentMarket Offers", version 1,
the OfferBook's address), which checks them and opens the job in the escrow.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.eip712 import DOMAIN_FIELDS, domain, json_object, signature_fields

OFFER_DOMAIN_NAME = "AgentMarket Offers"
OFFER_DOMAIN_VERSION = "1"
NO_EVALUATOR = "0x" + "00" * 20

OFFER_FIELDS = [
    {"name": "provider_id", "type": "uint256"},
    {"name": "client_id", "type": "uint256"},
    {"name": "token", "type": "address"},
    {"name": "price", "type": "uint256"},
    {"name": "delivery_time", "type": "uint256"},
    {"name": "terms_hash", "type": "bytes32"},
    {"name": "evaluator", "type": "address"},
    {"name": "evaluator_fee_bps", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "expiry", "type": "uint256"},
]


@dataclass(frozen=True)
class Offer:
    """A provider's offer. `client_id` 0 lets any client take it. An
    `evaluator` (empty: none) approves or rejects the delivery for
    `evaluator_fee_bps` of the price, paid only with a verdict."""

    provider_id: int
    client_id: int
    token: str
    price: int
    delivery_time: int
    terms_hash: bytes
    nonce: int
    expiry: int
    evaluator: str = NO_EVALUATOR
    evaluator_fee_bps: int = 0

    def as_tuple(self) -> tuple[int, int, str, int, int, bytes, str, int, int, int]:
        """The escrow's `Offer` struct, in its field order."""
        return (
            self.provider_id,
            self.client_id,
            Web3.to_checksum_address(self.token),
            self.price,
            self.delivery_time,
            self.terms_hash,
            Web3.to_checksum_address(self.evaluator),
            self.evaluator_fee_bps,
            self.nonce,
            self.expiry,
        )


@dataclass(frozen=True)
class SignedOffer:
    """An offer with its signature split as the OfferBook takes it."""

    offer: Offer
    v: int
    r: int
    s: int

    def to_dict(self, chain_id: int | None = None, offer_book: str | None = None) -> dict[str, Any]:
        """A JSON-ready form, optionally naming the chain and OfferBook it was signed for."""
        offer = asdict(self.offer)
        offer["token"] = Web3.to_checksum_address(self.offer.token)
        offer["evaluator"] = Web3.to_checksum_address(self.offer.evaluator)
        offer["terms_hash"] = "0x" + self.offer.terms_hash.hex()
        data: dict[str, Any] = {
            "offer": offer,
            "signature": {"v": self.v, "r": hex(self.r), "s": hex(self.s)},
        }
        if chain_id is not None:
            data["chain_id"] = chain_id
        if offer_book is not None:
            data["offer_book"] = Web3.to_checksum_address(offer_book)
        return data

    def to_json(self, chain_id: int | None = None, offer_book: str | None = None) -> str:
        return json.dumps(self.to_dict(chain_id, offer_book), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedOffer:
        """Parse `to_dict`'s form; raise ValueError on a malformed offer."""
        try:
            o = data["offer"]
            sig = data["signature"]
            terms = bytes.fromhex(str(o["terms_hash"]).removeprefix("0x"))
            if len(terms) != 32:
                raise ValueError("terms_hash must be 32 bytes")
            offer = Offer(
                provider_id=int(o["provider_id"]),
                client_id=int(o["client_id"]),
                token=Web3.to_checksum_address(o["token"]),
                price=int(o["price"]),
                delivery_time=int(o["delivery_time"]),
                terms_hash=terms,
                nonce=int(o["nonce"]),
                expiry=int(o["expiry"]),
                evaluator=Web3.to_checksum_address(o.get("evaluator", NO_EVALUATOR)),
                evaluator_fee_bps=int(o.get("evaluator_fee_bps", 0)),
            )
            v, r, s = signature_fields(sig)
            return cls(offer=offer, v=v, r=r, s=s)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a signed offer: missing or bad field {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> SignedOffer:
        return cls.from_dict(json_object(text, "signed offer"))


def random_nonce() -> int:
    """A fresh offer nonce: 64 random bits (the OfferBook keeps a bitmap per provider)."""
    return secrets.randbits(64)


def offer_typed_data(offer: Offer, chain_id: int, offer_book: str) -> dict[str, object]:
    """The EIP-712 typed data of an offer, bound to one chain and one OfferBook."""
    message = asdict(offer)
    message["token"] = Web3.to_checksum_address(offer.token)
    message["evaluator"] = Web3.to_checksum_address(offer.evaluator)
    return {
        "types": {
            "EIP712Domain": DOMAIN_FIELDS,
            "Offer": OFFER_FIELDS,
        },
        "primaryType": "Offer",
        "domain": domain(OFFER_DOMAIN_NAME, OFFER_DOMAIN_VERSION, chain_id, offer_book),
        "message": message,
    }


def sign_offer(signer: LocalAccount, offer: Offer, chain_id: int, offer_book: str) -> SignedOffer:
    """Sign `offer` for the OfferBook at `offer_book` with the provider's
    principal or operator key."""
    signed = signer.sign_message(
        encode_typed_data(full_message=offer_typed_data(offer, chain_id, offer_book))
    )
    return SignedOffer(offer=offer, v=int(signed.v), r=int(signed.r), s=int(signed.s))

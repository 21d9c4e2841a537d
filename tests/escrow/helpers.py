"""Constants and signing helpers for the escrow and listings tests."""

from __future__ import annotations

from typing import Any

import boa
from eth_account.signers.local import LocalAccount

from agentmarket.contracts import offers
from agentmarket.contracts.registry import sign_wallet_proof

ZERO = "0x0000000000000000000000000000000000000000"
DAY = 86_400
# Windows and delivery times are odd (issue 21): a deadline packed or added
# one bit off shows (the protocol machine and the property tests draw even
# ones as well).
ACCEPT_WINDOW = DAY + 1
REVIEW_WINDOW = 2 * DAY - 1
DELIVERY_TIME = 3 * DAY + 7
FEE_BPS = 250
BOND_BPS = 1_000
BOND_FLOOR = 10**15
RESPONSE_WINDOW = DAY + 3
ARBITRATION_WINDOW = 7 * DAY - 5
ARBITRATOR = "0x00000000000000000000000000000000000A7b17"
PRICE = 10**18
TAG = b"translate".ljust(32, b"\0")
TERMS = b"\x11" * 32
RESULT = b"\x22" * 32
# The world's agent ids sit at and near the top of their 64-bit field and are
# odd (issue 21): a job id packs the provider id in bits 0-63 and the client id
# in 64-127, so a mask narrowed by a bit (bit 0 or bit 63 lost) or widened into
# the neighbouring field (an odd neighbour's bit 0 read) changes every job id.
# Agents registered later count up from just past the sibling.
CLIENT_AGENT_ID = 2**64 - 3
PROVIDER_AGENT_ID = 2**64 - 1
SIBLING_AGENT_ID = 2**63 + 1
E18 = 10**18

# Status codes (mirror JobEscrow's STATUS_ constants).
NONE, REQUESTED, ACCEPTED, DELIVERED, COMPLETED, REFUNDED = 0, 1, 2, 3, 4, 5
DISPUTED, REJECTED, RESOLVED = 6, 7, 8
# Reputation outcomes (IReputationHook).
OUT_COMPLETED, OUT_REFUNDED_LATE, OUT_DECLINED = 1, 2, 3
OUT_DISPUTE_CLIENT, OUT_DISPUTE_PROVIDER, OUT_SETTLED, OUT_SPLIT, OUT_REJECTED = 4, 5, 6, 7, 8
# A result URI of the size the gas ceilings are held at (66 bytes).
RESULT_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
# Listing states.
L_ACTIVE, L_PAUSED, L_CLOSED = 1, 2, 3
# Modes of MockWeirdToken.
MODE_NORMAL, MODE_FALSE, MODE_FEE, MODE_ZERO_REVERTS, MODE_REENTRANT = 0, 1, 2, 3, 4

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def now() -> int:
    return int(boa.env.evm.patch.timestamp)


def offer_fields(world: Any, **overrides: Any) -> dict[str, Any]:
    """The fields of an offer from `world`'s provider to its client at PRICE
    (nonce 1, valid for an hour, no evaluator), with `overrides` applied."""
    fields: dict[str, Any] = {
        "provider_id": world.provider_id,
        "client_id": world.client_id,
        "token": world.token.address,
        "price": PRICE,
        "delivery_time": DELIVERY_TIME,
        "terms_hash": TERMS,
        "nonce": 1,
        "expiry": now() + 3_600,
    }
    fields.update(overrides)
    return fields


def sign_offer(
    offer_book: Any, signer: LocalAccount, offer: dict[str, Any], chain_id: int | None = None
) -> tuple[tuple[Any, ...], int, int, int]:
    """Sign an offer for `offer_book` (the OfferBook) with the client's EIP-712
    helper; returns (offer tuple, v, r, s)."""
    chain = chain_id if chain_id is not None else boa.env.evm.patch.chain_id
    signed = offers.sign_offer(signer, offers.Offer(**offer), chain, str(offer_book.address))
    return signed.offer.as_tuple(), signed.v, signed.r, signed.s


def set_wallet(registry: Any, agent_id: int, owner: str, wallet: LocalAccount) -> None:
    """Make `wallet` the agent's operator (ERC-8004 `setAgentWallet` proof)."""
    deadline = now() + 200
    chain = boa.env.evm.patch.chain_id
    sig = sign_wallet_proof(wallet, chain, str(registry.address), agent_id, owner, deadline)
    with boa.env.prank(owner):
        registry.setAgentWallet(agent_id, wallet.address, deadline, sig)


def register_as(registry: Any, owner: str, agent_id: int, keep_counter: bool = False) -> int:
    """Register an agent for `owner` with the id `agent_id` (below 2**64) by
    setting the registry's next id first. Later registrations count on from
    `agent_id + 1`, or, with `keep_counter`, from where the registry was (the
    caller keeps ids distinct either way)."""
    slot = storage_slot(registry, "_next_id")
    before = boa.env.evm.get_storage(registry.address, slot)
    boa.env.evm.set_storage(registry.address, slot, agent_id)
    with boa.env.prank(owner):
        got = int(registry.register("ipfs://agent"))
    assert got == agent_id
    if keep_counter:
        boa.env.evm.set_storage(registry.address, slot, before)
    return got


def minted_ids(world: Any) -> list[int]:
    """Every agent id the world's registry minted: the client's and the
    provider's, then the sibling's and every one counted on from it (with
    edge ids; `total_registered` is the next id less one, not a count)."""
    last = int(world.registry.total_registered())
    if world.sibling_id < world.client_id:  # edge ids (`build_world`)
        return [world.client_id, world.provider_id, *range(world.sibling_id, last + 1)]
    return list(range(1, last + 1))


def storage_slot(contract: Any, name: str, *keys: Any) -> int:
    """The storage slot of `name` (a HashMap's entry for `keys`), Vyper 0.4
    layout: an entry's slot is keccak256(slot ++ key)."""
    from eth_utils import keccak, to_canonical_address

    slot = int(contract.compiler_data.storage_layout["storage_layout"][name]["slot"])
    for key in keys:
        raw = (
            to_canonical_address(key).rjust(32, b"\0")
            if isinstance(key, str)
            else int(key).to_bytes(32, "big")
        )
        slot = int.from_bytes(keccak(slot.to_bytes(32, "big") + raw), "big")
    return slot


def peek(contract: Any, name: str, *keys: Any) -> int:
    """Read a raw storage word (tests only)."""
    from eth_utils import to_canonical_address

    state = boa.env.evm.vm.state
    return int(
        state.get_storage(
            to_canonical_address(str(contract.address)), storage_slot(contract, name, *keys)
        )
    )


def poke(contract: Any, name: str, value: int, *keys: Any) -> None:
    """Write a raw storage word, to reach a bound no test could reach by
    calls alone (2**24 configs, 2**16 tokens, 2**32 listing edits)."""
    from eth_utils import to_canonical_address

    state = boa.env.evm.vm.state
    state.set_storage(
        to_canonical_address(str(contract.address)), storage_slot(contract, name, *keys), value
    )

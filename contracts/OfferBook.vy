# pragma version ~=0.4.3
"""
@title AgentMarket offer book: hires from providers' signed EIP-712 offers
@license MIT
@notice A provider signs an `Offer` (EIP-712, domain "AgentMarket Offers",
        version "1", this contract) off-chain; a client hires with it here
        (`hire_with_offer`) and the job starts Accepted, its delivery
        deadline running. This contract checks what is the offer's own: it
        is void from `expiry` on, names the client or any (`client_id` 0),
        and its nonce is used once per provider (`cancel_offer_nonce`
        voids one unused). It recovers the signer and hands the offer to the
        escrow (`IOfferHost.hire_offered`), which checks everything a hire
        checks and that the signer is the provider's principal or operator,
        locks the price and logs the job's events.
@custom:security No admin, no pause of its own (the escrow's pause stops
        its hires), no upgrade, no value held. The escrow and the registry
        are fixed at deployment, and the escrow fixes this contract as its
        only caller of `hire_offered`: it trusts the signer this contract
        recovered, as it trusts its own code. Signatures are low-s only
        (snekmate's `ecdsa`); a failed recovery gives the empty address,
        which the escrow refuses. A nonce is spent before the escrow is
        called, so a reverted hire spends nothing. No loop, no storage but
        the nonce bitmap.
@dev The offer path lived in the escrow until issue 15 moved it here, with
     its EIP-712 domain, to leave the escrow room under EIP-170.
"""

from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator

from .interfaces import IAgentRegistry
from .interfaces import IJobEscrow
from .interfaces import IOfferHost

initializes: eip712_domain_separator

exports: eip712_domain_separator.eip712Domain

# @dev Roles answered by `IAgentRegistry.authorize`.
ROLE_NONE: constant(uint8) = 0
ROLE_PRINCIPAL: constant(uint8) = 1

# @dev EIP-712 type hash of `Offer`.
OFFER_TYPEHASH: constant(bytes32) = keccak256(
    "Offer(uint256 provider_id,uint256 client_id,address token,uint256 price,uint256 delivery_time,bytes32 terms_hash,address evaluator,uint256 evaluator_fee_bps,uint256 nonce,uint256 expiry)"
)


# @dev Logged when a provider voids an offer nonce.
event OfferNonceCancelled:
    provider_id: indexed(uint256)
    nonce: uint256


# @dev The escrow that opens the jobs (it fixes this contract as its OFFERS).
ESCROW: public(immutable(IOfferHost))

# @dev The identity registry: who may cancel a provider's nonce.
REGISTRY: public(immutable(IAgentRegistry))

# @dev Used or cancelled offer nonces per provider: word `nonce >> 8`, bit
# `nonce & 255`.
_nonce_bitmap: HashMap[uint256, HashMap[uint256, uint256]]


@deploy
def __init__(escrow: IOfferHost, registry: IAgentRegistry):
    """
    @notice Fix the escrow and the registry for the life of this book.
    @dev The escrow is deployed first and fixes this contract's predicted
         address as its OFFERS.
    @param escrow The JobEscrow.
    @param registry The AgentRegistry.
    """
    assert escrow.address != empty(address) and registry.address != empty(address), "offers: empty link"
    eip712_domain_separator.__init__("AgentMarket Offers", "1")
    ESCROW = escrow
    REGISTRY = registry


@external
def hire_with_offer(
    offer: IJobEscrow.Offer, client_id: uint256, v: uint256, r: uint256, s: uint256
) -> uint256:
    """
    @notice Hire with the provider's signed EIP-712 offer; the job starts
            Accepted with its delivery deadline running.
    @dev The offer must be signed by the provider's principal, or by its
         operator (the escrow checks who signed); it is void from `expiry`
         on, usable once per nonce, bound to this chain and this contract.
         Budget and every other rule as for the escrow's `hire`.
    @param offer The offer.
    @param client_id The hiring agent (must match `offer.client_id` unless 0).
    @param v The signature's recovery byte (27 or 28).
    @param r The signature's r.
    @param s The signature's s (low-s only: high-s is refused).
    @return The job id (the escrow logs `JobCreated`).
    """
    assert block.timestamp < offer.expiry, "offers: offer expired"
    assert offer.client_id == 0 or offer.client_id == client_id, "offers: offer not for client"
    self._use_nonce(offer.provider_id, offer.nonce)
    signer: address = ecdsa._try_recover_vrs(self._offer_digest(offer), v, r, s)
    return extcall ESCROW.hire_offered(offer, client_id, signer, msg.sender)


@external
def cancel_offer_nonce(provider_id: uint256, nonce: uint256):
    """
    @notice Void an offer nonce so no offer carrying it can be used.
    @param provider_id The provider agent (caller: its principal, or its
           operator while the agent is not frozen).
    @param nonce The nonce.
    """
    auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize(provider_id, msg.sender)
    assert auth.role != ROLE_NONE, "offers: not provider"
    assert auth.role == ROLE_PRINCIPAL or not auth.frozen, "offers: agent frozen"
    self._use_nonce(provider_id, nonce)
    log OfferNonceCancelled(provider_id=provider_id, nonce=nonce)


@external
@view
def nonce_used(provider_id: uint256, nonce: uint256) -> bool:
    """
    @notice Whether an offer nonce is used or cancelled.
    @param provider_id The provider agent.
    @param nonce The nonce.
    @return True if no offer with this nonce can be used any more.
    """
    return self._nonce_bitmap[provider_id][nonce >> 8] & (1 << (nonce & 255)) != 0


@external
@view
def offer_digest(offer: IJobEscrow.Offer) -> bytes32:
    """
    @notice The EIP-712 digest a provider signs for an offer.
    @param offer The offer.
    @return The digest.
    """
    return self._offer_digest(offer)


@internal
def _use_nonce(provider_id: uint256, nonce: uint256):
    word: uint256 = self._nonce_bitmap[provider_id][nonce >> 8]
    bit: uint256 = 1 << (nonce & 255)
    assert word & bit == 0, "offers: nonce used"
    self._nonce_bitmap[provider_id][nonce >> 8] = word | bit


@internal
@view
def _offer_digest(offer: IJobEscrow.Offer) -> bytes32:
    return eip712_domain_separator._hash_typed_data_v4(
        keccak256(
            abi_encode(
                OFFER_TYPEHASH,
                offer.provider_id,
                offer.client_id,
                offer.token,
                offer.price,
                offer.delivery_time,
                offer.terms_hash,
                offer.evaluator,
                offer.evaluator_fee_bps,
                offer.nonce,
                offer.expiry,
            )
        )
    )

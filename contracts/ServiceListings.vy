# pragma version ~=0.4.3
"""
@title AgentMarket service listings
@license MIT
@notice What agents sell: a provider agent (its principal or its operator)
        creates, edits, pauses, resumes and closes listings. A listing names a
        capability tag, a payment token, a price, a maximum delivery time, the
        hash of its terms (the URI is only in the event), optionally an
        evaluator (with its fee) fixed on every job hired from it, and a
        version that changes on every edit. The escrow reads `hire_info` at hire and checks
        the client's expected token, price and version against it.
        Discovery: events indexed by listing, provider and tag, and paginated
        views of *active* listings by tag and by provider. The active sets are
        compact arrays kept with swap-and-pop, so no view loops over more than
        the page it was asked for.
@custom:security The guardian (set by governance) can pause the creation of
        new listings and nothing else; edits, pausing and closing by providers
        keep working. Neither governance nor the guardian can edit, reopen or
        close anyone's listing. A closed listing can never reopen.
"""

from .interfaces import IAgentRegistry
from .interfaces import IServiceListings

implements: IServiceListings

from snekmate.auth import ownable
from snekmate.auth import ownable_2step
from snekmate.utils import pausable

initializes: ownable
initializes: ownable_2step[ownable := ownable]
initializes: pausable

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    pausable.paused,
)


# @dev Listing states as stored in the meta slot.
STATE_NONE: constant(uint8) = 0
STATE_ACTIVE: constant(uint8) = 1
STATE_PAUSED: constant(uint8) = 2
STATE_CLOSED: constant(uint8) = 3

# @dev Largest page the paginated views return.
MAX_PAGE: constant(uint256) = 100

# @dev Bit layout of the core slot: token | provider id | max delivery time.
CORE_PROVIDER_SHIFT: constant(uint256) = 160
CORE_TIME_SHIFT: constant(uint256) = 224

# @dev Hard cap on an evaluator's fee (10 % of the price; the escrow holds
# the same cap).
MAX_EVALUATOR_FEE_BPS: constant(uint256) = 1_000

# @dev Bit layout of the meta slot: price | version | state | tag pos |
# provider pos | has-evaluator bit.
META_VERSION_SHIFT: constant(uint256) = 128
META_STATE_SHIFT: constant(uint256) = 160
META_TAG_POS_SHIFT: constant(uint256) = 168
META_PROVIDER_POS_SHIFT: constant(uint256) = 200
META_EVALUATOR: constant(uint256) = 1 << 232

# @dev Evaluator word: address (bits 0-159) | fee bps (bits 160-175).
EVALUATOR_FEE_SHIFT: constant(uint256) = 160

MASK_32: constant(uint256) = 2**32 - 1
MASK_64: constant(uint256) = 2**64 - 1
MASK_128: constant(uint256) = 2**128 - 1
MASK_160: constant(uint256) = 2**160 - 1


# @dev The identity registry (principals, operators, freeze switch).
REGISTRY: public(immutable(IAgentRegistry))


# @dev Number of listings ever created; ids run from 1 to `listing_count`.
listing_count: public(uint256)

# @dev Guardian: may pause and unpause the creation of listings.
guardian: public(address)

# @dev Core slot per listing: bits 0-159 token, 160-223 provider agent id,
# 224-255 maximum delivery time in seconds. Never changes except on edit.
_core: HashMap[uint256, uint256]

# @dev Meta slot per listing: bits 0-127 price, 128-159 version, 160-167
# state, 168-199 position+1 in the tag's active array, 200-231 position+1 in
# the provider's active array (0 = not in the array), 232 set when the
# listing names an evaluator (so `hire_info` reads `_evaluator` only then).
_meta: HashMap[uint256, uint256]

# @dev Evaluator per listing: address | fee bps << 160 (see META_EVALUATOR).
_evaluator: HashMap[uint256, uint256]

# @dev Terms hash per listing (the terms URI is only in the events).
_terms_hash: HashMap[uint256, bytes32]

# @dev Capability tag per listing; fixed at creation.
_tag: HashMap[uint256, bytes32]

# @dev Active listing ids per tag (compact, swap-and-pop), and their count.
_active_by_tag: HashMap[bytes32, HashMap[uint256, uint256]]
active_count_by_tag: public(HashMap[bytes32, uint256])

# @dev Active listing ids per provider (compact, swap-and-pop), and their count.
_active_by_provider: HashMap[uint256, HashMap[uint256, uint256]]
active_count_by_provider: public(HashMap[uint256, uint256])


# @dev Emitted when governance sets the guardian.
event GuardianSet:
    guardian: indexed(address)


@deploy
def __init__(registry: IAgentRegistry, guardian: address):
    """
    @notice Deploy the listings bound to one identity registry.
    @param registry The AgentRegistry.
    @param guardian The initial guardian (may be empty).
    """
    ownable.__init__()
    ownable_2step.__init__()
    pausable.__init__()
    REGISTRY = registry
    self.guardian = guardian
    log GuardianSet(guardian=guardian)


# ---------------------------------------------------------------- governance


@external
def set_guardian(guardian: address):
    """
    @notice Set the guardian (governance only).
    @param guardian The new guardian; empty disables the role.
    """
    ownable._check_owner()
    self.guardian = guardian
    log GuardianSet(guardian=guardian)


@external
def pause():
    """
    @notice Stop the creation of new listings (guardian or governance).
    """
    self._check_guardian()
    pausable._pause()


@external
def unpause():
    """
    @notice Allow the creation of new listings again (guardian or governance).
    """
    self._check_guardian()
    pausable._unpause()


# ----------------------------------------------------------------- providers


@external
def create_listing(
    provider_id: uint256,
    tag: bytes32,
    token: address,
    price: uint256,
    max_delivery_time: uint256,
    terms_hash: bytes32,
    terms_uri: String[256],
) -> uint256:
    """
    @notice Create an active listing for a provider agent.
    @dev Callable by the agent's principal, or by its operator while the
         agent is not frozen. Paused by the guardian.
    @param provider_id The provider agent (id below 2**64).
    @param tag The capability tag.
    @param token The payment token (the escrow checks its allowlist at hire).
    @param price The price in token units (1 to 2**128 - 1).
    @param max_delivery_time Delivery time in seconds (1 to 2**32 - 1).
    @param terms_hash Hash of the terms document.
    @param terms_uri Where the terms document lives (event only).
    @return The new listing id.
    """
    pausable._require_not_paused()
    assert provider_id <= MASK_64, "listings: bad provider"
    self._check_provider(provider_id)
    self._check_terms(token, price, max_delivery_time)

    listing_id: uint256 = self.listing_count + 1
    self.listing_count = listing_id
    self._core[listing_id] = self._pack_core(token, provider_id, max_delivery_time)
    self._terms_hash[listing_id] = terms_hash
    self._tag[listing_id] = tag
    tag_pos: uint256 = self._push_tag(tag, listing_id)
    provider_pos: uint256 = self._push_provider(provider_id, listing_id)
    self._meta[listing_id] = self._pack_meta(price, 1, STATE_ACTIVE, tag_pos, provider_pos)

    log IServiceListings.ListingCreated(
        listing_id=listing_id,
        provider_id=provider_id,
        tag=tag,
        token=token,
        price=price,
        max_delivery_time=max_delivery_time,
        terms_hash=terms_hash,
        terms_uri=terms_uri,
    )
    return listing_id


@external
def update_listing(
    listing_id: uint256,
    token: address,
    price: uint256,
    max_delivery_time: uint256,
    terms_hash: bytes32,
    terms_uri: String[256],
):
    """
    @notice Edit an active or paused listing; its version increases by one.
    @dev A client whose quote predates the edit passes the old version, so
         its hire reverts instead of paying the new terms.
    @param listing_id The listing.
    @param token The new payment token.
    @param price The new price.
    @param max_delivery_time The new delivery time in seconds.
    @param terms_hash The new terms hash.
    @param terms_uri The new terms URI (event only).
    """
    meta: uint256 = self._meta[listing_id]
    state: uint8 = self._meta_state(meta)
    assert state == STATE_ACTIVE or state == STATE_PAUSED, "listings: not open"
    core: uint256 = self._core[listing_id]
    provider_id: uint256 = (core >> CORE_PROVIDER_SHIFT) & MASK_64
    self._check_provider(provider_id)
    self._check_terms(token, price, max_delivery_time)

    version: uint256 = self._meta_version(meta) + 1
    assert version <= MASK_32, "listings: too many edits"
    self._core[listing_id] = self._pack_core(token, provider_id, max_delivery_time)
    self._terms_hash[listing_id] = terms_hash
    self._meta[listing_id] = self._pack_meta(
        price,
        version,
        state,
        (meta >> META_TAG_POS_SHIFT) & MASK_32,
        (meta >> META_PROVIDER_POS_SHIFT) & MASK_32,
    ) | (meta & META_EVALUATOR)
    log IServiceListings.ListingUpdated(
        listing_id=listing_id,
        provider_id=provider_id,
        tag=self._tag[listing_id],
        token=token,
        price=price,
        max_delivery_time=max_delivery_time,
        terms_hash=terms_hash,
        terms_uri=terms_uri,
        version=version,
    )


@external
def set_listing_evaluator(listing_id: uint256, evaluator: address, fee_bps: uint256):
    """
    @notice Name the evaluator of the jobs hired from an active or paused
            listing, and its fee; the empty address (with fee 0) removes it.
            Bumps the version, so a client's quote of the old terms no
            longer hires.
    @dev The evaluator approves or rejects each delivery for `fee_bps` of
         the price, paid only with a verdict. It must not be the provider's
         principal or operator (the escrow checks both sides again at hire
         and at the verdict).
    @param listing_id The listing (caller: its provider's principal or
           operator).
    @param evaluator The evaluator (an account or a contract), or empty.
    @param fee_bps Its fee in basis points, at most MAX_EVALUATOR_FEE_BPS.
    """
    meta: uint256 = self._meta[listing_id]
    state: uint8 = self._meta_state(meta)
    assert state == STATE_ACTIVE or state == STATE_PAUSED, "listings: not open"
    provider_id: uint256 = self._provider_of(listing_id)
    self._check_provider(provider_id)
    assert fee_bps <= MAX_EVALUATOR_FEE_BPS, "listings: evaluator fee above cap"
    word: uint256 = 0
    if evaluator == empty(address):
        assert fee_bps == 0, "listings: fee without evaluator"
        meta &= ~META_EVALUATOR
    else:
        assert (staticcall REGISTRY.authorize(provider_id, evaluator)).role == 0, "listings: evaluator is a party"
        word = convert(convert(evaluator, uint160), uint256) | (fee_bps << EVALUATOR_FEE_SHIFT)
        meta |= META_EVALUATOR
    version: uint256 = self._bump(meta)
    self._evaluator[listing_id] = word
    self._meta[listing_id] = (meta & ~(MASK_32 << META_VERSION_SHIFT)) | (version << META_VERSION_SHIFT)
    log IServiceListings.ListingEvaluatorSet(
        listing_id=listing_id,
        provider_id=provider_id,
        evaluator=evaluator,
        fee_bps=fee_bps,
        version=version,
    )


@external
def pause_listing(listing_id: uint256):
    """
    @notice Take an active listing off the market for now; bumps the version.
    @param listing_id The listing.
    """
    meta: uint256 = self._meta[listing_id]
    assert self._meta_state(meta) == STATE_ACTIVE, "listings: not active"
    provider_id: uint256 = self._provider_of(listing_id)
    self._check_provider(provider_id)
    tag: bytes32 = self._tag[listing_id]
    self._remove_active(listing_id, tag, provider_id, meta)
    version: uint256 = self._bump(meta)
    self._meta[listing_id] = self._pack_meta(meta & MASK_128, version, STATE_PAUSED, 0, 0) | (
        meta & META_EVALUATOR
    )
    log IServiceListings.ListingPaused(
        listing_id=listing_id, provider_id=provider_id, tag=tag, version=version
    )


@external
def resume_listing(listing_id: uint256):
    """
    @notice Put a paused listing back on the market; bumps the version.
    @param listing_id The listing.
    """
    meta: uint256 = self._meta[listing_id]
    assert self._meta_state(meta) == STATE_PAUSED, "listings: not paused"
    provider_id: uint256 = self._provider_of(listing_id)
    self._check_provider(provider_id)
    tag: bytes32 = self._tag[listing_id]
    tag_pos: uint256 = self._push_tag(tag, listing_id)
    provider_pos: uint256 = self._push_provider(provider_id, listing_id)
    version: uint256 = self._bump(meta)
    self._meta[listing_id] = self._pack_meta(
        meta & MASK_128, version, STATE_ACTIVE, tag_pos, provider_pos
    ) | (meta & META_EVALUATOR)
    log IServiceListings.ListingResumed(
        listing_id=listing_id, provider_id=provider_id, tag=tag, version=version
    )


@external
def close_listing(listing_id: uint256):
    """
    @notice Close a listing for good; a closed listing never reopens.
    @param listing_id The listing (active or paused).
    """
    meta: uint256 = self._meta[listing_id]
    state: uint8 = self._meta_state(meta)
    assert state == STATE_ACTIVE or state == STATE_PAUSED, "listings: not open"
    provider_id: uint256 = self._provider_of(listing_id)
    self._check_provider(provider_id)
    tag: bytes32 = self._tag[listing_id]
    if state == STATE_ACTIVE:
        self._remove_active(listing_id, tag, provider_id, meta)
    version: uint256 = self._bump(meta)
    self._meta[listing_id] = self._pack_meta(meta & MASK_128, version, STATE_CLOSED, 0, 0) | (
        meta & META_EVALUATOR
    )
    log IServiceListings.ListingClosed(
        listing_id=listing_id, provider_id=provider_id, tag=tag, version=version
    )


# --------------------------------------------------------------------- views


@external
@view
def hire_info(listing_id: uint256) -> IServiceListings.HireInfo:
    """
    @notice The hire-relevant fields of a listing in one call (three slots,
            four with an evaluator).
    @dev Never reverts; an unknown id returns an inactive, empty record.
    @param listing_id The listing.
    @return The listing's hire information.
    """
    core: uint256 = self._core[listing_id]
    meta: uint256 = self._meta[listing_id]
    evaluator: uint256 = 0
    if meta & META_EVALUATOR != 0:
        evaluator = self._evaluator[listing_id]
    return IServiceListings.HireInfo(
        provider_id=(core >> CORE_PROVIDER_SHIFT) & MASK_64,
        token=convert(convert(core & MASK_160, uint160), address),
        price=meta & MASK_128,
        max_delivery_time=core >> CORE_TIME_SHIFT,
        version=self._meta_version(meta),
        active=self._meta_state(meta) == STATE_ACTIVE,
        terms_hash=self._terms_hash[listing_id],
        evaluator=convert(convert(evaluator & MASK_160, uint160), address),
        evaluator_fee_bps=evaluator >> EVALUATOR_FEE_SHIFT,
    )


@external
@view
def listing(listing_id: uint256) -> IServiceListings.Listing:
    """
    @notice A listing as stored.
    @param listing_id The listing.
    @return The listing (all empty for an unknown id).
    """
    core: uint256 = self._core[listing_id]
    meta: uint256 = self._meta[listing_id]
    evaluator: uint256 = self._evaluator[listing_id]
    return IServiceListings.Listing(
        provider_id=(core >> CORE_PROVIDER_SHIFT) & MASK_64,
        tag=self._tag[listing_id],
        token=convert(convert(core & MASK_160, uint160), address),
        price=meta & MASK_128,
        max_delivery_time=core >> CORE_TIME_SHIFT,
        terms_hash=self._terms_hash[listing_id],
        version=self._meta_version(meta),
        state=self._meta_state(meta),
        evaluator=convert(convert(evaluator & MASK_160, uint160), address),
        evaluator_fee_bps=evaluator >> EVALUATOR_FEE_SHIFT,
    )


@external
@view
def active_by_tag(tag: bytes32, offset: uint256, limit: uint256) -> DynArray[uint256, MAX_PAGE]:
    """
    @notice A page of active listing ids with a capability tag.
    @dev Loops over at most `limit` (≤ 100) entries; the order changes when
         listings are paused or closed (swap-and-pop).
    @param tag The capability tag.
    @param offset Index of the first entry.
    @param limit Page size, at most 100.
    @return The page of listing ids.
    """
    assert limit <= MAX_PAGE, "listings: page too large"
    count: uint256 = self.active_count_by_tag[tag]
    page: DynArray[uint256, MAX_PAGE] = []
    for i: uint256 in range(limit, bound=MAX_PAGE):
        if offset + i >= count:
            break
        page.append(self._active_by_tag[tag][offset + i])
    return page


@external
@view
def active_by_provider(
    provider_id: uint256, offset: uint256, limit: uint256
) -> DynArray[uint256, MAX_PAGE]:
    """
    @notice A page of a provider's active listing ids.
    @dev Loops over at most `limit` (≤ 100) entries.
    @param provider_id The provider agent.
    @param offset Index of the first entry.
    @param limit Page size, at most 100.
    @return The page of listing ids.
    """
    assert limit <= MAX_PAGE, "listings: page too large"
    count: uint256 = self.active_count_by_provider[provider_id]
    page: DynArray[uint256, MAX_PAGE] = []
    for i: uint256 in range(limit, bound=MAX_PAGE):
        if offset + i >= count:
            break
        page.append(self._active_by_provider[provider_id][offset + i])
    return page


# ------------------------------------------------------------------ internal


@internal
def _check_guardian():
    assert msg.sender == self.guardian or msg.sender == ownable.owner, "listings: not guardian"


@internal
@view
def _check_provider(provider_id: uint256):
    """
    @dev The caller must be the agent's principal, or its operator while the
         agent is not frozen.
    """
    status: IAgentRegistry.AgentStatus = staticcall REGISTRY.agent_status(provider_id)
    if msg.sender == status.principal and msg.sender != empty(address):
        return
    assert msg.sender == status.operator and msg.sender != empty(address), "listings: not provider"
    assert not status.frozen, "listings: agent frozen"


@internal
@pure
def _check_terms(token: address, price: uint256, max_delivery_time: uint256):
    assert token != empty(address), "listings: no token"
    assert price != 0, "listings: zero price"
    assert price <= MASK_128, "listings: price too large"
    assert max_delivery_time != 0, "listings: zero delivery time"
    assert max_delivery_time <= MASK_32, "listings: delivery time too long"


@internal
@pure
def _pack_core(token: address, provider_id: uint256, max_delivery_time: uint256) -> uint256:
    return (
        convert(convert(token, uint160), uint256)
        | (provider_id << CORE_PROVIDER_SHIFT)
        | (max_delivery_time << CORE_TIME_SHIFT)
    )


@internal
@pure
def _pack_meta(
    price: uint256, version: uint256, state: uint8, tag_pos: uint256, provider_pos: uint256
) -> uint256:
    return (
        price
        | (version << META_VERSION_SHIFT)
        | (convert(state, uint256) << META_STATE_SHIFT)
        | (tag_pos << META_TAG_POS_SHIFT)
        | (provider_pos << META_PROVIDER_POS_SHIFT)
    )


@internal
@pure
def _meta_state(meta: uint256) -> uint8:
    return convert((meta >> META_STATE_SHIFT) & 255, uint8)


@internal
@pure
def _meta_version(meta: uint256) -> uint256:
    return (meta >> META_VERSION_SHIFT) & MASK_32


@internal
@pure
def _bump(meta: uint256) -> uint256:
    version: uint256 = self._meta_version(meta) + 1
    assert version <= MASK_32, "listings: too many edits"
    return version


@internal
@view
def _provider_of(listing_id: uint256) -> uint256:
    return (self._core[listing_id] >> CORE_PROVIDER_SHIFT) & MASK_64


@internal
def _push_tag(tag: bytes32, listing_id: uint256) -> uint256:
    count: uint256 = self.active_count_by_tag[tag]
    self._active_by_tag[tag][count] = listing_id
    self.active_count_by_tag[tag] = count + 1
    return count + 1


@internal
def _push_provider(provider_id: uint256, listing_id: uint256) -> uint256:
    count: uint256 = self.active_count_by_provider[provider_id]
    self._active_by_provider[provider_id][count] = listing_id
    self.active_count_by_provider[provider_id] = count + 1
    return count + 1


@internal
def _remove_active(listing_id: uint256, tag: bytes32, provider_id: uint256, meta: uint256):
    """
    @dev Swap-and-pop the listing out of both active arrays and fix the moved
         entries' stored positions.
    """
    # tag array
    pos: uint256 = (meta >> META_TAG_POS_SHIFT) & MASK_32
    last: uint256 = self.active_count_by_tag[tag]
    if pos != last:
        moved: uint256 = self._active_by_tag[tag][last - 1]
        self._active_by_tag[tag][pos - 1] = moved
        moved_meta: uint256 = self._meta[moved]
        self._meta[moved] = (moved_meta & ~(MASK_32 << META_TAG_POS_SHIFT)) | (pos << META_TAG_POS_SHIFT)
    self._active_by_tag[tag][last - 1] = 0
    self.active_count_by_tag[tag] = last - 1

    # provider array
    pos = (meta >> META_PROVIDER_POS_SHIFT) & MASK_32
    last = self.active_count_by_provider[provider_id]
    if pos != last:
        moved: uint256 = self._active_by_provider[provider_id][last - 1]
        self._active_by_provider[provider_id][pos - 1] = moved
        moved_meta: uint256 = self._meta[moved]
        self._meta[moved] = (moved_meta & ~(MASK_32 << META_PROVIDER_POS_SHIFT)) | (
            pos << META_PROVIDER_POS_SHIFT
        )
    self._active_by_provider[provider_id][last - 1] = 0
    self.active_count_by_provider[provider_id] = last - 1

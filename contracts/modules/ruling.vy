# pragma version ~=0.4.3
"""
@title AgentMarket ruling scale: constants and decoder
@custom:contract-name ruling
@license MIT
@notice The one place that turns an ERC-792 ruling on an AgentMarket job into
        money: import it (`from .modules import ruling`) and use the
        constants and `provider_share`; it has no storage, so it needs no
        `initializes:`. The scale is documented in `interfaces/IArbitrable.vyi`:
        0 refused (neutral default, half each), 1 client wins, 2 provider
        wins, 3 + p (p = 0..100) the provider gets p percent.
@custom:security Pure arithmetic, no state, no lever. The provider's share
        is rounded down and the client takes the exact remainder, so the two
        always add up to `amount`.
"""


# @dev `choices` to pass to `createDispute` for an AgentMarket job.
CHOICES: constant(uint256) = 103
# @dev ERC-792 "refused to arbitrate": apply the neutral default.
REFUSED: constant(uint256) = 0
# @dev The client gets all of the amount in dispute.
CLIENT_WINS: constant(uint256) = 1
# @dev The provider gets all of the amount in dispute.
PROVIDER_WINS: constant(uint256) = 2
# @dev Ruling `SPLIT_BASE + p` gives the provider p percent (p = 0..100).
SPLIT_BASE: constant(uint256) = 3
# @dev Percent denominator of a split.
PERCENT: constant(uint256) = 100


@internal
@pure
def is_split(ruling: uint256) -> bool:
    """
    @dev True for a split ruling (3..103), whose bond outcome the escrow
         shares in proportion.
    @param ruling The ruling.
    @return Whether it is a split.
    """
    return ruling >= SPLIT_BASE and ruling <= CHOICES


@internal
@pure
def provider_share(amount: uint256, ruling: uint256) -> uint256:
    """
    @dev The provider's part of `amount` under `ruling`; the client's part is
         `amount - provider_share(amount, ruling)`. Never overflows
         (no `amount * p` product is formed). Reverts for a ruling above
         `CHOICES`.
    @param amount The sum in dispute, in token units.
    @param ruling 0 to `CHOICES`.
    @return The provider's share, rounded down.
    """
    if ruling == REFUSED:
        return amount // 2
    if ruling == CLIENT_WINS:
        return 0
    if ruling == PROVIDER_WINS:
        return amount
    assert ruling <= CHOICES, "ruling: out of range"
    p: uint256 = ruling - SPLIT_BASE
    # floor(amount * p / 100) without forming amount * p
    return amount // PERCENT * p + amount % PERCENT * p // PERCENT

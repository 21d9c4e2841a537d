# pragma version ~=0.4.3
"""
@title Test harness for `contracts/modules/ruling.vy`
@license MIT
@notice Exposes the ruling module's constants and decoder so the tests can
        check the scale the escrow will use.
"""

from ...contracts.modules import ruling


@external
@pure
def provider_share(amount: uint256, r: uint256) -> uint256:
    return ruling.provider_share(amount, r)


@external
@pure
def is_split(r: uint256) -> bool:
    return ruling.is_split(r)


@external
@pure
def constants() -> (uint256, uint256, uint256, uint256, uint256, uint256):
    return (
        ruling.CHOICES,
        ruling.REFUSED,
        ruling.CLIENT_WINS,
        ruling.PROVIDER_WINS,
        ruling.SPLIT_BASE,
        ruling.PERCENT,
    )

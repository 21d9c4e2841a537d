# pragma version ~=0.4.3
"""
@title MockSilentFallback
@license MIT
@notice Test double: a contract whose fallback succeeds on every call and
        returns no data (as a proxy or wallet without a handler does). Neither
        an ERC-721 receiver nor an ERC-1271 signer.
"""


@external
@payable
def __default__():
    """
    @notice Succeed silently.
    """
    pass

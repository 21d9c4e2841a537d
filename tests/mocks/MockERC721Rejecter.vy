# pragma version ~=0.4.3
"""
@title MockERC721Rejecter
@license MIT
@notice Test double: a contract that does not accept ERC-721 tokens. It has
        no `onERC721Received`; its fallback answers every call according to
        `mode`: as if the function did not exist (empty revert), with a
        revert reason, or with a wrong selector.
"""

interface IRegistry:
    def register(agentURI: String[1024]) -> uint256: nonpayable


# @dev Fallback behaviours.
MODE_NO_FUNCTION: constant(uint256) = 0
MODE_REVERT: constant(uint256) = 1
MODE_WRONG_SELECTOR: constant(uint256) = 2
MODE_ZERO_SELECTOR: constant(uint256) = 3

# @dev Behaviour of the fallback (see the MODE_ constants).
mode: public(uint256)


@deploy
def __init__(mode: uint256):
    self.mode = mode


@external
def register_agent(registry: address, uri: String[1024]) -> uint256:
    """
    @notice Try to register an agent owned by this contract.
    """
    return extcall IRegistry(registry).register(uri)


@external
@payable
def __default__() -> bytes4:
    """
    @notice Answer any other call (`onERC721Received` among them).
    """
    if self.mode == MODE_NO_FUNCTION:
        raw_revert(b"")
    if self.mode == MODE_REVERT:
        raise "rejecter: no tokens here"
    if self.mode == MODE_WRONG_SELECTOR:
        return 0xDEADBEEF
    return 0x00000000

# pragma version ~=0.4.3
"""
@title MockERC721Receiver
@license MIT
@notice Test double: a contract that accepts ERC-721 tokens and records the
        last `onERC721Received` call. Optionally it reads the registry back
        (`ownerOf`) or re-enters it once (`register`) from inside the
        callback, to probe the registry's checks-effects-interactions.
"""

interface IRegistry:
    def register(agentURI: String[1024]) -> uint256: nonpayable
    def ownerOf(tokenId: uint256) -> address: view
    def transferFrom(_from: address, _to: address, _tokenId: uint256): nonpayable


# @dev What the callback does besides recording: 0 nothing, 1 read `ownerOf`
# back from the caller, 2 call `register` on the caller (once).
MODE_PLAIN: constant(uint256) = 0
MODE_READ_BACK: constant(uint256) = 1
MODE_REENTER: constant(uint256) = 2

# @dev Behaviour of the callback (see the MODE_ constants).
mode: public(uint256)
# @dev Whether the callback already re-entered (MODE_REENTER).
reentered: public(bool)
# @dev Agent id the re-entering `register` returned.
reentered_id: public(uint256)
# @dev How many times the callback ran.
calls: public(uint256)
# @dev Arguments of the last callback.
last_operator: public(address)
last_from: public(address)
last_token_id: public(uint256)
last_data: public(Bytes[1024])


# @dev Logged by every accepted callback.
event Received:
    operator: address
    sender: address
    token_id: uint256
    data: Bytes[1024]


@deploy
def __init__(mode: uint256):
    self.mode = mode


@external
def onERC721Received(
    operator: address, sender: address, token_id: uint256, data: Bytes[1024]
) -> bytes4:
    """
    @notice Accept the token, recording the call.
    @return The ERC-721 receiver selector.
    """
    if self.mode == MODE_READ_BACK:
        assert staticcall IRegistry(msg.sender).ownerOf(token_id) == self, "receiver: not owner"
    elif self.mode == MODE_REENTER and not self.reentered:
        self.reentered = True
        self.reentered_id = extcall IRegistry(msg.sender).register("inner")
    self.calls += 1
    self.last_operator = operator
    self.last_from = sender
    self.last_token_id = token_id
    self.last_data = data
    log Received(operator=operator, sender=sender, token_id=token_id, data=data)
    return method_id("onERC721Received(address,address,uint256,bytes)", output_type=bytes4)


@external
def register_agent(registry: address, uri: String[1024]) -> uint256:
    """
    @notice Register an agent owned by this contract.
    """
    return extcall IRegistry(registry).register(uri)


@external
def transfer_agent(registry: address, to: address, token_id: uint256):
    """
    @notice Move an agent this contract owns.
    """
    extcall IRegistry(registry).transferFrom(self, to, token_id)

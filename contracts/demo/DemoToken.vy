# pragma version ~=0.4.3
"""
@title DemoToken: an ERC-20 anyone may mint, for demos and testnets only
@custom:contract-name DemoToken
@license MIT
@notice The payment token of `agentmarket demo`. It is not part of the
        protocol and must never be allowlisted on a production escrow:
        `mint` is open to everyone.
@custom:security None: worthless by design.
"""

from ethereum.ercs import IERC20

implements: IERC20

# @dev ERC-20 metadata.
name: public(String[32])
symbol: public(String[8])
decimals: public(uint8)
# @dev ERC-20 state.
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@deploy
def __init__(name_: String[32], symbol_: String[8], decimals_: uint8):
    """
    @notice Deploy a token with no supply.
    @param name_ Token name.
    @param symbol_ Token symbol.
    @param decimals_ Token decimals.
    """
    self.name = name_
    self.symbol = symbol_
    self.decimals = decimals_


@external
def mint(to: address, amount: uint256):
    """
    @notice Create `amount` tokens for `to`. Open to anyone: demo only.
    @param to The receiver.
    @param amount The amount.
    """
    self.totalSupply += amount
    self.balanceOf[to] += amount
    log IERC20.Transfer(sender=empty(address), receiver=to, value=amount)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    """
    @notice ERC-20 transfer.
    @param receiver The receiver.
    @param amount The amount.
    @return True.
    """
    self._move(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    """
    @notice ERC-20 transfer from an allowance.
    @param sender The owner of the tokens.
    @param receiver The receiver.
    @param amount The amount.
    @return True.
    """
    allowed: uint256 = self.allowance[sender][msg.sender]
    assert allowed >= amount, "token: allowance"
    if allowed != max_value(uint256):
        self.allowance[sender][msg.sender] = allowed - amount
    self._move(sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice ERC-20 approve.
    @param spender The spender.
    @param amount The allowance.
    @return True.
    """
    self.allowance[msg.sender][spender] = amount
    log IERC20.Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@internal
def _move(sender: address, receiver: address, amount: uint256):
    assert receiver != empty(address), "token: zero receiver"
    assert self.balanceOf[sender] >= amount, "token: balance"
    self.balanceOf[sender] -= amount
    self.balanceOf[receiver] += amount
    log IERC20.Transfer(sender=sender, receiver=receiver, value=amount)

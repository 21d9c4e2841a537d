# pragma version ~=0.4.3
"""
@title Mock ERC-20 with a blocklist (as USDC and USDT keep one)
@license MIT
@notice Any transfer from or to a blocked address reverts. Test use only.
@custom:security None: a test double.
"""

decimals: public(uint8)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
blocked: public(HashMap[address, bool])

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


@deploy
def __init__():
    self.decimals = 6


@external
def set_blocked(account: address, flag: bool):
    self.blocked[account] = flag


@external
def mint(to: address, amount: uint256):
    self.balanceOf[to] += amount


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    return True


@external
def transfer(to: address, amount: uint256) -> bool:
    self._move(msg.sender, to, amount)
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    self.allowance[owner][msg.sender] -= amount
    self._move(owner, to, amount)
    return True


@internal
def _move(owner: address, to: address, amount: uint256):
    assert not self.blocked[owner] and not self.blocked[to], "blocklist: blocked"
    self.balanceOf[owner] -= amount
    self.balanceOf[to] += amount
    log Transfer(sender=owner, receiver=to, value=amount)

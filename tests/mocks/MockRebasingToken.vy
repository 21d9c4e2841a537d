# pragma version ~=0.4.3
"""
@title Mock rebasing ERC-20 (balances are shares times an index)
@license MIT
@notice Every holder's balance is `shares * index // 10**18`; `rebase` moves
        the index, so balances change without any transfer (as stETH or
        AMPL do). With `rebase_on_transfer` set, every transfer also applies
        that rebase first, so what the receiver's balance shows moves by
        more or less than the amount sent. Test use only.
@custom:security None: a test double.
"""

ONE: constant(uint256) = 10**18

decimals: public(uint8)
index: public(uint256)
rebase_on_transfer: public(uint256)
shares: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


@deploy
def __init__():
    self.decimals = 18
    self.index = ONE


@external
@view
def balanceOf(owner: address) -> uint256:
    return self.shares[owner] * self.index // ONE


@external
def rebase(new_index: uint256):
    self.index = new_index


@external
def set_rebase_on_transfer(new_index: uint256):
    self.rebase_on_transfer = new_index


@external
def mint(to: address, amount: uint256):
    self.shares[to] += amount * ONE // self.index


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
    moved: uint256 = amount * ONE // self.index
    self.shares[owner] -= moved
    self.shares[to] += moved
    if self.rebase_on_transfer != 0:
        self.index = self.rebase_on_transfer
    log Transfer(sender=owner, receiver=to, value=amount)

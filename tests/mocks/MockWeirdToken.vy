# pragma version ~=0.4.3
"""
@title Mock ERC-20 with switchable misbehaviour, for the escrow tests
@license MIT
@notice A plain ERC-20 (any decimals) whose `mode` makes it misbehave:
        0 normal; 1 transfer/transferFrom return false and move nothing;
        2 fee-on-transfer (1 % burnt); 3 revert on a zero amount;
        4 reentrant: before moving funds, call `hook_target` with
        `hook_data` (if `hook_strict`, a failing reentry reverts the whole
        call; otherwise the failure is swallowed and `hook_succeeded` records
        whether the reentry went through). Test use only.
@custom:security None: a test double.
"""

MODE_NORMAL: constant(uint8) = 0
MODE_RETURNS_FALSE: constant(uint8) = 1
MODE_FEE: constant(uint8) = 2
MODE_ZERO_REVERTS: constant(uint8) = 3
MODE_REENTRANT: constant(uint8) = 4

# @dev ERC-20 state.
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
# @dev Misbehaviour switch and the reentrancy hook.
mode: public(uint8)
hook_target: public(address)
hook_data: public(Bytes[512])
hook_strict: public(bool)
hook_calls: public(uint256)
hook_succeeded: public(bool)


event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256


@deploy
def __init__(decimals_: uint8):
    self.decimals = decimals_


@external
def set_mode(mode: uint8):
    self.mode = mode


@external
def set_hook(target: address, data: Bytes[512], strict: bool):
    self.hook_target = target
    self.hook_data = data
    self.hook_strict = strict


@external
def mint(to: address, amount: uint256):
    self.balanceOf[to] += amount
    self.totalSupply += amount
    log Transfer(sender=empty(address), receiver=to, value=amount)


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def transfer(to: address, amount: uint256) -> bool:
    return self._transfer(msg.sender, to, amount)


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    if self.mode != MODE_RETURNS_FALSE:
        self.allowance[owner][msg.sender] -= amount
    return self._transfer(owner, to, amount)


@internal
def _transfer(owner: address, to: address, amount: uint256) -> bool:
    mode: uint8 = self.mode
    if mode == MODE_RETURNS_FALSE:
        return False
    if mode == MODE_ZERO_REVERTS:
        assert amount != 0, "token: zero amount"
    if mode == MODE_REENTRANT and self.hook_target != empty(address):
        self.hook_calls += 1
        if self.hook_strict:
            raw_call(self.hook_target, self.hook_data)
        else:
            self.hook_succeeded = raw_call(self.hook_target, self.hook_data, revert_on_failure=False)
    self.balanceOf[owner] -= amount
    received: uint256 = amount
    if mode == MODE_FEE:
        received = amount - amount // 100
        self.totalSupply -= amount // 100
    self.balanceOf[to] += received
    log Transfer(sender=owner, receiver=to, value=received)
    return True

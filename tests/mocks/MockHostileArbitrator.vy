# pragma version ~=0.4.3
"""
@title Mock hostile arbitrator: an ERC-792 court that misbehaves on demand
@license MIT
@notice Modes of `createDispute` / `arbitrationCost`:
        0 NORMAL         take the case (fee >= cost), return the next id
        1 REVERT_CREATE  revert "hostile: refuse case"
        2 REENTER        call the arbitrable with `reentry_data` and let its
                         failure propagate, then take the case
        3 SWALLOW        the same call, failure swallowed (recorded in
                         `reentry_ok`), then take the case
        4 REVERT_COST    `arbitrationCost` reverts "hostile: no price"
                         (createDispute behaves as NORMAL)
        5 BURN_GAS       `createDispute` loops until out of gas
        (A court that returns no data is raw bytecode in the tests: Vyper
        cannot return nothing from a function with a return type.)
        7 FIXED_ID       take the case but always return id `fixed_id`
        It never rules on its own: `give_ruling` (owner) rules a case it
        took, `call_rule` calls `rule` on anything with any arguments.
@custom:security Test code only.
"""

from ...contracts.interfaces import IArbitrable
from ...contracts.interfaces import IArbitrator

implements: IArbitrator


# @dev Misbehaviour, see the header.
mode: public(uint256)
# @dev Fee asked in wei.
cost: public(uint256)
# @dev Calldata sent to the arbitrable in modes 2 and 3.
reentry_data: public(Bytes[256])
# @dev Whether the last swallowed re-entrant call succeeded.
reentry_ok: public(bool)
# @dev Whether a re-entrant call was attempted.
reentry_tried: public(bool)
# @dev Id returned in mode 7.
fixed_id: public(uint256)
# @dev Next dispute id (ids start at 0).
dispute_count: public(uint256)
# @dev Creator of each dispute.
arbitrable_of: public(HashMap[uint256, address])
# @dev Native coin taken per dispute.
fee_paid: public(HashMap[uint256, uint256])
# @dev Scratch counter for BURN_GAS.
burned: public(uint256)
# @dev Who may make it rule.
owner: public(address)


@deploy
def __init__(cost: uint256):
    self.owner = msg.sender
    self.cost = cost


@external
def set_mode(mode: uint256, reentry_data: Bytes[256], fixed_id: uint256):
    self.mode = mode
    self.reentry_data = reentry_data
    self.fixed_id = fixed_id
    self.reentry_ok = False
    self.reentry_tried = False


@external
def set_cost(cost: uint256):
    self.cost = cost


@external
@payable
def createDispute(choices: uint256, extraData: Bytes[256]) -> uint256:
    mode: uint256 = self.mode
    if mode == 1:
        raise "hostile: refuse case"
    elif mode == 2:
        self.reentry_tried = True
        raw_call(msg.sender, self.reentry_data)
        self.reentry_ok = True
    elif mode == 3:
        self.reentry_tried = True
        self.reentry_ok = raw_call(msg.sender, self.reentry_data, revert_on_failure=False)
    elif mode == 5:
        for i: uint256 in range(10**9):
            self.burned += 1
    assert msg.value >= self.cost, "hostile: fee too low"
    dispute_id: uint256 = self.dispute_count
    if mode == 7:
        dispute_id = self.fixed_id
    else:
        self.dispute_count = dispute_id + 1
    self.arbitrable_of[dispute_id] = msg.sender
    self.fee_paid[dispute_id] = msg.value
    log IArbitrator.DisputeCreation(disputeID=dispute_id, arbitrable=msg.sender)
    return dispute_id


@external
def give_ruling(dispute_id: uint256, ruling: uint256):
    assert msg.sender == self.owner, "hostile: not owner"
    arbitrable: address = self.arbitrable_of[dispute_id]
    assert arbitrable != empty(address), "hostile: unknown dispute"
    extcall IArbitrable(arbitrable).rule(dispute_id, ruling)


@external
def call_rule(arbitrable: address, dispute_id: uint256, ruling: uint256):
    extcall IArbitrable(arbitrable).rule(dispute_id, ruling)


@external
@payable
def appeal(disputeID: uint256, extraData: Bytes[256]):
    raise "hostile: no appeals"


@external
@view
def arbitrationCost(extraData: Bytes[256]) -> uint256:
    assert self.mode != 4, "hostile: no price"
    return self.cost


@external
@view
def appealCost(disputeID: uint256, extraData: Bytes[256]) -> uint256:
    return max_value(uint256)


@external
@view
def appealPeriod(disputeID: uint256) -> (uint256, uint256):
    return 0, 0


@external
@view
def disputeStatus(disputeID: uint256) -> uint8:
    return 0


@external
@view
def currentRuling(disputeID: uint256) -> uint256:
    return 0

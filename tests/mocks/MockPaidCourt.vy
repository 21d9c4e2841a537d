# pragma version ~=0.4.3
"""
@title Mock paid court: an ERC-792 arbitrator that charges native coin
@license MIT
@notice Stands in for a paid court such as Kleros in the escrow tests.
        `arbitrationCost` is `cost` wei (settable by the court's owner);
        `createDispute` requires `msg.value >= cost` and keeps all of it, as
        Kleros does, recording the fee paid per dispute. It rules only when
        its owner tells it to (`give_ruling`), which checks the dispute like a
        real court; `call_rule` calls `rule` on any contract with any
        arguments, so tests can probe an arbitrable's guards (unknown dispute,
        ruled twice, out-of-range ruling). No appeals.
@custom:security Test code only.
"""

from ...contracts.interfaces import IArbitrable
from ...contracts.interfaces import IArbitrator

implements: IArbitrator


# @dev A dispute at the court.
struct CourtDispute:
    arbitrable: address
    choices: uint256
    fee_paid: uint256
    solved: bool
    ruling: uint256


# @dev The only address that may set the cost and make the court rule.
owner: public(address)
# @dev Current arbitration fee in wei.
cost: public(uint256)
# @dev Disputes created so far (next id; ids start at 0).
dispute_count: public(uint256)
# @dev Disputes by id.
disputes: public(HashMap[uint256, CourtDispute])


@deploy
def __init__(cost: uint256):
    self.owner = msg.sender
    self.cost = cost


@external
def set_cost(cost: uint256):
    assert msg.sender == self.owner, "court: not owner"
    self.cost = cost


@external
@payable
def createDispute(choices: uint256, extraData: Bytes[256]) -> uint256:
    assert msg.value >= self.cost, "court: fee too low"
    dispute_id: uint256 = self.dispute_count
    self.dispute_count = dispute_id + 1
    self.disputes[dispute_id] = CourtDispute(
        arbitrable=msg.sender, choices=choices, fee_paid=msg.value, solved=False, ruling=0
    )
    log IArbitrator.DisputeCreation(disputeID=dispute_id, arbitrable=msg.sender)
    return dispute_id


@external
def give_ruling(dispute_id: uint256, ruling: uint256):
    """
    @notice Rule a dispute (owner only): marks it solved, then calls back.
    """
    assert msg.sender == self.owner, "court: not owner"
    d: CourtDispute = self.disputes[dispute_id]
    assert d.arbitrable != empty(address), "court: unknown dispute"
    assert not d.solved, "court: dispute solved"
    assert ruling <= d.choices, "court: ruling out of range"
    self.disputes[dispute_id].solved = True
    self.disputes[dispute_id].ruling = ruling
    extcall IArbitrable(d.arbitrable).rule(dispute_id, ruling)


@external
def call_rule(arbitrable: address, dispute_id: uint256, ruling: uint256):
    """
    @notice Call `rule` with no checks at all (owner only), to probe guards.
    """
    assert msg.sender == self.owner, "court: not owner"
    extcall IArbitrable(arbitrable).rule(dispute_id, ruling)


@external
@payable
def appeal(disputeID: uint256, extraData: Bytes[256]):
    raise "court: no appeals"


@external
@view
def arbitrationCost(extraData: Bytes[256]) -> uint256:
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
    assert self.disputes[disputeID].arbitrable != empty(address), "court: unknown dispute"
    if self.disputes[disputeID].solved:
        return 2
    return 0


@external
@view
def currentRuling(disputeID: uint256) -> uint256:
    assert self.disputes[disputeID].arbitrable != empty(address), "court: unknown dispute"
    return self.disputes[disputeID].ruling

# pragma version ~=0.4.3
"""
@title Mock arbitrable: opens disputes at one arbitrator and records rulings
@license MIT
@notice Stands in for the escrow in the arbitration tests. `open` forwards
        `createDispute` (with any value sent); `rule` accepts one ruling per
        dispute from its arbitrator only, records it, and records what the
        arbitrator's views said while `rule` ran.
@custom:security Test code only.
"""

from ...contracts.interfaces import IArbitrable
from ...contracts.interfaces import IArbitrator

implements: IArbitrable


# @dev The only address whose `rule` calls are accepted.
arbitrator: public(address)
# @dev Last dispute id returned by `open`.
last_dispute_id: public(uint256)
# @dev Whether a dispute has been ruled.
ruled: public(HashMap[uint256, bool])
# @dev The ruling received for a dispute.
ruling_of: public(HashMap[uint256, uint256])
# @dev Number of `rule` calls accepted.
rule_count: public(uint256)
# @dev `arbitrator.disputeStatus(id)` as seen inside `rule`.
status_seen: public(HashMap[uint256, uint8])
# @dev `arbitrator.currentRuling(id)` as seen inside `rule`.
ruling_seen: public(HashMap[uint256, uint256])


@deploy
def __init__(arbitrator: address):
    self.arbitrator = arbitrator


@external
@payable
def open(choices: uint256, extra_data: Bytes[256]) -> uint256:
    """
    @notice Create a dispute at the arbitrator, forwarding `msg.value`.
    """
    dispute_id: uint256 = extcall IArbitrator(self.arbitrator).createDispute(
        choices, extra_data, value=msg.value
    )
    self.last_dispute_id = dispute_id
    return dispute_id


@external
def rule(disputeID: uint256, ruling: uint256):
    """
    @notice ERC-792 callback; records the ruling once.
    """
    assert msg.sender == self.arbitrator, "mock: not arbitrator"
    assert not self.ruled[disputeID], "mock: already ruled"
    self.ruled[disputeID] = True
    self.ruling_of[disputeID] = ruling
    self.rule_count += 1
    self.status_seen[disputeID] = staticcall IArbitrator(msg.sender).disputeStatus(disputeID)
    self.ruling_seen[disputeID] = staticcall IArbitrator(msg.sender).currentRuling(disputeID)
    log IArbitrable.Ruling(arbitrator=msg.sender, disputeID=disputeID, ruling=ruling)

# pragma version ~=0.4.3
"""
@title Mock hostile arbitrable: reverts or re-enters its arbitrator on `rule`
@license MIT
@notice Modes for `rule`:
        0 NORMAL          record the ruling
        1 REVERT          revert "hostile: refuse ruling"
        2 REENTER_VOTE    call `vote(target, target_ruling)` on the arbitrator
                          and let its failure propagate
        3 SWALLOW_VOTE    the same call, failure swallowed; records whether
                          it succeeded, then records the ruling
        4 SWALLOW_CREATE  call `createDispute` on the arbitrator, failure
                          swallowed; records whether it succeeded
        5 BURN_GAS        loop until out of gas
        It can also vote itself (`cast`), for when governance seats it.
@custom:security Test code only.
"""

from ...contracts.interfaces import IArbitrable
from ...contracts.interfaces import IArbitrator

implements: IArbitrable


interface IPanelVote:
    def vote(dispute_id: uint256, ruling: uint256): nonpayable


# @dev The arbitrator it opens disputes at and re-enters.
arbitrator: public(address)
# @dev Behaviour of `rule`, see the header.
mode: public(uint256)
# @dev Dispute id used by the re-entering modes.
target: public(uint256)
# @dev Ruling used by the re-entering vote.
target_ruling: public(uint256)
# @dev Whether the last re-entrant call succeeded.
reentry_ok: public(bool)
# @dev Number of `rule` calls that completed.
rule_count: public(uint256)
# @dev Last ruling received.
last_ruling: public(uint256)
# @dev `arbitrator.disputeStatus(id)` as seen inside the last `rule`.
status_seen: public(uint8)
# @dev Scratch counter for BURN_GAS.
burned: public(uint256)


@deploy
def __init__(arbitrator: address):
    self.arbitrator = arbitrator


@external
def set_mode(mode: uint256, target: uint256, target_ruling: uint256):
    self.mode = mode
    self.target = target
    self.target_ruling = target_ruling


@external
@payable
def open(choices: uint256, extra_data: Bytes[256]) -> uint256:
    return extcall IArbitrator(self.arbitrator).createDispute(
        choices, extra_data, value=msg.value
    )


@external
def cast(dispute_id: uint256, ruling: uint256):
    extcall IPanelVote(self.arbitrator).vote(dispute_id, ruling)


@external
def rule(disputeID: uint256, ruling: uint256):
    assert msg.sender == self.arbitrator, "hostile: not arbitrator"
    mode: uint256 = self.mode
    if mode == 1:
        raise "hostile: refuse ruling"
    elif mode == 2:
        extcall IPanelVote(msg.sender).vote(self.target, self.target_ruling)
    elif mode == 3:
        self.reentry_ok = raw_call(
            msg.sender,
            abi_encode(self.target, self.target_ruling, method_id=method_id("vote(uint256,uint256)")),
            revert_on_failure=False,
        )
    elif mode == 4:
        extra: Bytes[64] = abi_encode(empty(address), empty(address))
        self.reentry_ok = raw_call(
            msg.sender,
            abi_encode(
                convert(103, uint256),
                extra,
                method_id=method_id("createDispute(uint256,bytes)"),
            ),
            revert_on_failure=False,
        )
    elif mode == 5:
        for i: uint256 in range(10**9):
            self.burned += 1
    self.status_seen = staticcall IArbitrator(msg.sender).disputeStatus(disputeID)
    self.last_ruling = ruling
    self.rule_count += 1

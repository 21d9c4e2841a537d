# pragma version ~=0.4.3
"""
@title MockCommitteeEvaluator
@license MIT
@notice Test double: a contract evaluator, the stand-in for a third party's
        validator committee. Three members vote on a delivered job; the
        second vote the same way gives the verdict through the escrow
        (`approve` or `reject`), with the hash of the deciding votes as the
        report. The committee pulls its evaluator fees to any address a
        member names. No quorum bookkeeping beyond that: it is a test double.
"""

interface IEscrow:
    def approve(job_id: uint256, report_hash: bytes32): nonpayable
    def reject(job_id: uint256, report_hash: bytes32): nonpayable
    def claim_fees(token: address, to: address): nonpayable


ESCROW: public(immutable(IEscrow))
members: public(address[3])
# @dev Per job: votes to approve and to reject, and who voted.
approvals: public(HashMap[uint256, uint256])
rejections: public(HashMap[uint256, uint256])
voted: public(HashMap[uint256, HashMap[address, bool]])


@deploy
def __init__(escrow: address, members: address[3]):
    ESCROW = IEscrow(escrow)
    self.members = members


@internal
@view
def _check_member():
    assert msg.sender in self.members, "committee: not a member"


@external
def vote(job_id: uint256, approve: bool):
    """
    @notice Vote on job `job_id`; the second vote either way is the verdict.
    """
    self._check_member()
    assert not self.voted[job_id][msg.sender], "committee: voted"
    self.voted[job_id][msg.sender] = True
    report: bytes32 = keccak256(abi_encode(job_id, approve))
    if approve:
        self.approvals[job_id] += 1
        if self.approvals[job_id] == 2:
            extcall ESCROW.approve(job_id, report)
    else:
        self.rejections[job_id] += 1
        if self.rejections[job_id] == 2:
            extcall ESCROW.reject(job_id, report)


@external
def claim(token: address, to: address):
    """
    @notice Pull the committee's evaluator fees in `token` to `to`.
    """
    self._check_member()
    extcall ESCROW.claim_fees(token, to)

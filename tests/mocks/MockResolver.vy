# pragma version ~=0.4.3
"""
@title Mock dispute resolver for the escrow tests
@license MIT
@notice Stands in for the DisputeResolver towards JobEscrow's IDisputeHost:
        `open`/`answer` pass the caller on, `open_as`/`answer_as` pass any
        address (to show the escrow checks it), `settle` forwards a payout
        shape. Keeps the last DisputedJob. Test use only.
@custom:security None: a test double.
"""

from ...contracts.interfaces import IDisputeHost

# @dev The escrow (set after deployment: the escrow fixes this resolver).
escrow: public(address)
# @dev The terms the escrow returned from the last `open_dispute`.
last: public(IDisputeHost.DisputedJob)


@external
def set_escrow(escrow: address):
    self.escrow = escrow


@external
def open(job_id: uint256) -> IDisputeHost.DisputedJob:
    self.last = extcall IDisputeHost(self.escrow).open_dispute(job_id, msg.sender)
    return self.last


@external
def open_as(job_id: uint256, caller: address) -> IDisputeHost.DisputedJob:
    self.last = extcall IDisputeHost(self.escrow).open_dispute(job_id, caller)
    return self.last


@external
def answer(job_id: uint256):
    extcall IDisputeHost(self.escrow).take_answer_bond(job_id, msg.sender)


@external
def answer_as(job_id: uint256, caller: address):
    extcall IDisputeHost(self.escrow).take_answer_bond(job_id, caller)


@external
def settle(
    job_id: uint256,
    provider_share: uint256,
    client_bond_back: uint256,
    provider_bond_back: uint256,
    outcome: uint8,
):
    extcall IDisputeHost(self.escrow).settle_dispute(
        job_id, provider_share, client_bond_back, provider_bond_back, outcome
    )

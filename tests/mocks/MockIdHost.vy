# pragma version ~=0.4.3
"""
@title Mock dispute host whose job ids do not name the parties
@license MIT
@notice Stands in for the escrow towards DisputeResolver's `dispute`:
        `open_dispute` returns the parties' ids set by `set_parties` (any
        value, up to 2**256 - 1), the caller as both principals and fixed
        terms, so the resolver's "id too large" check can be reached. Test
        use only.
@custom:security None: a test double.
"""

from ...contracts.interfaces import IDisputeHost

# @dev The parties' ids `open_dispute` returns.
client_id: public(uint256)
provider_id: public(uint256)
# @dev The arbitrator `open_dispute` names.
arbitrator: public(address)


@external
def set_parties(client_id: uint256, provider_id: uint256, arbitrator: address):
    self.client_id = client_id
    self.provider_id = provider_id
    self.arbitrator = arbitrator


@external
def open_dispute(job_id: uint256, caller: address) -> IDisputeHost.DisputedJob:
    return IDisputeHost.DisputedJob(
        client_id=self.client_id,
        provider_id=self.provider_id,
        client_principal=caller,
        provider_principal=caller,
        token=empty(address),
        amount=1_000_003,
        bond=50_001,
        response_window=86_401,
        arbitration_window=86_401,
        arbitrator=self.arbitrator,
        opened_by_provider=False,
    )

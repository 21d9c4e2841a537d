# pragma version ~=0.4.3
"""
@title Mock dispute host: an escrow ledger that implements IDisputeHost
@license MIT
@notice Stands in for JobEscrow in the DisputeResolver tests, with real
        bookkeeping in one internal ledger (no token moves: `deposit` just
        credits an agent): free balances per agent and token, the amount
        locked per job, bonds posted per side, and what the fee recipient is
        owed (the protocol fee and forfeited bonds). Every write ends with a
        conservation check per token:
            deposited == free + locked + bonds + fees
        and `settle_dispute` checks the job's own (I4):
            amount + bonds posted == provider net + fee + client refund
                                     + bonds returned + bonds forfeited.
        Callers are checked as the escrow does (principal, or unfrozen
        operator, read from the AgentRegistry) with the escrow's revert
        strings. Jobs are created Delivered (`create_job`); `complete` ends
        one without a dispute; `reject` stands in for the evaluator's
        rejection (Rejected, the provider may contest until now + the
        response window). Either side opens, as the escrow decides: the
        client a Delivered job (client bond first, the provider answers),
        the provider a Rejected one (provider bond first, the client
        answers; `opened_by_provider`). A settlement hook can call any
        contract while `settle_dispute` runs, to probe the resolver's lock.
@custom:security Test code only.
"""

from ...contracts.interfaces import IAgentRegistry
from ...contracts.interfaces import IDisputeHost

implements: IDisputeHost


STATUS_DELIVERED: constant(uint8) = 3
STATUS_COMPLETED: constant(uint8) = 4
STATUS_DISPUTED: constant(uint8) = 6
STATUS_REJECTED: constant(uint8) = 7
STATUS_RESOLVED: constant(uint8) = 8
BPS: constant(uint256) = 10_000


# @dev A job as the mock keeps it.
struct MockJob:
    client_id: uint256
    provider_id: uint256
    token: address
    amount: uint256
    bond: uint256
    response_window: uint256
    arbitration_window: uint256
    arbitrator: address
    review_deadline: uint256
    fee_bps: uint256
    status: uint8
    client_posted: uint256
    provider_posted: uint256
    contest_deadline: uint256
    opened_by_provider: bool


# @dev The arguments of a `settle_dispute` call and what they paid.
struct Settlement:
    provider_share: uint256
    client_bond_back: uint256
    provider_bond_back: uint256
    outcome: uint8
    provider_net: uint256
    fee: uint256
    client_refund: uint256
    forfeited: uint256


# @dev Where the callers' roles are read.
REGISTRY: public(immutable(IAgentRegistry))
# @dev The only caller of the IDisputeHost functions (set once).
resolver: public(address)
# @dev Jobs by id; ids start at 1.
jobs: public(HashMap[uint256, MockJob])
# @dev Last job id.
job_count: public(uint256)
# @dev Free balance of an agent in a token.
balance_of: public(HashMap[uint256, HashMap[address, uint256]])
# @dev Per token: everything deposited, and where it sits now.
deposited: public(HashMap[address, uint256])
free_total: public(HashMap[address, uint256])
locked_total: public(HashMap[address, uint256])
bonds_total: public(HashMap[address, uint256])
fees_total: public(HashMap[address, uint256])
# @dev What each settled job paid out, and how many settlements happened.
settlement_of: public(HashMap[uint256, Settlement])
settle_count: public(uint256)
# @dev Optional call made inside `settle_dispute` (re-entrancy probe).
hook_target: public(address)
hook_data: public(Bytes[256])
hook_called: public(bool)
hook_ok: public(bool)


@deploy
def __init__(registry: address):
    REGISTRY = IAgentRegistry(registry)


@external
def set_resolver(resolver: address):
    assert self.resolver == empty(address), "mock: resolver set"
    self.resolver = resolver


@external
def set_hook(target: address, data: Bytes[256]):
    self.hook_target = target
    self.hook_data = data
    self.hook_called = False
    self.hook_ok = False


@external
def deposit(agent_id: uint256, token: address, amount: uint256):
    self.balance_of[agent_id][token] += amount
    self.deposited[token] += amount
    self.free_total[token] += amount
    self._conserve(token)


@external
def create_job(
    client_id: uint256,
    provider_id: uint256,
    token: address,
    amount: uint256,
    bond: uint256,
    response_window: uint256,
    arbitration_window: uint256,
    arbitrator: address,
    review_window: uint256,
    fee_bps: uint256,
) -> uint256:
    """
    @notice A Delivered job whose amount is locked from the client's balance.
    """
    assert fee_bps <= 1_000, "mock: fee above cap"
    assert self.balance_of[client_id][token] >= amount, "escrow: insufficient balance"
    self.balance_of[client_id][token] -= amount
    self.free_total[token] -= amount
    self.locked_total[token] += amount
    job_id: uint256 = self.job_count + 1
    self.job_count = job_id
    self.jobs[job_id] = MockJob(
        client_id=client_id,
        provider_id=provider_id,
        token=token,
        amount=amount,
        bond=bond,
        response_window=response_window,
        arbitration_window=arbitration_window,
        arbitrator=arbitrator,
        review_deadline=block.timestamp + review_window,
        fee_bps=fee_bps,
        status=STATUS_DELIVERED,
        client_posted=0,
        provider_posted=0,
        contest_deadline=0,
        opened_by_provider=False,
    )
    self._conserve(token)
    return job_id


@external
def complete(job_id: uint256):
    """
    @notice End a Delivered job without a dispute: the provider is paid.
    """
    job: MockJob = self.jobs[job_id]
    assert job.status == STATUS_DELIVERED, "escrow: not delivered"
    fee: uint256 = job.amount * job.fee_bps // BPS
    self.jobs[job_id].status = STATUS_COMPLETED
    self.locked_total[job.token] -= job.amount
    self.balance_of[job.provider_id][job.token] += job.amount - fee
    self.free_total[job.token] += job.amount - fee
    self.fees_total[job.token] += fee
    self._conserve(job.token)


@external
def reject(job_id: uint256):
    """
    @notice The evaluator's rejection of a Delivered job: Rejected, and the
            provider may contest (open a dispute) until now + the job's
            response window.
    """
    job: MockJob = self.jobs[job_id]
    assert job.status == STATUS_DELIVERED, "escrow: not delivered"
    self.jobs[job_id].status = STATUS_REJECTED
    self.jobs[job_id].contest_deadline = block.timestamp + job.response_window


@external
def open_dispute(job_id: uint256, caller: address) -> IDisputeHost.DisputedJob:
    assert msg.sender == self.resolver, "escrow: not resolver"
    job: MockJob = self.jobs[job_id]
    by_provider: bool = job.status == STATUS_REJECTED
    if by_provider:
        assert block.timestamp < job.contest_deadline, "escrow: response deadline passed"
        self._authorize(job.provider_id, caller, False)
        self._take_bond(job.provider_id, job.token, job.bond)
        self.jobs[job_id].provider_posted = job.bond
    else:
        assert job.status == STATUS_DELIVERED, "escrow: not delivered"
        assert block.timestamp < job.review_deadline, "escrow: review deadline passed"
        self._authorize(job.client_id, caller, True)
        self._take_bond(job.client_id, job.token, job.bond)
        self.jobs[job_id].client_posted = job.bond
    self.jobs[job_id].status = STATUS_DISPUTED
    self.jobs[job_id].opened_by_provider = by_provider
    self._conserve(job.token)
    return IDisputeHost.DisputedJob(
        client_id=job.client_id,
        provider_id=job.provider_id,
        client_principal=(staticcall REGISTRY.agent_status(job.client_id)).principal,
        provider_principal=(staticcall REGISTRY.agent_status(job.provider_id)).principal,
        token=job.token,
        amount=job.amount,
        bond=job.bond,
        response_window=job.response_window,
        arbitration_window=job.arbitration_window,
        arbitrator=job.arbitrator,
        opened_by_provider=by_provider,
    )


@external
def take_answer_bond(job_id: uint256, caller: address):
    """
    @notice The answering side's bond: the provider's when the client
            opened, the client's when the provider contested a rejection.
    """
    assert msg.sender == self.resolver, "escrow: not resolver"
    job: MockJob = self.jobs[job_id]
    assert job.status == STATUS_DISPUTED, "escrow: not disputed"
    if job.opened_by_provider:
        assert job.client_posted == 0, "escrow: bond already posted"
        self._authorize(job.client_id, caller, True)
        self._take_bond(job.client_id, job.token, job.bond)
        self.jobs[job_id].client_posted = job.bond
    else:
        assert job.provider_posted == 0, "escrow: bond already posted"
        self._authorize(job.provider_id, caller, False)
        self._take_bond(job.provider_id, job.token, job.bond)
        self.jobs[job_id].provider_posted = job.bond
    self._conserve(job.token)


@external
def settle_dispute(
    job_id: uint256,
    provider_share: uint256,
    client_bond_back: uint256,
    provider_bond_back: uint256,
    outcome: uint8,
):
    assert msg.sender == self.resolver, "escrow: not resolver"
    job: MockJob = self.jobs[job_id]
    assert job.status == STATUS_DISPUTED, "escrow: not disputed"
    assert provider_share <= job.amount, "escrow: share above amount"
    assert client_bond_back <= job.client_posted, "escrow: bond back above posted"
    assert provider_bond_back <= job.provider_posted, "escrow: bond back above posted"
    assert outcome >= 4 and outcome <= 7, "mock: bad outcome"

    fee: uint256 = provider_share * job.fee_bps // BPS
    net: uint256 = provider_share - fee
    refund: uint256 = job.amount - provider_share
    posted: uint256 = job.client_posted + job.provider_posted
    forfeited: uint256 = posted - client_bond_back - provider_bond_back
    assert (
        job.amount + posted
        == net + fee + refund + client_bond_back + provider_bond_back + forfeited
    ), "mock: job not conserved"

    self.jobs[job_id].status = STATUS_RESOLVED
    self.locked_total[job.token] -= job.amount
    self.bonds_total[job.token] -= posted
    self.balance_of[job.provider_id][job.token] += net + provider_bond_back
    self.balance_of[job.client_id][job.token] += refund + client_bond_back
    self.free_total[job.token] += net + provider_bond_back + refund + client_bond_back
    self.fees_total[job.token] += fee + forfeited
    self.settlement_of[job_id] = Settlement(
        provider_share=provider_share,
        client_bond_back=client_bond_back,
        provider_bond_back=provider_bond_back,
        outcome=outcome,
        provider_net=net,
        fee=fee,
        client_refund=refund,
        forfeited=forfeited,
    )
    self.settle_count += 1
    self._conserve(job.token)

    if self.hook_target != empty(address):
        self.hook_called = True
        self.hook_ok = raw_call(self.hook_target, self.hook_data, revert_on_failure=False)


@external
@view
def status_of(job_id: uint256) -> uint8:
    return self.jobs[job_id].status


@internal
@view
def _authorize(agent_id: uint256, caller: address, as_client: bool) -> IAgentRegistry.AgentStatus:
    status: IAgentRegistry.AgentStatus = staticcall REGISTRY.agent_status(agent_id)
    if caller != status.principal:
        if caller != status.operator:
            if as_client:
                raise "escrow: not client"
            raise "escrow: not provider"
        assert not status.frozen, "escrow: agent frozen"
    return status


@internal
def _take_bond(agent_id: uint256, token: address, bond: uint256):
    assert self.balance_of[agent_id][token] >= bond, "escrow: insufficient balance"
    self.balance_of[agent_id][token] -= bond
    self.free_total[token] -= bond
    self.bonds_total[token] += bond


@internal
@view
def _conserve(token: address):
    assert (
        self.deposited[token]
        == self.free_total[token]
        + self.locked_total[token]
        + self.bonds_total[token]
        + self.fees_total[token]
    ), "mock: ledger not conserved"

# pragma version ~=0.4.3
"""
@title Mock escrow for the reputation tests: settlement hook and rating gate
@license MIT
@notice Stands in for JobEscrow towards ReputationRegistry. `open_job` and
        `settle` play a job's life (settle calls `record_job` unless the two
        sides share a principal, and logs `ReputationRecorded` when it does);
        `consume_rating` applies the escrow's rating checks with its revert
        strings. Test use only.
@custom:security None: a test double.
"""


# @dev Same shape as IRatingGate.RatingTicket.
struct RatingTicket:
    rater_id: uint256
    rated_id: uint256
    weighted_value: uint256


# @dev One job as the gate sees it.
struct Job:
    client_id: uint256
    provider_id: uint256
    client: address
    provider: address
    same_principal: bool
    settled: bool
    paid: uint256
    weighted_value: uint256
    client_rated: bool
    provider_rated: bool


interface IReputationHook:
    def record_job(
        job_id: uint256,
        client_id: uint256,
        provider_id: uint256,
        outcome: uint8,
        paid: uint256,
        weighted_value: uint256,
    ): nonpayable


# @dev The reputation registry this mock writes to and answers.
reputation: public(address)

# @dev Job id => job.
jobs: public(HashMap[uint256, Job])

# @dev Gas the last `record_job` call cost this mock, the CALL included.
hook_gas: public(uint256)


# @dev What the real escrow's settlement event tells readers, for jobs whose
# facts were written.
event ReputationRecorded:
    job_id: indexed(uint256)
    client_id: uint256
    provider_id: uint256
    outcome: uint8
    paid: uint256
    weighted_value: uint256


@external
def set_reputation(reputation: address):
    """
    @notice Wire (or unwire, with the empty address) the registry.
    @param reputation The ReputationRegistry.
    """
    self.reputation = reputation


@external
def open_job(
    job_id: uint256,
    client_id: uint256,
    client: address,
    provider_id: uint256,
    provider: address,
    same_principal: bool,
):
    """
    @notice Create a job, not settled.
    @param job_id The job id.
    @param client_id The client agent.
    @param client The client's acting address.
    @param provider_id The provider agent.
    @param provider The provider's acting address.
    @param same_principal Whether both sides share a principal.
    """
    self.jobs[job_id] = Job(
        client_id=client_id,
        provider_id=provider_id,
        client=client,
        provider=provider,
        same_principal=same_principal,
        settled=False,
        paid=0,
        weighted_value=0,
        client_rated=False,
        provider_rated=False,
    )


@external
def settle(job_id: uint256, outcome: uint8, paid: uint256, weighted_value: uint256):
    """
    @notice End a job: store what was paid and write reputation facts.
    @param job_id The job id.
    @param outcome The outcome code.
    @param paid What the provider received.
    @param weighted_value `paid` times the token weight.
    """
    job: Job = self.jobs[job_id]
    assert not job.settled, "mock: settled twice"
    job.settled = True
    job.paid = paid
    job.weighted_value = weighted_value
    self.jobs[job_id] = job
    hook: address = self.reputation
    if job.same_principal or hook == empty(address):
        return
    before: uint256 = msg.gas
    extcall IReputationHook(hook).record_job(
        job_id, job.client_id, job.provider_id, outcome, paid, weighted_value
    )
    self.hook_gas = before - msg.gas
    log ReputationRecorded(
        job_id=job_id,
        client_id=job.client_id,
        provider_id=job.provider_id,
        outcome=outcome,
        paid=paid,
        weighted_value=weighted_value,
    )


@external
def record_direct(
    job_id: uint256,
    client_id: uint256,
    provider_id: uint256,
    outcome: uint8,
    paid: uint256,
    weighted_value: uint256,
):
    """
    @notice Pass a `record_job` call straight through, for edge cases
            (same agent on both sides, unknown outcome, huge values).
    """
    extcall IReputationHook(self.reputation).record_job(
        job_id, client_id, provider_id, outcome, paid, weighted_value
    )


@external
def consume_rating(job_id: uint256, caller: address) -> RatingTicket:
    """
    @notice The escrow's rating gate, with its checks and revert strings.
    @param job_id The job.
    @param caller Who called `rate`.
    @return Who rates whom, with what weight.
    """
    assert msg.sender == self.reputation, "escrow: not reputation"
    job: Job = self.jobs[job_id]
    assert job.settled, "escrow: job not settled"
    assert job.paid != 0, "escrow: nothing paid"
    assert not job.same_principal, "escrow: same principal"
    ticket: RatingTicket = empty(RatingTicket)
    if caller == job.client:
        assert not job.client_rated, "escrow: already rated"
        self.jobs[job_id].client_rated = True
        ticket = RatingTicket(
            rater_id=job.client_id, rated_id=job.provider_id, weighted_value=job.weighted_value
        )
    elif caller == job.provider:
        assert not job.provider_rated, "escrow: already rated"
        self.jobs[job_id].provider_rated = True
        ticket = RatingTicket(
            rater_id=job.provider_id, rated_id=job.client_id, weighted_value=job.weighted_value
        )
    else:
        raise "escrow: not a party"
    return ticket


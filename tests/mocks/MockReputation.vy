# pragma version ~=0.4.3
"""
@title Mock reputation registry for the escrow tests
@license MIT
@notice Records every `record_job` call (count, per-outcome counters that
        cost a storage write like the real registry, and the last call's
        arguments), and lets a test rate a job through the escrow's rating
        gate with `rate`. Test use only.
@custom:security None: a test double.
"""

interface IRatingGate:
    def consume_rating(job_id: uint256, caller: address) -> RatingTicket: nonpayable


struct RatingTicket:
    rater_id: uint256
    rated_id: uint256
    weighted_value: uint256


struct JobRecord:
    job_id: uint256
    client_id: uint256
    provider_id: uint256
    outcome: uint8
    paid: uint256
    weighted_value: uint256


escrow: public(address)
calls: public(uint256)
outcome_count: public(HashMap[uint8, uint256])
last: public(JobRecord)
ratings: public(uint256)
last_ticket: public(RatingTicket)
reenter_data: public(Bytes[256])
keep_last: public(bool)


event Recorded:
    job_id: indexed(uint256)
    outcome: uint8
    paid: uint256
    weighted_value: uint256


@external
def set_escrow(escrow: address):
    self.escrow = escrow


@external
def set_keep_last(keep: bool):
    self.keep_last = keep


@external
def set_reenter(data: Bytes[256]):
    self.reenter_data = data


@external
def record_job(
    job_id: uint256,
    client_id: uint256,
    provider_id: uint256,
    outcome: uint8,
    paid: uint256,
    weighted_value: uint256,
):
    assert msg.sender == self.escrow, "mock: not escrow"
    self.calls += 1
    self.outcome_count[outcome] += 1
    if self.keep_last:
        self.last = JobRecord(
            job_id=job_id,
            client_id=client_id,
            provider_id=provider_id,
            outcome=outcome,
            paid=paid,
            weighted_value=weighted_value,
        )
    log Recorded(job_id=job_id, outcome=outcome, paid=paid, weighted_value=weighted_value)
    if len(self.reenter_data) != 0:
        raw_call(self.escrow, self.reenter_data)


@external
def rate(job_id: uint256) -> RatingTicket:
    ticket: RatingTicket = extcall IRatingGate(self.escrow).consume_rating(job_id, msg.sender)
    self.ratings += 1
    self.last_ticket = ticket
    return ticket

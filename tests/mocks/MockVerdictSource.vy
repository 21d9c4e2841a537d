# pragma version ~=0.4.3
"""
@title Mock escrow for the validation tests: a job verdict source
@license MIT
@notice Stands in for JobEscrow towards ValidationRegistry: `set_verdict`
        stores what `verdict` returns; a job without one reads all empty,
        as in the escrow. Test use only.
@custom:security None: a test double.
"""


struct Verdict:
    evaluator: address
    approved: bool
    report_hash: bytes32


_verdicts: HashMap[uint256, Verdict]


@external
def set_verdict(job_id: uint256, evaluator: address, approved: bool, report_hash: bytes32):
    """
    @notice Give job `job_id` a verdict (any evaluator, even empty).
    @param job_id The job.
    @param evaluator Its evaluator.
    @param approved The verdict.
    @param report_hash The report hash.
    """
    self._verdicts[job_id] = Verdict(evaluator=evaluator, approved=approved, report_hash=report_hash)


@external
@view
def verdict(job_id: uint256) -> (address, bool, bytes32):
    """
    @notice A job's verdict, as JobEscrow answers it.
    @param job_id The job.
    @return evaluator The evaluator (empty: no verdict).
    @return approved The verdict.
    @return report_hash The report hash.
    """
    v: Verdict = self._verdicts[job_id]
    return v.evaluator, v.approved, v.report_hash

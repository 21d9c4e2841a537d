"""Job evaluators: the party a job names to approve or reject its delivery.

A job may name an evaluator when it is created (from its listing, or in the
provider's signed offer): a re-execution service, a TEE or zk verifier, a
reviewer. Before the review deadline it calls `approve` (the job completes and
pays) or `reject` (the provider may contest before the response deadline,
else the client reclaims); either verdict earns it its fee, owed in the
escrow's `fees_owed` and pulled with `claim_fees`. The escrow keeps the
verdict (`given_verdict`); anyone may publish it, once and final, in the
ValidationRegistry (`ValidationClient.publish_verdict`). A silent evaluator
changes nothing: the job is finalized as any other.

`judge` is the re-execution check the example evaluator in `scripts/` (and
the demo) runs: recompute the deliverable (`recompute`, one of the
deterministic TASKS), compare its keccak256 with the result hash the provider
delivered, and write a small report whose hash goes on chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import ZERO_HASH, contract_at
from agentmarket.contracts.escrow import Job, JobStatus

# The escrow's and the listings' hard cap on an evaluator's fee (10 %).
MAX_EVALUATOR_FEE_BPS = 1_000

# Deterministic tasks a re-execution evaluator can recompute: input bytes ->
# result bytes (`scripts/evaluator.py` and the demo run these).
TASKS: dict[str, Callable[[bytes], bytes]] = {
    "uppercase": lambda data: data.upper(),
    "reverse": lambda data: data[::-1],
    "sha256": lambda data: hashlib.sha256(data).hexdigest().encode(),
}


@dataclass(frozen=True)
class JobEvaluator:
    """Who evaluates a job (empty address: nobody) and its fee in basis points."""

    address: str
    fee_bps: int

    @property
    def named(self) -> bool:
        return int(self.address, 16) != 0


@dataclass(frozen=True)
class Verdict:
    """An evaluator's decision on one delivered job, before it is sent.

    `report` is the evidence (JSON-ready); `report_hash` is keccak256 of its
    canonical JSON, the hash that goes on chain with the verdict."""

    job_id: int
    approved: bool
    delivered_hash: bytes
    expected_hash: bytes
    report: dict[str, Any]

    @property
    def report_json(self) -> str:
        return json.dumps(self.report, sort_keys=True, separators=(",", ":"))

    @property
    def report_hash(self) -> bytes:
        return bytes(Web3.keccak(text=self.report_json))


def check_fee(fee_bps: int) -> None:
    """Raise ValueError for a fee the contracts would refuse."""
    if not 0 <= fee_bps <= MAX_EVALUATOR_FEE_BPS:
        raise ValueError(f"an evaluator's fee is 0..{MAX_EVALUATOR_FEE_BPS} basis points")


def evaluator_fee(price: int, fee_bps: int) -> int:
    """What a verdict earns: price * fee_bps // 10_000, as the escrow computes it."""
    return price * fee_bps // 10_000


def recompute(task: str, data: bytes) -> bytes:
    """The result of the deterministic `task` on `data` (see TASKS)."""
    try:
        run = TASKS[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}: one of {', '.join(sorted(TASKS))}") from None
    return run(data)


def judge(job: Job, expected_result: bytes, method: str = "re-execution") -> Verdict:
    """Compare the delivered result hash of `job` with keccak256 of the result
    the evaluator recomputed. Raise ValueError unless the job is Delivered."""
    if job.status != JobStatus.DELIVERED:
        raise ValueError(f"job {job.job_id} is {job.status.name}, not DELIVERED")
    expected = bytes(Web3.keccak(expected_result))
    approved = expected == job.hash
    report = {
        "job_id": str(job.job_id),
        "method": method,
        "delivered_hash": "0x" + job.hash.hex(),
        "expected_hash": "0x" + expected.hex(),
        "verdict": "approved" if approved else "rejected",
    }
    return Verdict(job.job_id, approved, job.hash, expected, report)


@dataclass(frozen=True)
class GivenVerdict:
    """A verdict as the escrow keeps it (`JobEscrow.verdict`): what
    `ValidationClient.publish_verdict` publishes."""

    job_id: int
    evaluator: str
    approved: bool
    report_hash: bytes


class EvaluatorClient:
    """The evaluator's calls on JobEscrow: read who evaluates a job, give a verdict."""

    def __init__(self, w3: Web3, escrow: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "JobEscrow", escrow)

    def evaluator_of(self, job_id: int) -> JobEvaluator:
        address, fee_bps = self.contract.functions.evaluator_of(job_id).call()
        return JobEvaluator(Web3.to_checksum_address(address), int(fee_bps))

    def given_verdict(self, job_id: int) -> GivenVerdict | None:
        """The verdict the job's evaluator gave, kept by the escrow (None: none yet)."""
        evaluator, approved, report_hash = self.contract.functions.verdict(job_id).call()
        if int(evaluator, 16) == 0:
            return None
        return GivenVerdict(
            job_id, Web3.to_checksum_address(evaluator), bool(approved), bytes(report_hash)
        )

    def approve(self, signer: Signer, job_id: int, report_hash: bytes = ZERO_HASH) -> TxReceipt:
        """Approve a delivered job (its evaluator, before the review deadline)."""
        return signer.transact(self.contract.functions.approve(job_id, _hash32(report_hash)))

    def reject(self, signer: Signer, job_id: int, report_hash: bytes = ZERO_HASH) -> TxReceipt:
        """Reject a delivered job (its evaluator, before the review deadline)."""
        return signer.transact(self.contract.functions.reject(job_id, _hash32(report_hash)))

    def send(self, signer: Signer, verdict: Verdict) -> TxReceipt:
        """Give `verdict` on chain, its report hash attached."""
        if verdict.approved:
            return self.approve(signer, verdict.job_id, verdict.report_hash)
        return self.reject(signer, verdict.job_id, verdict.report_hash)


def _hash32(value: bytes) -> bytes:
    if len(value) != 32:
        raise ValueError(f"a report hash is 32 bytes, not {len(value)}")
    return value

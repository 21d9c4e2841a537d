"""`agentmarket.evaluation` without a chain: the re-execution check, fees and hashes."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

import pytest
from eth_account import Account
from web3 import Web3

from agentmarket.chain import Signer
from agentmarket.contracts.escrow import Job, JobStatus
from agentmarket.contracts.evaluation import (
    MAX_EVALUATOR_FEE_BPS,
    TASKS,
    EvaluatorClient,
    JobEvaluator,
    Verdict,
    _hash32,
    check_fee,
    evaluator_fee,
    judge,
    recompute,
)
from agentmarket.contracts.offers import NO_EVALUATOR

INPUT = b"Hello, agents"
JOB_ID = (1_700_000_000 << 136) | (7 << 64) | 9


def job(result: bytes, status: JobStatus = JobStatus.DELIVERED) -> Job:
    """A job as the escrow's view returns it, delivered with keccak256(result)."""
    return Job(
        job_id=JOB_ID,
        client_id=7,
        provider_id=9,
        token="0x" + "11" * 20,
        price=10**18,
        status=status,
        deadline=1_700_003_600,
        delivery_time=3_600,
        config_id=1,
        flags=0,
        hash=bytes(Web3.keccak(result)),
    )


def test_judge__matching_result__approved() -> None:
    verdict = judge(job(b"HELLO, AGENTS"), recompute("uppercase", INPUT))
    assert verdict.approved and verdict.job_id == JOB_ID
    assert verdict.delivered_hash == verdict.expected_hash == bytes(Web3.keccak(b"HELLO, AGENTS"))
    assert verdict.report == {
        "job_id": str(JOB_ID),
        "method": "re-execution",
        "delivered_hash": "0x" + verdict.delivered_hash.hex(),
        "expected_hash": "0x" + verdict.expected_hash.hex(),
        "verdict": "approved",
    }


def test_judge__different_result__rejected() -> None:
    verdict = judge(job(INPUT), TASKS["uppercase"](INPUT), method="re-execution:uppercase")
    assert not verdict.approved
    assert verdict.delivered_hash == bytes(Web3.keccak(INPUT))
    assert verdict.expected_hash == bytes(Web3.keccak(INPUT.upper()))
    assert verdict.report["verdict"] == "rejected"
    assert verdict.report["method"] == "re-execution:uppercase"


@pytest.mark.parametrize(
    "status",
    [s for s in JobStatus if s != JobStatus.DELIVERED],
)
def test_judge__refuses_a_job_that_is_not_delivered(status: JobStatus) -> None:
    with pytest.raises(ValueError, match=f"is {status.name}, not DELIVERED"):
        judge(job(INPUT.upper(), status), INPUT.upper())


def test_report_hash__keccak256_of_the_canonical_json() -> None:
    verdict = judge(job(INPUT.upper()), INPUT.upper())
    canonical = json.dumps(verdict.report, sort_keys=True, separators=(",", ":"))
    assert verdict.report_json == canonical
    assert " " not in canonical and canonical.startswith('{"delivered_hash":')
    assert verdict.report_hash == bytes(Web3.keccak(text=canonical))
    assert len(verdict.report_hash) == 32
    # the same report written in another key order hashes the same
    shuffled = Verdict(
        verdict.job_id,
        verdict.approved,
        verdict.delivered_hash,
        verdict.expected_hash,
        dict(reversed(list(verdict.report.items()))),
    )
    assert shuffled.report_hash == verdict.report_hash
    # and a different verdict does not
    assert judge(job(INPUT), INPUT.upper()).report_hash != verdict.report_hash


def test_tasks__deterministic_results() -> None:
    assert recompute("uppercase", b"abc") == b"ABC"
    assert recompute("reverse", b"abc") == b"cba"
    assert recompute("sha256", b"abc") == hashlib.sha256(b"abc").hexdigest().encode()
    with pytest.raises(ValueError, match="unknown task 'translate'"):
        recompute("translate", b"abc")


@pytest.mark.parametrize(
    ("price", "fee_bps", "fee"),
    [
        (20 * 10**18, 200, 4 * 10**17),
        (10**18, 0, 0),
        (10**18, 1_000, 10**17),
        (99, 200, 1),  # rounded down, as the escrow does
        (49, 200, 0),
        (2**128 - 1, 1_000, (2**128 - 1) * 1_000 // 10_000),
    ],
)
def test_evaluator_fee__price_times_bps_floor_divided(price: int, fee_bps: int, fee: int) -> None:
    assert evaluator_fee(price, fee_bps) == fee == price * fee_bps // 10_000


def test_check_fee__bounds() -> None:
    assert MAX_EVALUATOR_FEE_BPS == 1_000
    for ok in (0, 1, 200, 999, 1_000):
        check_fee(ok)
    for bad in (-1, 1_001, 10_000):
        with pytest.raises(ValueError, match=r"0\.\.1000 basis points"):
            check_fee(bad)


def test_hash32__exactly_32_bytes() -> None:
    assert _hash32(b"\x01" * 32) == b"\x01" * 32
    for bad in (b"", b"\x01" * 31, b"\x01" * 33):
        with pytest.raises(ValueError, match=f"not {len(bad)}"):
            _hash32(bad)


class NeverSigns:
    """A stand-in signer: the tests below must fail before anything is sent."""

    def transact(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a transaction was sent")


def test_verdict_calls__refuse_a_bad_report_hash_before_sending() -> None:
    client = EvaluatorClient(Web3(), "0x" + "22" * 20)
    signer = cast(Signer, NeverSigns())
    with pytest.raises(ValueError, match="not 31"):
        client.approve(signer, 1, b"\0" * 31)
    with pytest.raises(ValueError, match="not 33"):
        client.reject(signer, 1, b"\0" * 33)


def test_job_evaluator__named() -> None:
    assert not JobEvaluator(NO_EVALUATOR, 0).named
    assert JobEvaluator(str(Account.create().address), 200).named


def test_send__the_verdict_picks_approve_or_reject_with_its_report_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = EvaluatorClient(Web3(), "0x" + "22" * 20)
    sent: list[tuple[str, int, bytes]] = []
    for name in ("approve", "reject"):
        monkeypatch.setattr(
            client,
            name,
            lambda _signer, job_id, digest, name=name: sent.append((name, job_id, digest)),
        )
    signer = cast(Signer, NeverSigns())
    good, bad = judge(job(INPUT.upper()), INPUT.upper()), judge(job(INPUT), INPUT.upper())
    client.send(signer, good)
    client.send(signer, bad)
    assert sent == [("approve", JOB_ID, good.report_hash), ("reject", JOB_ID, bad.report_hash)]

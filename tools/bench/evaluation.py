"""Evaluator benchmarks: gas of a job evaluator's `approve` and `reject`, and of
publishing a verdict (`publish_verdict`).

`evaluation_steps` is called by `tools.bench.gas` (whole-transaction gas,
same chain and rules as every other step, into `benchmarks/gas.json`).

Steady state, as the other steps: the provider sells through a second
listing that names an evaluator (2 % fee), and one job of that listing was
approved and one rejected before, both verdicts published, so the
evaluator's fee word, the reputation words (the provider's verdict counters
included) and the validation registry's list lengths and summaries exist.
Each measured verdict carries a report hash, as `scripts/evaluator.py` sends
one, so its publication pays the registry's fresh response-hash word; the
provider's operator publishes it, as a provider who wants it shown would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from web3 import Web3

from agentmarket.contracts.evaluation import EvaluatorClient
from agentmarket.contracts.validation import ValidationClient

if TYPE_CHECKING:
    from tools.bench.gas import Bench

EVALUATOR_FEE_BPS = 200


def evaluation_steps(bench: Bench) -> dict[str, int]:
    """`approve` and `reject` of a delivered job by its evaluator, and the
    publication of a verdict, in a steady state."""
    m = bench.market
    evaluator = bench.fresh_signer("evaluator")
    client = EvaluatorClient(bench.w3, m.escrow.address)
    registry = ValidationClient(bench.w3, bench.deployment.address("ValidationRegistry"))
    base = m.listings.get(m.listing_id)
    listing_id = m.listings.create(
        m.provider_op,
        m.provider_id,
        "translate",
        base.token,
        base.price,
        base.max_delivery_time,
        base.terms_hash,
    )
    m.listings.set_evaluator(m.provider_op, listing_id, evaluator.address, EVALUATOR_FEE_BPS)

    def delivered() -> int:
        job_id = m.escrow.hire(m.client_op, m.listings.get(listing_id), m.client_id)
        m.escrow.accept(m.provider_op, job_id)
        m.deliver(job_id)
        return job_id

    def report(n: int) -> bytes:
        return bytes(Web3.keccak(text=f"bench-evaluation-report-{n}"))

    for n, verdict in ((1, client.approve), (2, client.reject)):
        job_id = delivered()
        verdict(evaluator, job_id, report(n))
        registry.publish_verdict(m.provider_op, job_id)
    approved = delivered()
    note = bench.note
    gas = {
        "approve": note("approve", client.approve(evaluator, approved, report(3))),
        "reject": note("reject", client.reject(evaluator, delivered(), report(4))),
    }
    gas["publish_verdict"] = note(
        "publish_verdict", registry.publish_verdict(m.provider_op, approved)
    )
    return gas

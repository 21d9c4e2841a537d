"""`agentmarket approve | reject | contest | evaluator ...`: jobs judged by an evaluator.

    agentmarket evaluator set LISTING EVALUATOR --fee-bps 200     # provider names one
    agentmarket evaluator set LISTING --none                      # ...or removes it
    agentmarket evaluator show JOB                                # who evaluates a job
    agentmarket approve JOB [--report-uri U | --report-hash H] [--publish]  # its evaluator
    agentmarket reject JOB [--report-uri U | --report-hash H] [--publish]   # its evaluator
    agentmarket contest JOB [--evidence-uri U] [--fee WEI]        # the provider, after a rejection

Same conventions as every other command (`agentmarket.cli`). A rejected job
that nobody contests before its response deadline is reclaimed by its client
with `agentmarket reclaim JOB`; the client may also still pay it with
`agentmarket complete JOB`. The escrow keeps each verdict; anyone publishes
it in the ERC-8004 validation registry with `agentmarket validation publish
JOB` (or `--publish` here, in a second transaction).
"""

from __future__ import annotations

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    AMOUNT,
    Address,
    BigInt,
    Hash32,
    Session,
    chain_options,
    check_evaluator_fee,
    content_hash,
    dispute_row,
    field_table,
    job_row,
)
from agentmarket.contracts.evaluation import EvaluatorClient
from agentmarket.contracts.offers import NO_EVALUATOR

ADDRESS, BIGINT, HASH32 = Address(), BigInt(), Hash32()


def _evaluators(s: Session) -> EvaluatorClient:
    return EvaluatorClient(s.w3, s.escrow.address)


def _report(report_uri: str, report_hash: bytes | None) -> bytes:
    return report_hash if report_hash is not None else content_hash(report_uri)


def _verdict_command(name: str, approve: bool, help_text: str) -> None:
    @main.command(name=name, help=help_text)
    @chain_options(signs=True)
    @click.argument("job_id", type=BIGINT)
    @click.option("--report-uri", default="", help="Where the evaluator's report lives.")
    @click.option("--report-hash", type=HASH32, default=None, help="Default: keccak256(uri).")
    @click.option(
        "--publish",
        is_flag=True,
        help="Also publish the verdict in the validation registry (a second transaction).",
    )
    def command(
        s: Session, job_id: int, report_uri: str, report_hash: bytes | None, publish: bool
    ) -> None:
        client = _evaluators(s)
        digest = _report(report_uri, report_hash)
        if approve:
            client.approve(s.signer, job_id, digest)
        else:
            client.reject(s.signer, job_id, digest)
        if publish:
            s.validation.publish_verdict(s.signer, job_id)
        job_row(s, job_id, f"{name}d" if name.endswith("e") else f"{name}ed")


_verdict_command(
    "approve",
    True,
    "Approve a delivered job as its evaluator: the job completes and pays; you earn your fee.",
)
_verdict_command(
    "reject",
    False,
    "Reject a delivered job as its evaluator: the provider may contest, else the client "
    "reclaims; you earn your fee.",
)


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--evidence-uri", default="", help="ERC-1497 meta-evidence JSON URI.")
@click.option("--fee", type=AMOUNT, default=0, help="Native arbitration fee (0 for the panel).")
def contest(s: Session, job_id: int, evidence_uri: str, fee: int) -> None:
    """Contest an evaluator's rejection (provider), before the response deadline: the
    bond is taken from the provider's balance and the client must answer."""
    s.disputes.dispute(s.signer, job_id, evidence_uri, fee)
    dispute_row(s, job_id, "contested")


@main.group(name="evaluator")
def evaluator() -> None:
    """Name a listing's evaluator, or read a job's."""


@evaluator.command(name="set")
@chain_options(signs=True)
@click.argument("listing_id", type=BIGINT)
@click.argument("evaluator_address", type=ADDRESS, required=False)
@click.option("--fee-bps", type=int, default=0, show_default=True, help="At most 1000 (10 %).")
@click.option("--none", "remove", is_flag=True, help="Remove the listing's evaluator.")
def set_(
    s: Session, listing_id: int, evaluator_address: str | None, fee_bps: int, remove: bool
) -> None:
    """Name the evaluator of the jobs hired from LISTING (its provider); bumps the version."""
    if remove == (evaluator_address is not None):
        raise click.UsageError("give an EVALUATOR address, or --none to remove it")
    check_evaluator_fee(evaluator_address, fee_bps, "--fee-bps")
    who = NO_EVALUATOR if evaluator_address is None else evaluator_address
    s.listings.set_evaluator(s.signer, listing_id, who, fee_bps)
    listing = s.listings.get(listing_id)
    s.emit(
        {
            "listing_id": listing_id,
            "evaluator": listing.evaluator,
            "fee_bps": listing.evaluator_fee_bps,
            "version": listing.version,
        },
        message=f"listing [bold]#{listing_id}[/] v{listing.version}: evaluator "
        f"{listing.evaluator if evaluator_address else 'none'}"
        + (f" for {fee_bps} bps" if evaluator_address else ""),
    )


@evaluator.command(name="show")
@chain_options()
@click.argument("job_id", type=BIGINT)
def show(s: Session, job_id: int) -> None:
    """Who evaluates JOB, for what fee, and the verdict it gave (kept by the escrow)."""
    client = _evaluators(s)
    judge = client.evaluator_of(job_id)
    given = client.given_verdict(job_id)
    verdict = None
    if given is not None:
        verdict = {"approved": given.approved, "report_hash": "0x" + given.report_hash.hex()}
    data = {
        "job_id": job_id,
        "evaluator": judge.address,
        "fee_bps": judge.fee_bps,
        "verdict": verdict,
    }
    rows = [
        ("job", str(job_id)),
        ("evaluator", judge.address if judge.named else "- (none)"),
        ("fee", f"{judge.fee_bps} bps"),
        (
            "verdict",
            "- (none yet)"
            if given is None
            else f"{'approved' if given.approved else 'rejected'}, report "
            f"0x{given.report_hash.hex()[:12]}…",
        ),
    ]
    s.emit(data, field_table("Evaluator", rows))

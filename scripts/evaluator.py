"""An example job evaluator: re-execute the task, compare hashes, give the verdict.

    python scripts/evaluator.py JOB_ID --task uppercase --input-file input.txt \\
        --rpc http://127.0.0.1:8545 --deployment deployments/local.json   # key: $AGENTMARKET_KEY

The provider delivered a result and put keccak256(result) on chain as the
job's result hash. This evaluator recomputes the result from the job's input
with the named deterministic task, compares keccak256 of its own result with
the delivered hash, and approves the job if they match or rejects it if they
do not, attaching keccak256 of a small JSON report (printed, so it can be
published). Any re-execution service, TEE or zk verifier is the same loop
with a different `recompute`.

It signs as the job's evaluator, named on the job when it was created (the
listing's `agentmarket evaluator set`, or an offer's `--evaluator`); the
escrow refuses anyone else, and refuses a verdict after the review deadline.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from agentmarket.cli.options import BigInt, Session, chain_options
from agentmarket.contracts.evaluation import TASKS, EvaluatorClient, Verdict, judge, recompute
from agentmarket.errors import AgentMarketError

__all__ = ["TASKS", "evaluate", "main"]


def evaluate(
    s: Session, job_id: int, task: str, data: bytes, dry_run: bool, publish: bool = True
) -> Verdict:
    """Judge `job_id` by re-running `task` on `data`; send the verdict unless
    `dry_run`, then (`publish`) publish it in the validation registry, where
    ERC-8004 readers find this evaluator's record."""
    client = EvaluatorClient(s.w3, s.escrow.address)
    named = client.evaluator_of(job_id)
    if not named.named:
        raise click.ClickException(f"job {job_id} names no evaluator")
    if not dry_run and named.address.lower() != s.signer.address.lower():
        raise click.ClickException(
            f"job {job_id} is evaluated by {named.address}, not by {s.signer.address}"
        )
    try:
        verdict = judge(s.escrow.job(job_id), recompute(task, data), method=f"re-execution:{task}")
    except ValueError as exc:  # not Delivered (yet, or any more)
        raise click.ClickException(str(exc)) from exc
    if not dry_run:
        client.send(s.signer, verdict)
        if publish:
            s.validation.publish_verdict(s.signer, job_id)
    return verdict


@click.command()
@chain_options(signs=True)
@click.argument("job_id", type=BigInt())
@click.option("--task", type=click.Choice(sorted(TASKS)), required=True)
@click.option(
    "--input-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True
)
@click.option("--dry-run", is_flag=True, help="Judge and print, send nothing.")
@click.option(
    "--publish/--no-publish",
    default=True,
    help="Publish the verdict in the validation registry (a second transaction).",
)
def main(
    s: Session, job_id: int, task: str, input_file: Path, dry_run: bool, publish: bool
) -> None:
    """Re-execute TASK on the job's input and approve or reject JOB_ID."""
    try:
        verdict = evaluate(s, job_id, task, input_file.read_bytes(), dry_run, publish)
    except AgentMarketError as exc:  # a refusal: `error: <revert string>`, status 1, as the CLI
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(1) from exc
    out = {
        **verdict.report,
        "report_hash": "0x" + verdict.report_hash.hex(),
        "sent": not dry_run,
        "published": publish and not dry_run,
    }
    click.echo(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

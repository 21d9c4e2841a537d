"""`agentmarket agent hire`: a client agent hires the best verified provider of a tag.

    agentmarket agent hire summarize --as 7 --input @doc.txt --max-price 25e18 \\
        --db sqlite:///agentmarket-index.db --key-env CLIENT_OPERATOR_KEY

It syncs the index, picks the best provider within the price and score whose
registration file checks out against the chain, hires it on-chain, sends the signed
task over A2A, and (unless `--no-wait`) waits for the delivery, checks the result
against its hash and completes the job, or disputes it with the evidence
(`agentmarket.agent.client.ClientAgent`).
"""

from __future__ import annotations

from pathlib import Path

import click

from agentmarket.agent.client import DEFAULT_TIMEOUT, ClientAgent, HireOutcome
from agentmarket.cli.agent import agent
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    DURATION,
    Session,
    chain_options,
    field_table,
)
from agentmarket.index.indexer import DEFAULT_DB_URL


def read_input(value: str) -> str:
    """The task's input: the text itself, or the UTF-8 content of FILE for `@FILE`
    (`@@...` is the literal text `@...`)."""
    if value.startswith("@@"):
        return value[1:]
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"cannot read {path}: {exc}", param_hint="--input") from exc
    return value


def outcome_json(outcome: HireOutcome) -> dict[str, object]:
    """What `--json` prints of a hire."""
    return {
        "job_id": str(outcome.job_id),
        "provider_id": outcome.provider_id,
        "listing_id": outcome.listing_id,
        "token": outcome.token,
        "price": str(outcome.price),
        "status": outcome.status.name.lower(),
        "result": outcome.result,
        "result_hash": "0x" + outcome.result_hash.hex() if outcome.result_hash else None,
        "result_uri": outcome.result_uri,
        "disputed": outcome.disputed,
        "dispute_reason": outcome.dispute_reason,
        "evidence": outcome.evidence,
        "a2a_endpoint": outcome.a2a_endpoint,
        "a2a_task_id": outcome.a2a_task_id,
        "skipped": [{"provider_id": p, "reason": why} for p, why in outcome.skipped],
        "seconds": {
            "discover": round(outcome.timings.discover, 3),
            "hire": round(outcome.timings.hire, 3),
            "send": round(outcome.timings.send, 3),
            "delivery": round(outcome.timings.delivery, 3),
            "settle": round(outcome.timings.settle, 3),
            "total": round(outcome.timings.total, 3),
        },
    }


@agent.command(name="hire")
@chain_options(signs=True)
@click.argument("tag")
@click.option(
    "--as",
    "client_id",
    type=BIGINT,
    required=True,
    help="The hiring client agent (the key is its principal or operator).",
)
@click.option(
    "--input", "input_text", required=True, help="The task's input: text, or @FILE to read it."
)
@click.option("--max-price", type=AMOUNT, required=True, help="The most to pay, in base units.")
@click.option("--min-score", type=int, default=0, help="Hundredths: 8000 = 80.00.")
@click.option("--token", type=ADDRESS, default=None, help="Only listings in this token.")
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Wait for the delivery, check it and complete (or dispute).",
)
@click.option(
    "--timeout",
    type=DURATION,
    default=int(DEFAULT_TIMEOUT),
    show_default=True,
    help="How long to wait for the delivery (seconds, or 10m, 1h).",
)
@click.option("--db", "db_url", default=DEFAULT_DB_URL, show_default=True, help="Index database.")
def hire(
    s: Session,
    tag: str,
    client_id: int,
    input_text: str,
    max_price: int,
    min_score: int,
    token: str | None,
    wait: bool,
    timeout: int,
    db_url: str,
) -> None:
    """Hire the best verified provider of TAG for a task, send it over A2A, and pay
    for a result that matches its delivered hash."""
    text = read_input(input_text)
    market = s.market
    with market.index(db_url, progress=False) as index:
        client = ClientAgent(market, client_id, index=index, account=s.account())
        outcome = client.hire(
            tag,
            text,
            max_price,
            min_score=min_score,
            token=token,
            wait=wait,
            timeout=float(timeout),
        )
    rows: list[tuple[str, object]] = [
        ("job", outcome.job_id),
        ("provider", f"#{outcome.provider_id} (listing #{outcome.listing_id})"),
        ("price", f"{outcome.price} of {outcome.token}"),
        ("status", outcome.status.name.lower()),
    ]
    if outcome.result_hash is not None:
        rows.append(("result hash", "0x" + outcome.result_hash.hex()))
    if outcome.disputed:
        rows.append(("disputed", outcome.dispute_reason))
    if outcome.result is not None:
        rows.append(("result", outcome.result))
    for provider_id, why in outcome.skipped:
        rows.append((f"skipped #{provider_id}", why))
    rows.append(("seconds", f"{outcome.timings.total:.2f}"))
    s.emit(outcome_json(outcome), field_table(f"hired agent #{outcome.provider_id}", rows))

"""`agentmarket list | index | find`: listings and discovery through the index."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    DURATION,
    HASH32,
    Session,
    chain_options,
    check_evaluator_fee,
    content_hash,
)
from agentmarket.index.reorg import DEFAULT_REORG_DEPTH

# ---------------------------------------------------------------- listings


@main.command(name="list")
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.option("--tag", required=True, help="Capability tag by name, e.g. translate.")
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--price", type=AMOUNT, required=True, help="Price in base units.")
@click.option("--delivery-time", type=DURATION, required=True, help="e.g. 2h, 1d.")
@click.option("--terms-uri", default="", help="Where the terms live.")
@click.option("--terms-hash", type=HASH32, default=None, help="Default: keccak256(terms-uri).")
@click.option("--evaluator", type=ADDRESS, default=None, help="Who approves or rejects deliveries.")
@click.option("--evaluator-fee-bps", type=int, default=0, help="The evaluator's fee, at most 1000.")
def list_(
    s: Session,
    agent_id: int,
    tag: str,
    token: str,
    price: int,
    delivery_time: int,
    terms_uri: str,
    terms_hash: bytes | None,
    evaluator: str | None,
    evaluator_fee_bps: int,
) -> None:
    """Publish a listing for provider AGENT_ID (optionally judged by an evaluator)."""
    check_evaluator_fee(evaluator, evaluator_fee_bps)
    listing_id = s.listings.create(
        s.signer,
        agent_id,
        tag,
        token,
        price,
        delivery_time,
        terms_hash if terms_hash is not None else content_hash(terms_uri),
        terms_uri,
    )
    if evaluator is not None:
        s.listings.set_evaluator(s.signer, listing_id, evaluator, evaluator_fee_bps)
    s.emit(
        {"listing_id": listing_id, "provider_id": agent_id, "tag": tag, "price": price},
        message=f"listing [bold]#{listing_id}[/]: agent #{agent_id} sells {tag!r} for {price}",
    )


DEFAULT_DB = "sqlite:///agentmarket-index.db"


@main.command()
@chain_options()
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="Index database URL.")
@click.option("--batch-size", type=int, default=2_000, show_default=True)
@click.option("--confirmations", type=int, default=0, show_default=True)
@click.option(
    "--reorg-depth",
    type=click.IntRange(min=0),
    default=DEFAULT_REORG_DEPTH,
    show_default=True,
    help="Newest synced blocks a chain reorganisation may replace and still be undone "
    "(0: trust the chain).",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def index(
    s: Session,
    db_url: str,
    batch_size: int,
    confirmations: int,
    reorg_depth: int,
    no_progress: bool,
) -> None:
    """Sync the discovery index from the chain (resumes where it stopped).

    A reorganisation of blocks already synced is detected (kept block hashes) and
    undone before syncing on; one deeper than --reorg-depth stops with an error.
    """
    from agentmarket.index.indexer import Indexer

    with Indexer.from_deployment(
        s.w3,
        s.deployment,
        db_url,
        batch_size=batch_size,
        confirmations=confirmations,
        reorg_depth=reorg_depth,
        progress=not no_progress and not s.as_json,
    ) as indexer:
        report = indexer.sync()
    reorged = (
        f"chain reorganised: {report.orphaned_blocks} synced blocks replaced, rolled back "
        f"to block {report.rolled_back_to}\n"
        if report.rolled_back_to is not None
        else ""
    )
    s.emit(
        report,
        message=(
            f"{reorged}synced blocks {report.from_block}..{report.to_block}: {report.events} "
            f"events in {report.batches} batches, {report.seconds:.2f} s"
        ),
    )


@main.command()
@click.argument("tag")
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="Index database URL.")
@click.option("--max-price", type=AMOUNT, default=None)
@click.option("--min-score", type=int, default=0, help="Hundredths: 8000 = 80.00.")
@click.option("--token", type=ADDRESS, default=None)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--evaluated", is_flag=True, help="Only listings whose jobs name an evaluator.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def find(
    tag: str,
    db_url: str,
    max_price: int | None,
    min_score: int,
    token: str | None,
    limit: int,
    evaluated: bool,
    as_json: bool,
) -> None:
    """Providers for capability TAG from the index, best score first, each with the
    evaluator its jobs name (if any) and that evaluator's fee."""
    from agentmarket.index.indexer import find_providers
    from agentmarket.index.schema import database_path, open_database

    path = database_path(db_url)
    if path != ":memory:" and not Path(path).is_file():
        raise click.ClickException(
            f"no index at {path}: run `agentmarket index --db {db_url}` first"
        )
    conn = open_database(db_url)
    try:
        matches = find_providers(conn, tag, max_price, min_score, token, limit, evaluated=evaluated)
    finally:
        conn.close()
    table = Table(title=f"Providers for {tag!r}", title_justify="left")
    # Short columns keep one line; amounts and addresses wrap on a narrow
    # terminal but are never cut short.
    for column in ("listing", "provider", "price", "token", "delivery", "score", "jobs"):
        table.add_column(column, no_wrap=column not in ("price", "token"), overflow="fold")
    table.add_column("evaluator", overflow="fold")
    table.add_column("v", no_wrap=True)
    for m in matches:
        table.add_row(
            str(m.listing_id),
            f"#{m.provider_id}",
            str(m.price),
            m.token,
            f"{m.max_delivery_time} s",
            f"{m.score / 100:.2f}",
            f"{m.completed}/{m.jobs}",
            f"{m.evaluator[:6]}…{m.evaluator[-4:]} {m.evaluator_fee_bps / 100:.2f}%"
            if m.evaluator
            else "-",
            str(m.version),
        )
    Session("", None, as_json).emit(
        matches, table, None if matches else "no active listing matches"
    )

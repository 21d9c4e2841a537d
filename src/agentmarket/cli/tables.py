"""Tables the CLI and the demo both print."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import Any

from rich import box
from rich.table import Table

from agentmarket.cli.options import field_table

# Column headings, then the reputation field each one shows.
REPUTATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("jobs", "jobs"),
    ("done", "completed"),
    ("vald", "validated"),  # of which an evaluator approved
    ("fail", "failed"),
    ("rejd", "rejected"),  # of which an evaluator rejected
    ("refd", "refunded"),
    ("won", "disputes_won"),
    ("lost", "disputes_lost"),
    ("sett", "settled"),
    ("volume", "volume"),
    ("rates", "rating_count"),
)


def reputation_table(
    title: str,
    rows: Iterable[tuple[str, Mapping[str, int]]],
    volume: Callable[[int], str] = str,
) -> Table:
    """One row per agent: its label, its counters, volume (formatted by `volume`)
    and value-weighted score out of 100."""
    # One space between columns and none at the edges: thirteen columns fit
    # an 80-column terminal (or a log) whole. Narrower, a cell wraps; it is
    # never cut short.
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 0),
    )
    table.add_column("agent", overflow="fold")
    for heading, _ in REPUTATION_COLUMNS:
        table.add_column(heading, justify="right", overflow="fold")
    table.add_column("score", justify="right", overflow="fold")
    for label, rep in rows:
        cells = [
            volume(rep[field]) if field == "volume" else str(rep[field])
            for _, field in REPUTATION_COLUMNS
        ]
        table.add_row(label, *cells, f"{rep['average_score'] / 100:.2f}")
    return table


def agents_reputation_table(reps: list[Any], title: str = "Reputation") -> Table:
    """One row per agent; a field-per-row table for a single agent."""
    if len(reps) == 1:
        r = reps[0]
        return field_table(
            f"Reputation of agent #{r.agent_id}",
            [
                ("jobs", r.jobs),
                ("completed", r.completed),
                ("validated (of completed)", r.validated),
                ("failed", r.failed),
                ("rejected (of failed)", r.rejected),
                ("refunded", r.refunded),
                ("disputes won", r.disputes_won),
                ("disputes lost", r.disputes_lost),
                ("settled", r.settled),
                ("volume (weighted)", r.volume),
                ("ratings", r.rating_count),
                ("score", f"{r.average_score / 100:.2f}"),
            ],
        )
    return reputation_table(title, [(f"#{r.agent_id}", asdict(r)) for r in reps])

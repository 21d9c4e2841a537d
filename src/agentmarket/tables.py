"""Tables the CLI and the demo both print."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rich import box
from rich.table import Table

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
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("agent", no_wrap=True)
    for heading, _ in REPUTATION_COLUMNS:
        table.add_column(heading, justify="right")
    table.add_column("score", justify="right")
    for label, rep in rows:
        cells = [
            volume(rep[field]) if field == "volume" else str(rep[field])
            for _, field in REPUTATION_COLUMNS
        ]
        table.add_row(label, *cells, f"{rep['average_score'] / 100:.2f}")
    return table

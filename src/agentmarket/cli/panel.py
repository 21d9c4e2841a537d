"""`agentmarket panel ...`: the ArbiterPanel, the protocol's default court.

    agentmarket panel show                                   # epoch, arbiters, quorum, owner
    agentmarket panel set --arbiter A --arbiter B --arbiter C --quorum 2   # owner

A new panel judges the disputes opened from then on; an open dispute keeps
the panel of the epoch it was opened in. An arbiter who is a party's
principal is recused on that dispute. Arbiters vote with `agentmarket rule`.
Same conventions as every other command (`agentmarket.cli`).
"""

from __future__ import annotations

from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import Address, Session, chain_options, field_table
from agentmarket.deployment import majority

ADDRESS = Address()


def _show(s: Session, message: str | None = None) -> None:
    panel = s.panel
    epoch = panel.epoch()
    data: dict[str, Any] = {
        "panel": panel.contract.address,
        "owner": panel.owner(),
        "epoch": epoch,
        "arbiters": panel.arbiters(epoch),
        "quorum": panel.quorum(epoch),
    }
    rows: list[tuple[str, Any]] = [
        ("panel", data["panel"]),
        ("owner", data["owner"]),
        ("epoch", epoch),
        ("quorum", f"{data['quorum']} of {len(data['arbiters'])}"),
        *((f"seat {i}", a) for i, a in enumerate(data["arbiters"], start=1)),
    ]
    s.emit(data, field_table("Arbiter panel", rows), message)


# Registered on `agentmarket` itself: `agentmarket.cli` imports this module
# once its own commands and helpers exist.
@main.group(name="panel")
def panel() -> None:
    """The arbiter panel: who rules disputes, and how many votes a ruling needs."""


@panel.command(name="show")
@chain_options()
def show(s: Session) -> None:
    """The current epoch's arbiters and quorum, and the panel's owner."""
    _show(s)


@panel.command(name="set")
@chain_options(signs=True)
@click.option("--arbiter", "arbiters", type=ADDRESS, multiple=True, required=True,
              help="An arbiter (repeat, 1 to 16, seat order).")  # fmt: skip
@click.option("--quorum", type=int, default=None, help="Votes a ruling needs (default: majority).")
def set_panel(s: Session, arbiters: tuple[str, ...], quorum: int | None) -> None:
    """Appoint a new panel for disputes opened from now on (owner)."""
    if len(set(arbiters)) != len(arbiters):
        raise click.BadParameter("an arbiter is named twice", param_hint="--arbiter")
    needed = majority(len(arbiters)) if quorum is None else quorum
    if not 1 <= needed <= len(arbiters):
        raise click.BadParameter(f"must be 1 to {len(arbiters)}", param_hint="--quorum")
    s.panel.set_panel(s.signer, arbiters, needed)
    _show(s, f"panel of epoch {s.panel.epoch()}: {needed} of {len(arbiters)} votes rule")

"""`agentmarket governor ...`: governance of the escrow, through its EscrowGovernor.

    agentmarket governor show                                  # owner, guardian, pause, config
    agentmarket governor config --fee-bps 150 --arbitrator A   # a new config version (owner)
    agentmarket governor token TOKEN                           # a token's listing
    agentmarket governor token TOKEN --weight 1e18             # list or re-weight it (owner)
    agentmarket governor token TOKEN --delist                  # stop new deposits/jobs (owner)
    agentmarket governor guardian ADDRESS | --none             # who may pause (owner)
    agentmarket governor pause | unpause                       # guardian or owner

The governor is the one the deployment's JobEscrow names (`GOVERNOR`), so a
command cannot reach another escrow's. A new config starts from the current
one and changes only the options given; open jobs keep the config they were
created with. Refusals are the contract's own ("error: governor: ...").
Handing the governor over is `agentmarket ownership` (with the other owned
contracts).
Same conventions as every other command (`agentmarket.cli`).
"""

from __future__ import annotations

from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import AMOUNT, DURATION, Address, Session, chain_options, field_table
from agentmarket.contracts.governor import GovernorClient
from agentmarket.deployment import ZERO_ADDRESS

ADDRESS = Address()


def _governor(s: Session) -> GovernorClient:
    return s.escrow.governor()


def _show(s: Session, message: str | None = None) -> None:
    gov = _governor(s)
    config_id = s.escrow.current_config_id()
    config = s.escrow.config(config_id)
    data: dict[str, Any] = {
        "governor": gov.address,
        "escrow": gov.escrow(),
        "owner": gov.owner(),
        "pending_owner": gov.pending_owner(),
        "guardian": gov.guardian(),
        "paused": s.escrow.paused(),
        "config_id": config_id,
        "config": config,
    }
    rows: list[tuple[str, Any]] = [
        ("governor", data["governor"]),
        ("escrow", data["escrow"]),
        ("owner", data["owner"]),
        ("pending owner", data["pending_owner"] if data["pending_owner"] != ZERO_ADDRESS else "-"),
        ("guardian", data["guardian"] if data["guardian"] != ZERO_ADDRESS else "-"),
        ("entries", "paused" if data["paused"] else "open"),
        ("config", f"#{config_id}"),
        *((f"  {name}", value) for name, value in config.items()),
    ]
    s.emit(data, field_table("Escrow governance", rows), message)


# Registered on `agentmarket` itself: `agentmarket.cli` imports this module
# once its own commands and helpers exist.
@main.group(name="governor")
def governor() -> None:
    """Govern the escrow: configs, payment tokens, the guardian, the pause."""


@governor.command(name="show")
@chain_options()
def show(s: Session) -> None:
    """The governor's owner and guardian, whether entries are paused, the current config."""
    _show(s)


# (option name, config member, type, help) of `governor config`
_CONFIG_OPTIONS: tuple[tuple[str, str, click.ParamType, str], ...] = (
    ("--fee-bps", "fee_bps", click.IntRange(min=0), "Protocol fee on a paid price."),
    ("--fee-recipient", "fee_recipient", ADDRESS, "Who may claim the protocol fee."),
    ("--accept-window", "accept_window", DURATION, "How long a provider has to accept."),
    ("--review-window", "review_window", DURATION, "How long a client has to review."),
    ("--response-window", "response_window", DURATION, "How long a dispute waits for answer."),
    ("--arbitration-window", "arbitration_window", DURATION, "How long a court has to rule."),
    ("--bond-bps", "bond_bps", click.IntRange(min=0), "Dispute bond, basis points of amount."),
    ("--bond-floor", "bond_floor", AMOUNT, "The smallest dispute bond, base units."),
    ("--arbitrator", "arbitrator", ADDRESS, "The court of new jobs' disputes."),
)


def _config_command(fn: Any) -> Any:
    for flag, member, kind, help_text in reversed(_CONFIG_OPTIONS):
        fn = click.option(flag, member, type=kind, default=None, help=help_text)(fn)
    return fn


@governor.command(name="config")
@chain_options(signs=True)
@_config_command
def config(s: Session, **changes: Any) -> None:
    """Add a config version: the current one with the options given changed (owner).

    Jobs created from then on use it; open jobs keep theirs."""
    given = {name: value for name, value in changes.items() if value is not None}
    if not given:
        flags = ", ".join(flag for flag, *_ in _CONFIG_OPTIONS)
        raise click.UsageError(f"nothing to change: give at least one of {flags}")
    current = s.escrow.config()
    config_id = _governor(s).add_config(s.signer, {**current, **given})
    changed = ", ".join(f"{name} {current[name]} -> {value}" for name, value in given.items())
    _show(s, f"config #{config_id} added ({changed})")


@governor.command(name="token")
@chain_options(signs=True)
@click.argument("token", type=ADDRESS)
@click.option("--weight", type=AMOUNT, default=None, help="List it with this reputation weight.")
@click.option("--delist", is_flag=True, help="Stop new deposits and jobs in it.")
def token(s: Session, token: str, weight: int | None, delist: bool) -> None:
    """Show a payment token's listing; with --weight list or re-weight it, with --delist
    delist it (owner). The weight is 18-decimal fixed point: 1e18 counts one token unit
    as one unit of reputation volume. Withdrawals and open jobs are never affected."""
    if weight is not None and delist:
        raise click.UsageError("give --weight or --delist, not both")
    message = None
    if weight is not None or delist:
        keep = int(s.escrow.token_info(token)["weight"])
        _governor(s).set_token(s.signer, token, not delist, keep if weight is None else weight)
        message = f"token {token} {'delisted' if delist else f'listed, weight {weight}'}"
    info = s.escrow.token_info(token)
    rows = [("token", token), *((name, value) for name, value in info.items())]
    s.emit({"token": token, **info}, field_table("Payment token", rows), message)


@governor.command(name="guardian")
@chain_options(signs=True)
@click.argument("guardian", type=ADDRESS, required=False)
@click.option("--none", "clear", is_flag=True, help="Remove the guardian.")
def guardian(s: Session, guardian: str | None, clear: bool) -> None:
    """Set who may pause the escrow's entries (owner); --none removes the role."""
    if (guardian is None) == (not clear):
        raise click.UsageError("give a GUARDIAN address or --none")
    _governor(s).set_guardian(s.signer, guardian or ZERO_ADDRESS)
    _show(s, "guardian removed" if clear else f"guardian is now {guardian}")


@governor.command(name="pause")
@chain_options(signs=True)
def pause(s: Session) -> None:
    """Stop the escrow's entries: hires, offers, deposits, tab openings and top-ups
    (guardian or owner). Exits and disputes keep working."""
    _governor(s).pause(s.signer)
    _show(s, "escrow entries paused")


@governor.command(name="unpause")
@chain_options(signs=True)
def unpause(s: Session) -> None:
    """Reopen the escrow's entries (guardian or owner)."""
    _governor(s).unpause(s.signer)
    _show(s, "escrow entries open")

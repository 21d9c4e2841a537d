"""`agentmarket register | wallet | policy | deposit | withdraw`: identity and ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    DURATION,
    Session,
    cap_text,
    chain_options,
    field_table,
    key_options,
)
from agentmarket.contracts.registry import SpendPolicy
from agentmarket.keys import KeySource

# --------------------------------------------------------------- identity


@main.command()
@chain_options(signs=True)
@click.option("--uri", default="", help="Agent URI (ERC-8004 registration file).")
def register(s: Session, uri: str) -> None:
    """Register an agent owned by the signer (its principal)."""
    agent_id = s.registry.register(s.signer, uri)
    s.emit(
        {"agent_id": agent_id, "principal": s.signer.address, "uri": uri},
        message=f"registered agent [bold]#{agent_id}[/] for principal {s.signer.address}",
    )


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@key_options(prefix="operator", role="operator")
def wallet(
    s: Session,
    agent_id: int,
    operator_keystore: Path | None,
    operator_password_env: str | None,
    operator_key_env: str | None,
) -> None:
    """Set AGENT_ID's operator: the owner signs the call, the operator key signs its proof."""
    if operator_keystore is None and operator_key_env is None:
        raise click.UsageError("name the operator key: --operator-keystore or --operator-key-env")
    operator = s.account(KeySource(operator_keystore, operator_password_env, operator_key_env))
    s.registry.set_operator(s.signer, agent_id, operator)
    s.emit(
        {"agent_id": agent_id, "operator": operator.address},
        message=f"agent #{agent_id} operator is now {operator.address} (proof verified on chain)",
    )


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", help="Payment token.")
@click.option("--per-job", type=AMOUNT, default=None, help="Cap on one job (base units).")
@click.option("--per-period", type=AMOUNT, default=None, help="Cap per period (base units).")
@click.option("--period", type=DURATION, default=None, help="Period length (e.g. 1d).")
@click.option("--freeze", "freeze", flag_value="freeze", default=None, help="Freeze the agent.")
@click.option("--unfreeze", "freeze", flag_value="unfreeze", help="Lift the freeze.")
def policy(
    s: Session,
    agent_id: int,
    token: str | None,
    per_job: int | None,
    per_period: int | None,
    period: int | None,
    freeze: str | None,
) -> None:
    """Set (or show) AGENT_ID's operator caps in a token, and freeze or unfreeze it."""
    caps_given = any(v is not None for v in (per_job, per_period, period))
    if caps_given:
        if token is None:
            raise click.UsageError("caps are per token: give --token")
        current = s.registry.spend_policy(agent_id, token)
        new = SpendPolicy(
            per_job if per_job is not None else current.per_job_cap,
            per_period if per_period is not None else current.period_cap,
            period if period is not None else (current.period or 86_400),
        )
        s.registry.set_spend_policy(s.signer, agent_id, token, new)
    if freeze == "freeze":
        s.registry.freeze(s.signer, agent_id)
    elif freeze == "unfreeze":
        s.registry.unfreeze(s.signer, agent_id)
    agent = s.registry.agent(agent_id)
    data: dict[str, Any] = {"agent_id": agent_id, "frozen": agent.frozen}
    rows: list[tuple[str, Any]] = [("frozen", agent.frozen)]
    if token is not None:
        pol = s.registry.spend_policy(agent_id, token)
        _start, used = s.escrow.spent(agent_id, token) if s.has("JobEscrow") else (0, 0)
        data.update(token=token, policy=pol, spent_in_period=used)
        rows += [
            ("token", token),
            ("per-job cap", cap_text(pol.per_job_cap)),
            ("per-period cap", cap_text(pol.period_cap)),
            ("period", f"{pol.period} s"),
            ("committed this period", used),
        ]
    s.emit(data, field_table(f"Agent #{agent_id} policy", rows))


# ------------------------------------------------------------------ ledger


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.argument("amount", type=AMOUNT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
def deposit(s: Session, agent_id: int, amount: int, token: str) -> None:
    """Credit AGENT_ID's escrow balance with AMOUNT (approves the escrow first if needed)."""
    s.token(token).ensure_allowance(s.signer, s.escrow.address, amount)
    s.escrow.deposit(s.signer, agent_id, token, amount)
    balance = s.escrow.balance(agent_id, token)
    s.emit(
        {"agent_id": agent_id, "token": token, "deposited": amount, "balance": balance},
        message=f"deposited {amount} for agent #{agent_id}; free balance {balance}",
    )


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.argument("amount", type=AMOUNT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--to", type=ADDRESS, default=None, help="Receiver (default: the signer).")
def withdraw(s: Session, agent_id: int, amount: int, token: str, to: str | None) -> None:
    """Withdraw AMOUNT from AGENT_ID's free balance (principal only)."""
    receiver = to or s.signer.address
    s.escrow.withdraw(s.signer, agent_id, token, amount, receiver)
    balance = s.escrow.balance(agent_id, token)
    s.emit(
        {
            "agent_id": agent_id,
            "token": token,
            "withdrawn": amount,
            "to": receiver,
            "balance": balance,
        },
        message=f"withdrew {amount} to {receiver}; free balance {balance}",
    )

"""`agentmarket show ...`: one agent, job, listing, dispute or reputation."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Group, RenderableType
from rich.table import Table

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    BIGINT,
    Session,
    cap_text,
    chain_options,
    field_table,
    to_jsonable,
    when,
)
from agentmarket.cli.tables import agents_reputation_table
from agentmarket.contracts.escrow import JobStatus
from agentmarket.contracts.tabs import Tab, TabsClient

# -------------------------------------------------------------------- show


@main.group()
def show() -> None:
    """Show an agent, a job, a listing, a dispute or a reputation."""


@show.command(name="agent")
@chain_options()
@click.argument("agent_id", type=BIGINT)
@click.option(
    "--token",
    type=ADDRESS,
    envvar="AGENTMARKET_TOKEN",
    default=None,
    help="Also show the escrow balance and caps in this token.",
)
def show_agent(s: Session, agent_id: int, token: str | None) -> None:
    """An agent: principal, operator, freeze flag, URI (and balance in --token);
    its open tabs (key, committed deposit) and what they commit per token: all
    that anyone else can still spend of its money through tabs, what a buyer
    of the agent inherits."""
    agent = s.registry.agent(agent_id)
    if int(agent.principal, 16) == 0:
        raise click.ClickException(f"agent #{agent_id} does not exist")
    data: dict[str, Any] = to_jsonable(agent)
    rows: list[tuple[str, Any]] = [
        ("principal", agent.principal),
        ("operator", agent.operator),
        ("frozen", agent.frozen),
        ("uri", agent.uri),
    ]
    if token is not None:
        balance = s.escrow.balance(agent_id, token)
        pol = s.registry.spend_policy(agent_id, token)
        data.update(token=token, balance=balance, policy=to_jsonable(pol))
        rows += [
            ("balance", balance),
            ("per-job cap", cap_text(pol.per_job_cap)),
            ("per-period cap", f"{cap_text(pol.period_cap)} / {pol.period} s"),
        ]
    more: list[RenderableType] = []
    if s.has("Tabs"):
        tabs = TabsClient(s.w3, s.address("Tabs"))
        exposure = tabs.exposure(agent_id, from_block=s.deployment.contracts["Tabs"].block)
        found = exposure.to_dict()
        data.update(open_tabs=found["open_tabs"], exposure=found["exposure"])
        rows.append(("open tabs", len(exposure.tabs)))
        for t, v in exposure.by_token.items():  # what anyone else can still spend, per token
            rows += [("committed in tabs", v), ("  token", t)]
        more = [_open_tab_table(t) for t in exposure.tabs]
    s.emit(data, Group(field_table(f"Agent #{agent_id}", rows), *more))


def _open_tab_table(tab: Tab) -> Table:
    """One open tab of a client agent: its key can still spend the committed
    amount, to that provider only, until the tab closes."""
    return field_table(
        f"Open tab {hex(tab.tab_id)}",
        [
            ("provider", f"#{tab.provider_id}"),
            ("token", tab.token),
            ("key", tab.signer),
            ("deposit", tab.deposit),
            ("redeemed", tab.redeemed),
            ("committed", tab.committed),
            ("closes at", when(tab.closes_at)),
        ],
    )


@show.command(name="job")
@chain_options()
@click.argument("job_id", type=BIGINT)
def show_job(s: Session, job_id: int) -> None:
    """A job: parties, token, price, status, deadline."""
    job = s.escrow.job(job_id)
    if job.status == JobStatus.NONE:
        raise click.ClickException(f"job {job_id} does not exist")
    rows: list[tuple[str, Any]] = [
        ("job id", f"{job_id} ({hex(job_id)})"),
        ("client", f"#{job.client_id}"),
        ("provider", f"#{job.provider_id}"),
        ("status", job.status.name.lower()),
        ("token", job.token),
        ("price", job.price),
        ("deadline", when(job.deadline)),
        ("delivery time", f"{job.delivery_time} s"),
        ("hash", "0x" + job.hash.hex()),
    ]
    s.emit({"job_id_hex": hex(job_id), **to_jsonable(job)}, field_table("Job", rows))


@show.command(name="listing")
@chain_options()
@click.argument("listing_id", type=BIGINT)
def show_listing(s: Session, listing_id: int) -> None:
    """A listing as stored."""
    listing = s.listings.get(listing_id)
    rows: list[tuple[str, Any]] = [
        ("provider", f"#{listing.provider_id}"),
        ("tag", "0x" + listing.tag.hex()),
        ("token", listing.token),
        ("price", listing.price),
        ("max delivery", f"{listing.max_delivery_time} s"),
        ("version", listing.version),
        ("state", listing.state.name.lower()),
    ]
    s.emit(listing, field_table(f"Listing #{listing_id}", rows))


@show.command(name="dispute")
@chain_options()
@click.argument("job_id", type=BIGINT)
def show_dispute(s: Session, job_id: int) -> None:
    """A job's dispute as the resolver holds it."""
    disp = s.disputes.of(job_id)
    rows: list[tuple[str, Any]] = [
        ("status", disp.status.name.lower()),
        ("arbitrator", disp.arbitrator),
        ("amount", disp.amount),
        ("bond", disp.bond),
        ("response deadline", when(disp.response_deadline)),
        ("arbitration deadline", when(disp.arbitration_deadline)),
        ("case", disp.arbitrator_dispute_id if disp.case_opened else "-"),
        ("ruling", disp.ruling),
        ("client proposal", disp.client_proposal),
        ("provider proposal", disp.provider_proposal),
    ]
    s.emit(disp, field_table(f"Dispute of job {job_id}", rows))


@show.command(name="reputation")
@chain_options()
@click.argument("agent_ids", type=BIGINT, nargs=-1, required=True)
def show_reputation(s: Session, agent_ids: tuple[int, ...]) -> None:
    """The reputation of one or more agents."""
    reps = [s.reputation.of(a) for a in agent_ids]
    s.emit(reps[0] if len(reps) == 1 else reps, agents_reputation_table(reps))

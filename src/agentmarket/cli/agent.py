"""`agentmarket agent ...`: agents that run themselves.

    agentmarket agent card AGENT_ID --a2a-url URL [--mcp-url URL] --out FILE

`card` writes the agent's ERC-8004 registration file from the chain: its owner,
operator and active listings (point the agent's URI at where you publish it).
The provider runtime (`agent serve`) and the client flow (`agent hire`) register
their commands on this group from their own modules.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from agentmarket.agent.registration import registration_file, verify_registration
from agentmarket.cli.app import main
from agentmarket.cli.options import BIGINT, Session, chain_options, err_console


@main.group(name="agent")
def agent() -> None:
    """Agents that run themselves: registration files, the provider runtime, hiring."""


@agent.command(name="card")
@chain_options()
@click.argument("agent_id", type=BIGINT)
@click.option("--a2a-url", required=True, help="The agent's A2A agent card URL.")
@click.option("--mcp-url", default=None, help="The agent's MCP endpoint, if it has one.")
@click.option("--web-url", default=None, help="The agent's web page, if it has one.")
@click.option("--name", default=None, help="Display name (default: 'AgentMarket agent #ID').")
@click.option("--description", default="", help="What the agent does.")
@click.option("--tag-name", "tag_names", multiple=True, help="Label listings of this tag (repeat).")
@click.option("--x402", "x402_support", is_flag=True, help="The agent takes x402 payments.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def card(
    s: Session,
    agent_id: int,
    a2a_url: str,
    mcp_url: str | None,
    web_url: str | None,
    name: str | None,
    description: str,
    tag_names: tuple[str, ...],
    x402_support: bool,
    out: Path | None,
) -> None:
    """Write AGENT_ID's ERC-8004 registration file, its facts read from the chain."""
    data = registration_file(
        s.market,
        agent_id,
        a2a_url=a2a_url,
        mcp_url=mcp_url,
        web_url=web_url,
        name=name,
        description=description,
        tag_names=list(tag_names),
        x402_support=x402_support,
    )
    verify_registration(s.market, data, agent_id)  # what we write, the chain confirms
    text = json.dumps(data, indent=2) + "\n"
    if out is not None:
        out.write_text(text)
        err_console.print(f"registration file written to {out}")
    click.echo(text, nl=False)

"""`agentmarket mcp ...`: serve an agent's market actions to an MCP host.

    agentmarket mcp --rpc URL --deployment FILE --agent AGENT_ID --key-env NAME
        [--transport stdio|http] [--host 127.0.0.1] [--port 8765] [--max-spend AMOUNT]
        [--db sqlite:///...] [--token ADDRESS] [--results DIR] [--public-url URL]

Sign with the agent's OPERATOR key: the server refuses to start with its principal's
key or a stranger's, so the principal's on-chain caps and freeze bind everything it
commits; `--max-spend` bounds what this one server session commits on top (hires and
dispute bonds). Over stdio (the default, for a desktop host that launches it) nothing
but the protocol goes to stdout; over HTTP it serves Streamable HTTP at
`http://HOST:PORT/mcp` and, with `--results`, the delivered results at `/results/0x<hash>`.
"""

from __future__ import annotations

from pathlib import Path

import click

from agentmarket.agent.results import ResultStore
from agentmarket.cli.app import main
from agentmarket.cli.options import ADDRESS, AMOUNT, UNLIMITED, Session, chain_options, err_console
from agentmarket.market import Market
from agentmarket.mcp import AgentSession, Budget, ResultPublishing, build_server, run_server
from agentmarket.mcp.session import default_home

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@main.command(name="mcp")
@chain_options(signs=True)
@click.option("--agent", "agent_id", required=True, type=click.IntRange(min=1), help="Agent id.")
@click.option(
    "--transport",
    type=click.Choice(["stdio", "http"]),
    default="stdio",
    show_default=True,
    help="stdio (a host launches the server) or Streamable HTTP.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP: interface.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--max-spend",
    type=AMOUNT,
    default=None,
    metavar="AMOUNT",
    help="Most this session may commit (hires and dispute bonds), base units, e.g. 50e18 "
    "(default: only the on-chain caps).",
)
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Discovery index (default sqlite:///.agentmarket/mcp-ID/index.db).",
)
@click.option(
    "--token",
    type=ADDRESS,
    default=None,
    help="Payment token that balance and list_service use when none is named.",
)
@click.option(
    "--results",
    "results_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep delivered results here (served at /results/0x<hash> over HTTP).",
)
@click.option(
    "--public-url",
    default=None,
    help="Base URL clients fetch results from (with --results; over HTTP, default "
    "http://HOST:PORT). Without both, results go inline as data: URIs (short ones only).",
)
def mcp(
    s: Session,
    agent_id: int,
    transport: str,
    host: str,
    port: int,
    max_spend: int | None,
    db_url: str | None,
    token: str | None,
    results_dir: Path | None,
    public_url: str | None,
) -> None:
    """Serve AGENT's market actions (find, hire, pay, dispute, rate, sell) over MCP."""
    home = default_home(agent_id)
    if db_url is None:
        home.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{home / 'index.db'}"
    store = ResultStore(results_dir) if results_dir is not None else None
    if store is not None and public_url is None:
        if transport != "http":
            raise click.UsageError(
                "--results over stdio: say where clients fetch them (--public-url)"
            )
        if host in WILDCARD_HOSTS:
            raise click.UsageError(
                f"listening on {host!r}: say where clients reach it (--public-url)"
            )
        public_url = f"http://{host}:{port}"
    market = Market(s.w3, s.deployment, s.account(), priority_fee=s.priority_fee)
    assert market.account is not None
    session = AgentSession(
        market,
        agent_id,
        market.account,
        market.index(db_url, progress=False),
        budget=Budget(UNLIMITED if max_spend is None else max_spend),
        token=token,
        results=ResultPublishing(store, public_url),
    )
    session.check_operator()
    server = build_server(session)
    limit = "no session limit" if max_spend is None else f"at most {max_spend} base units"
    where = "stdio" if transport == "stdio" else f"http://{host}:{port}/mcp"
    err_console.print(
        f"agentmarket mcp: agent {agent_id} as operator {market.account.address} on {where} "
        f"({limit} this session)"
    )
    run_server(server, "stdio" if transport == "stdio" else "http", host, port)

"""`agentmarket agent serve ...`: run an agent's provider runtime.

    agentmarket agent serve AGENT_ID --handler MODULE:FUNCTION [--host 127.0.0.1]
        [--port 8700] [--public-url URL] [--max-concurrent 4] [--journal PATH]
        [--results DIR] [--tag-name NAME ...]

Sign with the agent's operator key (`--key-env`, `--keystore`): the runtime accepts
and delivers the agent's jobs with it. It serves the A2A agent card, the registration
file and the results at the public URL, and keeps its journal and results under
`.agentmarket/provider-<AGENT_ID>/` of the working directory unless told otherwise.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from agentmarket.agent.journal import Journal
from agentmarket.agent.provider import ProviderRuntime, load_handler
from agentmarket.agent.results import ResultStore
from agentmarket.agent.server import serve as serve_runtime
from agentmarket.cli.agent import agent
from agentmarket.cli.options import BIGINT, Session, chain_options, err_console
from agentmarket.market import Market

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@agent.command(name="serve")
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.option(
    "--handler",
    "handler_spec",
    required=True,
    metavar="MODULE:FUNCTION",
    help="The work: an async (or plain) function of the input text returning text.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8700, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--public-url",
    default=None,
    help="Base URL clients reach this runtime at (default http://HOST:PORT).",
)
@click.option(
    "--max-concurrent",
    default=4,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="Jobs worked at once.",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite journal (default .agentmarket/provider-ID/journal.db).",
)
@click.option(
    "--results",
    "results_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Result store (default .agentmarket/provider-ID/results).",
)
@click.option(
    "--tag-name",
    "tag_names",
    multiple=True,
    help="Name the listings of this tag in the agent card (repeat).",
)
@click.option("--name", default=None, help="Display name (default 'AgentMarket agent #ID').")
@click.option("--description", default="", help="What the agent does.")
def serve(
    s: Session,
    agent_id: int,
    handler_spec: str,
    host: str,
    port: int,
    public_url: str | None,
    max_concurrent: int,
    journal_path: Path | None,
    results_dir: Path | None,
    tag_names: tuple[str, ...],
    name: str | None,
    description: str,
) -> None:
    """Serve AGENT_ID's jobs over A2A: check, accept, run the handler, deliver."""
    if public_url is None:
        if host in WILDCARD_HOSTS:
            raise click.UsageError(
                f"listening on {host!r}: say where clients reach it (--public-url)"
            )
        public_url = f"http://{host}:{port}"
    handler = load_handler(handler_spec)
    home = Path(".agentmarket") / f"provider-{agent_id}"
    market = Market(s.w3, s.deployment, s.account(), priority_fee=s.priority_fee)
    runtime = ProviderRuntime(
        market,
        agent_id,
        handler,
        Journal(journal_path or home / "journal.db"),
        ResultStore(results_dir or home / "results"),
        public_url,
        max_concurrent=max_concurrent,
    )
    runtime.check_signer()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    err_console.print(
        f"serving agent {agent_id} as {runtime.signer.address} at {public_url} "
        f"(handler {handler_spec}, {max_concurrent} at once)"
    )
    serve_runtime(runtime, host, port, name=name, description=description, tag_names=tag_names)

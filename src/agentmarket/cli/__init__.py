"""The `agentmarket` command line: one module per command group, each registering
its commands on the `main` group (`agentmarket.cli.app`); shared options, parameter
types and output helpers live in `agentmarket.cli.options`.

Every command that talks to a deployed protocol takes `--rpc URL` and `--deployment
FILE`, prints a readable table, and prints JSON with `--json`. A contract's refusal
prints `error: <revert string>` and exits with status 1.
"""

from __future__ import annotations

import sys

import click

from agentmarket.cli import (  # noqa: F401  (each registers its commands on `main`)
    agent,
    agent_hire,
    agent_serve,
    agents,
    demo,
    disputes,
    evaluation,
    governor,
    jobs,
    listings,
    mcp,
    ownership,
    panel,
    protocol,
    show,
    tabs,
    validation,
    x402,
)
from agentmarket.cli.app import main
from agentmarket.cli.options import get_chain, reset_memory_chain
from agentmarket.errors import AgentMarketError

__all__ = ["get_chain", "main", "reset_memory_chain", "run"]


def run() -> None:
    """The console script: `main` with client errors as `error: ...` and status 1."""
    try:
        main(standalone_mode=True)
    except AgentMarketError as exc:  # raised outside a command (e.g. at startup)
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)

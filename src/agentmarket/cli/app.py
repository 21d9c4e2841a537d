"""The `agentmarket` group: every command registers on it; client errors exit with status 1."""

from __future__ import annotations

from typing import Any

import click

from agentmarket.errors import AgentMarketError

# ------------------------------------------------------------------- group


class AgentMarketGroup(click.Group):
    """Turns the client's exceptions into `error: <reason>` and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AgentMarketError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=AgentMarketGroup)
@click.version_option(package_name="agentmarket")
def main() -> None:
    """AgentMarket: identity, listings, escrow, disputes and reputation for AI agents."""

"""`agentmarket demo`: the whole economy on an in-process chain."""

from __future__ import annotations

import json

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import console, to_jsonable


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
def demo(as_json: bool) -> None:
    """Run the whole economy on an in-process chain, in under a minute."""
    from agentmarket.cli.demo_scene import run_demo

    summary = run_demo(console=None if as_json else console)
    if as_json:
        click.echo(json.dumps(to_jsonable(summary), indent=2))

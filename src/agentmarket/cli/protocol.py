"""`agentmarket deploy`: the protocol on a chain, with its deployment record."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from agentmarket.chain import IN_PROCESS
from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    Session,
    key_options,
    priority_fee_option,
)
from agentmarket.deployment import (
    ProtocolParams,
    Web3Deployer,
    deploy_protocol,
    majority,
    record_name,
)
from agentmarket.keys import KeySource


@main.command()
@click.option(
    "--rpc",
    envvar="AGENTMARKET_RPC",
    default=IN_PROCESS,
    show_default=True,
    help="JSON-RPC URL, or 'memory'.",
)
@click.option(
    "--network", "network_name", default=None, help="Name for the record (default: chain-<id>)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("deployments"),
    show_default=True,
)
@key_options(role="deployer")
@priority_fee_option
@click.option("--governance", type=ADDRESS, default=None, help="Governance (default: deployer).")
@click.option("--arbiter", "arbiters", type=ADDRESS, multiple=True, help="Panel arbiter (repeat).")
@click.option("--quorum", type=int, default=None, help="Votes a ruling needs (default: majority).")
@click.option("--json", "as_json", is_flag=True, help="Print the deployment record as JSON.")
def deploy(
    rpc: str,
    network_name: str | None,
    out: Path,
    keystore: Path | None,
    password_env: str | None,
    key_env: str,
    priority_fee: int | None,
    governance: str | None,
    arbiters: tuple[str, ...],
    quorum: int | None,
    as_json: bool,
) -> None:
    """Deploy the protocol with the package's artifacts and record it."""
    session = Session(rpc, None, as_json, KeySource(keystore, password_env, key_env), priority_fee)
    w3, signer = session.w3, session.signer
    name = network_name or record_name(w3.eth.chain_id)
    panel = arbiters or (signer.address,)
    try:
        params = ProtocolParams(
            governance=governance or signer.address,
            arbiters=panel,
            quorum=quorum or majority(len(panel)),
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--quorum") from exc
    record = deploy_protocol(Web3Deployer(signer), name, w3.eth.chain_id, signer.address, params)
    path = record.save(out)
    table = Table(title=f"Deployed on {name} (chain {record.chain_id})", title_justify="left")
    for column in ("contract", "address", "block"):
        table.add_column(column, overflow="fold")
    for contract, deployed in record.contracts.items():
        table.add_row(contract, deployed.address, str(deployed.block))
    session.emit({"path": str(path), **json.loads(record.to_json())}, table, f"recorded in {path}")

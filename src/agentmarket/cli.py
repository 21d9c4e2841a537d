"""The `agentmarket` command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from eth_account import Account
from rich.console import Console
from rich.table import Table

from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.errors import AgentMarketError
from agentmarket.registry import AgentRegistryClient, SpendPolicy
from agentmarket.wiring import ProtocolParams, Web3Deployer, deploy_protocol

console = Console()


@click.group()
@click.version_option(package_name="agentmarket")
def main() -> None:
    """AgentMarket: identity, listings, escrow and reputation for AI agents."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
def demo(as_json: bool) -> None:
    """Deploy the protocol on an in-process chain and walk an agent through it."""
    started = time.monotonic()
    w3 = connect(IN_PROCESS)
    accounts = funded_test_accounts(w3, 6)
    governance, principal = Signer(w3, accounts[0]), Signer(w3, accounts[1])
    arbiters = tuple(a.address for a in accounts[3:6])
    operator_key = Account.create()

    params = ProtocolParams(governance=governance.address, arbiters=arbiters, quorum=2)
    record = deploy_protocol(
        Web3Deployer(governance), "demo", w3.eth.chain_id, governance.address, params
    )

    def say(message: str) -> None:
        if not as_json:
            console.print(message)

    say(f"[bold]Deployed on the in-process chain[/] (chain id {w3.eth.chain_id})")
    for name, deployed in record.contracts.items():
        say(f"  {name:18s} {deployed.address}  block {deployed.block}")

    registry = AgentRegistryClient(w3, record.address("AgentRegistry"))
    agent_id = registry.register(
        principal, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
    )
    say(f"Principal {principal.address} registered agent #{agent_id}")
    registry.set_operator(principal, agent_id, operator_key)
    say(f"  operator wallet {operator_key.address} proven by its EIP-712 signature")
    token = "0x" + "11" * 20
    registry.set_spend_policy(principal, agent_id, token, SpendPolicy(10**18, 5 * 10**18, 86_400))
    say("  spending caps set: 1 per job, 5 per day (token 0x1111…)")
    registry.freeze(principal, agent_id)
    frozen = registry.agent(agent_id).frozen
    registry.unfreeze(principal, agent_id)
    say(f"  freeze switch tried: frozen={frozen}, then lifted")

    agent = registry.agent(agent_id)
    elapsed = time.monotonic() - started
    if as_json:
        print(
            json.dumps(
                {
                    "deployment": json.loads(record.to_json()),
                    "agent": agent.__dict__,
                    "seconds": round(elapsed, 2),
                },
                indent=2,
            )
        )
        return
    table = Table(title=f"Agent #{agent_id}")
    for column in ("principal", "operator", "frozen", "uri"):
        table.add_column(column)
    table.add_row(agent.principal, agent.operator, str(agent.frozen), agent.uri)
    console.print(table)
    console.print(f"Done in {elapsed:.1f} s.")


@main.command()
@click.option("--rpc", default=IN_PROCESS, show_default=True, help="JSON-RPC URL, or 'memory'.")
@click.option(
    "--network", "network_name", default=None, help="Name for the record (default: chain id)."
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("deployments")
)
@click.option(
    "--key-env",
    default="AGENTMARKET_KEY",
    show_default=True,
    help="Environment variable holding the deployer's private key.",
)
@click.option("--governance", default=None, help="Governance address (default: the deployer).")
@click.option("--arbiter", "arbiters", multiple=True, help="Arbiter of the first panel (repeat).")
@click.option("--quorum", type=int, default=None, help="Votes a ruling needs (default: majority).")
def deploy(
    rpc: str,
    network_name: str | None,
    out: Path,
    key_env: str,
    governance: str | None,
    arbiters: tuple[str, ...],
    quorum: int | None,
) -> None:
    """Deploy the protocol with the package's artifacts and record it."""
    import os

    w3 = connect(rpc)
    if rpc == IN_PROCESS:
        signer = Signer(w3, funded_test_accounts(w3, 1)[0])
    else:
        key = os.environ.get(key_env)
        if not key:
            raise click.UsageError(f"set {key_env} to the deployer's private key")
        signer = Signer(w3, Account.from_key(key))
    name = network_name or f"chain-{w3.eth.chain_id}"
    panel = arbiters or (signer.address,)
    params = ProtocolParams(
        governance=governance or signer.address,
        arbiters=panel,
        quorum=quorum or len(panel) // 2 + 1,
    )
    record = deploy_protocol(Web3Deployer(signer), name, w3.eth.chain_id, signer.address, params)
    path = record.save(out)
    for contract, deployed in record.contracts.items():
        console.print(f"{contract:18s} {deployed.address}  block {deployed.block}")
    console.print(f"recorded in {path}")


def run() -> None:
    try:
        main(standalone_mode=True)
    except AgentMarketError as exc:
        console.print(f"[red]error:[/] {exc}")
        sys.exit(1)

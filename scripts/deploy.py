"""Deploy the AgentMarket contracts with Ape and record where they landed.

    ape run deploy                                        # in-process test chain
    ape run deploy --network ethereum:local:node          # a local node (anvil)
    ape run deploy --network ethereum:sepolia:node --account deployer

The order, constructor arguments and links come from `agentmarket.deployment`,
the same plan the Python client deploys with. The record (addresses,
transaction hashes, block numbers) goes to `deployments/chain-<chain id>.json`,
the name `agentmarket deploy` gives it too (`agentmarket.deployment.record_name`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import accounts, chain, project
from ape.api import AccountAPI
from ape.cli import ConnectedProviderCommand

from agentmarket.deployment import Deployed, ProtocolParams, deploy_protocol, majority, record_name

DEPLOYMENTS = Path(__file__).resolve().parent.parent / "deployments"


class ApeDeployer:
    """`agentmarket.deployment.Deployer` backed by Ape's project and an Ape account."""

    def __init__(self, account: AccountAPI) -> None:
        self.account = account

    def nonce(self) -> int:
        return int(self.account.nonce)

    def deploy(self, name: str, args: list[Any]) -> Deployed:
        instance = getattr(project, name).deploy(*args, sender=self.account)
        receipt = instance.creation_metadata.receipt
        return Deployed(
            address=str(instance.address),
            tx_hash=str(receipt.txn_hash),
            block=int(receipt.block_number),
        )

    def call(self, name: str, address: str, function: str, args: list[Any]) -> str:
        contract = getattr(project, name).at(address)
        receipt = getattr(contract, function)(*args, sender=self.account)
        return str(receipt.txn_hash)


def pick_account(alias: str | None, is_local: bool) -> AccountAPI:
    if alias:
        if alias.startswith("TEST::"):
            return accounts.test_accounts[int(alias.removeprefix("TEST::"))]
        return accounts.load(alias)
    if is_local:
        return accounts.test_accounts[0]
    raise click.UsageError("on a public network, name the deploying account: --account ALIAS")


@click.command(cls=ConnectedProviderCommand)
@click.option("--account", "alias", default=None, help="Ape account alias, or TEST::N locally.")
@click.option("--governance", default=None, help="Governance address (default: the deployer).")
@click.option(
    "--arbiter",
    "arbiters",
    multiple=True,
    help="Arbiter of the first ArbiterPanel (repeat; default locally: test accounts 1-3).",
)
@click.option("--quorum", type=int, default=None, help="Votes a ruling needs (default: majority).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEPLOYMENTS,
    show_default=True,
    help="Folder for the deployment record.",
)
def cli(
    network: Any,
    alias: str | None,
    governance: str | None,
    arbiters: tuple[str, ...],
    quorum: int | None,
    out: Path,
) -> None:
    """Deploy the protocol to the selected network and record it."""
    account = pick_account(alias, network.is_local)
    if not arbiters:
        if not network.is_local and not str(network.name).startswith("custom"):
            raise click.UsageError("on a public network, name the arbiters: --arbiter ADDR ...")
        arbiters = tuple(str(a.address) for a in accounts.test_accounts[1:4])
    params = ProtocolParams(
        governance=governance or str(account.address),
        arbiters=arbiters,
        quorum=quorum or majority(len(arbiters)),
    )
    record = deploy_protocol(
        ApeDeployer(account),
        network=record_name(chain.chain_id),
        chain_id=chain.chain_id,
        deployer_address=str(account.address),
        params=params,
    )
    path = record.save(out)
    for name, deployed in record.contracts.items():
        click.echo(f"{name:20s} {deployed.address}  block {deployed.block}  tx {deployed.tx_hash}")
    click.echo(f"recorded in {path}")

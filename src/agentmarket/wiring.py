"""The one place that knows how the protocol is deployed: order, arguments, links.

Both deployment paths use it: the client (`agentmarket deploy`, the demo, the
benchmark) through `Web3Deployer`, and Ape (`ape run deploy`) through its own
`Deployer` in `scripts/deploy.py`. Each step names a contract, its constructor
arguments (built from the addresses deployed before it), and the calls that
link it to the others afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from web3 import Web3

from agentmarket.artifacts import ArtifactMissingError, artifact_names, load_artifact
from agentmarket.chain import Signer


@dataclass(frozen=True)
class Deployed:
    """Where one contract landed."""

    address: str
    tx_hash: str
    block: int


@dataclass
class Deployment:
    """A deployed protocol: network, chain id, and every contract's record."""

    network: str
    chain_id: int
    deployer: str
    contracts: dict[str, Deployed] = field(default_factory=dict)
    links: list[dict[str, Any]] = field(default_factory=list)

    def address(self, name: str) -> str:
        return self.contracts[name].address

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.network}.json"
        path.write_text(self.to_json())
        return path

    @classmethod
    def load(cls, path: Path) -> Deployment:
        data = json.loads(path.read_text())
        contracts = {k: Deployed(**v) for k, v in data.pop("contracts").items()}
        return cls(contracts=contracts, **data)


class Deployer(Protocol):
    """What a deployment backend must do: deploy a contract, call a function."""

    def deploy(self, name: str, args: list[Any]) -> Deployed: ...

    def call(self, name: str, address: str, function: str, args: list[Any]) -> str: ...


@dataclass(frozen=True)
class ProtocolParams:
    """Choices a deployer makes: who governs, and the first arbiter panel."""

    governance: str
    arbiters: tuple[str, ...]
    quorum: int

    def __post_init__(self) -> None:
        if not 1 <= self.quorum <= len(self.arbiters):
            raise ValueError(f"quorum {self.quorum} must lie in 1..{len(self.arbiters)} arbiters")


Addresses = dict[str, str]
Args = Callable[[Addresses, ProtocolParams], list[Any]]


@dataclass(frozen=True)
class Step:
    """Deploy `name` with constructor `args(addresses so far, params)`."""

    name: str
    args: Args


@dataclass(frozen=True)
class Link:
    """After every deployment, call `function(args)` on contract `target`."""

    target: str
    function: str
    args: Args
    needs: tuple[str, ...] = ()


# Deployment order. Constructor arguments only reach backwards; links made
# afterwards close the cycles. A step whose contract is not compiled into the
# package is skipped, with any link that needs it.
PLAN: tuple[Step, ...] = (
    Step("AgentRegistry", lambda a, p: []),
    Step("ArbiterPanel", lambda a, p: [list(p.arbiters), p.quorum]),
)

# Governance is handed over last, by two-step transfer: the deployer proposes,
# the governance account accepts in a transaction of its own (skipped when the
# deployer governs).
LINKS: tuple[Link, ...] = (Link("ArbiterPanel", "transfer_ownership", lambda a, p: [p.governance]),)


def deploy_protocol(
    deployer: Deployer, network: str, chain_id: int, deployer_address: str, params: ProtocolParams
) -> Deployment:
    """Deploy every compiled contract in order and link them; return the record."""
    available = set(artifact_names())
    record = Deployment(network=network, chain_id=chain_id, deployer=deployer_address)
    addresses: Addresses = {}
    for step in PLAN:
        if step.name not in available:
            continue
        deployed = deployer.deploy(step.name, step.args(addresses, params))
        record.contracts[step.name] = deployed
        addresses[step.name] = deployed.address
    for link in LINKS:
        if any(name not in addresses for name in (link.target, *link.needs)):
            continue
        if link.function == "transfer_ownership" and params.governance == deployer_address:
            continue
        args = link.args(addresses, params)
        tx_hash = deployer.call(link.target, addresses[link.target], link.function, args)
        record.links.append(
            {"contract": link.target, "function": link.function, "tx_hash": tx_hash}
        )
    return record


class Web3Deployer:
    """Deploys the package's artifacts with a local key over web3.py."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        self.w3: Web3 = signer.w3

    def deploy(self, name: str, args: list[Any]) -> Deployed:
        art = load_artifact(name)
        factory = self.w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
        tx = factory.constructor(*args).build_transaction({"from": self.signer.address, "gas": 0})
        del tx["gas"]
        receipt = self.signer.send(dict(tx))
        address = receipt["contractAddress"]
        if address is None:
            raise ArtifactMissingError(f"{name}: deployment receipt has no contract address")
        return Deployed(
            address=str(address),
            tx_hash=receipt["transactionHash"].to_0x_hex(),
            block=int(receipt["blockNumber"]),
        )

    def call(self, name: str, address: str, function: str, args: list[Any]) -> str:
        contract = self.w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=load_artifact(name).abi
        )
        receipt = self.signer.transact(contract.functions[function](*args))
        return str(receipt["transactionHash"].to_0x_hex())

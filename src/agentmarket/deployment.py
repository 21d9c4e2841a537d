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

import rlp
from web3 import Web3

from agentmarket.artifacts import ArtifactMissingError, artifact_names, load_artifact
from agentmarket.chain import Signer
from agentmarket.errors import DeploymentError


@dataclass(frozen=True)
class Deployed:
    """Where one contract landed."""

    address: str
    tx_hash: str
    block: int


def record_name(chain_id: int) -> str:
    """The one name a deployment record of chain `chain_id` gets, whichever tool
    deploys (`agentmarket deploy`, `ape run deploy`): `chain-<id>`, written to
    `deployments/chain-<id>.json`. Local chains' records (1337, 31337) are
    ignored by git; public networks' are committed."""
    return f"chain-{chain_id}"


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

    def nonce(self) -> int: ...

    def deploy(self, name: str, args: list[Any]) -> Deployed: ...

    def call(self, name: str, address: str, function: str, args: list[Any]) -> str: ...


DAY = 86_400


@dataclass(frozen=True)
class JobTerms:
    """The escrow's first config version: what every new job is created under
    until governance adds another (running jobs keep theirs)."""

    fee_bps: int = 100  # 1% of what the provider earns
    accept_window: int = 1 * DAY
    review_window: int = 3 * DAY
    bond_bps: int = 1_000  # a dispute bond is 10% of the amount...
    bond_floor: int = 1  # ...and never less than this many token units (tokens differ in decimals)
    response_window: int = 2 * DAY
    arbitration_window: int = 14 * DAY


@dataclass(frozen=True)
class ProtocolParams:
    """Choices a deployer makes: who governs, the first arbiter panel, the
    guardian (default: governance) and the terms of new jobs."""

    governance: str
    arbiters: tuple[str, ...]
    quorum: int
    guardian: str | None = None
    terms: JobTerms = field(default_factory=JobTerms)

    def __post_init__(self) -> None:
        if not 1 <= self.quorum <= len(self.arbiters):
            raise ValueError(f"quorum {self.quorum} must lie in 1..{len(self.arbiters)} arbiters")


def majority(arbiters: int) -> int:
    """The default quorum of a panel of `arbiters`: more than half of them."""
    return arbiters // 2 + 1


def create_address(sender: str, nonce: int) -> str:
    """The address a contract created by `sender` at `nonce` gets (CREATE)."""
    encoded = rlp.encode([bytes.fromhex(sender.removeprefix("0x")), nonce])
    return str(Web3.to_checksum_address(Web3.keccak(encoded)[12:]))


@dataclass(frozen=True)
class Context:
    """What a step's constructor arguments may use: the addresses deployed so
    far, the deployer's choices, and the predicted address of any contract in
    the plan (the escrow and the contracts that only it may call know each
    other's addresses as immutables, so one side is predicted)."""

    addresses: dict[str, str]
    params: ProtocolParams
    predicted: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.addresses[name]

    def predict(self, name: str) -> str:
        return self.predicted[name]


Args = Callable[[Context, ProtocolParams], list[Any]]


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
def _escrow_config(ctx: Context, p: ProtocolParams) -> tuple[Any, ...]:
    t = p.terms
    return (
        t.fee_bps,
        t.accept_window,
        t.review_window,
        p.governance,  # fee recipient
        t.bond_bps,
        t.bond_floor,
        t.response_window,
        t.arbitration_window,
        ctx["ArbiterPanel"],  # the default arbitrator of new jobs
    )


ZERO_ADDRESS = "0x" + "00" * 20


def _guardian(p: ProtocolParams) -> str:
    return p.guardian or p.governance


PLAN: tuple[Step, ...] = (
    Step("AgentRegistry", lambda a, p: []),
    Step("ServiceListings", lambda a, p: [a["AgentRegistry"], _guardian(p)]),
    Step("ArbiterPanel", lambda a, p: [list(p.arbiters), p.quorum]),
    # The reputation registry and the dispute resolver accept calls from the
    # escrow alone, and the escrow from them alone: each side holds the other
    # as an immutable, so these two are built for the escrow's predicted address.
    Step("ReputationRegistry", lambda a, p: [a.predict("JobEscrow")]),
    Step("DisputeResolver", lambda a, p: [a.predict("JobEscrow"), a["AgentRegistry"]]),
    Step(
        "JobEscrow",
        lambda a, p: [
            a["AgentRegistry"],
            a["ServiceListings"],
            a["ReputationRegistry"],
            a["DisputeResolver"],
            # The escrow has no owner: it takes settings from its governor
            # alone, deployed next (the escrow starts paused, without a config,
            # until the governor's constructor writes config 1).
            a.predict("EscrowGovernor"),
            # Tabs keep their deposits in the escrow's ledger and only Tabs may
            # move them: the escrow is built for Tabs' predicted address (empty,
            # tabs disabled, when the package has no Tabs artifact).
            a.predicted.get("Tabs", ZERO_ADDRESS),
            # Hires from providers' signed offers come through the OfferBook
            # alone, built after the escrow at its predicted address.
            a.predicted.get("OfferBook", ZERO_ADDRESS),
        ],
    ),
    # Publishes the verdicts of job evaluators read from the escrow, which
    # does not know it: built after the escrow.
    Step("ValidationRegistry", lambda a, p: [a["AgentRegistry"], a["JobEscrow"]]),
    Step("EscrowGovernor", lambda a, p: [a["JobEscrow"], _guardian(p), _escrow_config(a, p)]),
    Step("Tabs", lambda a, p: [a["JobEscrow"], a["AgentRegistry"]]),
    Step("OfferBook", lambda a, p: [a["JobEscrow"], a["AgentRegistry"]]),
)

# Governance is handed over last, by two-step transfer: the deployer proposes,
# the governance account accepts in a transaction of its own (skipped when the
# deployer governs).
LINKS: tuple[Link, ...] = tuple(
    Link(name, "transfer_ownership", lambda a, p: [p.governance])
    for name in ("ServiceListings", "ArbiterPanel", "EscrowGovernor")
)


def deploy_protocol(
    deployer: Deployer, network: str, chain_id: int, deployer_address: str, params: ProtocolParams
) -> Deployment:
    """Deploy every compiled contract in order and link them; return the record."""
    available = set(artifact_names())
    steps = [step for step in PLAN if step.name in available]
    first_nonce = deployer.nonce()
    predicted = {
        step.name: create_address(deployer_address, first_nonce + i) for i, step in enumerate(steps)
    }
    ctx = Context(addresses={}, params=params, predicted=predicted)
    record = Deployment(network=network, chain_id=chain_id, deployer=deployer_address)
    for step in steps:
        deployed = deployer.deploy(step.name, step.args(ctx, params))
        if deployed.address.lower() != predicted[step.name].lower():
            raise DeploymentError(
                f"{step.name} landed at {deployed.address}, not at the predicted "
                f"{predicted[step.name]}: another transaction from the deployer interleaved"
            )
        record.contracts[step.name] = deployed
        ctx.addresses[step.name] = deployed.address
    for link in LINKS:
        if any(name not in ctx.addresses for name in (link.target, *link.needs)):
            continue
        if link.function == "transfer_ownership" and params.governance == deployer_address:
            continue
        args = link.args(ctx, params)
        tx_hash = deployer.call(link.target, ctx[link.target], link.function, args)
        record.links.append(
            {"contract": link.target, "function": link.function, "tx_hash": tx_hash}
        )
    return record


class Web3Deployer:
    """Deploys the package's artifacts with a local key over web3.py."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        self.w3: Web3 = signer.w3

    def nonce(self) -> int:
        return int(self.w3.eth.get_transaction_count(self.signer.account.address, "pending"))

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

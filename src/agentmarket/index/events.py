"""What the discovery index reads from the chain: event shapes, decoding, sources.

The index follows four contracts:

- ServiceListings: `ListingCreated`, `ListingUpdated`, `ListingEvaluatorSet`,
  `ListingPaused`, `ListingResumed`, `ListingClosed` (the listing's whole
  life, the evaluator its jobs will name included);
- JobEscrow: `JobCreated`, `EvaluatorNamed`, `JobAccepted`, `JobDelivered`,
  `JobEvaluated`, `JobCompleted`, `JobRefunded`, `DisputeOpened`,
  `DisputeSettled` (jobs, and which agents' reputation moved);
- ReputationRegistry: `Rated` (a rating moved an agent's score), and the
  `reputation_of` view, read for every agent a settlement or rating touched;
- Tabs: `TabClosed` (a closing tab writes its one reputation fact, with no
  escrow event of its own).

The event ABIs come from the compiled artifacts the package ships, so they
always match the contracts.

A *source* is anything that can say how high the chain is, hand over the
decoded events of a block range, read agents' reputation at a block, and give
a block's hash and parent hash (how the indexer notices a reorganisation).
`Web3EventSource` is the real one (one `eth_getLogs` per range, all followed
contracts in one call); tests plug in synthetic sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from eth_typing import ChecksumAddress
from eth_utils.abi import event_abi_to_log_topic
from web3 import Web3
from web3._utils.events import get_event_data
from web3.exceptions import BlockNotFound

from agentmarket.artifacts import load_artifact

LISTINGS = "ServiceListings"
ESCROW = "JobEscrow"
REPUTATION = "ReputationRegistry"
TABS = "Tabs"
FOLLOWED: tuple[str, ...] = (LISTINGS, ESCROW, REPUTATION, TABS)

MASK_64 = 2**64 - 1

# The events the index follows, per contract. Their ABI entries come from the
# compiled artifacts shipped in the package, so they cannot drift from the
# contracts; the ingest layer reads the arguments by the names given there.
FOLLOWED_EVENTS: dict[str, tuple[str, ...]] = {
    LISTINGS: (
        "ListingCreated",
        "ListingUpdated",
        "ListingEvaluatorSet",
        "ListingPaused",
        "ListingResumed",
        "ListingClosed",
    ),
    ESCROW: (
        "JobCreated",
        "EvaluatorNamed",
        "JobAccepted",
        "JobDelivered",
        "JobEvaluated",
        "JobCompleted",
        "JobRefunded",
        "DisputeOpened",
        "DisputeSettled",
    ),
    REPUTATION: ("Rated",),
    TABS: ("TabClosed",),
}

# Events after which both parties' reputation may have moved.
SETTLEMENT_EVENTS: frozenset[str] = frozenset(
    {"JobCompleted", "JobRefunded", "DisputeSettled", "Rated", "TabClosed"}
)
# The argument naming the two parties (a job id, or a tab id: the same low
# 128 bits, client << 64 | provider) when it is not `job_id`.
PARTIES_ARG: dict[str, str] = {"TabClosed": "tab_id"}

# The order of `IReputationRegistry.Reputation`'s members.
REPUTATION_FIELDS: tuple[str, ...] = (
    "completed",
    "failed",
    "refunded",
    "disputes_won",
    "disputes_lost",
    "settled",
    "jobs",
    "volume",
    "rating_count",
    "rating_weight",
    "rating_weighted_score",
    "average_score",
    "validated",
    "rejected",
)


def _abi_entries(contract: str, kind: str, names: Iterable[str]) -> list[dict[str, Any]]:
    wanted = set(names)
    entries = [
        dict(e)
        for e in load_artifact(contract).abi
        if e["type"] == kind and e.get("name") in wanted
    ]
    missing = wanted - {e["name"] for e in entries}
    if missing:
        raise LookupError(f"{contract} has no {kind} {sorted(missing)}")
    return entries


def event_abi(contract: str) -> list[dict[str, Any]]:
    """The ABI entries of the events the index follows on `contract`."""
    return _abi_entries(contract, "event", FOLLOWED_EVENTS[contract])


def reputation_of_abi() -> dict[str, Any]:
    """The ABI entry of `ReputationRegistry.reputation_of`."""
    (entry,) = _abi_entries(REPUTATION, "function", ["reputation_of"])
    return entry


@dataclass(frozen=True)
class ChainEvent:
    """One decoded log: which contract, which event, its arguments, where it sits."""

    contract: str
    name: str
    args: Mapping[str, Any]
    block: int
    log_index: int
    block_hash: bytes | None = None  # the hash of the block the node served it from


@dataclass(frozen=True)
class BlockRef:
    """A block's number, hash and parent hash: enough to tell two forks apart."""

    number: int
    hash: bytes
    parent_hash: bytes


@dataclass(frozen=True)
class AgentReputation:
    """`IReputationRegistry.Reputation` of one agent, as read at some block.

    `average_score` is the value-weighted mean rating in hundredths (8750 is
    87.50); `volume` is the weighted value of every job the agent ended.
    `validated` and `rejected` count, among its `completed` and `failed` jobs
    as provider, those its evaluator approved or rejected (not in `jobs`).
    """

    agent_id: int
    completed: int = 0
    failed: int = 0
    refunded: int = 0
    disputes_won: int = 0
    disputes_lost: int = 0
    settled: int = 0
    jobs: int = 0
    volume: int = 0
    rating_count: int = 0
    rating_weight: int = 0
    rating_weighted_score: int = 0
    average_score: int = 0
    validated: int = 0
    rejected: int = 0


def job_parties(job_id: int) -> tuple[int, int]:
    """(client id, provider id) encoded in an escrow job id (see IJobEscrow), or
    in a tab id (see ITabs)."""
    return (job_id >> 64) & MASK_64, job_id & MASK_64


def touched_agents(events: Iterable[ChainEvent]) -> set[int]:
    """Agents whose reputation may have moved in these events (both sides of each)."""
    agents: set[int] = set()
    for ev in events:
        if ev.name in SETTLEMENT_EVENTS:
            agents.update(job_parties(int(ev.args[PARTIES_ARG.get(ev.name, "job_id")])))
    agents.discard(0)
    return agents


class EventSource(Protocol):
    """Where the indexer gets the chain's data from."""

    def head(self) -> int:
        """The latest block number."""
        ...

    def events(self, from_block: int, to_block: int) -> list[ChainEvent]:
        """Decoded followed events in [from_block, to_block], in chain order."""
        ...

    def reputations(self, agent_ids: Sequence[int], block: int) -> list[AgentReputation]:
        """The aggregates of `agent_ids` as of `block`."""
        ...

    def block(self, number: int) -> BlockRef | None:
        """Block `number` of the chain as it stands now; None if the chain is shorter."""
        ...


class Web3EventSource:
    """Reads events with one `eth_getLogs` per range over all followed contracts."""

    def __init__(self, w3: Web3, addresses: Mapping[str, str]) -> None:
        self.w3 = w3
        self._decoders: dict[tuple[str, bytes], tuple[str, dict[str, Any]]] = {}
        self.addresses: dict[str, ChecksumAddress] = {}
        for name in FOLLOWED:
            if name not in addresses:
                continue
            address = Web3.to_checksum_address(addresses[name])
            self.addresses[name] = address
            for abi in event_abi(name):
                topic = bytes(event_abi_to_log_topic(cast(Any, abi)))
                self._decoders[(address.lower(), topic)] = (name, abi)
        if LISTINGS not in self.addresses:
            raise ValueError(f"the index needs the {LISTINGS} address")
        self._topics = sorted({"0x" + topic.hex() for _, topic in self._decoders})
        self._reputation = (
            w3.eth.contract(address=self.addresses[REPUTATION], abi=[reputation_of_abi()])
            if REPUTATION in self.addresses
            else None
        )

    def head(self) -> int:
        return int(self.w3.eth.block_number)

    def block(self, number: int) -> BlockRef | None:
        try:
            found = self.w3.eth.get_block(number)
        except BlockNotFound:
            return None
        return BlockRef(number, bytes(found["hash"]), bytes(found["parentHash"]))

    def events(self, from_block: int, to_block: int) -> list[ChainEvent]:
        logs = self.w3.eth.get_logs(
            {
                "fromBlock": from_block,
                "toBlock": to_block,
                "address": list(self.addresses.values()),
                "topics": [cast(Any, self._topics)],
            }
        )
        out: list[ChainEvent] = []
        for log in logs:
            if not log["topics"]:
                continue
            key = (str(log["address"]).lower(), bytes(log["topics"][0]))
            found = self._decoders.get(key)
            if found is None:
                continue
            contract, abi = found
            data = get_event_data(self.w3.codec, cast(Any, abi), log)
            out.append(
                ChainEvent(
                    contract=contract,
                    name=abi["name"],
                    args=dict(data["args"]),
                    block=int(log["blockNumber"]),
                    log_index=int(log["logIndex"]),
                    block_hash=bytes(log["blockHash"]),
                )
            )
        out.sort(key=lambda e: (e.block, e.log_index))
        return out

    def reputations(self, agent_ids: Sequence[int], block: int) -> list[AgentReputation]:
        """Read `reputation_of` at `block`; at the latest block if the node keeps no
        state that old (a non-archive node): newer figures are as good for discovery."""
        if self._reputation is None:
            return []
        fn = self._reputation.functions.reputation_of
        out = []
        for agent_id in agent_ids:
            try:
                raw = fn(agent_id).call(block_identifier=block)
            except Exception:  # any "missing trie node"-style refusal
                raw = fn(agent_id).call(block_identifier="latest")
            out.append(AgentReputation(agent_id, *(int(v) for v in raw)))
        return out

"""Helpers for the reputation tests: constants, storage slots, a transaction
runner that prices gas as a real transaction, event decoding, and a Python
model that recomputes every aggregate from the logged events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boa
from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

ROOT = Path(__file__).resolve().parents[2]
ERC8004_REPUTATION_ABI = json.loads(
    (ROOT / "standards" / "erc8004-reputation.abi.json").read_text()
)

# Agent ids used across the tests (the registry never checks them against the
# identity registry: the escrow has).
CLIENT_ID = 11
PROVIDER_ID = 22
THIRD_ID = 33

WAD = 10**18
URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
HASH = b"\x5a" * 32

# Storage slots of the registry's mappings (`vyper -f layout`), for the few
# tests that plant words near their saturation points.
FACTS_SLOT, PAIR_FACTS_SLOT, RATINGS_SLOT, PAIR_RATINGS_SLOT = 0, 1, 2, 3
VERDICTS_SLOT, PAIR_VERDICTS_SLOT = 4, 5
# A record word's volume field (bits 152..253) saturates here.
VOLUME_MAX = 2**102 - 1


def mapping_slot(base: int, *keys: int) -> int:
    """Vyper's HashMap slot: keccak256(slot . key), nested left to right."""
    slot = base
    for key in keys:
        slot = int.from_bytes(keccak(slot.to_bytes(32, "big") + key.to_bytes(32, "big")), "big")
    return slot


def intrinsic_gas(data: bytes) -> int:
    """What a transaction pays before execution, and its EIP-7623 floor."""
    zeros = data.count(0)
    nonzeros = len(data) - zeros
    return 21_000 + 4 * zeros + 16 * nonzeros


def calldata_floor(data: bytes) -> int:
    zeros = data.count(0)
    return 21_000 + 10 * (zeros + 4 * (len(data) - zeros))


@dataclass
class Tx:
    """One call run as its own transaction: cold accounts and slots, storage
    committed before and after (so SSTORE prices see the right original
    values), gas as the receipt would show it."""

    execution: int
    total: int
    computation: Any


@contextmanager
def own_chain() -> Iterator[None]:
    """A fresh chain of its own for `run_tx`: committing storage between
    transactions would break the snapshots boa's test isolation keeps on the
    shared chain."""
    with boa.swap_env(boa.Env()):
        yield


def run_tx(fn: Any, *args: Any, sender: str | None = None) -> Tx:
    """Run one call as its own transaction; only inside `own_chain()`."""
    env = boa.env
    state = env.evm.vm.state
    state.lock_changes()
    env.evm.reset_access_counters()
    if sender is not None:
        with env.prank(sender):
            fn(*args)
    else:
        fn(*args)
    state.lock_changes()
    contract = fn.contract
    computation = contract._computation
    data = computation.msg.data_as_bytes
    execution = computation.get_gas_used()
    total = max(intrinsic_gas(data) + execution, calldata_floor(data))
    return Tx(execution=execution, total=total, computation=computation)


# Outcome code => (provider's counter, client's counter); see
# IReputationRegistry.Reputation.
COMPLETED, REFUNDED_LATE, DECLINED, DISPUTE_CLIENT = 1, 2, 3, 4
DISPUTE_PROVIDER, SETTLED, SPLIT, REJECTED, VALIDATED = 5, 6, 7, 8, 9
SIDES: dict[int, tuple[str, str]] = {
    COMPLETED: ("completed", "completed"),
    REFUNDED_LATE: ("failed", "refunded"),
    DECLINED: ("failed", "refunded"),
    DISPUTE_CLIENT: ("disputes_lost", "disputes_won"),
    DISPUTE_PROVIDER: ("disputes_won", "disputes_lost"),
    SETTLED: ("settled", "settled"),
    SPLIT: ("settled", "settled"),
    REJECTED: ("failed", "refunded"),
    VALIDATED: ("completed", "completed"),
}
# Outcome code => the provider's verdict sub-count it also moves (the client
# has none); not a counter of its own, so not in `jobs`.
VERDICTS: dict[int, str] = {REJECTED: "rejected", VALIDATED: "validated"}
COUNTERS = ("completed", "failed", "refunded", "disputes_won", "disputes_lost", "settled")
FIELDS = (
    *COUNTERS,
    "jobs",
    "volume",
    "rating_count",
    "rating_weight",
    "rating_weighted_score",
    "average_score",
    "validated",
    "rejected",
)


def agent_address(agent_id: int) -> str:
    """An agent id as the address ERC-8004 readers use for a rater."""
    return to_checksum_address(agent_id.to_bytes(20, "big"))


def event_signature(abi: list[dict[str, Any]], name: str) -> str:
    (entry,) = [e for e in abi if e.get("type") == "event" and e["name"] == name]
    return f"{name}({','.join(i['type'] for i in entry['inputs'])})"


NEW_FEEDBACK_TOPIC = int.from_bytes(
    keccak(text=event_signature(ERC8004_REPUTATION_ABI, "NewFeedback")), "big"
)


@dataclass(frozen=True)
class JobFact:
    """One `ReputationRecorded` event of the (mock) escrow."""

    job_id: int
    client_id: int
    provider_id: int
    outcome: int
    paid: int
    weighted_value: int


@dataclass(frozen=True)
class Rating:
    """One rating: its `NewFeedback` joined with the `Rated` after it."""

    job_id: int
    rated_id: int
    rater_address: str
    feedback_index: int
    score: int
    value_decimals: int
    tag1_topic: int
    tag1: str
    tag2: str
    endpoint: str
    feedback_uri: str
    feedback_hash: bytes
    weight: int

    @property
    def rater_id(self) -> int:
        return int(self.rater_address, 16)


def job_facts_from_logs(escrow: Any) -> list[JobFact]:
    """The `ReputationRecorded` events of the escrow's last call."""
    return [
        JobFact(e.job_id, e.client_id, e.provider_id, e.outcome, e.paid, e.weighted_value)
        for e in escrow.get_logs()
        if type(e).__name__ == "ReputationRecorded"
    ]


def ratings_from_logs(reputation: Any) -> list[Rating]:
    """The ratings logged by the registry's last call. Boa cannot decode an
    indexed string topic, so `NewFeedback` is decoded here by hand."""
    out: list[Rating] = []
    pending: dict[str, Any] | None = None
    for entry in reputation.get_logs(strict=False):
        if type(entry).__name__ == "RawLogEntry":
            topics = list(entry.topics)
            assert topics[0] == NEW_FEEDBACK_TOPIC
            index, value, decimals, tag1, tag2, endpoint, uri, fhash = abi_decode(
                ["uint64", "int128", "uint8", "string", "string", "string", "string", "bytes32"],
                entry.data,
            )
            pending = dict(
                rated_id=topics[1],
                rater_address=to_checksum_address(topics[2].to_bytes(32, "big")[12:]),
                feedback_index=index,
                score=value,
                value_decimals=decimals,
                tag1_topic=topics[3],
                tag1=tag1,
                tag2=tag2,
                endpoint=endpoint,
                feedback_uri=uri,
                feedback_hash=fhash,
            )
        elif type(entry).__name__ == "Rated":
            assert pending is not None, "Rated without NewFeedback before it"
            # `Rated` names the rater, the same as its `NewFeedback`.
            assert entry.rater_id == int(pending["rater_address"], 16)
            out.append(Rating(job_id=entry.job_id, weight=entry.weight, **pending))
            pending = None
    assert pending is None, "NewFeedback without Rated after it"
    return out


@dataclass
class Model:
    """Aggregates recomputed from events alone."""

    facts: list[JobFact] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)

    def reputation(self, agent: int, among: Iterable[int] | None = None) -> dict[str, int]:
        keep = None if among is None else set(among)
        out = dict.fromkeys(FIELDS, 0)
        # Each record word saturates its volume on its own: the agent's one
        # word for the whole record, one per (role, counterparty) among some.
        volumes: dict[tuple[int, int], int] = {}

        def add_volume(role: int, counterparty: int, value: int) -> None:
            word = (0, 0) if keep is None else (role, counterparty)
            volumes[word] = volumes.get(word, 0) + value

        for f in self.facts:
            if f.client_id == f.provider_id:
                continue
            if f.provider_id == agent and (keep is None or f.client_id in keep):
                out[SIDES[f.outcome][0]] += 1
                add_volume(0, f.client_id, f.weighted_value)
                if f.outcome in VERDICTS:
                    out[VERDICTS[f.outcome]] += 1
            elif f.client_id == agent and (keep is None or f.provider_id in keep):
                out[SIDES[f.outcome][1]] += 1
                add_volume(1, f.provider_id, f.weighted_value)
        out["volume"] = sum(min(v, VOLUME_MAX) for v in volumes.values())
        for r in self.ratings:
            if r.rated_id == agent and (keep is None or r.rater_id in keep):
                out["rating_count"] += 1
                out["rating_weight"] += r.weight
                out["rating_weighted_score"] += r.weight * r.score
        out["jobs"] = sum(out[c] for c in COUNTERS)
        if out["rating_weight"]:
            out["average_score"] = out["rating_weighted_score"] * 100 // out["rating_weight"]
        return out

    def summary(self, agent: int, raters: Iterable[int] | None = None) -> tuple[int, int, int]:
        rep = self.reputation(agent, raters)
        return (rep["rating_count"], rep["average_score"], 2)

    def last_index(self, agent: int, rater: int) -> int:
        return sum(1 for r in self.ratings if r.rated_id == agent and r.rater_id == rater)


def as_dict(reputation: Any) -> dict[str, int]:
    """A `Reputation` struct returned by boa, as a plain dict."""
    return {name: int(getattr(reputation, name)) for name in FIELDS}


def empty_reputation(**values: int) -> dict[str, int]:
    out = dict.fromkeys(FIELDS, 0)
    out.update(values)
    return out

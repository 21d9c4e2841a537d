"""Synthetic chains for the index tests: decoded events and a reputation model.

`synthetic_events(seed, blocks)` plays a small market (listings created,
edited, paused, resumed and closed; jobs hired, delivered, completed or
refunded; ratings) deterministically from a seed, so a subprocess and the
test that kills it see the same chain. `SyntheticSource` serves those events
through the indexer's `EventSource` protocol, optionally slowly (the test hook
that lets a kill land mid-sync), and can reorganise: `reorg(at, events)` swaps
every block from `at` on for a fork with other events and other hashes.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from web3 import Web3

from agentmarket.contracts.listings import tag_hash
from agentmarket.index.events import AgentReputation, BlockRef, ChainEvent, job_parties

ADDRESSES = {
    "ServiceListings": "0x" + "aa" * 20,
    "JobEscrow": "0x" + "bb" * 20,
    "ReputationRegistry": "0x" + "cc" * 20,
}
TOKEN = "0x" + "11" * 20
OTHER_TOKEN = "0x" + "22" * 20
TAGS = ("translate", "summarise", "code-review")
REORG_SEED = 11  # the history the reorg tests fork


def listing_event(
    name: str, listing_id: int, provider_id: int = 1, tag: str = "translate", block: int = 1,
    log_index: int = 0, **args: Any,
) -> ChainEvent:  # fmt: skip
    """A ServiceListings event with sensible defaults for the fields not given."""
    full: dict[str, Any] = {
        "listing_id": listing_id,
        "provider_id": provider_id,
        "tag": tag_hash(tag),
    }
    if name in ("ListingCreated", "ListingUpdated"):
        full |= {
            "token": TOKEN,
            "price": 10**18,
            "max_delivery_time": 3600,
            "terms_hash": b"\1" * 32,
            "terms_uri": f"ipfs://terms/{listing_id}",
        }
    full |= args
    return ChainEvent("ServiceListings", name, full, block, log_index)


def job_id_of(sequence: int, client_id: int, provider_id: int) -> int:
    return (sequence << 128) | (client_id << 64) | provider_id


def synthetic_events(seed: int = 7, blocks: int = 120, agents: int = 8) -> list[ChainEvent]:
    """A deterministic market history, about two events per block."""
    rng = random.Random(seed)
    events: list[ChainEvent] = []
    listings: dict[int, dict[str, Any]] = {}
    jobs: dict[int, dict[str, Any]] = {}
    next_listing = 1
    next_job = 1
    for block in range(1, blocks + 1):
        for log_index in range(rng.randint(0, 4)):
            roll = rng.random()
            open_listings = [i for i, v in listings.items() if v["state"] != 3]
            if roll < 0.3 or not open_listings:
                lid, next_listing = next_listing, next_listing + 1
                provider = rng.randint(1, agents)
                tag = rng.choice(TAGS)
                listings[lid] = {"provider": provider, "tag": tag, "state": 1, "version": 1}
                events.append(
                    listing_event(
                        "ListingCreated", lid, provider, tag, block, log_index,
                        price=rng.randint(1, 50) * 10**17,
                        token=rng.choice((TOKEN, OTHER_TOKEN)),
                    )
                )  # fmt: skip
                continue
            lid = rng.choice(open_listings)
            ls = listings[lid]
            if roll < 0.4:
                ls["version"] += 1
                events.append(
                    listing_event(
                        "ListingUpdated", lid, ls["provider"], ls["tag"], block, log_index,
                        price=rng.randint(1, 50) * 10**17, version=ls["version"],
                    )
                )  # fmt: skip
            elif roll < 0.47:
                name = {1: "ListingPaused", 2: "ListingResumed"}[ls["state"]]
                ls["state"] = 2 if ls["state"] == 1 else 1
                ls["version"] += 1
                events.append(
                    listing_event(
                        name, lid, ls["provider"], ls["tag"], block, log_index,
                        version=ls["version"],
                    )
                )  # fmt: skip
            elif roll < 0.5:
                ls["state"] = 3
                ls["version"] += 1
                events.append(
                    listing_event(
                        "ListingClosed", lid, ls["provider"], ls["tag"], block, log_index,
                        version=ls["version"],
                    )
                )  # fmt: skip
            else:
                events.append(_job_step(rng, jobs, lid, ls, block, log_index, agents, next_job))
                if events[-1].name == "JobCreated":
                    next_job += 1
    return events


def _job_step(
    rng: random.Random, jobs: dict[int, dict[str, Any]], lid: int, ls: dict[str, Any],
    block: int, log_index: int, agents: int, sequence: int,
) -> ChainEvent:  # fmt: skip
    """Advance a random open job, or hire a new one from listing `lid`."""
    open_jobs = [j for j, v in jobs.items() if v["status"] in (1, 2, 3)]
    if open_jobs and rng.random() < 0.7:
        job_id = rng.choice(open_jobs)
        job = jobs[job_id]
        if job["status"] == 1:
            if rng.random() < 0.2:
                job["status"] = 5
                return ChainEvent(
                    "JobEscrow", "JobRefunded",
                    {"job_id": job_id, "amount": job["price"], "reason": 1}, block, log_index,
                )  # fmt: skip
            job["status"] = 2
            return ChainEvent("JobEscrow", "JobAccepted", {"job_id": job_id}, block, log_index)
        if job["status"] == 2:
            job["status"] = 3
            return ChainEvent(
                "JobEscrow", "JobDelivered",
                {"job_id": job_id, "result_hash": b"\2" * 32, "final_price": job["price"],
                 "result_uri": "ipfs://result"},
                block, log_index,
            )  # fmt: skip
        job["status"] = 4
        return ChainEvent(
            "JobEscrow", "JobCompleted",
            {"job_id": job_id, "provider_amount": job["price"], "fee": 0, "finalized": False},
            block, log_index,
        )  # fmt: skip
    client = rng.randint(1, agents)
    job_id = job_id_of(sequence, client, ls["provider"])
    price = rng.randint(1, 20) * 10**17
    jobs[job_id] = {"status": 1, "price": price}
    return ChainEvent(
        "JobEscrow", "JobCreated",
        {"job_id": job_id, "client_id": client, "provider_id": ls["provider"],
         "listing_id": lid, "token": TOKEN, "price": price, "terms_hash": b"\1" * 32,
         "deadline": 10**9},
        block, log_index,
    )  # fmt: skip


def fork_of(events: Sequence[ChainEvent], at: int, shift: int) -> list[ChainEvent]:
    """Another history from block `at` on: the same kind of market, but every other
    event dropped, listing prices raised by one unit, and the blocks moved by
    `shift` (a longer or shorter fork)."""
    fork = []
    for n, ev in enumerate(e for e in events if e.block >= at):
        if n % 2:
            continue
        args = dict(ev.args)
        if "price" in args and ev.contract == "ServiceListings":
            args["price"] += 1
        fork.append(replace(ev, args=args, block=max(at, ev.block + shift)))
    return fork


def model_reputation(events: Sequence[ChainEvent], agent_id: int, block: int) -> AgentReputation:
    """A stand-in for `reputation_of`: completed jobs, paid volume, a score from it."""
    completed = refunded = volume = 0
    for ev in events:
        if ev.block > block:
            break
        if ev.name in ("JobCompleted", "JobRefunded"):
            client, provider = job_parties(int(ev.args["job_id"]))
            if agent_id not in (client, provider):
                continue
            if ev.name == "JobCompleted":
                completed += 1
                volume += int(ev.args["provider_amount"])
            else:
                refunded += 1
    jobs = completed + refunded
    score = (10_000 * completed // jobs) if jobs else 0
    return AgentReputation(
        agent_id, completed=completed, refunded=refunded, jobs=jobs, volume=volume,
        rating_count=jobs, rating_weight=volume, average_score=score,
    )  # fmt: skip


class SyntheticSource:
    """An `EventSource` over a list of events; `delay` seconds per `events()` call.

    The chain is as high as its last event (or `head`). Block n's hash is
    keccak("<fork>:<n>"), the fork being the label of the last `reorg` at or
    below n ("main" before any), and its parent hash is block n - 1's: so a
    reorg changes the hash of every block from its first on, as on a real chain.
    """

    def __init__(
        self, events: Sequence[ChainEvent], delay: float = 0.0, head: int | None = None
    ) -> None:
        self.all = list(events)
        self.delay = delay
        self.calls: list[tuple[int, int]] = []
        self.fail_wider_than: int | None = None
        self.fixed_head = head
        self.forks: list[tuple[int, str]] = []  # (first block, label), ascending

    def head(self) -> int:
        if self.fixed_head is not None:
            return self.fixed_head
        return max((e.block for e in self.all), default=0)

    def reorg(
        self, at: int, events: Sequence[ChainEvent], label: str, head: int | None = None
    ) -> None:
        """Replace blocks `at`.. with fork `label` holding `events` (blocks >= at)."""
        assert all(e.block >= at for e in events)
        self.all = [e for e in self.all if e.block < at] + sorted(
            events, key=lambda e: (e.block, e.log_index)
        )
        self.forks = [f for f in self.forks if f[0] < at] + [(at, label)]
        self.fixed_head = head

    def block_hash(self, number: int) -> bytes:
        label = "main"
        for first, name in self.forks:
            if number >= first:
                label = name
        return bytes(Web3.keccak(text=f"{label}:{number}"))

    def block(self, number: int) -> BlockRef | None:
        if not 0 <= number <= self.head():
            return None
        return BlockRef(number, self.block_hash(number), self.block_hash(number - 1))

    def events(self, from_block: int, to_block: int) -> list[ChainEvent]:
        if self.fail_wider_than is not None and to_block - from_block + 1 > self.fail_wider_than:
            raise ValueError("query returned more than 10000 results")
        self.calls.append((from_block, to_block))
        if self.delay:
            time.sleep(self.delay)
        return [
            replace(e, block_hash=self.block_hash(e.block))
            for e in self.all
            if from_block <= e.block <= to_block and e.block <= self.head()
        ]

    def reputations(self, agent_ids: Sequence[int], block: int) -> list[AgentReputation]:
        return [model_reputation(self.all, a, block) for a in agent_ids]


def reorged_source(
    events: Sequence[ChainEvent], fork_at: int, shift: int, delay: float = 0.0
) -> SyntheticSource:
    """A chain equal to `events` below `fork_at` and `fork_of(events, fork_at, shift)`
    from there, as high as the original plus `shift`."""
    source = SyntheticSource(events, delay=delay)
    head = max(e.block for e in events) + shift
    source.reorg(fork_at, fork_of(events, fork_at, shift), "fork", head=head)
    return source


def chain_rows(conn: sqlite3.Connection) -> dict[str, list[Any]]:
    """What the index derived from the chain: listings, jobs and reputation (without
    the block each reputation was read at, which depends on where batches ended)
    and the cursor. Two indexes of the same chain are equal when this is."""
    out = dump(conn, reading_blocks=False)
    return {t: out[t] for t in ("sync_cursor", "listings", "reputation", "jobs")}


TABLES: tuple[str, ...] = ("meta", "sync_cursor", "listings", "reputation", "jobs")


def dump(conn: sqlite3.Connection, reading_blocks: bool = True) -> dict[str, list[Any]]:
    """Every row of every table, in a stable order: two syncs are equal when this is.

    `reading_blocks=False` leaves out the block each reputation was read at,
    which depends on where batches ended (to compare syncs of other batch sizes).
    """
    out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}
    if not reading_blocks:
        out["reputation"] = [row[:-1] for row in out["reputation"]]
    return out

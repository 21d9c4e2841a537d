"""Discovery-index benchmark: sync throughput from a node, and query latency.

    python -m tools.bench.index [--rpc http://127.0.0.1:8545] [--out benchmarks/index.json]

- `sync_events_per_s`: deploys AgentRegistry and ServiceListings on the node
  (`--rpc`, default the in-process chain), emits `--events` listing events
  (creations, with an edit, a pause and a close every few), then times one
  `Indexer.sync()` of that range into a fresh database: events per second,
  reading, decoding and committing included.
- `query_ms_100k`: 100,000 listings (and their providers' reputation) written
  straight into SQLite, then the median wall time of `find_providers` over
  many queries: a tag, price ≤ the median price, score ≥ 50.00, top 20.
  Target: under 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eth_account import Account

from agentmarket.artifacts import ArtifactMissingError, load_artifact
from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.contracts.listings import tag_hash
from agentmarket.index.events import AgentReputation
from agentmarket.index.indexer import Indexer, find_providers, store_reputations
from agentmarket.index.schema import open_database, u256

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "benchmarks" / "index.json"
# anvil's first development account: a publicly known test key, never for real funds.
ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

QUERY_LISTINGS = 100_000
QUERY_TAGS = 50
QUERY_PROVIDERS = 5_000
QUERY_TOKENS = 3


def _abi_and_bytecode(name: str) -> tuple[list[dict[str, Any]], str]:
    try:
        art = load_artifact(name)
        return art.abi, art.bytecode
    except ArtifactMissingError:
        from tools.build.artifacts import CONTRACTS, compile_contract  # development install

        compiled = compile_contract(CONTRACTS / f"{name}.vy")
        return compiled["abi"], compiled["bytecode"]


def populate_listings(
    db_url: str,
    listings: int = QUERY_LISTINGS,
    tags: int = QUERY_TAGS,
    providers: int = QUERY_PROVIDERS,
    seed: int = 1,
) -> None:
    """Write synthetic listings and reputations straight into an index database."""
    rng = random.Random(seed)
    tokens = [f"0x{i:040x}" for i in range(1, QUERY_TOKENS + 1)]
    conn = open_database(db_url)
    conn.execute("BEGIN IMMEDIATE")
    store_reputations(
        conn,
        (
            AgentReputation(
                agent,
                completed=(jobs := rng.randint(0, 50)),
                jobs=jobs,
                volume=jobs * rng.randint(1, 100) * 10**18,
                rating_count=jobs,
                rating_weight=jobs,
                average_score=rng.randint(0, 10_000) if jobs else 0,
            )
            for agent in range(1, providers + 1)
        ),
        block=1,
    )
    conn.executemany(
        """INSERT INTO listings (listing_id, provider_id, tag, token, price, max_delivery_time,
               terms_hash, terms_uri, version, state, active, score, volume,
               created_block, updated_block)
           SELECT ?, ?, ?, ?, ?, 3600, ?, 'ipfs://terms', 1, ?, ?,
               r.average_score, r.volume, 1, 1
           FROM reputation AS r WHERE r.agent_id = ?2""",
        (
            (
                i,
                rng.randint(1, providers),
                tag_hash(f"capability-{rng.randrange(tags)}"),
                rng.choice(tokens),
                u256(rng.randint(1, 1000) * 10**16),
                b"\0" * 32,
                state := (1 if rng.random() < 0.9 else rng.choice((2, 3))),
                int(state == 1),
            )
            for i in range(1, listings + 1)
        ),
    )
    conn.execute("COMMIT")
    conn.close()


def measure_query(queries: int = 300, seed: int = 2) -> float:
    """Median ms of `find_providers` over 100,000 listings in a file database."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        populate_listings(url)
        conn = open_database(url)
        timings = []
        for _ in range(queries):
            tag = f"capability-{rng.randrange(QUERY_TAGS)}"
            t0 = time.perf_counter()
            find_providers(conn, tag, max_price=500 * 10**16, min_score=5_000, limit=20)
            timings.append((time.perf_counter() - t0) * 1000)
        conn.close()
    return statistics.median(timings)


def measure_sync(rpc: str = IN_PROCESS, events: int = 400) -> tuple[float, int]:
    """Events per second of one full sync of `events` listing events; and the count."""
    w3 = connect(rpc)
    if rpc == IN_PROCESS:
        account = funded_test_accounts(w3, 1)[0]
    else:
        account = Account.from_key(os.environ.get("AGENTMARKET_KEY", ANVIL_KEY))
    signer = Signer(w3, account)
    registry_abi, registry_code = _abi_and_bytecode("AgentRegistry")
    listings_abi, listings_code = _abi_and_bytecode("ServiceListings")
    first_block = int(w3.eth.block_number) + 1

    def deploy(abi: list[dict[str, Any]], code: str, *args: Any) -> Any:
        factory = w3.eth.contract(abi=abi, bytecode=code)
        tx = factory.constructor(*args).build_transaction({"from": signer.address, "gas": 0})
        del tx["gas"]
        receipt = signer.send(dict(tx))
        return w3.eth.contract(address=receipt["contractAddress"], abi=abi)

    registry = deploy(registry_abi, registry_code)
    listings = deploy(listings_abi, listings_code, registry.address, signer.address)
    signer.transact(registry.functions.register("ipfs://bench-provider"))
    nonce = int(w3.eth.get_transaction_count(account.address, "pending"))
    base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0))
    fees = {"maxPriorityFeePerGas": 10**9, "maxFeePerGas": 4 * base + 10**9}
    last = None
    listing_id = 0
    sent = 0
    while sent < events:
        step = sent % 10
        if step in (7, 8, 9) and listing_id:
            fn = {
                7: listings.functions.update_listing(
                    listing_id, signer.address, 2 * 10**18, 7200, b"\2" * 32, "ipfs://terms-v2"
                ),
                8: listings.functions.pause_listing(listing_id),
                9: listings.functions.close_listing(listing_id),
            }[step]
        else:
            listing_id += 1
            fn = listings.functions.create_listing(
                1, tag_hash(f"capability-{sent % 7}"), signer.address, 10**18 + sent, 3600,
                b"\1" * 32, f"ipfs://terms/{sent}",
            )  # fmt: skip
        tx = fn.build_transaction(
            {"from": signer.address, "nonce": nonce, "gas": 400_000, "chainId": w3.eth.chain_id}
            | fees
        )
        last = w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
        nonce += 1
        sent += 1
    assert last is not None
    receipt = w3.eth.wait_for_transaction_receipt(last, timeout=300)
    head = int(receipt["blockNumber"])
    with tempfile.TemporaryDirectory() as tmp:
        indexer = Indexer(
            w3,
            {"ServiceListings": listings.address},
            f"sqlite:///{tmp}/sync.db",
            start_block=first_block,
            progress=False,
        )
        report = indexer.sync(to_block=head)
        indexer.close()
    return report.events / report.seconds, report.events


def bench_index(rpc: str = IN_PROCESS, events: int = 400) -> dict[str, Any]:
    """Both figures, as `benchmarks/index.json` holds them."""
    rate, synced = measure_sync(rpc, events)
    return {
        "sync_events_per_s": round(rate, 1),
        "sync_events": synced,
        "sync_node": "in-process eth-tester" if rpc == IN_PROCESS else rpc,
        "query_ms_100k": round(measure_query(), 3),
        "query_listings": QUERY_LISTINGS,
        "query_tags": QUERY_TAGS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the discovery index.")
    parser.add_argument("--rpc", default=IN_PROCESS, help="JSON-RPC URL, or 'memory'.")
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    results = bench_index(args.rpc, args.events)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

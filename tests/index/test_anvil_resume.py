"""A real node: kill a slow sync of real listing events, then resume it in-process.

Deploys AgentRegistry and ServiceListings on anvil, emits a few hundred listing
events (creations, edits, pauses, closes), starts a sync in small batches in a
subprocess, SIGKILLs it once it has committed a few batches, and checks that
the database is intact, stopped on a batch boundary, and after resuming holds
exactly what one clean sync produces.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.artifacts import load_artifact
from agentmarket.chain import Signer, connect
from agentmarket.contracts.listings import tag_hash
from agentmarket.deployment import Deployment, Web3Deployer
from agentmarket.index.indexer import Indexer, find_providers

from .kill import kill_sync_worker_past
from .synthetic import dump

pytestmark = pytest.mark.integration

WORKER = Path(__file__).resolve().parent / "anvil_sync_worker.py"
EVENTS = 300
BATCH = 5
DELAY = 0.05  # seconds before each batch's getLogs in the worker: ~3 s of sync to kill


def emit_listing_events(w3: Web3, account: LocalAccount, count: int) -> tuple[Deployment, int]:
    """Deploy the registry and listings, then emit `count` listing events (as
    `index_bench.measure_sync` does); return the record and the last block."""
    signer = Signer(w3, account)
    deployer = Web3Deployer(signer)
    registry = deployer.deploy("AgentRegistry", [])
    listings = deployer.deploy("ServiceListings", [registry.address, signer.address])
    record = Deployment(network="anvil", chain_id=int(w3.eth.chain_id), deployer=signer.address)
    record.contracts = {"AgentRegistry": registry, "ServiceListings": listings}
    reg = w3.eth.contract(address=registry.address, abi=load_artifact("AgentRegistry").abi)
    signer.transact(reg.functions.register("ipfs://resume-provider"))  # agent 1
    fns = w3.eth.contract(address=listings.address, abi=load_artifact("ServiceListings").abi)
    fns = fns.functions
    nonce = int(w3.eth.get_transaction_count(account.address, "pending"))
    base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0))
    fees = {"maxPriorityFeePerGas": 10**9, "maxFeePerGas": 4 * base + 10**9}
    listing_id = 0
    last = None
    for sent in range(count):
        step = sent % 10
        if step in (7, 8, 9) and listing_id:
            fn = {
                7: fns.update_listing(
                    listing_id, signer.address, 2 * 10**18, 7200, b"\2" * 32, "ipfs://terms-v2"
                ),
                8: fns.pause_listing(listing_id),
                9: fns.close_listing(listing_id),
            }[step]
        else:
            listing_id += 1
            fn = fns.create_listing(
                1, tag_hash(f"capability-{sent % 7}"), signer.address, 10**18 + sent, 3600,
                b"\1" * 32, f"ipfs://terms/{sent}",
            )  # fmt: skip
        tx = fn.build_transaction(
            {"from": signer.address, "nonce": nonce + sent, "gas": 400_000}
            | {"chainId": int(w3.eth.chain_id)}
            | fees
        )
        last = w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    assert last is not None
    receipt = w3.eth.wait_for_transaction_receipt(last, timeout=60)
    assert receipt["status"] == 1
    return record, int(receipt["blockNumber"])


def rows(conn: sqlite3.Connection, table: str) -> list[Any]:
    return sorted(conn.execute(f"SELECT * FROM {table}").fetchall())


def test_anvil_kill_mid_sync__resumes_to_what_a_clean_sync_holds(
    anvil_url: str, tmp_path: Path
) -> None:
    w3 = connect(anvil_url)
    # A key of our own, so the other anvil tests' dev-account nonces stay untouched.
    account: LocalAccount = Account.from_key(Web3.keccak(text="agentmarket-anvil-resume"))
    w3.provider.make_request("anvil_setBalance", [account.address, hex(10**21)])  # type: ignore[attr-defined]
    record, head = emit_listing_events(w3, account, EVENTS)
    record_path = record.save(tmp_path)
    start = record.contracts["ServiceListings"].block
    assert head - start >= 20 * BATCH  # enough batches for a kill to land mid-way

    path = tmp_path / "killed.db"
    url = f"sqlite:///{path}"
    args = [url, anvil_url, str(record_path), str(head), str(BATCH), str(DELAY)]
    # past the first batch (a couple committed), then kill without warning
    kill_sync_worker_past(WORKER, args, path, cursor_at_least=start + 2 * BATCH, timeout=30)

    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        raw.close()

    def indexer(name: str, **options: Any) -> Indexer:
        options.setdefault("progress", False)
        return Indexer.from_deployment(w3, record, f"sqlite:///{tmp_path / name}", **options)

    killed = indexer("killed.db", batch_size=BATCH)
    upto = indexer("upto.db", batch_size=BATCH)
    clean = indexer("clean.db")
    try:
        stopped_at = killed.next_block
        assert start + 2 * BATCH <= stopped_at <= head, "the kill must land mid-sync"
        assert (stopped_at - start) % BATCH == 0  # batches are [start, start+4], ...

        # What survived is exactly a clean sync up to the cursor: no half batch.
        upto.sync(to_block=stopped_at - 1)
        assert dump(killed.conn) == dump(upto.conn)

        report = killed.sync(to_block=head)
        assert report.from_block == stopped_at  # resumed at the cursor, not from the start
        clean.sync(to_block=head)
        assert killed.next_block == clean.next_block == head + 1
        listings = rows(killed.conn, "listings")
        assert listings == rows(clean.conn, "listings")
        assert len(listings) == EVENTS - 3 * (EVENTS // 10)  # 7 creations in every 10
        assert rows(killed.conn, "sync_cursor") == rows(clean.conn, "sync_cursor")
        assert dump(killed.conn) == dump(clean.conn)
        tag = "capability-0"
        assert find_providers(killed.conn, tag) == find_providers(clean.conn, tag)
    finally:
        for ix in (killed, upto, clean):
            ix.close()

"""A real reorganisation on anvil: sync, `evm_revert`, mine other transactions, sync again.

The whole protocol is deployed; before the snapshot a provider lists a service.
The branch that gets orphaned edits that listing, adds another, and runs a job
from hire to completion and a rating (so jobs and reputation rows are written);
the branch that replaces it pauses the listing and adds a different one. After
the second sync the index must equal a fresh sync of the chain as it now is,
and hold nothing of the orphaned branch. A second test reverts further back
than the index's kept history and expects a clear refusal, with the database
untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.chain import Signer, connect
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.listings import ListingsClient
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.contracts.reputation import ReputationClient
from agentmarket.contracts.token import TokenClient, deploy_demo_token
from agentmarket.deployment import Deployment, ProtocolParams, Web3Deployer, deploy_protocol
from agentmarket.index.indexer import Indexer, find_providers
from agentmarket.index.reorg import ReorgTooDeepError

from .synthetic import chain_rows

pytestmark = pytest.mark.integration

UNIT = 10**18
PRICE = 5 * UNIT


@dataclass
class Market:
    """A deployed protocol on anvil with a funded client (agent) and a listing provider."""

    w3: Web3
    record: Deployment
    governance: Signer
    client: Signer
    provider: Signer
    client_id: int
    provider_id: int
    token: str
    listing_id: int

    @property
    def listings(self) -> ListingsClient:
        return ListingsClient(self.w3, self.record.address("ServiceListings"))

    @property
    def escrow(self) -> EscrowClient:
        return EscrowClient(self.w3, self.record.address("JobEscrow"))


def rpc(w3: Web3, method: str, *params: Any) -> Any:
    response = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response["result"]


def funded(w3: Web3, label: str) -> Signer:
    """A key of this module's own, so other anvil tests' dev-account nonces stay untouched."""
    account: LocalAccount = Account.from_key(Web3.keccak(text=f"agentmarket-reorg-{label}"))
    rpc(w3, "anvil_setBalance", account.address, hex(10**21))
    return Signer(w3, account)


@pytest.fixture
def market(anvil_url: str, tmp_path: Path) -> Iterator[Market]:
    w3 = connect(anvil_url)
    governance, client, provider = (funded(w3, n) for n in ("gov", "client", "provider"))
    params = ProtocolParams(governance=governance.address, arbiters=(governance.address,), quorum=1)
    record = deploy_protocol(
        Web3Deployer(governance), "anvil-reorg", int(w3.eth.chain_id), governance.address, params
    )
    token = deploy_demo_token(
        governance, [client.address], 1_000 * UNIT, name="Reorg USD", symbol="RUSD"
    ).address
    escrow = EscrowClient(w3, record.address("JobEscrow"))
    escrow.set_token(governance, token, True, UNIT)
    registry = AgentRegistryClient(w3, record.address("AgentRegistry"))
    client_id = registry.register(client, "ipfs://reorg-client")
    provider_id = registry.register(provider, "ipfs://reorg-provider")
    TokenClient(w3, token).approve(client, escrow.address, 100 * UNIT)
    escrow.deposit(client, client_id, token, 100 * UNIT)
    listings = ListingsClient(w3, record.address("ServiceListings"))
    listing_id = listings.create(provider, provider_id, "audit", token, PRICE, 3600)
    yield Market(
        w3, record, governance, client, provider, client_id, provider_id, token, listing_id
    )


def indexer(m: Market, path: Path, **options: Any) -> Indexer:
    options.setdefault("progress", False)
    return Indexer.from_deployment(m.w3, m.record, f"sqlite:///{path}", **options)


def orphaned_branch(m: Market) -> int:
    """Edit the listing, add one, run a job to completion and rate it; return the job id."""
    fns = m.listings.contract.functions
    m.provider.transact(
        fns.update_listing(m.listing_id, m.token, PRICE * 2, 7200, b"\2" * 32, "ipfs://v2")
    )
    m.listings.create(m.provider, m.provider_id, "audit", m.token, PRICE // 2, 600)
    job_id = m.escrow.hire(m.client, m.listings.get(m.listing_id), m.client_id)
    m.escrow.accept(m.provider, job_id)
    m.escrow.deliver(m.provider, job_id, b"\3" * 32, "ipfs://result")
    m.escrow.complete(m.client, job_id)
    ReputationClient(m.w3, m.record.address("ReputationRegistry")).rate(m.client, job_id, 90)
    return job_id


def table(conn: sqlite3.Connection, name: str) -> list[Any]:
    return sorted(conn.execute(f"SELECT * FROM {name}").fetchall())


def test_anvil_reorg__index_rolls_back_and_matches_the_new_chain(
    market: Market, tmp_path: Path
) -> None:
    m = market
    w3 = m.w3
    snapshot = rpc(w3, "evm_snapshot")
    fork_point = int(w3.eth.block_number)
    job_id = orphaned_branch(m)
    index = indexer(m, tmp_path / "index.db", batch_size=3)
    index.sync()
    assert table(index.conn, "jobs") and table(index.conn, "reputation")
    (before,) = [x for x in find_providers(index.conn, "audit") if x.listing_id == m.listing_id]
    assert (before.price, before.version, before.score) == (PRICE * 2, 2, 9000)
    orphaned_head = int(w3.eth.block_number)

    assert rpc(w3, "evm_revert", snapshot) is True
    assert int(w3.eth.block_number) == fork_point
    m.listings.pause(m.provider, m.listing_id)
    other = m.listings.create(m.provider, m.provider_id, "audit", m.token, PRICE + 1, 900)
    rpc(w3, "anvil_mine", hex(orphaned_head - fork_point))  # the new chain outgrows the old
    assert int(w3.eth.block_number) > orphaned_head

    report = index.sync()

    assert report.rolled_back_to == fork_point
    assert report.orphaned_blocks == orphaned_head - fork_point
    assert report.to_block == int(w3.eth.block_number)
    clean = indexer(m, tmp_path / "clean.db", batch_size=3)
    try:
        clean.sync()
        assert chain_rows(index.conn) == chain_rows(clean.conn)
        assert find_providers(index.conn, "audit") == find_providers(clean.conn, "audit")
    finally:
        clean.close()
    # nothing of the orphaned branch is left, and the kept hashes are the chain's
    assert table(index.conn, "jobs") == [] and table(index.conn, "reputation") == []
    assert job_id not in {int.from_bytes(r[0], "big") for r in table(index.conn, "jobs")}
    (only,) = find_providers(index.conn, "audit")  # the first listing is paused now
    assert (only.listing_id, only.price, only.score) == (other, PRICE + 1, 0)
    for number, digest in table(index.conn, "block_hashes"):
        assert bytes(digest) == bytes(w3.eth.get_block(number)["hash"])
    index.close()


def test_anvil_reorg_deeper_than_the_kept_history__refused_untouched(
    market: Market, tmp_path: Path
) -> None:
    m = market
    w3 = m.w3
    snapshot = rpc(w3, "evm_snapshot")
    for n in range(5):
        m.listings.create(m.provider, m.provider_id, "deep", m.token, PRICE + n, 600)
    index = indexer(m, tmp_path / "shallow.db", reorg_depth=2)
    index.sync()
    before = {t: table(index.conn, t) for t in ("listings", "block_hashes", "sync_cursor")}

    assert rpc(w3, "evm_revert", snapshot) is True
    for n in range(6):
        m.listings.create(m.provider, m.provider_id, "deep", m.token, 2 * PRICE + n, 600)

    with pytest.raises(ReorgTooDeepError, match="Delete the index and sync again"):
        index.sync()
    assert {t: table(index.conn, t) for t in before} == before
    index.close()

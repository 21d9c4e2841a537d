"""End to end on the in-process chain: real ServiceListings events into the index.

Also checks that the event and view ABIs the index carries match a fresh
compile of the contracts, so a change to an event shape fails here first.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.chain import Signer, connect, funded_test_accounts
from agentmarket.contracts.listings import tag_hash
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.deployment import Web3Deployer
from agentmarket.index.events import (
    ESCROW,
    FOLLOWED_EVENTS,
    LISTINGS,
    REPUTATION,
    REPUTATION_FIELDS,
    TABS,
    event_abi,
    reputation_of_abi,
)
from agentmarket.index.indexer import Indexer
from tools.build.artifacts import CONTRACTS, compile_contract


@functools.cache
def compiled(name: str) -> dict[str, Any]:
    return compile_contract(CONTRACTS / f"{name}.vy")


@pytest.mark.parametrize("contract", [LISTINGS, ESCROW, REPUTATION, TABS])
def test_followed_events__exist_in_the_shipped_artifacts(contract: str) -> None:
    names = {e["name"] for e in event_abi(contract)}
    assert names == set(FOLLOWED_EVENTS[contract])


def test_reputation_view__returns_the_fields_the_index_stores() -> None:
    (output,) = reputation_of_abi()["outputs"]
    assert tuple(c["name"] for c in output["components"]) == REPUTATION_FIELDS


def test_index__follows_real_listing_events(tmp_path: Path) -> None:
    w3 = connect()
    principal: LocalAccount = funded_test_accounts(w3, 2)[1]
    signer = Signer(w3, principal)
    registry = AgentRegistryClient(w3, Web3Deployer(signer).deploy("AgentRegistry", []).address)
    art = compiled(LISTINGS)
    factory = w3.eth.contract(abi=art["abi"], bytecode=art["bytecode"])
    tx = factory.constructor(registry.address, signer.address).build_transaction(
        {"from": signer.address, "gas": 0}
    )
    del tx["gas"]
    receipt = signer.send(dict(tx))
    listings = w3.eth.contract(address=receipt["contractAddress"], abi=art["abi"])
    start = int(receipt["blockNumber"])
    provider = registry.register(signer, "ipfs://provider")
    token = Web3.to_checksum_address("0x" + "11" * 20)
    fns = listings.functions

    def create(tag: str, price: int) -> None:
        signer.transact(
            fns.create_listing(
                provider, tag_hash(tag), token, price, 3600, b"\1" * 32, f"ipfs://{tag}"
            )
        )

    create("translate", 10**18)  # listing 1
    create("translate", 3 * 10**18)  # listing 2, paused below
    create("translate", 5 * 10**18)  # listing 3, closed below
    create("summarise", 10**18)  # listing 4
    db_url = f"sqlite:///{tmp_path / 'index.db'}"
    indexer = Indexer(
        w3, {LISTINGS: listings.address}, db_url, start_block=start, batch_size=3, progress=False
    )
    assert indexer.sync().events == 4
    assert [m.listing_id for m in indexer.find_providers("translate")] == [1, 2, 3]

    signer.transact(fns.update_listing(1, token, 2 * 10**18, 7200, b"\2" * 32, "ipfs://v2"))
    judge = Web3.to_checksum_address("0x" + "ee" * 20)
    signer.transact(fns.set_listing_evaluator(1, judge, 150))  # version 3
    signer.transact(fns.pause_listing(2))
    signer.transact(fns.close_listing(3))
    report = indexer.sync()
    assert report.events == 4
    indexer.close()

    # A fresh process would reopen the same file and see the same state.
    reopened = Indexer(w3, {LISTINGS: listings.address}, db_url, progress=False)
    (m,) = reopened.find_providers("translate")
    assert (m.listing_id, m.price, m.version, m.terms_uri, m.max_delivery_time) == (
        1, 2 * 10**18, 3, "ipfs://v2", 7200,
    )  # fmt: skip
    assert (m.evaluator, m.evaluator_fee_bps) == (judge, 150)
    assert m.provider_id == provider and m.token == token
    assert [x.listing_id for x in reopened.find_providers("summarise", max_price=10**18)] == [4]
    assert reopened.find_providers("summarise", max_price=10**18 - 1) == []
    # The database is tied to this chain and deployment.
    assert reopened.conn.execute("SELECT value FROM meta WHERE key = 'chain_id'").fetchone() == (
        str(w3.eth.chain_id),
    )
    reopened.close()

"""`agentmarket index` across a chain reorganisation of the in-process chain.

eth-tester can snapshot the chain and revert to the snapshot; transactions sent
afterwards build other blocks at the same heights: a reorg, as a node would
report it. The command must say it rolled back, and `find` must then answer
from the new chain only; a reorg deeper than `--reorg-depth` must stop with an
`error:` line and leave the index as it was.
"""

from __future__ import annotations

from typing import Any

from .conftest import UNIT, Invoke, World


def tester(world: World) -> Any:
    return world.w3.provider.ethereum_tester  # type: ignore[attr-defined]


def register_provider(am: Invoke) -> int:
    made = am("register", "--uri", "ipfs://provider", "--json", signer="provider_principal")
    return int(made.json()["agent_id"])


def list_service(am: Invoke, provider: int, tag: str, price: int) -> int:
    listed = am(
        "list", str(provider), "--tag", tag, "--price", str(price), "--delivery-time", "1h",
        "--json", signer="provider_principal",
    )  # fmt: skip
    return int(listed.json()["listing_id"])


def test_index__reorg_rolled_back_and_find_answers_from_the_new_chain(
    am: Invoke, world: World
) -> None:
    provider = register_provider(am)
    kept = list_service(am, provider, "translate", 30 * UNIT)
    db = f"sqlite:///{world.tmp / 'index.db'}"
    snapshot = tester(world).take_snapshot()
    fork_point = int(world.w3.eth.block_number)
    orphaned = list_service(am, provider, "translate", 10 * UNIT)
    am("list", str(provider), "--tag", "x", "--price", "1", "--delivery-time", "1h",
       signer="provider_principal")  # fmt: skip
    first = am("index", "--db", db, "--no-progress", "--json").json()
    assert first["rolled_back_to"] is None
    found = am("find", "translate", "--db", db, "--json").json()
    assert {m["listing_id"] for m in found} == {kept, orphaned}

    tester(world).revert_to_snapshot(snapshot)
    replacement = list_service(am, provider, "translate", 20 * UNIT)
    assert replacement == orphaned  # the same id, on the other fork, at another price
    am("register", "--uri", "ipfs://late", signer="client_principal")  # one more block
    synced = am("index", "--db", db, "--no-progress", "--json").json()

    assert synced["rolled_back_to"] == fork_point
    assert synced["orphaned_blocks"] >= 2
    assert synced["to_block"] == int(world.w3.eth.block_number)
    found = am("find", "translate", "--db", db, "--json").json()
    assert sorted((m["listing_id"], m["price"]) for m in found) == [
        (kept, 30 * UNIT),
        (replacement, 20 * UNIT),
    ]
    assert am("find", "x", "--db", db, "--json").json() == []
    again = am("index", "--db", db, "--no-progress")
    assert again.code == 0 and "reorganised" not in again.out


def test_index__reorg_deeper_than_reorg_depth__error_and_index_untouched(
    am: Invoke, world: World
) -> None:
    provider = register_provider(am)
    db = f"sqlite:///{world.tmp / 'shallow.db'}"
    snapshot = tester(world).take_snapshot()
    for price in (1, 2, 3):
        list_service(am, provider, "deep", price * UNIT)
    am("index", "--db", db, "--reorg-depth", "1", "--no-progress")
    before = am("find", "deep", "--db", db, "--json").json()
    assert [m["price"] for m in before] == [UNIT, 2 * UNIT, 3 * UNIT]

    tester(world).revert_to_snapshot(snapshot)
    for price in (7, 8, 9, 10):
        list_service(am, provider, "deep", price * UNIT)
    refused = am("index", "--db", db, "--reorg-depth", "1", "--no-progress")

    assert refused.code == 1
    assert refused.err.startswith("error: the chain was reorganised below block")
    assert "--reorg-depth" in refused.err
    assert am("find", "deep", "--db", db, "--json").json() == before

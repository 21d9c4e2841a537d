"""Whole-transaction gas of the tab steps on titanoboa, with the real
ReputationRegistry (the figures `./dev bench` writes come from eth-tester;
these agree with them to within calldata rounding and hold the ceilings in
the test suite). Steady state: every pair has been paid before."""

from __future__ import annotations

from typing import Any

import boa
from escrow.conftest import _deploy_escrow, governor_of, load, predict_address
from escrow.gas import benchmark_world, tx_gas
from escrow.helpers import E18, PRICE
from eth_account import Account

from agentmarket.contracts.tabs import Voucher, sign_voucher

DELAY = 86_400
BATCH = 20


def _world_with_real_reputation() -> Any:
    world, acc = benchmark_world()
    gov = acc["governance"].address
    # The production order: reputation, escrow, its governor, tabs (each
    # predicted).
    escrow_at = predict_address(gov, ahead=1)
    tabs_at = predict_address(gov, ahead=3)
    with boa.env.prank(gov):
        reputation = load("ReputationRegistry", escrow_at)
    escrow = _deploy_escrow(
        world.registry,
        world.listings,
        gov,
        world.guardian,
        world.fee_recipient,
        reputation,
        world.resolver,
        tabs_at,
    )
    with boa.env.prank(gov):
        tabs = load("Tabs", escrow.address, world.registry.address)
        governor_of(escrow).set_token(world.token.address, True, E18)
    assert (escrow.address, tabs.address) == (escrow_at, tabs_at)
    world.escrow, world.tabs, world.reputation = escrow, tabs, reputation
    world.client_key = acc["operator"]
    return world


def _fund(world: Any, agent_id: int, amount: int) -> None:
    funder = Account.from_key(b"\x01" * 32).address
    world.token.mint(funder, amount)
    with boa.env.prank(funder):
        world.token.approve(world.escrow.address, amount)
        world.escrow.deposit(agent_id, world.token.address, amount)


def run_tab_benchmark() -> dict[str, int]:
    world = _world_with_real_reputation()
    tabs, token = world.tabs, world.token.address
    chain = boa.env.evm.patch.chain_id

    def sign(tab_id: int, amount: int, key: Any = None) -> Any:
        return sign_voucher(key or world.client_key, Voucher(tab_id, amount), chain, tabs.address)

    def redeem(signed: Any) -> Any:
        return lambda: tabs.redeem(signed.tab_id, signed.amount, signed.v, signed.r, signed.s)

    _fund(world, world.client_id, 1_000 * PRICE)
    out: dict[str, int] = {}
    with boa.env.prank(world.client_op):
        warm = tabs.open(world.client_id, world.provider_id, token, PRICE, DELAY)
    with boa.env.prank(world.provider_op):
        # Enough to owe a fee: a closing that owed none writes no fact, and the
        # steady state is a pair with reputation written before.
        tabs.redeem(*sign(warm, PRICE).as_tuple())
        tabs.close(warm)
    boa.env.time_travel(seconds=1)
    with boa.env.prank(world.client_op):
        out["tab_open"] = tx_gas(
            tabs, lambda: tabs.open(world.client_id, world.provider_id, token, 5 * PRICE, DELAY)
        )
    (opened,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabOpened"]
    tab_id = opened.tab_id
    with boa.env.prank(world.client_op):
        out["tab_top_up"] = tx_gas(tabs, lambda: tabs.top_up(tab_id, PRICE))
    with boa.env.prank(world.provider_op):
        tabs.redeem(*sign(tab_id, PRICE).as_tuple())
        out["tab_redeem"] = tx_gas(tabs, redeem(sign(tab_id, 2 * PRICE)))
        out["tab_close"] = tx_gas(tabs, lambda: tabs.close(tab_id))

    first, second = [], []
    for i in range(BATCH):
        owner = Account.from_key((1000 + i).to_bytes(32, "big"))
        boa.env.set_balance(owner.address, 10**18)
        with boa.env.prank(owner.address):
            agent = int(world.registry.register("ipfs://c"))
        _fund(world, agent, 10 * PRICE)
        with boa.env.prank(owner.address):
            t = tabs.open(agent, world.provider_id, token, 10 * PRICE, DELAY)
        first.append(sign(t, PRICE, owner).as_tuple())
        second.append(sign(t, 2 * PRICE, owner).as_tuple())
    with boa.env.prank(world.provider_op):
        tabs.redeem_many(first)
        out["tab_redeem_batch20"] = tx_gas(tabs, lambda: tabs.redeem_many(second)) // BATCH
    # 1,000 purchases on one tab: open, one redemption, close; gas per purchase.
    boa.env.time_travel(seconds=1)
    with boa.env.prank(world.client_op):
        total = tx_gas(
            tabs, lambda: tabs.open(world.client_id, world.provider_id, token, 10 * PRICE, DELAY)
        )
    (opened,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabOpened"]
    with boa.env.prank(world.provider_op):
        total += tx_gas(tabs, redeem(sign(opened.tab_id, 10 * PRICE)))
        total += tx_gas(tabs, lambda: tabs.close(opened.tab_id))
    out["purchase_amortised_1000"] = total // 1_000
    return out


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sys.path[:0] = [str(root), str(root / "tests")]
    print(json.dumps(run_tab_benchmark()))

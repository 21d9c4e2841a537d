"""Tabs benchmarks: gas of each tab step, and vouchers signed and verified per second.

    python -m tools.bench.tabs [--out benchmarks/tabs.json] [--seconds 2]

`tab_steps` is called by `tools.bench.gas` (whole-transaction gas, same chain
and rules as every other step, into `benchmarks/gas.json`). This module's own
command measures the Python client's voucher throughput on one core: a
client's `VoucherSigner.sign` and a provider's `VoucherVerifier.accept` (the
off-chain check a provider service runs per incoming voucher), each in a tight
loop for a fixed time, and writes `benchmarks/tabs.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from eth_account import Account
from web3 import Web3
from web3.types import TxReceipt

from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.contracts.tabs import SignedVoucher, TabsClient, VoucherSigner, VoucherVerifier

if TYPE_CHECKING:
    from tools.bench.gas import Bench

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "benchmarks" / "tabs.json"

# Tabs redeemed in one `redeem_many` for `tab_redeem_batch20`.
BATCH = 20
# Purchases settled by one redemption for `purchase_amortised_1000`.
PURCHASES = 1_000
DELAY = 86_400


def _gas(receipt: TxReceipt) -> int:
    return int(receipt["gasUsed"])


def tab_steps(bench: Bench) -> dict[str, int]:
    """Every tab step, in a steady state: the client's operator opens and tops
    up; the provider's operator redeems and closes; the batch redeems the
    second vouchers of twenty tabs from twenty client agents (each pair has
    been paid before, as a provider redeeming its open tabs periodically)."""
    from tools.bench.gas import TOKEN_UNIT

    m = bench.market
    w3 = bench.w3
    tabs = TabsClient(w3, bench.deployment.address("Tabs"))
    token = m.token.address
    sign = tabs.signer_for(m.client_op.account)
    out: dict[str, int] = {}

    # Warm up: one tab opened, redeemed and closed (the token's slot exists).
    warm = tabs.open(m.client_op, m.client_id, m.provider_id, token, TOKEN_UNIT, DELAY)
    tabs.redeem(m.provider_op, sign.sign(warm, 1))
    tabs.close(m.provider_op, warm)

    fns = tabs.contract.functions
    opened = m.client_op.transact(
        fns.open(m.client_id, m.provider_id, token, 100 * TOKEN_UNIT, DELAY)
    )
    tab_id = tabs.tab_id_of(opened)
    note = bench.note
    out["tab_open"] = note("tab_open", opened)
    out["tab_top_up"] = note("tab_top_up", tabs.top_up(m.client_op, tab_id, 10 * TOKEN_UNIT))
    tabs.redeem(m.provider_op, sign.sign(tab_id, 3 * TOKEN_UNIT))
    out["tab_redeem"] = note(
        "tab_redeem", tabs.redeem(m.provider_op, sign.sign(tab_id, 5 * TOKEN_UNIT))
    )
    out["tab_close"] = note("tab_close", tabs.close(m.provider_op, tab_id))

    # 1,000 purchases of 0.01 token on one tab: open, one redemption, close.
    price = TOKEN_UNIT // 100
    receipts = [
        m.client_op.transact(fns.open(m.client_id, m.provider_id, token, PURCHASES * price, DELAY))
    ]
    amortised = tabs.tab_id_of(receipts[0])
    latest: SignedVoucher | None = None
    for n in range(1, PURCHASES + 1):
        latest = sign.sign(amortised, n * price)
    assert latest is not None
    receipts.append(tabs.redeem(m.provider_op, latest))
    receipts.append(tabs.close(m.provider_op, amortised))
    out["purchase_amortised_1000"] = sum(_gas(r) for r in receipts) // PURCHASES

    out["tab_redeem_batch20"] = _batch_per_tab(bench, tabs)
    return out


def _batch_per_tab(bench: Bench, tabs: TabsClient) -> int:
    """Gas per tab of one `redeem_many` over BATCH tabs from BATCH clients."""
    from tools.bench.gas import TOKEN_UNIT

    m = bench.market
    registry: AgentRegistryClient = bench.registry
    token = m.token
    first: list[SignedVoucher] = []
    second: list[SignedVoucher] = []
    for i in range(BATCH):
        owner = bench.fresh_signer(f"tab-client-{i}")
        agent = registry.register(owner, f"ipfs://tab-client-{i}")
        owner.transact(token.functions.mint(owner.address, 10 * TOKEN_UNIT))
        owner.transact(token.functions.approve(m.escrow.address, 2**256 - 1))
        m.escrow.deposit(owner, agent, token.address, 10 * TOKEN_UNIT)
        tab_id = tabs.open(owner, agent, m.provider_id, token.address, 10 * TOKEN_UNIT, DELAY)
        key = tabs.signer_for(owner.account)
        first.append(key.sign(tab_id, TOKEN_UNIT))
        second.append(key.sign(tab_id, 2 * TOKEN_UNIT))
    tabs.redeem_many(m.provider_op, first)
    (receipt,) = tabs.redeem_many(m.provider_op, second)
    return _gas(receipt) // BATCH


# ------------------------------------------------------------- throughput


def _rate(step: Callable[[], object], seconds: float) -> float:
    """Calls per second of `step()` over about `seconds`."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            step()
        count += 50
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def voucher_rates(seconds: float = 2.0) -> dict[str, float]:
    """Vouchers signed and verified per second by the Python client, one core."""
    client = Account.from_key(Web3.keccak(text="agentmarket-tabs-bench:client"))
    contract = "0x" + "ab" * 20
    chain_id = 1
    tab_id = (2_000_000_000 << 136) | (7 << 64) | 9
    signer = VoucherSigner(client, chain_id, contract)
    counter = iter(range(1, 10**12))
    rate_sign = _rate(lambda: signer.sign(tab_id, next(counter)), seconds)

    vouchers = [signer.sign(tab_id, n) for n in range(1, 2_001)]
    verifier = VoucherVerifier(tab_id, chain_id, contract, client.address, deposit=10**30)
    position = iter(range(10**12))

    def verify() -> None:
        i = next(position)
        if i % len(vouchers) == 0:
            verifier.accepted = 0  # start the sequence again
        verifier.accept(vouchers[i % len(vouchers)])

    rate_verify = _rate(verify, seconds)
    return {
        "vouchers_signed_per_s": round(rate_sign),
        "vouchers_verified_per_s": round(rate_verify),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vouchers signed and verified per second.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rates = voucher_rates(args.seconds)
    record = {
        **rates,
        "cores": 1,
        "python": platform.python_version(),
        "seconds_per_measurement": args.seconds,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    for name, value in sorted(rates.items()):
        print(f"{name:28s} {value:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""x402 benchmark: paid requests per second on `tabs`, and gas per paid call beside `exact`.

    python -m tools.bench.x402 [--rpc URL] [--out benchmarks/x402.json]
                               [--seconds 3] [--calls 10000]

On a node (`--rpc`, anvil in `./dev bench`; default the in-process chain) it
deploys the protocol and a 6-decimal token, registers a client agent (operator,
spending caps, escrow deposit) and a provider agent, then measures:

- Throughput (wall clock, one process pinned to one core). A FastAPI app behind the
  x402 SDK's middleware with `tabs` registered (`agentmarket.x402.app.install`,
  vouchers checked locally, the provider's SQLite voucher store) serves the same
  handler at `GET /paid` (1,000 units a call) and `GET /free` (no route config: the
  middleware lets it through), on uvicorn over loopback HTTP in a thread. The
  client, in the same process, is the SDK's `x402HttpxClient` with `TabsPayer`
  registered, sending one request at a time for `--seconds` per route after a
  warm-up (the tab is opened during the warm-up, with a deposit for every call, so
  no top-up happens while timed). A paid call is what the SDK does: the request,
  its `402`, the retry carrying a voucher signed by the client (which reads its tab
  from the chain), checked by the provider (signature recovery, the tab's chain
  facts at most 1 s old, a committed store write), served, billed and answered
  with a receipt. `paid_per_s`, `unpaid_per_s` and their ratio; no redemption runs
  while timed (the provider redeems in batches in the background).
- Gas per paid call (whole-transaction `gasUsed` from receipts) at a redemption
  interval of 1, 100 and 10,000 calls: one tab per interval, opened by the client's
  operator with a deposit for `--calls` calls (so no top-ups), carrying `--calls`
  calls at 1,000 units; every `interval` calls the provider's operator redeems the
  latest voucher with `redeem_many` (the transaction `Redeemer` sends). Per call:
  (open + every redemption) / calls; the tab's `close` is recorded beside it,
  not amortised (a tab lives as long as the pair keeps trading).
- x402 `exact` on the same EVM: a USDC-like token with EIP-3009
  (`tests/mocks/MockEIP3009Token.vy`: snekmate's ERC-20 plus
  `transferWithAuthorization`, no proxy or blocklist, so a lower bound of USDC's)
  and one `transferWithAuthorization` per call sent by a facilitator key, as
  `exact` settles. `exact_settle_cold`: the first payment to a recipient holding
  none of the token (its balance word is created); `exact_settle_warm`: the mean of
  the next payments to that recipient, the steady state of a provider paid per call,
  and the figure compared. Each authorization's nonce is a fresh word, as in
  `exact`.

Gas on anvil may move by a few gas between runs (timestamps and signatures reach
calldata); wall-clock figures depend on the machine and are never asserted by a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from eth_account import Account
from eth_account.signers.local import LocalAccount
from fastapi import FastAPI
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt
from x402.http.clients.httpx import x402HttpxClient

from agentmarket import Market, SpendPolicy
from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.contracts.tabs import SignedVoucher
from agentmarket.contracts.token import deploy_demo_token
from agentmarket.market import deploy_memory_protocol
from agentmarket.x402 import TabsPayer, TabsProvider, TabTerms, VoucherStore, payment_client
from agentmarket.x402.app import install, resource_server, route
from tools.build.artifacts import compile_contract

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "benchmarks" / "x402.json"
EIP3009_TOKEN = ROOT / "tests" / "mocks" / "MockEIP3009Token.vy"
# anvil's first development account: a publicly known test key, never for real funds.
ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ETH = 10**18
TOKEN = 10**6  # a 6-decimal token, as USDC
PRICE = 1_000  # token units per call (0.001 of a 6-decimal dollar)
INTERVALS = (1, 100, 10_000)
WARM_UP = 20
EXACT_WARM = 20  # warm `transferWithAuthorization`s averaged
DELAY = 86_400


def _gas(receipt: TxReceipt) -> int:
    return int(receipt["gasUsed"])


class World:
    """A deployed protocol with a client agent and a provider agent."""

    def __init__(self, rpc: str, home: Path) -> None:
        self.w3 = connect(rpc)
        if rpc == IN_PROCESS:
            root = funded_test_accounts(self.w3, 1)[0]
        else:
            root = Account.from_key(ANVIL_KEY)
        self.governance = Signer(self.w3, root)
        self.record = deploy_memory_protocol(self.governance)
        self.market = Market(self.w3, self.record, root)
        self.client_principal = self.funded()
        self.token = self._token(self.client_principal.address)
        self.market.escrow.set_token(self.governance, self.token, True, ETH)

        owner = self.market.signer_for(self.client_principal)
        self.client_id = self.market.registry.register(owner, "ipfs://bench-client")
        self.client_op = self.market.signer_for(self.funded())
        self.market.registry.set_operator(owner, self.client_id, self.client_op.account)
        cap = 10**9 * TOKEN
        policy = SpendPolicy(cap, cap, DELAY)
        self.market.registry.set_spend_policy(owner, self.client_id, self.token, policy)
        self.market.token(self.token).ensure_allowance(owner, self.market.escrow.address, cap)
        self.market.escrow.deposit(owner, self.client_id, self.token, 100_000 * TOKEN)

        provider = self.market.signer_for(self.funded())
        self.provider_id = self.market.registry.register(provider, "ipfs://bench-provider")
        self.provider_op = self.market.signer_for(self.funded())
        self.market.registry.set_operator(provider, self.provider_id, self.provider_op.account)
        self.home = home

    def funded(self) -> LocalAccount:
        account: LocalAccount = Account.create()
        self.governance.send({"to": account.address, "value": 10 * ETH, "gas": 21_000})
        return account

    def _token(self, holder: str) -> str:
        token = deploy_demo_token(
            self.governance, [holder], 10**9 * TOKEN, name="Bench USD", symbol="BUSD", decimals=6
        )
        return token.address

    def terms(self) -> TabTerms:
        return TabTerms(
            chain_id=self.market.chain_id,
            tabs=self.market.tabs.address,
            token=self.token,
            provider_id=self.provider_id,
            cap=PRICE,
        )


# ------------------------------------------------------------- throughput


def bench_app(provider: TabsProvider) -> FastAPI:
    """`GET /paid` behind `tabs` and `GET /free` unpaid, the same handler."""
    app = FastAPI()
    install(app, {"GET /paid": route(provider)}, resource_server(provider))

    async def handler(text: str = "") -> dict[str, str]:
        return {"result": text.upper()}

    app.get("/paid")(handler)
    app.get("/free")(handler)
    return app


class _Server:
    def __init__(self, app: FastAPI) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


async def _rate(http: httpx.AsyncClient, url: str, seconds: float) -> float:
    """Successful sequential GETs of `url` per second over about `seconds`."""
    for _ in range(WARM_UP):
        (await http.get(url)).raise_for_status()
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        response = await http.get(url, params={"text": f"call {count}"})
        response.raise_for_status()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def bench_throughput(world: World, seconds: float) -> dict[str, Any]:
    provider = TabsProvider(
        world.terms(),
        VoucherStore(world.home / "store.db"),
        world.market.tabs,
        world.market.registry,
    )
    # A deposit for every call the bench may make: no top-up while timed.
    payer = TabsPayer(
        world.market.tabs, world.client_op, world.client_id, deposit=10_000_000 * PRICE
    )

    async def run(url: str) -> tuple[float, float]:
        async with x402HttpxClient(payment_client(payer), timeout=30) as http:
            paid = await _rate(http, url + "/paid", seconds)
            free = await _rate(http, url + "/free", seconds)
        return paid, free

    with _Server(bench_app(provider)) as url:
        paid, free = asyncio.run(run(url))
    held = provider.store.all()
    provider.store.close()
    assert held and held[0].billed > 0, "no paid call was billed"
    return {
        "paid_per_s": round(paid, 1),
        "unpaid_per_s": round(free, 1),
        "paid_to_unpaid": round(paid / free, 3),
    }


# -------------------------------------------------------------------- gas


class _Sender:
    """Signs and sends one key's transactions with a local nonce and fixed fees, so
    thousands of redemptions do not wait on fee and gas estimates (the receipt's
    `gasUsed` does not depend on the gas limit)."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        w3 = signer.w3
        self.nonce = int(w3.eth.get_transaction_count(signer.account.address, "pending"))
        base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0))
        self.fees = {"maxFeePerGas": 4 * base + 10**9, "maxPriorityFeePerGas": 10**9}
        self.chain_id = int(w3.eth.chain_id)

    def transact(self, fn: Any, gas: int = 500_000) -> TxReceipt:
        tx = fn.build_transaction(
            {
                "from": self.signer.address,
                "nonce": self.nonce,
                "gas": gas,
                "chainId": self.chain_id,
                **self.fees,
            }
        )
        self.nonce += 1
        signed = self.signer.account.sign_transaction(tx)
        w3 = self.signer.w3
        receipt = w3.eth.wait_for_transaction_receipt(
            w3.eth.send_raw_transaction(signed.raw_transaction), timeout=60, poll_latency=0.01
        )
        if receipt["status"] != 1:
            raise RuntimeError(f"transaction reverted: {fn.fn_name}")
        return receipt


def tab_gas(world: World, interval: int, calls: int) -> dict[str, int]:
    """One tab carrying `calls` calls, redeemed every `interval` calls."""
    if calls % interval:
        raise ValueError(f"--calls must be a multiple of {interval}")
    tabs = world.market.tabs
    fns = tabs.contract.functions
    opened = world.client_op.transact(
        fns.open(world.client_id, world.provider_id, world.token, calls * PRICE, DELAY)
    )
    tab_id = tabs.tab_id_of(opened)
    sign = tabs.signer_for(world.client_op.account)
    sender = _Sender(world.provider_op)
    redeemed = 0
    last: SignedVoucher | None = None
    for n in range(interval, calls + 1, interval):
        last = sign.sign(tab_id, n * PRICE)
        redeemed += _gas(sender.transact(fns.redeem_many([last.as_tuple()])))
    assert last is not None and tabs.tab(tab_id).redeemed == calls * PRICE
    close = tabs.close(world.provider_op, tab_id)
    return {
        "open": _gas(opened),
        "redemptions": calls // interval,
        "redemptions_gas": redeemed,
        "per_call": (_gas(opened) + redeemed) // calls,
        "close": _gas(close),
    }


def _eip3009_token(world: World) -> Contract:
    compiled = compile_contract(EIP3009_TOKEN)
    w3 = world.w3
    factory = w3.eth.contract(abi=compiled["abi"], bytecode=compiled["bytecode"])
    tx = factory.constructor("USD Coin", "USDC", 6, "2").build_transaction(
        {"from": world.governance.address, "gas": 0}
    )
    del tx["gas"]
    address = str(world.governance.send(dict(tx))["contractAddress"])
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=compiled["abi"])


def exact_gas(world: World) -> dict[str, int]:
    """x402 `exact`: one `transferWithAuthorization` per call, sent by a facilitator."""
    token = _eip3009_token(world)
    payer: LocalAccount = Account.create()
    pay_to: LocalAccount = Account.create()  # holds none of the token yet
    world.governance.transact(token.functions.mint(payer.address, 1_000 * TOKEN))
    facilitator = _Sender(world.market.signer_for(world.funded()))
    chain_id = int(world.w3.eth.chain_id)

    def settle(n: int) -> int:
        now = int(world.w3.eth.get_block("latest")["timestamp"])
        message = {
            "from": payer.address,
            "to": pay_to.address,
            "value": PRICE,
            "validAfter": 0,
            "validBefore": now + 600,
            "nonce": Web3.keccak(text=f"agentmarket-bench-exact:{n}"),
        }
        signed = payer.sign_typed_data(
            {"name": "USD Coin", "version": "2", "chainId": chain_id,
             "verifyingContract": token.address},
            {"TransferWithAuthorization": [
                {"name": "from", "type": "address"}, {"name": "to", "type": "address"},
                {"name": "value", "type": "uint256"}, {"name": "validAfter", "type": "uint256"},
                {"name": "validBefore", "type": "uint256"}, {"name": "nonce", "type": "bytes32"},
            ]},
            message,
        )  # fmt: skip
        fn = token.functions.transferWithAuthorization(
            payer.address, pay_to.address, PRICE, 0, message["validBefore"], message["nonce"],
            signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"),
        )  # fmt: skip
        return _gas(facilitator.transact(fn, gas=200_000))

    cold = settle(0)
    warm = [settle(n) for n in range(1, EXACT_WARM + 1)]
    assert token.functions.balanceOf(pay_to.address).call() == (EXACT_WARM + 1) * PRICE
    return {
        "exact_settle_cold": cold,
        "exact_settle_warm": round(statistics.fmean(warm)),
    }


# ------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="x402 on tabs: requests per second and gas.")
    parser.add_argument("--rpc", default=IN_PROCESS, help="JSON-RPC URL (default: in-process)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per route")
    parser.add_argument("--calls", type=int, default=10_000, help="calls carried by each tab")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    with tempfile.TemporaryDirectory(prefix="agentmarket-bench-x402-") as home:
        world = World(args.rpc, Path(home))
        throughput = bench_throughput(world, args.seconds)
        tabs = {str(k): tab_gas(world, k, args.calls) for k in INTERVALS if k <= args.calls}
        exact = exact_gas(world)
    gas: dict[str, Any] = {f"tabs_per_call_interval_{k}": v["per_call"] for k, v in tabs.items()}
    gas.update(exact)
    record = {
        "throughput": {
            **throughput,
            "client": "x402 SDK x402HttpxClient + TabsPayer, same process, one core",
            "seconds_per_route": args.seconds,
        },
        "gas": gas,
        "tabs_detail": tabs,
        "calls_per_tab": args.calls,
        "price_units": PRICE,
        "chain": "in-process (eth-tester, py-evm)" if args.rpc == IN_PROCESS else "anvil",
        "python": platform.python_version(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    for name, value in throughput.items():
        print(f"{name:32s} {value:>12,}")
    for name, value in gas.items():
        print(f"{name:32s} {value:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

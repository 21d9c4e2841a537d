"""`agentmarket x402 ...`: pay-per-call HTTP APIs on tabs (the x402 `tabs` scheme).

    agentmarket x402 serve-example --agent 2 --token T --price 1000 [--port 8402]
        [--store x402.db] [--redeem-value 1e6] [--redeem-after 10m]   (provider)
    agentmarket x402 get URL --as 7 [--max-price 1000] [--deposit 1e5] [--max-deposit 1e6]
                                                                      (client)
    agentmarket x402 redeem --store x402.db                           (provider)
    agentmarket x402 facilitator --agent 2 --token T --price 1000 [--port 8403]

`serve-example` signs redemptions with the provider agent's operator (or principal)
key; `get` opens, tops up and signs for the client agent's tabs with its operator
(or principal) key. Keys come from `--key-env` or `--keystore`, as everywhere.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    DURATION,
    Session,
    chain_options,
    err_console,
    field_table,
)
from agentmarket.contracts.tabs import MIN_WITHDRAWAL_DELAY
from agentmarket.x402.client import TabsPayer, payment_client
from agentmarket.x402.provider import Redeemer, RedeemPolicy, TabsProvider
from agentmarket.x402.store import VoucherStore
from agentmarket.x402.wire import Receipt, TabTerms

DEFAULT_STORE = Path(".agentmarket") / "x402.db"


@main.group(name="x402")
def x402() -> None:
    """x402 (HTTP 402) payments on tabs: serve a paid API, fetch a paid URL."""


def _provider(
    s: Session, agent_id: int, token: str, price: int, store: Path, min_delay: int
) -> TabsProvider:
    market = s.market
    terms = TabTerms(
        chain_id=market.chain_id,
        tabs=market.tabs.address,
        token=token,
        provider_id=agent_id,
        cap=price,
        min_withdrawal_delay=min_delay,
    )
    store.parent.mkdir(parents=True, exist_ok=True)
    return TabsProvider(terms, VoucherStore(store), market.tabs, market.registry)


def _provider_options(fn: Any) -> Any:
    for option in reversed(
        [
            click.option("--agent", "agent_id", type=BIGINT, required=True, help="Provider agent."),
            click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True),
            click.option(
                "--price", type=AMOUNT, required=True, help="Per-call cap, in token units."
            ),
            click.option(
                "--store",
                type=click.Path(dir_okay=False, path_type=Path),
                default=DEFAULT_STORE,
                show_default=True,
                help="SQLite store of accepted vouchers.",
            ),
            click.option(
                "--min-delay",
                type=DURATION,
                default=str(MIN_WITHDRAWAL_DELAY),
                show_default=True,
                help="Refuse tabs whose withdrawal delay is shorter.",
            ),
            click.option("--host", default="127.0.0.1", show_default=True),
        ]
    ):
        fn = option(fn)
    return fn


@x402.command(name="serve-example")
@chain_options(signs=True)
@_provider_options
@click.option("--port", default=8402, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--redeem-value",
    type=AMOUNT,
    default=None,
    help="Redeem once this much is unredeemed over all tabs (default 100 calls at the cap).",
)
@click.option(
    "--redeem-after",
    type=DURATION,
    default="10m",
    show_default=True,
    help="Redeem once the oldest unredeemed voucher is this old.",
)
def serve_example(
    s: Session,
    agent_id: int,
    token: str,
    price: int,
    store: Path,
    min_delay: int,
    host: str,
    port: int,
    redeem_value: int | None,
    redeem_after: int,
) -> None:
    """Serve a paid example API (GET /uppercase, GET /words) as AGENT behind the x402
    middleware, redeeming the vouchers it accepts in batches."""
    import uvicorn

    from agentmarket.x402.app import example_app

    if redeem_after * 2 > min_delay:
        raise click.UsageError("--redeem-after must be at most half of --min-delay")
    provider = _provider(s, agent_id, token, price, store, min_delay)
    policy = RedeemPolicy(value=redeem_value or 100 * price, age=redeem_after)
    redeemer = Redeemer(provider.store, provider.tabs, s.signer, policy)
    redeemer.tick()  # what a previous run accepted and did not redeem
    redeemer.start()
    logging.basicConfig(level=logging.INFO)
    err_console.print(
        f"x402 example API of agent #{agent_id} on http://{host}:{port} "
        f"({price} a call at most, store {store})"
    )
    try:
        uvicorn.run(example_app(provider), host=host, port=port, log_level="warning")
    finally:
        redeemer.stop()
        redeemer.redeem_pending()


@x402.command(name="facilitator")
@chain_options()
@_provider_options
@click.option("--port", default=8403, show_default=True, type=click.IntRange(0, 65535))
def facilitator(
    s: Session, agent_id: int, token: str, price: int, store: Path, min_delay: int, host: str,
    port: int,
) -> None:  # fmt: skip
    """Serve the x402 facilitator endpoints (/verify, /settle, /supported) for AGENT's tabs."""
    import uvicorn

    from agentmarket.x402.app import facilitator_app

    provider = _provider(s, agent_id, token, price, store, min_delay)
    uvicorn.run(facilitator_app(provider), host=host, port=port, log_level="warning")


@x402.command(name="redeem")
@chain_options(signs=True)
@click.option(
    "--store",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
)
def redeem(s: Session, store: Path) -> None:
    """Redeem every accepted voucher not yet redeemed, now (MAX_BATCH a transaction)."""
    vouchers = VoucherStore(store)
    pending = vouchers.pending()
    total = sum(r.unredeemed for r in pending)
    done = Redeemer(vouchers, s.market.tabs, s.signer, RedeemPolicy(value=0)).redeem_pending()
    s.emit(
        {"tabs": done, "pending": len(pending), "amount": total},
        message=f"redeemed {done} of {len(pending)} tabs ({total} units)",
    )


@x402.command(name="get")
@chain_options(signs=True)
@click.argument("url")
@click.option("--as", "agent_id", type=BIGINT, required=True, help="The paying client agent.")
@click.option("--deposit", type=AMOUNT, default=None, help="A new tab's deposit.")
@click.option("--max-deposit", type=AMOUNT, default=None, help="Most one tab may lock.")
@click.option(
    "--delay", type=DURATION, default="1d", show_default=True, help="A new tab's withdrawal delay."
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Tab state kept between runs (default .agentmarket/x402-client-AGENT.json).",
)
@click.option(
    "--max-price", type=AMOUNT, default=None, help="Refuse providers asking more per call."
)
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 10_000))
def get(
    s: Session,
    url: str,
    agent_id: int,
    deposit: int | None,
    max_deposit: int | None,
    delay: int,
    state: Path | None,
    max_price: int | None,
    count: int,
) -> None:
    """Fetch URL (COUNT times), paying from AGENT's tab to the provider as needed."""
    from x402.http import x402HTTPClient
    from x402.http.clients.httpx import x402HttpxClient

    payer = TabsPayer(
        s.market.tabs,
        s.signer,
        agent_id,
        deposit=deposit,
        max_deposit=max_deposit,
        withdrawal_delay=delay,
        max_per_call=max_price,
        state=state or Path(".agentmarket") / f"x402-client-{agent_id}.json",
    )
    client = payment_client(payer)

    async def fetch() -> list[tuple[int, str, dict[str, Any] | None]]:
        out = []
        async with x402HttpxClient(client, timeout=30) as http:
            for _ in range(count):
                response = await http.get(url)
                header = response.headers.get("PAYMENT-RESPONSE")
                extra = None
                if header:
                    settle = x402HTTPClient(client).get_payment_settle_response(
                        response.headers.get
                    )
                    extra = settle.extra
                out.append((response.status_code, response.text, extra))
        return out

    results = asyncio.run(fetch())
    status, body, extra = results[-1]
    receipt = Receipt.from_extra(extra) if extra else None
    data: dict[str, Any] = {"status": status, "body": _json_or_text(body), "calls": count}
    if receipt is not None:
        data["receipt"] = {
            "tab_id": hex(receipt.tab_id),
            "charged": str(receipt.charged),
            "billed": str(receipt.billed),
            "authorised": str(receipt.accepted),
        }
    rows: list[tuple[str, Any]] = [("status", status), ("body", body.strip())]
    if receipt is not None:
        rows += [
            ("tab", hex(receipt.tab_id)),
            ("charged", receipt.charged),
            ("billed on tab", receipt.billed),
            ("authorised on tab", receipt.accepted),
        ]
    s.emit(data, field_table("x402 get", rows))
    if status >= 400:
        raise SystemExit(1)


def _json_or_text(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body

"""`agentmarket agent serve ...`: run an agent's provider runtime.

    agentmarket agent serve AGENT_ID --handler MODULE:FUNCTION [--host 127.0.0.1]
        [--port 8700] [--public-url URL] [--max-concurrent 4] [--journal PATH]
        [--results DIR] [--tag-name NAME ...]
        [--x402-cap AMOUNT --x402-token TOKEN [--x402-store PATH]
         [--x402-redeem-after 10m] [--x402-redeem-value AMOUNT] [--x402-min-delay 1h]]

Sign with the agent's operator key (`--key-env`, `--keystore`): the runtime accepts
and delivers the agent's jobs with it. It serves the A2A agent card, the registration
file and the results at the public URL, and keeps its journal and results under
`.agentmarket/provider-<AGENT_ID>/` of the working directory unless told otherwise.

With `--x402-cap` the handler is also sold per call over HTTP: `POST <URL>/x402/call`
(body: the input text) behind the x402 middleware with the `tabs` scheme, at most the
cap in `--x402-token` units a call; accepted vouchers are kept in `--x402-store`
(default `.agentmarket/provider-<AGENT_ID>/x402.db`) and redeemed in batches with the
same key.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from agentmarket.agent.journal import Journal
from agentmarket.agent.provider import ProviderRuntime, load_handler
from agentmarket.agent.results import ResultStore
from agentmarket.agent.server import PaidCalls
from agentmarket.agent.server import serve as serve_runtime
from agentmarket.cli.agent import agent
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    DURATION,
    Session,
    chain_options,
    err_console,
)
from agentmarket.contracts.tabs import MIN_WITHDRAWAL_DELAY
from agentmarket.market import Market
from agentmarket.x402.provider import Redeemer, RedeemPolicy, TabsProvider
from agentmarket.x402.store import VoucherStore
from agentmarket.x402.wire import TabTerms

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@agent.command(name="serve")
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.option(
    "--handler",
    "handler_spec",
    required=True,
    metavar="MODULE:FUNCTION",
    help="The work: an async (or plain) function of the input text returning text.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8700, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--public-url",
    default=None,
    help="Base URL clients reach this runtime at (default http://HOST:PORT).",
)
@click.option(
    "--max-concurrent",
    default=4,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="Jobs worked at once.",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite journal (default .agentmarket/provider-ID/journal.db).",
)
@click.option(
    "--results",
    "results_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Result store (default .agentmarket/provider-ID/results).",
)
@click.option(
    "--tag-name",
    "tag_names",
    multiple=True,
    help="Name the listings of this tag in the agent card (repeat).",
)
@click.option("--name", default=None, help="Display name (default 'AgentMarket agent #ID').")
@click.option("--description", default="", help="What the agent does.")
@click.option(
    "--x402-cap",
    type=AMOUNT,
    default=None,
    help="Also sell the handler per call over x402 on tabs (POST /x402/call), at this price.",
)
@click.option("--x402-token", type=ADDRESS, default=None, help="The token x402 calls are paid in.")
@click.option(
    "--x402-store",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite store of accepted vouchers (default .agentmarket/provider-ID/x402.db).",
)
@click.option(
    "--x402-redeem-value",
    type=AMOUNT,
    default=None,
    help="Redeem once this much is unredeemed over all tabs (default 100 calls at the cap).",
)
@click.option(
    "--x402-redeem-after",
    type=DURATION,
    default="10m",
    show_default=True,
    help="Redeem once the oldest unredeemed voucher is this old.",
)
@click.option(
    "--x402-min-delay",
    type=DURATION,
    default=str(MIN_WITHDRAWAL_DELAY),
    show_default=True,
    help="Refuse tabs whose withdrawal delay is shorter.",
)
def serve(
    s: Session,
    agent_id: int,
    handler_spec: str,
    host: str,
    port: int,
    public_url: str | None,
    max_concurrent: int,
    journal_path: Path | None,
    results_dir: Path | None,
    tag_names: tuple[str, ...],
    name: str | None,
    description: str,
    x402_cap: int | None,
    x402_token: str | None,
    x402_store: Path | None,
    x402_redeem_value: int | None,
    x402_redeem_after: int,
    x402_min_delay: int,
) -> None:
    """Serve AGENT_ID's jobs over A2A: check, accept, run the handler, deliver."""
    if public_url is None:
        if host in WILDCARD_HOSTS:
            raise click.UsageError(
                f"listening on {host!r}: say where clients reach it (--public-url)"
            )
        public_url = f"http://{host}:{port}"
    handler = load_handler(handler_spec)
    home = Path(".agentmarket") / f"provider-{agent_id}"
    market = Market(s.w3, s.deployment, s.account(), priority_fee=s.priority_fee)
    runtime = ProviderRuntime(
        market,
        agent_id,
        handler,
        Journal(journal_path or home / "journal.db"),
        ResultStore(results_dir or home / "results"),
        public_url,
        max_concurrent=max_concurrent,
    )
    runtime.check_signer()
    paid = None
    if x402_cap is not None or x402_token is not None:
        if x402_cap is None or x402_token is None:
            raise click.UsageError("--x402-cap and --x402-token go together")
        if x402_cap <= 0:
            raise click.UsageError("--x402-cap must be above 0")
        if x402_redeem_after * 2 > x402_min_delay:
            raise click.UsageError("--x402-redeem-after must be at most half of --x402-min-delay")
        paid = paid_calls(
            runtime,
            x402_token,
            x402_cap,
            x402_store or home / "x402.db",
            RedeemPolicy(value=x402_redeem_value or 100 * x402_cap, age=x402_redeem_after),
            x402_min_delay,
        )
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    err_console.print(
        f"serving agent {agent_id} as {runtime.signer.address} at {public_url} "
        f"(handler {handler_spec}, {max_concurrent} at once)"
    )
    if paid is not None:
        err_console.print(
            f"x402: POST {paid.endpoint(public_url)} at most {x402_cap} units of "
            f"{x402_token} a call (store {paid.provider.store.path})"
        )
    serve_runtime(
        runtime, host, port, name=name, description=description, tag_names=tag_names, paid=paid
    )


def paid_calls(
    runtime: ProviderRuntime,
    token: str,
    cap: int,
    store: Path,
    policy: RedeemPolicy,
    min_delay: int,
) -> PaidCalls:
    """The handler's x402 calls: the agent's tabs terms, its voucher store and a redeemer
    signing with the runtime's key (one transaction at a time with the runtime's)."""
    market = runtime.market
    terms = TabTerms(
        chain_id=market.chain_id,
        tabs=market.tabs.address,
        token=token,
        provider_id=runtime.agent_id,
        cap=cap,
        min_withdrawal_delay=min_delay,
    )
    store.parent.mkdir(parents=True, exist_ok=True)
    vouchers = VoucherStore(store)
    provider = TabsProvider(terms, vouchers, market.tabs, market.registry)
    redeemer = Redeemer(vouchers, market.tabs, runtime.shared_signer(), policy)
    return PaidCalls(provider, redeemer)

"""`agentmarket tab ...`: micro-payments through tabs, on the command line.

    agentmarket tab open CLIENT PROVIDER --token T --amount 5e18 --delay 1d
    agentmarket tab top-up TAB --amount 1e18
    agentmarket tab voucher TAB --amount 1500 [--out v.json]   (client: sign)
    agentmarket tab redeem v1.json [v2.json ...]                (provider: one tx)
    agentmarket tab close TAB [--request | --finish]
    agentmarket tab show TAB

Same conventions as every other command (`agentmarket.cli`): `--rpc`,
`--deployment`, `--json`, keys from a keystore or an environment variable,
never from an argument. `tab voucher` signs off-chain: it needs the chain only
for its id and the tab's state, and refuses to sign above the deposit or with
any key but the tab's (the only one whose vouchers redeem).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    Address,
    Amount,
    BigInt,
    Duration,
    Session,
    chain_options,
    err_console,
    field_table,
    when,
)
from agentmarket.contracts.tabs import (
    MAX_BATCH,
    SignedVoucher,
    Tab,
    TabsClient,
    TabStatus,
    VoucherRejectedError,
    VoucherVerifier,
)

ADDRESS, AMOUNT, BIGINT, DURATION = Address(), Amount(), BigInt(), Duration()


def _tabs(s: Session) -> TabsClient:
    return TabsClient(s.w3, s.address("Tabs"))


def _show(s: Session, tab: Tab, message: str | None = None) -> None:
    rows: list[tuple[str, Any]] = [
        ("tab", hex(tab.tab_id)),
        ("status", tab.status.name.lower()),
        ("client", f"#{tab.client_id}"),
        ("provider", f"#{tab.provider_id}"),
        ("token", tab.token),
        ("deposit", tab.deposit),
        ("redeemed", tab.redeemed),
        ("remaining", tab.remaining if tab.status == TabStatus.OPEN else 0),
        ("signer", tab.signer),
        ("withdrawal delay", f"{tab.withdrawal_delay} s"),
        ("closes at", when(tab.closes_at)),
        ("opened at", when(tab.opened_at)),
        ("config", tab.config_id),
        ("reputation", "no (same principal)" if tab.no_reputation else "yes"),
    ]
    data = {**tab.__dict__, "tab_id": hex(tab.tab_id), "remaining": tab.remaining}
    s.emit(data, field_table("Tab", rows), message)


@main.group(name="tab")
def tab() -> None:
    """Tabs: pay another agent per call with signed vouchers, settle in batches."""


@tab.command(name="open")
@chain_options(signs=True)
@click.argument("client_id", type=BIGINT)
@click.argument("provider_id", type=BIGINT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--amount", type=AMOUNT, required=True, help="Deposit, from CLIENT's free balance.")
@click.option(
    "--delay",
    type=DURATION,
    default="1d",
    show_default=True,
    help="Withdrawal delay: how long the provider may still redeem after a close request.",
)
def tab_open(
    s: Session, client_id: int, provider_id: int, token: str, amount: int, delay: int
) -> None:
    """Open a tab from CLIENT to PROVIDER (as CLIENT's principal or operator)."""
    tabs = _tabs(s)
    tab_id = tabs.open(s.signer, client_id, provider_id, token, amount, delay)
    _show(s, tabs.tab(tab_id), f"opened tab [bold]{hex(tab_id)}[/]")


@tab.command(name="top-up")
@chain_options(signs=True)
@click.argument("tab_id", type=BIGINT)
@click.option("--amount", type=AMOUNT, required=True)
def tab_top_up(s: Session, tab_id: int, amount: int) -> None:
    """Add to an open tab's deposit."""
    tabs = _tabs(s)
    tabs.top_up(s.signer, tab_id, amount)
    _show(s, tabs.tab(tab_id), "topped up")


@tab.command(name="voucher")
@chain_options(signs=True)
@click.argument("tab_id", type=BIGINT)
@click.option("--amount", type=AMOUNT, required=True, help="CUMULATIVE amount owed on the tab.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def tab_voucher(s: Session, tab_id: int, amount: int, out: Path | None) -> None:
    """Sign a voucher for the cumulative AMOUNT owed on TAB (as the tab's key: no other key's
    voucher redeems)."""
    tabs = _tabs(s)
    state = tabs.tab(tab_id)
    if state.status != TabStatus.OPEN:
        raise click.ClickException(f"tab {hex(tab_id)} is not open")
    if amount > state.deposit:
        raise click.ClickException(f"{amount} is above the tab's deposit {state.deposit}")
    if amount <= state.redeemed:
        raise click.ClickException(f"{amount} is not above the redeemed {state.redeemed}")
    account = s.signer.account
    if account.address != state.signer:
        raise click.ClickException(
            f"{account.address} is not the tab's key {state.signer}: only its vouchers redeem"
        )
    signed = tabs.signer_for(account).sign(tab_id, amount)
    data = {**signed.to_dict(), "chain_id": s.w3.eth.chain_id, "tabs": tabs.address}
    text = json.dumps(data, indent=2) + "\n"
    if out is not None:
        out.write_text(text)
        if not s.as_json:
            err_console.print(f"voucher written to {out}")
    click.echo(text, nl=False)


@tab.command(name="redeem")
@chain_options(signs=True)
@click.argument("voucher_files", type=click.File("r"), nargs=-1, required=True)
def tab_redeem(s: Session, voucher_files: tuple[Any, ...]) -> None:
    """Redeem vouchers (JSON files from `tab voucher`), many tabs per transaction."""
    tabs = _tabs(s)
    vouchers: list[SignedVoucher] = []
    for f in voucher_files:
        try:
            signed = SignedVoucher.from_json(f.read())
        except ValueError as exc:
            raise click.ClickException(f"{f.name}: {exc}") from exc
        state = tabs.tab(signed.tab_id)
        try:
            VoucherVerifier.for_tab(state, s.w3.eth.chain_id, tabs.address).check(signed)
        except VoucherRejectedError as exc:
            raise click.ClickException(f"{f.name}: refused: {exc.reason}") from exc
        vouchers.append(signed)
    if len(vouchers) == 1:
        receipts = [tabs.redeem(s.signer, vouchers[0])]
    else:
        receipts = tabs.redeem_many(s.signer, vouchers)
    result = {
        "redeemed": [{"tab_id": hex(v.tab_id), "cumulative": v.amount} for v in vouchers],
        "transactions": [r["transactionHash"].to_0x_hex() for r in receipts],
        "gas_used": sum(int(r["gasUsed"]) for r in receipts),
    }
    rows = [(hex(v.tab_id), v.amount) for v in vouchers]
    note = f"redeemed {len(vouchers)} voucher(s) in {len(receipts)} transaction(s)"
    note += f" (at most {MAX_BATCH} per transaction)" if len(receipts) > 1 else ""
    s.emit(result, field_table("Redeemed (cumulative)", rows), note)


@tab.command(name="close")
@chain_options(signs=True)
@click.argument("tab_id", type=BIGINT)
@click.option("--request", is_flag=True, help="Client: ask to close (the delay starts).")
@click.option("--finish", is_flag=True, help="Anyone: close once the delay has passed.")
def tab_close(s: Session, tab_id: int, request: bool, finish: bool) -> None:
    """Close TAB: by the provider at once (default), or --request / --finish by the client."""
    if request and finish:
        raise click.UsageError("give --request or --finish, not both")
    tabs = _tabs(s)
    if request:
        tabs.request_close(s.signer, tab_id)
        message = "close requested"
    elif finish:
        tabs.finish_close(s.signer, tab_id)
        message = "closed; the rest returned to the client"
    else:
        tabs.close(s.signer, tab_id)
        message = "closed by the provider; the rest returned to the client"
    _show(s, tabs.tab(tab_id), message)


@tab.command(name="show")
@chain_options()
@click.argument("tab_id", type=BIGINT)
def tab_show(s: Session, tab_id: int) -> None:
    """Show a tab."""
    state = _tabs(s).tab(tab_id)
    if state.status == TabStatus.NONE:
        raise click.ClickException(f"no tab {hex(tab_id)}")
    _show(s, state)

"""What every command of the `agentmarket` command line shares: the chain and key
options, parameter types, the `Session` a command works with, and output helpers.

Every command that talks to a deployed protocol takes `--rpc URL` (or
AGENTMARKET_RPC) and `--deployment deployments/<net>.json` (or
AGENTMARKET_DEPLOYMENT), prints a readable table, and prints JSON with
`--json`. Commands that sign take the key from an encrypted keystore
(`--keystore FILE`, password from `--password-env NAME` or a prompt) or from
an environment variable (`--key-env NAME`, default AGENTMARKET_KEY); never
from an argument. A contract's refusal prints `error: <revert string>` and
exits with status 1.

`--rpc memory` is an in-process chain that lives as long as the process: the
commands of one Python process (tests, scripts using click's runner) share it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import click
from eth_account.signers.local import LocalAccount
from rich.console import Console, RenderableType
from rich.table import Table
from web3 import Web3

from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.contracts.disputes import DisputeClient, PanelClient
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.evaluation import check_fee
from agentmarket.contracts.listings import ListingsClient
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.contracts.reputation import ReputationClient
from agentmarket.contracts.token import TokenClient
from agentmarket.contracts.validation import ValidationClient
from agentmarket.deployment import Deployment
from agentmarket.keys import DEFAULT_KEY_ENV, KeySource, load_key
from agentmarket.market import Market, load_deployment

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

# In-process chains, by URL, so that the commands of one process share one.
_CHAINS: dict[str, Web3] = {}

UINT128_MAX = 2**128 - 1
UNLIMITED = 2**256 - 1


# ------------------------------------------------------------------ helpers


def get_chain(rpc: str) -> Web3:
    """The connection for `rpc`; "memory" is one in-process chain per process."""
    if rpc == IN_PROCESS:
        if rpc not in _CHAINS:
            _CHAINS[rpc] = connect(IN_PROCESS)
        return _CHAINS[rpc]
    return connect(rpc)


def reset_memory_chain() -> None:
    """Forget the in-process chain (tests start each scenario on a fresh one)."""
    _CHAINS.pop(IN_PROCESS, None)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, bytes and big ints in a form json.dumps takes."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, Enum):
        return value.name.lower()
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def when(ts: int) -> str:
    if ts == 0:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


class Duration(click.ParamType):
    """Seconds, or a number with a unit: 90s, 30m, 2h, 3d, 1w."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        found = _DURATION.match(str(value))
        if found is None:
            self.fail(f"{value!r} is not a duration (try 3600, 30m, 2h, 3d)", param, ctx)
        return int(found.group(1)) * _UNITS[found.group(2)]


class Amount(click.ParamType):
    """A token amount in base units: 1500, 5e18, 2.5e6 (must come out whole), or 'max'."""

    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).replace("_", "").strip()
        if text.lower() in ("max", "unlimited"):
            return UNLIMITED
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount in base units", param, ctx)
        if number != number.to_integral_value() or number < 0:
            self.fail(f"{value!r} is not a whole, non-negative number of base units", param, ctx)
        return int(number)


class BigInt(click.ParamType):
    """A uint256 in decimal or 0x-hex (job ids are large)."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            number = int(str(value), 0)
        except ValueError:
            self.fail(f"{value!r} is not an integer", param, ctx)
        if number < 0:
            self.fail(f"{value!r} is negative", param, ctx)
        return number


class Address(click.ParamType):
    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not Web3.is_address(str(value)):
            self.fail(f"{value!r} is not an address", param, ctx)
        return str(Web3.to_checksum_address(str(value)))


class Hash32(click.ParamType):
    name = "bytes32"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> bytes:
        if isinstance(value, bytes):
            return value
        try:
            raw = bytes.fromhex(str(value).removeprefix("0x"))
        except ValueError:
            self.fail(f"{value!r} is not hex", param, ctx)
        if len(raw) != 32:
            self.fail(f"{value!r} is {len(raw)} bytes, not 32", param, ctx)
        return raw


DURATION, AMOUNT, BIGINT, ADDRESS, HASH32 = Duration(), Amount(), BigInt(), Address(), Hash32()


def content_hash(uri: str) -> bytes:
    """The default hash of a document named only by its URI: keccak256 of the URI."""
    return bytes(Web3.keccak(text=uri)) if uri else b"\0" * 32


# ------------------------------------------------------------------ session


class Session:
    """What one command works with: the chain, the deployment, the output mode, the key."""

    def __init__(
        self,
        rpc: str,
        deployment: Path | None,
        as_json: bool,
        key: KeySource | None = None,
        priority_fee: int | None = None,
    ) -> None:
        self.rpc = rpc
        self.deployment_path = deployment
        self.as_json = as_json
        self.key_source = key
        self.priority_fee = priority_fee
        self._w3: Web3 | None = None

    @property
    def w3(self) -> Web3:
        if self._w3 is None:
            try:
                self._w3 = get_chain(self.rpc)
            except (ConnectionError, ValueError) as exc:
                raise click.ClickException(str(exc)) from exc
        return self._w3

    @functools.cached_property
    def market(self) -> Market:
        """The deployment named by --deployment, checked against the chain."""
        if self.deployment_path is None:
            raise click.UsageError(
                "name the deployment: --deployment deployments/<network>.json "
                "(or set AGENTMARKET_DEPLOYMENT)"
            )
        record = load_deployment(self.w3, self.deployment_path)
        return Market(self.w3, record, priority_fee=self.priority_fee)

    @property
    def deployment(self) -> Deployment:
        return self.market.deployment

    def has(self, name: str) -> bool:
        return name in self.deployment.contracts

    def address(self, name: str) -> str:
        return self.market.address(name)

    # Every contract's client, from the Market (one place wires them).
    @property
    def registry(self) -> AgentRegistryClient:
        return self.market.registry

    @property
    def listings(self) -> ListingsClient:
        return self.market.listings

    @property
    def escrow(self) -> EscrowClient:
        return self.market.escrow

    @property
    def reputation(self) -> ReputationClient:
        return self.market.reputation

    @property
    def disputes(self) -> DisputeClient:
        return self.market.disputes

    @property
    def panel(self) -> PanelClient:
        return self.market.panel

    @property
    def validation(self) -> ValidationClient:
        return self.market.validation

    def token(self, address: str) -> TokenClient:
        return self.market.token(address)

    def account(self, source: KeySource | None = None) -> LocalAccount:
        src = source or self.key_source
        if src is None:
            raise click.UsageError("this command signs: give --keystore FILE or --key-env NAME")
        default_key = source is None and src.keystore is None and src.key_env == DEFAULT_KEY_ENV
        if default_key and self.rpc == IN_PROCESS and not os.environ.get(DEFAULT_KEY_ENV):
            # on the in-process chain, its first funded account when no key is named
            return funded_test_accounts(self.w3, 1)[0]
        return load_key(src, prompt=prompt_password)

    @functools.cached_property
    def signer(self) -> Signer:
        return Signer(self.w3, self.account(), priority_fee=self.priority_fee)

    def emit(
        self, data: Any, table: RenderableType | None = None, message: str | None = None
    ) -> None:
        """Print `data` as JSON in --json mode; else the table and/or the message."""
        if self.as_json:
            click.echo(json.dumps(to_jsonable(data), indent=2))
            return
        if table is not None:
            console.print(table)
        if message is not None:
            console.print(message)


def prompt_password(text: str) -> str:
    return str(click.prompt(text, hide_input=True, err=True))


def field_table(title: str, rows: list[tuple[str, Any]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")  # a narrow terminal wraps, never hides
    for name, value in rows:
        table.add_row(name, str(value))
    return table


def chain_options(signs: bool = False) -> Callable[[F], F]:
    """--rpc, --deployment, --json; and the key options when the command signs."""

    def decorate(fn: F) -> F:
        @click.option(
            "--rpc",
            envvar="AGENTMARKET_RPC",
            default="http://127.0.0.1:8545",
            show_default=True,
            help="JSON-RPC URL, or 'memory' for the in-process chain.",
        )
        @click.option(
            "--deployment",
            envvar="AGENTMARKET_DEPLOYMENT",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Deployment record, e.g. deployments/sepolia.json.",
        )
        @click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
        @functools.wraps(fn)
        def wrapper(
            rpc: str,
            deployment: Path | None,
            as_json: bool,
            keystore: Path | None = None,
            password_env: str | None = None,
            key_env: str = DEFAULT_KEY_ENV,
            priority_fee: int | None = None,
            **kwargs: Any,
        ) -> Any:
            key = KeySource(keystore, password_env, key_env) if signs else None
            session = Session(rpc, deployment, as_json, key, priority_fee)
            return fn(session, **kwargs)

        if signs:
            wrapper = priority_fee_option(key_options()(wrapper))
        return wrapper  # type: ignore[return-value]

    return decorate


def priority_fee_option(fn: F) -> F:
    """--priority-fee: the tip per gas a signing command offers (see `chain.Signer`)."""
    return click.option(
        "--priority-fee",
        "priority_fee",
        envvar="AGENTMARKET_PRIORITY_FEE",
        type=AMOUNT,
        default=None,
        metavar="WEI",
        help="Tip per gas in wei, e.g. 1e7 (default: what the node suggests).",
    )(fn)


def key_options(prefix: str = "", role: str = "signer") -> Callable[[F], F]:
    """--keystore/--password-env/--key-env (with `prefix`, e.g. --operator-keystore)."""
    dash = f"{prefix}-" if prefix else ""
    under = f"{prefix}_" if prefix else ""

    def decorate(fn: F) -> F:
        fn = click.option(
            f"--{dash}key-env",
            f"{under}key_env",
            default=DEFAULT_KEY_ENV if not prefix else None,
            show_default=not prefix,
            metavar="NAME",
            help=f"Environment variable holding the {role}'s private key.",
        )(fn)
        fn = click.option(
            f"--{dash}password-env",
            f"{under}password_env",
            default=None,
            metavar="NAME",
            help=f"Environment variable holding the {role} keystore's password (else prompt).",
        )(fn)
        fn = click.option(
            f"--{dash}keystore",
            f"{under}keystore",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=f"Encrypted keystore file of the {role}.",
        )(fn)
        return fn

    return decorate


def cap_text(value: int) -> str:
    """A spending cap as the tables show it: 'unlimited' for the maximum."""
    return "unlimited" if value == UNLIMITED else str(value)


def check_evaluator_fee(
    evaluator: str | None, fee_bps: int, hint: str = "--evaluator-fee-bps"
) -> None:
    """Refuse, as a usage error naming `hint`, a fee the contracts would refuse
    or a fee with no evaluator to earn it."""
    try:
        check_fee(fee_bps)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from exc
    if evaluator is None and fee_bps != 0:
        raise click.BadParameter("a fee needs an evaluator", param_hint=hint)


def job_row(s: Session, job_id: int, message: str) -> None:
    job = s.escrow.job(job_id)
    s.emit(
        {"job_id": job_id, "job_id_hex": hex(job_id), **to_jsonable(job)},
        message=f"{message} (job {job_id}, now {job.status.name.lower()})",
    )


def dispute_row(s: Session, job_id: int, message: str) -> None:
    disp = s.disputes.of(job_id)
    s.emit(
        {"job_id": job_id, **to_jsonable(disp)},
        message=f"{message} (job {job_id}, dispute {disp.status.name.lower()})",
    )

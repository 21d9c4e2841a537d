"""The `agentmarket` command line.

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
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import click
from eth_account.signers.local import LocalAccount
from rich.console import Console, Group, RenderableType
from rich.table import Table
from web3 import Web3

from agentmarket import tables
from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.errors import AgentMarketError, DeploymentError
from agentmarket.evaluation import check_fee
from agentmarket.index_reorg import DEFAULT_REORG_DEPTH
from agentmarket.keys import DEFAULT_KEY_ENV, KeySource, load_key
from agentmarket.market import (
    RULING_CLIENT_WINS,
    RULING_PROVIDER_WINS,
    RULING_REFUSED,
    DisputeClient,
    EscrowClient,
    JobStatus,
    ListingsClient,
    PanelClient,
    ReputationClient,
    TokenClient,
    split_ruling,
)
from agentmarket.offers import NO_EVALUATOR, Offer, SignedOffer, random_nonce, sign_offer
from agentmarket.registry import AgentRegistryClient, SpendPolicy
from agentmarket.tabs import Tab, TabsClient
from agentmarket.validation import ValidationClient
from agentmarket.wiring import (
    Deployment,
    ProtocolParams,
    Web3Deployer,
    deploy_protocol,
    majority,
    record_name,
)

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
        self._deployment: Deployment | None = None

    @property
    def w3(self) -> Web3:
        if self._w3 is None:
            try:
                self._w3 = get_chain(self.rpc)
            except (ConnectionError, ValueError) as exc:
                raise click.ClickException(str(exc)) from exc
        return self._w3

    @property
    def deployment(self) -> Deployment:
        if self._deployment is None:
            path = self.deployment_path
            if path is None:
                raise click.UsageError(
                    "name the deployment: --deployment deployments/<network>.json "
                    "(or set AGENTMARKET_DEPLOYMENT)"
                )
            if not path.is_file():
                raise DeploymentError(f"no deployment record at {path}")
            try:
                record = Deployment.load(path)
            except (ValueError, TypeError, KeyError) as exc:
                raise DeploymentError(f"{path} is not a deployment record: {exc}") from exc
            chain_id = int(self.w3.eth.chain_id)
            if record.chain_id != chain_id:
                raise DeploymentError(
                    f"{path} records chain {record.chain_id}, but {self.rpc} is chain {chain_id}"
                )
            self._deployment = record
        return self._deployment

    def has(self, name: str) -> bool:
        return name in self.deployment.contracts

    def address(self, name: str) -> str:
        try:
            return self.deployment.address(name)
        except KeyError:
            raise DeploymentError(
                f"{name} is not in the deployment record {self.deployment_path}"
            ) from None

    @functools.cached_property
    def registry(self) -> AgentRegistryClient:
        return AgentRegistryClient(self.w3, self.address("AgentRegistry"))

    @functools.cached_property
    def listings(self) -> ListingsClient:
        return ListingsClient(self.w3, self.address("ServiceListings"))

    @functools.cached_property
    def escrow(self) -> EscrowClient:
        return EscrowClient(self.w3, self.address("JobEscrow"))

    @functools.cached_property
    def reputation(self) -> ReputationClient:
        return ReputationClient(self.w3, self.address("ReputationRegistry"))

    @functools.cached_property
    def disputes(self) -> DisputeClient:
        return DisputeClient(self.w3, self.address("DisputeResolver"))

    @functools.cached_property
    def panel(self) -> PanelClient:
        return PanelClient(self.w3, self.address("ArbiterPanel"))

    @functools.cached_property
    def validation(self) -> ValidationClient:
        return ValidationClient(self.w3, self.address("ValidationRegistry"))

    def token(self, address: str) -> TokenClient:
        return TokenClient(self.w3, address)

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


def _table(title: str, rows: list[tuple[str, Any]]) -> Table:
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


# ------------------------------------------------------------------- group


class AgentMarketGroup(click.Group):
    """Turns the client's exceptions into `error: <reason>` and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AgentMarketError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=AgentMarketGroup)
@click.version_option(package_name="agentmarket")
def main() -> None:
    """AgentMarket: identity, listings, escrow, disputes and reputation for AI agents."""


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
def demo(as_json: bool) -> None:
    """Run the whole economy on an in-process chain, in under a minute."""
    from agentmarket.demo import run_demo

    summary = run_demo(console=None if as_json else console)
    if as_json:
        click.echo(json.dumps(to_jsonable(summary), indent=2))


@main.command()
@click.option(
    "--rpc",
    envvar="AGENTMARKET_RPC",
    default=IN_PROCESS,
    show_default=True,
    help="JSON-RPC URL, or 'memory'.",
)
@click.option(
    "--network", "network_name", default=None, help="Name for the record (default: chain-<id>)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("deployments"),
    show_default=True,
)
@key_options(role="deployer")
@priority_fee_option
@click.option("--governance", type=ADDRESS, default=None, help="Governance (default: deployer).")
@click.option("--arbiter", "arbiters", type=ADDRESS, multiple=True, help="Panel arbiter (repeat).")
@click.option("--quorum", type=int, default=None, help="Votes a ruling needs (default: majority).")
@click.option("--json", "as_json", is_flag=True, help="Print the deployment record as JSON.")
def deploy(
    rpc: str,
    network_name: str | None,
    out: Path,
    keystore: Path | None,
    password_env: str | None,
    key_env: str,
    priority_fee: int | None,
    governance: str | None,
    arbiters: tuple[str, ...],
    quorum: int | None,
    as_json: bool,
) -> None:
    """Deploy the protocol with the package's artifacts and record it."""
    session = Session(rpc, None, as_json, KeySource(keystore, password_env, key_env), priority_fee)
    w3, signer = session.w3, session.signer
    name = network_name or record_name(w3.eth.chain_id)
    panel = arbiters or (signer.address,)
    try:
        params = ProtocolParams(
            governance=governance or signer.address,
            arbiters=panel,
            quorum=quorum or majority(len(panel)),
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--quorum") from exc
    record = deploy_protocol(Web3Deployer(signer), name, w3.eth.chain_id, signer.address, params)
    path = record.save(out)
    table = Table(title=f"Deployed on {name} (chain {record.chain_id})", title_justify="left")
    for column in ("contract", "address", "block"):
        table.add_column(column, overflow="fold")
    for contract, deployed in record.contracts.items():
        table.add_row(contract, deployed.address, str(deployed.block))
    session.emit({"path": str(path), **json.loads(record.to_json())}, table, f"recorded in {path}")


# --------------------------------------------------------------- identity


@main.command()
@chain_options(signs=True)
@click.option("--uri", default="", help="Agent URI (ERC-8004 registration file).")
def register(s: Session, uri: str) -> None:
    """Register an agent owned by the signer (its principal)."""
    agent_id = s.registry.register(s.signer, uri)
    s.emit(
        {"agent_id": agent_id, "principal": s.signer.address, "uri": uri},
        message=f"registered agent [bold]#{agent_id}[/] for principal {s.signer.address}",
    )


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@key_options(prefix="operator", role="operator")
def wallet(
    s: Session,
    agent_id: int,
    operator_keystore: Path | None,
    operator_password_env: str | None,
    operator_key_env: str | None,
) -> None:
    """Set AGENT_ID's operator: the owner signs the call, the operator key signs its proof."""
    if operator_keystore is None and operator_key_env is None:
        raise click.UsageError("name the operator key: --operator-keystore or --operator-key-env")
    operator = s.account(KeySource(operator_keystore, operator_password_env, operator_key_env))
    s.registry.set_operator(s.signer, agent_id, operator)
    s.emit(
        {"agent_id": agent_id, "operator": operator.address},
        message=f"agent #{agent_id} operator is now {operator.address} (proof verified on chain)",
    )


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", help="Payment token.")
@click.option("--per-job", type=AMOUNT, default=None, help="Cap on one job (base units).")
@click.option("--per-period", type=AMOUNT, default=None, help="Cap per period (base units).")
@click.option("--period", type=DURATION, default=None, help="Period length (e.g. 1d).")
@click.option("--freeze", "freeze", flag_value="freeze", default=None, help="Freeze the agent.")
@click.option("--unfreeze", "freeze", flag_value="unfreeze", help="Lift the freeze.")
def policy(
    s: Session,
    agent_id: int,
    token: str | None,
    per_job: int | None,
    per_period: int | None,
    period: int | None,
    freeze: str | None,
) -> None:
    """Set (or show) AGENT_ID's operator caps in a token, and freeze or unfreeze it."""
    caps_given = any(v is not None for v in (per_job, per_period, period))
    if caps_given:
        if token is None:
            raise click.UsageError("caps are per token: give --token")
        current = s.registry.spend_policy(agent_id, token)
        new = SpendPolicy(
            per_job if per_job is not None else current.per_job_cap,
            per_period if per_period is not None else current.period_cap,
            period if period is not None else (current.period or 86_400),
        )
        s.registry.set_spend_policy(s.signer, agent_id, token, new)
    if freeze == "freeze":
        s.registry.freeze(s.signer, agent_id)
    elif freeze == "unfreeze":
        s.registry.unfreeze(s.signer, agent_id)
    agent = s.registry.agent(agent_id)
    data: dict[str, Any] = {"agent_id": agent_id, "frozen": agent.frozen}
    rows: list[tuple[str, Any]] = [("frozen", agent.frozen)]
    if token is not None:
        pol = s.registry.spend_policy(agent_id, token)
        _start, used = s.escrow.spent(agent_id, token) if s.has("JobEscrow") else (0, 0)
        data.update(token=token, policy=pol, spent_in_period=used)
        rows += [
            ("token", token),
            ("per-job cap", _cap(pol.per_job_cap)),
            ("per-period cap", _cap(pol.period_cap)),
            ("period", f"{pol.period} s"),
            ("committed this period", used),
        ]
    s.emit(data, _table(f"Agent #{agent_id} policy", rows))


def _cap(value: int) -> str:
    return "unlimited" if value == UNLIMITED else str(value)


# ------------------------------------------------------------------ ledger


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.argument("amount", type=AMOUNT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
def deposit(s: Session, agent_id: int, amount: int, token: str) -> None:
    """Credit AGENT_ID's escrow balance with AMOUNT (approves the escrow first if needed)."""
    s.token(token).ensure_allowance(s.signer, s.escrow.address, amount)
    s.escrow.deposit(s.signer, agent_id, token, amount)
    balance = s.escrow.balance(agent_id, token)
    s.emit(
        {"agent_id": agent_id, "token": token, "deposited": amount, "balance": balance},
        message=f"deposited {amount} for agent #{agent_id}; free balance {balance}",
    )


@main.command()
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.argument("amount", type=AMOUNT)
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--to", type=ADDRESS, default=None, help="Receiver (default: the signer).")
def withdraw(s: Session, agent_id: int, amount: int, token: str, to: str | None) -> None:
    """Withdraw AMOUNT from AGENT_ID's free balance (principal only)."""
    receiver = to or s.signer.address
    s.escrow.withdraw(s.signer, agent_id, token, amount, receiver)
    balance = s.escrow.balance(agent_id, token)
    s.emit(
        {
            "agent_id": agent_id,
            "token": token,
            "withdrawn": amount,
            "to": receiver,
            "balance": balance,
        },
        message=f"withdrew {amount} to {receiver}; free balance {balance}",
    )


# ---------------------------------------------------------------- listings


@main.command(name="list")
@chain_options(signs=True)
@click.argument("agent_id", type=BIGINT)
@click.option("--tag", required=True, help="Capability tag by name, e.g. translate.")
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--price", type=AMOUNT, required=True, help="Price in base units.")
@click.option("--delivery-time", type=DURATION, required=True, help="e.g. 2h, 1d.")
@click.option("--terms-uri", default="", help="Where the terms live.")
@click.option("--terms-hash", type=HASH32, default=None, help="Default: keccak256(terms-uri).")
@click.option("--evaluator", type=ADDRESS, default=None, help="Who approves or rejects deliveries.")
@click.option("--evaluator-fee-bps", type=int, default=0, help="The evaluator's fee, at most 1000.")
def list_(
    s: Session,
    agent_id: int,
    tag: str,
    token: str,
    price: int,
    delivery_time: int,
    terms_uri: str,
    terms_hash: bytes | None,
    evaluator: str | None,
    evaluator_fee_bps: int,
) -> None:
    """Publish a listing for provider AGENT_ID (optionally judged by an evaluator)."""
    _check_evaluator_fee(evaluator, evaluator_fee_bps)
    listing_id = s.listings.create(
        s.signer,
        agent_id,
        tag,
        token,
        price,
        delivery_time,
        terms_hash if terms_hash is not None else content_hash(terms_uri),
        terms_uri,
    )
    if evaluator is not None:
        s.listings.set_evaluator(s.signer, listing_id, evaluator, evaluator_fee_bps)
    s.emit(
        {"listing_id": listing_id, "provider_id": agent_id, "tag": tag, "price": price},
        message=f"listing [bold]#{listing_id}[/]: agent #{agent_id} sells {tag!r} for {price}",
    )


DEFAULT_DB = "sqlite:///agentmarket-index.db"


@main.command()
@chain_options()
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="Index database URL.")
@click.option("--batch-size", type=int, default=2_000, show_default=True)
@click.option("--confirmations", type=int, default=0, show_default=True)
@click.option(
    "--reorg-depth",
    type=click.IntRange(min=0),
    default=DEFAULT_REORG_DEPTH,
    show_default=True,
    help="Newest synced blocks a chain reorganisation may replace and still be undone "
    "(0: trust the chain).",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def index(
    s: Session,
    db_url: str,
    batch_size: int,
    confirmations: int,
    reorg_depth: int,
    no_progress: bool,
) -> None:
    """Sync the discovery index from the chain (resumes where it stopped).

    A reorganisation of blocks already synced is detected (kept block hashes) and
    undone before syncing on; one deeper than --reorg-depth stops with an error.
    """
    from agentmarket.index import Indexer

    with Indexer.from_deployment(
        s.w3,
        s.deployment,
        db_url,
        batch_size=batch_size,
        confirmations=confirmations,
        reorg_depth=reorg_depth,
        progress=not no_progress and not s.as_json,
    ) as indexer:
        report = indexer.sync()
    reorged = (
        f"chain reorganised: {report.orphaned_blocks} synced blocks replaced, rolled back "
        f"to block {report.rolled_back_to}\n"
        if report.rolled_back_to is not None
        else ""
    )
    s.emit(
        report,
        message=(
            f"{reorged}synced blocks {report.from_block}..{report.to_block}: {report.events} "
            f"events in {report.batches} batches, {report.seconds:.2f} s"
        ),
    )


@main.command()
@click.argument("tag")
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="Index database URL.")
@click.option("--max-price", type=AMOUNT, default=None)
@click.option("--min-score", type=int, default=0, help="Hundredths: 8000 = 80.00.")
@click.option("--token", type=ADDRESS, default=None)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--evaluated", is_flag=True, help="Only listings whose jobs name an evaluator.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
def find(
    tag: str,
    db_url: str,
    max_price: int | None,
    min_score: int,
    token: str | None,
    limit: int,
    evaluated: bool,
    as_json: bool,
) -> None:
    """Providers for capability TAG from the index, best score first, each with the
    evaluator its jobs name (if any) and that evaluator's fee."""
    from agentmarket.index import find_providers
    from agentmarket.index_schema import database_path, open_database

    path = database_path(db_url)
    if path != ":memory:" and not Path(path).is_file():
        raise click.ClickException(
            f"no index at {path}: run `agentmarket index --db {db_url}` first"
        )
    conn = open_database(db_url)
    try:
        matches = find_providers(conn, tag, max_price, min_score, token, limit, evaluated=evaluated)
    finally:
        conn.close()
    table = Table(title=f"Providers for {tag!r}", title_justify="left")
    # Short columns keep one line; amounts and addresses wrap on a narrow
    # terminal but are never cut short.
    for column in ("listing", "provider", "price", "token", "delivery", "score", "jobs"):
        table.add_column(column, no_wrap=column not in ("price", "token"), overflow="fold")
    table.add_column("evaluator", overflow="fold")
    table.add_column("v", no_wrap=True)
    for m in matches:
        table.add_row(
            str(m.listing_id),
            f"#{m.provider_id}",
            str(m.price),
            m.token,
            f"{m.max_delivery_time} s",
            f"{m.score / 100:.2f}",
            f"{m.completed}/{m.jobs}",
            f"{m.evaluator[:6]}…{m.evaluator[-4:]} {m.evaluator_fee_bps / 100:.2f}%"
            if m.evaluator
            else "-",
            str(m.version),
        )
    Session("", None, as_json).emit(
        matches, table, None if matches else "no active listing matches"
    )


# --------------------------------------------------------------------- jobs


def _job_row(s: Session, job_id: int, message: str) -> None:
    job = s.escrow.job(job_id)
    s.emit(
        {"job_id": job_id, "job_id_hex": hex(job_id), **to_jsonable(job)},
        message=f"{message} (job {job_id}, now {job.status.name.lower()})",
    )


@main.command()
@chain_options(signs=True)
@click.argument("listing_id", type=BIGINT, required=False)
@click.option("--client", "client_id", type=BIGINT, required=True, help="The hiring agent.")
@click.option(
    "--offer",
    "offer_file",
    type=click.File("r"),
    default=None,
    help="Hire with a provider's signed offer (JSON from `agentmarket offer`).",
)
@click.option("--max-price", type=AMOUNT, default=None, help="Refuse if the quote is higher.")
def hire(
    s: Session,
    listing_id: int | None,
    client_id: int,
    offer_file: Any,
    max_price: int | None,
) -> None:
    """Hire from LISTING_ID at its current token, price and version, or with --offer FILE."""
    if (listing_id is None) == (offer_file is None):
        raise click.UsageError("give either LISTING_ID or --offer FILE")
    if offer_file is not None:
        _hire_offer(s, offer_file.read(), client_id, max_price)
        return
    assert listing_id is not None
    listing = s.listings.get(listing_id)
    if listing.provider_id == 0:
        raise click.ClickException(f"listing {listing_id} does not exist")
    if max_price is not None and listing.price > max_price:
        raise click.ClickException(f"listing {listing_id} costs {listing.price} > {max_price}")
    job_id = s.escrow.hire(s.signer, listing, client_id)
    _job_row(
        s,
        job_id,
        f"hired agent #{listing.provider_id} from listing #{listing_id} v{listing.version} "
        f"for {listing.price}",
    )


def _hire_offer(s: Session, text: str, client_id: int, max_price: int | None) -> None:
    try:
        signed = SignedOffer.from_json(text)
        data = json.loads(text)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    book = data.get("offer_book")
    if book is not None and book.lower() != s.escrow.offer_book_address.lower():
        raise click.ClickException(
            f"the offer is for the OfferBook {book}, not {s.escrow.offer_book_address}"
        )
    if max_price is not None and signed.offer.price > max_price:
        raise click.ClickException(f"the offer costs {signed.offer.price} > {max_price}")
    job_id = s.escrow.hire_with_offer(s.signer, signed, client_id)
    _job_row(s, job_id, f"hired agent #{signed.offer.provider_id} with its signed offer")


@main.command(name="hire-offer")
@chain_options(signs=True)
@click.argument("offer_file", type=click.File("r"))
@click.option("--client", "client_id", type=BIGINT, required=True, help="The hiring agent.")
@click.option("--max-price", type=AMOUNT, default=None, help="Refuse if the offer is higher.")
def hire_offer(s: Session, offer_file: Any, client_id: int, max_price: int | None) -> None:
    """Hire with a provider's signed offer (same as `hire --offer FILE`)."""
    _hire_offer(s, offer_file.read(), client_id, max_price)


@main.command()
@chain_options(signs=True)
@click.option("--provider", "provider_id", type=BIGINT, required=True)
@click.option("--client", "client_id", type=BIGINT, default=0, help="0: any client may take it.")
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--price", type=AMOUNT, required=True)
@click.option("--delivery-time", type=DURATION, required=True)
@click.option("--terms-uri", default="")
@click.option("--terms-hash", type=HASH32, default=None, help="Default: keccak256(terms-uri).")
@click.option("--evaluator", type=ADDRESS, default=None, help="Who approves or rejects delivery.")
@click.option("--evaluator-fee-bps", type=int, default=0, help="The evaluator's fee, at most 1000.")
@click.option("--nonce", type=BIGINT, default=None, help="Default: random.")
@click.option("--expires-in", type=DURATION, default="1d", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def offer(
    s: Session,
    provider_id: int,
    client_id: int,
    token: str,
    price: int,
    delivery_time: int,
    terms_uri: str,
    terms_hash: bytes | None,
    evaluator: str | None,
    evaluator_fee_bps: int,
    nonce: int | None,
    expires_in: int,
    out: Path | None,
) -> None:
    """Sign an offer as PROVIDER's principal or operator; print it as JSON for the client."""
    _check_evaluator_fee(evaluator, evaluator_fee_bps)
    now = int(s.w3.eth.get_block("latest")["timestamp"])
    the_offer = Offer(
        provider_id=provider_id,
        client_id=client_id,
        token=token,
        price=price,
        delivery_time=delivery_time,
        terms_hash=terms_hash if terms_hash is not None else content_hash(terms_uri),
        nonce=random_nonce() if nonce is None else nonce,
        expiry=now + expires_in,
        evaluator=evaluator or NO_EVALUATOR,
        evaluator_fee_bps=evaluator_fee_bps,
    )
    book = s.escrow.offer_book_address
    signed = sign_offer(s.signer.account, the_offer, s.w3.eth.chain_id, book)
    text = signed.to_json(s.w3.eth.chain_id, book)
    if out is not None:
        out.write_text(text)
        if not s.as_json:
            err_console.print(f"offer written to {out}")
    click.echo(text, nl=False)


def _check_evaluator_fee(
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


def _job_command(name: str, help_text: str, action: Callable[[Session, int], Any]) -> None:
    @main.command(name=name, help=help_text)
    @chain_options(signs=True)
    @click.argument("job_id", type=BIGINT)
    def command(s: Session, job_id: int) -> None:
        action(s, job_id)
        _job_row(s, job_id, f"{name}: done")


_job_command(
    "accept", "Accept a requested job (provider).", lambda s, j: s.escrow.accept(s.signer, j)
)
_job_command(
    "decline", "Decline a requested job (provider).", lambda s, j: s.escrow.decline(s.signer, j)
)
_job_command(
    "cancel",
    "Cancel a request before acceptance (client).",
    lambda s, j: s.escrow.cancel(s.signer, j),
)
_job_command(
    "complete",
    "Approve a delivery and pay the provider (client).",
    lambda s, j: s.escrow.complete(s.signer, j),
)
_job_command(
    "finalize",
    "Pay out a delivery after its review deadline (anyone).",
    lambda s, j: s.escrow.finalize(s.signer, j),
)
_job_command(
    "reclaim",
    "Refund a job whose accept or delivery deadline passed, or whose evaluator's rejection "
    "went uncontested past the response deadline (client).",
    lambda s, j: s.escrow.reclaim(s.signer, j),
)


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--result-uri", default="", help="Where the result lives (logged).")
@click.option("--result-hash", type=HASH32, default=None, help="Default: keccak256(result-uri).")
@click.option("--final-price", type=AMOUNT, default=None, help="At most the locked price.")
def deliver(
    s: Session, job_id: int, result_uri: str, result_hash: bytes | None, final_price: int | None
) -> None:
    """Deliver a job's result (provider)."""
    digest = result_hash if result_hash is not None else content_hash(result_uri)
    s.escrow.deliver(s.signer, job_id, digest, result_uri, final_price)
    _job_row(s, job_id, "delivered")


# ---------------------------------------------------------------- disputes


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--evidence-uri", default="", help="ERC-1497 meta-evidence JSON URI.")
@click.option("--fee", type=AMOUNT, default=0, help="Native arbitration fee (0 for the panel).")
def dispute(s: Session, job_id: int, evidence_uri: str, fee: int) -> None:
    """Dispute a delivered job (client); the job's bond is taken from the client's balance."""
    s.disputes.dispute(s.signer, job_id, evidence_uri, fee)
    _dispute_row(s, job_id, "disputed")


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--evidence-uri", default="", help="ERC-1497 evidence JSON URI.")
@click.option("--fee", type=AMOUNT, default=0, help="Native arbitration fee (0 for the panel).")
def answer(s: Session, job_id: int, evidence_uri: str, fee: int) -> None:
    """Answer a dispute (provider): post the bond; the case goes to the arbitrator."""
    s.disputes.answer(s.signer, job_id, evidence_uri, fee)
    _dispute_row(s, job_id, "answered")


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option(
    "--propose", "propose", type=AMOUNT, default=None, help="Propose the provider's share."
)
@click.option(
    "--accept",
    "accept_",
    type=AMOUNT,
    default=None,
    help="Accept the other side's proposal of this provider share.",
)
@click.option("--withdraw", "withdraw_", is_flag=True, help="Withdraw your proposal.")
@click.option("--claim-default", is_flag=True, help="Client wins: the provider never answered.")
@click.option("--apply-default", is_flag=True, help="Neutral default: the arbitrator is silent.")
def settle(
    s: Session,
    job_id: int,
    propose: int | None,
    accept_: int | None,
    withdraw_: bool,
    claim_default: bool,
    apply_default: bool,
) -> None:
    """End or negotiate a dispute: propose or accept a split, or apply a default."""
    chosen = [propose is not None, accept_ is not None, withdraw_, claim_default, apply_default]
    if sum(chosen) != 1:
        raise click.UsageError(
            "give exactly one of --propose, --accept, --withdraw, --claim-default, --apply-default"
        )
    d = s.disputes
    if propose is not None:
        d.propose_settlement(s.signer, job_id, propose)
        done = f"proposed a provider share of {propose}"
    elif accept_ is not None:
        d.accept_settlement(s.signer, job_id, accept_)
        done = f"accepted a provider share of {accept_}"
    elif withdraw_:
        d.withdraw_proposal(s.signer, job_id)
        done = "proposal withdrawn"
    elif claim_default:
        d.claim_default_win(s.signer, job_id)
        done = "default win claimed"
    else:
        d.apply_default(s.signer, job_id)
        done = "neutral default applied"
    _dispute_row(s, job_id, done)


def _dispute_row(s: Session, job_id: int, message: str) -> None:
    disp = s.disputes.of(job_id)
    s.emit(
        {"job_id": job_id, **to_jsonable(disp)},
        message=f"{message} (job {job_id}, dispute {disp.status.name.lower()})",
    )


def parse_ruling(text: str) -> int:
    """client | provider | refuse | split:P (provider gets P %) | a raw ruling number."""
    t = text.strip().lower()
    named = {
        "client": RULING_CLIENT_WINS,
        "provider": RULING_PROVIDER_WINS,
        "refuse": RULING_REFUSED,
        "refused": RULING_REFUSED,
    }
    if t in named:
        return named[t]
    if t.startswith("split:"):
        try:
            return split_ruling(int(t.removeprefix("split:").rstrip("%")))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="RULING") from exc
    if t.isdigit():
        return int(t)
    raise click.BadParameter(
        f"{text!r}: use client, provider, refuse, split:P or a number", param_hint="RULING"
    )


@main.command()
@chain_options(signs=True)
@click.argument("ruling")
@click.option("--job", "job_id", type=BIGINT, default=None, help="The disputed job.")
@click.option("--dispute", "dispute_id", type=BIGINT, default=None, help="The panel's dispute id.")
def rule(s: Session, ruling: str, job_id: int | None, dispute_id: int | None) -> None:
    """Vote RULING on the panel as an arbiter: client, provider, refuse, split:P."""
    value = parse_ruling(ruling)
    if (job_id is None) == (dispute_id is None):
        raise click.UsageError("give --job JOB_ID or --dispute DISPUTE_ID")
    if dispute_id is None:
        assert job_id is not None
        disp = s.disputes.of(job_id)
        if not disp.case_opened:
            raise click.ClickException(f"job {job_id} has no case at the arbitrator yet")
        dispute_id = disp.arbitrator_dispute_id
    s.panel.vote(s.signer, dispute_id, value)
    state = s.panel.get(dispute_id)
    data = {"dispute_id": dispute_id, "ruling": value, **to_jsonable(state)}
    status = f"ruled {state.ruling}" if state.solved else "waiting for more votes"
    s.emit(data, message=f"voted {value} on panel dispute {dispute_id}: {status}")


@main.command(name="withdraw-arbitration-fees")
@chain_options(signs=True)
@click.option("--to", type=ADDRESS, default=None, help="Receiver (default: the signer).")
def withdraw_arbitration_fees(s: Session, to: str | None) -> None:
    """Withdraw the native coin the dispute resolver owes the signer (paid courts only).

    A paid court's fee is advanced in native coin: the opener with `dispute --fee`
    (or `contest --fee`), the other side with `answer --fee` (forwarded to the court).
    When the dispute ends, the opener's advance is credited to the winner, as the
    amount is shared: all back to the opener if it wins, all to the answerer if the
    answering side wins (its own fee reimbursed), in proportion for a split or the
    neutral default; a settlement, or a case the court never took, returns it to the
    opener, and a fee the court refused is credited back to the answerer. Credits
    belong to the address that paid (the principal or the operator key that signed),
    so withdraw with that key. Nothing is pushed: this pulls everything credited so
    far in one transfer.
    """
    receiver = to or s.signer.address
    amount = s.disputes.withdraw_native(s.signer, receiver)
    s.emit(
        {"account": s.signer.address, "to": receiver, "withdrawn": amount},
        message=f"withdrew {amount} wei of arbitration fees owed to {s.signer.address} "
        f"to {receiver}",
    )


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.argument("score", type=click.IntRange(0, 100))
@click.option("--tag1", default="")
@click.option("--tag2", default="")
@click.option("--feedback-uri", default="")
def rate(s: Session, job_id: int, score: int, tag1: str, tag2: str, feedback_uri: str) -> None:
    """Rate the other side of a settled job, 0-100 (once per side)."""
    s.reputation.rate(s.signer, job_id, score, tag1, tag2, feedback_uri, content_hash(feedback_uri))
    s.emit({"job_id": job_id, "score": score}, message=f"rated job {job_id}: {score}")


# -------------------------------------------------------------------- show


@main.group()
def show() -> None:
    """Show an agent, a job, a listing, a dispute or a reputation."""


@show.command(name="agent")
@chain_options()
@click.argument("agent_id", type=BIGINT)
@click.option(
    "--token",
    type=ADDRESS,
    envvar="AGENTMARKET_TOKEN",
    default=None,
    help="Also show the escrow balance and caps in this token.",
)
def show_agent(s: Session, agent_id: int, token: str | None) -> None:
    """An agent: principal, operator, freeze flag, URI (and balance in --token);
    its open tabs (key, committed deposit) and what they commit per token: all
    that anyone else can still spend of its money through tabs, what a buyer
    of the agent inherits."""
    agent = s.registry.agent(agent_id)
    if int(agent.principal, 16) == 0:
        raise click.ClickException(f"agent #{agent_id} does not exist")
    data: dict[str, Any] = to_jsonable(agent)
    rows: list[tuple[str, Any]] = [
        ("principal", agent.principal),
        ("operator", agent.operator),
        ("frozen", agent.frozen),
        ("uri", agent.uri),
    ]
    if token is not None:
        balance = s.escrow.balance(agent_id, token)
        pol = s.registry.spend_policy(agent_id, token)
        data.update(token=token, balance=balance, policy=to_jsonable(pol))
        rows += [
            ("balance", balance),
            ("per-job cap", _cap(pol.per_job_cap)),
            ("per-period cap", f"{_cap(pol.period_cap)} / {pol.period} s"),
        ]
    more: list[RenderableType] = []
    if s.has("Tabs"):
        tabs = TabsClient(s.w3, s.address("Tabs"))
        exposure = tabs.exposure(agent_id, from_block=s.deployment.contracts["Tabs"].block)
        found = exposure.to_dict()
        data.update(open_tabs=found["open_tabs"], exposure=found["exposure"])
        rows.append(("open tabs", len(exposure.tabs)))
        for t, v in exposure.by_token.items():  # what anyone else can still spend, per token
            rows += [("committed in tabs", v), ("  token", t)]
        more = [_open_tab_table(t) for t in exposure.tabs]
    s.emit(data, Group(_table(f"Agent #{agent_id}", rows), *more))


def _open_tab_table(tab: Tab) -> Table:
    """One open tab of a client agent: its key can still spend the committed
    amount, to that provider only, until the tab closes."""
    return _table(
        f"Open tab {hex(tab.tab_id)}",
        [
            ("provider", f"#{tab.provider_id}"),
            ("token", tab.token),
            ("key", tab.signer),
            ("deposit", tab.deposit),
            ("redeemed", tab.redeemed),
            ("committed", tab.committed),
            ("closes at", when(tab.closes_at)),
        ],
    )


@show.command(name="job")
@chain_options()
@click.argument("job_id", type=BIGINT)
def show_job(s: Session, job_id: int) -> None:
    """A job: parties, token, price, status, deadline."""
    job = s.escrow.job(job_id)
    if job.status == JobStatus.NONE:
        raise click.ClickException(f"job {job_id} does not exist")
    rows: list[tuple[str, Any]] = [
        ("job id", f"{job_id} ({hex(job_id)})"),
        ("client", f"#{job.client_id}"),
        ("provider", f"#{job.provider_id}"),
        ("status", job.status.name.lower()),
        ("token", job.token),
        ("price", job.price),
        ("deadline", when(job.deadline)),
        ("delivery time", f"{job.delivery_time} s"),
        ("hash", "0x" + job.hash.hex()),
    ]
    s.emit({"job_id_hex": hex(job_id), **to_jsonable(job)}, _table("Job", rows))


@show.command(name="listing")
@chain_options()
@click.argument("listing_id", type=BIGINT)
def show_listing(s: Session, listing_id: int) -> None:
    """A listing as stored."""
    listing = s.listings.get(listing_id)
    rows: list[tuple[str, Any]] = [
        ("provider", f"#{listing.provider_id}"),
        ("tag", "0x" + listing.tag.hex()),
        ("token", listing.token),
        ("price", listing.price),
        ("max delivery", f"{listing.max_delivery_time} s"),
        ("version", listing.version),
        ("state", listing.state.name.lower()),
    ]
    s.emit(listing, _table(f"Listing #{listing_id}", rows))


@show.command(name="dispute")
@chain_options()
@click.argument("job_id", type=BIGINT)
def show_dispute(s: Session, job_id: int) -> None:
    """A job's dispute as the resolver holds it."""
    disp = s.disputes.of(job_id)
    rows: list[tuple[str, Any]] = [
        ("status", disp.status.name.lower()),
        ("arbitrator", disp.arbitrator),
        ("amount", disp.amount),
        ("bond", disp.bond),
        ("response deadline", when(disp.response_deadline)),
        ("arbitration deadline", when(disp.arbitration_deadline)),
        ("case", disp.arbitrator_dispute_id if disp.case_opened else "-"),
        ("ruling", disp.ruling),
        ("client proposal", disp.client_proposal),
        ("provider proposal", disp.provider_proposal),
    ]
    s.emit(disp, _table(f"Dispute of job {job_id}", rows))


@show.command(name="reputation")
@chain_options()
@click.argument("agent_ids", type=BIGINT, nargs=-1, required=True)
def show_reputation(s: Session, agent_ids: tuple[int, ...]) -> None:
    """The reputation of one or more agents."""
    reps = [s.reputation.of(a) for a in agent_ids]
    s.emit(reps[0] if len(reps) == 1 else reps, reputation_table(reps))


def reputation_table(reps: list[Any], title: str = "Reputation") -> Table:
    """One row per agent; a field-per-row table for a single agent."""
    if len(reps) == 1:
        r = reps[0]
        return _table(
            f"Reputation of agent #{r.agent_id}",
            [
                ("jobs", r.jobs),
                ("completed", r.completed),
                ("validated (of completed)", r.validated),
                ("failed", r.failed),
                ("rejected (of failed)", r.rejected),
                ("refunded", r.refunded),
                ("disputes won", r.disputes_won),
                ("disputes lost", r.disputes_lost),
                ("settled", r.settled),
                ("volume (weighted)", r.volume),
                ("ratings", r.rating_count),
                ("score", f"{r.average_score / 100:.2f}"),
            ],
        )
    return tables.reputation_table(title, [(f"#{r.agent_id}", asdict(r)) for r in reps])


# The `tab` commands live in their own module; importing it here (after `main`
# and the helpers it uses exist) registers them.
from agentmarket.cli_tabs import tab as _tab_group  # noqa: E402

main.add_command(_tab_group)
import agentmarket.cli_evaluation  # noqa: E402  (approve, reject, contest, evaluator)
import agentmarket.cli_governor  # noqa: E402  (registers `governor`)
import agentmarket.cli_ownership  # noqa: E402  (registers `ownership`)
import agentmarket.cli_panel  # noqa: E402  (registers `panel`)
import agentmarket.cli_validation  # noqa: E402, F401  (registers `validation`)


def run() -> None:
    """The console script: `main` with client errors as `error: ...` and status 1."""
    try:
        main(standalone_mode=True)
    except AgentMarketError as exc:  # raised outside a command (e.g. at startup)
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)

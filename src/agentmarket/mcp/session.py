"""What one MCP server session works with: the market, the agent it acts for, its
operator key, the spend budget, the discovery index and the result store.

The guard rails live here, apart from the MCP plumbing:

- `check_operator` refuses a key that is not the agent's operator: the principal's key
  (uncapped, it could withdraw) and a stranger's key are both refused at start, so the
  server only ever commits what the principal's on-chain caps and freeze allow;
- `Budget` bounds what one session may commit (hires and dispute bonds), on top of
  the on-chain caps: each spending tool reserves its amount before the transaction
  and releases it when nothing was committed after all.
"""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from eth_account.signers.local import LocalAccount

from agentmarket.agent.client import ClientAgent
from agentmarket.agent.results import ResultStore
from agentmarket.chain import Signer
from agentmarket.errors import AgentMarketError
from agentmarket.index.indexer import Indexer
from agentmarket.market import Market

UNLIMITED = 2**256 - 1
# The escrow keeps result URIs of at most this many characters (`String[256]`).
MAX_RESULT_URI = 256


class McpError(AgentMarketError):
    """Base of the MCP server's own refusals."""


class NotOperatorError(McpError):
    """The key is not the agent's operator: the server refuses to start with it."""


class BudgetExceededError(McpError):
    """A spend would take the session past its `--max-spend` budget."""


class BadInputError(McpError):
    """A tool argument the server cannot use (an amount, a job id, an offer)."""


def parse_amount(text: str | int, what: str = "amount") -> int:
    """A token amount in base units: 1500, "5e18", "2.5e6" (must come out whole), "0x10"."""
    if isinstance(text, int):
        value = text
    else:
        raw = str(text).replace("_", "").strip()
        try:
            value = int(raw, 16) if raw.lower().startswith("0x") else _whole(raw)
        except (InvalidOperation, ValueError):
            raise BadInputError(f"{what} {text!r} is not a whole number of base units") from None
    if not 0 <= value <= UNLIMITED:
        raise BadInputError(f"{what} {text!r} is out of range (0 to 2**256-1 base units)")
    return value


def _whole(raw: str) -> int:
    number = Decimal(raw)
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(raw)
    return int(number)


def parse_job_id(text: str | int) -> int:
    """A job id (a uint256) in decimal or 0x-hex."""
    try:
        value = text if isinstance(text, int) else int(str(text).strip(), 0)
    except ValueError:
        raise BadInputError(f"job id {text!r} is not an integer (decimal or 0x-hex)") from None
    if not 0 < value <= UNLIMITED:
        raise BadInputError(f"job id {text!r} is out of range")
    return value


class Budget:
    """What one server session may still commit, in token base units.

    `reserve` takes an amount before a spending transaction (refusing one that does
    not fit with BudgetExceededError); `release` gives it back when the transaction
    committed nothing (it reverted, or the hired job was cancelled at once). Amounts
    of different tokens add up as base units: a deployment normally pays in one token.
    Thread-safe: tools run in worker threads."""

    def __init__(self, limit: int = UNLIMITED) -> None:
        self.limit = limit
        self._committed = 0
        self._lock = threading.Lock()

    @property
    def committed(self) -> int:
        return self._committed

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self._committed)

    @property
    def unlimited(self) -> bool:
        return self.limit == UNLIMITED

    def reserve(self, amount: int, what: str) -> None:
        """Commit `amount` for `what`, or refuse when it exceeds what remains."""
        with self._lock:
            if amount > self.limit - self._committed:
                raise BudgetExceededError(
                    f"mcp: over session budget: {what} needs {amount}, but this session "
                    f"may commit only {self.limit - self._committed} more "
                    f"(--max-spend {self.limit}, {self._committed} committed)"
                )
            self._committed += amount

    def release(self, amount: int) -> None:
        """Give back `amount` reserved for a spend that committed nothing."""
        with self._lock:
            self._committed = max(0, self._committed - amount)


@dataclass(frozen=True)
class ResultPublishing:
    """Where `deliver` keeps results and how clients reach them.

    With a `store` and a `public_url`, a result is stored under its keccak256 and
    delivered as `<public_url>/results/0x<hash>` (the HTTP transport serves that path
    itself; over stdio something else must serve the directory, e.g. a provider
    runtime's `--results` or any static web server). Without them, a result is
    delivered inline as a `data:` URI, which the escrow's 256-character limit allows
    only for short results."""

    store: ResultStore | None = None
    public_url: str | None = None

    def uri_for(self, data: bytes, digest: bytes) -> str:
        """Store `data` (if there is a store) and return the URI to deliver."""
        if self.store is not None and self.public_url:
            self.store.put(data)
            return f"{self.public_url.rstrip('/')}/results/0x{digest.hex()}"
        inline = "data:text/plain;charset=utf-8," + urllib.parse.quote(data, safe="")
        if len(inline) > MAX_RESULT_URI:
            raise BadInputError(
                f"mcp: a result of {len(data)} bytes does not fit in a data: URI of at most "
                f"{MAX_RESULT_URI} characters; start the server with --results DIR and "
                "--public-url URL to deliver it by URL"
            )
        return inline


class AgentSession:
    """One agent acting through the MCP server with its operator key.

    `market` is connected to the chain and deployment; `account` must be the agent's
    operator (`check_operator`); `budget` bounds this session's commitments; `index`
    answers discovery and `my_jobs`; `token` is the payment token `balance` and
    `list_service` use when none is named; `results` says how `deliver` publishes."""

    def __init__(
        self,
        market: Market,
        agent_id: int,
        account: LocalAccount,
        index: Indexer,
        *,
        budget: Budget | None = None,
        token: str | None = None,
        results: ResultPublishing | None = None,
        http_timeout: float = 30.0,
    ) -> None:
        self.market = market
        self.agent_id = agent_id
        self.account = account
        self.signer: Signer = market.signer_for(account)
        self.index = index
        self.budget = budget or Budget()
        self.token = token
        self.results = results or ResultPublishing()
        self.http_timeout = http_timeout
        self.client = ClientAgent(
            market, agent_id, index=index, account=account, http_timeout=http_timeout
        )
        # One transaction at a time: the operator's nonces never race.
        self.tx_lock = threading.Lock()
        # The block each job this session hired was created around (to find its delivery).
        self.hired_at: dict[int, int] = {}

    @property
    def first_block(self) -> int:
        """The deployment's first block: where event searches start."""
        return min((d.block for d in self.market.deployment.contracts.values()), default=0)

    def check_operator(self) -> None:
        """Refuse to serve with a key that is not the agent's operator: the principal's
        key (uncapped) and a stranger's are both refused with NotOperatorError."""
        agent = self.market.registry.agent(self.agent_id)
        if int(agent.principal, 16) == 0:
            raise NotOperatorError(f"agent {self.agent_id} is not registered on this chain")
        me = self.account.address.lower()
        if me == agent.principal.lower():
            raise NotOperatorError(
                f"the key {self.account.address} is agent {self.agent_id}'s principal "
                f"(its owner): the MCP server signs only with the agent's operator key "
                f"({agent.operator}), so the principal's caps and freeze bind what it "
                "commits; set an operator (agentmarket wallet) and serve with its key"
            )
        if me != agent.operator.lower():
            raise NotOperatorError(
                f"the key {self.account.address} is not agent {self.agent_id}'s operator "
                f"({agent.operator}); serve with the operator's key"
            )


def default_home(agent_id: int) -> Path:
    """Where a server keeps its index and results when not told otherwise."""
    return Path(".agentmarket") / f"mcp-{agent_id}"

"""ERC-8004 registration files: what an agent's URI points to, written from the chain
and checked against it.

A file is ERC-8004's `registration-v1` (name, description, `services[]` with the A2A,
MCP and web endpoints, `registrations[]` naming the registry as
`eip155:<chainId>:<address>` with the agent id, `supportedTrust`, `x402Support`) and
one extension, `agentmarket`: the chain, the escrow, the agent's owner and operator and
its active listings (tag, token, price, delivery time, evaluator), read from the chain
when the file is written. A client never trusts the file alone: `verify_registration`
checks every on-chain fact it states against the chain and refuses a mismatch.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from web3 import Web3

from agentmarket.contracts.listings import Listing, ListingState
from agentmarket.errors import AgentMarketError
from agentmarket.market import Market

REGISTRATION_TYPE = "https://eips.ethereum.org/EIPS/eip-8004#registration-v1"
EXTENSION = "agentmarket"
EXTENSION_VERSION = 1
A2A_PROTOCOL_VERSION = "0.3.0"
# Escrowed payment and bonded disputes put money behind every job; reputation is
# written only by paid, settled work.
SUPPORTED_TRUST = ["reputation", "crypto-economic"]
# A registration file larger than this is refused unread.
MAX_FILE_BYTES = 256 * 1024


class RegistrationError(AgentMarketError):
    """A registration file that cannot be read, or is not a registration file."""


class RegistrationMismatch(RegistrationError):
    """A registration file that states something the chain contradicts."""


@dataclass(frozen=True)
class ListedService:
    """One active listing as a registration file states it."""

    listing_id: int
    tag: bytes
    tag_name: str | None
    token: str
    price: int
    delivery_time: int
    evaluator: str | None
    evaluator_fee_bps: int
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "listingId": str(self.listing_id),
            "tag": "0x" + self.tag.hex(),
            "tagName": self.tag_name,
            "token": self.token,
            "price": str(self.price),
            "deliveryTime": self.delivery_time,
            "evaluator": self.evaluator,
            "evaluatorFeeBps": self.evaluator_fee_bps,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListedService:
        evaluator = data.get("evaluator")
        return cls(
            listing_id=int(str(data["listingId"]), 0),
            tag=bytes.fromhex(str(data["tag"]).removeprefix("0x")),
            tag_name=data.get("tagName"),
            token=Web3.to_checksum_address(str(data["token"])),
            price=int(str(data["price"]), 0),
            delivery_time=int(data["deliveryTime"]),
            evaluator=Web3.to_checksum_address(evaluator) if evaluator else None,
            evaluator_fee_bps=int(data.get("evaluatorFeeBps", 0)),
            version=int(data["version"]),
        )


@dataclass(frozen=True)
class Registration:
    """A registration file checked against the chain."""

    agent_id: int
    name: str
    description: str
    a2a_endpoint: str | None
    mcp_endpoint: str | None
    web_endpoint: str | None
    owner: str
    operator: str
    x402_support: bool
    listings: list[ListedService] = field(default_factory=list)
    x402_endpoint: str | None = None


def agent_registry_id(market: Market) -> str:
    """The registry as ERC-8004 names it: `eip155:<chainId>:<address>`."""
    return f"eip155:{market.chain_id}:{Web3.to_checksum_address(market.registry.address)}"


def registration_file(
    market: Market,
    agent_id: int,
    *,
    a2a_url: str | None = None,
    mcp_url: str | None = None,
    web_url: str | None = None,
    name: str | None = None,
    description: str = "",
    tag_names: Iterable[str] = (),
    x402_support: bool = False,
    x402_url: str | None = None,
) -> dict[str, Any]:
    """Agent `agent_id`'s registration file, its facts read from the chain now.

    `a2a_url` is the A2A agent card's URL; `x402_url` a paid endpoint (x402 on tabs),
    listed as the service "x402" with `x402Support` true; `tag_names` label the
    listings whose tag is the keccak256 of one of them (the chain keeps only the hash)."""
    agent = market.registry.agent(agent_id)
    names = {bytes(Web3.keccak(text=n)): n for n in tag_names}
    listings = []
    for listing_id in market.listings.active_by_provider(agent_id):
        listing = market.listings.get(listing_id)
        if listing.state != ListingState.ACTIVE:
            continue
        evaluator = _evaluator(listing)
        listings.append(
            ListedService(
                listing_id=listing_id,
                tag=listing.tag,
                tag_name=names.get(listing.tag),
                token=Web3.to_checksum_address(listing.token),
                price=listing.price,
                delivery_time=listing.max_delivery_time,
                evaluator=evaluator,
                evaluator_fee_bps=listing.evaluator_fee_bps,
                version=listing.version,
            ).to_dict()
        )
    services: list[dict[str, str]] = []
    if a2a_url:
        services.append({"name": "A2A", "endpoint": a2a_url, "version": A2A_PROTOCOL_VERSION})
    if mcp_url:
        services.append({"name": "MCP", "endpoint": mcp_url})
    if web_url:
        services.append({"name": "web", "endpoint": web_url})
    if x402_url:
        services.append({"name": "x402", "endpoint": x402_url})
    return {
        "type": REGISTRATION_TYPE,
        "name": name or f"AgentMarket agent #{agent_id}",
        "description": description,
        "image": "",
        "services": services,
        "x402Support": x402_support or bool(x402_url),
        "active": not agent.frozen,
        "registrations": [{"agentId": agent_id, "agentRegistry": agent_registry_id(market)}],
        "supportedTrust": SUPPORTED_TRUST,
        EXTENSION: {
            "version": EXTENSION_VERSION,
            "chainId": market.chain_id,
            "escrow": Web3.to_checksum_address(market.escrow.address),
            "owner": Web3.to_checksum_address(agent.principal),
            "operator": Web3.to_checksum_address(agent.operator),
            "listings": listings,
        },
    }


def _service(data: dict[str, Any], name: str) -> str | None:
    for service in data.get("services") or []:
        if isinstance(service, dict) and str(service.get("name", "")).lower() == name.lower():
            endpoint = service.get("endpoint")
            return str(endpoint) if endpoint else None
    return None


def verify_registration(market: Market, data: Any, agent_id: int) -> Registration:
    """Check a fetched registration file against the chain and return what it says.

    Refused with RegistrationMismatch: a file of another type, one that does not name
    this chain's registry with `agent_id`, or whose extension names another chain,
    escrow, owner or operator than the chain does, or a listing the provider does not
    have active at that token, price, delivery time, evaluator and version."""
    if not isinstance(data, dict):
        raise RegistrationError("a registration file is a JSON object")
    if data.get("type") != REGISTRATION_TYPE:
        raise RegistrationMismatch(f"not an ERC-8004 registration file: type {data.get('type')!r}")
    registry = agent_registry_id(market).lower()
    named = [
        r
        for r in data.get("registrations") or []
        if isinstance(r, dict) and str(r.get("agentRegistry", "")).lower() == registry
    ]
    if not any(_int(r.get("agentId")) == agent_id for r in named):
        raise RegistrationMismatch(
            f"the file does not register agent {agent_id} in {agent_registry_id(market)}"
        )
    ext = data.get(EXTENSION)
    if not isinstance(ext, dict):
        raise RegistrationMismatch(f"the file has no {EXTENSION!r} extension")
    agent = market.registry.agent(agent_id)
    facts = {
        "chainId": (market.chain_id, _int(ext.get("chainId"))),
        "escrow": (market.escrow.address.lower(), str(ext.get("escrow", "")).lower()),
        "owner": (agent.principal.lower(), str(ext.get("owner", "")).lower()),
        "operator": (agent.operator.lower(), str(ext.get("operator", "")).lower()),
    }
    for what, (on_chain, in_file) in facts.items():
        if on_chain != in_file:
            raise RegistrationMismatch(
                f"the file states {what} {in_file}, but the chain has {on_chain} "
                f"for agent {agent_id}"
            )
    try:
        listings = [ListedService.from_dict(item) for item in ext.get("listings") or []]
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistrationError(f"a listing in the file is malformed: {exc}") from exc
    for stated in listings:
        _check_listing(market, agent_id, stated)
    return Registration(
        agent_id=agent_id,
        name=str(data.get("name", "")),
        description=str(data.get("description", "")),
        a2a_endpoint=_service(data, "A2A"),
        mcp_endpoint=_service(data, "MCP"),
        web_endpoint=_service(data, "web"),
        owner=Web3.to_checksum_address(agent.principal),
        operator=Web3.to_checksum_address(agent.operator),
        x402_support=bool(data.get("x402Support", False)),
        listings=listings,
        x402_endpoint=_service(data, "x402"),
    )


def _check_listing(market: Market, agent_id: int, stated: ListedService) -> None:
    listing = market.listings.get(stated.listing_id)
    named = _evaluator(listing)
    evaluator = named.lower() if named else None
    chain = (
        listing.provider_id,
        listing.state,
        listing.tag,
        listing.token.lower(),
        listing.price,
        listing.max_delivery_time,
        evaluator,
        listing.evaluator_fee_bps,
        listing.version,
    )
    claimed = (
        agent_id,
        ListingState.ACTIVE,
        stated.tag,
        stated.token.lower(),
        stated.price,
        stated.delivery_time,
        stated.evaluator.lower() if stated.evaluator else None,
        stated.evaluator_fee_bps,
        stated.version,
    )
    if chain != claimed:
        raise RegistrationMismatch(
            f"listing {stated.listing_id} in the file differs from the chain's "
            f"(provider, state, tag, token, price, delivery time, evaluator, fee, version): "
            f"stated {claimed}, chain {chain}"
        )


def _evaluator(listing: Listing) -> str | None:
    """The listing's evaluator, None when it names none (the zero address)."""
    return None if int(listing.evaluator, 16) == 0 else listing.evaluator


def _int(value: Any) -> int | None:
    try:
        return int(str(value), 0)
    except (TypeError, ValueError):
        return None


def parse_registration(raw: bytes) -> dict[str, Any]:
    """The JSON object of a registration file's bytes."""
    if len(raw) > MAX_FILE_BYTES:
        raise RegistrationError(f"registration file larger than {MAX_FILE_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RegistrationError(f"registration file is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise RegistrationError("a registration file is a JSON object")
    return data


def fetch_registration(uri: str, timeout: float = 10.0) -> dict[str, Any]:
    """Read the registration file at `uri`: http(s), or an inline
    `data:application/json;base64,...` URI as ERC-8004 allows."""
    if uri.startswith("data:"):
        header, _, payload = uri.partition(",")
        raw = base64.b64decode(payload) if header.endswith(";base64") else payload.encode()
        return parse_registration(raw)
    if not uri.startswith(("http://", "https://")):
        raise RegistrationError(
            f"cannot fetch a registration file from {uri!r} (http, https, data)"
        )
    try:
        with httpx.stream("GET", uri, timeout=timeout, follow_redirects=True) as response:
            response.raise_for_status()
            raw = b""
            for chunk in response.iter_bytes():
                raw += chunk
                if len(raw) > MAX_FILE_BYTES:
                    raise RegistrationError(f"registration file larger than {MAX_FILE_BYTES} bytes")
    except httpx.HTTPError as exc:
        raise RegistrationError(f"cannot fetch {uri}: {exc}") from exc
    return parse_registration(raw)

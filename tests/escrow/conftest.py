"""Fixtures for the listings and escrow tests.

The root conftest supplies role-named accounts, the AgentRegistry and per-test
isolation. This one deploys ServiceListings, JobEscrow (with a recording mock
reputation hook and a mock dispute resolver) and mock tokens, registers a
client agent (principal + operator) and a provider agent (another principal +
its operator), and offers factory fixtures: `fund`, `create_listing`, `hire`,
`offer`, `job_in`; `predict_address` and `deploy_with_real_reputation` show
the production deployment order (reputation first, at the escrow's predicted
CREATE address).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boa
import pytest
from eth_account.signers.local import LocalAccount

try:  # `tests` importable (rootdir on sys.path, or tests/ made a package)
    from tests.conftest import CONTRACTS, deployer_of, load
except ModuleNotFoundError:  # pytest's rootdir conftest, imported as `conftest`
    from conftest import CONTRACTS, deployer_of, load  # type: ignore[no-redef]

from .helpers import (
    ACCEPT_WINDOW,
    ACCEPTED,
    ARBITRATION_WINDOW,
    ARBITRATOR,
    BOND_BPS,
    BOND_FLOOR,
    CLIENT_AGENT_ID,
    DELIVERED,
    DELIVERY_TIME,
    E18,
    FEE_BPS,
    PRICE,
    PROVIDER_AGENT_ID,
    RESPONSE_WINDOW,
    RESULT,
    REVIEW_WINDOW,
    SIBLING_AGENT_ID,
    TAG,
    TERMS,
    ZERO,
    offer_fields,
    register_as,
    set_wallet,
    sign_offer,
)


@pytest.fixture(scope="session")
def client_operator(operator: LocalAccount) -> LocalAccount:
    return operator


@pytest.fixture(scope="session")
def provider_operator(keyed: Callable[[str], LocalAccount]) -> LocalAccount:
    return keyed("provider_operator")


@pytest.fixture(scope="session")
def fee_recipient(keyed: Callable[[str], LocalAccount]) -> str:
    return str(keyed("fee_recipient").address)


@pytest.fixture(scope="session")
def funder(keyed: Callable[[str], LocalAccount]) -> str:
    return str(keyed("funder").address)


__all__ = ["CONTRACTS", "build_world", "governor_of", "load"]


def predict_address(sender: str, ahead: int = 0) -> str:
    """The address `sender`'s CREATE will get `ahead` deployments from now
    (boa deploys with the sender's nonce, as a real chain does)."""
    from eth._utils.address import generate_contract_address
    from eth_utils import to_canonical_address, to_checksum_address

    raw = to_canonical_address(sender)
    nonce = boa.env.evm.vm.state.get_nonce(raw) + ahead
    return to_checksum_address(generate_contract_address(raw, nonce))


def config_tuple(
    fee_recipient: str,
    fee_bps: int = FEE_BPS,
    arbitrator: str = ARBITRATOR,
    **overrides: Any,
) -> tuple[Any, ...]:
    """A `Config` struct for the constructor or `add_config`."""
    fields = {
        "fee_bps": fee_bps,
        "accept_window": ACCEPT_WINDOW,
        "review_window": REVIEW_WINDOW,
        "fee_recipient": fee_recipient,
        "bond_bps": BOND_BPS,
        "bond_floor": BOND_FLOOR,
        "response_window": RESPONSE_WINDOW,
        "arbitration_window": ARBITRATION_WINDOW,
        "arbitrator": arbitrator,
    }
    fields.update(overrides)
    return tuple(fields.values())


def _deploy_escrow(
    registry: Any,
    listings: Any,
    governance: str,
    guardian: str,
    fee_recipient: str,
    rep: Any,
    resolver: Any,
    tabs: Any = ZERO,
    offers: Any = ZERO,
) -> Any:
    """Deploy JobEscrow and its EscrowGovernor (governance's next two
    CREATEs; the escrow is built for the governor's predicted address, the
    governor writes config 1 and lifts the escrow's initial pause).
    `rep`/`resolver`/`tabs`/`offers` are contracts or addresses (`tabs` and
    `offers` empty by default: disabled). `governor_of(escrow)`
    gives the governor."""
    governor_at = predict_address(governance, ahead=1)
    with boa.env.prank(governance):
        escrow = load(
            "JobEscrow",
            registry.address,
            listings.address,
            getattr(rep, "address", rep),
            getattr(resolver, "address", resolver),
            governor_at,
            getattr(tabs, "address", tabs),
            getattr(offers, "address", offers),
        )
        governor = load("EscrowGovernor", escrow.address, guardian, config_tuple(fee_recipient))
    assert governor.address == governor_at
    return escrow


def _deploy_offer_book(escrow: Any, registry: Any, governance: str, at: str) -> Any:
    """Deploy `escrow`'s OfferBook as governance, at the address the escrow was
    built for (its OFFERS)."""
    with boa.env.prank(governance):
        offers = load("OfferBook", escrow.address, registry.address)
    assert offers.address == at == escrow.OFFERS()
    return offers


def offers_of(escrow: Any) -> Any:
    """The OfferBook of `escrow` (its only source of hires from offers)."""
    return deployer_of("OfferBook").at(escrow.OFFERS())


def governor_of(escrow: Any) -> Any:
    """The EscrowGovernor of `escrow` (the only account its settings obey)."""
    return deployer_of("EscrowGovernor").at(escrow.GOVERNOR())


def deploy_with_real_reputation(
    registry: Any, listings: Any, governance: str, guardian: str, fee_recipient: str, resolver: Any
) -> tuple[Any, Any]:
    """The production order: ReputationRegistry first, built for the escrow's
    predicted address (governance's next CREATE after it), then the escrow,
    its governor and its OfferBook (`offers_of`)."""
    escrow_at = predict_address(governance, ahead=1)
    offers_at = predict_address(governance, ahead=3)
    with boa.env.prank(governance):
        reputation = load("ReputationRegistry", escrow_at)
    escrow = _deploy_escrow(
        registry, listings, governance, guardian, fee_recipient, reputation, resolver,
        offers=offers_at,
    )  # fmt: skip
    assert escrow.address == escrow_at
    _deploy_offer_book(escrow, registry, governance, offers_at)
    return escrow, reputation


def build_world(
    registry: Any,
    governance: str,
    guardian: str,
    principal: str,
    other_principal: str,
    client_operator: LocalAccount,
    provider_operator: LocalAccount,
    fee_recipient: str,
    with_tabs: bool = False,
    edge_ids: bool = True,
) -> SimpleNamespace:
    """Deploy and wire everything in the current boa env; register the agents.
    The ValidationRegistry comes first, built for the escrow's predicted
    address (production builds it after the escrow; the escrow does not
    know it either way). `with_tabs`: also deploy Tabs (governance's
    next CREATE after the escrow and its governor, predicted and fixed in
    the escrow as its TABS). `edge_ids`: the agents get odd ids at and near
    the top of the 64-bit field (CLIENT_AGENT_ID); without it, the registry's
    own 1, 2, 3, as a gas measurement wants (calldata prices each nonzero
    byte of an id)."""
    with boa.env.prank(governance):
        listings = load("ServiceListings", registry.address, guardian)
    reputation = load("MockReputation")
    resolver = load("MockResolver")
    with boa.env.prank(governance):
        validation = load("ValidationRegistry", registry.address, predict_address(governance, 1))
    tabs_at = predict_address(governance, ahead=2) if with_tabs else ZERO
    # The OfferBook comes last, after the escrow, its governor (and Tabs).
    offers_at = predict_address(governance, ahead=3 if with_tabs else 2)
    escrow = _deploy_escrow(
        registry,
        listings,
        governance,
        guardian,
        fee_recipient,
        reputation,
        resolver,
        tabs_at,
        offers_at,
    )
    assert validation.ESCROW() == escrow.address
    governor = governor_of(escrow)
    tabs = None
    if with_tabs:
        with boa.env.prank(governance):
            tabs = load("Tabs", escrow.address, registry.address)
        assert tabs.address == tabs_at
    offers = _deploy_offer_book(escrow, registry, governance, offers_at)
    reputation.set_escrow(escrow.address)
    reputation.set_keep_last(True)
    resolver.set_escrow(escrow.address)

    token = load("MockWeirdToken", 18)
    usdc = load("MockWeirdToken", 6)
    usdt = load("MockNoReturnToken", 6)
    with boa.env.prank(governance):
        governor.set_token(token.address, True, E18)
        governor.set_token(usdc.address, True, 10**24)
        governor.set_token(usdt.address, True, 10**24)

    def register(owner: str, edge_id: int) -> int:
        if edge_ids:
            return register_as(registry, owner, edge_id)
        with boa.env.prank(owner):
            return int(registry.register("ipfs://agent"))

    client_id = register(principal, CLIENT_AGENT_ID)
    provider_id = register(other_principal, PROVIDER_AGENT_ID)
    # A second provider owned by the client's principal (no reputation).
    sibling_id = register(principal, SIBLING_AGENT_ID)
    set_wallet(registry, client_id, principal, client_operator)
    set_wallet(registry, provider_id, other_principal, provider_operator)
    with boa.env.prank(principal):
        registry.set_spend_policy(client_id, token.address, 10 * PRICE, 25 * PRICE, 86_400)
    return SimpleNamespace(
        registry=registry,
        listings=listings,
        escrow=escrow,
        governor=governor,
        validation=validation,
        tabs=tabs,
        offers=offers,
        reputation=reputation,
        resolver=resolver,
        token=token,
        usdc=usdc,
        usdt=usdt,
        client_id=client_id,
        provider_id=provider_id,
        sibling_id=sibling_id,
        principal=principal,
        other_principal=other_principal,
        client_op=client_operator.address,
        provider_op=provider_operator.address,
        provider_key=provider_operator,
        governance=governance,
        guardian=guardian,
        fee_recipient=fee_recipient,
    )


@pytest.fixture(scope="module")
def world(
    registry: Any,
    governance: str,
    guardian: str,
    principal: str,
    other_principal: str,
    client_operator: LocalAccount,
    provider_operator: LocalAccount,
    fee_recipient: str,
) -> SimpleNamespace:
    """Everything deployed and wired, agents registered with operators."""
    # boa keeps every storage key ever written per address, across anchors;
    # a contract deployed at an address another module used for a different
    # contract then crashes boa's revert report ("no attribute key_type").
    boa.env.sstore_trace.clear()
    return build_world(
        registry,
        governance,
        guardian,
        principal,
        other_principal,
        client_operator,
        provider_operator,
        fee_recipient,
    )


@pytest.fixture(scope="module")
def escrow(world: SimpleNamespace) -> Any:
    return world.escrow


@pytest.fixture(scope="module")
def listings(world: SimpleNamespace) -> Any:
    return world.listings


@pytest.fixture(scope="module")
def token(world: SimpleNamespace) -> Any:
    return world.token


@pytest.fixture(scope="module")
def fund(world: SimpleNamespace, funder: str) -> Callable[..., None]:
    """`fund(agent_id, amount, token=...)`: deposit from a funded account."""

    def _fund(agent_id: int | None = None, amount: int = 100 * PRICE, token: Any = None) -> None:
        tok = token if token is not None else world.token
        aid = agent_id if agent_id is not None else world.client_id
        tok.mint(funder, amount)
        with boa.env.prank(funder):
            tok.approve(world.escrow.address, amount)
            world.escrow.deposit(aid, tok.address, amount)

    return _fund


@pytest.fixture(scope="module")
def create_listing(world: SimpleNamespace) -> Callable[..., int]:
    """`create_listing(price=..., token=..., provider_id=..., sender=...)`."""

    def _create(
        price: int = PRICE,
        token: Any = None,
        provider_id: int | None = None,
        sender: str | None = None,
        delivery: int = DELIVERY_TIME,
        tag: bytes = TAG,
        terms: bytes = TERMS,
    ) -> int:
        tok = token if token is not None else world.token
        pid = provider_id if provider_id is not None else world.provider_id
        who = sender if sender is not None else world.provider_op
        with boa.env.prank(who):
            return int(
                world.listings.create_listing(
                    pid, tag, tok.address, price, delivery, terms, "ipfs://terms"
                )
            )

    return _create


@pytest.fixture(scope="module")
def hire(world: SimpleNamespace) -> Callable[..., int]:
    """`hire(listing_id, client_id=..., sender=...)` with the listing's current quote."""

    def _hire(listing_id: int, client_id: int | None = None, sender: str | None = None) -> int:
        info = world.listings.hire_info(listing_id)
        cid = client_id if client_id is not None else world.client_id
        who = sender if sender is not None else world.client_op
        with boa.env.prank(who):
            return int(world.escrow.hire(listing_id, cid, info.token, info.price, info.version))

    return _hire


@pytest.fixture(scope="module")
def offer(world: SimpleNamespace) -> Callable[..., tuple[Any, ...]]:
    """`offer(**overrides)` -> (offer tuple, v, r, s), signed by the provider's operator."""

    def _offer(signer: LocalAccount | None = None, **overrides: Any) -> tuple[Any, ...]:
        fields = offer_fields(world, **overrides)
        return sign_offer(world.offers, signer or world.provider_key, fields)

    return _offer


@pytest.fixture(scope="module")
def job_in(
    world: SimpleNamespace,
    fund: Callable[..., None],
    create_listing: Callable[..., int],
    hire: Callable[..., int],
) -> Callable[..., int]:
    """`job_in(status, price=..., provider_id=...)`: a funded job driven to `status`."""

    def _job_in(status: int, price: int = PRICE, provider_id: int | None = None) -> int:
        pid = provider_id if provider_id is not None else world.provider_id
        seller = world.provider_op if pid == world.provider_id else world.principal
        fund(amount=price)
        lid = create_listing(price=price, provider_id=pid, sender=seller)
        job_id = hire(lid)
        if status >= ACCEPTED:
            with boa.env.prank(seller):
                world.escrow.accept(job_id)
        if status >= DELIVERED:
            with boa.env.prank(seller):
                world.escrow.deliver(job_id, RESULT, "ipfs://result", price)
        return job_id

    return _job_in


@pytest.fixture(scope="module")
def deploy_escrow(
    world: SimpleNamespace, governance: str, guardian: str, fee_recipient: str
) -> Callable[..., Any]:
    """A second escrow on the same registry and listings; `with_offers`: with
    an OfferBook of its own (`offers_of`)."""

    def _deploy(with_offers: bool = False) -> Any:
        offers_at = predict_address(governance, ahead=2) if with_offers else ZERO
        escrow = _deploy_escrow(
            world.registry,
            world.listings,
            governance,
            guardian,
            fee_recipient,
            world.reputation,
            world.resolver,
            offers=offers_at,
        )
        if with_offers:
            _deploy_offer_book(escrow, world.registry, governance, offers_at)
        return escrow

    return _deploy

"""Every revert string of JobEscrow, EscrowGovernor and ServiceListings is
exercised: the ones the life, dispute, safety and governor tests do not reach
are here, and a last test checks that no string of these contracts goes
untested."""

from __future__ import annotations

import re
from pathlib import Path

import boa
import pytest

from agentmarket.reverts import REVERT_CLASSES

from .conftest import CONTRACTS, load
from .helpers import (
    DELIVERY_TIME,
    PRICE,
    TAG,
    TERMS,
    ZERO,
    now,
    peek,
    poke,
)

MAX_U64 = 2**64 - 1
MAX_U128 = 2**128 - 1
YEAR = 365 * 86_400


# ------------------------------------------------------------- constructor


def test_constructor__empty_links__revert(world, governance):
    rep, resolver, governor = world.reputation.address, world.resolver.address, governance
    for links in ((ZERO, resolver, governor), (rep, ZERO, governor), (rep, resolver, ZERO)):
        with boa.env.prank(governance), boa.reverts("escrow: empty link"):
            load(
                "JobEscrow",
                world.registry.address,
                world.listings.address,
                *links,
                ZERO,
                ZERO,
            )


# -------------------------------------------------------------------- ledger


def test_withdraw_and_claim__empty_receiver__revert(world, fund, job_in, escrow):
    fund()
    with boa.env.prank(world.principal), boa.reverts("escrow: empty receiver"):
        escrow.withdraw(world.client_id, world.token.address, 1, ZERO)
    job_id = job_in(3)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    with boa.env.prank(world.fee_recipient), boa.reverts("escrow: empty receiver"):
        escrow.claim_fees(world.token.address, ZERO)


def test_withdraw__zero_or_too_much__reverts(world, fund, escrow):
    fund(amount=5)
    with boa.env.prank(world.principal):
        with boa.reverts("escrow: zero amount"):
            escrow.withdraw(world.client_id, world.token.address, 0, world.principal)
        with boa.reverts("escrow: insufficient balance"):
            escrow.withdraw(world.client_id, world.token.address, 6, world.principal)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not principal"):
        escrow.withdraw(world.client_id, world.token.address, 1, world.client_op)


# ----------------------------------------------------------------- hire


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("client_id", 0, "escrow: bad client"),
        ("client_id", MAX_U64 + 1, "escrow: bad client"),
        ("provider_id", 0, "escrow: bad provider"),
        ("provider_id", MAX_U64 + 1, "escrow: bad provider"),
        ("provider_id", 999, "escrow: unknown provider"),
        ("price", 0, "escrow: bad price"),
        ("price", MAX_U128 + 1, "escrow: bad price"),
        ("delivery_time", 0, "escrow: bad delivery time"),
        ("delivery_time", YEAR + 1, "escrow: bad delivery time"),
    ],
)
def test_hire_with_offer__bad_terms__revert(world, fund, offer, escrow, field, value, reason):
    fund()
    client_id = world.client_id
    overrides = {field: value}
    if field == "client_id":
        client_id = value
    o, v, r, s = offer(**overrides)
    with boa.env.prank(world.client_op), boa.reverts(reason):
        world.offers.hire_with_offer(o, client_id, v, r, s)


def test_hire_with_offer__bounds_accepted(world, fund, offer, escrow):
    fund(amount=200 * PRICE)
    o, v, r, s = offer(delivery_time=YEAR, price=1)
    with boa.env.prank(world.client_op):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)


def test_hire__too_many_jobs_of_a_pair_in_one_block__reverts(world, fund, create_listing, escrow):
    fund(amount=PRICE)
    lid = create_listing(price=1)
    info = world.listings.hire_info(lid)
    base = (now() << 136) | (world.client_id << 64) | world.provider_id
    for ordinal in range(256):
        poke(escrow, "_job_a", 1, base + (ordinal << 128))
    with boa.env.prank(world.principal), boa.reverts("escrow: too many jobs in block"):
        escrow.hire(lid, world.client_id, info.token, info.price, info.version)
    poke(escrow, "_job_a", 0, base + (255 << 128))
    with boa.env.prank(world.principal):
        job_id = escrow.hire(lid, world.client_id, info.token, info.price, info.version)
    assert job_id == base + (255 << 128)


def test_hire__same_pair_same_block__distinct_ids(world, fund, create_listing, hire, escrow):
    fund()
    lid = create_listing()
    first, second = hire(lid), hire(lid)
    assert second == first + (1 << 128)
    assert escrow.job_parties(second) == (now(), world.client_id, world.provider_id)


# ---------------------------------------------------------------- listings


def test_listings__create_reverts(world, listings):
    token = world.token.address
    cases = [
        ((MAX_U64 + 1, TAG, token, PRICE, DELIVERY_TIME), "listings: bad provider"),
        ((world.provider_id, TAG, ZERO, PRICE, DELIVERY_TIME), "listings: no token"),
        ((world.provider_id, TAG, token, MAX_U128 + 1, DELIVERY_TIME), "listings: price too large"),
        ((world.provider_id, TAG, token, PRICE, 2**32), "listings: delivery time too long"),
    ]
    for args, reason in cases:
        with boa.env.prank(world.provider_op), boa.reverts(reason):
            listings.create_listing(*args, TERMS, "u")
    with boa.env.prank(world.provider_op):  # the bounds themselves
        listings.create_listing(world.provider_id, TAG, token, MAX_U128, 2**32 - 1, TERMS, "u")


def test_listings__too_many_edits__reverts(world, listings, create_listing):
    lid = create_listing()
    meta = peek(listings, "_meta", lid)
    version_mask = (2**32 - 1) << 128
    poke(listings, "_meta", (meta & ~version_mask) | ((2**32 - 1) << 128), lid)
    with boa.env.prank(world.provider_op):
        with boa.reverts("listings: too many edits"):
            listings.update_listing(lid, world.token.address, PRICE, DELIVERY_TIME, TERMS, "u")
        with boa.reverts("listings: too many edits"):
            listings.pause_listing(lid)


# ------------------------------------------------------------ completeness


def _strings(contract: str, prefix: str) -> set[str]:
    text = (CONTRACTS / f"{contract}.vy").read_text()
    return set(re.findall(rf'"({prefix}: [^"]+)"', text))


@pytest.mark.parametrize(
    ("contract", "prefix"),
    [
        ("JobEscrow", "escrow"),
        ("EscrowGovernor", "governor"),
        ("ServiceListings", "listings"),
        ("OfferBook", "offers"),
    ],
)
def test_every_revert_string_is_tested(contract, prefix):
    tests = "".join(
        p.read_text() for p in Path(__file__).parent.glob("test_*.py") if p != Path(__file__)
    )
    tests += (
        Path(__file__)
        .read_text()
        .split("# ------------------------------------------------------------ completeness")[0]
    )
    missing = sorted(s for s in _strings(contract, prefix) if f'"{s}"' not in tests)
    assert not missing, f"revert strings without a test: {missing}"
    unmapped = sorted(s for s in _strings(contract, prefix) if s not in REVERT_CLASSES)
    assert not unmapped, f"revert strings without a class in agentmarket.reverts: {unmapped}"

"""ServiceListings: a listing's evaluator (`set_listing_evaluator`): set,
replace, remove; versions, event, `hire_info` and `listing`; reverts; the
hire that names it on the job; edits, pause, resume, close and moves in the
active arrays keep it."""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .helpers import (
    DELIVERY_TIME,
    L_ACTIVE,
    L_CLOSED,
    L_PAUSED,
    PRICE,
    REQUESTED,
    TAG,
    TERMS,
    ZERO,
)

EVAL_BPS = 500


@pytest.fixture(scope="module")
def evaluator(keyed: Any) -> str:
    return str(keyed("evaluator").address)


@pytest.fixture(scope="module")
def second_evaluator(keyed: Any) -> str:
    return str(keyed("second_evaluator").address)


def _set(world, lid: int, who: str, fee_bps: int, sender: str | None = None) -> Any:
    """Set the listing's evaluator; returns the logged ListingEvaluatorSet."""
    with boa.env.prank(sender or world.provider_op):
        world.listings.set_listing_evaluator(lid, who, fee_bps)
    (event,) = world.listings.get_logs()
    assert type(event).__name__ == "ListingEvaluatorSet"
    return event


def _shows(world, lid: int, who: str, fee_bps: int, version: int) -> None:
    info = world.listings.hire_info(lid)
    assert (info.evaluator, info.evaluator_fee_bps, info.version) == (who, fee_bps, version)
    listing = world.listings.listing(lid)
    assert (listing.evaluator, listing.evaluator_fee_bps, listing.version) == (
        who,
        fee_bps,
        version,
    )


# ------------------------------------------------------------- set / replace / remove


def test_new_listing__no_evaluator(world, create_listing):
    lid = create_listing()
    _shows(world, lid, ZERO, 0, 1)


def test_set_replace_remove__versions_event_views(
    world, create_listing, evaluator, second_evaluator
):
    lid = create_listing()
    event = _set(world, lid, evaluator, EVAL_BPS)
    assert (event.listing_id, event.provider_id, event.evaluator) == (
        lid,
        world.provider_id,
        evaluator,
    )
    assert (event.fee_bps, event.version) == (EVAL_BPS, 2)
    _shows(world, lid, evaluator, EVAL_BPS, 2)

    event = _set(world, lid, second_evaluator, 1_000)
    assert (event.evaluator, event.fee_bps, event.version) == (second_evaluator, 1_000, 3)
    _shows(world, lid, second_evaluator, 1_000, 3)

    event = _set(world, lid, ZERO, 0)
    assert (event.evaluator, event.fee_bps, event.version) == (ZERO, 0, 4)
    _shows(world, lid, ZERO, 0, 4)

    # Naming one again after its removal works; the rest of the listing
    # never changed.
    _set(world, lid, evaluator, 0)
    _shows(world, lid, evaluator, 0, 5)
    listing = world.listings.listing(lid)
    assert (listing.provider_id, listing.tag, listing.token, listing.price) == (
        world.provider_id,
        TAG,
        world.token.address,
        PRICE,
    )
    assert (listing.max_delivery_time, listing.terms_hash, listing.state) == (
        DELIVERY_TIME,
        TERMS,
        L_ACTIVE,
    )


def test_set__by_principal_or_operator(world, create_listing, evaluator):
    lid = create_listing()
    _set(world, lid, evaluator, 1, sender=world.other_principal)
    _shows(world, lid, evaluator, 1, 2)
    _set(world, lid, evaluator, 2, sender=world.provider_op)
    _shows(world, lid, evaluator, 2, 3)


def test_set__fee_bounds(world, create_listing, evaluator):
    lid = create_listing()
    _set(world, lid, evaluator, 0)
    _set(world, lid, evaluator, 1_000)
    with boa.env.prank(world.provider_op), boa.reverts("listings: evaluator fee above cap"):
        world.listings.set_listing_evaluator(lid, evaluator, 1_001)
    _shows(world, lid, evaluator, 1_000, 3)


def test_set__paused_listing(world, create_listing, evaluator):
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        world.listings.pause_listing(lid)
    _set(world, lid, evaluator, EVAL_BPS)
    _shows(world, lid, evaluator, EVAL_BPS, 3)
    assert world.listings.listing(lid).state == L_PAUSED
    assert not world.listings.hire_info(lid).active


# -------------------------------------------------------------------- reverts


def test_set__stranger__reverts(world, create_listing, evaluator, attacker):
    lid = create_listing()
    for who in (attacker, world.principal, world.client_op, evaluator):
        with boa.env.prank(who), boa.reverts("listings: not provider"):
            world.listings.set_listing_evaluator(lid, evaluator, EVAL_BPS)
    _shows(world, lid, ZERO, 0, 1)


def test_set__frozen_provider__operator_refused_principal_may(world, create_listing, evaluator):
    lid = create_listing()
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    with boa.env.prank(world.provider_op), boa.reverts("listings: agent frozen"):
        world.listings.set_listing_evaluator(lid, evaluator, EVAL_BPS)
    _set(world, lid, evaluator, EVAL_BPS, sender=world.other_principal)


def test_set__closed_or_unknown_listing__reverts(world, create_listing, evaluator):
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        world.listings.close_listing(lid)
        with boa.reverts("listings: not open"):
            world.listings.set_listing_evaluator(lid, evaluator, EVAL_BPS)
        with boa.reverts("listings: not open"):
            world.listings.set_listing_evaluator(lid + 1, evaluator, EVAL_BPS)


def test_set__fee_above_cap__reverts(world, create_listing, evaluator):
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        for fee in (1_001, 10_000, 2**256 - 1):
            with boa.reverts("listings: evaluator fee above cap"):
                world.listings.set_listing_evaluator(lid, evaluator, fee)
    _shows(world, lid, ZERO, 0, 1)


def test_set__fee_without_evaluator__reverts(world, create_listing, evaluator):
    lid = create_listing()
    _set(world, lid, evaluator, EVAL_BPS)
    with boa.env.prank(world.provider_op):
        for fee in (1, EVAL_BPS, 1_000):
            with boa.reverts("listings: fee without evaluator"):
                world.listings.set_listing_evaluator(lid, ZERO, fee)
    _shows(world, lid, evaluator, EVAL_BPS, 2)


@pytest.mark.parametrize("party", ["provider_principal", "provider_operator"])
def test_set__evaluator_is_provider__reverts(world, create_listing, evaluator, party):
    lid = create_listing()
    who = world.other_principal if party == "provider_principal" else world.provider_op
    for sender in (world.other_principal, world.provider_op):
        with boa.env.prank(sender), boa.reverts("listings: evaluator is a party"):
            world.listings.set_listing_evaluator(lid, who, EVAL_BPS)
    _shows(world, lid, ZERO, 0, 1)


# ---------------------------------------------------------------------- hire


def test_hire__old_version_after_setting__listing_changed(
    world, fund, create_listing, hire, escrow, evaluator
):
    fund(amount=PRICE)
    lid = create_listing()
    old = world.listings.hire_info(lid)
    _set(world, lid, evaluator, EVAL_BPS)
    with boa.env.prank(world.client_op), boa.reverts("escrow: listing changed"):
        escrow.hire(lid, world.client_id, old.token, old.price, old.version)
    # Removing it bumps the version again: the first quote stays void.
    _set(world, lid, ZERO, 0)
    with boa.env.prank(world.client_op), boa.reverts("escrow: listing changed"):
        escrow.hire(lid, world.client_id, old.token, old.price, old.version)
    job_id = hire(lid)
    assert escrow.evaluator_of(job_id) == (ZERO, 0)


def test_hire__names_listing_evaluator(world, fund, create_listing, hire, escrow, evaluator):
    fund(amount=PRICE)
    lid = create_listing()
    _set(world, lid, evaluator, EVAL_BPS)
    job_id = hire(lid)
    logs = escrow.get_logs()
    assert [type(e).__name__ for e in logs] == ["JobCreated", "EvaluatorNamed"]
    created, named = logs
    assert (created.job_id, created.listing_id) == (job_id, lid)
    assert (named.job_id, named.evaluator, named.fee_bps) == (job_id, evaluator, EVAL_BPS)
    assert escrow.evaluator_of(job_id) == (evaluator, EVAL_BPS)
    assert escrow.job(job_id).status == REQUESTED


def test_hire__removed_evaluator__names_nobody(
    world, fund, create_listing, hire, escrow, evaluator
):
    fund(amount=PRICE)
    lid = create_listing()
    _set(world, lid, evaluator, EVAL_BPS)
    _set(world, lid, ZERO, 0)
    job_id = hire(lid)
    assert [type(e).__name__ for e in escrow.get_logs()] == ["JobCreated"]
    assert escrow.evaluator_of(job_id) == (ZERO, 0)


def test_hire__job_keeps_its_evaluator_after_listing_changes(
    world, fund, create_listing, hire, escrow, evaluator, second_evaluator
):
    """The job's evaluator is fixed at hire; later listing edits name the
    evaluator of later jobs only."""
    fund(amount=2 * PRICE)
    lid = create_listing()
    _set(world, lid, evaluator, EVAL_BPS)
    first = hire(lid)
    _set(world, lid, second_evaluator, 1_000)
    second = hire(lid)
    _set(world, lid, ZERO, 0)
    assert escrow.evaluator_of(first) == (evaluator, EVAL_BPS)
    assert escrow.evaluator_of(second) == (second_evaluator, 1_000)


# ------------------------------------------------------ other edits keep it


def test_pause_resume_update_close__keep_evaluator(
    world, fund, create_listing, hire, escrow, evaluator
):
    fund(amount=2 * PRICE)
    lid = create_listing()
    _set(world, lid, evaluator, EVAL_BPS)
    listings = world.listings
    with boa.env.prank(world.provider_op):
        listings.pause_listing(lid)
    _shows(world, lid, evaluator, EVAL_BPS, 3)
    with boa.env.prank(world.provider_op):
        listings.resume_listing(lid)
    _shows(world, lid, evaluator, EVAL_BPS, 4)
    with boa.env.prank(world.provider_op):
        listings.update_listing(lid, world.token.address, 2 * PRICE, 60, TERMS, "ipfs://new")
    _shows(world, lid, evaluator, EVAL_BPS, 5)
    assert listings.hire_info(lid).price == 2 * PRICE
    job_id = hire(lid)
    assert escrow.evaluator_of(job_id) == (evaluator, EVAL_BPS)
    with boa.env.prank(world.provider_op):
        listings.close_listing(lid)
    _shows(world, lid, evaluator, EVAL_BPS, 6)
    assert listings.listing(lid).state == L_CLOSED


def test_swap_and_pop__moved_listing_keeps_evaluator(
    world, fund, create_listing, hire, escrow, evaluator
):
    """Pausing or closing one listing moves the last of its tag and provider
    arrays into its place (rewriting the moved listing's positions): the
    moved listing keeps its evaluator."""
    fund(amount=PRICE)
    first, middle, last = (create_listing() for _ in range(3))
    _set(world, last, evaluator, EVAL_BPS)
    with boa.env.prank(world.provider_op):
        world.listings.pause_listing(first)
        world.listings.close_listing(middle)
    _shows(world, last, evaluator, EVAL_BPS, 2)
    assert list(world.listings.active_by_tag(TAG, 0, 100)) == [last]
    job_id = hire(last)
    assert escrow.evaluator_of(job_id) == (evaluator, EVAL_BPS)

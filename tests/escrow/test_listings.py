"""ServiceListings: lifecycle, versions, auth, paginated active views."""

from __future__ import annotations

import boa

from .helpers import DELIVERY_TIME, L_ACTIVE, L_CLOSED, L_PAUSED, PRICE, TAG, TERMS

OTHER_TAG = b"summarise".ljust(32, b"\0")


def test_create__stored_and_versioned(world, create_listing):
    lid = create_listing()
    listing = world.listings.listing(lid)
    assert (listing.provider_id, listing.tag, listing.price) == (world.provider_id, TAG, PRICE)
    assert (listing.version, listing.state, listing.terms_hash) == (1, L_ACTIVE, TERMS)
    info = world.listings.hire_info(lid)
    assert info.active and info.max_delivery_time == DELIVERY_TIME


def test_create__reverts(world, create_listing, attacker):
    with boa.reverts("listings: not provider"):
        create_listing(sender=attacker)
    with boa.reverts("listings: zero price"):
        create_listing(price=0)
    with boa.reverts("listings: zero delivery time"):
        create_listing(delivery=0)
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    with boa.reverts("listings: agent frozen"):
        create_listing()
    create_listing(sender=world.other_principal)  # the principal still may


def test_pause_resume_close__versions_and_no_reopen(world, create_listing):
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        world.listings.pause_listing(lid)
        assert world.listings.listing(lid).state == L_PAUSED
        with boa.reverts("listings: not active"):
            world.listings.pause_listing(lid)
        world.listings.resume_listing(lid)
        world.listings.close_listing(lid)
        listing = world.listings.listing(lid)
        assert (listing.state, listing.version) == (L_CLOSED, 4)
        with boa.reverts("listings: not paused"):
            world.listings.resume_listing(lid)
        with boa.reverts("listings: not open"):
            world.listings.update_listing(lid, world.token.address, PRICE, 1, TERMS, "u")


def test_active_views__swap_and_pop_and_pages(world, create_listing):
    ids = [create_listing(tag=TAG if i % 2 == 0 else OTHER_TAG) for i in range(6)]
    tagged = [i for n, i in enumerate(ids) if n % 2 == 0]
    assert list(world.listings.active_by_tag(TAG, 0, 100)) == tagged
    assert list(world.listings.active_by_provider(world.provider_id, 2, 2)) == ids[2:4]
    with boa.env.prank(world.provider_op):
        world.listings.close_listing(ids[0])
        world.listings.pause_listing(ids[3])
    assert sorted(world.listings.active_by_tag(TAG, 0, 100)) == sorted(tagged[1:])
    provider_page = world.listings.active_by_provider(world.provider_id, 0, 100)
    assert sorted(provider_page) == sorted(set(ids) - {ids[0], ids[3]})
    assert world.listings.active_count_by_tag(OTHER_TAG) == 2
    assert list(world.listings.active_by_tag(TAG, 5, 10)) == []
    with boa.reverts("listings: page too large"):
        world.listings.active_by_tag(TAG, 0, 101)


def test_guardian_pauses_creation_only(world, create_listing, attacker):
    lid = create_listing()
    with boa.env.prank(attacker), boa.reverts("listings: not guardian"):
        world.listings.pause()
    with boa.env.prank(world.guardian):
        world.listings.pause()
    with boa.reverts("pausable: contract is paused"):
        create_listing()
    with boa.env.prank(world.provider_op):
        world.listings.update_listing(lid, world.token.address, 2 * PRICE, 5, TERMS, "u")
        world.listings.close_listing(lid)


def test_create__odd_provider_id__round_trips(world, create_listing):
    # The provider id is packed at bits 160-223 of a listing's core word; an
    # odd id shows a mask narrowed by its low bit (the sibling, 2**63 + 1, also
    # sets the field's top bit).
    assert world.sibling_id % 2 == 1
    listing_id = create_listing(provider_id=world.sibling_id, sender=world.principal)
    assert world.listings.listing(listing_id).provider_id == world.sibling_id
    assert world.listings.hire_info(listing_id).provider_id == world.sibling_id
    assert listing_id in list(world.listings.active_by_provider(world.sibling_id, 0, 100))
    with boa.env.prank(world.principal):
        world.listings.close_listing(listing_id)
    assert world.listings.listing(listing_id).provider_id == world.sibling_id


def test_create__provider_id_bounds(world):
    # 2**64 - 1 (every bit of the field set; the world's provider) passes the
    # width check and is refused only because the caller does not act for it;
    # 2**64 does not fit.
    args = (TAG, world.token.address, PRICE, DELIVERY_TIME, TERMS, "ipfs://terms")
    with boa.env.prank(world.principal), boa.reverts("listings: bad provider"):
        world.listings.create_listing(2**64, *args)
    with boa.env.prank(world.principal), boa.reverts("listings: not provider"):
        world.listings.create_listing(2**64 - 1, *args)

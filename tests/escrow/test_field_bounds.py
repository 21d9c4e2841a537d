"""Packed fields at their bounds (issue 21): the escrow takes every id and time
the registry and the chain can produce, and keeps each in full.

The world's agents already sit at the top of the id field (the provider is
2**64 - 1, the client 2**64 - 3, both odd); these tests take the other side
of each bound: the top id as the *client*, and a spending window opened at a
time that needs all 64 bits of its field. Beside the escrow: the OfferBook's
nonce bitmap past its first word, and a listing's version at its 32-bit top.
"""

from __future__ import annotations

import boa

from .helpers import (
    ACCEPT_WINDOW,
    COMPLETED,
    FEE_BPS,
    PRICE,
    REQUESTED,
    RESULT,
    now,
    storage_slot,
)

TOP_ID = 2**64 - 1


def test_hire__client_at_the_top_id__job_ids_and_ledger_exact(
    world, fund, create_listing, hire, escrow
):
    # The provider agent (id 2**64 - 1) hires the sibling (id 2**63 + 1).
    assert world.provider_id == TOP_ID
    fund(agent_id=TOP_ID, amount=3 * PRICE)
    lid = create_listing(provider_id=world.sibling_id, sender=world.principal)
    job_id = hire(lid, client_id=TOP_ID, sender=world.other_principal)

    job = escrow.job(job_id)
    assert (job.client_id, job.provider_id, job.status) == (TOP_ID, world.sibling_id, REQUESTED)
    assert escrow.job_parties(job_id) == (now(), TOP_ID, world.sibling_id)
    assert job.deadline == now() + ACCEPT_WINDOW
    assert escrow.balance_of(TOP_ID, world.token.address) == 2 * PRICE

    with boa.env.prank(world.principal):
        escrow.accept(job_id)
        escrow.deliver(job_id, RESULT, "ipfs://result")
    with boa.env.prank(world.other_principal):
        escrow.complete(job_id)
    assert escrow.job(job_id).status == COMPLETED
    fee = PRICE * FEE_BPS // 10_000
    assert escrow.balance_of(world.sibling_id, world.token.address) == PRICE - fee
    assert escrow.balance_of(TOP_ID, world.token.address) == 2 * PRICE


def test_spent__a_window_opened_past_2_63__keeps_its_start_and_the_cap(
    world, fund, create_listing, hire, escrow
):
    # The spending window's start has 64 bits (the EVM's timestamp width): a
    # start that lost its top bit would look long expired and reopen the cap.
    fund(amount=40 * PRICE)
    lid = create_listing(price=10 * PRICE)  # the per-job cap; the period's is 25
    start = 2**63 + 12_345
    boa.env.evm.patch.timestamp = start
    hire(lid)
    boa.env.evm.patch.timestamp = start + 1
    hire(lid)
    assert escrow.spent(world.client_id, world.token.address) == (start, 20 * PRICE)
    boa.env.evm.patch.timestamp = start + 2
    with boa.reverts("escrow: over period cap"):
        hire(lid)
    assert escrow.spent(world.client_id, world.token.address) == (start, 20 * PRICE)


def test_nonce_used__nonces_past_the_first_bitmap_word__each_its_own_bit(world):
    # 256 nonces share a bitmap word: the view must pick word nonce >> 8 and
    # bit nonce & 255, so nonces far apart never answer for each other
    used = [255, 256, 263, 2**64 + 7, 2**256 - 1]
    with boa.env.prank(world.other_principal):
        for nonce in used:
            world.offers.cancel_offer_nonce(world.provider_id, nonce)
    for nonce in used:
        assert world.offers.nonce_used(world.provider_id, nonce), nonce
    for nonce in (0, 7, 254, 257, 519, 2**64 + 6, 2**256 - 2):
        assert not world.offers.nonce_used(world.provider_id, nonce), nonce


def test_update_listing__version_at_its_32_bit_top__one_more_edit_then_refused(
    world, create_listing
):
    # a listing's version is 32 bits of its meta word (from bit 128); plant it
    # two edits below the top instead of editing four billion times
    lid = create_listing()
    slot = storage_slot(world.listings, "_meta", lid)
    meta = boa.env.evm.get_storage(world.listings.address, slot)
    top = 2**32 - 1
    planted = (meta & ~(top << 128)) | ((top - 1) << 128)
    boa.env.evm.set_storage(world.listings.address, slot, planted)
    assert world.listings.hire_info(lid).version == top - 1

    with boa.env.prank(world.provider_op):
        world.listings.update_listing(lid, world.token.address, 2 * PRICE, 5, b"\x33" * 32, "u")
        assert world.listings.hire_info(lid).version == top
        with boa.reverts("listings: too many edits"):
            world.listings.update_listing(lid, world.token.address, PRICE, 5, b"\x33" * 32, "u")
    info = world.listings.hire_info(lid)
    assert (info.version, info.price) == (top, 2 * PRICE)

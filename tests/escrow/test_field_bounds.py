"""Packed fields at their bounds (issue 21): the escrow takes every id and time
the registry and the chain can produce, and keeps each in full.

The world's agents already sit at the top of the id field (the provider is
2**64 - 1, the client 2**64 - 3, both odd); these tests take the other side
of each bound: the top id as the *client*, and a spending window opened at a
time that needs all 64 bits of its field.
"""

from __future__ import annotations

import boa

from .helpers import ACCEPT_WINDOW, COMPLETED, FEE_BPS, PRICE, REQUESTED, RESULT, now

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

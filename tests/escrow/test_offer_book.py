"""The OfferBook: hires from providers' signed EIP-712 offers, checked here
(expiry, client, nonce, signature recovery) and opened by the escrow through
its `hire_offered` hook, which only the book fixed in its constructor may
call. The offer rules themselves (expiry at -1/0, wrong client, cancelled
and replayed nonces, high-s, other chain and other book) are in
`test_escrow_life.py` and `test_evaluator.py`; this file holds the wiring,
the hook's guard, the nonce cancellation and the book's domain."""

from __future__ import annotations

import boa
import pytest

from .conftest import load
from .helpers import ACCEPTED, PRICE, ZERO


def test_wiring__escrow_and_book_name_each_other(world, escrow):
    assert escrow.OFFERS() == world.offers.address
    assert world.offers.ESCROW() == escrow.address
    assert world.offers.REGISTRY() == world.registry.address


def test_constructor__empty_links__revert(world):
    for links in ((ZERO, world.registry.address), (world.escrow.address, ZERO)):
        with boa.reverts("offers: empty link"):
            load("OfferBook", *links)


def test_domain__is_the_books_own(world):
    fields, name, version, chain_id, address, salt, extensions = world.offers.eip712Domain()
    assert (bytes(fields), name, version) == (b"\x0f", "AgentMarket Offers", "1")
    assert (chain_id, address) == (boa.env.evm.patch.chain_id, world.offers.address)
    assert salt == b"\x00" * 32 and list(extensions) == []


@pytest.mark.parametrize("caller", ["client_op", "provider_op", "attacker", "escrow"])
def test_hire_offered__only_the_book__reverts_for_anyone_else(world, fund, offer, caller):
    """The hook opens a job for whatever signer it is told: only the book,
    which recovered it, may call it."""
    fund()
    o, _, _, _ = offer()
    who = {
        "client_op": world.client_op,
        "provider_op": world.provider_op,
        "attacker": str(boa.env.generate_address("attacker")),
        "escrow": world.escrow.address,
    }[caller]
    free = world.escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(who), boa.reverts("escrow: not offers"):
        world.escrow.hire_offered(o, world.client_id, world.provider_op, world.client_op)
    assert world.escrow.balance_of(world.client_id, world.token.address) == free


def test_hire__through_the_book__the_caller_is_the_client_side(world, fund, offer, escrow):
    """The book passes on who sent the hire: the client's operator is charged
    to the client under its caps; the provider's own key cannot hire for
    the client ("escrow: not client")."""
    fund()
    o, v, r, s = offer(nonce=11)
    with boa.env.prank(world.provider_op), boa.reverts("escrow: not client"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    assert not world.offers.nonce_used(world.provider_id, 11)  # the revert spent nothing
    free = escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(world.client_op):
        job_id = world.offers.hire_with_offer(o, world.client_id, v, r, s)
    assert escrow.job(job_id).status == ACCEPTED
    assert escrow.balance_of(world.client_id, world.token.address) == free - PRICE
    assert world.offers.nonce_used(world.provider_id, 11)


def test_cancel_nonce__provider_keys_only(world, offer, fund):
    fund()
    for who in (world.client_op, world.principal, str(boa.env.generate_address("x"))):
        with boa.env.prank(who), boa.reverts("offers: not provider"):
            world.offers.cancel_offer_nonce(world.provider_id, 21)
    with boa.env.prank(world.other_principal):
        world.offers.cancel_offer_nonce(world.provider_id, 21)
    (event,) = world.offers.get_logs()
    assert (event.provider_id, event.nonce) == (world.provider_id, 21)
    assert world.offers.nonce_used(world.provider_id, 21)
    with boa.env.prank(world.provider_op), boa.reverts("offers: nonce used"):
        world.offers.cancel_offer_nonce(world.provider_id, 21)
    o, v, r, s = offer(nonce=21)
    with boa.env.prank(world.client_op), boa.reverts("offers: nonce used"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)


def test_cancel_nonce__frozen_agent__operator_refused_principal_not(world):
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    try:
        with boa.env.prank(world.provider_op), boa.reverts("offers: agent frozen"):
            world.offers.cancel_offer_nonce(world.provider_id, 31)
        with boa.env.prank(world.other_principal):
            world.offers.cancel_offer_nonce(world.provider_id, 31)
        assert world.offers.nonce_used(world.provider_id, 31)
    finally:
        with boa.env.prank(world.other_principal):
            world.registry.unfreeze(world.provider_id)


def test_escrow_without_book__takes_no_offers(deploy_escrow):
    """An escrow deployed with no OfferBook (OFFERS empty): nobody, not even
    the empty address, can call its hook."""
    other = deploy_escrow()
    assert other.OFFERS() == ZERO
    offer = (1, 2, ZERO, 1, 60, b"\x00" * 32, ZERO, 0, 1, 2**40)
    with boa.reverts("escrow: not offers"):
        other.hire_offered(offer, 2, ZERO, ZERO)

"""Vouchers on chain and in the provider's off-chain verifier: replayed,
reordered, forged, over the deposit, for another tab, from a rotated-out
operator or one rotated in later, by the principal (refused unless it is the
tab's key); and the close racing a redemption. Each case is checked against
the contract and against `VoucherVerifier`, which must agree with it. The
agent changing hands is in `test_tabs_transfer.py`."""

from __future__ import annotations

import boa
import pytest
from escrow.helpers import PRICE, ZERO, set_wallet

from agentmarket.contracts.tabs import (
    SECP256K1_N,
    SignedVoucher,
    Voucher,
    VoucherRejectedError,
    VoucherSigner,
    VoucherVerifier,
    domain_separator,
    recover_signer,
    sign_voucher,
    sign_voucher_typed,
    voucher_digest,
)

from .conftest import DELAY, redeem


def chain_id() -> int:
    return int(boa.env.evm.patch.chain_id)


def verifier_for(world, tab_id) -> VoucherVerifier:
    t = world.tabs.tab(tab_id)
    return VoucherVerifier(tab_id, chain_id(), str(world.tabs.address), t.signer, t.deposit)


# ----------------------------------------------------------------- digests


def test_digest__matches_contract_and_typed_data(world, tabs, open_tab):
    tab_id = open_tab()
    sep = domain_separator(chain_id(), str(tabs.address))
    for amount in (0, 1, PRICE, 2**96 - 1):
        assert voucher_digest(Voucher(tab_id, amount), sep) == tabs.voucher_digest(tab_id, amount)
    fast = sign_voucher(world.client_key, Voucher(tab_id, 5), chain_id(), str(tabs.address))
    slow = sign_voucher_typed(world.client_key, Voucher(tab_id, 5), chain_id(), str(tabs.address))
    assert fast == slow


def test_signed_voucher__json_round_trip(world, sign, open_tab):
    signed = sign(open_tab(), 42)
    assert SignedVoucher.from_json(signed.to_json()) == signed
    with pytest.raises(ValueError):
        SignedVoucher.from_json("[]")
    with pytest.raises(ValueError):
        SignedVoucher.from_json('{"tab_id": "0x1"}')


# ---------------------------------------------------------------- accepted


def test_operator_vouchers__accepted_in_order(world, tabs, open_tab, sign):
    tab_id = open_tab()
    verifier = verifier_for(world, tab_id)
    for cumulative in (10, 20, 35):
        assert verifier.accept(sign(tab_id, cumulative)) > 0
    redeem(tabs, verifier.latest, sender=world.provider_op)
    assert tabs.tab(tab_id).redeemed == 35


def test_principal_voucher__tab_key_is_principal__accepted(
    world, tabs, registry, open_tab, sign, principal_key
):
    with boa.env.prank(world.principal):
        registry.unsetAgentWallet(world.client_id)
    tab_id = open_tab(sender=world.principal)
    assert tabs.tab(tab_id).signer == world.principal
    signed = sign(tab_id, 50, key=principal_key)
    assert verifier_for(world, tab_id).accept(signed) == 50
    redeem(tabs, signed)
    assert tabs.tab(tab_id).redeemed == 50


def test_principal_voucher__tab_key_is_operator__refused(
    world, tabs, open_tab, sign, principal_key
):
    """Only the tab's key signs: the principal is no fallback, so that nothing
    at redemption depends on who owns the client (a transfer cannot void)."""
    for sender in (world.client_op, world.principal):  # the key is the operator either way
        tab_id = open_tab(sender=sender)
        assert tabs.tab(tab_id).signer == world.client_op
        signed = sign(tab_id, 50, key=principal_key)
        with pytest.raises(VoucherRejectedError, match="not the tab's"):
            verifier_for(world, tab_id).accept(signed)
        with boa.reverts("tabs: bad signature"):
            redeem(tabs, signed)
        assert tabs.tab(tab_id).redeemed == 0


# ---------------------------------------------------------------- refused


def test_replayed__refused(world, tabs, open_tab, sign):
    tab_id = open_tab()
    signed = sign(tab_id, 100)
    verifier = verifier_for(world, tab_id)
    verifier.accept(signed)
    with pytest.raises(VoucherRejectedError, match="not above"):
        verifier.accept(signed)
    redeem(tabs, signed)
    with boa.reverts("tabs: not above redeemed"):
        redeem(tabs, signed)


def test_reordered__older_refused_after_newer(world, tabs, open_tab, sign):
    tab_id = open_tab()
    older, newer = sign(tab_id, 100), sign(tab_id, 200)
    verifier = verifier_for(world, tab_id)
    verifier.accept(newer)
    with pytest.raises(VoucherRejectedError):
        verifier.accept(older)
    redeem(tabs, newer)
    with boa.reverts("tabs: not above redeemed"):
        redeem(tabs, older)
    assert tabs.redeem_many([older.as_tuple()]) == 0  # a batch skips it
    assert tabs.tab(tab_id).redeemed == 200


def test_over_deposit__refused(world, tabs, open_tab, sign):
    tab_id = open_tab(amount=PRICE)
    signed = sign(tab_id, PRICE + 1)
    with pytest.raises(VoucherRejectedError, match="deposit"):
        verifier_for(world, tab_id).accept(signed)
    with boa.reverts("tabs: above deposit"):
        redeem(tabs, signed)


def test_over_deposit__valid_after_top_up(world, tabs, open_tab, sign, fund):
    tab_id = open_tab(amount=PRICE)
    signed = sign(tab_id, PRICE + 1)
    verifier = verifier_for(world, tab_id)
    fund()
    with boa.env.prank(world.client_op):
        tabs.top_up(tab_id, PRICE)
    verifier.top_up(tabs.tab(tab_id).deposit)
    assert verifier.accept(signed) == PRICE + 1
    redeem(tabs, signed)


def test_forged__stranger_key__refused(world, tabs, open_tab, sign, keyed):
    tab_id = open_tab()
    forged = sign(tab_id, 100, key=keyed("attacker"))
    with pytest.raises(VoucherRejectedError, match="not the tab's"):
        verifier_for(world, tab_id).accept(forged)
    with boa.reverts("tabs: bad signature"):
        redeem(tabs, forged)


def test_forged__provider_key__refused(world, tabs, open_tab, sign, provider_operator):
    tab_id = open_tab()
    forged = sign(tab_id, 100, key=provider_operator)
    with boa.reverts("tabs: bad signature"):
        redeem(tabs, forged)


def test_forged__amount_changed__refused(world, tabs, open_tab, sign):
    tab_id = open_tab()
    good = sign(tab_id, 100)
    tampered = SignedVoucher(Voucher(tab_id, 1_000), good.v, good.r, good.s)
    with pytest.raises(VoucherRejectedError):
        verifier_for(world, tab_id).accept(tampered)
    with boa.reverts():  # recovers some other address, or none
        redeem(tabs, tampered)


def test_forged__high_s__refused(world, tabs, open_tab, sign):
    tab_id = open_tab()
    good = sign(tab_id, 100)
    flipped = SignedVoucher(good.voucher, 55 - good.v, good.r, SECP256K1_N - good.s)
    with pytest.raises(VoucherRejectedError, match="bad signature"):
        verifier_for(world, tab_id).accept(flipped)
    with boa.reverts("ecdsa: invalid signature `s` value"):
        redeem(tabs, flipped)


def test_forged__garbage_signature__refused(world, tabs, open_tab):
    tab_id = open_tab()
    garbage = SignedVoucher(Voucher(tab_id, 100), 27, 0, 1)
    with pytest.raises(VoucherRejectedError):
        verifier_for(world, tab_id).accept(garbage)
    with pytest.raises(VoucherRejectedError):
        recover_signer(SignedVoucher(Voucher(tab_id, 100), 29, 1, 1), b"\0" * 32)
    with boa.reverts():
        redeem(tabs, garbage)


def test_another_tab__refused(world, tabs, open_tab, sign):
    mine, other = open_tab(), open_tab()
    signed = sign(other, 100)
    moved = SignedVoucher(Voucher(mine, 100), signed.v, signed.r, signed.s)
    with pytest.raises(VoucherRejectedError, match="another tab"):
        verifier_for(world, mine).accept(signed)
    with pytest.raises(VoucherRejectedError):
        verifier_for(world, mine).accept(moved)
    with boa.reverts("tabs: bad signature"):
        redeem(tabs, moved)


def test_another_chain_or_contract__refused(world, tabs, open_tab):
    tab_id = open_tab()
    for chain, contract in (
        (chain_id() + 1, str(tabs.address)),
        (chain_id(), world.escrow.address),
    ):
        signed = sign_voucher(world.client_key, Voucher(tab_id, 100), chain, str(contract))
        with pytest.raises(VoucherRejectedError):
            verifier_for(world, tab_id).accept(signed)
        with boa.reverts("tabs: bad signature"):
            redeem(tabs, signed)


# ---------------------------------------------------------- operator rotation


def test_rotated_out_after_opening__vouchers_stay_valid(world, tabs, open_tab, sign, keyed):
    """Provider safety: the client cannot void held vouchers by rotating its operator."""
    tab_id = open_tab()
    held = sign(tab_id, 300)
    verifier = verifier_for(world, tab_id)
    verifier.accept(held)
    set_wallet(world.registry, world.client_id, world.principal, keyed("new_operator"))
    redeem(tabs, held, sender=world.provider_op)
    assert tabs.tab(tab_id).redeemed == 300
    # ...and the old key may keep signing on this tab (it is the tab's key).
    redeem(tabs, sign(tab_id, 400))


def test_rotated_in_later__refused(world, tabs, open_tab, sign, keyed):
    tab_id = open_tab()
    newcomer = keyed("new_operator")
    set_wallet(world.registry, world.client_id, world.principal, newcomer)
    signed = sign(tab_id, 100, key=newcomer)
    with pytest.raises(VoucherRejectedError):
        verifier_for(world, tab_id).accept(signed)
    with boa.reverts("tabs: bad signature"):
        redeem(tabs, signed)


def test_rotated_out_before_opening__refused(world, tabs, open_tab, sign, keyed):
    newcomer = keyed("new_operator")
    set_wallet(world.registry, world.client_id, world.principal, newcomer)
    tab_id = open_tab(sender=newcomer.address)
    assert tabs.tab(tab_id).signer == newcomer.address
    old = sign(tab_id, 100)  # the operator rotated out before the opening
    with pytest.raises(VoucherRejectedError):
        verifier_for(world, tab_id).accept(old)
    with boa.reverts("tabs: bad signature"):
        redeem(tabs, old)
    redeem(tabs, sign(tab_id, 100, key=newcomer))


def test_agent_transferred__neither_principal_signs__the_key_still_does(
    world, tabs, registry, open_tab, sign, principal_key, keyed
):
    tab_id = open_tab()
    buyer = keyed("buyer")
    with boa.env.prank(world.principal):
        registry.transferFrom(world.principal, buyer.address, world.client_id)
    assert registry.agent_status(world.client_id).operator == ZERO  # cleared by the transfer
    for key in (principal_key, buyer):
        with boa.reverts("tabs: bad signature"):
            redeem(tabs, sign(tab_id, 100, key=key))
    # The tab's key (the operator at opening) still signs, after the transfer too.
    redeem(tabs, sign(tab_id, 200))
    assert tabs.tab(tab_id).redeemed == 200


# ------------------------------------------------------------ close racing


def test_close_race__redeem_just_before_deadline_wins(world, tabs, escrow, open_tab, sign):
    tab_id = open_tab(amount=PRICE)
    held = sign(tab_id, PRICE // 2)
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    boa.env.time_travel(seconds=DELAY - 1)
    redeem(tabs, held, sender=world.provider_op)
    boa.env.time_travel(seconds=1)
    before = escrow.balance_of(world.client_id, world.token.address)
    tabs.finish_close(tab_id)
    assert escrow.balance_of(world.client_id, world.token.address) == before + PRICE // 2


def test_close_race__finish_first__voucher_too_late(world, tabs, open_tab, sign):
    tab_id = open_tab(amount=PRICE)
    held = sign(tab_id, PRICE // 2)
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    boa.env.time_travel(seconds=DELAY)
    with boa.reverts("tabs: close deadline passed"):
        redeem(tabs, held)
    tabs.finish_close(tab_id)
    with boa.reverts("tabs: not open"):
        redeem(tabs, held)


def test_close_race__provider_closes_then_voucher__refused(world, tabs, open_tab, sign):
    tab_id = open_tab()
    held = sign(tab_id, 10)
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    with boa.reverts("tabs: not open"):
        redeem(tabs, held)


def test_voucher_signer__batch_signing_cache(world, tabs, open_tab):
    tab_id = open_tab()
    signer = VoucherSigner(world.client_key, chain_id(), str(tabs.address))
    vouchers = [signer.sign(tab_id, i) for i in range(1, 6)]
    verifier = verifier_for(world, tab_id)
    assert sum(verifier.accept(v) for v in vouchers) == 5
    assert signer.address == world.client_op


def test_verifier__only_the_tab_key_and_the_deposit(
    world, tabs, open_tab, sign, keyed, principal_key
):
    tab_id = open_tab(amount=PRICE)
    verifier = verifier_for(world, tab_id)
    for other in (keyed("buyer"), principal_key):
        with pytest.raises(VoucherRejectedError, match="not the tab's"):
            verifier.check(sign(tab_id, 10, key=other))
    assert verifier.check(sign(tab_id, 10)) == 10
    verifier.top_up(PRICE // 2)  # a stale, lower figure never shrinks the deposit
    assert verifier.deposit == PRICE
    assert verifier.accepted == 0 and verifier.latest is None  # `check` keeps nothing

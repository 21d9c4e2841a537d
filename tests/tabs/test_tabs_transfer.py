"""The client agent changes hands while its tabs are open (issue 14, findings 1
and 2), each attack mounted as the finding describes it, and the safe outcome
asserted to the unit.

The rule (Tabs.vy, "Who signs, and what a tab commits"): a tab has one key,
fixed at opening, and only its vouchers redeem, whoever owns or operates the
client later; a deposit only grows while that key is still the client's
principal or operator. So a voucher the provider's `VoucherVerifier` accepted
stays redeemable until the close deadline whatever happens to the client's
NFT (finding 1), and a buyer loses at most the open tabs' `deposit -
redeemed`, each to its own provider (finding 2; the buyer reading that
figure through the client is in `test_cli_tabs.py`).
"""

from __future__ import annotations

import boa
import pytest
from escrow.helpers import FEE_BPS, PRICE, ZERO

from agentmarket.contracts.tabs import VoucherRejectedError, VoucherVerifier

from .conftest import DELAY, redeem


def fee_of(amount: int) -> int:
    """The fees of a tab's cumulative redeemed value."""
    return amount * FEE_BPS // 10_000


def chain_id() -> int:
    return int(boa.env.evm.patch.chain_id)


def verifier_for(tabs, tab_id: int) -> VoucherVerifier:
    """The provider's verifier, built from the tab as it stands (its key, deposit, redeemed)."""
    t = tabs.tab(tab_id)
    return VoucherVerifier(tab_id, chain_id(), str(tabs.address), t.signer, t.deposit, t.redeemed)


def transfer(world, to: str) -> None:
    """The client's principal moves the client agent's NFT to `to`."""
    with boa.env.prank(world.principal):
        world.registry.transferFrom(world.principal, to, world.client_id)
    status = world.registry.agent_status(world.client_id)
    assert (status.principal, status.operator) == (to, ZERO)  # the registry cleared the operator


def free(world, agent_id: int) -> int:
    return int(world.escrow.balance_of(agent_id, world.token.address))


# ------------------------------------------------------------- finding 1


def test_finding1__principal_opens_with_operator__transfer__key_vouchers_redeem_rest_returns(
    world, tabs, open_tab, sign, principal_key, keyed, fee_recipient, ledger
):
    """The principal opens while an operator is set (the tab's key is the
    operator), tries to pay with vouchers it signs itself, then moves the NFT
    to another address it controls before the provider redeems."""
    deposit = 3 * PRICE
    tab_id = open_tab(amount=deposit, sender=world.principal)
    assert tabs.tab(tab_id).signer == world.client_op  # the operator the agent had at opening
    verifier = verifier_for(tabs, tab_id)

    # Principal-signed vouchers: refused by the verifier and by the contract alike.
    by_principal = sign(tab_id, PRICE, key=principal_key)
    with pytest.raises(VoucherRejectedError, match="not the tab's"):
        verifier.accept(by_principal)
    with boa.reverts("tabs: bad signature"):
        redeem(tabs, by_principal, sender=world.provider_op)

    # The key pays per purchase; the provider holds what its verifier accepted.
    held = [sign(tab_id, amount) for amount in (PRICE // 4, PRICE, 2 * PRICE + 7)]
    assert [verifier.accept(v) for v in held] == [PRICE // 4, PRICE - PRICE // 4, PRICE + 7]

    # The NFT moves to another address the principal controls; the new owner
    # asks to close at once.
    other = keyed("principal_elsewhere")
    transfer(world, other.address)
    with boa.env.prank(other.address):
        tabs.request_close(tab_id)
    closes_at = tabs.tab(tab_id).closes_at
    with boa.reverts("tabs: bad signature"):  # the old and the new owner alike
        redeem(tabs, sign(tab_id, 3 * PRICE, key=other), sender=world.provider_op)

    # The provider redeems every held voucher, the last one second before the
    # close deadline.
    provider_before = free(world, world.provider_id)
    fees_before = world.escrow.fees_owed(fee_recipient, world.token.address)
    redeem(tabs, held[1], sender=world.provider_op)
    assert tabs.redeem_many([held[0].as_tuple()]) == 0  # older: skipped, not refused
    boa.env.evm.patch.timestamp = closes_at - 1
    redeem(tabs, held[2], sender=world.provider_op)
    redeemed = 2 * PRICE + 7
    assert tabs.tab(tab_id).redeemed == redeemed
    assert free(world, world.provider_id) == provider_before + redeemed - fee_of(redeemed)
    assert world.escrow.fees_owed(fee_recipient, world.token.address) == fees_before + fee_of(
        redeemed
    )

    # finish_close returns exactly deposit - redeemed to the agent, now the new owner's.
    boa.env.evm.patch.timestamp = closes_at
    client_before = free(world, world.client_id)
    tabs.finish_close(tab_id)
    assert free(world, world.client_id) == client_before + deposit - redeemed
    assert tabs.tab(tab_id).status == 2
    ledger([tab_id])


@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_transfer__held_voucher__close_deadline_minus_one_zero_plus_one(
    world, tabs, open_tab, sign, keyed, delta
):
    """A voucher held across a transfer redeems until the close deadline, not
    a second later; from the deadline the new owner takes back the rest."""
    tab_id = open_tab(amount=2 * PRICE)
    held = sign(tab_id, PRICE + 1)
    assert verifier_for(tabs, tab_id).accept(held) == PRICE + 1
    buyer = keyed("buyer")
    transfer(world, buyer.address)
    with boa.env.prank(buyer.address):
        tabs.request_close(tab_id)
    closes_at = tabs.tab(tab_id).closes_at
    assert closes_at == boa.env.evm.patch.timestamp + DELAY
    boa.env.evm.patch.timestamp = closes_at + delta
    provider_before, client_before = free(world, world.provider_id), free(world, world.client_id)
    if delta < 0:
        redeem(tabs, held, sender=world.provider_op)
        assert free(world, world.provider_id) == provider_before + PRICE + 1 - fee_of(PRICE + 1)
        with boa.reverts("tabs: close deadline not passed"):
            tabs.finish_close(tab_id)
        boa.env.evm.patch.timestamp = closes_at
        tabs.finish_close(tab_id)
        assert free(world, world.client_id) == client_before + PRICE - 1
    else:
        with boa.reverts("tabs: close deadline passed"):
            redeem(tabs, held, sender=world.provider_op)
        tabs.finish_close(tab_id)
        assert free(world, world.provider_id) == provider_before
        assert free(world, world.client_id) == client_before + 2 * PRICE


def test_transfer__rotation_and_freeze_after__held_voucher_still_redeems(
    world, tabs, registry, open_tab, sign, keyed
):
    """Nothing at redemption depends on the client's owner or operator now:
    the new owner sets another operator and freezes the agent, and the held
    voucher still pays."""
    from escrow.helpers import set_wallet

    tab_id = open_tab(amount=PRICE)
    held = sign(tab_id, PRICE)
    buyer = keyed("buyer")
    transfer(world, buyer.address)
    set_wallet(registry, world.client_id, buyer.address, keyed("new_operator"))
    with boa.env.prank(buyer.address):
        registry.freeze(world.client_id)
    redeem(tabs, held, sender=world.provider_op)
    assert tabs.tab(tab_id).redeemed == PRICE


# ------------------------------------------------------------- finding 2


def test_finding2__seller_key_after_sale__top_up_refused__seller_takes_at_most_committed(
    world, tabs, registry, open_tab, sign, principal_key, keyed, fund, ledger
):
    """A fresh agent's default key is its owner: the seller opens a tab to a
    provider it owns with its own address as key, sells the agent, and keeps
    signing during the buyer's close delay."""
    with boa.env.prank(world.principal):
        registry.unsetAgentWallet(world.client_id)  # no operator: the owner is the key
    deposit = 4 * PRICE
    tab_id = open_tab(amount=deposit, sender=world.principal, provider_id=world.sibling_id)
    assert tabs.tab(tab_id).signer == world.principal
    redeem(tabs, sign(tab_id, PRICE, key=principal_key))  # before the sale

    buyer = keyed("buyer")
    transfer(world, buyer.address)
    t = tabs.tab(tab_id)
    committed = t.deposit - t.redeemed
    assert (t.status, committed) == (1, 3 * PRICE)  # what the buyer sees before anything

    # Nobody adds to what the seller's key can spend.
    fund(amount=PRICE)
    client_before = free(world, world.client_id)
    with boa.env.prank(buyer.address), boa.reverts("tabs: key no longer the client's"):
        tabs.top_up(tab_id, PRICE)
    with boa.env.prank(world.principal), boa.reverts("escrow: not client"):
        tabs.top_up(tab_id, PRICE)
    assert tabs.tab(tab_id).deposit == deposit

    with boa.env.prank(buyer.address):
        tabs.request_close(tab_id)
    closes_at = tabs.tab(tab_id).closes_at
    # The seller keeps signing to its own provider during the delay: never
    # above the deposit, and only to this tab's provider.
    sibling_before = free(world, world.sibling_id)
    with boa.reverts("tabs: above deposit"):
        redeem(tabs, sign(tab_id, deposit + 1, key=principal_key))
    redeem(tabs, sign(tab_id, 2 * PRICE, key=principal_key))
    boa.env.evm.patch.timestamp = closes_at - 1
    redeem(tabs, sign(tab_id, 3 * PRICE + PRICE // 2, key=principal_key))
    taken = 2 * PRICE + PRICE // 2
    assert taken <= committed
    # The fee is the rise of the tab's cumulative fee (no reputation: one principal at opening).
    fee = fee_of(PRICE + taken) - fee_of(PRICE)
    assert free(world, world.sibling_id) == sibling_before + taken - fee
    boa.env.evm.patch.timestamp = closes_at
    with boa.reverts("tabs: close deadline passed"):
        redeem(tabs, sign(tab_id, deposit, key=principal_key))

    # The buyer gets back exactly the rest: committed - taken.
    tabs.finish_close(tab_id)
    assert free(world, world.client_id) == client_before + committed - taken
    assert free(world, world.client_id) == client_before + PRICE // 2
    ledger([tab_id])


def test_sale__operator_key_tab__buyer_top_up_refused__new_operator_cannot_either(
    world, tabs, registry, open_tab, fund, keyed
):
    """The same after a sale of an agent whose tab key is its (cleared)
    operator: neither the buyer nor the buyer's own operator can add to it;
    the buyer opens new tabs with keys of its own."""
    from escrow.helpers import set_wallet

    tab_id = open_tab(amount=PRICE)
    buyer, buyer_operator = keyed("buyer"), keyed("new_operator")
    transfer(world, buyer.address)
    set_wallet(registry, world.client_id, buyer.address, buyer_operator)
    fund(amount=2 * PRICE)
    with boa.env.prank(buyer.address), boa.reverts("tabs: key no longer the client's"):
        tabs.top_up(tab_id, PRICE)
    with boa.env.prank(buyer_operator.address), boa.reverts("tabs: not tab signer"):
        tabs.top_up(tab_id, PRICE)
    fresh = open_tab(amount=PRICE, sender=buyer.address, funded=False)
    assert tabs.tab(fresh).signer == buyer_operator.address
    with boa.env.prank(buyer.address):
        tabs.top_up(fresh, PRICE)
    assert (tabs.tab(tab_id).deposit, tabs.tab(fresh).deposit) == (PRICE, 2 * PRICE)

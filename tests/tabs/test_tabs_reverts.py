"""Every refusal of Tabs (and of the escrow's checks it goes through), with
the deadlines at -1/0/+1 second; a last test makes sure every `tabs: ...`
revert string of the contract appears in this folder's tests."""

from __future__ import annotations

import re
from pathlib import Path

import boa
import pytest
from escrow.conftest import CONTRACTS, load
from escrow.helpers import PRICE, ZERO, poke

from agentmarket.reverts import REVERT_CLASSES

from .conftest import DELAY, redeem

MAX_DEPOSIT = 2**96 - 1


# ------------------------------------------------------------- constructor


def test_constructor__empty_links__revert(world):
    for escrow, registry in ((ZERO, world.registry.address), (world.escrow.address, ZERO)):
        with boa.reverts("tabs: empty link"):
            load("Tabs", escrow, registry)


# -------------------------------------------------------------------- open


@pytest.mark.parametrize("delay", [0, 3_599, 30 * 86_400 + 1])
def test_open__delay_out_of_bounds__reverts(world, tabs, fund, delay):
    fund()
    with boa.env.prank(world.client_op), boa.reverts("tabs: bad delay"):
        tabs.open(world.client_id, world.provider_id, world.token.address, PRICE, delay)


@pytest.mark.parametrize("amount", [0, MAX_DEPOSIT + 1])
def test_open__bad_amount__reverts(world, tabs, amount):
    with boa.env.prank(world.principal), boa.reverts("tabs: bad amount"):
        tabs.open(world.client_id, world.provider_id, world.token.address, amount, DELAY)


def test_open__256_in_one_block__reverts(world, tabs, open_tab):
    base = (int(boa.env.evm.patch.timestamp) << 136) | (world.client_id << 64) | world.provider_id
    for i in range(256):
        poke(tabs, "_tab_a", 1, base + (i << 128))
    with boa.reverts("tabs: too many tabs in block"):
        open_tab()


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("stranger", "escrow: not client"),
        ("frozen_operator", "escrow: agent frozen"),
        ("frozen_principal", "escrow: client frozen"),
        ("unknown_provider", "escrow: unknown provider"),
        ("frozen_provider", "escrow: provider frozen"),
        ("self", "escrow: self hire"),
        ("token", "escrow: token not allowed"),
        ("paused", "escrow: paused"),
        ("unfunded", "escrow: insufficient balance"),
        ("job_cap", "escrow: over job cap"),
        ("period_cap", "escrow: over period cap"),
        ("bad_client", "escrow: bad client"),
        ("bad_provider", "escrow: bad provider"),
    ],
)
def test_open__hire_checks__revert(world, tabs, registry, fund, attacker, case, reason):
    fund(amount=30 * PRICE)
    sender, client, provider = world.client_op, world.client_id, world.provider_id
    token, amount = world.token.address, PRICE
    if case == "stranger":
        sender = attacker
    elif case == "frozen_operator":
        with boa.env.prank(world.principal):
            registry.freeze(client)
    elif case == "frozen_principal":
        with boa.env.prank(world.principal):
            registry.freeze(client)
        sender = world.principal
    elif case == "unknown_provider":
        provider = 999
    elif case == "frozen_provider":
        with boa.env.prank(world.other_principal):
            registry.freeze(provider)
    elif case == "self":
        provider = client
    elif case == "token":
        token = world.registry.address
    elif case == "paused":
        with boa.env.prank(world.guardian):
            world.governor.pause()
    elif case == "unfunded":
        amount = 31 * PRICE
        sender = world.principal
    elif case == "job_cap":
        amount = 10 * PRICE + 1
    elif case == "period_cap":
        for _ in range(2):
            with boa.env.prank(sender):
                tabs.open(client, provider, token, 10 * PRICE, DELAY)
        amount = 5 * PRICE + 1
    elif case == "bad_client":
        client = 2**64
    elif case == "bad_provider":
        provider = 2**64
    with boa.env.prank(sender), boa.reverts(reason):
        tabs.open(client, provider, token, amount, DELAY)


# ------------------------------------------------------------------ top_up


def test_top_up__unknown_or_closed__reverts(world, tabs, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.client_op), boa.reverts("tabs: not open"):
        tabs.top_up(tab_id + 1, PRICE)
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    with boa.env.prank(world.client_op), boa.reverts("tabs: not open"):
        tabs.top_up(tab_id, PRICE)


def test_top_up__while_closing__reverts(world, tabs, open_tab, fund):
    tab_id = open_tab()
    fund()
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
        with boa.reverts("tabs: closing"):
            tabs.top_up(tab_id, PRICE)


@pytest.mark.parametrize("amount", [0, MAX_DEPOSIT])
def test_top_up__bad_amount__reverts(world, tabs, open_tab, amount):
    tab_id = open_tab()
    with boa.env.prank(world.principal), boa.reverts("tabs: bad amount"):
        tabs.top_up(tab_id, amount)


def test_top_up__frozen_client__reverts(world, tabs, registry, open_tab, fund):
    tab_id = open_tab()
    fund()
    with boa.env.prank(world.principal):
        registry.freeze(world.client_id)
    with boa.env.prank(world.client_op), boa.reverts("escrow: agent frozen"):
        tabs.top_up(tab_id, PRICE)
    with boa.env.prank(world.principal), boa.reverts("escrow: client frozen"):
        tabs.top_up(tab_id, PRICE)


def test_top_up__by_stranger__reverts(world, tabs, open_tab, fund, attacker):
    tab_id = open_tab()
    fund()
    with boa.env.prank(attacker), boa.reverts("escrow: not client"):
        tabs.top_up(tab_id, PRICE)


def test_top_up__over_caps__reverts(world, tabs, open_tab, fund):
    tab_id = open_tab()
    fund(amount=30 * PRICE)
    with boa.env.prank(world.client_op), boa.reverts("escrow: over job cap"):
        tabs.top_up(tab_id, 10 * PRICE + 1)


def test_top_up__key_rotated_out__reverts_until_it_is_the_operator_again(
    world, tabs, open_tab, fund, keyed
):
    """A deposit only grows while its key is still the client's (principal or
    operator): an operator rotated out keeps signing on its tab, but nobody
    adds to what it can spend."""
    from escrow.helpers import set_wallet

    tab_id = open_tab()
    fund(amount=2 * PRICE)
    new_operator = keyed("new_operator")
    set_wallet(world.registry, world.client_id, world.principal, new_operator)
    with boa.env.prank(new_operator.address), boa.reverts("tabs: not tab signer"):
        tabs.top_up(tab_id, PRICE)
    with boa.env.prank(world.principal), boa.reverts("tabs: key no longer the client's"):
        tabs.top_up(tab_id, PRICE)
    assert tabs.tab(tab_id).deposit == PRICE
    # The principal makes the tab's key its operator again: top-ups resume.
    set_wallet(world.registry, world.client_id, world.principal, world.client_key)
    with boa.env.prank(world.principal):
        tabs.top_up(tab_id, PRICE)
    with boa.env.prank(world.client_op):
        tabs.top_up(tab_id, PRICE)
    assert tabs.tab(tab_id).deposit == 3 * PRICE


def test_top_up__token_delisted__reverts(world, tabs, open_tab, fund):
    tab_id = open_tab()
    fund()
    with boa.env.prank(world.governance):
        world.governor.set_token(world.token.address, False, 10**18)
    with boa.env.prank(world.client_op), boa.reverts("escrow: token not allowed"):
        tabs.top_up(tab_id, PRICE)


# ------------------------------------------------------------------ redeem


def test_redeem__unknown_tab__reverts(world, tabs, sign):
    with boa.reverts("tabs: not open"):
        redeem(tabs, sign(12345, 1))


def test_redeem__closed_tab__reverts(world, tabs, open_tab, sign):
    tab_id = open_tab()
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    with boa.reverts("tabs: not open"):
        redeem(tabs, sign(tab_id, 1))


def test_redeem__zero__reverts(world, tabs, open_tab, sign):
    tab_id = open_tab()
    with boa.reverts("tabs: not above redeemed"):
        redeem(tabs, sign(tab_id, 0))


def test_redeem__above_deposit__reverts(world, tabs, open_tab, sign):
    tab_id = open_tab(amount=PRICE)
    with boa.reverts("tabs: above deposit"):
        redeem(tabs, sign(tab_id, PRICE + 1))


def test_redeem_many__one_bad__reverts_all(world, tabs, open_tab, sign):
    a, b = open_tab(), open_tab()
    batch = [sign(a, 10).as_tuple(), sign(b, PRICE + 1).as_tuple()]
    with boa.reverts("tabs: above deposit"):
        tabs.redeem_many(batch)
    assert tabs.tab(a).redeemed == 0


def test_redeem_many__above_max_batch__reverts(world, tabs, open_tab, sign):
    tab_id = open_tab()
    batch = [sign(tab_id, i + 1).as_tuple() for i in range(65)]
    with boa.reverts():
        tabs.redeem_many(batch)


@pytest.mark.parametrize(("offset", "ok"), [(-1, True), (0, False), (1, False)])
def test_redeem__at_close_deadline(world, tabs, open_tab, sign, offset, ok):
    tab_id = open_tab()
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    boa.env.time_travel(seconds=DELAY + offset)
    if ok:
        redeem(tabs, sign(tab_id, 5))
        assert tabs.tab(tab_id).redeemed == 5
    else:
        with boa.reverts("tabs: close deadline passed"):
            redeem(tabs, sign(tab_id, 5))


# ------------------------------------------------------------------- close


def test_request_close__twice__reverts(world, tabs, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
        with boa.reverts("tabs: already closing"):
            tabs.request_close(tab_id)


def test_request_close__closed__reverts(world, tabs, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    with boa.env.prank(world.client_op), boa.reverts("tabs: not open"):
        tabs.request_close(tab_id)


def test_request_close__not_client__reverts(world, tabs, open_tab, attacker):
    tab_id = open_tab()
    for who in (attacker, world.provider_op, world.other_principal):
        with boa.env.prank(who), boa.reverts("tabs: not client"):
            tabs.request_close(tab_id)


def test_request_close__frozen_operator__reverts(world, tabs, registry, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.principal):
        registry.freeze(world.client_id)
    with boa.env.prank(world.client_op), boa.reverts("tabs: agent frozen"):
        tabs.request_close(tab_id)


def test_finish_close__not_closing__reverts(world, tabs, open_tab):
    tab_id = open_tab()
    with boa.reverts("tabs: not closing"):
        tabs.finish_close(tab_id)
    with boa.reverts("tabs: not open"):
        tabs.finish_close(tab_id + 1)


@pytest.mark.parametrize(("offset", "ok"), [(-1, False), (0, True), (1, True)])
def test_finish_close__at_close_deadline(world, tabs, open_tab, offset, ok):
    tab_id = open_tab()
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    boa.env.time_travel(seconds=DELAY + offset)
    if ok:
        tabs.finish_close(tab_id)
        assert tabs.tab(tab_id).status == 2
        with boa.reverts("tabs: not open"):
            tabs.finish_close(tab_id)
    else:
        with boa.reverts("tabs: close deadline not passed"):
            tabs.finish_close(tab_id)


def test_close__not_provider__reverts(world, tabs, open_tab, attacker):
    tab_id = open_tab()
    for who in (attacker, world.client_op, world.principal):
        with boa.env.prank(who), boa.reverts("tabs: not provider"):
            tabs.close(tab_id)


def test_close__frozen_provider_operator__reverts(world, tabs, registry, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.other_principal):
        registry.freeze(world.provider_id)
    with boa.env.prank(world.provider_op), boa.reverts("tabs: agent frozen"):
        tabs.close(tab_id)


def test_close__twice__reverts(world, tabs, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
        with boa.reverts("tabs: not open"):
            tabs.close(tab_id)


# ------------------------------------------------------------ completeness


def test_every_tabs_revert_string_is_tested():
    strings = set(re.findall(r'"(tabs: [^"]+)"', (CONTRACTS / "Tabs.vy").read_text()))
    here = Path(__file__).parent
    tests = "".join(p.read_text() for p in here.glob("test_*.py") if p.name != Path(__file__).name)
    tests += (
        Path(__file__)
        .read_text()
        .split("# ------------------------------------------------------------ completeness")[0]
    )
    missing = sorted(s for s in strings if f'"{s}"' not in tests)
    assert not missing, f"untested revert strings: {missing}"
    unmapped = sorted(s for s in strings if s not in REVERT_CLASSES)
    assert not unmapped, f"revert strings without a class in agentmarket.reverts: {unmapped}"

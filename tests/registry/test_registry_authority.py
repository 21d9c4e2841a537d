"""AgentRegistry: the escrow's one-call reads, `authorize` (who is acting for
an agent, and as what) and `hire_check` (everything a hire checks)."""

from __future__ import annotations

import boa
import pytest
from eth_utils import to_checksum_address

from .registry_support import MAX_UINT256, ZERO

NONE, PRINCIPAL, OPERATOR = 0, 1, 2
TOKEN = to_checksum_address("0x00000000000000000000000000000000000070c3")
OTHER_TOKEN = to_checksum_address("0x00000000000000000000000000000000000070c4")


@pytest.fixture
def provider(register_agent, other_principal) -> int:
    """A second agent, owned by `other_principal`, to be hired."""
    return register_agent(other_principal, "ipfs://provider")


def freeze(registry, agent_id):
    with boa.env.prank(registry.ownerOf(agent_id)):
        registry.freeze(agent_id)


# ---------------------------------------------------------------- authorize


def test_authorize__registering_owner__is_principal(registry, principal, agent):
    # the owner is also the default operator, but answers as the principal
    assert registry.authorize(agent, principal) == (PRINCIPAL, False)


def test_authorize__set_operator__is_operator_and_owner_stays_principal(
    registry, principal, agent, operator, set_wallet
):
    set_wallet(agent, operator)
    assert registry.authorize(agent, operator.address) == (OPERATOR, False)
    assert registry.authorize(agent, principal) == (PRINCIPAL, False)


def test_authorize__managers_and_strangers__are_nobody(
    registry, principal, agent, approved, manager, attacker
):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
    # ERC-721 approval lets an address manage the agent, not act for it
    for who in (approved, manager, attacker):
        assert registry.authorize(agent, who) == (NONE, False)


def test_authorize__zero_caller__nobody_even_for_unknown_or_cleared(
    registry, principal, agent, other_principal
):
    assert registry.authorize(agent, ZERO) == (NONE, False)
    assert registry.authorize(99, ZERO) == (NONE, False)
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)  # operator now empty
    assert registry.authorize(agent, ZERO) == (NONE, False)


def test_authorize__unknown_agent__nobody_without_reverting(registry, principal):
    assert registry.authorize(0, principal) == (NONE, False)
    assert registry.authorize(MAX_UINT256, principal) == (NONE, False)


@pytest.mark.parametrize("order", ["freeze_then_set", "set_then_freeze"])
def test_authorize__frozen_agent__every_role_sees_frozen(
    registry, principal, agent, operator, attacker, set_wallet, order
):
    if order == "freeze_then_set":
        freeze(registry, agent)
        set_wallet(agent, operator)
    else:
        set_wallet(agent, operator)
        freeze(registry, agent)
    assert registry.authorize(agent, operator.address) == (OPERATOR, True)
    assert registry.authorize(agent, principal) == (PRINCIPAL, True)
    assert registry.authorize(agent, attacker) == (NONE, True)

    with boa.env.prank(principal):
        registry.unfreeze(agent)
    assert registry.authorize(agent, operator.address) == (OPERATOR, False)
    assert registry.authorize(agent, principal) == (PRINCIPAL, False)


def test_authorize__freeze_with_no_operator_then_set__operator_sees_frozen(
    registry, principal, agent, operator, set_wallet
):
    with boa.env.prank(principal):
        registry.unsetAgentWallet(agent)
        registry.freeze(agent)
    set_wallet(agent, operator)
    assert registry.authorize(agent, operator.address) == (OPERATOR, True)
    with boa.env.prank(principal):
        registry.unfreeze(agent)
        registry.freeze(agent)
        registry.unfreeze(agent)
    assert registry.authorize(agent, operator.address) == (OPERATOR, False)


def test_authorize__operator_replaced_unset_or_transferred__no_longer_operator(
    registry, principal, other_principal, agent, operator, wallet, set_wallet
):
    set_wallet(agent, operator)
    set_wallet(agent, wallet)
    assert registry.authorize(agent, operator.address) == (NONE, False)
    assert registry.authorize(agent, wallet.address) == (OPERATOR, False)

    with boa.env.prank(principal):
        registry.unsetAgentWallet(agent)
    assert registry.authorize(agent, wallet.address) == (NONE, False)

    set_wallet(agent, wallet)
    freeze(registry, agent)
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    assert registry.authorize(agent, wallet.address) == (NONE, True)
    assert registry.authorize(agent, principal) == (NONE, True)
    assert registry.authorize(agent, other_principal) == (PRINCIPAL, True)


def test_authorize__operator_back_to_owner__old_operator_dropped(
    registry, principal, agent, operator, keyed, set_wallet
):
    set_wallet(agent, operator)
    set_wallet(agent, keyed("principal"))  # the owner's own key, explicitly
    assert registry.authorize(agent, operator.address) == (NONE, False)
    assert registry.authorize(agent, principal) == (PRINCIPAL, False)
    assert registry.getAgentWallet(agent) == principal


def test_authorize__operator_of_one_agent__nobody_for_another(
    registry, principal, agent, register_agent, operator, set_wallet
):
    second = register_agent(principal)
    set_wallet(agent, operator)
    assert registry.authorize(second, operator.address) == (NONE, False)


def test_authorize__operator_becomes_owner_by_transfer__is_principal(
    registry, principal, agent, operator, set_wallet
):
    set_wallet(agent, operator)
    with boa.env.prank(principal):
        registry.transferFrom(principal, operator.address, agent)
    assert registry.authorize(agent, operator.address) == (PRINCIPAL, False)


# ---------------------------------------------------------------- hire_check


def hire_check(registry, client, caller, provider, token=TOKEN):
    return registry.hire_check(client, caller, provider, token)


def test_hire_check__principal_hires__role_principal_and_no_caps(
    registry, principal, other_principal, agent, provider
):
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 1, 2, 3)  # caps are for the operator
    assert hire_check(registry, agent, principal, provider) == (
        PRINCIPAL,
        False,
        principal,
        other_principal,
        False,
        0,
        0,
        0,
    )


def test_hire_check__operator_hires__role_operator_with_token_caps(
    registry, principal, other_principal, agent, provider, operator, set_wallet
):
    set_wallet(agent, operator)
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 100, MAX_UINT256, 86_400)
        registry.set_spend_policy(agent, OTHER_TOKEN, 7, 8, 9)
    assert hire_check(registry, agent, operator.address, provider) == (
        OPERATOR,
        False,
        principal,
        other_principal,
        False,
        100,
        MAX_UINT256,
        86_400,
    )
    assert hire_check(registry, agent, operator.address, provider, OTHER_TOKEN)[5:] == (7, 8, 9)
    # a token without a policy: the operator may commit nothing
    assert hire_check(registry, agent, operator.address, provider, ZERO)[5:] == (0, 0, 0)


@pytest.mark.parametrize("who", ["approved", "attacker", "zero", "provider_owner"])
def test_hire_check__anyone_else__role_none_and_no_caps(
    registry, principal, other_principal, agent, provider, approved, attacker, who
):
    caller = {
        "approved": approved,
        "attacker": attacker,
        "zero": ZERO,
        "provider_owner": other_principal,
    }[who]
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.set_spend_policy(agent, TOKEN, 1, 2, 3)
    check = hire_check(registry, agent, caller, provider)
    assert check.client_role == NONE
    assert (check.per_job_cap, check.period_cap, check.period) == (0, 0, 0)
    assert check.client_principal == principal


def test_hire_check__frozen_flags__reported_for_each_side(
    registry, principal, agent, provider, operator, set_wallet
):
    set_wallet(agent, operator)
    freeze(registry, provider)
    check = hire_check(registry, agent, operator.address, provider)
    assert (check.client_frozen, check.provider_frozen) == (False, True)
    freeze(registry, agent)
    check = hire_check(registry, agent, operator.address, provider)
    assert (check.client_role, check.client_frozen, check.provider_frozen) == (OPERATOR, True, True)


def test_hire_check__unknown_ids__empty_principals_without_reverting(
    registry, principal, agent, attacker
):
    assert hire_check(registry, agent, principal, 999) == (
        PRINCIPAL,
        False,
        principal,
        ZERO,
        False,
        0,
        0,
        0,
    )
    assert hire_check(registry, 999, attacker, agent) == (
        NONE,
        False,
        ZERO,
        principal,
        False,
        0,
        0,
        0,
    )
    assert hire_check(registry, 0, ZERO, 0) == (NONE, False, ZERO, ZERO, False, 0, 0, 0)


def test_hire_check__self_hire__both_sides_read(registry, principal, agent):
    # the registry reports; refusing a self-hire is the escrow's business
    check = hire_check(registry, agent, principal, agent)
    assert (check.client_principal, check.provider_principal) == (principal, principal)


def test_hire_check__after_transfer__old_operator_is_nobody(
    registry, principal, other_principal, agent, provider, operator, set_wallet
):
    set_wallet(agent, operator)
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 1, 2, 3)
        registry.transferFrom(principal, other_principal, agent)
    check = hire_check(registry, agent, operator.address, provider)
    assert check.client_role == NONE
    assert check.client_principal == other_principal
    assert (check.per_job_cap, check.period_cap, check.period) == (0, 0, 0)


def test_hire_check__agrees_with_authorize_and_spend_policy(
    registry, principal, agent, provider, operator, attacker, set_wallet
):
    set_wallet(agent, operator)
    freeze(registry, agent)
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 5, 6, 7)
    for caller in (principal, operator.address, attacker):
        check = hire_check(registry, agent, caller, provider)
        assert (check.client_role, check.client_frozen) == registry.authorize(agent, caller)
        if check.client_role == OPERATOR:
            assert check[5:] == registry.spend_policy(agent, TOKEN)

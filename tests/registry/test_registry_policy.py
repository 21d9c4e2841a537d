"""AgentRegistry: the principal's policy (freeze switch, spend caps), the
one-call reads, unknown ids, and who counts as authorised."""

from __future__ import annotations

import boa
import pytest
from eth_utils import to_checksum_address

from .registry_support import CAP_UNLIMITED, MAX_UINT256, ZERO, Event, events

TOKEN = to_checksum_address("0x00000000000000000000000000000000000070c3")
OTHER_TOKEN = to_checksum_address("0x00000000000000000000000000000000000070c4")


def managers(registry, principal, agent, approved, manager):
    """Approve one address for the agent and one for all; return all three
    addresses allowed to manage the agent, by role."""
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
    return {"owner": principal, "approved": approved, "operator_for_all": manager}


ROLES = ["owner", "approved", "operator_for_all"]


# ---------------------------------------------------------------- freeze / unfreeze


@pytest.mark.parametrize("role", ROLES)
def test_freeze__by_manager__freezes_and_logs_caller(
    registry, principal, agent, approved, manager, role
):
    caller = managers(registry, principal, agent, approved, manager)[role]
    with boa.env.prank(caller):
        registry.freeze(agent)
    assert events(registry) == [Event("Frozen", {"agent_id": agent, "by": caller})]
    assert registry.agent_status(agent).frozen is True


@pytest.mark.parametrize("role", ROLES)
def test_unfreeze__by_manager__unfreezes_and_logs_caller(
    registry, principal, agent, approved, manager, role
):
    caller = managers(registry, principal, agent, approved, manager)[role]
    with boa.env.prank(principal):
        registry.freeze(agent)
    with boa.env.prank(caller):
        registry.unfreeze(agent)
    assert events(registry) == [Event("Unfrozen", {"agent_id": agent, "by": caller})]
    assert registry.agent_status(agent).frozen is False


def test_freeze__twice__second_is_silent_no_op(registry, principal, agent):
    with boa.env.prank(principal):
        registry.freeze(agent)
        registry.freeze(agent)
    assert events(registry) == []
    assert registry.agent_status(agent).frozen is True


def test_unfreeze__not_frozen__silent_no_op(registry, principal, agent):
    with boa.env.prank(principal):
        registry.unfreeze(agent)
    assert events(registry) == []
    assert registry.agent_status(agent).frozen is False


def test_freeze__keeps_everything_else(registry, principal, agent, wallet, set_wallet):
    set_wallet(agent, wallet)
    with boa.env.prank(principal):
        registry.freeze(agent)
    assert registry.agent_status(agent) == (principal, wallet.address, True)
    assert registry.tokenURI(agent) == "ipfs://agent"
    with boa.env.prank(principal):
        registry.unfreeze(agent)
    assert registry.agent_status(agent) == (principal, wallet.address, False)


@pytest.mark.parametrize("fn", ["freeze", "unfreeze"])
def test_freeze_unfreeze__by_operator_wallet__reverts(
    registry, principal, agent, operator, set_wallet, fn
):
    set_wallet(agent, operator)
    if fn == "unfreeze":
        with boa.env.prank(principal):
            registry.freeze(agent)
    with boa.env.prank(operator.address), boa.reverts("registry: not owner nor approved"):
        getattr(registry, fn)(agent)


@pytest.mark.parametrize("fn", ["freeze", "unfreeze"])
def test_freeze_unfreeze__by_default_operator_who_is_owner__allowed(registry, principal, agent, fn):
    # the registering owner is the default operator, and stays a manager as owner
    with boa.env.prank(principal):
        getattr(registry, fn)(agent)


@pytest.mark.parametrize("fn", ["freeze", "unfreeze"])
def test_freeze_unfreeze__by_stranger__reverts(registry, agent, attacker, fn):
    with boa.env.prank(attacker), boa.reverts("registry: not owner nor approved"):
        getattr(registry, fn)(agent)


@pytest.mark.parametrize("fn", ["freeze", "unfreeze"])
def test_freeze_unfreeze__unknown_agent__reverts(registry, principal, fn):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        getattr(registry, fn)(2)


def test_freeze__survives_transfer__new_owner_may_lift_it(
    registry, principal, other_principal, agent
):
    with boa.env.prank(principal):
        registry.freeze(agent)
        registry.transferFrom(principal, other_principal, agent)
    assert registry.agent_status(agent) == (other_principal, ZERO, True)

    with boa.env.prank(principal), boa.reverts("registry: not owner nor approved"):
        registry.unfreeze(agent)
    with boa.env.prank(other_principal):
        registry.unfreeze(agent)
    assert registry.agent_status(agent).frozen is False


# ---------------------------------------------------------------- spend policy


@pytest.mark.parametrize("role", ROLES)
def test_set_spend_policy__by_manager__stores_and_logs(
    registry, principal, agent, approved, manager, role
):
    caller = managers(registry, principal, agent, approved, manager)[role]
    with boa.env.prank(caller):
        registry.set_spend_policy(agent, TOKEN, 100, 1_000, 86_400)
    assert events(registry) == [
        Event(
            "SpendPolicySet",
            {
                "agent_id": agent,
                "token": TOKEN,
                "per_job_cap": 100,
                "period_cap": 1_000,
                "period": 86_400,
            },
        )
    ]
    assert registry.spend_policy(agent, TOKEN) == (100, 1_000, 86_400)


@pytest.mark.parametrize(
    ("per_job", "per_period", "period"),
    [
        (0, 0, 0),  # forbids the operator this token
        (1, 0, 0),  # a per-job cap needs no period
        (0, 1, 1),
        (CAP_UNLIMITED - 1, CAP_UNLIMITED - 1, 2**32 - 1),  # largest finite values
        (MAX_UINT256, MAX_UINT256, 3_600),  # unlimited both
        (MAX_UINT256, 5, 60),
        (7, MAX_UINT256, 60),
        (MAX_UINT256, 0, 0),
        (12345678901234567890, 98765432109876543210, 604_800),
    ],
)
def test_set_spend_policy__values__read_back_exactly(
    registry, principal, agent, per_job, per_period, period
):
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, per_job, per_period, period)
    assert events(registry)[0].args["per_job_cap"] == per_job
    assert registry.spend_policy(agent, TOKEN) == (per_job, per_period, period)


def test_set_spend_policy__overwrite__latest_wins(registry, principal, agent):
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, MAX_UINT256, MAX_UINT256, 10)
        registry.set_spend_policy(agent, TOKEN, 1, 2, 3)
    assert registry.spend_policy(agent, TOKEN) == (1, 2, 3)
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 0, 0, 0)
    assert registry.spend_policy(agent, TOKEN) == (0, 0, 0)


def test_set_spend_policy__per_token_and_per_agent__independent(
    registry, principal, agent, register_agent
):
    second = register_agent(principal)
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 1, 2, 3)
        registry.set_spend_policy(agent, OTHER_TOKEN, 4, 5, 6)
        registry.set_spend_policy(second, TOKEN, 7, 8, 9)
    assert registry.spend_policy(agent, TOKEN) == (1, 2, 3)
    assert registry.spend_policy(agent, OTHER_TOKEN) == (4, 5, 6)
    assert registry.spend_policy(second, TOKEN) == (7, 8, 9)
    assert registry.spend_policy(second, OTHER_TOKEN) == (0, 0, 0)


def test_set_spend_policy__zero_address_token__allowed(registry, principal, agent):
    # the zero address may stand for the chain's native currency
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, ZERO, 1, 2, 3)
    assert registry.spend_policy(agent, ZERO) == (1, 2, 3)


@pytest.mark.parametrize("cap", [CAP_UNLIMITED, CAP_UNLIMITED + 1, 2**200, MAX_UINT256 - 1])
@pytest.mark.parametrize("which", ["per_job", "per_period"])
def test_set_spend_policy__cap_too_large__reverts(registry, principal, agent, cap, which):
    per_job, per_period = (cap, 0) if which == "per_job" else (0, cap)
    with boa.env.prank(principal), boa.reverts("registry: cap too large"):
        registry.set_spend_policy(agent, TOKEN, per_job, per_period, 60)


@pytest.mark.parametrize("period", [2**32, 2**32 + 1, MAX_UINT256])
def test_set_spend_policy__period_too_long__reverts(registry, principal, agent, period):
    with boa.env.prank(principal), boa.reverts("registry: period too long"):
        registry.set_spend_policy(agent, TOKEN, 1, 1, period)


@pytest.mark.parametrize("per_period", [1, 1_000, MAX_UINT256])
def test_set_spend_policy__period_cap_without_period__reverts(
    registry, principal, agent, per_period
):
    with boa.env.prank(principal), boa.reverts("registry: zero period"):
        registry.set_spend_policy(agent, TOKEN, 1, per_period, 0)


def test_set_spend_policy__by_operator_wallet__reverts(registry, agent, operator, set_wallet):
    set_wallet(agent, operator)
    with boa.env.prank(operator.address), boa.reverts("registry: not owner nor approved"):
        registry.set_spend_policy(agent, TOKEN, MAX_UINT256, MAX_UINT256, 60)
    assert registry.spend_policy(agent, TOKEN) == (0, 0, 0)


def test_set_spend_policy__by_stranger__reverts(registry, agent, attacker):
    with boa.env.prank(attacker), boa.reverts("registry: not owner nor approved"):
        registry.set_spend_policy(agent, TOKEN, 1, 1, 1)


def test_set_spend_policy__unknown_agent__reverts(registry, principal):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        registry.set_spend_policy(3, TOKEN, 1, 1, 1)


def test_spend_policy__never_set_or_unknown_agent__all_zero(registry, agent):
    assert registry.spend_policy(agent, TOKEN) == (0, 0, 0)
    assert registry.spend_policy(77, TOKEN) == (0, 0, 0)


def test_spend_policy__stays_with_token_across_transfer(
    registry, principal, other_principal, agent
):
    # Pinned: the caps, like the freeze, belong to the agent, not the owner.
    with boa.env.prank(principal):
        registry.set_spend_policy(agent, TOKEN, 1, 2, 3)
        registry.transferFrom(principal, other_principal, agent)
    assert registry.spend_policy(agent, TOKEN) == (1, 2, 3)
    with boa.env.prank(other_principal):
        registry.set_spend_policy(agent, TOKEN, 4, 5, 6)
    assert registry.spend_policy(agent, TOKEN) == (4, 5, 6)


# ---------------------------------------------------------------- agent_status and unknown ids


@pytest.mark.parametrize("agent_id", [0, 2, 2**64, MAX_UINT256])
def test_agent_status__unknown_id__all_empty(registry, agent, agent_id):
    assert registry.agent_status(agent_id) == (ZERO, ZERO, False)


@pytest.mark.parametrize("agent_id", [0, 2, MAX_UINT256])
@pytest.mark.parametrize(
    "read",
    [
        lambda r, i, who: r.ownerOf(i),
        lambda r, i, who: r.tokenURI(i),
        lambda r, i, who: r.getAgentWallet(i),
        lambda r, i, who: r.getApproved(i),
        lambda r, i, who: r.isAuthorizedOrOwner(who, i),
    ],
    ids=["ownerOf", "tokenURI", "getAgentWallet", "getApproved", "isAuthorizedOrOwner"],
)
def test_unknown_id__reads_that_need_an_agent__revert(registry, principal, agent, agent_id, read):
    with boa.reverts("registry: unknown agent"):
        read(registry, agent_id, principal)


# ---------------------------------------------------------------- isAuthorizedOrOwner


def test_is_authorized_or_owner__each_role(
    registry, principal, agent, approved, manager, attacker, operator, set_wallet
):
    managers(registry, principal, agent, approved, manager)
    set_wallet(agent, operator)
    assert registry.isAuthorizedOrOwner(principal, agent) is True
    assert registry.isAuthorizedOrOwner(approved, agent) is True
    assert registry.isAuthorizedOrOwner(manager, agent) is True
    assert registry.isAuthorizedOrOwner(attacker, agent) is False
    assert registry.isAuthorizedOrOwner(operator.address, agent) is False  # acts, never manages
    assert registry.isAuthorizedOrOwner(ZERO, agent) is False


def test_is_authorized_or_owner__after_transfer__follows_new_owner(
    registry, principal, other_principal, agent, approved, manager
):
    managers(registry, principal, agent, approved, manager)
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    assert registry.isAuthorizedOrOwner(other_principal, agent) is True
    for stale in (principal, approved, manager):
        assert registry.isAuthorizedOrOwner(stale, agent) is False


def test_is_authorized_or_owner__after_revoking__false(
    registry, principal, agent, approved, manager
):
    managers(registry, principal, agent, approved, manager)
    with boa.env.prank(principal):
        registry.approve(ZERO, agent)
        registry.setApprovalForAll(manager, False)
    assert registry.isAuthorizedOrOwner(approved, agent) is False
    assert registry.isAuthorizedOrOwner(manager, agent) is False


# ---------------------------------------------------------------- total_registered


def test_total_registered__counts_mints_not_owners(
    registry, principal, other_principal, register_agent
):
    assert registry.total_registered() == 0
    ids = [register_agent(principal) for _ in range(3)]
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, ids[0])
    assert registry.total_registered() == 3
    assert ids == [1, 2, 3]

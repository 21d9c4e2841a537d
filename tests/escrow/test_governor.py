"""EscrowGovernor: the only account the escrow's settings obey (SPEC I7).

Every governor function and revert path, each bound at its edge; the
guardian's pause; the two-step ownership handover; the escrow's three hooks
refusing everyone but the governor; an escrow deployed alone staying paused
without a config until its governor exists; the events the governor logs;
and that no governance action moves a balance or changes a job.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import config_tuple, load, predict_address
from .helpers import (
    ACCEPTED,
    BOND_BPS,
    DELIVERED,
    E18,
    OUT_SPLIT,
    PRICE,
    REQUESTED,
    RESOLVED,
    RESULT,
    ZERO,
    peek,
    poke,
)

BOND = PRICE * BOND_BPS // 10_000
HOUR = 3_600
MAX_WINDOW = 90 * 86_400
WINDOWS = ("accept_window", "review_window", "response_window", "arbitration_window")
OWNER_ONLY = "ownable: caller is not the owner"


def events(contract: Any, name: str) -> list[Any]:
    """The logs named `name` of `contract`'s last call."""
    return [e for e in contract.get_logs() if type(e).__name__ == name]


def bare_escrow(world: Any, governor_at: str) -> Any:
    """A JobEscrow on the world's registry, listings, reputation and resolver,
    with no tabs and no offer book, whose governor is to come at
    `governor_at` (deployed by the caller's prank)."""
    return load(
        "JobEscrow",
        world.registry.address,
        world.listings.address,
        world.reputation.address,
        world.resolver.address,
        governor_at,
        ZERO,
        ZERO,
    )


# ------------------------------------------------------------- deployment


def test_deployment__links_config_one_and_unpaused(world, escrow, governance, guardian):
    governor = world.governor
    assert escrow.GOVERNOR() == governor.address
    assert governor.ESCROW() == escrow.address
    assert governor.owner() == governance
    assert governor.pending_owner() == ZERO
    assert governor.guardian() == guardian
    assert escrow.current_config_id() == 1
    assert tuple(escrow.config(1)) == config_tuple(world.fee_recipient)
    assert not escrow.paused()


def test_constructor__empty_escrow__reverts(world, governance):
    with boa.env.prank(governance), boa.reverts("governor: empty escrow"):
        load("EscrowGovernor", ZERO, world.guardian, config_tuple(world.fee_recipient))


def test_constructor__checks_config_one(world, governance):
    escrow_at = predict_address(governance)
    with boa.env.prank(governance):
        escrow = bare_escrow(world, predict_address(governance, ahead=1))
        assert escrow.address == escrow_at
        with boa.reverts("governor: fee above cap"):
            load("EscrowGovernor", escrow.address, ZERO, config_tuple(world.fee_recipient, 1_001))


def test_constructor__logs_guardian_and_config_one(world, governance, guardian):
    with boa.env.prank(governance):
        escrow = bare_escrow(world, predict_address(governance, ahead=1))
        governor = load(
            "EscrowGovernor", escrow.address, guardian, config_tuple(world.fee_recipient)
        )
    (guardian_set,) = events(governor, "GuardianSet")
    assert guardian_set.guardian == guardian
    (added,) = events(governor, "ConfigAdded")
    assert added.config_id == 1
    assert tuple(added.config) == config_tuple(world.fee_recipient)
    assert [type(e).__name__ for e in governor.get_logs()] == [
        "OwnershipTransferred",
        "GuardianSet",
        "ConfigAdded",
    ]


def test_escrow_alone__paused_without_config_until_its_governor(
    world, governance, guardian, funder, create_listing
):
    """An escrow whose governor is not deployed yet takes no entry; the
    governor's constructor (at the predicted address) writes config 1 and
    lifts the pause."""
    governor_at = predict_address(governance, ahead=1)
    with boa.env.prank(governance):
        escrow = bare_escrow(world, governor_at)
    assert escrow.GOVERNOR() == governor_at
    assert escrow.paused()
    assert escrow.current_config_id() == 0
    assert tuple(escrow.config(1)) == (0, 0, 0, ZERO, 0, 0, 0, 0, ZERO)
    world.token.mint(funder, PRICE)
    with boa.env.prank(funder):
        world.token.approve(escrow.address, PRICE)
        # No governor, so no token was ever listed: nothing to deposit.
        with boa.reverts("escrow: token not allowed"):
            escrow.deposit(world.client_id, world.token.address, PRICE)
    lid = create_listing()
    info = world.listings.hire_info(lid)
    with boa.env.prank(world.client_op), boa.reverts("escrow: paused"):
        escrow.hire(lid, world.client_id, info.token, info.price, info.version)
    # Nobody but the governor-to-be can lift the pause or write a config.
    for who in (governance, guardian):
        with boa.env.prank(who), boa.reverts("escrow: not governor"):
            escrow.set_paused(False)

    with boa.env.prank(governance):
        config = config_tuple(world.fee_recipient)
        governor = load("EscrowGovernor", escrow.address, guardian, config)
    assert governor.address == governor_at
    assert not escrow.paused()
    assert escrow.current_config_id() == 1
    with boa.env.prank(funder), boa.reverts("escrow: token not allowed"):
        escrow.deposit(world.client_id, world.token.address, PRICE)
    with boa.env.prank(governance):
        governor.set_token(world.token.address, True, E18)
    with boa.env.prank(funder):
        escrow.deposit(world.client_id, world.token.address, PRICE)
    assert escrow.balance_of(world.client_id, world.token.address) == PRICE


def test_second_governor__refused_by_the_escrow(world, escrow, attacker):
    """A governor someone else deploys for a running escrow cannot write to it."""
    with boa.env.prank(attacker), boa.reverts("escrow: not governor"):
        load("EscrowGovernor", escrow.address, attacker, config_tuple(attacker))


# ------------------------------------------------------------ escrow hooks


def test_escrow_hooks__refuse_everyone_but_the_governor(world, escrow, attacker):
    cfg = config_tuple(attacker)
    for who in (
        attacker,
        world.governance,
        world.guardian,
        world.resolver.address,
        escrow.address,
        world.client_op,
    ):
        with boa.env.prank(who):
            with boa.reverts("escrow: not governor"):
                escrow.set_config(cfg)
            with boa.reverts("escrow: not governor"):
                escrow.set_token(world.token.address, False, 0)
            with boa.reverts("escrow: not governor"):
                escrow.set_paused(True)
            with boa.reverts("escrow: not governor"):
                escrow.set_paused(False)
    assert escrow.current_config_id() == 1
    assert escrow.token_info(world.token.address).allowed
    assert not escrow.paused()


# -------------------------------------------------------------- add_config


@pytest.mark.parametrize("name", ["add_config", "set_token", "set_guardian", "transfer_ownership"])
def test_owner_only__others_refused(world, attacker, name):
    governor = world.governor
    calls = {
        "add_config": lambda: governor.add_config(config_tuple(attacker)),
        "set_token": lambda: governor.set_token(world.token.address, False, 0),
        "set_guardian": lambda: governor.set_guardian(attacker),
        "transfer_ownership": lambda: governor.transfer_ownership(attacker),
    }
    for who in (attacker, world.guardian, world.escrow.address, world.client_op):
        with boa.env.prank(who), boa.reverts(OWNER_ONLY):
            calls[name]()


def test_add_config__bounds_accepted_and_read_back(world, escrow):
    cfg = config_tuple(
        world.fee_recipient,
        fee_bps=1_000,
        bond_bps=5_000,
        bond_floor=2**127 - 1,
        accept_window=HOUR,
        review_window=MAX_WINDOW,
        response_window=HOUR,
        arbitration_window=MAX_WINDOW,
    )
    with boa.env.prank(world.governance):
        cid = world.governor.add_config(cfg)
    assert cid == 2
    assert tuple(escrow.config(cid)) == cfg
    assert escrow.current_config_id() == cid
    low = config_tuple(
        world.fee_recipient,
        fee_bps=0,
        bond_bps=0,
        bond_floor=1,
        accept_window=MAX_WINDOW,
        review_window=HOUR,
        response_window=MAX_WINDOW,
        arbitration_window=HOUR,
    )
    with boa.env.prank(world.governance):
        assert world.governor.add_config(low) == 3
    assert tuple(escrow.config(3)) == low
    assert tuple(escrow.config(2)) == cfg  # earlier versions stay


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"fee_bps": 1_001}, "governor: fee above cap"),
        ({"fee_recipient": ZERO}, "governor: no fee recipient"),
        ({"bond_bps": 5_001}, "governor: bond above cap"),
        ({"bond_floor": 0}, "governor: bad bond floor"),
        ({"bond_floor": 2**127}, "governor: bad bond floor"),
        ({"arbitrator": ZERO}, "governor: no arbitrator"),
    ]
    + [({w: HOUR - 1}, "governor: bad window") for w in WINDOWS]
    + [({w: MAX_WINDOW + 1}, "governor: bad window") for w in WINDOWS],
)
def test_add_config__each_bound_one_off__reverts(world, escrow, overrides, reason):
    with boa.env.prank(world.governance), boa.reverts(reason):
        world.governor.add_config(
            config_tuple(**{"fee_recipient": world.fee_recipient, **overrides})
        )
    assert escrow.current_config_id() == 1


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("value", [HOUR, MAX_WINDOW])
def test_add_config__each_window_at_its_bounds__accepted(world, escrow, window, value):
    cfg = config_tuple(world.fee_recipient, **{window: value})
    with boa.env.prank(world.governance):
        cid = world.governor.add_config(cfg)
    assert tuple(escrow.config(cid)) == cfg


def test_add_config__logs_config_added(world):
    cfg = config_tuple(world.fee_recipient, fee_bps=1_000)
    with boa.env.prank(world.governance):
        world.governor.add_config(cfg)
    (added,) = events(world.governor, "ConfigAdded")
    assert added.config_id == 2
    assert tuple(added.config) == cfg


def test_add_config__too_many_configs__reverts(world, escrow):
    head = peek(escrow, "_head")
    poke(escrow, "_head", (head & ~(((1 << 24) - 1) << 64)) | ((2**24 - 2) << 64))
    with boa.env.prank(world.governance):
        assert world.governor.add_config(config_tuple(world.fee_recipient)) == 2**24 - 1
        with boa.reverts("escrow: too many configs"):
            world.governor.add_config(config_tuple(world.fee_recipient))


def test_add_config__open_jobs_keep_theirs(world, escrow, job_in, attacker):
    old = job_in(DELIVERED)
    with boa.env.prank(world.governance):
        world.governor.add_config(config_tuple(attacker, fee_bps=1_000))
    with boa.env.prank(world.client_op):
        escrow.complete(old)
    assert escrow.job(old).config_id == 1
    assert escrow.fees_owed(attacker, world.token.address) == 0
    assert escrow.job(job_in(REQUESTED)).config_id == 2


# --------------------------------------------------------------- set_token


def test_set_token__not_a_contract__reverts(world, attacker):
    with boa.env.prank(world.governance):
        for token in (attacker, ZERO):
            with boa.reverts("governor: not a contract"):
                world.governor.set_token(token, True, E18)


def test_set_token__weight_bound(world, escrow):
    with boa.env.prank(world.governance):
        with boa.reverts("governor: weight too large"):
            world.governor.set_token(world.token.address, True, 2**96)
        world.governor.set_token(world.token.address, True, 2**96 - 1)  # the bound itself
    assert escrow.token_info(world.token.address).weight == 2**96 - 1


def test_set_token__lists_reweights_delists_and_logs(world, escrow):
    governor = world.governor
    count = escrow.token_count()
    new = load("MockWeirdToken", 18)
    with boa.env.prank(world.governance):
        governor.set_token(new.address, True, 3 * E18)
    (listed,) = events(governor, "TokenSet")
    assert (listed.token, listed.index, listed.allowed, listed.weight) == (
        new.address,
        count + 1,
        True,
        3 * E18,
    )
    info = escrow.token_info(new.address)
    assert (info.allowed, info.weight) == (True, 3 * E18)
    assert escrow.token_count() == count + 1
    with boa.env.prank(world.governance):
        governor.set_token(new.address, False, 0)  # delist: same index
    (delisted,) = events(governor, "TokenSet")
    assert (delisted.index, delisted.allowed, delisted.weight) == (count + 1, False, 0)
    info = escrow.token_info(new.address)
    assert (info.allowed, info.weight) == (False, 0)
    assert escrow.token_count() == count + 1


def test_set_token__too_many_tokens__reverts(world, escrow):
    poke(escrow, "token_count", 2**16 - 2)
    with boa.env.prank(world.governance):
        world.governor.set_token(load("MockWeirdToken", 18).address, True, E18)
        assert escrow.token_count() == 2**16 - 1
        with boa.reverts("escrow: too many tokens"):
            world.governor.set_token(load("MockWeirdToken", 18).address, True, E18)


# ------------------------------------------------------- guardian and pause


def test_pause__guardian_and_owner_only(world, escrow, attacker):
    governor = world.governor
    for who in (attacker, world.client_op, world.fee_recipient):
        with boa.env.prank(who):
            with boa.reverts("governor: not guardian"):
                governor.pause()
            with boa.reverts("governor: not guardian"):
                governor.unpause()
    with boa.env.prank(world.guardian):
        governor.pause()
    (paused,) = events(governor, "Paused")
    assert paused.account == world.guardian
    assert escrow.paused()
    with boa.env.prank(world.guardian):
        governor.unpause()
    (unpaused,) = events(governor, "Unpaused")
    assert unpaused.account == world.guardian
    assert not escrow.paused()
    with boa.env.prank(world.governance):
        governor.pause()
        assert escrow.paused()
        governor.unpause()
    assert not escrow.paused()


def test_pause__blocks_entries_and_keeps_config(world, escrow, fund, create_listing):
    lid = create_listing()
    info = world.listings.hire_info(lid)
    with boa.env.prank(world.guardian):
        world.governor.pause()
    assert escrow.current_config_id() == 1
    free = escrow.balance_of(world.client_id, world.token.address)
    fund(amount=5)  # never paused: a bond may need it
    assert escrow.balance_of(world.client_id, world.token.address) == free + 5
    with boa.env.prank(world.client_op), boa.reverts("escrow: paused"):
        escrow.hire(lid, world.client_id, info.token, info.price, info.version)
    with boa.env.prank(world.guardian):
        world.governor.unpause()
    fund()


def test_set_guardian__moves_and_disables_the_role(world, escrow, attacker, keyed):
    governor = world.governor
    new = keyed("new_guardian").address
    with boa.env.prank(world.governance):
        governor.set_guardian(new)
    (logged,) = events(governor, "GuardianSet")
    assert logged.guardian == new
    assert governor.guardian() == new
    with boa.env.prank(world.guardian), boa.reverts("governor: not guardian"):
        governor.pause()
    with boa.env.prank(new):
        governor.pause()
    assert escrow.paused()
    with boa.env.prank(world.governance):
        governor.set_guardian(ZERO)
    assert governor.guardian() == ZERO
    with boa.env.prank(new), boa.reverts("governor: not guardian"):
        governor.unpause()
    with boa.env.prank(world.governance):  # the owner keeps the role
        governor.unpause()
    assert not escrow.paused()


# -------------------------------------------------------------- ownership


def test_ownership__two_step_handover(world, escrow, attacker, keyed):
    governor = world.governor
    gov = world.governance
    heir = keyed("heir").address
    with boa.env.prank(gov):
        governor.transfer_ownership(heir)
    (started,) = events(governor, "OwnershipTransferStarted")
    assert (started.previous_owner, started.new_owner) == (gov, heir)
    assert governor.pending_owner() == heir
    assert governor.owner() == gov  # nothing changes until the heir accepts
    for who in (attacker, gov):
        with boa.env.prank(who), boa.reverts("ownable_2step: caller is not the new owner"):
            governor.accept_ownership()
    with boa.env.prank(gov):  # still the owner: may re-point the transfer
        governor.transfer_ownership(attacker)
        governor.transfer_ownership(heir)
    with boa.env.prank(attacker), boa.reverts("ownable_2step: caller is not the new owner"):
        governor.accept_ownership()
    with boa.env.prank(heir):
        governor.accept_ownership()
    (done,) = events(governor, "OwnershipTransferred")
    assert (done.previous_owner, done.new_owner) == (gov, heir)
    assert governor.owner() == heir
    assert governor.pending_owner() == ZERO
    # The old owner lost every power, the new one has them.
    with boa.env.prank(gov):
        with boa.reverts(OWNER_ONLY):
            governor.add_config(config_tuple(gov))
        with boa.reverts(OWNER_ONLY):
            governor.set_token(world.token.address, False, 0)
        with boa.reverts(OWNER_ONLY):
            governor.set_guardian(gov)
        with boa.reverts(OWNER_ONLY):
            governor.transfer_ownership(gov)
        with boa.reverts("governor: not guardian"):
            governor.pause()
    with boa.env.prank(heir):
        assert governor.add_config(config_tuple(heir)) == 2
        governor.pause()
    assert escrow.paused()


def test_ownership__transfer_to_empty_cancels(world, attacker):
    governor = world.governor
    with boa.env.prank(world.governance):
        governor.transfer_ownership(attacker)
        governor.transfer_ownership(ZERO)
    assert governor.pending_owner() == ZERO
    with boa.env.prank(attacker), boa.reverts("ownable_2step: caller is not the new owner"):
        governor.accept_ownership()
    assert governor.owner() == world.governance


# ------------------------------------------------- no governance moves funds


def _snapshot(world: Any, jobs: list[int]) -> tuple[Any, ...]:
    e = world.escrow
    tokens = (world.token, world.usdc, world.usdt)
    agents = (world.client_id, world.provider_id, world.sibling_id)
    return (
        tuple(e.balance_of(a, t.address) for a in agents for t in tokens),
        tuple(e.spent(a, t.address) for a in agents for t in tokens),
        tuple(e.fees_owed(world.fee_recipient, t.address) for t in tokens),
        tuple(t.balanceOf(e.address) for t in tokens),
        tuple(tuple(e.job(j)) for j in jobs),
        tuple(e.bonds(j) for j in jobs),
        tuple(e.evaluator_of(j) for j in jobs),
        tuple(e.job_parties(j) for j in jobs),
        tuple(e.config(1)),
    )


def test_governance__every_action_leaves_balances_and_jobs(world, fund, job_in, escrow, attacker):
    governor = world.governor
    jobs = [job_in(REQUESTED), job_in(ACCEPTED), job_in(DELIVERED)]
    fund(amount=BOND)
    with boa.env.prank(world.client_op):
        world.resolver.open(jobs[2])
    fund(amount=7 * PRICE)
    fund(agent_id=world.provider_id, amount=3 * 10**6, token=world.usdc)
    before = _snapshot(world, jobs)
    gov = world.governance
    with boa.env.prank(gov):
        governor.add_config(config_tuple(attacker, fee_bps=1_000, arbitrator=attacker))
        governor.set_token(world.token.address, False, 0)
        governor.set_token(world.usdc.address, True, 1)
        governor.set_token(load("MockWeirdToken", 18).address, True, E18)
        governor.set_guardian(attacker)
        governor.pause()
        governor.unpause()
        governor.transfer_ownership(attacker)
    assert _snapshot(world, jobs) == before
    with boa.env.prank(attacker):
        governor.accept_ownership()
        governor.pause()
    assert _snapshot(world, jobs) == before
    # Open jobs still exit on their own config, paused and delisted or not.
    with boa.env.prank(world.provider_op):
        escrow.accept(jobs[0])
        escrow.deliver(jobs[1], RESULT, "u")
    world.resolver.settle(jobs[2], PRICE, BOND, 0, OUT_SPLIT)
    assert escrow.job(jobs[2]).status == RESOLVED
    assert escrow.fees_owed(attacker, world.token.address) == 0
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, world.token.address, 7 * PRICE, world.principal)

"""The attack catalogue's scenarios that had no named test elsewhere.

Each test mounts one attack on the real protocol (`world.py`: every contract
deployed in production order) and asserts the safe outcome exactly. The
README's "Attack catalogue" lists these with the tests in the other folders.
"""

from __future__ import annotations

from typing import Any

import boa
from eth_account.signers.local import LocalAccount

from .helpers import (
    ARBITRATION_WINDOW,
    FEE_BPS,
    PRICE,
    RESPONSE_WINDOW,
    REVIEW_WINDOW,
    Driver,
    at,
)
from .model import ruling_payout
from .world import (
    COMPLETED,
    DAY,
    DELIVERED,
    DISPUTED,
    MODE_NORMAL,
    MODE_REENTRANT,
    NO_EVALUATOR,
    REFUNDED,
    REQUESTED,
    RESOLVED,
    World,
    load,
    now,
    sign_offer,
    tab_voucher,
)

BOND_FLOOR = 1_000


def _complete(d: Driver, job_id: int, client: int) -> None:
    with boa.env.prank(d.principal(client)):
        d.e.complete(job_id)


def _panel_rules(world: World, job_id: int, ruling: int) -> None:
    """A quorum of the panel (two arbiters) votes `ruling` on the job's case."""
    case = world.resolver.dispute_of(job_id).arbitrator_dispute_id
    for arbiter in world.arbiters[:2]:
        with boa.env.prank(arbiter):
            world.panel.vote(case, ruling)


# ------------------------------------------------------------ hostile receiver


def test_hostile_receiver__reverting_hook_fails_only_its_own_withdrawal(world: World) -> None:
    """A receiver whose token hook reverts (ERC-777 style) cannot block a
    settlement, nor anyone's payment in another token: settlement only
    credits the ledger, and the failed withdrawal leaves the ledger whole."""
    d = Driver(world)
    weird, t18 = world.tokens["WEIRD"], world.tokens["T18"]
    a1, _, a3, _ = world.agents
    job_id = d.job_in(DELIVERED, a1, a3, weird)
    d.fund(a1, t18, PRICE)
    # Every transfer of the token now calls a contract that reverts.
    weird.set_mode(MODE_REENTRANT)
    weird.set_hook(world.hostile.address, b"\xde\xad\xbe\xef", True)
    _complete(d, job_id, a1)  # settlement pushes nothing: unaffected
    paid = PRICE - PRICE * FEE_BPS // 10_000
    assert d.balances(weird, a3) == [paid]
    with boa.env.prank(d.principal(a3)), boa.reverts("escrow: transfer failed"):
        d.e.withdraw(a3, weird.address, paid, d.principal(a3))
    assert d.balances(weird, a3) == [paid]  # nothing lost by the failure
    with boa.env.prank(d.principal(a1)):  # another token: unaffected
        d.e.withdraw(a1, t18.address, PRICE, d.principal(a1))
    assert t18.balanceOf(d.principal(a1)) == PRICE
    weird.set_mode(MODE_NORMAL)
    with boa.env.prank(d.principal(a3)):
        d.e.withdraw(a3, weird.address, paid, d.principal(a3))
    assert weird.balanceOf(d.principal(a3)) == paid
    assert d.solvent(weird) and d.solvent(t18)


# --------------------------------------------------------------- rebasing token


def _rebasing(world: World) -> Any:
    token = load("MockRebasingToken")
    with boa.env.prank(world.governance):
        world.governor.set_token(token.address, True, 10**18)
    return token


def test_rebasing_token__rebase_during_deposit__refused(world: World) -> None:
    """A token whose balances move during the transfer is refused at deposit,
    like a fee-on-transfer token: the escrow measures what it received."""
    d = Driver(world)
    token = _rebasing(world)
    a1 = world.agents[0]
    payer = d.principal(a1)
    token.mint(payer, 10 * PRICE)
    token.set_rebase_on_transfer(11 * 10**17)  # +10 % at every transfer
    with boa.env.prank(payer):
        token.approve(d.e.address, PRICE)
        with boa.reverts("escrow: fee-on-transfer"):
            d.e.deposit(a1, token.address, PRICE)
    assert d.balances(token, a1) == [0]
    assert token.balanceOf(d.e.address) == 0


def test_rebasing_token__rebase_after_deposit__damage_stays_in_that_token(
    world: World,
) -> None:
    """A rebase between two transactions cannot be seen by any ledger: a
    negative one leaves the escrow short in that token (the last withdrawal
    of it fails), and a positive one leaves a surplus. Governance's
    allowlist is the defense (SPEC.md: such tokens stay off it); the
    damage never reaches another token, a job or a fee in another token."""
    d = Driver(world)
    token, t18 = _rebasing(world), world.tokens["T18"]
    a1, _, a3, _ = world.agents
    d.fund(a1, token, PRICE)
    d.fund(a3, token, PRICE)
    d.fund(a1, t18, PRICE)
    token.rebase(9 * 10**17)  # -10 %
    assert token.balanceOf(d.e.address) == 18 * 10**17
    with boa.env.prank(d.principal(a1)):
        d.e.withdraw(a1, token.address, PRICE, d.principal(a1))
    with boa.env.prank(d.principal(a3)), boa.reverts("escrow: transfer failed"):
        d.e.withdraw(a3, token.address, PRICE, d.principal(a3))
    assert d.balances(token, a3) == [PRICE]  # its claim is kept, not lost
    with boa.env.prank(d.principal(a3)):
        d.e.withdraw(a3, token.address, 8 * 10**17, d.principal(a3))
    assert token.balanceOf(d.e.address) == 0
    # Another token, its jobs and fees: untouched.
    assert d.solvent(t18)
    job_id = d.job_in(DELIVERED, a1, a3, t18)
    _complete(d, job_id, a1)
    assert d.solvent(t18)


# --------------------------------------------------------- blocklisted receiver


def test_blocklisted_receiver__settles_and_withdraws_to_another_address(
    world: World, keyed: Any
) -> None:
    """A provider whose address the token blocklists is still paid (the
    ledger is credited, nothing is pushed), withdraws to another address,
    and nobody else is held up: the client's refund and the fee claim go out."""
    d = Driver(world)
    usdc = load("MockBlocklistToken")
    with boa.env.prank(world.governance):
        world.governor.set_token(usdc.address, True, 10**30 // 10**6)
    a1, _, a3, _ = world.agents
    done = d.job_in(DELIVERED, a1, a3, usdc, 1_000_000)
    refunded = d.job_in(REQUESTED, a1, a3, usdc, 500_000)
    provider = d.principal(a3)
    usdc.set_blocked(provider, True)
    _complete(d, done, a1)
    with boa.env.prank(provider):
        d.e.decline(refunded)
    paid = 1_000_000 - 1_000_000 * FEE_BPS // 10_000
    assert d.balances(usdc, a1, a3) == [500_000, paid]
    with boa.env.prank(provider), boa.reverts("escrow: transfer failed"):
        d.e.withdraw(a3, usdc.address, paid, provider)
    cold = str(keyed("assurance_cold_wallet").address)
    with boa.env.prank(provider):
        d.e.withdraw(a3, usdc.address, paid, cold)
    with boa.env.prank(d.principal(a1)):
        d.e.withdraw(a1, usdc.address, 500_000, d.principal(a1))
    with boa.env.prank(world.fee_recipient):
        d.e.claim_fees(usdc.address, world.fee_recipient)
    assert usdc.balanceOf(cold) == paid
    assert usdc.balanceOf(d.principal(a1)) == 500_000
    assert usdc.balanceOf(world.fee_recipient) == 1_000_000 - paid
    assert usdc.balanceOf(d.e.address) == 0


# ------------------------------------------------------ replay across agents


def test_offer_replay__across_agents__reverts(world: World) -> None:
    """An offer signed for one provider agent is worthless for another: the
    same signature over a changed provider id recovers someone else, and a
    key that acts for agent A cannot sign offers for agent B. A principal
    signs for each of its own agents (control)."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, a2, a3, a4 = world.agents
    d.fund(a1, t18, 3 * PRICE)
    op3: LocalAccount = world.operators[a3][0]
    expiry = now() + 3_600
    mine = (a3, a1, t18.address, PRICE, 3 * DAY, b"\1" * 32, NO_EVALUATOR, 0, 1, expiry)
    v, r, s = sign_offer(op3, mine, str(world.offers.address))
    forged = (a4, *mine[1:])
    with boa.env.prank(d.principal(a1)), boa.reverts("escrow: bad signature"):
        world.offers.hire_with_offer(forged, a1, v, r, s)
    for_other = (a4, a1, t18.address, PRICE, 3 * DAY, b"\1" * 32, NO_EVALUATOR, 0, 2, expiry)
    v2, r2, s2 = sign_offer(op3, for_other, str(world.offers.address))
    with boa.env.prank(d.principal(a1)), boa.reverts("escrow: bad signature"):
        world.offers.hire_with_offer(for_other, a1, v2, r2, s2)
    assert not world.offers.nonce_used(a4, 1) and not world.offers.nonce_used(a4, 2)
    # control: the genuine offer, and a principal signing for its other agent
    with boa.env.prank(d.principal(a1)):
        world.offers.hire_with_offer(mine, a1, v, r, s)
    p0: LocalAccount = world.principals[0]
    own = (a2, a3, t18.address, PRICE, 3 * DAY, b"\1" * 32, NO_EVALUATOR, 0, 3, expiry)
    v3, r3, s3 = sign_offer(p0, own, str(world.offers.address))
    d.fund(a3, t18, PRICE)
    with boa.env.prank(d.principal(a3)):
        world.offers.hire_with_offer(own, a3, v3, r3, s3)
    assert d.balances(t18, a1, a3) == [2 * PRICE, 0]


# ------------------------------------------------------ Sybil reputation farming


def test_sybil_farming__pays_the_fee_on_every_unit_and_trusted_reads_ignore_it(
    world: World, keyed: Any
) -> None:
    """Sybil agents under different principals can trade with each other to
    write reputation, but every unit of faked volume pays the protocol fee,
    and a reader who counts only counterparties it trusts sees none of it."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    honest = world.agents[0]
    sybils = []
    for i in range(3):
        owner = str(keyed(f"assurance_sybil{i}").address)
        with boa.env.prank(owner):
            sybils.append(int(world.registry.register("ipfs://sybil")))
    fees_before = d.fees(t18)
    rounds = 4
    for k in range(rounds):
        client, provider = sybils[k % 3], sybils[(k + 1) % 3]
        job_id = d.job_in(DELIVERED, client, provider, t18)
        _complete(d, job_id, client)
        with boa.env.prank(d.principal(client)):
            world.reputation.rate(job_id, 100, "", "", "", b"\0" * 32)
    assert d.fees(t18) - fees_before == rounds * (PRICE * FEE_BPS // 10_000)
    target = sybils[1]
    whole = world.reputation.reputation_of(target)
    assert whole.completed > 0 and whole.volume > 0 and whole.rating_count > 0
    trusted = world.reputation.reputation_among(target, [honest, world.agents[2]])
    assert (trusted.completed, trusted.volume, trusted.rating_count) == (0, 0, 0)


# ------------------------------------------------------------ dispute griefing


def test_dispute_griefing__griefer_loses_its_bond_and_the_provider_waits_a_bounded_time(
    world: World,
) -> None:
    """A client that disputes good work to grief the provider pays for it:
    when the panel rules for the provider, the client's bond goes to the fee
    recipient (who pays the arbiters) and the provider is paid in full. If
    the panel stays silent, the provider is never locked past the response
    and arbitration windows (the neutral default)."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, _, a3, _ = world.agents
    bond = max(BOND_FLOOR, PRICE * 1_000 // 10_000)
    d.fund(a1, t18, bond)
    d.fund(a3, t18, 2 * bond)
    job_id = d.job_in(DISPUTED, a1, a3, t18)
    with boa.env.prank(d.principal(a3)):
        world.resolver.answer(job_id, "ipfs://answer")
    fees_before = d.fees(t18)
    _panel_rules(world, job_id, 2)  # provider wins
    fee = PRICE * FEE_BPS // 10_000
    assert d.balances(t18, a1, a3) == [0, 2 * bond + PRICE - fee]
    assert d.fees(t18) - fees_before == fee + bond
    # A second griefing dispute that the panel never rules on.
    d.fund(a1, t18, bond)
    job_id = d.job_in(DISPUTED, a1, a3, t18)
    with boa.env.prank(d.principal(a3)):
        world.resolver.answer(job_id, "ipfs://answer")
    answered = now()
    with boa.reverts("resolver: arbitration deadline not passed"):
        world.resolver.apply_default(job_id)
    at(answered + ARBITRATION_WINDOW)
    world.resolver.apply_default(job_id)
    assert d.e.job(job_id).status == RESOLVED
    assert d.solvent(t18)


# ---------------------------------------------------------- a party never acts


def test_party_never_acts__every_open_state_ends_by_one_party_at_its_deadline(
    world: World,
) -> None:
    """For every open state, the counterparty that stays silent cannot keep
    the money: one second before the deadline the exit is refused, at the
    deadline one party alone (or anyone) ends the job, and every unit lands
    where SPEC.md says."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, _, a3, _ = world.agents
    client = d.principal(a1)
    stranger = str(world.stranger.address)
    bond = max(BOND_FLOOR, PRICE * 1_000 // 10_000)
    fee = PRICE * FEE_BPS // 10_000

    def exit_at(deadline: int, who: str, fn: Any) -> None:
        at(deadline - 1)
        with boa.env.prank(who), boa.reverts():
            fn()
        at(deadline)
        with boa.env.prank(who):
            fn()

    # Requested: the provider never answers -> the client reclaims.
    job_id = d.job_in(REQUESTED, a1, a3, t18)
    exit_at(int(d.e.job(job_id).deadline), client, lambda: d.e.reclaim(job_id))
    assert d.e.job(job_id).status == REFUNDED and d.balances(t18, a1) == [PRICE]
    with boa.env.prank(client):
        d.e.withdraw(a1, t18.address, PRICE, client)
    # Accepted: the provider never delivers -> the client reclaims.
    job_id = d.job_in(2, a1, a3, t18)
    exit_at(int(d.e.job(job_id).deadline), client, lambda: d.e.reclaim(job_id))
    assert d.balances(t18, a1) == [PRICE]
    with boa.env.prank(client):
        d.e.withdraw(a1, t18.address, PRICE, client)
    # Delivered: the client never reviews -> anyone finalizes.
    job_id = d.job_in(DELIVERED, a1, a3, t18)
    exit_at(int(d.e.job(job_id).deadline), stranger, lambda: d.e.finalize(job_id))
    assert d.e.job(job_id).status == COMPLETED
    assert d.balances(t18, a3) == [PRICE - fee]
    # Disputed, unanswered: the provider never answers -> default win.
    d.fund(a1, t18, bond)
    job_id = d.job_in(DISPUTED, a1, a3, t18)
    exit_at(
        int(world.resolver.dispute_of(job_id).response_deadline),
        stranger,
        lambda: world.resolver.claim_default_win(job_id),
    )
    assert d.balances(t18, a1) == [PRICE + bond]
    with boa.env.prank(client):
        d.e.withdraw(a1, t18.address, PRICE + bond, client)
    # Disputed, answered: the arbitrator never rules -> neutral default.
    d.fund(a1, t18, bond)
    d.fund(a3, t18, bond)
    job_id = d.job_in(DISPUTED, a1, a3, t18)
    with boa.env.prank(d.principal(a3)):
        world.resolver.answer(job_id, "ipfs://a")
    exit_at(
        int(world.resolver.dispute_of(job_id).arbitration_deadline),
        stranger,
        lambda: world.resolver.apply_default(job_id),
    )
    half = PRICE // 2
    assert d.balances(t18, a1, a3) == [
        PRICE - half + bond,
        PRICE - fee + half - half * FEE_BPS // 10_000 + bond,
    ]
    assert d.solvent(t18)


# ------------------------------------------------------------------ dust


def test_dust_splits__every_ruling_on_tiny_amounts_pays_out_every_unit(world: World) -> None:
    """Amounts of 1 to 101 units through every kind of ruling (with the 2.5 %
    fee and a bond floor): each ending pays out exactly what the job took in,
    the rounding goes where the ruling table says, nothing is left behind."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, _, a3, _ = world.agents
    for amount in (1, 2, 3, 99, 101):
        for ruling in (0, 1, 2, 3 + 33, 3 + 67):
            bond = max(BOND_FLOOR, amount * 1_000 // 10_000)
            d.fund(a1, t18, bond)
            d.fund(a3, t18, bond)
            job_id = d.job_in(DISPUTED, a1, a3, t18, amount)
            with boa.env.prank(d.principal(a3)):
                world.resolver.answer(job_id, "ipfs://a")
            before = [*d.balances(t18, a1, a3), d.fees(t18)]
            _panel_rules(world, job_id, ruling)
            after = [*d.balances(t18, a1, a3), d.fees(t18)]
            share, client_back, provider_back, _ = ruling_payout(amount, bond, ruling)
            fee = share * FEE_BPS // 10_000
            expected = [
                amount - share + client_back,
                share - fee + provider_back,
                fee + (bond - client_back) + (bond - provider_back),
            ]
            got = [x - y for x, y in zip(after, before, strict=True)]
            assert got == expected, (amount, ruling, got, expected)
            assert sum(got) == amount + 2 * bond
    assert d.solvent(t18)


# ---------------------------------------------------- hostile arbitrator (real)


def test_hostile_arbitrator__on_the_real_escrow__cannot_trap_or_take_funds(
    world: World,
) -> None:
    """Jobs whose config names a hostile court: a refused case goes to the
    neutral default at once; a court re-entering the resolver from
    `createDispute` gets no case; a court can rule only the cases it took,
    never another court's or a made-up one; the money stays conserved."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, _, a3, _ = world.agents
    hostile = world.hostile
    c = world.escrow.config(world.hostile_config)
    with boa.env.prank(world.governance):
        world.governor.add_config(tuple(c))
    bond = max(BOND_FLOOR, PRICE * 1_000 // 10_000)

    def answered(mode: int, data: bytes = b"") -> int:
        d.fund(a1, t18, bond)
        d.fund(a3, t18, bond)
        job_id = d.job_in(DISPUTED, a1, a3, t18)
        hostile.set_mode(mode, data, 0)
        with boa.env.prank(d.principal(a3)):
            world.resolver.answer(job_id, "ipfs://a")
        return job_id

    refused = answered(1)
    view = world.resolver.dispute_of(refused)
    assert not view.case_opened and view.arbitration_deadline == now()
    world.resolver.apply_default(refused)
    assert d.e.job(refused).status == RESOLVED
    reentry = world.resolver.claim_default_win.prepare_calldata(refused)
    reentered = answered(2, reentry)
    assert not world.resolver.dispute_of(reentered).case_opened
    taken = answered(0)
    case = world.resolver.dispute_of(taken).arbitrator_dispute_id
    with boa.reverts("resolver: unknown dispute"):
        hostile.call_rule(world.resolver.address, case + 1, 2)
    with boa.env.prank(world.arbiters[0]), boa.reverts():
        world.resolver.rule(case, 2)  # not this job's arbitrator
    with boa.env.prank(world.hostile_owner):
        hostile.give_ruling(case, 2)
    with boa.env.prank(world.hostile_owner), boa.reverts():
        hostile.give_ruling(case, 1)  # rules once
    assert d.e.job(taken).status == RESOLVED
    assert d.e.job(reentered).status == DISPUTED
    world.resolver.apply_default(reentered)
    assert d.solvent(t18)


def test_review_window_constants_match_the_world(world: World) -> None:
    """The attack tests assume the world's current config (guard)."""
    c = world.escrow.config(world.escrow.current_config_id())
    assert (c.review_window, c.response_window, c.arbitration_window) == (
        REVIEW_WINDOW,
        RESPONSE_WINDOW,
        ARBITRATION_WINDOW,
    )
    assert (c.fee_bps, c.bond_floor, c.bond_bps) == (FEE_BPS, BOND_FLOOR, 1_000)


# ------------------------------------- issue 14: the guardian's pause and disputes


def _broke(d: Driver, token: Any, *agents: int) -> None:
    """Each agent withdraws its whole free balance (its earnings gone)."""
    for agent in agents:
        free = d.balances(token, agent)[0]
        if free:
            with boa.env.prank(d.principal(agent)):
                d.e.withdraw(agent, token.address, free, d.principal(agent))


def _freeze_entries(world: World, token: Any) -> None:
    """The admin levers at their worst: paused, and the job's token delisted."""
    with boa.env.prank(world.guardian):
        world.governor.pause()
    with boa.env.prank(world.governance):
        world.governor.set_token(token.address, False, 10**18)
    assert world.escrow.paused()


def _thaw_entries(world: World, token: Any) -> None:
    with boa.env.prank(world.governance):
        world.governor.set_token(token.address, True, 10**18)
    with boa.env.prank(world.guardian):
        world.governor.unpause()


def test_guardian_pause__cannot_decide_a_dispute_by_blocking_bonds(world: World) -> None:
    """Issue 14, finding 3. Bonds come only from the free balance. Both sides
    hold nothing free; the guardian pauses the escrow (and governance delists
    the job's token) for the whole review and response windows. The client
    still funds its dispute before the review deadline, the provider funds
    its answer in the last second of the response window, and the panel's
    ruling decides the job, not the pause: the provider is paid in full, the
    client's bond pays the arbitration, to the unit."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, _, a3, _ = world.agents
    bond = max(BOND_FLOOR, PRICE * 1_000 // 10_000)
    job_id = d.job_in(DELIVERED, a1, a3, t18)
    _broke(d, t18, a1, a3)
    assert d.balances(t18, a1, a3) == [0, 0]
    fees_before = d.fees(t18)
    _freeze_entries(world, t18)
    try:
        review_deadline = int(d.e.job(job_id).deadline)
        at(review_deadline - 1)
        d.fund(a1, t18, bond)  # paused and delisted: the deposit goes through
        with boa.env.prank(d.principal(a1)):
            world.resolver.dispute(job_id, "ipfs://meta")
        response_deadline = int(world.resolver.dispute_of(job_id).response_deadline)
        at(response_deadline - 1)
        d.fund(a3, t18, bond)
        with boa.env.prank(d.principal(a3)):
            world.resolver.answer(job_id, "ipfs://answer")
        _panel_rules(world, job_id, 2)  # provider wins
        fee = PRICE * FEE_BPS // 10_000
        assert d.e.job(job_id).status == RESOLVED
        assert d.balances(t18, a1, a3) == [0, PRICE - fee + bond]
        assert d.fees(t18) - fees_before == fee + bond
        assert d.solvent(t18)
    finally:
        _thaw_entries(world, t18)


def test_guardian_pause__cannot_keep_a_provider_from_contesting_a_rejection(
    world: World,
) -> None:
    """Issue 14, finding 3, the evaluator's path: an evaluator rejects; the
    provider holds nothing free and the escrow is paused (its token
    delisted) through the response window. The provider deposits its bond
    and contests in the window's last second; the client answers; the panel
    rules for the provider, who is paid the price less both fees."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    a1, _, a3, _ = world.agents
    evaluator = world.evaluators[0]
    listing_id = d.listing(a3, t18)
    with boa.env.prank(d.principal(a3)):
        world.listings.set_listing_evaluator(listing_id, evaluator, 500)
    d.fund(a1, t18, PRICE)
    job_id = d.hire(a1, listing_id)
    with boa.env.prank(d.principal(a3)):
        d.e.accept(job_id)
        d.e.deliver(job_id, b"\2" * 32, "ipfs://r")
    with boa.env.prank(evaluator):
        d.e.reject(job_id, b"\3" * 32)
    reduced = PRICE - PRICE * 500 // 10_000
    bond = max(BOND_FLOOR, reduced * 1_000 // 10_000)
    _broke(d, t18, a1, a3)
    fees_before = d.fees(t18)
    _freeze_entries(world, t18)
    try:
        at(int(d.e.job(job_id).deadline) - 1)  # the response deadline, less a second
        d.fund(a3, t18, bond)
        with boa.env.prank(d.principal(a3)):
            world.resolver.dispute(job_id, "ipfs://contest")
        d.fund(a1, t18, bond)
        with boa.env.prank(d.principal(a1)):
            world.resolver.answer(job_id, "ipfs://answer")
        _panel_rules(world, job_id, 2)
        fee = reduced * FEE_BPS // 10_000
        assert d.balances(t18, a1, a3) == [0, reduced - fee + bond]
        assert d.fees(t18) - fees_before == fee + bond
    finally:
        _thaw_entries(world, t18)


# ------------------------------------------------ issue 14: dust reputation


def test_dust_jobs__write_no_reputation_without_a_fee(world: World, keyed: Any) -> None:
    """Issue 14, finding 4. Jobs priced below `10_000 / fee_bps` units pay no
    protocol fee (it rounds to zero). Ten 39-unit jobs and a 1-unit tab
    between two agents of different principals used to give 11 completed
    facts, 10 ratings and an average of 100 for nothing. No fee, no fact:
    they now write nothing and cannot be rated; the first job that pays one
    unit of fee writes one fact."""
    d = Driver(world)
    t18 = world.tokens["T18"]
    owners = [str(keyed(f"assurance_dust{i}").address) for i in range(2)]
    client, provider = [], []
    for owner, out in zip(owners, (client, provider), strict=True):
        with boa.env.prank(owner):
            out.append(int(world.registry.register("ipfs://dust")))
    c, p = client[0], provider[0]
    dust = 10_000 // FEE_BPS - 1
    assert dust * FEE_BPS // 10_000 == 0
    fees_before = d.fees(t18)
    for _ in range(10):
        job_id = d.job_in(DELIVERED, c, p, t18, dust)
        _complete(d, job_id, c)
        assert d.e.job(job_id).status == COMPLETED
        with boa.env.prank(owners[0]), boa.reverts("escrow: no reputation"):
            world.reputation.rate(job_id, 100, "", "", "", b"\0" * 32)
    d.fund(c, t18, 1)
    with boa.env.prank(owners[0]):
        tab_id = int(world.tabs.open(c, p, t18.address, 1, 3_600))
    signer = keyed("assurance_dust0")
    v, r, s = tab_voucher(signer, tab_id, 1, str(world.tabs.address))
    world.tabs.redeem(tab_id, 1, v, r, s)
    with boa.env.prank(owners[1]):
        world.tabs.close(tab_id)
    assert d.fees(t18) == fees_before  # not a unit of fee was paid...
    for agent in (c, p):  # ...and nothing was written
        rep = world.reputation.reputation_of(agent)
        assert (rep.completed, rep.volume, rep.rating_count) == (0, 0, 0)
    # One unit of fee buys one fact.
    job_id = d.job_in(DELIVERED, c, p, t18, dust + 1)
    _complete(d, job_id, c)
    assert d.fees(t18) == fees_before + 1
    assert world.reputation.reputation_of(p).completed == 1
    with boa.env.prank(owners[0]):
        world.reputation.rate(job_id, 100, "", "", "", b"\0" * 32)
    assert world.reputation.reputation_of(p).rating_count == 1

"""DisputeResolver conservation (I4), dust included, over odd amounts, bonds,
fees and every ending: what the job and the bonds took in is exactly what the
escrow pays out (provider net + fee + client refund + bonds back + bonds
forfeited), and it matches the model in `conftest.model`. The mock host checks
its whole ledger on every write too. Either side opens: the client disputing a
delivery, or the provider contesting a rejection (the client answers). Native
coin: the resolver's balance is exactly what it owes, and the opener's advance
is shared as the amount is (whole back to the opener without a ruling).
"""

from __future__ import annotations

from typing import Any

import boa
from hypothesis import event, given
from hypothesis import strategies as st

from .conftest import ARBITRATION_WINDOW, RESPONSE_WINDOW, TOKEN, model, native_model

ENDINGS = ["default_win", "settle_before_answer", "settle_after_answer", "rule", "silence"]


def check_job(host: Any, job: int, amount: int, posted: int) -> None:
    s = host.settlement_of(job)
    paid_out = (
        s.provider_net
        + s.fee
        + s.client_refund
        + s.client_bond_back
        + s.provider_bond_back
        + s.forfeited
    )
    assert paid_out == amount + posted
    assert s.provider_net + s.fee == s.provider_share
    assert s.provider_share + s.client_refund == amount


def totals(host: Any, client_id: int, provider_id: int) -> int:
    return (
        host.balance_of(client_id, TOKEN)
        + host.balance_of(provider_id, TOKEN)
        + host.fees_total(TOKEN)
        + host.locked_total(TOKEN)
        + host.bonds_total(TOKEN)
    )


@given(
    amount=st.one_of(
        st.integers(1, 10**6).map(lambda x: 2 * x + 1),
        st.integers(0, 2**128 - 1),
        st.sampled_from([1, 3, 99, 101, 2**128 - 1]),
    ),
    bond=st.one_of(st.integers(0, 999), st.integers(0, 2**120)),
    fee_bps=st.sampled_from([0, 1, 250, 1_000]),
    ending=st.sampled_from(ENDINGS),
    ruling=st.integers(0, 103),
    share_seed=st.integers(0, 2**128),
    cost=st.sampled_from([0, 1, 7, 10**16 + 1]),
    by_provider=st.booleans(),
)
def test_property__every_ending_conserves(
    amount: int,
    bond: int,
    fee_bps: int,
    ending: str,
    ruling: int,
    share_seed: int,
    cost: int,
    by_provider: bool,
    resolver: Any,
    host: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
    client_id: int,
    provider_id: int,
    client_principal: str,
    provider_principal: str,
) -> None:
    event(ending)
    event(f"by_provider={by_provider}")
    with boa.env.anchor():
        with boa.env.prank(deployer):
            court.set_cost(cost)
        job = make_job(
            arbitrator=court, amount=amount, bond=bond, fee_bps=fee_bps, rejected=by_provider
        )
        start = totals(host, client_id, provider_id)
        answered = ending not in ("default_win", "settle_before_answer")
        open_case(
            job, answer=answered, client_value=cost, provider_value=cost, by_provider=by_provider
        )

        # the provider's side's part of the opener's native advance; without a
        # ruling it all returns to the opener
        to_provider = cost if by_provider else 0
        answerer_back = bond if answered else 0
        if ending == "default_win":
            boa.env.time_travel(seconds=RESPONSE_WINDOW)
            resolver.claim_default_win(job)
            expected = (amount, 0, bond, 5) if by_provider else (0, bond, 0, 4)
        elif ending.startswith("settle"):
            share = share_seed % (amount + 1)
            with boa.env.prank(provider_principal):
                resolver.propose_settlement(job, share)
            with boa.env.prank(client_principal):
                resolver.accept_settlement(job, share)
            if by_provider:
                expected = (share, answerer_back, bond, 6)
            else:
                expected = (share, bond, answerer_back, 6)
        elif ending == "rule":
            with boa.env.prank(deployer):
                court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, ruling)
            expected = model(amount, bond, ruling)
            to_provider = native_model(cost, ruling)
        else:
            boa.env.time_travel(seconds=ARBITRATION_WINDOW)
            resolver.apply_default(job)
            expected = model(amount, bond, 0)
            to_provider = native_model(cost, 0)

        s = host.settlement_of(job)
        assert (s.provider_share, s.client_bond_back, s.provider_bond_back, s.outcome) == expected
        check_job(host, job, amount, bond * (2 if answered else 1))
        assert totals(host, client_id, provider_id) == start  # nothing left the ledger
        assert host.locked_total(TOKEN) == 0 and host.bonds_total(TOKEN) == 0

        owed = [resolver.native_owed(client_principal), resolver.native_owed(provider_principal)]
        assert owed == [cost - to_provider, to_provider]
        assert boa.env.get_balance(resolver.address) == cost
        assert boa.env.get_balance(court.address) == (cost if answered else 0)


def test_property__every_ruling_on_an_odd_amount(
    resolver: Any,
    host: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
) -> None:
    # exhaustive over the scale: 0..103, amount and bond odd, a 2.5 % fee, and
    # the same whoever opened (the provider's contests alternate)
    amount, bond = 1_000_003, 50_001
    with boa.env.prank(deployer):
        court.set_cost(0)
    for ruling in range(104):
        by_provider = ruling % 2 == 1
        job = make_job(
            arbitrator=court, amount=amount, bond=bond, fee_bps=250, rejected=by_provider
        )
        open_case(job, by_provider=by_provider)
        with boa.env.prank(deployer):
            court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, ruling)
        s = host.settlement_of(job)
        assert (s.provider_share, s.client_bond_back, s.provider_bond_back, s.outcome) == model(
            amount, bond, ruling
        )
        check_job(host, job, amount, 2 * bond)

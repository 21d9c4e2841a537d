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
from .helpers import check_conserved, owed, settlement

ENDINGS = ["default_win", "settle_before_answer", "settle_after_answer", "rule", "silence"]


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
    court_rules: Any,
    ledger: Any,
    deployer: str,
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
        start = sum(ledger().values())
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
            court_rules(job, ruling)
            expected = model(amount, bond, ruling)
            to_provider = native_model(cost, ruling)
        else:
            boa.env.time_travel(seconds=ARBITRATION_WINDOW)
            resolver.apply_default(job)
            expected = model(amount, bond, 0)
            to_provider = native_model(cost, 0)

        assert settlement(host, job) == expected
        check_conserved(host, job, amount, bond * (2 if answered else 1))
        assert sum(ledger().values()) == start  # nothing left the ledger
        assert host.locked_total(TOKEN) == 0 and host.bonds_total(TOKEN) == 0

        assert owed(resolver, client_principal, provider_principal) == [
            cost - to_provider,
            to_provider,
        ]
        assert boa.env.get_balance(resolver.address) == cost
        assert boa.env.get_balance(court.address) == (cost if answered else 0)


def test_property__every_ruling_on_an_odd_amount(
    resolver: Any,
    host: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    court_rules: Any,
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
        court_rules(job, ruling)
        assert settlement(host, job) == model(amount, bond, ruling)
        check_conserved(host, job, amount, 2 * bond)

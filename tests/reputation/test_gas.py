"""Gas of the registry's two writes, priced as real transactions (cold
accounts and slots, storage committed between transactions; see
`helpers.run_tx`, which matches eth-tester receipts).

Budgets (the protocol design's gas targets, issue 5): the escrow's `complete` <= 75k with
~55k spent before it calls `record_job`; `rate` <= 60k with ~12k spent in the
escrow's gate. The mock gate here is heavier than the real one (a struct of
ten slots), so `rate` is held by its own share: the whole transaction minus
the gate's frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boa
import pytest

from .helpers import (
    CLIENT_ID,
    COMPLETED,
    HASH,
    PROVIDER_ID,
    REJECTED,
    ROOT,
    THIRD_ID,
    URI,
    VALIDATED,
    WAD,
    own_chain,
    run_tx,
)

# Gas tests commit storage between transactions on a chain of their own;
# boa's per-test snapshot of that chain would not survive the commits.
pytestmark = pytest.mark.ignore_isolation

RECORD_JOB_FRAME_STEADY = 17_000  # the registry's own execution (3 words: 15,000)
RECORD_JOB_CALL_STEADY = 20_000  # what the escrow's CALL costs it, all in
RECORD_JOB_CALL_FIRST = 165_000  # two new agents, new pair, paid: 7 fresh words
# An evaluator's verdict (outcomes 8, 9) also rewrites the provider's two
# VERDICT words (2 x 5,000 in steady state; 9 fresh words the first time), so
# its CALL passes the ~20k the escrow's `complete` budget leaves for it.
# Outcomes 1 to 7 must stay under the ceilings above: they never touch them.
RECORD_JOB_VERDICT_FRAME_STEADY = 28_000
RECORD_JOB_VERDICT_CALL_STEADY = 31_000
RECORD_JOB_VERDICT_CALL_FIRST = 210_000
RATE_OWN_SHARE = 47_000  # whole tx minus the gate's frame (incl. 21k and calldata)
GATE_ALLOWANCE = 12_000
RATE_BUDGET = 60_000


@dataclass
class Chain:
    escrow: Any
    reputation: Any
    next_job: int = 0

    def open_job(self, **job: Any) -> int:
        self.next_job += 1
        args = dict(
            client_id=CLIENT_ID,
            client_address=None,
            provider_id=PROVIDER_ID,
            provider_address=None,
            same_principal=False,
        )
        args.update(job)
        run_tx(
            self.escrow.open_job,
            self.next_job,
            args["client_id"],
            args["client_address"] or self.client,
            args["provider_id"],
            args["provider_address"] or self.provider,
            args["same_principal"],
        )
        return self.next_job

    client: str = ""
    provider: str = ""


@pytest.fixture
def chain(client: str, provider: str) -> Iterator[Chain]:
    """The mock escrow and the registry on a chain of their own."""
    with own_chain():
        escrow = boa.load(str(ROOT / "tests" / "mocks" / "MockRatingGate.vy"))
        reputation = boa.load(str(ROOT / "contracts" / "ReputationRegistry.vy"), escrow.address)
        escrow.set_reputation(reputation.address)
        yield Chain(escrow=escrow, reputation=reputation, client=client, provider=provider)


def _settle(chain: Chain, outcome: int = COMPLETED, **job: Any) -> tuple[int, int, int]:
    """Settle a job as its own transaction; return the job id, the gas of the
    escrow's `record_job` CALL, and the registry's frame."""
    job_id = chain.open_job(**job)
    paid = 0 if outcome in (2, 3, 8) else 1_000_000
    tx = run_tx(chain.escrow.settle, job_id, outcome, paid, WAD)
    (frame,) = [child.get_gas_used() for child in tx.computation.children]
    return job_id, chain.escrow.hook_gas(), frame


def test_gas__record_job_completed__steady_state_fits(chain: Chain) -> None:
    _, first_call, _ = _settle(chain)
    _settle(chain)
    _, call, frame = _settle(chain)

    print(f"record_job COMPLETED: first {first_call}, steady call {call}, frame {frame}")
    assert first_call <= RECORD_JOB_CALL_FIRST
    assert frame <= RECORD_JOB_FRAME_STEADY
    assert call <= RECORD_JOB_CALL_STEADY


@pytest.mark.parametrize("outcome", range(1, 8))
def test_gas__record_job_any_outcome__steady_state_fits(chain: Chain, outcome: int) -> None:
    _settle(chain)
    _, call, frame = _settle(chain, outcome)

    assert frame <= RECORD_JOB_FRAME_STEADY
    assert call <= RECORD_JOB_CALL_STEADY


def test_gas__record_job_validated__fits(chain: Chain) -> None:
    _, first_call, _ = _settle(chain, VALIDATED)
    _settle(chain, VALIDATED)
    _, call, frame = _settle(chain, VALIDATED)

    print(f"record_job VALIDATED: first {first_call}, steady call {call}, frame {frame}")
    assert first_call <= RECORD_JOB_VERDICT_CALL_FIRST
    assert frame <= RECORD_JOB_VERDICT_FRAME_STEADY
    assert call <= RECORD_JOB_VERDICT_CALL_STEADY


@pytest.mark.parametrize("outcome", [REJECTED, VALIDATED])
def test_gas__record_job_verdict__steady_state_fits(chain: Chain, outcome: int) -> None:
    # a verdict before: the provider's VERDICT words are nonzero
    _settle(chain, VALIDATED)
    _, call, frame = _settle(chain, outcome)

    assert frame <= RECORD_JOB_VERDICT_FRAME_STEADY
    assert call <= RECORD_JOB_VERDICT_CALL_STEADY


def test_gas__rate__first_rating_of_a_new_pair_fits(chain: Chain, client: str, third: str) -> None:
    # PROVIDER_ID has been rated before, but never by THIRD_ID.
    rate = chain.reputation.rate
    job_id, _, _ = _settle(chain)
    run_tx(rate, job_id, 90, "quality", "", URI, HASH, sender=client)
    job_id, _, _ = _settle(chain, client_id=THIRD_ID, client_address=third)

    tx = run_tx(rate, job_id, 90, "quality", "latency", URI, HASH, sender=third)
    (gate,) = [child.get_gas_used() for child in tx.computation.children]
    own = tx.total - gate

    print(f"rate: whole tx {tx.total} with mock gate {gate}; own share {own}")
    assert own <= RATE_OWN_SHARE
    assert own + GATE_ALLOWANCE <= RATE_BUDGET


def test_gas__rate__first_rating_ever_fits(chain: Chain, provider: str) -> None:
    # CLIENT_ID has never been rated: its words were opened at settlement.
    job_id, _, _ = _settle(chain)

    tx = run_tx(chain.reputation.rate, job_id, 100, "", "", URI, HASH, sender=provider)
    (gate,) = [child.get_gas_used() for child in tx.computation.children]

    print(f"rate, first rating ever: own share {tx.total - gate}")
    assert tx.total - gate <= RATE_OWN_SHARE
    assert chain.reputation.reputation_of(CLIENT_ID).rating_count == 1
    assert chain.reputation.reputation_of(PROVIDER_ID).rating_count == 0


def test_gas__rate__steady_state_fits(chain: Chain, client: str) -> None:
    # The pair has rated before: the common case between regular partners.
    job_id, _, _ = _settle(chain)
    run_tx(chain.reputation.rate, job_id, 90, "quality", "", URI, HASH, sender=client)
    job_id, _, _ = _settle(chain)

    tx = run_tx(chain.reputation.rate, job_id, 80, "quality", "", URI, HASH, sender=client)
    (gate,) = [child.get_gas_used() for child in tx.computation.children]

    print(f"rate, steady: whole tx {tx.total} with mock gate {gate}; own {tx.total - gate}")
    assert tx.total - gate <= RATE_OWN_SHARE

"""DisputeResolver's gas checks before it calls the arbitrator, to the unit.

Before each call with a fixed budget (`arbitrationCost`: 100,000 gas;
`createDispute`: 1,500,000) the resolver requires `budget + budget // 63 +
40,000` gas left, so the callee always gets its whole budget (the 63/64 rule)
and the caller cannot starve the court into "no case". These tests find the
least transaction gas that passes the check and read the gas left at the
check itself (py-evm's GAS opcode, recorded for the resolver's frames): it
is exactly the rule's figure, so a check one unit stricter or looser fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import boa
import pytest

ARBITRATION_COST_GAS = 100_000
CREATE_DISPUTE_GAS = 1_500_000
CALL_MARGIN = 40_000
GAS_OPCODE = 0x5A
REFUSED = "resolver: not enough gas for the arbitrator"


def needed(budget: int) -> int:
    return budget + budget // 63 + CALL_MARGIN


def _int(value: int | bytes) -> int:
    return value if isinstance(value, int) else int.from_bytes(value, "big")


@contextmanager
def gas_readings(address: str) -> Iterator[list[int]]:
    """Every value the GAS opcode pushes in frames running `address`'s code."""
    computation_class = boa.env.evm.vm.state.computation_class
    original = computation_class.opcodes[GAS_OPCODE]
    readings: list[int] = []
    target = bytes.fromhex(address[2:].lower())

    def traced(computation: Any) -> None:
        original(computation=computation)
        if bytes(computation.msg.storage_address) == target:
            readings.append(_int(computation._stack.values[-1]))

    computation_class.opcodes[GAS_OPCODE] = traced
    try:
        yield readings
    finally:
        computation_class.opcodes[GAS_OPCODE] = original


def refused_at(call: Callable[[int], None], gas: int) -> bool:
    """Whether `call(gas)` stops at the gas check (state rolled back)."""
    with boa.env.anchor():
        try:
            call(gas)
        except boa.BoaError as e:
            return REFUSED in str(e)
    return False


def least_gas_past_the_check(call: Callable[[int], None], low: int, high: int) -> int:
    assert refused_at(call, low) and not refused_at(call, high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if refused_at(call, middle) else (low, middle)
    return high


def _read_at(call: Callable[[int], None], gas: int, resolver: Any) -> list[int]:
    # past the check the rest may run out of gas: only the check matters
    with (
        boa.env.anchor(),
        gas_readings(str(resolver.address)) as readings,
        suppress(boa.BoaError),
    ):
        call(gas)
    return readings


@pytest.mark.parametrize("step", ["dispute", "answer"])
def test_gas_check__passes_at_exactly_budget_plus_a_63rd_plus_margin(
    resolver: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    step: str,
) -> None:
    job = make_job()
    # `low`: enough to reach the check, not to pass it
    if step == "dispute":
        budget, low = ARBITRATION_COST_GAS, 120_000

        def call(gas: int) -> None:
            with boa.env.prank(client_principal):
                resolver.dispute(job, "", gas=gas)

    else:
        budget, low = CREATE_DISPUTE_GAS, 1_400_000
        open_case(job, answer=False)

        def call(gas: int) -> None:
            with boa.env.prank(provider_principal):
                resolver.answer(job, "", gas=gas)

    least = least_gas_past_the_check(call, low, 4_000_000)
    # one unit less is refused with its reason; at `least` the gas left at the
    # check is the rule's figure exactly
    assert refused_at(call, least - 1)
    assert needed(budget) in _read_at(call, least, resolver)
    assert needed(budget) - 1 in _read_at(call, least - 1, resolver)
    # and with what the check asks for, the whole step goes through
    with boa.env.anchor():
        call(least + 2_000_000)

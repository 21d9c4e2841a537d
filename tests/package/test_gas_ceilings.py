"""Gas per step, measured as whole transactions, held to DESIGN.md's ceilings."""

from __future__ import annotations

import pytest

from agentmarket import bench


@pytest.mark.parametrize("step", sorted(bench.CEILINGS))
def test_step__within_its_gas_ceiling(measured_gas: dict[str, int], step: str) -> None:
    assert step in measured_gas, f"benchmark does not measure {step}"
    assert measured_gas[step] <= bench.CEILINGS[step], (
        f"{step} costs {measured_gas[step]:,} gas, ceiling {bench.CEILINGS[step]:,}"
    )


def test_register__beats_the_erc8004_reference(measured_gas: dict[str, int]) -> None:
    assert measured_gas["register"] < bench.REFERENCES["register"][0]

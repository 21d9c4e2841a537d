from __future__ import annotations

import pytest

from tools.bench import gas as bench


@pytest.fixture(scope="session")
def measured() -> bench.Measured:
    """One benchmark run (real transactions on eth-tester), shared by the tests."""
    return bench.measure_all()


@pytest.fixture(scope="session")
def measured_gas(measured: bench.Measured) -> dict[str, int]:
    return measured.gas


@pytest.fixture(scope="session")
def measured_sizes(measured: bench.Measured) -> dict[str, int]:
    return measured.sizes


@pytest.fixture(scope="session")
def measured_floors(measured: bench.Measured) -> dict[str, dict[str, int]]:
    return measured.floors

from __future__ import annotations

import pytest

from agentmarket import bench


@pytest.fixture(scope="session")
def measured() -> tuple[dict[str, int], dict[str, int]]:
    """One benchmark run (real transactions on eth-tester), shared by the tests."""
    return bench.measure_all()


@pytest.fixture(scope="session")
def measured_gas(measured: tuple[dict[str, int], dict[str, int]]) -> dict[str, int]:
    return measured[0]


@pytest.fixture(scope="session")
def measured_sizes(measured: tuple[dict[str, int], dict[str, int]]) -> dict[str, int]:
    return measured[1]

from __future__ import annotations

import pytest

from agentmarket import bench


@pytest.fixture(scope="session")
def measured_gas() -> dict[str, int]:
    """One benchmark run (real transactions on eth-tester), shared by the gas tests."""
    return bench.measure()

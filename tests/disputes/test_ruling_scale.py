"""The AgentMarket ruling scale (IArbitrable.vyi, modules/ruling.vy) the escrow decodes."""

from __future__ import annotations

from typing import Any

import boa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from .helpers import CHOICES, CLIENT_WINS, MAX_UINT256, PROVIDER_WINS, REFUSED, SPLIT_BASE, split


def test_scale__constants(ruling_lib: Any) -> None:
    assert ruling_lib.constants() == (CHOICES, REFUSED, CLIENT_WINS, PROVIDER_WINS, SPLIT_BASE, 100)
    assert CHOICES == SPLIT_BASE + 100


@pytest.mark.parametrize(
    ("ruling", "provider"),
    [
        (REFUSED, 500),  # neutral default, odd unit to the client
        (CLIENT_WINS, 0),
        (PROVIDER_WINS, 1001),
        (split(0), 0),
        (split(1), 10),
        (split(50), 500),
        (split(99), 990),
        (split(100), 1001),
    ],
)
def test_scale__provider_share_of_1001(ruling_lib: Any, ruling: int, provider: int) -> None:
    assert ruling_lib.provider_share(1001, ruling) == provider


@pytest.mark.parametrize("ruling", [CHOICES + 1, 255, MAX_UINT256])
def test_scale__out_of_range__reverts(ruling_lib: Any, ruling: int) -> None:
    with boa.reverts("ruling: out of range"):
        ruling_lib.provider_share(1, ruling)


def test_scale__is_split(ruling_lib: Any) -> None:
    assert [r for r in range(110) if ruling_lib.is_split(r)] == list(range(3, 104))


def test_scale__max_amount_does_not_overflow(ruling_lib: Any) -> None:
    for p in (1, 33, 99, 100):
        assert ruling_lib.provider_share(MAX_UINT256, split(p)) == MAX_UINT256 * p // 100
    assert ruling_lib.provider_share(MAX_UINT256, REFUSED) == MAX_UINT256 // 2


@given(amount=st.integers(0, MAX_UINT256), ruling=st.integers(0, CHOICES))
def test_scale__shares_add_up_and_match_floor(ruling_lib: Any, amount: int, ruling: int) -> None:
    provider = ruling_lib.provider_share(amount, ruling)
    if ruling == REFUSED:
        expected = amount // 2
    elif ruling == CLIENT_WINS:
        expected = 0
    elif ruling == PROVIDER_WINS:
        expected = amount
    else:
        expected = amount * (ruling - SPLIT_BASE) // 100
    assert provider == expected
    assert 0 <= provider <= amount  # the client's share amount - provider is >= 0


@given(amount=st.integers(0, 10**30), p=st.integers(0, 99))
def test_scale__split_monotonic(ruling_lib: Any, amount: int, p: int) -> None:
    assert ruling_lib.provider_share(amount, split(p)) <= ruling_lib.provider_share(
        amount, split(p + 1)
    )

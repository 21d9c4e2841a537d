"""Gas ceilings of the tab steps (whole-transaction gas on titanoboa with the
real ReputationRegistry, steady state; see `gas.py`). The figures `./dev bench`
publishes come from eth-tester and agree with these."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.bench import gas as bench

# The target for a batch (per tab). Redemptions write no reputation
# (a tab's one fact is written at its closing), so a batch pays per tab only
# the tab's words, the signature check, the event and the escrow's credit.
BATCH_TARGET = 30_000


@pytest.fixture(scope="module")
def measured() -> dict[str, int]:
    """Measure in a child interpreter: `tx_gas` commits py-evm's journal."""
    root = Path(__file__).resolve().parents[2]
    code = (
        f"import sys, json; sys.path[:0] = [{str(root)!r}, {str(root / 'tests')!r}]; "
        "from tabs.gas import run_tab_benchmark; print(json.dumps(run_tab_benchmark()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    gas: dict[str, int] = json.loads(out.stdout.strip().splitlines()[-1])
    print("\ntab gas:", gas)
    return gas


@pytest.mark.parametrize("step", sorted(bench.TAB_STEPS))
def test_tab_step__within_ceiling(measured: dict[str, int], step: str) -> None:
    assert measured[step] <= bench.CEILINGS[step], f"{step}: {measured[step]:,}"


def test_tab_redeem_batch20__meets_target(measured: dict[str, int]) -> None:
    assert bench.CEILINGS["tab_redeem_batch20"] == BATCH_TARGET
    assert "tab_redeem_batch20" not in bench.MISSED_TARGETS
    assert measured["tab_redeem_batch20"] <= BATCH_TARGET


def test_purchase_amortised__far_below_one_transfer_each(measured: dict[str, int]) -> None:
    # One ERC-20 transfer per purchase would cost ~30k+ each; a tab settles a
    # thousand purchases for a few hundred gas each.
    assert measured["purchase_amortised_1000"] < 300

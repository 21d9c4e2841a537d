"""Gas of the panel's hot paths, measured cold (as at the start of a transaction).

Execution gas excludes the 21,000 base and calldata; `whole` adds them. The final
vote is reported without the arbitrable's own `rule` execution (the escrow's cost),
but with the panel's CALL to it (cold account access included). Ceilings hold the
figures within ~5% of what was measured when the panel was written.
"""

from __future__ import annotations

from typing import Any

import boa
from eth_abi import encode

from .helpers import CHOICES, CLIENT_WINS, cold_gas, intrinsic_gas

VOTE_CALLDATA = bytes.fromhex("b384abef") + encode(["uint256", "uint256"], [0, CLIENT_WINS])


def vote_gas(panel: Any, arbiter: str, dispute_id: int, ruling: int) -> tuple[int, int]:
    with boa.env.prank(arbiter):
        return cold_gas(panel, lambda: panel.vote(dispute_id, ruling))


def test_gas__vote_selector() -> None:
    from eth_utils import function_signature_to_4byte_selector

    assert function_signature_to_4byte_selector("vote(uint256,uint256)") == VOTE_CALLDATA[:4]


def test_gas__votes_2_of_3(
    panel: Any, open_dispute: Any, arbiters: list[str], record_property: Any
) -> None:
    dispute_id = open_dispute()
    first, first_child = vote_gas(panel, arbiters[0], dispute_id, CLIENT_WINS)
    final, final_child = vote_gas(panel, arbiters[1], dispute_id, CLIENT_WINS)
    assert first_child == 0
    assert final_child > 0
    panel_final = final - final_child
    base = intrinsic_gas(VOTE_CALLDATA)
    figures = {
        "vote_first_exec": first,
        "vote_first_whole": first + base,
        "vote_final_exec_without_rule": panel_final,
        "vote_final_whole_without_rule": panel_final + base,
    }
    for k, v in figures.items():
        record_property(k, v)
    print(figures)
    # the first vote of a dispute creates its tally slot (20,000 of it)
    assert first <= 31_500
    assert panel_final <= 15_800


def test_gas__non_final_votes_3_of_5_and_16_of_16(
    panel: Any, set_panel: Any, open_dispute: Any, arbiters: list[str], record_property: Any
) -> None:
    set_panel(arbiters[:5], 3)
    dispute_id = open_dispute()
    vote_gas(panel, arbiters[0], dispute_id, CLIENT_WINS)
    second, _ = vote_gas(panel, arbiters[1], dispute_id, CLIENT_WINS)
    final, child = vote_gas(panel, arbiters[2], dispute_id, CLIENT_WINS)

    set_panel(arbiters, 16)
    big = open_dispute()
    for a in arbiters[:14]:
        vote_gas(panel, a, big, CLIENT_WINS)
    worst, _ = vote_gas(panel, arbiters[14], big, CLIENT_WINS)  # 14 seats to count
    big_final, big_child = vote_gas(panel, arbiters[15], big, CLIENT_WINS)

    base = intrinsic_gas(VOTE_CALLDATA)
    figures = {
        "vote_later_exec": second,
        "vote_later_whole": second + base,
        "vote_final_3_of_5_exec_without_rule": final - child,
        "vote_worst_16_of_16_exec": worst,
        "vote_final_16_of_16_exec_without_rule": big_final - big_child,
    }
    for k, v in figures.items():
        record_property(k, v)
    print(figures)
    assert second <= 10_700
    assert worst <= 14_300
    assert final - child <= 15_800
    assert big_final - big_child <= 19_000


def test_gas__create_dispute(
    panel: Any, arbitrable: Any, extra: Any, principal: str, record_property: Any
) -> None:
    data = extra(principal, principal)
    arbitrable.open(CHOICES, data)  # the counter slot exists from now on, as in steady state
    _, create = cold_gas(arbitrable, lambda: arbitrable.open(CHOICES, data))
    record_property("create_dispute_exec", create)
    print({"create_dispute_exec": create})
    assert create <= 41_000

"""Task orders: signed for one job, one input, one escrow on one chain."""

from __future__ import annotations

import pytest
from eth_account import Account

from agentmarket.agent.tasks import (
    MAX_INPUT_BYTES,
    TaskOrder,
    TaskOrderError,
    input_hash,
    sign_task,
)

ESCROW = "0x" + "ab" * 20
OTHER = "0x" + "cd" * 20
CHAIN = 1337
H32 = "0x" + "00" * 32
SIG = "0x" + "00" * 65


def test_sign_task__recovers_to_its_signer_and_round_trips() -> None:
    key = Account.create()
    order = sign_task(key, 2**200 + 7, b"summarise this", CHAIN, ESCROW)
    assert order.input_hash == input_hash(b"summarise this")
    again = TaskOrder.from_dict(order.to_dict())
    assert again == order
    assert again.signer(CHAIN, ESCROW) == key.address
    again.check_input(b"summarise this")


@pytest.mark.parametrize(("chain", "escrow"), [(CHAIN + 1, ESCROW), (CHAIN, OTHER)])
def test_task_order__another_chain_or_escrow__recovers_someone_else(
    chain: int, escrow: str
) -> None:
    key = Account.create()
    order = sign_task(key, 1, b"x", CHAIN, ESCROW)
    assert order.signer(chain, escrow) != key.address


def test_task_order__another_job_or_input__recovers_someone_else() -> None:
    key = Account.create()
    order = sign_task(key, 1, b"x", CHAIN, ESCROW)
    moved = TaskOrder(2, order.input_hash, order.signature)
    assert moved.signer(CHAIN, ESCROW) != key.address
    swapped = TaskOrder(1, input_hash(b"y"), order.signature)
    assert swapped.signer(CHAIN, ESCROW) != key.address
    with pytest.raises(TaskOrderError, match="does not match"):
        order.check_input(b"y")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        ({"jobId": "1", "inputHash": "0x" + "00" * 32}, "malformed"),
        ({"jobId": "x", "inputHash": "0x" + "00" * 32, "signature": "0x" + "00" * 65}, "malformed"),
        (
            {"jobId": "-1", "inputHash": "0x" + "00" * 32, "signature": "0x" + "00" * 65},
            "out of range",
        ),
        (
            {"jobId": str(2**256), "inputHash": "0x" + "00" * 32, "signature": "0x" + "00" * 65},
            "out of range",
        ),
        (
            {"jobId": "1", "inputHash": "0x" + "00" * 31, "signature": "0x" + "00" * 65},
            "not 32 bytes",
        ),
        (
            {"jobId": "1", "inputHash": "0x" + "00" * 32, "signature": "0x" + "00" * 64},
            "not 65 bytes",
        ),
    ],
)
def test_task_order__malformed__refused(data: object, message: str) -> None:
    with pytest.raises(TaskOrderError, match=message):
        TaskOrder.from_dict(data)


def test_task_order__garbage_signature__refused_not_crashed() -> None:
    order = TaskOrder(1, input_hash(b"x"), b"\xff" * 65)
    with pytest.raises(TaskOrderError, match="does not recover"):
        order.signer(CHAIN, ESCROW)


def test_sign_task__input_over_the_limit__refused() -> None:
    with pytest.raises(TaskOrderError, match="at most"):
        sign_task(Account.create(), 1, b"x" * (MAX_INPUT_BYTES + 1), CHAIN, ESCROW)

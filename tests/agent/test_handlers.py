"""Handlers: loaded from MODULE:FUNCTION (async as is, sync in a thread), clear errors
for a bad name; the examples' deterministic outputs; reading a task message."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
from a2a.types import DataPart, Message, Part, Role, TextPart
from eth_account import Account

from agentmarket.agent.provider import (
    ProviderError,
    TaskRefused,
    as_handler,
    load_handler,
    read_task_message,
)
from agentmarket.agent.tasks import TASK_PART_KEY, sign_task
from agentmarket.contracts.evaluation import recompute
from examples import providers

ESCROW = "0x" + "ee" * 20


def test_load_handler__the_examples_by_name() -> None:
    for name in ("uppercase", "word_count", "summarise"):
        assert load_handler(f"examples.providers:{name}") is getattr(providers, name)


def test_load_handler__bad_names_are_clear_errors() -> None:
    with pytest.raises(ProviderError, match="MODULE:FUNCTION"):
        load_handler("examples.providers")
    with pytest.raises(ProviderError, match="cannot import handler module 'no_such_module'"):
        load_handler("no_such_module:run")
    with pytest.raises(ProviderError, match="has no 'nothing'"):
        load_handler("examples.providers:nothing")
    with pytest.raises(ProviderError, match="is not a function"):
        load_handler("examples.providers:SUMMARY_SENTENCES")


def test_a_sync_handler__runs_in_a_thread() -> None:
    seen: list[bool] = []

    def shout(text: str) -> str:
        seen.append(threading.current_thread() is threading.main_thread())
        return text + "!"

    async def call() -> str:
        return await as_handler(shout)("hey")

    assert asyncio.run(call()) == "hey!"
    assert seen == [False]


def test_examples__deterministic_outputs() -> None:
    text = "AgentMarket pays agents.  It holds the money in escrow!  Disputes go to a panel? Yes."
    assert asyncio.run(providers.word_count(text)) == "15"
    assert asyncio.run(providers.word_count("  ")) == "0"
    assert asyncio.run(providers.summarise(text)) == (
        "AgentMarket pays agents. It holds the money in escrow!"
    )
    assert asyncio.run(providers.summarise("No full stop")) == "No full stop"
    assert asyncio.run(providers.uppercase("café au lait")) == "CAFé AU LAIT"


def test_uppercase__what_the_re_execution_evaluator_recomputes() -> None:
    for text in ("plain", "café ß 123", ""):
        ours = asyncio.run(providers.uppercase(text)).encode()
        assert ours == recompute("uppercase", text.encode())


def _message(parts: list[Part]) -> Message:
    return Message(role=Role.user, message_id=uuid.uuid4().hex, parts=parts)


def test_read_task_message__the_order_and_its_input() -> None:
    order = sign_task(Account.create(), 9, "héllo".encode(), 1337, ESCROW)
    data = DataPart(data={TASK_PART_KEY: order.to_dict()})
    got = read_task_message(_message([Part(root=TextPart(text="héllo")), Part(root=data)]))
    assert got == (order, "héllo".encode())
    with pytest.raises(TaskRefused, match=r"^agentmarket: malformed task order: .*more than one"):
        read_task_message(_message([Part(root=TextPart(text="héllo")), Part(root=data)] * 2))


def test_reexecute__verdicts_by_recomputation_and_malformed_requests_refused() -> None:
    import json

    from web3 import Web3

    from examples.providers import reexecute, uppercase

    delivered = asyncio.run(uppercase("make it loud"))
    right = "0x" + bytes(Web3.keccak(text=delivered)).hex()
    wrong = "0x" + bytes(Web3.keccak(text="make it quiet")).hex()
    ask = {"task": "uppercase", "input": "make it loud"}
    approved = json.loads(asyncio.run(reexecute(json.dumps({**ask, "result_hash": right}))))
    assert approved == {"expected_hash": right, "task": "uppercase", "verdict": "approved"}
    rejected = json.loads(asyncio.run(reexecute(json.dumps({**ask, "result_hash": wrong}))))
    assert rejected["verdict"] == "rejected" and rejected["expected_hash"] == right
    for bad in (
        "not json",
        json.dumps({"task": "uppercase"}),
        json.dumps({**ask, "task": "x", "result_hash": right}),
    ):
        with pytest.raises(ValueError):
            asyncio.run(reexecute(bad))

"""Signer's EIP-1559 fees on the in-process chain: the tip is the signer's own,
else the node's suggestion, else 1 gwei; the cap is twice the base fee plus it.
What was signed is read back from the chain's copy of each transaction. The CLI
sets the signer's tip with --priority-fee or AGENTMARKET_PRIORITY_FEE."""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3
from web3.eth import Eth
from web3.exceptions import Web3RPCError

from agentmarket.chain import DEFAULT_PRIORITY_FEE, Signer, connect, funded_test_accounts

from .conftest import Invoke, World


@pytest.fixture
def chain() -> tuple[Web3, Signer, str]:
    w3 = connect()
    sender, receiver = funded_test_accounts(w3, 2)
    return w3, Signer(w3, sender), str(receiver.address)


def sent_fees(w3: Web3, signer: Signer, to: str) -> tuple[int, int, int]:
    """(tip, cap, base fee of the block before) of a 1-wei transfer."""
    base = int(w3.eth.get_block("latest")["baseFeePerGas"])
    receipt = signer.send({"to": to, "value": 1})
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    return int(tx["maxPriorityFeePerGas"]), int(tx["maxFeePerGas"]), base


def test_tip__the_nodes_suggestion(chain: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w3, signer, to = chain
    monkeypatch.setattr(Eth, "max_priority_fee", property(lambda self: 7))  # an L2's few wei
    tip, cap, base = sent_fees(w3, signer, to)
    assert (tip, cap) == (7, 2 * base + 7)


def test_tip__node_suggests_none__one_gwei(chain: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w3, signer, to = chain

    def refuse(self: Eth) -> int:
        raise Web3RPCError("the method eth_maxPriorityFeePerGas does not exist")

    monkeypatch.setattr(Eth, "max_priority_fee", property(refuse))
    tip, cap, base = sent_fees(w3, signer, to)
    assert tip == DEFAULT_PRIORITY_FEE == 10**9 and cap == 2 * base + 10**9


def test_tip__the_signers_own_wins(chain: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    w3, signer, to = chain
    monkeypatch.setattr(Eth, "max_priority_fee", property(lambda self: 7))
    signer.priority_fee = 3
    tip, cap, base = sent_fees(w3, signer, to)
    assert (tip, cap) == (3, 2 * base + 3)


def test_fees_given_by_the_caller__left_alone(chain: Any) -> None:
    w3, signer, to = chain
    receipt = signer.send({"to": to, "value": 1, "maxFeePerGas": 5 * 10**9,
                           "maxPriorityFeePerGas": 2})  # fmt: skip
    tx = w3.eth.get_transaction(receipt["transactionHash"])
    assert (tx["maxFeePerGas"], tx["maxPriorityFeePerGas"]) == (5 * 10**9, 2)


def last_tip(w3: Web3) -> int:
    (tx_hash,) = w3.eth.get_block("latest")["transactions"]
    return int(w3.eth.get_transaction(tx_hash)["maxPriorityFeePerGas"])  # type: ignore[arg-type]


def test_cli__priority_fee_option_and_env(am: Invoke, world: World) -> None:
    assert am("register", "--priority-fee", "3", signer="client_principal").code == 0
    assert last_tip(world.w3) == 3
    world.env["AGENTMARKET_PRIORITY_FEE"] = "1e3"
    assert am("register", signer="client_principal").code == 0
    assert last_tip(world.w3) == 1_000
    del world.env["AGENTMARKET_PRIORITY_FEE"]
    assert am("register", signer="client_principal").code == 0
    assert last_tip(world.w3) == int(world.w3.eth.max_priority_fee)  # the node's suggestion
    bad = am("register", "--priority-fee", "1.5", signer="client_principal")
    assert bad.code == 2 and "whole" in bad.err

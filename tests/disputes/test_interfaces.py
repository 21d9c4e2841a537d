"""The .vyi files are ERC-792 / ERC-1497 on the wire: selectors, topics, indexing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from eth_utils import event_signature_to_log_topic, function_signature_to_4byte_selector

INTERFACES = Path(__file__).resolve().parents[2] / "contracts" / "interfaces"


def abi_of(name: str) -> list[dict[str, Any]]:
    out = subprocess.run(
        [sys.executable, "-m", "vyper", "-f", "abi", str(INTERFACES / f"{name}.vyi")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: list[dict[str, Any]] = json.loads(out)
    return result


def signature(item: dict[str, Any]) -> str:
    return f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"


# Solidity ERC-792 / ERC-1497: signature -> (selector or topic, indexed flags / outputs)
ERC792_FUNCTIONS = {
    "createDispute(uint256,bytes)": ("0xc13517e1", ["uint256"], "payable"),
    "arbitrationCost(bytes)": ("0xf7434ea9", ["uint256"], "view"),
    "appeal(uint256,bytes)": ("0x49912f88", [], "payable"),
    "appealCost(uint256,bytes)": ("0xf23f16e6", ["uint256"], "view"),
    "appealPeriod(uint256)": ("0xafe15cfb", ["uint256", "uint256"], "view"),
    "disputeStatus(uint256)": ("0x10f169e8", ["uint8"], "view"),
    "currentRuling(uint256)": ("0x1c3db16d", ["uint256"], "view"),
}
EVENTS = {
    "IArbitrator": {
        "DisputeCreation(uint256,address)": [True, True],
        "AppealPossible(uint256,address)": [True, True],
        "AppealDecision(uint256,address)": [True, True],
    },
    "IArbitrable": {"Ruling(address,uint256,uint256)": [True, True, False]},
    "IEvidence": {
        "MetaEvidence(uint256,string)": [True, False],
        "Evidence(address,uint256,address,string)": [True, True, True, False],
        "Dispute(address,uint256,uint256,uint256)": [True, True, False, False],
    },
}


def test_iarbitrator__functions_match_erc792() -> None:
    functions = {signature(i): i for i in abi_of("IArbitrator") if i["type"] == "function"}
    assert set(functions) == set(ERC792_FUNCTIONS)
    for sig, (selector, outputs, mutability) in ERC792_FUNCTIONS.items():
        assert "0x" + function_signature_to_4byte_selector(sig).hex() == selector
        assert [o["type"] for o in functions[sig]["outputs"]] == outputs
        assert functions[sig]["stateMutability"] == mutability


def test_iarbitrable__rule_matches_erc792() -> None:
    (rule,) = [i for i in abi_of("IArbitrable") if i["type"] == "function"]
    assert signature(rule) == "rule(uint256,uint256)"
    assert function_signature_to_4byte_selector("rule(uint256,uint256)").hex() == "311a6c56"


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_events__signatures_and_indexing(name: str) -> None:
    events = {signature(i): i for i in abi_of(name) if i["type"] == "event"}
    assert set(events) == set(EVENTS[name])
    for sig, indexed in EVENTS[name].items():
        assert [i["indexed"] for i in events[sig]["inputs"]] == indexed
        assert not events[sig]["anonymous"]


def test_events__topics_are_the_standards() -> None:
    # the topics Kleros tooling filters on
    assert (
        event_signature_to_log_topic("Ruling(address,uint256,uint256)").hex()
        == "394027a5fa6e098a1191094d1719d6929b9abc535fcc0c8f448d6a4e75622276"
    )
    assert (
        event_signature_to_log_topic("Evidence(address,uint256,address,string)").hex()
        == "dccf2f8b2cc26eafcd61905cba744cff4b81d14740725f6376390dc6298a6a3c"
    )


def test_panel__implements_iarbitrator(panel: Any) -> None:
    abi = {signature(i) for i in panel.abi if i["type"] == "function"}
    assert set(ERC792_FUNCTIONS) <= abi

"""Every multi-value read in the generated ABIs has named outputs (issue 16).

Vyper 0.4 leaves them empty; the build names them from the contracts' NatSpec
(`@return name ...`, one tag per output) or, for a function a standard
defines, from the standard (`agentmarket.abi_names`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools.build import abi_names
from tools.build import artifacts as build

STANDARDS = build.ROOT / "standards"
# Our contract that offers each ERC-8004 registry's surface.
ERC8004 = {
    "erc8004-identity.abi.json": "AgentRegistry",
    "erc8004-reputation.abi.json": "ReputationRegistry",
    "erc8004-validation.abi.json": "ValidationRegistry",
}


def _abi_files() -> list[Path]:
    interfaces = sorted(build.INTERFACES.glob("*.json"))
    abis = [p for p in interfaces if p.stem not in build.INTERFACE_DATA]
    return abis + sorted(build.ARTIFACTS.glob("*.json"))


def _abi(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    return list(data["abi"] if isinstance(data, dict) else data)


def _multi_value(abi: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {
        abi_names.signature(e): [o["name"] for o in e["outputs"]]
        for e in abi
        if e["type"] == "function" and len(e["outputs"]) > 1
    }


@pytest.mark.parametrize("path", _abi_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_multi_value_output__has_a_unique_identifier_name(path: Path) -> None:
    for sig, names in _multi_value(_abi(path)).items():
        assert all(n.isidentifier() for n in names), f"{sig}: {names}"
        assert len(set(names)) == len(names), f"{sig}: {names}"


def test_named_outputs__the_views_issue_16_names() -> None:
    named = {
        name: _multi_value(_abi(build.INTERFACES / f"{name}.json"))
        for name in ("JobEscrow", "OfferBook", "ReputationRegistry", "Tabs", "ArbiterPanel")
    }
    assert named["JobEscrow"]["job_parties(uint256)"] == ["created_at", "client_id", "provider_id"]
    assert named["JobEscrow"]["bonds(uint256)"] == ["client_bond", "provider_bond"]
    assert named["JobEscrow"]["evaluator_of(uint256)"] == ["evaluator", "fee_bps"]
    assert named["JobEscrow"]["spent(uint256,address)"] == ["window_start", "committed"]
    assert named["JobEscrow"]["verdict(uint256)"] == ["evaluator", "approved", "report_hash"]
    assert named["Tabs"]["tab_parties(uint256)"] == ["opened_at", "client_id", "provider_id"]
    assert named["ArbiterPanel"]["appealPeriod(uint256)"] == ["start", "end"]
    assert named["ReputationRegistry"]["getSummary(uint256,address[],string,string)"] == [
        "count",
        "summaryValue",
        "summaryValueDecimals",
    ]
    eip5267 = ["fields", "name", "version", "chainId", "verifyingContract", "salt", "extensions"]
    for contract in ("OfferBook", "Tabs"):
        assert named[contract]["eip712Domain()"] == eip5267


@pytest.mark.parametrize("standard", sorted(ERC8004))
def test_erc8004_functions__carry_the_standards_output_names(standard: str) -> None:
    ours = {
        abi_names.signature(e): e
        for e in _abi(build.INTERFACES / f"{ERC8004[standard]}.json")
        if e["type"] == "function"
    }
    theirs = [e for e in _abi(STANDARDS / standard) if e["type"] == "function"]
    compared = 0
    for entry in theirs:
        sig = abi_names.signature(entry)
        if sig not in ours or len(entry["outputs"]) < 2:
            continue
        assert [o["name"] for o in ours[sig]["outputs"]] == [o["name"] for o in entry["outputs"]]
        assert [o["type"] for o in ours[sig]["outputs"]] == [o["type"] for o in entry["outputs"]]
        compared += 1
    # identity: eip712Domain; reputation: getSummary; validation: getSummary,
    # getValidationStatus (readFeedback / readAllFeedback are not offered).
    assert (
        compared
        == {"AgentRegistry": 1, "ReputationRegistry": 1, "ValidationRegistry": 2}[ERC8004[standard]]
    )


def _fn(name: str, outputs: int) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "inputs": [{"name": "x", "type": "uint256"}],
        "outputs": [{"name": "", "type": "uint256"} for _ in range(outputs)],
    }


def _doc(name: str, *returns: str) -> dict[str, Any]:
    tags = {f"_{i}": text for i, text in enumerate(returns)}
    return {"methods": {f"{name}(uint256)": {"returns": tags}}}


def test_name_outputs__takes_the_first_word_of_each_return_tag() -> None:
    (entry,) = abi_names.name_outputs([_fn("pair", 2)], _doc("pair", "low The low.", "high, too"))
    assert [o["name"] for o in entry["outputs"]] == ["low", "high"]


@pytest.mark.parametrize(
    ("returns", "error"),
    [
        ((), "names none"),
        (("The pair of values.",), "returns 2 values"),
        (("low The low.", "low again"), "repeat"),
        (("low The low.", "(0, 0)."), "not identifiers"),
    ],
)
def test_name_outputs__refuses_a_multi_value_function_without_clear_names(
    returns: tuple[str, ...], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        abi_names.name_outputs([_fn("pair", 2)], _doc("pair", *returns))


def test_name_outputs__standard_function__standards_names_and_natspec_must_agree() -> None:
    (entry,) = abi_names.name_outputs([_fn("appealPeriod", 2)], {"methods": {}})
    assert [o["name"] for o in entry["outputs"]] == ["start", "end"]
    with pytest.raises(ValueError, match="the standard"):
        abi_names.name_outputs([_fn("appealPeriod", 2)], _doc("appealPeriod", "begin", "end"))


def test_name_outputs__single_outputs_stay_as_vyper_wrote_them() -> None:
    assert abi_names.name_outputs([_fn("one", 1)], {"methods": {}}) == [_fn("one", 1)]

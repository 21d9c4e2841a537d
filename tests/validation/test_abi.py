"""Our ABI speaks ERC-8004's validation registry: every function and event of
`standards/erc8004-validation.abi.json`, with the same signature, outputs,
mutability and indexed fields; and it matches the `.vyi` interfaces."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentmarket.reverts import REVERT_CLASSES, ValidationError

from .helpers import ERC8004_VALIDATION_ABI, ROOT, signature

STANDARD_FUNCTIONS = [e for e in ERC8004_VALIDATION_ABI if e["type"] == "function"]
STANDARD_EVENTS = [e for e in ERC8004_VALIDATION_ABI if e["type"] == "event"]


def _abi(path: str) -> list[dict[str, Any]]:
    """The ABI as the build writes it: compiled, its multi-value outputs named."""
    from tools.build import artifacts as build

    abi: list[dict[str, Any]] = build.compile_contract(ROOT / path)["abi"]
    return abi


@pytest.fixture(scope="module")
def ours() -> list[dict[str, Any]]:
    return _abi("contracts/ValidationRegistry.vy")


def test_standard__has_six_functions_and_two_events() -> None:
    assert len(STANDARD_FUNCTIONS) == 6
    assert len(STANDARD_EVENTS) == 2


@pytest.mark.parametrize("entry", STANDARD_FUNCTIONS, ids=lambda e: e["name"])
def test_abi__standard_function__same_signature_outputs_and_mutability(
    ours: list[dict[str, Any]], entry: dict[str, Any]
) -> None:
    mine = {signature(e): e for e in ours if e["type"] == "function"}
    assert signature(entry) in mine
    found = mine[signature(entry)]
    assert [o["type"] for o in found["outputs"]] == [o["type"] for o in entry["outputs"]]
    assert found["stateMutability"] == entry["stateMutability"]


@pytest.mark.parametrize("entry", STANDARD_EVENTS, ids=lambda e: e["name"])
def test_abi__standard_event__same_signature_and_topics(
    ours: list[dict[str, Any]], entry: dict[str, Any]
) -> None:
    mine = {signature(e): e for e in ours if e["type"] == "event"}
    assert signature(entry) in mine
    found = mine[signature(entry)]
    assert [i["indexed"] for i in found["inputs"]] == [i["indexed"] for i in entry["inputs"]]
    assert [i["name"] for i in found["inputs"]] == [i["name"] for i in entry["inputs"]]
    assert found["anonymous"] == entry["anonymous"]


def test_abi__generated_interface_file__is_the_compiled_abi(ours: list[dict[str, Any]]) -> None:
    committed = json.loads((ROOT / "interfaces" / "ValidationRegistry.json").read_text())
    assert committed == ours


def test_interfaces__declare_what_the_contract_implements() -> None:
    source = (ROOT / "contracts" / "ValidationRegistry.vy").read_text()
    for name in ("IERC8004Validation", "IJobVerdicts", "IValidationRegistry"):
        assert f"implements: {name}" in source
        assert (ROOT / "contracts" / "interfaces" / f"{name}.vyi").is_file()


def test_every_revert_string__is_asserted_by_a_test() -> None:
    import re

    source = (ROOT / "contracts" / "ValidationRegistry.vy").read_text()
    reasons = set(re.findall(r'"(validation: [^"]+)"', source))
    tests = "".join(p.read_text() for p in (ROOT / "tests" / "validation").glob("test_*.py"))
    assert len(reasons) == 15
    missing = {r for r in reasons if f'"{r}"' not in tests}
    assert not missing
    unmapped = {r for r in reasons if r not in REVERT_CLASSES}
    assert not unmapped, f"revert strings without a class in agentmarket.reverts: {unmapped}"
    assert all(issubclass(REVERT_CLASSES[r], ValidationError) for r in reasons)

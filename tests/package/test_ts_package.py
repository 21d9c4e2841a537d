"""The generated half of the TypeScript package says what `interfaces/` says.

`./dev build` writes `clients/ts/src/abi/*.ts` and `clients/ts/src/generated/*.ts`;
`test_generated_files` holds them fresh, `tsc` (in `./dev test`) holds them valid
TypeScript, and these hold their content to the JSON files clients in other
languages read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tools.build import artifacts as build
from tools.build import interface_files, ts_package

DEPLOYABLE = [p.stem for p in build.deployable_sources()]


def _literal(path: Path, name: str) -> str:
    """The text of `export const <name> = ... as const;` in a generated file."""
    m = re.search(rf"^export const {name} = (.*?) as const;$", path.read_text(), re.M | re.S)
    assert m is not None, f"{path.name} has no {name}"
    return m[1]


def _json_from_ts(text: str) -> Any:
    """Our generated object literals as JSON: quote bare keys, drop trailing
    commas, bigints as strings (as constants.json writes them)."""
    text = re.sub(r"^(\s*)([A-Za-z_$][\w$]*): ", r'\1"\2": ', text, flags=re.M)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    text = re.sub(r"\b(\d+)n\b", r'"\1"', text)
    return json.loads(text)


@pytest.mark.parametrize("contract", DEPLOYABLE)
def test_ts_abi__is_the_json_abi_as_const(contract: str) -> None:
    path = ts_package.ABI_DIR / f"{contract}.ts"
    literal = _literal(path, ts_package.abi_constant(contract))
    assert json.loads(literal) == json.loads((build.INTERFACES / f"{contract}.json").read_text())


def test_ts_abi_index__names_every_deployable_contract() -> None:
    index = (ts_package.ABI_DIR / "index.ts").read_text()
    for contract in DEPLOYABLE:
        assert f"  {contract}: {ts_package.abi_constant(contract)},\n" in index
    assert {p.stem for p in ts_package.ABI_DIR.glob("*.ts")} == {*DEPLOYABLE, "index"}


def test_ts_constants__are_constants_json() -> None:
    path = ts_package.GENERATED_DIR / "constants.ts"
    values = _json_from_ts(_literal(path, "constants"))
    document = json.loads((build.INTERFACES / "constants.json").read_text())
    assert values == {k: v for k, v in document.items() if k != "notes"}
    # A value past 2**53 - 1 is a bigint in TypeScript, a string in JSON.
    assert "MAX_DEPOSIT: 79228162514264337593543950335n," in path.read_text()


def test_ts_typed_data__is_eip712_json_less_the_domain_type() -> None:
    signed = _json_from_ts(_literal(ts_package.GENERATED_DIR / "eip712.ts", "signedTypes"))
    document = json.loads((build.INTERFACES / "eip712.json").read_text())
    assert set(signed) == set(document["contracts"])
    for contract, entry in document["contracts"].items():
        ours = signed[contract]
        assert ours["types"] == {k: v for k, v in entry["types"].items() if k != "EIP712Domain"}
        assert ours["domainType"] == entry["types"]["EIP712Domain"]
        for key in ("domain", "domainFields", "primaryType", "typeString", "typeHash"):
            assert ours[key] == entry[key]
        assert "salt" not in ours["domainFields"]


def test_ts_literal__bigints_past_the_safe_integer_and_quoted_keys() -> None:
    big = interface_files.MAX_SAFE_INTEGER + 1
    text = ts_package.ts_literal({"a": 1, "b-c": [big, "x", True]})
    assert text == '{\n  a: 1,\n  "b-c": [\n    9007199254740992n,\n    "x",\n    true,\n  ],\n}'


def test_build__checks_the_ts_folders_for_orphans() -> None:
    folders = {folder for folder, pattern in build.GENERATED if pattern == "*.ts"}
    assert folders == {ts_package.ABI_DIR, ts_package.GENERATED_DIR}

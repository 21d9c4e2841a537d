"""Compile the deployable contracts and write the artifacts clients read.

    python -m tools.build           # regenerate
    python -m tools.build --check   # exit 1 if anything is stale

Writes, for every deployable `contracts/<Name>.vy`:
- `interfaces/<Name>.json`: the ABI, what auditors and other clients read, with
  every multi-value output named (`agentmarket.abi_names`);
- `src/agentmarket/artifacts/<Name>.json`: ABI and creation bytecode, shipped
  inside the Python package;
and, parsed from the contracts' source (`agentmarket.interface_files`):
- `interfaces/eip712.json`: every EIP-712 domain and type the contracts verify;
- `interfaces/constants.json`: every number with a meaning, by name;
and the generated half of the TypeScript package (`agentmarket.ts_package`):
- `clients/ts/src/abi/*.ts`, `clients/ts/src/generated/*.ts`: the same ABIs
  `as const`, typed data and constants.

Needs the development install (Vyper 0.4.3 and snekmate); the run-time client
only reads the JSON files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tools.build import abi_names, interface_files, ts_package

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
INTERFACES = ROOT / "interfaces"
ARTIFACTS = ROOT / "src" / "agentmarket" / "artifacts"
# The files of `interfaces/` that are not a contract's ABI.
INTERFACE_DATA = ("eip712", "constants")
# Folders that hold only generated files, and the pattern of those files: a
# file there that the build no longer writes is an orphan.
GENERATED = (
    (INTERFACES, "*.json"),
    (ARTIFACTS, "*.json"),
    *((folder, "*.ts") for folder in ts_package.GENERATED_FOLDERS),
)


def deployable_sources() -> list[Path]:
    """Every deployable protocol contract: the `.vy` files directly under `contracts/`."""
    return sorted(CONTRACTS.glob("*.vy"))


def demo_sources() -> list[Path]:
    """Contracts the demo needs that are not part of the protocol (`contracts/demo/`)."""
    return sorted((CONTRACTS / "demo").glob("*.vy"))


def compile_contract(path: Path, experimental_codegen: bool = False) -> dict[str, Any]:
    """Compile one contract; return its ABI (every multi-value output named,
    `agentmarket.abi_names`) and creation bytecode."""
    import vyper
    from vyper.cli.vyper_compile import compile_files
    from vyper.compiler.settings import Settings

    settings = Settings(experimental_codegen=experimental_codegen)
    out = compile_files(
        [str(path)],
        ("abi", "bytecode", "devdoc"),
        paths=[str(ROOT)],
        settings=settings,
    )
    (result,) = out.values()
    try:
        abi = abi_names.name_outputs(result["abi"], result["devdoc"])
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    return {
        "abi": abi,
        "bytecode": result["bytecode"],
        "compiler": f"vyper-{vyper.__version__}",
    }


def render(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def expected_files() -> dict[Path, str]:
    """The text every generated file should hold, freshly compiled."""
    files: dict[Path, str] = {}
    abis: dict[str, list[dict[str, Any]]] = {}
    for src in deployable_sources():
        compiled = compile_contract(src)
        abis[src.stem] = compiled["abi"]
        files[INTERFACES / f"{src.stem}.json"] = render(compiled["abi"])
        files[ARTIFACTS / f"{src.stem}.json"] = render(compiled)
    for src in demo_sources():
        files[ARTIFACTS / f"{src.stem}.json"] = render(compile_contract(src))
    data = interface_files.expected_files(INTERFACES)
    assert {p.stem for p in data} == set(INTERFACE_DATA)
    files.update(data)
    files.update(ts_package.expected_files(abis))
    return files


def stale_files() -> list[Path]:
    """Generated files that differ from a fresh compile, or are missing or orphaned."""
    expected = expected_files()
    stale = [p for p, text in expected.items() if not p.exists() or p.read_text() != text]
    for folder, pattern in GENERATED:
        stale += [p for p in folder.glob(pattern) if p not in expected]
    return sorted(stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    for folder, _ in GENERATED:
        folder.mkdir(parents=True, exist_ok=True)
    expected = expected_files()
    for folder, pattern in GENERATED:
        for orphan in folder.glob(pattern):
            if orphan not in expected:
                orphan.unlink()
    for path, text in expected.items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

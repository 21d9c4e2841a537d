"""Mutation testing of the contracts: `./dev mutate [CONTRACT...] [--sample N] [--seed S]`.

    python -m tools.mutate [CONTRACT...] [--sample N] [--seed S] [--out FILE]

Plants one deliberate one-line bug at a time in `contracts/<CONTRACT>.vy` (or a
module's `contracts/modules/<NAME>.vy`, `MODULES`: `job_words`, the shared word
layouts) and runs the tests that cover it (`COVERAGE`) against it, the protocol
machine at its `smoke` profile, stopping at the first failure
(`pytest -x -q -p no:randomly`). Operators, all textual on one line of code
(comments, docstrings and string literals are left alone):

- `cmp`: flip a comparison (`<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=`);
- `arith`: swap `+` and `-` (and `+=`, `-=`);
- `assert`: replace a one-line `assert` with `pass`;
- `const`: nudge a decimal literal by +1 or -1;
- `bool`: swap `and` and `or`.

Each candidate is compiled first (`vyper -f bytecode_runtime`; a module through
the contracts that import it): one that does not compile is skipped, one that
compiles to the original's runtime bytecode is
counted as equivalent (it cannot change behaviour) and not run. `--sample N`
takes N compiling, behaviour-changing candidates per contract, drawn in an
order shuffled by `--seed`. An unmutated run of each contract's tests comes
first, and the command stops if it fails.

The tests read the contracts from `contracts/` (some by path), so the mutant is
written in place; the original is kept in `.build/mutate/` and written back in a
`finally` after each mutant, and again at the next start if a run was killed.

Output: survivors (file, line, change) on stdout, and per contract the counts
and the kill rate (killed / (killed + survived)) in `benchmarks/mutation.json`,
each contract's entry with its own command, seed and date: a run replaces the
entries of the contracts it ran and keeps the others.
A benchmark, not part of `./dev test`: it takes minutes per contract.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
BACKUP = ROOT / ".build" / "mutate"
OUT = ROOT / "benchmarks" / "mutation.json"

# The test folders that cover each contract (the assurance folder holds the
# whole-protocol machine and the attack catalogue, over every deployed contract).
COVERAGE: dict[str, tuple[str, ...]] = {
    "AgentRegistry": ("tests/registry",),
    "ArbiterPanel": ("tests/disputes",),
    "DisputeResolver": ("tests/disputes", "tests/assurance"),
    "EscrowGovernor": ("tests/escrow",),
    "JobEscrow": ("tests/escrow", "tests/assurance"),
    "OfferBook": ("tests/escrow", "tests/assurance"),
    "ReputationRegistry": ("tests/reputation",),
    "ServiceListings": ("tests/escrow", "tests/assurance"),
    "Tabs": ("tests/tabs", "tests/assurance"),
    "ValidationRegistry": ("tests/validation",),
    "job_words": ("tests/escrow", "tests/tabs", "tests/assurance"),
}

# Modules have no bytecode of their own: a mutant of one is compiled through the
# contracts that import it, and is equivalent when all of theirs are unchanged.
MODULES: dict[str, tuple[str, ...]] = {"job_words": ("JobEscrow", "Tabs")}

# Tests that drive a separate process or chain from the built artifacts
# (`./dev build`), not from `contracts/`: a mutant would not reach them.
DESELECT = ("integration",)

TEST_ENV = {
    "AGENTMARKET_MACHINE": "smoke",
    "HYPOTHESIS_PROFILE": "quick",
    "PYTHONDONTWRITEBYTECODE": "1",
}

# Survivors read and found to behave exactly as the original, with the reason,
# keyed by (contract, line, line before, line after): an edit that moves or
# changes the line drops the match, and the survivor is reported as
# unexplained until someone reads it again. The kill rate that matters is over
# the rest (`behaviour_kill_rate`).
_FREED_TAIL = (
    "clearing the freed tail slot is housekeeping: the arrays are read below their count only,"
    " and the next listing activated writes that slot first (only gas differs)"
)
EQUIVALENT: dict[tuple[str, int, str, str], str] = {
    (
        "Tabs",
        146,
        "B_DELAY_MASK: constant(uint256) = 2**32 - 1",
        "B_DELAY_MASK: constant(uint256) = 2**33 - 1",
    ): "bit 192 of word B, the extra bit read, lies in the unused bits between the"
    " delay (160-191) and the terms (from 208) and is never written",
    ("JobEscrow", 913, "0,", "1,"): "tab_lock's evaluator fee: `_open` returns at a zero"
    " delivery time, before it reads the evaluator or its fee",
    (
        "DisputeResolver",
        397,
        "cost: uint256 = 0",
        "cost: uint256 = 1",
    ): "a dead initial value (Vyper 0.4 declares a variable before a tuple assignment):"
    " the next statement overwrites it",
    (
        "job_words",
        74,
        "DELIVERY_MASK: constant(uint256) = 2**32 - 1",
        "DELIVERY_MASK: constant(uint256) = 2**31 - 1",
    ): "the bit lost, 31, is never set: a delivery time is at most MAX_DELIVERY_TIME"
    " (365 days, below 2**25) when the escrow writes it",
    (
        "job_words",
        95,
        "WINDOW_MASK: constant(uint256) = 2**32 - 1",
        "WINDOW_MASK: constant(uint256) = 2**31 - 1",
    ): "the bit lost, 31, is never set: every window is at most the governor's MAX_WINDOW"
    " (90 days, below 2**23), and only the governor writes configs",
    (
        "ServiceListings",
        373,
        "self._meta[listing_id] = self._pack_meta(meta & MASK_128, version, STATE_CLOSED, 0, 0)"
        " | (",
        "self._meta[listing_id] = self._pack_meta(meta & MASK_128, version, STATE_CLOSED, 0, 1)"
        " | (",
    ): "a closed listing's provider position: closing is final, and positions are read only"
    " for an open listing (edits, and removal from the active arrays)",
    (
        "ServiceListings",
        594,
        "self._active_by_tag[tag][last - 1] = 0",
        "self._active_by_tag[tag][last + 1] = 0",
    ): _FREED_TAIL,
    (
        "ServiceListings",
        594,
        "self._active_by_tag[tag][last - 1] = 0",
        "self._active_by_tag[tag][last - 0] = 0",
    ): _FREED_TAIL,
}

CMP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
CMP_RE = re.compile(r"(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])")
ARITH_RE = re.compile(r"(?<=\s)(\+|-)(=?)(?=\s)")
NUM_RE = re.compile(r"(?<![\w.])\d[\d_]*(?![\w.])")
BOOL_RE = re.compile(r"\b(and|or)\b")


@dataclass(frozen=True)
class Mutant:
    contract: str
    line: int  # 1-based
    operator: str
    before: str  # the whole original line, stripped
    after: str  # the whole mutated line, stripped

    @property
    def change(self) -> str:
        return f"{self.before}  ->  {self.after}"


def _code_spans(line: str) -> list[tuple[int, int]]:
    """The spans of `line` that are code: outside string literals and before a comment."""
    spans: list[tuple[int, int]] = []
    start, i, quote = 0, 0, ""
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote, start = "", i + 1
        elif ch in "\"'":
            spans.append((start, i))
            quote = ch
        elif ch == "#":
            spans.append((start, i))
            return [s for s in spans if s[0] < s[1]]
        i += 1
    if not quote:
        spans.append((start, len(line)))
    return [s for s in spans if s[0] < s[1]]


def _in_code(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)


def candidates(contract: str, source: str) -> list[Mutant]:
    """Every textual mutant of `source`, one line each, in file order."""
    out: list[Mutant] = []
    in_doc = False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped.count('"""') % 2 == 1:
            in_doc = not in_doc
            continue
        if in_doc or stripped.startswith(("#", '"""', "@")) or not stripped:
            continue
        spans = _code_spans(line)

        def add(
            operator: str, a: int, b: int, text: str, *, _line: str = line, _n: int = number
        ) -> None:
            mutated = _line[:a] + text + _line[b:]
            out.append(Mutant(contract, _n, operator, _line.strip(), mutated.strip()))

        for m in CMP_RE.finditer(line):
            if _in_code(spans, m.start(), m.end()):
                add("cmp", m.start(), m.end(), CMP[m.group(1)])
        for m in ARITH_RE.finditer(line):
            if _in_code(spans, m.start(), m.end()):
                add("arith", m.start(1), m.end(1), "-" if m.group(1) == "+" else "+")
        for m in NUM_RE.finditer(line):
            if _in_code(spans, m.start(), m.end()):
                value = int(m.group(0).replace("_", ""))
                add("const", m.start(), m.end(), str(value + 1))
                if value > 0:
                    add("const", m.start(), m.end(), str(value - 1))
        for m in BOOL_RE.finditer(line):
            if _in_code(spans, m.start(), m.end()):
                add("bool", m.start(), m.end(), "or" if m.group(1) == "and" else "and")
        if stripped.startswith("assert ") and stripped.count("(") == stripped.count(")"):
            out.append(Mutant(contract, number, "assert", stripped, "pass"))
    return out


def apply(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    old = lines[mutant.line - 1]
    indent = old[: len(old) - len(old.lstrip())]
    ending = "\n" if old.endswith("\n") else ""
    lines[mutant.line - 1] = indent + mutant.after + ending
    return "".join(lines)


def runtime_bytecode(path: Path) -> str | None:
    """The contract's runtime bytecode, or None if it does not compile."""
    done = subprocess.run(
        [sys.executable, "-m", "vyper", "-f", "bytecode_runtime", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def run_tests(contract: str, timeout: float | None) -> tuple[bool, float]:
    """(passed, seconds) of the contract's tests, stopping at the first failure."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:randomly",
        "-m",
        " and ".join(f"not {d}" for d in DESELECT),
        *COVERAGE[contract],
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**os.environ, **TEST_ENV},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return False, time.monotonic() - started  # a hang is a failure: killed
    return done.returncode == 0, time.monotonic() - started


def _equivalent(mutant: Mutant) -> str | None:
    """Why a survivor behaves as the original, if someone found out (EQUIVALENT)."""
    return EQUIVALENT.get((mutant.contract, mutant.line, mutant.before, mutant.after))


def source_path(name: str) -> Path:
    """Where contract or module `name` lives."""
    return CONTRACTS / "modules" / f"{name}.vy" if name in MODULES else CONTRACTS / f"{name}.vy"


def compiled(name: str) -> str | None:
    """The runtime bytecode that `name`'s source decides: its own, or for a module
    its importers' together; None if any does not compile."""
    codes = [runtime_bytecode(source_path(n)) for n in MODULES.get(name, (name,))]
    return None if any(c is None for c in codes) else "|".join(c for c in codes if c)


def restore_stale() -> None:
    """Write back any original a killed run left in `.build/mutate/`."""
    for saved in BACKUP.glob("*.vy"):
        source_path(saved.stem).write_text(saved.read_text())
        saved.unlink()


def mutate_contract(name: str, sample: int | None, rng: random.Random) -> dict[str, object]:
    path = source_path(name)
    original = path.read_text()
    reference = compiled(name)
    if reference is None:
        raise SystemExit(f"{name}: the unmutated contract does not compile")
    passed, baseline = run_tests(name, None)
    if not passed:
        raise SystemExit(f"{name}: the unmutated tests fail ({' '.join(COVERAGE[name])}); stopping")
    print(f"{name}: unmutated tests pass in {baseline:.0f} s", flush=True)
    pool = candidates(name, original)
    rng.shuffle(pool)
    killed: list[Mutant] = []
    survived: list[Mutant] = []
    equivalent: list[Mutant] = []
    not_compiling = 0
    BACKUP.mkdir(parents=True, exist_ok=True)
    saved = BACKUP / path.name
    for mutant in pool:
        if sample is not None and len(killed) + len(survived) >= sample:
            break
        saved.write_text(original)
        try:
            path.write_text(apply(original, mutant))
            code = compiled(name)
            if code is None:
                not_compiling += 1
                continue
            if code == reference:
                equivalent.append(mutant)
                continue
            passed, seconds = run_tests(name, max(60.0, 5 * baseline))
        finally:
            path.write_text(original)
            saved.unlink()
        (survived if passed else killed).append(mutant)
        verdict = "SURVIVED" if passed else "killed"
        print(f"  {verdict:8} {path.name}:{mutant.line} [{mutant.operator}] {mutant.change}")
        if passed:
            print(f"           equivalent: {_equivalent(mutant) or 'unexplained: read it'}")
        print(f"           ({seconds:.0f} s)", flush=True)
    run = len(killed) + len(survived)
    explained = [m for m in survived if _equivalent(m)]
    changing = run - len(explained)
    return {
        "tests": list(COVERAGE[name]),
        "candidates": len(pool),
        "run": run,
        "killed": len(killed),
        "survived": len(survived),
        "kill_rate": round(len(killed) / run, 4) if run else None,
        "survived_equivalent": len(explained),
        "behaviour_kill_rate": round(len(killed) / changing, 4) if changing else None,
        "same_bytecode": len(equivalent),
        "not_compiling": not_compiling,
        "unmutated_seconds": round(baseline, 1),
        "survivors": [
            {
                "file": str(path.relative_to(ROOT)),
                "line": m.line,
                "operator": m.operator,
                "change": m.change,
                "equivalent": _equivalent(m),
            }
            for m in survived
        ],
        "killed_mutants": [asdict(m) for m in killed],
    }


def _load_report(path: Path) -> dict[str, object]:
    """The report at `path` with its per-contract entries, or a new one.

    Each contract's entry carries its own command, sample, seed and date, so a
    run of some contracts replaces their entries and keeps the others'.
    """
    report: dict[str, object] = {
        "test_env": TEST_ENV,
        "kill_rate": "killed / (killed + survived); same-bytecode mutants are not run;"
        " behaviour_kill_rate leaves out survivors explained as equivalent (EQUIVALENT)",
        "contracts": {},
    }
    if path.exists():
        kept = json.loads(path.read_text()).get("contracts", {})
        report["contracts"] = {n: e for n, e in kept.items() if "command" in e}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev mutate", description=__doc__.split("\n")[0])
    parser.add_argument("contracts", nargs="*", help=f"default: all ({', '.join(COVERAGE)})")
    parser.add_argument("--sample", type=int, default=None, help="mutants run per contract")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    names: list[str] = args.contracts or list(COVERAGE)
    unknown = [n for n in names if n not in COVERAGE]
    if unknown:
        parser.error(f"unknown contract(s) {unknown}; known: {', '.join(COVERAGE)}")
    # a SIGTERM unwinds through the `finally` that writes the original back
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    restore_stale()
    report = _load_report(args.out)
    entries: dict[str, object] = report["contracts"]  # type: ignore[assignment]
    for name in names:
        started = time.monotonic()
        # a fresh generator per contract: its draw depends only on its seed,
        # so the entry's own command reproduces it
        entry = mutate_contract(name, args.sample, random.Random(args.seed))
        extra = [f"--sample {args.sample}"] if args.sample else []
        entries[name] = {
            "command": " ".join(["./dev mutate", name, *extra, f"--seed {args.seed}"]),
            "sample": args.sample,
            "seed": args.seed,
            "measured": time.strftime("%Y-%m-%d", time.gmtime()),
            "seconds": round(time.monotonic() - started),
            **entry,
        }
        # each contract's figures land as soon as they exist: a later one's
        # failure or a kill keeps the earlier ones
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`./dev mutate`'s own logic (tools/mutate.py): which mutants it plants, how it
writes them, and how its report keeps earlier contracts' figures. The runs
themselves are a benchmark (`./dev mutate`), not part of the suite."""

from __future__ import annotations

import json
from pathlib import Path

from tools.mutate import (
    EQUIVALENT,
    MODULES,
    TEST_ENV,
    Mutant,
    _load_report,
    apply,
    candidates,
    compiled,
    source_path,
)

SOURCE = '''"""
@notice a < b in a docstring is not code
"""
MASK: constant(uint256) = 2**8 - 1


@external
def f(a: uint256, b: uint256) -> uint256:
    # a comment: a < b
    assert a < b and b != 0, "x: a < b"
    c: uint256 = a + b
    return c
'''


def _changes(contract: str = "X") -> set[tuple[int, str, str]]:
    return {(m.line, m.operator, m.after) for m in candidates(contract, SOURCE)}


def test_candidates__code_only__every_operator_once_per_site() -> None:
    got = _changes()
    assert got == {
        # the constant: each decimal literal nudged both ways
        (4, "const", "MASK: constant(uint256) = 3**8 - 1"),
        (4, "const", "MASK: constant(uint256) = 1**8 - 1"),
        (4, "const", "MASK: constant(uint256) = 2**9 - 1"),
        (4, "const", "MASK: constant(uint256) = 2**7 - 1"),
        (4, "const", "MASK: constant(uint256) = 2**8 - 2"),
        (4, "const", "MASK: constant(uint256) = 2**8 - 0"),
        (4, "arith", "MASK: constant(uint256) = 2**8 + 1"),
        # the assert: both comparisons, the literal, the boolean, the whole line
        (10, "cmp", 'assert a <= b and b != 0, "x: a < b"'),
        (10, "cmp", 'assert a < b and b == 0, "x: a < b"'),
        (10, "const", 'assert a < b and b != 1, "x: a < b"'),
        (10, "bool", 'assert a < b or b != 0, "x: a < b"'),
        (10, "assert", "pass"),
        (11, "arith", "c: uint256 = a - b"),
    }


def test_candidates__docstrings_comments_and_strings__untouched() -> None:
    for line, _, after in _changes():
        assert line not in (2, 9)  # the docstring and the comment
        if line == 10 and after != "pass":
            assert after.endswith('"x: a < b"')  # the revert string kept


def test_apply__keeps_indentation_and_every_other_line() -> None:
    mutant = Mutant("X", 11, "arith", "c: uint256 = a + b", "c: uint256 = a - b")
    out = apply(SOURCE, mutant).splitlines()
    assert out[10] == "    c: uint256 = a - b"
    assert out[:10] == SOURCE.splitlines()[:10] and out[11:] == SOURCE.splitlines()[11:]


def test_load_report__keeps_other_contracts_and_drops_entries_without_a_command(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mutation.json"
    fresh = _load_report(path)
    assert (fresh["test_env"], fresh["contracts"]) == (TEST_ENV, {})
    tabs = {"command": "./dev mutate Tabs --sample 30 --seed 7", "killed": 29}
    path.write_text(json.dumps({"contracts": {"Tabs": tabs, "Old": {"killed": 1}}}))
    assert _load_report(path)["contracts"] == {"Tabs": tabs}


def test_equivalent__every_entry_is_a_candidate_of_todays_contract() -> None:
    # an entry whose line moved or changed no longer explains anything: the
    # survivor must be read again and the entry moved with it
    for contract, line, before, after in EQUIVALENT:
        pool = candidates(contract, source_path(contract).read_text())
        assert any((m.line, m.before, m.after) == (line, before, after) for m in pool), (
            f"{contract}:{line} {before!r} -> {after!r} is not a candidate any more"
        )


def test_modules__found_in_modules_and_compiled_through_their_importers() -> None:
    assert source_path("job_words").parts[-2:] == ("modules", "job_words.vy")
    assert source_path("Tabs").parts[-2:] == ("contracts", "Tabs.vy")
    code = compiled("job_words")
    assert code is not None and code.count("|") == len(MODULES["job_words"]) - 1

"""The README's attack catalogue cannot rot: every test it names must exist.

The section between `<!-- attack-catalogue:begin -->` and
`<!-- attack-catalogue:end -->` holds a table, one row per scenario, whose
test column names tests as `path::name` in backticks. Each path must be a
test file and each name a test function in it (found by AST: a module-level
`def test_...` or a method of a `Test...` class). The figure "scenarios
covered N of N" must match the rows.
"""

from __future__ import annotations

import ast
import re
from functools import cache

from .world import ROOT

README = ROOT / "README.md"
BEGIN, END = "<!-- attack-catalogue:begin -->", "<!-- attack-catalogue:end -->"
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def section() -> str:
    text = README.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1, "catalogue markers missing"
    start, end = text.index(BEGIN), text.index(END)
    assert start < end
    return text[start + len(BEGIN) : end]


def rows() -> list[list[str]]:
    """The table's data rows, as lists of cells."""
    out = []
    for line in section().splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("#", "scenario"):
            continue
        out.append(cells)
    return out


@cache
def names_in(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            names.add(node.name)
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(
                f"{node.name}::{f.name}"
                for f in node.body
                if isinstance(f, ast.FunctionDef) and f.name.startswith("test")
            )
    return frozenset(names)


def test_catalogue__every_listed_test_exists() -> None:
    table = rows()
    assert table, "the catalogue has no rows"
    missing = []
    for cells in table:
        ids = TEST_ID.findall(" ".join(cells))
        assert ids, f"row without a test id: {cells}"
        for path, name in ids:
            if not (ROOT / path).is_file() or name not in names_in(path):
                missing.append(f"{path}::{name}")
    assert not missing, f"the README's attack catalogue names missing tests: {missing}"


def test_catalogue__figures_match_the_rows() -> None:
    table = rows()
    found = re.search(r"scenarios covered[^0-9]*(\d+) of (\d+)", section())
    assert found, "figure 'scenarios covered N of N' missing"
    covered, total = int(found.group(1)), int(found.group(2))
    assert covered == total == len(table), (covered, total, len(table))
    assert len({cells[1] for cells in table}) == len(table), "a scenario is listed twice"
    assert re.search(r"steps run per CI[^0-9]*[\d,]+", section()), "figure 'steps run' missing"
    assert re.search(r"invariants checked[^0-9]*7", section()), "figure 'invariants' missing"


def test_catalogue__parser_rejects_a_missing_test() -> None:
    """The check itself works: a made-up name is not found."""
    assert "test_no_such_attack" not in names_in("tests/assurance/test_attacks.py")
    assert "test_offer_replay__across_agents__reverts" in names_in(
        "tests/assurance/test_attacks.py"
    )

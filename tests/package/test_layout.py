"""The package's shape (issue 17): folders that show the architecture, no import
cycle, no module reaching into another's private names, build and benchmark
tooling outside the installed package, and a public API that says what it is."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import agentmarket

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "agentmarket"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text()) for p in PACKAGE.rglob("*.py")}


def _imports(tree: ast.Module) -> list[tuple[str, list[str], bool]]:
    """(module, names, at top level) for every `import` and `from ... import`."""
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names], id(node) in top))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], id(node) in top) for a in node.names]
    return found


def _graph() -> dict[str, set[str]]:
    """Module -> package modules it imports at load time (top-level imports)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for module, names, top in _imports(tree):
            if not top or not module.startswith("agentmarket"):
                continue
            targets = {f"{module}.{n}" for n in names if f"{module}.{n}" in modules}
            # `from package import name` loads the package too, unless name is a
            # submodule of the importing module's own package (registration).
            if module in modules and (not targets or not name.startswith(module + ".")):
                targets.add(module)
            graph[name] |= targets - {name}
    return graph


def test_no_import_cycle_anywhere_in_the_package() -> None:
    graph = _graph()
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = [*path[path.index(node) :], node]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = [
        f"{name} imports {module}.{n}"
        for name, tree in _modules().items()
        for module, names, _ in _imports(tree)
        if module.startswith("agentmarket")
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert not offenders, offenders


def test_subpackages_replace_prefixed_flat_modules() -> None:
    flat = {p.name for p in PACKAGE.glob("*.py")}
    assert flat == {
        "__init__.py",
        "artifacts.py",
        "chain.py",
        "deployment.py",
        "eip712.py",
        "errors.py",
        "keys.py",
        "market.py",
        "reverts.py",
        "serving.py",
    }, sorted(flat)
    for sub in ("contracts", "index", "cli"):
        assert (PACKAGE / sub / "__init__.py").is_file()


def test_build_and_benchmarks_live_outside_the_installed_package() -> None:
    inside = {p.stem for p in PACKAGE.rglob("*.py")}
    for tool in ("bench", "build", "gas_floor", "abi_names", "interface_files", "ts_package"):
        assert tool not in inside, tool
    assert (ROOT / "tools" / "build" / "__main__.py").is_file()
    assert (ROOT / "tools" / "bench" / "__main__.py").is_file()
    for name, tree in _modules().items():
        assert not [m for m, _, _ in _imports(tree) if m.startswith("tools")], name


def test_public_api__all_names_resolve_and_market_is_first_class() -> None:
    assert "Market" in agentmarket.__all__
    missing = [n for n in agentmarket.__all__ if not hasattr(agentmarket, n)]
    assert not missing, missing
    assert agentmarket.__all__ == sorted(agentmarket.__all__, key=lambda n: (not n.isupper(), n))


def test_importing_the_library_loads_neither_the_cli_nor_the_tools() -> None:
    code = (
        "import sys, agentmarket; "
        "bad = [m for m in sys.modules if m.startswith(('agentmarket.cli', 'tools', 'click'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr

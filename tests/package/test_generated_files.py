"""Generated files must match the code that produces them."""

from __future__ import annotations

import json

from agentmarket.deployment import PLAN
from tools.bench import gas as bench
from tools.build import artifacts as build


def test_abis_and_artifacts__match_a_fresh_compile() -> None:
    assert build.stale_files() == [], "run ./dev build and commit the result"


def test_every_deployable__has_an_abi_and_an_artifact() -> None:
    names = {p.stem for p in build.deployable_sources()}
    demo = {p.stem for p in build.demo_sources()}
    abis = {p.stem for p in build.INTERFACES.glob("*.json")} - set(build.INTERFACE_DATA)
    assert names == abis
    assert names | demo == {p.stem for p in build.ARTIFACTS.glob("*.json")}


def test_gas_json__matches_a_fresh_benchmark(measured_gas: dict[str, int]) -> None:
    committed = json.loads(bench.DEFAULT_OUT.read_text())
    assert committed == measured_gas, "run ./dev bench and commit benchmarks/gas.json"


def test_floors_json__matches_a_fresh_benchmark(measured_floors: dict[str, dict[str, int]]) -> None:
    committed = json.loads(bench.FLOORS_OUT.read_text())
    assert committed == measured_floors, "run ./dev bench and commit benchmarks/floors.json"


def test_readme_gas_table__is_rendered_from_gas_json_and_floors_json() -> None:
    committed = json.loads(bench.DEFAULT_OUT.read_text())
    floors = json.loads(bench.FLOORS_OUT.read_text())
    readme = (bench.ROOT / "README.md").read_text()
    table = bench.render_table(committed, floors)
    assert table in readme, "run ./dev bench to refresh the README table"


def test_sizes_json_and_readme__match_the_deployed_code(measured_sizes: dict[str, int]) -> None:
    assert json.loads(bench.SIZES_OUT.read_text()) == measured_sizes, "run ./dev bench"
    readme = (bench.ROOT / "README.md").read_text()
    assert bench.render_sizes(measured_sizes) in readme, "run ./dev bench"


def test_deployment_plan__deploys_every_deployable_contract() -> None:
    assert {step.name for step in PLAN} == {p.stem for p in build.deployable_sources()}

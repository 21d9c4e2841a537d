"""Gas per step, measured as whole transactions, held to its ceiling (SPEC.md, gas targets)."""

from __future__ import annotations

import pytest

from tools.bench import gas as bench


@pytest.mark.parametrize("step", sorted(bench.CEILINGS))
def test_step__within_its_gas_ceiling(measured_gas: dict[str, int], step: str) -> None:
    assert step in measured_gas, f"benchmark does not measure {step}"
    assert measured_gas[step] <= bench.CEILINGS[step], (
        f"{step} costs {measured_gas[step]:,} gas, ceiling {bench.CEILINGS[step]:,}"
    )


def test_missed_targets__are_exactly_the_known_ones(measured_gas: dict[str, int]) -> None:
    """A step that newly misses its SPEC target fails here; one that comes back
    under it fails too, so its entry in MISSED_TARGETS is removed."""
    missed = {s for s, target in bench.TARGETS.items() if measured_gas[s] > target}
    assert missed == set(bench.MISSED_TARGETS)


@pytest.mark.parametrize("step", sorted(bench.REFERENCES))
def test_step__beats_the_reference_contract(measured_gas: dict[str, int], step: str) -> None:
    assert measured_gas[step] < bench.REFERENCES[step][0]


def test_cold_steps__are_measured_beside_their_warm_steps(measured_gas: dict[str, int]) -> None:
    cold = {s for s in measured_gas if s.endswith(bench.COLD)}
    assert cold == set(bench.COLD_CEILINGS)
    assert all(s.removesuffix(bench.COLD) in measured_gas for s in cold)


def test_fresh_words__are_the_counted_and_explained_ones(
    measured_floors: dict[str, dict[str, int]],
) -> None:
    """Each step's fresh storage words, counted on the chain, are the ones FRESH_WORDS
    gives a reason for: a step that creates more or fewer words fails here."""
    counted = {step: floor["fresh_words"] for step, floor in measured_floors.items()}
    assert counted == {step: n for step, (n, _) in bench.FRESH_WORDS.items()}


def test_every_step__costs_at_least_its_floor(
    measured_gas: dict[str, int], measured_floors: dict[str, dict[str, int]]
) -> None:
    below = {s: measured_gas[s] for s, f in measured_floors.items() if measured_gas[s] < f["floor"]}
    assert not below


def test_every_contract__fits_the_code_size_limit(measured_sizes: dict[str, int]) -> None:
    too_big = {n: size for n, size in measured_sizes.items() if size > bench.CODE_SIZE_LIMIT}
    assert not too_big, f"over EIP-170's {bench.CODE_SIZE_LIMIT:,} bytes: {too_big}"


def test_escrow__keeps_its_room_under_the_limit(measured_sizes: dict[str, int]) -> None:
    """Issue 15: JobEscrow stays at least 3,000 bytes under EIP-170."""
    room = bench.CODE_SIZE_LIMIT - measured_sizes["JobEscrow"]
    assert room >= bench.ESCROW_ROOM, f"JobEscrow has {room:,} bytes left"

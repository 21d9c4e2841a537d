"""Compiled contracts shipped inside the package (ABI and creation bytecode).

The JSON files under `agentmarket/artifacts/` are generated from `contracts/`
by `python -m tools.build`; a test fails when they are stale, so the
client never talks to a contract through an outdated ABI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


class ArtifactMissingError(LookupError):
    """The package holds no compiled artifact of that name."""


@dataclass(frozen=True)
class Artifact:
    """One compiled contract: its ABI and creation bytecode."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    compiler: str


def artifact_names() -> list[str]:
    """The names of all compiled contracts shipped with the package."""
    root = resources.files("agentmarket") / "artifacts"
    return sorted(p.name.removesuffix(".json") for p in root.iterdir() if p.name.endswith(".json"))


def load_artifact(name: str) -> Artifact:
    """Load the artifact of contract `name`; raise ArtifactMissingError if absent."""
    path = resources.files("agentmarket") / "artifacts" / f"{name}.json"
    if not path.is_file():
        raise ArtifactMissingError(f"no compiled artifact for {name!r}; run python -m tools.build")
    data = json.loads(path.read_text())
    return Artifact(
        name=name, abi=data["abi"], bytecode=data["bytecode"], compiler=data["compiler"]
    )

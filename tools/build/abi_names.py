"""Names for the outputs of multi-value reads, which Vyper 0.4 leaves empty.

Vyper writes `"name": ""` for every output of a function returning a tuple
(`-> (uint256, uint256)`), so clients get positional results (viem a bare
array, web3.py a list) and must read the source to learn what each one is.
The build names them from one source of truth each:

- a function a standard defines (`STANDARD_OUTPUTS`) takes the standard's
  names: EIP-5267 `eip712Domain` (snekmate's module, whose NatSpec is not
  ours), ERC-792 `appealPeriod`;
- any other takes them from its NatSpec: one `@return` tag per output, in
  order, whose first word is the output's name (`@return client_id The
  client agent.`). Vyper's devdoc gives such tags as `returns: {"_0": ...,
  "_1": ...}`.

A multi-value function with no names, a tag count that is not its output
count, a first word that is not an identifier, a repeated name, or NatSpec
that disagrees with its standard stops the build: the contract's NatSpec is
fixed, not the generated file. Single outputs keep Vyper's empty name (a
struct's members are named already).
"""

from __future__ import annotations

import copy
import re
from typing import Any

# Output names of the standard functions the contracts export, by the
# standard's own text.
STANDARD_OUTPUTS: dict[str, tuple[str, ...]] = {
    # EIP-5267
    "eip712Domain": (
        "fields",
        "name",
        "version",
        "chainId",
        "verifyingContract",
        "salt",
        "extensions",
    ),
    # ERC-792 (IArbitrator)
    "appealPeriod": ("start", "end"),
}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def canonical_type(param: dict[str, Any]) -> str:
    """A parameter's type as in a function signature (tuples expanded)."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in param["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def signature(entry: dict[str, Any]) -> str:
    """`name(type,...)`: the key Vyper's devdoc files a method under."""
    return f"{entry['name']}({','.join(canonical_type(p) for p in entry['inputs'])})"


def natspec_names(entry: dict[str, Any], devdoc: dict[str, Any]) -> list[str] | None:
    """The first word of each `@return` tag of `entry`, in order, or None if
    its NatSpec has no `@return` tag."""
    returns = devdoc.get("methods", {}).get(signature(entry), {}).get("returns")
    if not returns:
        return None
    texts = [returns.get(f"_{i}") for i in range(len(returns))]
    if any(t is None for t in texts) or len(texts) != len(returns):
        raise ValueError(f"{signature(entry)}: @return tags are not _0.._n: {sorted(returns)}")
    return [str(t).split()[0].strip(".,:;") if str(t).split() else "" for t in texts]


def output_names(entry: dict[str, Any], devdoc: dict[str, Any]) -> list[str]:
    """The names of a multi-value function's outputs (see the module doc)."""
    sig = signature(entry)
    count = len(entry["outputs"])
    from_doc = natspec_names(entry, devdoc)
    standard = STANDARD_OUTPUTS.get(str(entry["name"]))
    if standard is not None:
        names = list(standard)
        if from_doc is not None and from_doc != names:
            raise ValueError(f"{sig}: NatSpec names {from_doc}, the standard {names}")
    elif from_doc is not None:
        names = from_doc
    else:
        raise ValueError(
            f"{sig} returns {count} values and names none: give it one `@return name ...` "
            "tag per output"
        )
    if len(names) != count:
        raise ValueError(f"{sig} returns {count} values, its names are {names}")
    bad = [n for n in names if not _IDENTIFIER.match(n)]
    if bad:
        raise ValueError(f"{sig}: output names {bad} are not identifiers")
    if len(set(names)) != count:
        raise ValueError(f"{sig}: output names repeat: {names}")
    return names


def name_outputs(abi: list[dict[str, Any]], devdoc: dict[str, Any]) -> list[dict[str, Any]]:
    """A copy of `abi` whose multi-value functions have named outputs."""
    named = copy.deepcopy(abi)
    for entry in named:
        if entry.get("type") != "function" or len(entry.get("outputs", [])) < 2:
            continue
        for output, name in zip(entry["outputs"], output_names(entry, devdoc), strict=True):
            output["name"] = name
    return named

"""The non-ABI files of `interfaces/`, read from the contracts' own source.

- `interfaces/eip712.json`: every EIP-712 domain and type the contracts verify;
- `interfaces/constants.json`: every number with a meaning, by name.

Both are parsed from the Vyper constants (type strings from the
`keccak256("...")` type hashes, domains from the `__init__("name", "version")`
calls, numbers from `NAME: constant(...) = expr`), so they cannot drift from the
contracts; `./dev build` writes them and `--check` fails when one is stale.
"""

from __future__ import annotations

import ast
import json
import operator
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"

# ERC-5267 `fields` bits, in the standard's order.
ERC5267_FIELDS = ["name", "version", "chainId", "verifyingContract", "salt"]

# The contracts that verify a signature, and the type hash constant each checks.
SIGNED_TYPES: list[tuple[str, str]] = [
    ("OfferBook", "OFFER_TYPEHASH"),
    ("Tabs", "VOUCHER_TYPEHASH"),
    ("AgentRegistry", "AGENT_WALLET_SET_TYPEHASH"),
]

# What each signed type is for, and where the contract checks it.
SIGNED_TYPE_USE = {
    "OfferBook": "a provider's offer; the client submits it with hire_with_offer "
    "(digest: offer_digest), and the escrow opens the job",
    "Tabs": "a client's voucher for the cumulative amount owed on a tab; "
    "redeem / redeem_many (digest: voucher_digest); signed by the tab's signer",
    "AgentRegistry": "ERC-8004 proof that a wallet accepts to act for an agent; "
    "the owner submits its signature with setAgentWallet (deadline at most "
    "MAX_DEADLINE_DELAY seconds ahead)",
}

_CONSTANT = re.compile(
    r"^(?P<name>[A-Z][A-Z0-9_]*): (?:public\()?constant\((?P<type>\w+)\)\)? = (?P<expr>[^\n]+)$",
    re.MULTILINE,
)
_TYPEHASH = re.compile(
    r"^(?P<name>[A-Z_][A-Z0-9_]*): constant\(bytes32\) = keccak256\(\s*\"(?P<text>[^\"]+)\"\s*\)",
    re.MULTILINE,
)
_DOMAIN_INIT = re.compile(
    r"eip712\w*\.__init__\(\s*\"(?P<name>[^\"]*)\",\s*\"(?P<version>[^\"]*)\"\s*\)"
)
_TYPE = re.compile(r"^(?P<name>\w+)\((?P<fields>[^()]*)\)$")
_FIELDS_BITMAP = re.compile(r"return \((?P<bits>0x[0-9a-fA-F]{2}), _NAME, _VERSION")

_BINOPS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
}


def _source(contract: str) -> str:
    path = CONTRACTS / f"{contract}.vy"
    if not path.exists():
        path = CONTRACTS / "modules" / f"{contract}.vy"
    return path.read_text()


def _eval(node: ast.expr, known: dict[str, int]) -> int:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name) and node.id in known:
        return known[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _BINOPS[type(node.op)](_eval(node.left, known), _eval(node.right, known))
    raise ValueError(f"not a numeric constant: {ast.unparse(node)}")


def numeric_constants(contract: str) -> dict[str, int]:
    """Every integer constant of `contracts/<contract>.vy` (or `contracts/modules/`),
    in source order, its expression evaluated."""
    known: dict[str, int] = {}
    for m in _CONSTANT.finditer(_source(contract)):
        if not m["type"].startswith(("uint", "int")):
            continue
        expr = m["expr"].split("#")[0].strip()
        known[m["name"]] = _eval(ast.parse(expr, mode="eval").body, known)
    return known


def type_strings(contract: str) -> dict[str, str]:
    """`{constant name: type string}` of every `X_TYPEHASH = keccak256("...")`."""
    return {
        m["name"]: m["text"]
        for m in _TYPEHASH.finditer(_source(contract))
        if m["name"].endswith("TYPEHASH")
    }


def parse_type(text: str) -> tuple[str, list[dict[str, str]]]:
    """`"Offer(uint256 a,address b)"` -> ("Offer", [{"name": "a", "type": "uint256"}, ...])."""
    m = _TYPE.match(text)
    if m is None:
        raise ValueError(f"not a flat EIP-712 type string: {text!r}")
    fields = []
    for part in m["fields"].split(","):
        sol_type, name = part.split(" ")
        fields.append({"name": name, "type": sol_type})
    return m["name"], fields


def _snekmate_domain() -> tuple[str, int]:
    """The domain type string and ERC-5267 fields bitmap of snekmate's
    `eip712_domain_separator`, the module every signing contract uses."""
    import snekmate

    path = Path(next(iter(snekmate.__path__))) / "utils" / "eip712_domain_separator.vy"
    text = path.read_text()
    hashes = {m["name"]: m["text"] for m in _TYPEHASH.finditer(text)}
    bits = _FIELDS_BITMAP.search(text)
    if bits is None:
        raise ValueError(f"no eip712Domain fields bitmap in {path}")
    return hashes["_TYPE_HASH"], int(bits["bits"], 16)


def eip712_document() -> dict[str, Any]:
    """The content of `interfaces/eip712.json`."""
    domain_text, bitmap = _snekmate_domain()
    domain_name, domain_fields = parse_type(domain_text)
    present = [f for i, f in enumerate(ERC5267_FIELDS) if bitmap >> i & 1]
    if domain_name != "EIP712Domain" or [f["name"] for f in domain_fields] != present:
        raise ValueError("the domain type string and eip712Domain()'s fields bitmap disagree")
    contracts: dict[str, Any] = {}
    for contract, constant in SIGNED_TYPES:
        source = _source(contract)
        text = type_strings(contract)[constant]
        primary, fields = parse_type(text)
        (init,) = _DOMAIN_INIT.finditer(source)
        contracts[contract] = {
            "use": SIGNED_TYPE_USE[contract],
            "domain": {"name": init["name"], "version": init["version"]},
            "domainFields": present,
            "eip712DomainFields": f"0x{bitmap:02x}",
            "primaryType": primary,
            "types": {"EIP712Domain": domain_fields, primary: fields},
            "typeString": text,
            "typeHash": "0x" + keccak(text=text).hex(),
            "typeHashConstant": f"{contract}.{constant}",
        }
    return {
        "about": (
            "Every EIP-712 typed-data domain and type the AgentMarket contracts verify, "
            "generated from the contracts' source by ./dev build. A domain is the listed "
            "name and version plus chainId (the chain's id) and verifyingContract (the "
            "deployed contract's address). There is no salt: eip712Domain() returns "
            f"fields 0x{bitmap:02x} (name, version, chainId, verifyingContract) with a zero "
            "salt that is absent; a domain that includes salt (as viem's getEip712Domain "
            "result does when passed whole) hashes differently and its signatures fail. "
            "`types` is the full typed-data `types` object, EIP712Domain included."
        ),
        "domainTypeString": domain_text,
        "contracts": contracts,
    }


# (contract, group, constants): a prefix ending in "_" takes every constant
# with that prefix (prefix stripped), a list takes those names as they are.
CONSTANT_GROUPS: list[tuple[str, str, str | list[str]]] = [
    ("AgentRegistry", "roles", "ROLE_"),
    (
        "AgentRegistry",
        "bounds",
        [
            "MAX_URI",
            "MAX_KEY",
            "MAX_VALUE",
            "MAX_ENTRIES",
            "MAX_DEADLINE_DELAY",
            "MAX_AGENT_ID",
            "MAX_SIGNATURE",
        ],
    ),
    ("ServiceListings", "listing_states", "STATE_"),
    ("ServiceListings", "bounds", ["MAX_PAGE", "MAX_EVALUATOR_FEE_BPS"]),
    ("JobEscrow", "job_statuses", "STATUS_"),
    ("JobEscrow", "job_flags", "FLAG_"),
    ("JobEscrow", "refund_reasons", "REFUND_"),
    ("JobEscrow", "roles", "ROLE_"),
    ("JobEscrow", "bounds", ["BPS", "MAX_EVALUATOR_FEE_BPS", "MAX_DELIVERY_TIME"]),
    (
        "EscrowGovernor",
        "bounds",
        ["MAX_FEE_BPS", "MAX_BOND_BPS", "MIN_WINDOW", "MAX_WINDOW", "MAX_WEIGHT"],
    ),
    (
        "ReputationRegistry",
        "outcomes",
        [
            "COMPLETED",
            "REFUNDED_LATE",
            "DECLINED",
            "DISPUTE_CLIENT",
            "DISPUTE_PROVIDER",
            "SETTLED",
            "SPLIT",
            "REJECTED",
            "VALIDATED",
        ],
    ),
    ("ReputationRegistry", "bounds", ["MAX_SCORE", "SUMMARY_DECIMALS", "MAX_COUNTERPARTIES"]),
    ("DisputeResolver", "dispute_statuses", "STATUS_"),
    ("DisputeResolver", "dispute_flags", "FLAG_"),
    ("DisputeResolver", "sides", "SIDE_"),
    (
        "DisputeResolver",
        "bounds",
        ["MAX_EXTRA_DATA", "MAX_URI", "ARBITRATION_COST_GAS", "CREATE_DISPUTE_GAS"],
    ),
    (
        "ruling",
        "rulings",
        ["CHOICES", "REFUSED", "CLIENT_WINS", "PROVIDER_WINS", "SPLIT_BASE", "PERCENT"],
    ),
    ("ArbiterPanel", "dispute_statuses", "STATUS_"),
    ("ArbiterPanel", "bounds", ["MAX_ARBITERS", "MAX_CHOICES", "EXTRA_DATA_LENGTH"]),
    ("Tabs", "tab_statuses", "STATUS_"),
    ("Tabs", "roles", "ROLE_"),
    (
        "Tabs",
        "bounds",
        ["MIN_WITHDRAWAL_DELAY", "MAX_WITHDRAWAL_DELAY", "MAX_BATCH", "MAX_DEPOSIT"],
    ),
    (
        "ValidationRegistry",
        "bounds",
        ["MAX_RESPONSE", "MAX_URI", "MAX_TAG", "MAX_VALIDATORS", "MAX_PAGE"],
    ),
]

# Where a group's constants live when not in the contract named (the ruling
# scale is a module DisputeResolver imports).
_GROUP_HOME = {"ruling": "DisputeResolver"}

CONSTANT_NOTES = {
    "about": (
        "Every number with a meaning in the AgentMarket contracts, by name, grouped by "
        "contract; generated from the contracts' constants by ./dev build. A value "
        "above 2**53 - 1 is a decimal string (a JavaScript number cannot hold it)."
    ),
    "JobEscrow.job_statuses": "job(job_id).status",
    "JobEscrow.job_flags": "bits of job(job_id).flags",
    "JobEscrow.refund_reasons": "JobRefunded.reason",
    "ReputationRegistry.outcomes": (
        "IReputationHook outcome codes (facts written at settlement); any other code reverts"
    ),
    "DisputeResolver.rulings": (
        "ERC-792 ruling scale (contracts/modules/ruling.vy): 0 refused (neutral default, "
        "half each), 1 client wins, 2 provider wins, SPLIT_BASE + p gives the provider "
        "p percent (p = 0..PERCENT); CHOICES is createDispute's choices"
    ),
    "ReputationRegistry.bounds": (
        "getSummary's value has SUMMARY_DECIMALS decimals on a 0..MAX_SCORE scale"
    ),
    "Tabs.tab_statuses": "tab(tab_id).status; 0 is a tab never opened",
}


# Largest integer a JavaScript number holds exactly.
MAX_SAFE_INTEGER = 2**53 - 1


def _json_number(value: int) -> int | str:
    return value if abs(value) <= MAX_SAFE_INTEGER else str(value)


def constant_values() -> dict[str, dict[str, dict[str, int]]]:
    """`{contract: {group: {name: value}}}` for every group of CONSTANT_GROUPS,
    values as Python integers (`constants_document` makes big ones strings)."""
    doc: dict[str, dict[str, dict[str, int]]] = {}
    parsed: dict[str, dict[str, int]] = {}
    for source, group, selector in CONSTANT_GROUPS:
        values = parsed.setdefault(source, numeric_constants(source))
        if isinstance(selector, str):
            chosen = {k[len(selector) :]: v for k, v in values.items() if k.startswith(selector)}
        else:
            chosen = {k: values[k] for k in selector}
        if not chosen:
            raise ValueError(f"{source}: no constant for {selector!r}")
        contract = _GROUP_HOME.get(source, source)
        doc.setdefault(contract, {}).setdefault(group, {}).update(chosen)
    return doc


def constants_document() -> dict[str, Any]:
    """The content of `interfaces/constants.json`."""
    doc: dict[str, Any] = {"notes": CONSTANT_NOTES}
    for contract, groups in constant_values().items():
        doc[contract] = {
            group: {k: _json_number(v) for k, v in values.items()}
            for group, values in groups.items()
        }
    return doc


def render_ordered(data: Any) -> str:
    """JSON in the order built (statuses read best in their numeric order)."""
    return json.dumps(data, indent=2) + "\n"


def expected_files(interfaces: Path) -> dict[Path, str]:
    return {
        interfaces / "eip712.json": render_ordered(eip712_document()),
        interfaces / "constants.json": render_ordered(constants_document()),
    }

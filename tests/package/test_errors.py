"""Typed errors: every revert string of the contracts has its class in `agentmarket.reverts`.

The strings are read from the contracts' source (contracts/*.vy, the modules
they initialise, and the snekmate modules they import), docstrings and comments
left out; the mocks under tests/ are not the protocol's and are not read.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket import reverts
from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.governor import GovernorClient
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.deployment import Deployment, ProtocolParams, Web3Deployer, deploy_protocol
from agentmarket.errors import AgentMarketError, ContractRevertError
from agentmarket.reverts import (
    CONTRACT_BASES,
    REVERT_CLASSES,
    CallerIsNotTheOwner,
    EscrowError,
    EscrowNothingOwed,
    FeeAboveCap,
    GovernorError,
    NothingOwed,
    OwnableError,
    RegistryError,
    RegistryUnknownAgent,
    UnknownAgent,
    revert_error,
)

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
REVERTS_PY = Path(reverts.__file__)
DOCSTRING = re.compile(r'"""(?:.|\n)*?"""')
COMMENT = re.compile(r"#[^\n]*")
REVERT_STRING = re.compile(r'"([a-z_0-9]+: [^"\n]+)"')
SNEKMATE_IMPORT = re.compile(r"^from snekmate\.(\w+) import (\w+)", re.M)


def _code(path: Path) -> str:
    """The source without docstrings and comments (which quote revert strings too)."""
    return COMMENT.sub("", DOCSTRING.sub("", path.read_text()))


def _sources() -> list[Path]:
    own = sorted(CONTRACTS.glob("*.vy")) + sorted((CONTRACTS / "modules").glob("*.vy"))
    spec = importlib.util.find_spec("snekmate")
    assert spec is not None and spec.submodule_search_locations
    snekmate = Path(next(iter(spec.submodule_search_locations)))
    used = {
        snekmate / folder / f"{module}.vy"
        for contract in CONTRACTS.glob("*.vy")
        for folder, module in SNEKMATE_IMPORT.findall(contract.read_text())
    }
    return own + sorted(used)


def contract_revert_strings() -> dict[str, set[str]]:
    """Each revert string of the protocol's code, with the files that spell it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in _sources():
        for reason in REVERT_STRING.findall(_code(path)):
            found[reason].add(path.name)
    return found


STRINGS = contract_revert_strings()


def test_the_scan__finds_the_contracts_strings_and_skips_their_comments() -> None:
    assert "escrow: over job cap" in STRINGS
    assert "tabs: key no longer the client's" in STRINGS
    assert "ownable: caller is not the owner" in STRINGS  # snekmate, via EscrowGovernor
    assert "escrow: ..." not in STRINGS  # DisputeResolver's docstring
    assert len(STRINGS) > 190


def test_every_revert_string__maps_to_a_class_whose_docstring_quotes_it() -> None:
    missing = sorted(s for s in STRINGS if s not in REVERT_CLASSES)
    assert not missing, f"revert strings without a class in agentmarket.reverts: {missing}"
    for reason, cls in REVERT_CLASSES.items():
        assert f'"{reason}"' in " ".join((cls.__doc__ or "").split()), cls.__name__


def test_no_class__maps_a_string_the_contracts_no_longer_have() -> None:
    stale = sorted(s for s in REVERT_CLASSES if s not in STRINGS)
    assert not stale, f"classes for strings no contract has: {stale}"


def test_each_string__has_its_own_class_under_its_contracts_base() -> None:
    classes = list(REVERT_CLASSES.values())
    assert len(set(classes)) == len(classes)
    for reason, cls in REVERT_CLASSES.items():
        base = CONTRACT_BASES[reason.split(":")[0]]
        assert issubclass(cls, base) and cls is not base, reason
        assert cls.__module__ == "agentmarket.reverts"


def test_class_names__are_unique_and_camel_case() -> None:
    tree = ast.parse(REVERTS_PY.read_text())
    names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]+", name) for name in names)
    # every class the module defines is reachable: a string's class, a base or a cause
    defined = {
        obj
        for _, obj in inspect.getmembers(reverts, inspect.isclass)
        if obj.__module__ == "agentmarket.reverts"
    }
    assert {c.__name__ for c in defined} == set(names)
    assert all(issubclass(c, ContractRevertError) for c in defined)


def _causes(cls: type[ContractRevertError]) -> set[type]:
    """The classes above `cls` that are neither a contract's base nor the common roots."""
    roots = {ContractRevertError, AgentMarketError, Exception, BaseException, object}
    return set(cls.__mro__[1:]) - roots - set(CONTRACT_BASES.values())


def test_a_refusal_spelt_alike_in_several_contracts__has_one_cause_class() -> None:
    by_text: dict[str, list[str]] = defaultdict(list)
    for reason in REVERT_CLASSES:
        by_text[reason.split(": ", 1)[1]].append(reason)
    shared = {text: group for text, group in by_text.items() if len(group) > 1}
    assert {"agent frozen", "bad signature", "not provider", "unknown agent"} <= set(shared)
    for text, group in shared.items():
        common = set.intersection(*(_causes(REVERT_CLASSES[r]) for r in group))
        assert len(common) == 1, (text, group)
        (cause,) = common
        assert cause.__bases__ == (ContractRevertError,)
        for reason in group:
            assert f'"{reason}"' in " ".join((cause.__doc__ or "").split())
    # a string spelt once has no cause class above it
    for group in by_text.values():
        if len(group) == 1 and group[0] != "ruling: out of range":
            assert not _causes(REVERT_CLASSES[group[0]]), group[0]


def test_revert_error__picks_the_class_and_keeps_the_reason() -> None:
    refused = revert_error("escrow: over job cap")
    assert type(refused).__name__ == "OverJobCap"
    assert isinstance(refused, EscrowError) and refused.reason == "escrow: over job cap"
    assert str(refused) == "escrow: over job cap"
    # a token's revert, or no reason at all: the plain class
    for reason in (
        "ERC20: transfer amount exceeds balance",
        "transaction reverted without a reason",
    ):
        assert type(revert_error(reason)) is ContractRevertError
    # a string this client does not know, from a contract it knows: that contract's base
    newer = revert_error("escrow: something added later")
    assert type(newer) is EscrowError and newer.reason == "escrow: something added later"
    # the constructor stays what it was
    assert ContractRevertError("x").reason == "x"


# ------------------------------------------------------------ end to end (in-process chain)


@pytest.fixture(scope="module")
def chain() -> Iterator[tuple[Web3, Deployment, list[LocalAccount]]]:
    w3 = connect(IN_PROCESS)
    accounts = funded_test_accounts(w3, 5)
    governance = Signer(w3, accounts[0])
    params = ProtocolParams(
        governance=governance.address,
        arbiters=tuple(a.address for a in accounts[1:4]),
        quorum=2,
    )
    record = deploy_protocol(
        Web3Deployer(governance), "test", w3.eth.chain_id, governance.address, params
    )
    yield w3, record, accounts


def test_a_refused_transaction__raises_its_strings_class(chain) -> None:
    w3, record, accounts = chain
    escrow = EscrowClient(w3, record.address("JobEscrow"))
    governor = GovernorClient(w3, record.address("EscrowGovernor"))
    governance, stranger = Signer(w3, accounts[0]), Signer(w3, accounts[4])

    with pytest.raises(FeeAboveCap) as refused:
        governor.add_config(governance, {**escrow.config(), "fee_bps": 1_001})
    assert isinstance(refused.value, GovernorError)
    assert isinstance(refused.value, ContractRevertError)
    assert refused.value.reason == "governor: fee above cap"

    with pytest.raises(OwnableError) as refused:
        governor.add_config(stranger, escrow.config())
    assert type(refused.value) is CallerIsNotTheOwner
    assert refused.value.reason == "ownable: caller is not the owner"

    # a cause class catches the refusal whichever contract spells it
    with pytest.raises(UnknownAgent) as refused:
        AgentRegistryClient(w3, record.address("AgentRegistry")).freeze(stranger, 999)
    assert type(refused.value) is RegistryUnknownAgent
    assert isinstance(refused.value, RegistryError)
    assert refused.value.reason == "registry: unknown agent"


def test_a_transaction_mined_and_reverted__raises_its_strings_class_too(chain) -> None:
    """With its gas given, the call is not estimated: it is mined, fails, and its string comes
    from replaying it."""
    w3, record, accounts = chain
    escrow = EscrowClient(w3, record.address("JobEscrow"))
    stranger = Signer(w3, accounts[4])
    token = Web3.to_checksum_address(accounts[0].address)  # any address: nothing is owed
    data = escrow.contract.encode_abi("claim_fees", [token, stranger.address])
    with pytest.raises(NothingOwed) as refused:
        stranger.send({"to": escrow.address, "data": data, "gas": 300_000})
    assert type(refused.value) is EscrowNothingOwed
    assert isinstance(refused.value, EscrowError)
    assert refused.value.reason == "escrow: nothing owed"

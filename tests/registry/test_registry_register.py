"""AgentRegistry: registration, agent URI and metadata (ERC-8004 identity)."""

from __future__ import annotations

from typing import Any

import boa
import pytest
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector as selector

from .registry_support import (
    REJECT_NO_FUNCTION,
    REJECT_REVERT,
    REJECT_WRONG_SELECTOR,
    REJECT_ZERO_SELECTOR,
    ZERO,
    Event,
    events,
    metadata_set,
    wallet_bytes,
)

URI_LENGTHS = [0, 1, 31, 32, 33, 66, 255, 256, 1024]


def uri_of(length: int, seed: str = "a") -> str:
    """A URI of exactly `length` bytes whose every word differs, so a word
    read from the wrong slot or a stale tail shows."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    start = alphabet.index(seed)
    body = "".join(alphabet[(start + i * 7 + i // 32) % len(alphabet)] for i in range(length))
    return body


def register_as(registry: Any, owner: str, *args: Any) -> int:
    with boa.env.prank(owner):
        return int(registry.register(*args))


def reverts_raw(registry: Any, sender: str, data: bytes) -> bool:
    """Send raw calldata (to get past boa's own argument checks); True if the
    call reverted."""
    computation = boa.env.execute_code(to_address=registry.address, sender=sender, data=data)
    return bool(computation.is_error)


# ---------------------------------------------------------------- ids and overloads


def test_register__fresh_registry__ids_start_at_1_and_count(registry, principal, other_principal):
    assert registry.total_registered() == 0
    assert register_as(registry, principal) == 1
    assert register_as(registry, other_principal, "ipfs://b") == 2
    assert register_as(registry, principal, "ipfs://c", [("k", b"v")]) == 3
    assert registry.total_registered() == 3
    assert registry.balanceOf(principal) == 2
    assert registry.balanceOf(other_principal) == 1
    assert [registry.ownerOf(i) for i in (1, 2, 3)] == [principal, other_principal, principal]


def test_register__no_arguments__mints_with_empty_uri(registry, principal):
    agent_id = register_as(registry, principal)

    assert events(registry) == [
        Event("Transfer", {"sender": ZERO, "receiver": principal, "tokenId": agent_id}),
        Event("Registered", {"agentId": agent_id, "agentURI": "", "owner": principal}),
    ]
    assert registry.tokenURI(agent_id) == ""
    assert registry.ownerOf(agent_id) == principal


def test_register__uri_only__mints_and_logs_uri(registry, principal):
    agent_id = register_as(registry, principal, "ipfs://bafy/agent.json")

    assert events(registry) == [
        Event("Transfer", {"sender": ZERO, "receiver": principal, "tokenId": agent_id}),
        Event(
            "Registered",
            {"agentId": agent_id, "agentURI": "ipfs://bafy/agent.json", "owner": principal},
        ),
    ]
    assert registry.tokenURI(agent_id) == "ipfs://bafy/agent.json"


def test_register__with_metadata__sets_each_entry_and_logs_it_after_registered(registry, principal):
    entries = [("endpoint", b"https://agent.example"), ("empty", b""), ("blob", bytes(range(40)))]
    agent_id = register_as(registry, principal, "ipfs://x", entries)

    assert events(registry) == [
        Event("Transfer", {"sender": ZERO, "receiver": principal, "tokenId": agent_id}),
        Event("Registered", {"agentId": agent_id, "agentURI": "ipfs://x", "owner": principal}),
        *[metadata_set(agent_id, k, v) for k, v in entries],
    ]
    for key, value in entries:
        assert registry.getMetadata(agent_id, key) == value


def test_register__empty_metadata_list__same_as_uri_only(registry, principal):
    agent_id = register_as(registry, principal, "ipfs://x", [])
    assert [e.name for e in events(registry)] == ["Transfer", "Registered"]
    assert registry.tokenURI(agent_id) == "ipfs://x"


def test_register__sixteen_entries_of_maximal_size__accepted(registry, principal):
    entries = [(f"{i:02d}" + "k" * 62, bytes([i]) * 1024) for i in range(16)]
    agent_id = register_as(registry, principal, uri_of(1024), entries)
    for key, value in entries:
        assert registry.getMetadata(agent_id, key) == value


def test_register__reserved_key_agent_wallet__reverts_and_mints_nothing(registry, principal):
    with boa.env.prank(principal), boa.reverts("registry: reserved key"):
        registry.register("ipfs://x", [("ok", b"1"), ("agentWallet", bytes(20))])
    assert registry.total_registered() == 0
    assert registry.balanceOf(principal) == 0


def test_register__caller_is_default_operator_wallet(registry, principal):
    agent_id = register_as(registry, principal, "ipfs://x")
    assert registry.getAgentWallet(agent_id) == principal
    assert registry.getMetadata(agent_id, "agentWallet") == wallet_bytes(principal)
    assert registry.agent_status(agent_id) == (principal, principal, False)


def test_register__id_space_exhausted__reverts(registry, principal):
    slot = registry.compiler_data.storage_layout["storage_layout"]["_next_id"]["slot"]
    boa.env.set_storage(registry.address, slot, 2**64 - 1)

    assert register_as(registry, principal) == 2**64 - 1
    assert registry.ownerOf(2**64 - 1) == principal
    with boa.env.prank(principal), boa.reverts("registry: id space exhausted"):
        registry.register()


# ---------------------------------------------------------------- bounds on chain


def test_register__uri_over_1024_bytes__refused_by_abi_bound(registry, principal):
    sel = selector("register(string)")
    assert not reverts_raw(registry, principal, sel + abi_encode(["string"], ["u" * 1024]))
    assert reverts_raw(registry, principal, sel + abi_encode(["string"], ["u" * 1025]))


def test_register__seventeen_entries__refused_by_abi_bound(registry, principal):
    sel = selector("register(string,(string,bytes)[])")
    sixteen = [(f"k{i}", b"v") for i in range(16)]
    assert not reverts_raw(
        registry, principal, sel + abi_encode(["string", "(string,bytes)[]"], ["", sixteen])
    )
    seventeen = [(f"k{i}", b"v") for i in range(17)]
    assert reverts_raw(
        registry, principal, sel + abi_encode(["string", "(string,bytes)[]"], ["", seventeen])
    )


def test_set_metadata__key_over_64_or_value_over_1024__refused_by_abi_bound(
    registry, principal, agent
):
    sel = selector("setMetadata(uint256,string,bytes)")
    types = ["uint256", "string", "bytes"]
    assert not reverts_raw(registry, principal, sel + abi_encode(types, [agent, "k" * 64, b""]))
    assert reverts_raw(registry, principal, sel + abi_encode(types, [agent, "k" * 65, b""]))
    assert not reverts_raw(registry, principal, sel + abi_encode(types, [agent, "k", b"v" * 1024]))
    assert reverts_raw(registry, principal, sel + abi_encode(types, [agent, "k", b"v" * 1025]))


# ---------------------------------------------------------------- registering contracts


def test_register__from_contract_that_accepts__mints_and_calls_receiver(registry, receiver):
    agent_id = receiver.register_agent(registry.address, "ipfs://bot")

    assert registry.ownerOf(agent_id) == receiver.address
    assert registry.getAgentWallet(agent_id) == receiver.address
    assert receiver.calls() == 1
    assert receiver.last_operator() == receiver.address
    assert receiver.last_from() == ZERO
    assert receiver.last_token_id() == agent_id
    assert receiver.last_data() == b""


@pytest.mark.parametrize(
    "mode", [REJECT_NO_FUNCTION, REJECT_REVERT, REJECT_WRONG_SELECTOR, REJECT_ZERO_SELECTOR]
)
def test_register__from_contract_that_does_not_accept__reverts(registry, make_rejecter, mode):
    rejecter = make_rejecter(mode)
    with boa.reverts("registry: receiver rejected token"):
        rejecter.register_agent(registry.address, "ipfs://bot")
    assert registry.total_registered() == 0


# ---------------------------------------------------------------- agent URI


@pytest.mark.parametrize("length", URI_LENGTHS)
def test_token_uri__registered_uri_of_any_length__round_trips(registry, principal, length):
    uri = uri_of(length)
    agent_id = register_as(registry, principal, uri)
    assert events(registry, "Registered")[0].agentURI == uri
    assert len(uri.encode()) == length
    assert registry.tokenURI(agent_id) == uri


def test_token_uri__multibyte_utf8__round_trips(registry, principal):
    uri = "ipfs://агент/🤖/" + "é" * 100
    agent_id = register_as(registry, principal, uri)
    assert registry.tokenURI(agent_id) == uri


@pytest.mark.parametrize(
    "sequence",
    [
        [1024, 33, 0, 66, 31, 256, 1],
        [0, 1, 32, 33, 1024, 0],
        [66, 64, 65, 63, 32, 31],
        [255, 256, 257, 1023, 1024, 2],
    ],
)
def test_set_agent_uri__shortening_and_lengthening__reads_exactly_the_new_uri(
    registry, principal, sequence
):
    agent_id = register_as(registry, principal, uri_of(sequence[0], "a"))
    for step, length in enumerate(sequence[1:]):
        uri = uri_of(length, "bcdefghij"[step % 9])
        with boa.env.prank(principal):
            registry.setAgentURI(agent_id, uri)
        assert registry.tokenURI(agent_id) == uri


def test_set_agent_uri__shorter_uri_in_same_word__leaves_no_stale_tail(registry, principal):
    agent_id = register_as(registry, principal, "x" * 64)
    with boa.env.prank(principal):
        registry.setAgentURI(agent_id, "y" * 40)
    assert registry.tokenURI(agent_id) == "y" * 40
    with boa.env.prank(principal):
        registry.setAgentURI(agent_id, "z" * 10)
    assert registry.tokenURI(agent_id) == "z" * 10


def test_set_agent_uri__by_owner__logs_uri_updated_and_metadata_update(registry, principal, agent):
    with boa.env.prank(principal):
        registry.setAgentURI(agent, "ipfs://v2")

    assert events(registry) == [
        Event("URIUpdated", {"agentId": agent, "newURI": "ipfs://v2", "updatedBy": principal}),
        Event("MetadataUpdate", {"_tokenId": agent}),
    ]
    assert registry.tokenURI(agent) == "ipfs://v2"


def test_set_agent_uri__by_approved_and_operator_for_all__updated_by_is_caller(
    registry, principal, agent, approved, manager
):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
    for caller, uri in ((approved, "ipfs://by-approved"), (manager, "ipfs://by-manager")):
        with boa.env.prank(caller):
            registry.setAgentURI(agent, uri)
        assert events(registry, "URIUpdated")[0].updatedBy == caller
        assert registry.tokenURI(agent) == uri


def test_set_agent_uri__by_operator_wallet__reverts(
    registry, principal, agent, operator, set_wallet
):
    set_wallet(agent, operator)
    with boa.env.prank(operator.address), boa.reverts("registry: not owner nor approved"):
        registry.setAgentURI(agent, "ipfs://hijack")
    assert registry.tokenURI(agent) == "ipfs://agent"


def test_set_agent_uri__by_stranger__reverts(registry, agent, attacker):
    with boa.env.prank(attacker), boa.reverts("registry: not owner nor approved"):
        registry.setAgentURI(agent, "ipfs://hijack")


def test_set_agent_uri__unknown_agent__reverts(registry, principal):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        registry.setAgentURI(7, "ipfs://x")


# ---------------------------------------------------------------- metadata


def test_set_metadata__by_owner__stores_and_logs(registry, principal, agent):
    with boa.env.prank(principal):
        registry.setMetadata(agent, "endpoint", b"https://a.example")

    assert events(registry) == [
        metadata_set(agent, "endpoint", b"https://a.example"),
        Event("MetadataUpdate", {"_tokenId": agent}),
    ]
    assert registry.getMetadata(agent, "endpoint") == b"https://a.example"


def test_set_metadata__overwrite_and_clear__reads_latest(registry, principal, agent):
    with boa.env.prank(principal):
        registry.setMetadata(agent, "k", b"\x00" * 1024)
        assert registry.getMetadata(agent, "k") == b"\x00" * 1024
        registry.setMetadata(agent, "k", b"short")
        assert registry.getMetadata(agent, "k") == b"short"
        registry.setMetadata(agent, "k", b"")
    assert events(registry)[0] == metadata_set(agent, "k", b"")
    assert registry.getMetadata(agent, "k") == b""


def test_set_metadata__keys_are_per_agent(registry, principal, other_principal, agent):
    other = register_as(registry, other_principal)
    with boa.env.prank(principal):
        registry.setMetadata(agent, "k", b"mine")
    assert registry.getMetadata(other, "k") == b""
    assert registry.getMetadata(agent, "K") == b""  # keys are case-sensitive


def test_set_metadata__reserved_key__reverts(registry, principal, agent):
    with boa.env.prank(principal), boa.reverts("registry: reserved key"):
        registry.setMetadata(agent, "agentWallet", wallet_bytes(principal))


def test_set_metadata__by_approved_and_operator_for_all__allowed(
    registry, principal, agent, approved, manager
):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
    with boa.env.prank(approved):
        registry.setMetadata(agent, "a", b"1")
    with boa.env.prank(manager):
        registry.setMetadata(agent, "m", b"2")
    assert registry.getMetadata(agent, "a") == b"1"
    assert registry.getMetadata(agent, "m") == b"2"


def test_set_metadata__by_operator_wallet__reverts(registry, agent, operator, set_wallet):
    set_wallet(agent, operator)
    with boa.env.prank(operator.address), boa.reverts("registry: not owner nor approved"):
        registry.setMetadata(agent, "k", b"v")


def test_set_metadata__by_stranger__reverts(registry, agent, attacker):
    with boa.env.prank(attacker), boa.reverts("registry: not owner nor approved"):
        registry.setMetadata(agent, "k", b"v")


def test_set_metadata__unknown_agent__reverts(registry, principal):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        registry.setMetadata(5, "k", b"v")


def test_get_metadata__agent_wallet_key__is_20_byte_operator(
    registry, principal, agent, wallet, set_wallet
):
    assert registry.getMetadata(agent, "agentWallet") == wallet_bytes(principal)
    set_wallet(agent, wallet)
    value = registry.getMetadata(agent, "agentWallet")
    assert len(value) == 20
    assert value == wallet_bytes(wallet.address)
    with boa.env.prank(principal):
        registry.unsetAgentWallet(agent)
    assert registry.getMetadata(agent, "agentWallet") == b""


def test_get_metadata__unknown_agent__reads_empty_without_reverting(registry):
    assert registry.getMetadata(99, "k") == b""
    assert registry.getMetadata(99, "agentWallet") == b""

"""AgentRegistry: the ERC-721 token (approvals, operators, transfers, safe
transfers to contracts), ERC-165, and the ERC-8004 ABI surface."""

from __future__ import annotations

import boa
import pytest

from .registry_support import (
    RECEIVER_READ_BACK,
    RECEIVER_REENTER,
    REJECT_NO_FUNCTION,
    REJECT_REVERT,
    REJECT_WRONG_SELECTOR,
    REJECT_ZERO_SELECTOR,
    ZERO,
    Event,
    events,
    metadata_set,
)

# The ERC-8004 Identity Registry surface (shared/standards/erc8004-identity.abi.json,
# copied here so the suite runs from a clone): signature -> outputs / indexed.
ERC8004_FUNCTIONS = [
    ("approve(address,uint256)", ()),
    ("balanceOf(address)", ("uint256",)),
    (
        "eip712Domain()",
        ("bytes1", "string", "string", "uint256", "address", "bytes32", "uint256[]"),
    ),
    ("getAgentWallet(uint256)", ("address",)),
    ("getApproved(uint256)", ("address",)),
    ("getMetadata(uint256,string)", ("bytes",)),
    ("isApprovedForAll(address,address)", ("bool",)),
    ("isAuthorizedOrOwner(address,uint256)", ("bool",)),
    ("name()", ("string",)),
    ("ownerOf(uint256)", ("address",)),
    ("register()", ("uint256",)),
    ("register(string,(string,bytes)[])", ("uint256",)),
    ("register(string)", ("uint256",)),
    ("safeTransferFrom(address,address,uint256)", ()),
    ("safeTransferFrom(address,address,uint256,bytes)", ()),
    ("setAgentURI(uint256,string)", ()),
    ("setAgentWallet(uint256,address,uint256,bytes)", ()),
    ("setApprovalForAll(address,bool)", ()),
    ("setMetadata(uint256,string,bytes)", ()),
    ("supportsInterface(bytes4)", ("bool",)),
    ("symbol()", ("string",)),
    ("tokenURI(uint256)", ("string",)),
    ("transferFrom(address,address,uint256)", ()),
    ("unsetAgentWallet(uint256)", ()),
]
ERC8004_EVENTS = [
    ("Approval(address,address,uint256)", (True, True, True)),
    ("ApprovalForAll(address,address,bool)", (True, True, False)),
    ("BatchMetadataUpdate(uint256,uint256)", (False, False)),
    ("MetadataSet(uint256,string,string,bytes)", (True, True, False, False)),
    ("MetadataUpdate(uint256)", (False,)),
    ("Registered(uint256,string,address)", (True, False, True)),
    ("Transfer(address,address,uint256)", (True, True, True)),
    ("URIUpdated(uint256,string,address)", (True, False, True)),
]
REJECT_MODES = [REJECT_NO_FUNCTION, REJECT_REVERT, REJECT_WRONG_SELECTOR, REJECT_ZERO_SELECTOR]


def _signature(item: dict) -> str:
    def typ(i: dict) -> str:
        if i["type"].startswith("tuple"):
            return "(" + ",".join(typ(c) for c in i["components"]) + ")" + i["type"][5:]
        return i["type"]

    return f"{item['name']}({','.join(typ(i) for i in item['inputs'])})"


# ---------------------------------------------------------------- surface


def _surface(registry) -> tuple[dict[str, tuple], dict[str, tuple]]:
    functions = {
        _signature(i): tuple(o["type"] for o in i["outputs"])
        for i in registry.abi
        if i["type"] == "function"
    }
    events_ = {
        _signature(i): tuple(x["indexed"] for x in i["inputs"])
        for i in registry.abi
        if i["type"] == "event"
    }
    return functions, events_


@pytest.mark.parametrize(("signature", "outputs"), ERC8004_FUNCTIONS)
def test_abi__erc8004_function__present_with_same_signature_and_outputs(
    registry, signature, outputs
):
    functions, _ = _surface(registry)
    assert functions.get(signature) == outputs


@pytest.mark.parametrize(("signature", "indexed"), ERC8004_EVENTS)
def test_abi__erc8004_event__present_with_same_topics(registry, signature, indexed):
    # Same signature and same indexed fields, or indexers read garbage.
    _, events_ = _surface(registry)
    assert events_.get(signature) == indexed


def test_abi__batch_metadata_update__declared_for_erc4906(registry):
    # Declared for the standard's surface; the registry never logs it (it
    # updates one token at a time), so no test can observe it being emitted.
    assert any(i["type"] == "event" and i["name"] == "BatchMetadataUpdate" for i in registry.abi)


def test_name_and_symbol(registry):
    assert registry.name() == "AgentMarket Agent Identity"
    assert registry.symbol() == "AGENT"


@pytest.mark.parametrize(
    ("interface_id", "supported"),
    [
        (bytes.fromhex("01ffc9a7"), True),  # ERC-165
        (bytes.fromhex("80ac58cd"), True),  # ERC-721
        (bytes.fromhex("5b5e139f"), True),  # ERC-721 Metadata
        (bytes.fromhex("49064906"), True),  # ERC-4906
        (bytes.fromhex("780e9d63"), False),  # ERC-721 Enumerable: not offered
        (bytes.fromhex("ffffffff"), False),  # ERC-165 says must be false
        (bytes.fromhex("00000000"), False),
    ],
)
def test_supports_interface(registry, interface_id, supported):
    assert registry.supportsInterface(interface_id) is supported


def test_balance_of__zero_address__reverts(registry):
    with boa.reverts("registry: zero address"):
        registry.balanceOf(ZERO)


def test_balance_of__unknown_owner__zero(registry, attacker):
    assert registry.balanceOf(attacker) == 0


# ---------------------------------------------------------------- approve


def test_approve__by_owner__sets_and_logs(registry, principal, agent, approved):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
    assert events(registry) == [
        Event("Approval", {"owner": principal, "approved": approved, "tokenId": agent})
    ]
    assert registry.getApproved(agent) == approved


def test_approve__by_operator_for_all__logs_owner_not_caller(
    registry, principal, agent, approved, manager
):
    with boa.env.prank(principal):
        registry.setApprovalForAll(manager, True)
    with boa.env.prank(manager):
        registry.approve(approved, agent)
    assert events(registry) == [
        Event("Approval", {"owner": principal, "approved": approved, "tokenId": agent})
    ]
    assert registry.getApproved(agent) == approved


def test_approve__to_zero__clears(registry, principal, agent, approved):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.approve(ZERO, agent)
    assert events(registry)[0].approved == ZERO
    assert registry.getApproved(agent) == ZERO


def test_approve__by_stranger__reverts(registry, agent, attacker):
    with boa.env.prank(attacker), boa.reverts("registry: not owner nor approved for all"):
        registry.approve(attacker, agent)


def test_approve__by_single_token_approved__reverts(registry, principal, agent, approved, attacker):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
    with boa.env.prank(approved), boa.reverts("registry: not owner nor approved for all"):
        registry.approve(attacker, agent)


def test_approve__by_operator_wallet__reverts(registry, agent, operator, attacker, set_wallet):
    set_wallet(agent, operator)
    with boa.env.prank(operator.address), boa.reverts("registry: not owner nor approved for all"):
        registry.approve(attacker, agent)


def test_approve__to_owner__reverts(registry, principal, agent):
    with boa.env.prank(principal), boa.reverts("registry: approval to owner"):
        registry.approve(principal, agent)


def test_approve__unknown_agent__reverts(registry, principal, approved):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        registry.approve(approved, 3)


def test_get_approved__fresh_agent__empty(registry, agent):
    assert registry.getApproved(agent) == ZERO


# ---------------------------------------------------------------- setApprovalForAll


def test_set_approval_for_all__grant_and_revoke__logs_and_reads(registry, principal, manager):
    with boa.env.prank(principal):
        registry.setApprovalForAll(manager, True)
    assert events(registry) == [
        Event("ApprovalForAll", {"owner": principal, "operator": manager, "approved": True})
    ]
    assert registry.isApprovedForAll(principal, manager) is True
    assert registry.isApprovedForAll(manager, principal) is False

    with boa.env.prank(principal):
        registry.setApprovalForAll(manager, False)
    assert events(registry) == [
        Event("ApprovalForAll", {"owner": principal, "operator": manager, "approved": False})
    ]
    assert registry.isApprovedForAll(principal, manager) is False


def test_set_approval_for_all__to_self__reverts(registry, principal):
    with boa.env.prank(principal), boa.reverts("registry: approve to caller"):
        registry.setApprovalForAll(principal, True)


def test_set_approval_for_all__covers_agents_registered_later(
    registry, principal, manager, register_agent, other_principal
):
    with boa.env.prank(principal):
        registry.setApprovalForAll(manager, True)
    later = register_agent(principal)
    with boa.env.prank(manager):
        registry.transferFrom(principal, other_principal, later)
    assert registry.ownerOf(later) == other_principal


# ---------------------------------------------------------------- transferFrom


@pytest.mark.parametrize("caller_role", ["owner", "approved", "operator_for_all"])
def test_transfer_from__by_each_allowed_caller__moves_token(
    registry, principal, other_principal, agent, approved, manager, caller_role
):
    caller = {"owner": principal, "approved": approved, "operator_for_all": manager}[caller_role]
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)

    with boa.env.prank(caller):
        registry.transferFrom(principal, other_principal, agent)

    assert events(registry) == [
        Event("Transfer", {"sender": principal, "receiver": other_principal, "tokenId": agent}),
        metadata_set(agent, "agentWallet", b""),
    ]
    assert registry.ownerOf(agent) == other_principal
    assert registry.balanceOf(principal) == 0
    assert registry.balanceOf(other_principal) == 1
    assert registry.getApproved(agent) == ZERO


def test_transfer_from__clears_single_approval_but_not_owner_operators(
    registry, principal, other_principal, agent, approved, manager
):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
        registry.transferFrom(principal, other_principal, agent)

    assert registry.getApproved(agent) == ZERO
    assert registry.isApprovedForAll(principal, manager) is True  # owner-level, untouched
    # ... but neither the old approval nor the old owner's operator moves it now
    for stale in (approved, manager, principal):
        with boa.env.prank(stale), boa.reverts("registry: caller not owner nor approved"):
            registry.transferFrom(other_principal, stale, agent)


def test_transfer_from__by_stranger__reverts(registry, principal, agent, attacker):
    with boa.env.prank(attacker), boa.reverts("registry: caller not owner nor approved"):
        registry.transferFrom(principal, attacker, agent)
    assert registry.ownerOf(agent) == principal


def test_transfer_from__by_operator_wallet__reverts(
    registry, principal, agent, operator, set_wallet
):
    set_wallet(agent, operator)
    with boa.env.prank(operator.address), boa.reverts("registry: caller not owner nor approved"):
        registry.transferFrom(principal, operator.address, agent)


def test_transfer_from__wrong_from__reverts(registry, principal, other_principal, agent):
    with boa.env.prank(principal), boa.reverts("registry: transfer from incorrect owner"):
        registry.transferFrom(other_principal, principal, agent)


def test_transfer_from__to_zero__reverts(registry, principal, agent):
    with boa.env.prank(principal), boa.reverts("registry: transfer to zero address"):
        registry.transferFrom(principal, ZERO, agent)


def test_transfer_from__unknown_agent__reverts(registry, principal, other_principal):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        registry.transferFrom(principal, other_principal, 4)


def test_transfer_from__to_self__keeps_balance(registry, principal, agent):
    with boa.env.prank(principal):
        registry.transferFrom(principal, principal, agent)
    assert registry.ownerOf(agent) == principal
    assert registry.balanceOf(principal) == 1


def test_transfer_from__to_contract_that_rejects__not_checked(
    registry, principal, agent, make_rejecter
):
    rejecter = make_rejecter(REJECT_NO_FUNCTION)
    with boa.env.prank(principal):
        registry.transferFrom(principal, rejecter.address, agent)
    assert registry.ownerOf(agent) == rejecter.address


def test_transfer_from__keeps_uri_metadata_and_id(registry, principal, other_principal, agent):
    with boa.env.prank(principal):
        registry.setMetadata(agent, "k", b"v")
        registry.transferFrom(principal, other_principal, agent)
    assert registry.tokenURI(agent) == "ipfs://agent"
    assert registry.getMetadata(agent, "k") == b"v"
    assert registry.total_registered() == 1


# ---------------------------------------------------------------- safeTransferFrom


def test_safe_transfer_from__to_eoa__moves_token(registry, principal, other_principal, agent):
    with boa.env.prank(principal):
        registry.safeTransferFrom(principal, other_principal, agent)
    assert events(registry)[0] == Event(
        "Transfer", {"sender": principal, "receiver": other_principal, "tokenId": agent}
    )
    assert registry.ownerOf(agent) == other_principal


def test_safe_transfer_from__with_data_to_eoa__moves_token(
    registry, principal, other_principal, agent
):
    with boa.env.prank(principal):
        registry.safeTransferFrom(principal, other_principal, agent, b"\x01\x02")
    assert registry.ownerOf(agent) == other_principal


@pytest.mark.parametrize("data", [None, b"", b"hello", bytes(range(256)) * 4])
def test_safe_transfer_from__to_receiver__calls_it_with_operator_from_id_and_data(
    registry, principal, agent, approved, receiver, data
):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
    with boa.env.prank(approved):
        if data is None:
            registry.safeTransferFrom(principal, receiver.address, agent)
        else:
            registry.safeTransferFrom(principal, receiver.address, agent, data)

    assert registry.ownerOf(agent) == receiver.address
    assert receiver.calls() == 1
    assert receiver.last_operator() == approved  # msg.sender of the transfer
    assert receiver.last_from() == principal
    assert receiver.last_token_id() == agent
    assert receiver.last_data() == (data or b"")


@pytest.mark.parametrize("mode", REJECT_MODES)
def test_safe_transfer_from__to_rejecter__reverts(registry, principal, agent, make_rejecter, mode):
    rejecter = make_rejecter(mode)
    with boa.env.prank(principal), boa.reverts("registry: receiver rejected token"):
        registry.safeTransferFrom(principal, rejecter.address, agent)
    with boa.env.prank(principal), boa.reverts("registry: receiver rejected token"):
        registry.safeTransferFrom(principal, rejecter.address, agent, b"data")
    assert registry.ownerOf(agent) == principal
    assert registry.getAgentWallet(agent) == principal  # nothing was cleared


def test_safe_transfer_from__to_contract_returning_nothing__reverts(
    registry, principal, agent, silent
):
    with boa.env.prank(principal), boa.reverts("registry: receiver rejected token"):
        registry.safeTransferFrom(principal, silent.address, agent)


def test_safe_transfer_from__to_contract_returning_unpadded_selector__reverts(
    registry, principal, agent, short_selector_receiver
):
    with boa.env.prank(principal), boa.reverts("registry: receiver rejected token"):
        registry.safeTransferFrom(principal, short_selector_receiver, agent)


def test_safe_transfer_from__to_contract_without_any_receiver__reverts(
    registry, principal, agent, make_1271_wallet
):
    # a real contract with no `onERC721Received` and no fallback
    contract = make_1271_wallet(principal)
    with boa.env.prank(principal), boa.reverts("registry: receiver rejected token"):
        registry.safeTransferFrom(principal, contract.address, agent)


def test_safe_transfer_from__refusals_as_transfer_from(
    registry, principal, other_principal, agent, attacker
):
    with boa.env.prank(attacker), boa.reverts("registry: caller not owner nor approved"):
        registry.safeTransferFrom(principal, attacker, agent)
    with boa.env.prank(principal), boa.reverts("registry: transfer from incorrect owner"):
        registry.safeTransferFrom(other_principal, attacker, agent, b"")
    with boa.env.prank(principal), boa.reverts("registry: transfer to zero address"):
        registry.safeTransferFrom(principal, ZERO, agent)


# Found against the first version (`# pragma nonreentrancy on` locked the views
# too, so these two were refused); the registry now takes no lock.
def test_safe_transfer_from__receiver_reading_registry_in_callback__accepted(
    registry, principal, agent, make_receiver
):
    reader = make_receiver(RECEIVER_READ_BACK)
    with boa.env.prank(principal):
        registry.safeTransferFrom(principal, reader.address, agent)
    assert registry.ownerOf(agent) == reader.address


def test_register__receiver_reading_registry_in_callback__accepted(registry, make_receiver):
    reader = make_receiver(RECEIVER_READ_BACK)
    agent_id = reader.register_agent(registry.address, "ipfs://reader")
    assert registry.ownerOf(agent_id) == reader.address


def test_register__receiver_reentering_register_once__both_mints_consistent(
    registry, make_receiver
):
    reentrant = make_receiver(RECEIVER_REENTER)
    outer = reentrant.register_agent(registry.address, "outer")
    inner = reentrant.reentered_id()
    # the outer mint was complete before its callback ran (checks-effects-
    # interactions), so the inner one got the next id and nothing is lost
    assert (outer, inner) == (1, 2)
    assert registry.total_registered() == 2
    assert registry.balanceOf(reentrant.address) == 2
    assert registry.tokenURI(outer) == "outer"
    assert registry.tokenURI(inner) == "inner"
    assert reentrant.calls() == 2


def test_safe_transfer_from__to_calldata_echo_contract__reverts(registry, principal, agent, echo):
    with boa.env.prank(principal), boa.reverts("registry: receiver rejected token"):
        registry.safeTransferFrom(principal, echo, agent)

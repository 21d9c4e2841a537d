"""AgentRegistry: the operator wallet (ERC-8004 `agentWallet`) and its
EIP-712 `AgentWalletSet` proof, with every way the proof can be wrong."""

from __future__ import annotations

import boa
import pytest
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector as selector
from eth_utils import keccak

from .registry_support import (
    DOMAIN_NAME,
    DOMAIN_VERSION,
    MAX_UINT256,
    ZERO,
    events,
    join_sig,
    metadata_set,
    split_sig,
    to_compact,
    to_high_s,
    wallet_bytes,
)

LIFETIME = 60  # seconds ahead for a valid deadline


@pytest.fixture
def proof(registry, sign_wallet_set, wallet, principal, agent):
    """A valid proof by `wallet` for `agent` owned by `principal`:
    (deadline, signature)."""
    deadline = int(boa.env.timestamp) + LIFETIME
    return deadline, sign_wallet_set(wallet, agent, wallet.address, principal, deadline)


def set_agent_wallet(registry, caller, agent_id, new_wallet, deadline, signature):
    with boa.env.prank(caller):
        registry.setAgentWallet(agent_id, new_wallet, deadline, signature)


# ---------------------------------------------------------------- default and clearing


def test_agent_wallet__after_register__is_registering_owner(registry, principal, agent):
    assert registry.getAgentWallet(agent) == principal
    assert registry.agent_status(agent).operator == principal


@pytest.mark.parametrize("how", ["transferFrom", "safeTransferFrom", "safeTransferFrom_data"])
def test_agent_wallet__default_wallet__cleared_by_every_transfer(
    registry, principal, other_principal, agent, how
):
    with boa.env.prank(principal):
        if how == "transferFrom":
            registry.transferFrom(principal, other_principal, agent)
        elif how == "safeTransferFrom":
            registry.safeTransferFrom(principal, other_principal, agent)
        else:
            registry.safeTransferFrom(principal, other_principal, agent, b"x")
    assert events(registry, "MetadataSet") == [metadata_set(agent, "agentWallet", b"")]
    assert registry.getAgentWallet(agent) == ZERO
    assert registry.agent_status(agent) == (other_principal, ZERO, False)
    assert registry.getMetadata(agent, "agentWallet") == b""


def test_agent_wallet__set_wallet__cleared_by_transfer(
    registry, principal, other_principal, agent, wallet, set_wallet
):
    set_wallet(agent, wallet)
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    assert registry.getAgentWallet(agent) == ZERO
    assert registry.agent_status(agent).operator == ZERO


def test_agent_wallet__transfer_to_self__still_cleared(
    registry, principal, agent, wallet, set_wallet
):
    set_wallet(agent, wallet)
    with boa.env.prank(principal):
        registry.transferFrom(principal, principal, agent)
    assert registry.getAgentWallet(agent) == ZERO


def test_agent_wallet__transfer_back_to_registering_owner__stays_empty(
    registry, principal, other_principal, agent
):
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    with boa.env.prank(other_principal):
        registry.transferFrom(other_principal, principal, agent)
    assert registry.getAgentWallet(agent) == ZERO


def test_agent_wallet__new_owner_sets_its_own(
    registry, principal, other_principal, agent, wallet, set_wallet
):
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    set_wallet(agent, wallet)  # by the new owner, signed naming it
    assert registry.getAgentWallet(agent) == wallet.address


# ---------------------------------------------------------------- setAgentWallet happy paths


def test_set_agent_wallet__valid_proof_by_owner__sets_and_logs(
    registry, principal, agent, wallet, proof
):
    deadline, sig = proof
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)

    assert events(registry) == [metadata_set(agent, "agentWallet", wallet_bytes(wallet.address))]
    assert registry.getAgentWallet(agent) == wallet.address
    assert registry.getMetadata(agent, "agentWallet") == wallet_bytes(wallet.address)
    assert registry.agent_status(agent) == (principal, wallet.address, False)
    assert registry.ownerOf(agent) == principal


@pytest.mark.parametrize("caller_role", ["approved", "operator_for_all"])
def test_set_agent_wallet__by_approved_caller__proof_names_token_owner(
    registry, principal, agent, wallet, proof, approved, manager, caller_role
):
    caller = approved if caller_role == "approved" else manager
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
    deadline, sig = proof  # owner field = principal, not the caller
    set_agent_wallet(registry, caller, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == wallet.address


def test_set_agent_wallet__proof_naming_caller_instead_of_owner__reverts(
    registry, principal, agent, wallet, approved, sign_wallet_set
):
    with boa.env.prank(principal):
        registry.approve(approved, agent)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(wallet, agent, wallet.address, approved, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, approved, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__owner_key_as_explicit_wallet__back_to_default(
    registry, principal, agent, keyed, sign_wallet_set
):
    owner_key = keyed("principal")  # the conftest derives `principal` from this key
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(owner_key, agent, principal, principal, deadline)
    set_agent_wallet(registry, principal, agent, principal, deadline, sig)
    assert events(registry) == [metadata_set(agent, "agentWallet", wallet_bytes(principal))]
    assert registry.getAgentWallet(agent) == principal
    assert registry.getMetadata(agent, "agentWallet") == wallet_bytes(principal)
    assert registry.agent_status(agent) == (principal, principal, False)
    assert registry.authorize(agent, principal) == (1, False)  # principal, not operator


def test_set_agent_wallet__replace_wallet__latest_wins(
    registry, agent, wallet, operator, set_wallet
):
    set_wallet(agent, wallet)
    set_wallet(agent, operator)
    assert registry.getAgentWallet(agent) == operator.address


def test_set_agent_wallet__eip2098_compact_signature__accepted(
    registry, principal, agent, wallet, proof
):
    deadline, sig = proof
    compact = to_compact(sig)
    assert len(compact) == 64
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, compact)
    assert registry.getAgentWallet(agent) == wallet.address


def test_set_agent_wallet__same_proof_twice__accepted_within_deadline(
    registry, principal, agent, wallet, proof
):
    # No nonce (as ERC-8004): a proof is good until its deadline, and only the
    # owner or an approved address can submit it.
    deadline, sig = proof
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    with boa.env.prank(principal):
        registry.unsetAgentWallet(agent)
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == wallet.address


# ---------------------------------------------------------------- deadline


@pytest.mark.parametrize(("offset", "error"), [(0, "expired"), (-1, "expired"), (-3600, "expired")])
def test_set_agent_wallet__deadline_not_in_future__reverts(
    registry, principal, agent, wallet, sign_wallet_set, offset, error
):
    deadline = int(boa.env.timestamp) + offset
    sig = sign_wallet_set(wallet, agent, wallet.address, principal, deadline)
    with boa.reverts("registry: signature expired"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__deadline_zero__reverts(
    registry, principal, agent, wallet, sign_wallet_set
):
    sig = sign_wallet_set(wallet, agent, wallet.address, principal, 0)
    with boa.reverts("registry: signature expired"):
        set_agent_wallet(registry, principal, agent, wallet.address, 0, sig)


@pytest.mark.parametrize("offset", [1, 300])
def test_set_agent_wallet__deadline_within_five_minutes__accepted(
    registry, principal, agent, wallet, sign_wallet_set, offset
):
    deadline = int(boa.env.timestamp) + offset
    sig = sign_wallet_set(wallet, agent, wallet.address, principal, deadline)
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == wallet.address


@pytest.mark.parametrize("deadline_of", [lambda now: now + 301, lambda now: MAX_UINT256])
def test_set_agent_wallet__deadline_beyond_five_minutes__reverts(
    registry, principal, agent, wallet, sign_wallet_set, deadline_of
):
    deadline = deadline_of(int(boa.env.timestamp))
    sig = sign_wallet_set(wallet, agent, wallet.address, principal, deadline)
    with boa.reverts("registry: deadline too far"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__proof_submitted_after_time_passes__expires(
    registry, principal, agent, wallet, proof
):
    deadline, sig = proof
    boa.env.time_travel(seconds=LIFETIME)  # now == deadline
    with boa.reverts("registry: signature expired"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


# ---------------------------------------------------------------- wrong domain or message


def test_set_agent_wallet__signed_for_another_chain__reverts(
    registry, principal, agent, wallet, sign_wallet_set
):
    deadline = int(boa.env.timestamp) + LIFETIME
    chain_id = boa.env.evm.patch.chain_id
    sig = sign_wallet_set(wallet, agent, wallet.address, principal, deadline, chain_id=chain_id + 1)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__signed_for_another_registry__reverts(
    registry, principal, agent, wallet, sign_wallet_set, deployer
):
    with boa.env.prank(deployer):
        other = boa.load("contracts/AgentRegistry.vy")
    with boa.env.prank(principal):
        other_agent = other.register()
    assert other_agent == agent  # same id, same owner: only the registry differs
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(
        wallet, agent, wallet.address, principal, deadline, verifying_contract=other.address
    )
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    set_agent_wallet(other, principal, other_agent, wallet.address, deadline, sig)  # valid there
    assert other.getAgentWallet(other_agent) == wallet.address


@pytest.mark.parametrize(("name", "version"), [("ERC8004IdentityRegistry", "2"), ("Other", "1")])
def test_set_agent_wallet__signed_for_another_domain_name_or_version__reverts(
    registry, principal, agent, wallet, sign_wallet_set, name, version
):
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(
        wallet, agent, wallet.address, principal, deadline, name=name, version=version
    )
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__signed_for_another_agent__reverts(
    registry, principal, agent, register_agent, wallet, sign_wallet_set
):
    second = register_agent(principal)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(wallet, second, wallet.address, principal, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__signed_for_another_owner__reverts(
    registry, principal, other_principal, agent, wallet, sign_wallet_set
):
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(wallet, agent, wallet.address, other_principal, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__signed_for_another_deadline__reverts(
    registry, principal, agent, wallet, proof
):
    deadline, sig = proof
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline + 1, sig)


def test_set_agent_wallet__signature_of_another_key__reverts(
    registry, principal, agent, wallet, operator, sign_wallet_set
):
    deadline = int(boa.env.timestamp) + LIFETIME
    # operator signs a message naming `wallet` as the new wallet
    sig = sign_wallet_set(operator, agent, wallet.address, principal, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__valid_proof_for_another_wallet__reverts(
    registry, principal, agent, wallet, operator, proof
):
    deadline, sig = proof  # wallet's proof, submitted for operator
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, operator.address, deadline, sig)


def test_set_agent_wallet__proof_replayed_after_transfer__reverts(
    registry, principal, other_principal, agent, wallet, proof
):
    deadline, sig = proof  # signed while principal owned the agent
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, other_principal, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == ZERO


def test_set_agent_wallet__proof_used_then_replayed_after_transfer__reverts(
    registry, principal, other_principal, agent, wallet, proof
):
    deadline, sig = proof
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    assert registry.getAgentWallet(agent) == ZERO
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, other_principal, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__proof_after_transfer_away_and_back__valid_until_deadline(
    registry, principal, other_principal, agent, wallet, proof
):
    # The proof binds the owner, not a nonce: once the agent is back with
    # the owner it named, it is good again until its deadline (at most 5 min).
    deadline, sig = proof
    with boa.env.prank(principal):
        registry.transferFrom(principal, other_principal, agent)
    with boa.env.prank(other_principal):
        registry.transferFrom(other_principal, principal, agent)
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == wallet.address


# ---------------------------------------------------------------- malformed signatures


@pytest.mark.parametrize("length", [0, 1, 32, 63])
def test_set_agent_wallet__signature_of_wrong_length__reverts(
    registry, principal, agent, wallet, proof, length
):
    deadline, sig = proof
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig[:length])


@pytest.mark.parametrize("extra", [1, 959])
def test_set_agent_wallet__account_signature_over_65_bytes__reverts(
    registry, principal, agent, wallet, proof, extra
):
    # an account's proof is 64 or 65 bytes; a valid one with bytes appended
    # (66 or 1,024 in all) is not read as ECDSA at all
    deadline, sig = proof
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(
            registry, principal, agent, wallet.address, deadline, sig + b"\x00" * extra
        )


def test_set_agent_wallet__signature_over_1024_bytes__refused_by_abi_bound(
    registry, principal, agent, wallet, proof
):
    deadline, sig = proof
    sel = selector("setAgentWallet(uint256,address,uint256,bytes)")
    types = ["uint256", "address", "uint256", "bytes"]
    ok = boa.env.execute_code(
        to_address=registry.address,
        sender=principal,
        data=sel + abi_encode(types, [agent, wallet.address, deadline, sig]),
    )
    assert not ok.is_error
    too_long = boa.env.execute_code(
        to_address=registry.address,
        sender=principal,
        data=sel + abi_encode(types, [agent, wallet.address, deadline, b"\x01" * 1025]),
    )
    assert too_long.is_error


def test_set_agent_wallet__garbage_bytes__reverts(registry, principal, agent, wallet, proof):
    deadline, _ = proof
    # low s, but v = 1: ecrecover yields nothing
    with boa.reverts("ecdsa: invalid signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, b"\x01" * 65)


def test_set_agent_wallet__garbage_recovering_to_some_address__reverts(
    registry, principal, agent, wallet, proof
):
    deadline, sig = proof
    r, s, v = split_sig(sig)
    # a well-formed signature of a different digest: recovers to a stranger
    tampered = join_sig(r, s ^ 1, v)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, tampered)


def test_set_agent_wallet__high_s_signature__reverts(registry, principal, agent, wallet, proof):
    deadline, sig = proof
    with boa.reverts("ecdsa: invalid signature `s` value"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, to_high_s(sig))


@pytest.mark.parametrize("v", [0, 1, 26, 29, 255])
def test_set_agent_wallet__invalid_v__recovers_to_zero_and_reverts(
    registry, principal, agent, wallet, proof, v
):
    deadline, sig = proof
    r, s, _ = split_sig(sig)
    with boa.reverts("ecdsa: invalid signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, join_sig(r, s, v))


@pytest.mark.parametrize("rs", [(0, 0), (0, 1), (1, 0)])
def test_set_agent_wallet__zero_r_or_s__recovers_to_zero_and_reverts(
    registry, principal, agent, wallet, proof, rs
):
    deadline, _ = proof
    with boa.reverts("ecdsa: invalid signature"):
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, join_sig(*rs, 27))


# ---------------------------------------------------------------- contract wallets (ERC-1271)


def test_set_agent_wallet__erc1271_wallet_signed_by_its_owner__accepted(
    registry, principal, agent, operator, make_1271_wallet, sign_wallet_set
):
    contract_wallet = make_1271_wallet(operator.address)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(operator, agent, contract_wallet.address, principal, deadline)
    set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, sig)
    assert events(registry) == [
        metadata_set(agent, "agentWallet", wallet_bytes(contract_wallet.address))
    ]
    assert registry.getAgentWallet(agent) == contract_wallet.address


def test_set_agent_wallet__erc1271_wallet_signed_by_another_key__reverts(
    registry, principal, agent, operator, attacker, keyed, make_1271_wallet, sign_wallet_set
):
    contract_wallet = make_1271_wallet(operator.address)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(keyed("attacker"), agent, contract_wallet.address, principal, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, sig)


def test_set_agent_wallet__erc1271_wallet_proof_for_other_agent__reverts(
    registry, principal, agent, register_agent, operator, make_1271_wallet, sign_wallet_set
):
    second = register_agent(principal)
    contract_wallet = make_1271_wallet(operator.address)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(operator, second, contract_wallet.address, principal, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, sig)


def test_set_agent_wallet__erc1271_wallet_high_s__left_to_the_wallet(
    registry, principal, agent, operator, make_1271_wallet, sign_wallet_set
):
    # snekmate's malleability check is for EOAs; a contract wallet judges
    # its own signatures (this mock's plain ecrecover accepts a high s).
    contract_wallet = make_1271_wallet(operator.address)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(operator, agent, contract_wallet.address, principal, deadline)
    set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, to_high_s(sig))
    assert registry.getAgentWallet(agent) == contract_wallet.address


# Found against the first version (signature was Bytes[65], so such wallets
# could never prove control); it now takes up to 1,024 bytes.
@pytest.mark.parametrize("length", [130, 1024])
def test_set_agent_wallet__erc1271_wallet_with_long_signature__accepted(
    registry, principal, agent, operator, make_1271_wallet, sign_wallet_set, length
):
    contract_wallet = make_1271_wallet(operator.address, length)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(operator, agent, contract_wallet.address, principal, deadline)
    long_sig = sig + b"\x42" * (length - 65)  # e.g. co-signers' parts
    set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, long_sig)
    assert registry.getAgentWallet(agent) == contract_wallet.address
    # the wallet saw the whole signature: a shorter one is refused by it
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, sig)


def test_set_agent_wallet__account_with_code__its_key_proves(
    registry, principal, agent, keyed, echo, sign_wallet_set
):
    # An account's low-s signature is accepted before the registry asks for
    # code (issue 15): an address with code that a key signs for is an
    # EIP-7702 account, which that key controls. Here the account carries
    # the echo contract's code, which would fail ERC-1271.
    account = keyed("eip7702-account")
    boa.env.set_code(account.address, boa.env.get_code(echo))
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(account, agent, account.address, principal, deadline)
    set_agent_wallet(registry, principal, agent, account.address, deadline, sig)
    assert registry.getAgentWallet(agent) == account.address
    # anything but its key's signature still goes to ERC-1271, and fails there
    other = sign_wallet_set(keyed("attacker"), agent, account.address, principal, deadline)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, account.address, deadline, other)
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, account.address, deadline, to_high_s(sig))


def test_set_agent_wallet__contract_without_erc1271__reverts(
    registry, principal, agent, operator, silent, receiver, sign_wallet_set
):
    deadline = int(boa.env.timestamp) + LIFETIME
    for contract in (silent, receiver):  # empty success / revert on isValidSignature
        sig = sign_wallet_set(operator, agent, contract.address, principal, deadline)
        with boa.reverts("registry: invalid wallet signature"):
            set_agent_wallet(registry, principal, agent, contract.address, deadline, sig)


def test_set_agent_wallet__calldata_echo_contract__reverts(registry, principal, agent, echo):
    deadline = int(boa.env.timestamp) + LIFETIME
    with boa.reverts("registry: invalid wallet signature"):
        set_agent_wallet(registry, principal, agent, echo, deadline, b"\x00" * 65)


def test_set_agent_wallet__erc1271_answer_with_magic_in_full_word__accepted(
    registry, principal, agent, operator, make_1271_wallet, sign_wallet_set
):
    # the well-formed case next to the echo one: magic value, zero padded
    contract_wallet = make_1271_wallet(operator.address)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(operator, agent, contract_wallet.address, principal, deadline)
    set_agent_wallet(registry, principal, agent, contract_wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == contract_wallet.address


# ---------------------------------------------------------------- other refusals


def test_set_agent_wallet__zero_wallet__reverts(registry, principal, agent, proof):
    deadline, sig = proof
    with boa.reverts("registry: zero wallet"):
        set_agent_wallet(registry, principal, agent, ZERO, deadline, sig)


def test_set_agent_wallet__by_the_operator_itself__reverts(
    registry, agent, wallet, operator, set_wallet, sign_wallet_set, principal
):
    set_wallet(agent, operator)
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(wallet, agent, wallet.address, principal, deadline)
    with boa.reverts("registry: not owner nor approved"):
        set_agent_wallet(registry, operator.address, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == operator.address


def test_set_agent_wallet__by_stranger_with_valid_proof__reverts(
    registry, agent, wallet, proof, attacker
):
    deadline, sig = proof
    with boa.reverts("registry: not owner nor approved"):
        set_agent_wallet(registry, attacker, agent, wallet.address, deadline, sig)


def test_set_agent_wallet__unknown_agent__reverts(registry, principal, wallet, sign_wallet_set):
    deadline = int(boa.env.timestamp) + LIFETIME
    sig = sign_wallet_set(wallet, 42, wallet.address, principal, deadline)
    with boa.reverts("registry: unknown agent"):
        set_agent_wallet(registry, principal, 42, wallet.address, deadline, sig)


# ---------------------------------------------------------------- unsetAgentWallet


@pytest.mark.parametrize("caller_role", ["owner", "approved", "operator_for_all"])
def test_unset_agent_wallet__by_allowed_caller__clears_and_logs(
    registry, principal, agent, wallet, set_wallet, approved, manager, caller_role
):
    caller = {"owner": principal, "approved": approved, "operator_for_all": manager}[caller_role]
    with boa.env.prank(principal):
        registry.approve(approved, agent)
        registry.setApprovalForAll(manager, True)
    set_wallet(agent, wallet)
    with boa.env.prank(caller):
        registry.unsetAgentWallet(agent)
    assert events(registry) == [metadata_set(agent, "agentWallet", b"")]
    assert registry.getAgentWallet(agent) == ZERO
    assert registry.agent_status(agent) == (principal, ZERO, False)
    assert registry.getMetadata(agent, "agentWallet") == b""


def test_unset_agent_wallet__default_owner_wallet__cleared(registry, principal, agent):
    with boa.env.prank(principal):
        registry.unsetAgentWallet(agent)
    assert registry.getAgentWallet(agent) == ZERO


def test_unset_agent_wallet__already_empty__succeeds_and_logs_again(registry, principal, agent):
    with boa.env.prank(principal):
        registry.unsetAgentWallet(agent)
        registry.unsetAgentWallet(agent)
    assert events(registry) == [metadata_set(agent, "agentWallet", b"")]
    assert registry.getAgentWallet(agent) == ZERO


def test_unset_agent_wallet__by_the_operator_itself__reverts(registry, agent, operator, set_wallet):
    set_wallet(agent, operator)
    with boa.env.prank(operator.address), boa.reverts("registry: not owner nor approved"):
        registry.unsetAgentWallet(agent)


def test_unset_agent_wallet__by_stranger__reverts(registry, agent, attacker):
    with boa.env.prank(attacker), boa.reverts("registry: not owner nor approved"):
        registry.unsetAgentWallet(agent)


def test_unset_agent_wallet__unknown_agent__reverts(registry, principal):
    with boa.env.prank(principal), boa.reverts("registry: unknown agent"):
        registry.unsetAgentWallet(9)


def test_get_agent_wallet__unknown_agent__reverts(registry):
    with boa.reverts("registry: unknown agent"):
        registry.getAgentWallet(1)


# ---------------------------------------------------------------- EIP-712 domain (ERC-5267)


def test_eip712_domain__reports_name_version_chain_and_address(registry):
    fields, name, version, chain_id, contract, salt, extensions = registry.eip712Domain()
    assert fields == b"\x0f"
    assert (name, version) == (DOMAIN_NAME, DOMAIN_VERSION)
    assert chain_id == boa.env.evm.patch.chain_id
    assert contract == registry.address
    assert salt == b"\x00" * 32
    assert extensions == []


def test_eip712_domain__after_chain_fork__follows_new_chain_id(
    registry, principal, agent, wallet, sign_wallet_set
):
    old_chain = boa.env.evm.patch.chain_id
    deadline = int(boa.env.timestamp) + LIFETIME
    old_sig = sign_wallet_set(
        wallet, agent, wallet.address, principal, deadline, chain_id=old_chain
    )
    boa.env.evm.patch.chain_id = old_chain + 1000
    try:
        assert registry.eip712Domain()[3] == old_chain + 1000
        with boa.reverts("registry: invalid wallet signature"):
            set_agent_wallet(registry, principal, agent, wallet.address, deadline, old_sig)
        new_sig = sign_wallet_set(
            wallet, agent, wallet.address, principal, deadline, chain_id=old_chain + 1000
        )
        set_agent_wallet(registry, principal, agent, wallet.address, deadline, new_sig)
        assert registry.getAgentWallet(agent) == wallet.address
    finally:
        boa.env.evm.patch.chain_id = old_chain


def test_set_agent_wallet__digest_built_by_hand__accepted(registry, principal, agent, wallet):
    # Independent of eth_account's typed-data encoder: the ERC-8004 type
    # string and the EIP-712 domain hashed by hand, the digest signed raw.
    _, name, version, chain_id, contract, _, _ = registry.eip712Domain()
    domain_separator = keccak(
        abi_encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(
                    text="EIP712Domain(string name,string version,uint256 chainId,"
                    "address verifyingContract)"
                ),
                keccak(text=name),
                keccak(text=version),
                chain_id,
                str(contract),
            ],
        )
    )
    deadline = int(boa.env.timestamp) + LIFETIME
    struct_hash = keccak(
        abi_encode(
            ["bytes32", "uint256", "address", "address", "uint256"],
            [
                keccak(
                    text="AgentWalletSet(uint256 agentId,address newWallet,address owner,"
                    "uint256 deadline)"
                ),
                agent,
                wallet.address,
                principal,
                deadline,
            ],
        )
    )
    digest = keccak(b"\x19\x01" + domain_separator + struct_hash)
    sig = bytes(wallet.unsafe_sign_hash(digest).signature)
    set_agent_wallet(registry, principal, agent, wallet.address, deadline, sig)
    assert registry.getAgentWallet(agent) == wallet.address

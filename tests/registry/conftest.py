"""Fixtures for the AgentRegistry suite.

On top of the shared fixtures (`registry`, `register_agent`, role accounts,
`keyed`): the mocks the registry meets (ERC-721 receivers and rejecters, an
ERC-1271 wallet), an EIP-712 signer for `AgentWalletSet` proofs made with
eth_account as a wallet would, and an agent registered once per module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from .registry_support import DOMAIN_NAME, DOMAIN_VERSION, RECEIVER_PLAIN, load_mock

AGENT_WALLET_SET_TYPE = [
    {"name": "agentId", "type": "uint256"},
    {"name": "newWallet", "type": "address"},
    {"name": "owner", "type": "address"},
    {"name": "deadline", "type": "uint256"},
]


# ---------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def wallet(keyed: Callable[[str], LocalAccount]) -> LocalAccount:
    """A second hot key, to move the operator to."""
    return keyed("wallet")


@pytest.fixture(scope="session")
def approved(keyed: Callable[[str], LocalAccount]) -> str:
    """An address the principal approves for one agent."""
    return str(keyed("approved").address)


@pytest.fixture(scope="session")
def manager(keyed: Callable[[str], LocalAccount]) -> str:
    """An address the principal approves for all its agents."""
    return str(keyed("manager").address)


# ---------------------------------------------------------------- agents


@pytest.fixture
def agent(registry: Any, register_agent: Callable[..., int], principal: str) -> int:
    """One agent owned by `principal` at "ipfs://agent", registered inside
    the test's anchor (so it is id 1 unless the test registered before)."""
    return register_agent(principal)


# ---------------------------------------------------------------- signatures


@pytest.fixture(scope="module")
def sign_wallet_set(registry: Any) -> Callable[..., bytes]:
    """`sign_wallet_set(signer, agent_id, new_wallet, owner, deadline)`: the
    EIP-712 `AgentWalletSet` signature a wallet gives, made by eth_account.
    The domain defaults to this chain and this registry; each part can be
    overridden to sign for somewhere else."""

    def _sign(
        signer: LocalAccount,
        agent_id: int,
        new_wallet: str,
        owner: str,
        deadline: int,
        *,
        chain_id: int | None = None,
        verifying_contract: str | None = None,
        name: str = DOMAIN_NAME,
        version: str = DOMAIN_VERSION,
    ) -> bytes:
        message = {
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                "AgentWalletSet": AGENT_WALLET_SET_TYPE,
            },
            "primaryType": "AgentWalletSet",
            "domain": {
                "name": name,
                "version": version,
                "chainId": boa.env.evm.patch.chain_id if chain_id is None else chain_id,
                "verifyingContract": verifying_contract or str(registry.address),
            },
            "message": {
                "agentId": agent_id,
                "newWallet": str(new_wallet),
                "owner": str(owner),
                "deadline": deadline,
            },
        }
        signed = Account.sign_message(encode_typed_data(full_message=message), signer.key)
        return bytes(signed.signature)

    return _sign


@pytest.fixture(scope="module")
def set_wallet(registry: Any, sign_wallet_set: Callable[..., bytes]) -> Callable[..., None]:
    """`set_wallet(agent_id, account, by=owner)`: a valid `setAgentWallet`
    that makes `account` the operator."""

    def _set(agent_id: int, account: LocalAccount, by: str | None = None) -> None:
        owner = str(registry.ownerOf(agent_id))
        deadline = int(boa.env.timestamp) + 60
        sig = sign_wallet_set(account, agent_id, account.address, owner, deadline)
        with boa.env.prank(by or owner):
            registry.setAgentWallet(agent_id, account.address, deadline, sig)

    return _set


# ---------------------------------------------------------------- mocks


@pytest.fixture(scope="module")
def make_receiver() -> Callable[..., Any]:
    """`make_receiver(mode)`: a MockERC721Receiver (accepts tokens)."""
    return lambda mode=RECEIVER_PLAIN: load_mock("MockERC721Receiver", mode)


@pytest.fixture(scope="module")
def receiver(make_receiver: Callable[..., Any]) -> Any:
    return make_receiver()


@pytest.fixture(scope="module")
def make_rejecter() -> Callable[[int], Any]:
    """`make_rejecter(mode)`: a MockERC721Rejecter (refuses tokens)."""
    return lambda mode: load_mock("MockERC721Rejecter", mode)


@pytest.fixture(scope="module")
def silent() -> Any:
    """A contract whose fallback succeeds with no return data."""
    return load_mock("MockSilentFallback")


@pytest.fixture(scope="module")
def short_selector_receiver() -> str:
    """Raw bytecode that answers every call with the 4 bytes 0x150b7a02
    alone, not ABI-padded to 32 (Vyper cannot express it)."""
    # PUSH4 150b7a02 PUSH1 e0 SHL PUSH0 MSTORE PUSH1 04 PUSH0 RETURN
    code = bytes.fromhex("63150b7a0260e01b5f5260045ff3")
    addr = to_checksum_address(keccak(text="short-selector-receiver")[:20])
    boa.env.set_code(addr, code)
    return addr


@pytest.fixture(scope="module")
def echo() -> str:
    """Raw bytecode whose fallback returns its own calldata. Its answer to
    `isValidSignature` starts with 0x1626ba7e and to `onERC721Received` with
    0x150b7a02 (each selector is its own magic value), followed by the
    digest or the operator address, not by zero padding."""
    # CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 RETURN
    code = bytes.fromhex("365f5f37365ff3")
    addr = to_checksum_address(keccak(text="echo-fallback")[:20])
    boa.env.set_code(addr, code)
    return addr


@pytest.fixture(scope="module")
def make_1271_wallet() -> Callable[..., Any]:
    """`make_1271_wallet(owner_address, signature_length=65)`: a contract
    wallet under ERC-1271 that accepts its owner key's signatures."""
    return lambda owner, signature_length=65: load_mock(
        "MockERC1271Wallet", owner, signature_length
    )

"""Client for AgentRegistry: agent identity, operator wallet and policy."""

from __future__ import annotations

import time
from dataclasses import dataclass

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import contract_at
from agentmarket.eip712 import DOMAIN_FIELDS, domain

WALLET_PROOF_MAX_DELAY = 300


@dataclass(frozen=True)
class Agent:
    """An agent as the registry sees it."""

    agent_id: int
    principal: str
    operator: str
    frozen: bool
    uri: str


@dataclass(frozen=True)
class SpendPolicy:
    """What an operator may commit in one token (caps in token units)."""

    per_job_cap: int
    period_cap: int
    period: int


def wallet_proof_typed_data(
    chain_id: int, registry: str, agent_id: int, wallet: str, owner: str, deadline: int
) -> dict[str, object]:
    """EIP-712 typed data of ERC-8004's `AgentWalletSet` proof."""
    return {
        "types": {
            "EIP712Domain": DOMAIN_FIELDS,
            "AgentWalletSet": [
                {"name": "agentId", "type": "uint256"},
                {"name": "newWallet", "type": "address"},
                {"name": "owner", "type": "address"},
                {"name": "deadline", "type": "uint256"},
            ],
        },
        "primaryType": "AgentWalletSet",
        "domain": domain("ERC8004IdentityRegistry", "1", chain_id, registry),
        "message": {"agentId": agent_id, "newWallet": wallet, "owner": owner, "deadline": deadline},
    }


def sign_wallet_proof(
    wallet: LocalAccount, chain_id: int, registry: str, agent_id: int, owner: str, deadline: int
) -> bytes:
    """The operator wallet's signature proving it accepts to act for `agent_id`."""
    data = wallet_proof_typed_data(chain_id, registry, agent_id, wallet.address, owner, deadline)
    signed = wallet.sign_message(encode_typed_data(full_message=data))
    return bytes(signed.signature)


class AgentRegistryClient:
    """Typed calls to one AgentRegistry."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract: Contract = contract_at(w3, "AgentRegistry", address)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def register(self, signer: Signer, uri: str = "") -> int:
        """Register an agent owned by `signer`; return its id."""
        receipt = signer.transact(self.contract.functions.register(uri))
        (event,) = self.contract.events.Registered().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["agentId"])

    def set_uri(self, signer: Signer, agent_id: int, uri: str) -> TxReceipt:
        """Point the agent's URI at its registration file (owner or approved signs)."""
        return signer.transact(self.contract.functions.setAgentURI(agent_id, uri))

    def agent(self, agent_id: int) -> Agent:
        status = self.contract.functions.agent_status(agent_id).call()
        uri = self.contract.functions.tokenURI(agent_id).call()
        return Agent(agent_id, str(status[0]), str(status[1]), bool(status[2]), str(uri))

    def set_operator(self, signer: Signer, agent_id: int, wallet: LocalAccount) -> TxReceipt:
        """Make `wallet` the agent's operator; `wallet` signs the proof, `signer` (owner) sends."""
        deadline = self._now() + WALLET_PROOF_MAX_DELAY - 30
        sig = sign_wallet_proof(
            wallet, self.w3.eth.chain_id, self.address, agent_id, signer.address, deadline
        )
        fn = self.contract.functions.setAgentWallet(agent_id, wallet.address, deadline, sig)
        return signer.transact(fn)

    def freeze(self, signer: Signer, agent_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.freeze(agent_id))

    def unfreeze(self, signer: Signer, agent_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.unfreeze(agent_id))

    def set_spend_policy(
        self, signer: Signer, agent_id: int, token: str, policy: SpendPolicy
    ) -> TxReceipt:
        fn = self.contract.functions.set_spend_policy(
            agent_id, token, policy.per_job_cap, policy.period_cap, policy.period
        )
        return signer.transact(fn)

    def spend_policy(self, agent_id: int, token: str) -> SpendPolicy:
        raw = self.contract.functions.spend_policy(agent_id, token).call()
        return SpendPolicy(int(raw[0]), int(raw[1]), int(raw[2]))

    def _now(self) -> int:
        block = self.w3.eth.get_block("latest")
        return max(int(block["timestamp"]), int(time.time()))

"""AgentRegistry: a stateful property. Random sequences of register,
transfer, setAgentWallet, unsetAgentWallet, freeze and unfreeze (and refused
attempts by non-managers) keep the ERC-721 books and the operator rule intact:

- the balances of all holders add up to `total_registered`;
- `ownerOf` and `getAgentWallet` match a plain Python model;
- the operator wallet is empty after every transfer;
- `authorize` of the agent just touched answers every account's role and
  the freeze flag as the model does (the operator word's copy of the frozen
  bit never drifts from the agent's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boa
from eth_account import Account
from eth_utils import keccak
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from agentmarket.contracts.registry import sign_wallet_proof

from .registry_support import ZERO

REGISTRY = Path(__file__).resolve().parents[2] / "contracts" / "AgentRegistry.vy"
# Holders and wallets: a few keyed accounts, so signatures can be made.
KEYS = [Account.from_key(keccak(text=f"registry-property-{i}")) for i in range(4)]
ADDRESSES = [str(a.address) for a in KEYS]

accounts = st.integers(0, len(KEYS) - 1)
picks = st.integers(0, 2**16)


def sign(registry: Any, signer: Any, agent_id: int, owner: str, deadline: int) -> bytes:
    chain_id = boa.env.evm.patch.chain_id
    return sign_wallet_proof(signer, chain_id, str(registry.address), agent_id, owner, deadline)


class RegistryMachine(RuleBasedStateMachine):
    """Each example starts from the same freshly deployed registry: it is
    deployed once by the test (deploying dominates an example's time) and
    every example runs inside its own boa anchor, undone in `teardown`."""

    registry: Any = None

    @initialize()
    def start(self) -> None:
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        assert self.registry.total_registered() == 0
        self.owner: dict[int, str] = {}  # model: agent id -> owner
        self.wallet: dict[int, str] = {}  # model: agent id -> operator wallet
        self.frozen: dict[int, bool] = {}  # model: agent id -> frozen

    def _agent(self, pick: int) -> int:
        return sorted(self.owner)[pick % len(self.owner)]

    @rule(who=accounts, uri=st.text(max_size=40))
    def register(self, who: int, uri: str) -> None:
        with boa.env.prank(ADDRESSES[who]):
            agent_id = self.registry.register(uri)
        assert agent_id == len(self.owner) + 1
        self.owner[agent_id] = ADDRESSES[who]
        self.wallet[agent_id] = ADDRESSES[who]
        self.frozen[agent_id] = False
        assert self.registry.tokenURI(agent_id) == uri
        self._check_authority(agent_id)

    @precondition(lambda self: self.owner)
    @rule(pick=picks, to=accounts, safe=st.booleans())
    def transfer(self, pick: int, to: int, safe: bool) -> None:
        agent_id = self._agent(pick)
        owner = self.owner[agent_id]
        with boa.env.prank(owner):
            if safe:
                self.registry.safeTransferFrom(owner, ADDRESSES[to], agent_id)
            else:
                self.registry.transferFrom(owner, ADDRESSES[to], agent_id)
        self.owner[agent_id] = ADDRESSES[to]
        self.wallet[agent_id] = ZERO
        assert self.registry.getAgentWallet(agent_id) == ZERO
        assert self.registry.agent_status(agent_id).operator == ZERO
        self._check_authority(agent_id)

    @precondition(lambda self: self.owner)
    @rule(pick=picks, who=accounts, lifetime=st.integers(1, 300))
    def set_agent_wallet(self, pick: int, who: int, lifetime: int) -> None:
        agent_id = self._agent(pick)
        owner = self.owner[agent_id]
        deadline = int(boa.env.timestamp) + lifetime
        sig = sign(self.registry, KEYS[who], agent_id, owner, deadline)
        with boa.env.prank(owner):
            self.registry.setAgentWallet(agent_id, ADDRESSES[who], deadline, sig)
        self.wallet[agent_id] = ADDRESSES[who]
        self._check_authority(agent_id)

    @precondition(lambda self: self.owner)
    @rule(pick=picks)
    def unset_agent_wallet(self, pick: int) -> None:
        agent_id = self._agent(pick)
        with boa.env.prank(self.owner[agent_id]):
            self.registry.unsetAgentWallet(agent_id)
        self.wallet[agent_id] = ZERO
        self._check_authority(agent_id)

    @precondition(lambda self: self.owner)
    @rule(pick=picks, frozen=st.booleans())
    def freeze_or_unfreeze(self, pick: int, frozen: bool) -> None:
        agent_id = self._agent(pick)
        with boa.env.prank(self.owner[agent_id]):
            if frozen:
                self.registry.freeze(agent_id)
            else:
                self.registry.unfreeze(agent_id)
        self.frozen[agent_id] = frozen
        self._check_authority(agent_id)

    def _check_authority(self, agent_id: int) -> None:
        owner, wallet, frozen = self.owner[agent_id], self.wallet[agent_id], self.frozen[agent_id]
        assert self.registry.agent_status(agent_id) == (owner, wallet, frozen)
        for address in ADDRESSES:
            if address == wallet and wallet != owner:
                role = 2  # operator
            elif address == owner:
                role = 1  # principal
            else:
                role = 0
            assert self.registry.authorize(agent_id, address) == (role, frozen)

    @precondition(lambda self: self.owner)
    @rule(pick=picks, who=accounts)
    def non_owner_is_refused(self, pick: int, who: int) -> None:
        agent_id = self._agent(pick)
        if ADDRESSES[who] == self.owner[agent_id]:
            return
        deadline = int(boa.env.timestamp) + 60
        sig = sign(self.registry, KEYS[who], agent_id, self.owner[agent_id], deadline)
        with boa.env.prank(ADDRESSES[who]), boa.reverts("registry: not owner nor approved"):
            self.registry.setAgentWallet(agent_id, ADDRESSES[who], deadline, sig)
        with boa.env.prank(ADDRESSES[who]), boa.reverts("registry: caller not owner nor approved"):
            self.registry.transferFrom(self.owner[agent_id], ADDRESSES[who], agent_id)

    def teardown(self) -> None:
        if hasattr(self, "_anchor"):
            self._anchor.__exit__(None, None, None)

    @invariant()
    def balances_add_up_to_total(self) -> None:
        total = sum(self.registry.balanceOf(a) for a in ADDRESSES)
        assert total == self.registry.total_registered() == len(self.owner)

    @invariant()
    def owners_and_wallets_match_model(self) -> None:
        for agent_id, owner in self.owner.items():
            assert self.registry.ownerOf(agent_id) == owner
            assert self.registry.getAgentWallet(agent_id) == self.wallet[agent_id]


def test_registry_state_machine() -> None:
    RegistryMachine.registry = boa.load(str(REGISTRY))
    try:
        run_state_machine_as_test(
            RegistryMachine, settings=settings(settings.default, stateful_step_count=15)
        )
    finally:
        RegistryMachine.registry = None

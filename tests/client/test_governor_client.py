"""GovernorClient on the in-process chain: the escrow's governance, reached from the escrow.

The escrow has no owner; `EscrowClient.governor()` reads its `GOVERNOR` and
every setting goes through that EscrowGovernor (owned by governance, which is
also the guardian of a CLI deployment). `EscrowClient.set_token` and
`add_config` remain as shortcuts through it.
"""

from __future__ import annotations

import pytest

from agentmarket.chain import Signer
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.governor import GovernorClient
from agentmarket.deployment import Deployment
from agentmarket.errors import ContractRevertError

from .conftest import UNIT, World

ZERO = "0x" + "00" * 20


def _clients(world: World) -> tuple[EscrowClient, GovernorClient, Signer, Signer]:
    escrow = EscrowClient(world.w3, Deployment.load(world.deployment).address("JobEscrow"))
    governance = Signer(world.w3, world.accounts["governance"])
    stranger = Signer(world.w3, world.accounts["keeper"])
    return escrow, escrow.governor(), governance, stranger


def test_governor__reached_from_the_escrow(world: World) -> None:
    record = Deployment.load(world.deployment)
    escrow, governor, governance, _ = _clients(world)
    assert governor.address == record.address("EscrowGovernor")
    assert governor.escrow() == escrow.address
    assert governor.owner() == governance.address
    assert governor.guardian() == governance.address  # the CLI's default guardian
    assert governor.pending_owner() == ZERO
    assert not escrow.paused()
    assert escrow.config()["fee_bps"] == 100


def test_governor__config_and_tokens(world: World) -> None:
    escrow, governor, governance, stranger = _clients(world)
    config_id = governor.add_config(governance, {**escrow.config(), "fee_bps": 200})
    assert config_id == 2
    assert escrow.config()["fee_bps"] == 200
    assert escrow.config(1)["fee_bps"] == 100
    # the escrow's shortcut goes through the governor too
    assert escrow.add_config(governance, {**escrow.config(), "fee_bps": 300}) == 3
    with pytest.raises(ValueError, match="config lacks"):
        governor.add_config(governance, {"fee_bps": 1})
    with pytest.raises(ContractRevertError) as refused:
        governor.add_config(governance, {**escrow.config(), "fee_bps": 1_001})
    assert refused.value.reason == "governor: fee above cap"
    with pytest.raises(ContractRevertError) as refused:
        governor.add_config(stranger, escrow.config())
    assert refused.value.reason == "ownable: caller is not the owner"

    governor.set_token(governance, world.token, False, 0)
    assert not escrow.token_info(world.token)["allowed"]
    escrow.set_token(governance, world.token, True, 2 * UNIT)
    info = escrow.token_info(world.token)
    assert (info["allowed"], info["weight"]) == (True, 2 * UNIT)
    with pytest.raises(ContractRevertError) as refused:
        governor.set_token(stranger, world.token, False, 0)
    assert refused.value.reason == "ownable: caller is not the owner"
    with pytest.raises(ContractRevertError) as refused:
        governor.set_token(governance, stranger.address, True, UNIT)
    assert refused.value.reason == "governor: not a contract"


def test_governor__guardian_pause_and_handover(world: World) -> None:
    escrow, governor, governance, stranger = _clients(world)
    principal = Signer(world.w3, world.accounts["client_principal"])
    with pytest.raises(ContractRevertError) as refused:
        governor.pause(stranger)
    assert refused.value.reason == "governor: not guardian"

    governor.set_guardian(governance, stranger.address)
    assert governor.guardian() == stranger.address
    governor.pause(stranger)
    assert escrow.paused()
    governor.unpause(stranger)
    assert not escrow.paused()

    governor.transfer_ownership(governance, stranger.address)
    assert governor.pending_owner() == stranger.address
    assert governor.owner() == governance.address
    with pytest.raises(ContractRevertError) as refused:
        governor.accept_ownership(principal)
    assert refused.value.reason == "ownable_2step: caller is not the new owner"
    governor.accept_ownership(stranger)
    assert (governor.owner(), governor.pending_owner()) == (stranger.address, ZERO)
    with pytest.raises(ContractRevertError) as refused:
        governor.set_guardian(governance, governance.address)
    assert refused.value.reason == "ownable: caller is not the owner"

"""ArbiterPanel: deployment, panel appointment (epochs), two-step governance."""

from __future__ import annotations

from typing import Any

import boa
import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector

from .helpers import ZERO, events


def test_init__first_panel_is_epoch_1(panel: Any, arbiters: list[str], governance: str) -> None:
    assert panel.panel_epoch() == 1
    assert panel.panel_arbiters(1) == arbiters[:3]
    assert panel.panel_quorum(1) == 2
    assert panel.owner() == governance
    assert panel.pending_owner() == ZERO
    assert panel.dispute_count() == 0


def test_init__logs_panel_set(deploy_panel: Any, arbiters: list[str]) -> None:
    fresh = deploy_panel(arbiters[:3], 2)
    (e,) = events(fresh, "PanelSet")
    assert (e.epoch, list(e.arbiters), e.quorum) == (1, arbiters[:3], 2)


@pytest.mark.parametrize(
    ("size", "quorum", "reason"),
    [
        (0, 0, "panel: no arbiters"),
        (0, 1, "panel: no arbiters"),
        (3, 0, "panel: quorum out of range"),
        (3, 4, "panel: quorum out of range"),
    ],
)
def test_init__bad_panel__reverts(
    deploy_panel: Any, arbiters: list[str], size: int, quorum: int, reason: str
) -> None:
    with boa.reverts(reason):
        deploy_panel(arbiters[:size], quorum)


def test_init__zero_arbiter__reverts(deploy_panel: Any, arbiters: list[str]) -> None:
    with boa.reverts("panel: zero arbiter"):
        deploy_panel([arbiters[0], ZERO], 1)


def test_init__duplicate_arbiter__reverts(deploy_panel: Any, arbiters: list[str]) -> None:
    with boa.reverts("panel: duplicate arbiter"):
        deploy_panel([arbiters[0], arbiters[1], arbiters[0]], 2)


def test_init__sixteen_arbiters_sixteen_quorum(deploy_panel: Any, arbiters: list[str]) -> None:
    p = deploy_panel(arbiters, 16)
    assert p.panel_arbiters(1) == arbiters
    assert p.panel_quorum(1) == 16
    for a in arbiters:
        assert p.is_arbiter(1, a)


def test_set_panel__seventeen_arbiters__reverts(
    panel: Any, governance: str, arbiters: list[str], keyed: Any
) -> None:
    # raw calldata: the ABI decoder enforces the DynArray bound of 16
    extra_arbiter = str(keyed("arbiter16").address)
    data = function_signature_to_4byte_selector("set_panel(address[],uint256)") + encode(
        ["address[]", "uint256"], [[*arbiters, extra_arbiter], 1]
    )
    with pytest.raises(Exception):  # noqa: B017 - bare revert, no reason
        boa.env.raw_call(panel.address, sender=governance, data=data)
    ok = function_signature_to_4byte_selector("set_panel(address[],uint256)") + encode(
        ["address[]", "uint256"], [arbiters, 1]
    )
    boa.env.raw_call(panel.address, sender=governance, data=ok)
    assert panel.panel_epoch() == 2


def test_set_panel__starts_new_epoch(
    panel: Any, set_panel: Any, arbiters: list[str], governance: str
) -> None:
    set_panel(arbiters[3:8], 3)
    (e,) = events(panel, "PanelSet")
    assert (e.epoch, list(e.arbiters), e.quorum) == (2, arbiters[3:8], 3)
    assert panel.panel_epoch() == 2
    assert panel.panel_arbiters(2) == arbiters[3:8]
    assert panel.panel_quorum(2) == 3
    # the old epoch is kept as it was
    assert panel.panel_arbiters(1) == arbiters[:3]
    assert panel.panel_quorum(1) == 2
    assert panel.is_arbiter(1, arbiters[0])
    assert not panel.is_arbiter(2, arbiters[0])
    assert panel.is_arbiter(2, arbiters[7])


def test_set_panel__same_panel_again__still_new_epoch(
    panel: Any, set_panel: Any, arbiters: list[str]
) -> None:
    set_panel(arbiters[:3], 2)
    assert panel.panel_epoch() == 2
    assert panel.panel_arbiters(2) == panel.panel_arbiters(1)


def test_set_panel__by_stranger__reverts(panel: Any, attacker: str, arbiters: list[str]) -> None:
    with boa.env.prank(attacker), boa.reverts("ownable: caller is not the owner"):
        panel.set_panel([attacker], 1)


def test_set_panel__by_arbiter__reverts(panel: Any, arbiters: list[str]) -> None:
    with boa.env.prank(arbiters[0]), boa.reverts("ownable: caller is not the owner"):
        panel.set_panel([arbiters[0]], 1)


@pytest.mark.parametrize(
    ("members", "quorum", "reason"),
    [
        ([], 1, "panel: no arbiters"),
        ([0, 1], 0, "panel: quorum out of range"),
        ([0, 1], 3, "panel: quorum out of range"),
        ([0, None], 1, "panel: zero arbiter"),
        ([0, 1, 1], 1, "panel: duplicate arbiter"),
    ],
)
def test_set_panel__bad_panel__reverts(
    panel: Any,
    governance: str,
    arbiters: list[str],
    members: list[int | None],
    quorum: int,
    reason: str,
) -> None:
    addrs = [ZERO if m is None else arbiters[m] for m in members]
    with boa.env.prank(governance), boa.reverts(reason):
        panel.set_panel(addrs, quorum)
    assert panel.panel_epoch() == 1


def test_ownership__two_step_transfer(panel: Any, governance: str, guardian: str) -> None:
    with boa.env.prank(governance):
        panel.transfer_ownership(guardian)
    assert panel.pending_owner() == guardian
    assert panel.owner() == governance
    with boa.env.prank(governance), boa.reverts("ownable_2step: caller is not the new owner"):
        panel.accept_ownership()
    with boa.env.prank(guardian):
        panel.accept_ownership()
    assert panel.owner() == guardian
    assert panel.pending_owner() == ZERO
    with boa.env.prank(governance), boa.reverts("ownable: caller is not the owner"):
        panel.set_panel([governance], 1)
    with boa.env.prank(guardian):
        panel.set_panel([governance], 1)


def test_ownership__transfer_by_stranger__reverts(panel: Any, attacker: str) -> None:
    with boa.env.prank(attacker), boa.reverts("ownable: caller is not the owner"):
        panel.transfer_ownership(attacker)


def test_ownership__renounced__panel_frozen_disputes_still_work(
    panel: Any, governance: str, arbiters: list[str], open_dispute: Any, arbitrable: Any
) -> None:
    with boa.env.prank(governance):
        panel.renounce_ownership()
    assert panel.owner() == ZERO
    with boa.env.prank(governance), boa.reverts("ownable: caller is not the owner"):
        panel.set_panel([governance], 1)
    dispute_id = open_dispute()
    for a in arbiters[:2]:
        with boa.env.prank(a):
            panel.vote(dispute_id, 1)
    assert arbitrable.ruling_of(dispute_id) == 1

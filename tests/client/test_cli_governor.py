"""`agentmarket governor ...` on the in-process chain: the escrow's governance from the
command line. Governance owns the governor and is its guardian in a CLI deployment;
`keeper` plays a stranger. Every change is read back from the chain."""

from __future__ import annotations

from agentmarket.deployment import Deployment

from .conftest import UNIT, Invoke, World
from .test_cli_job_life import setup_agents

ZERO = "0x" + "00" * 20


def shown(am: Invoke) -> dict:
    out = am("governor", "show", "--json")
    assert out.code == 0, out.err
    data: dict = out.json()
    return data


def test_show__owner_guardian_pause_and_config(am: Invoke, world: World) -> None:
    data = shown(am)
    governance = world.address("governance")
    assert (data["owner"], data["guardian"], data["pending_owner"]) == (
        governance,
        governance,
        ZERO,
    )
    record = Deployment.load(world.deployment)
    assert data["escrow"] == record.address("JobEscrow")
    assert data["governor"] == record.address("EscrowGovernor")
    assert data["paused"] is False and data["config_id"] == 1
    assert data["config"]["fee_bps"] == 100
    table = am("governor", "show")
    assert table.code == 0 and "Escrow governance" in table.out and "open" in table.out


def test_config__changes_only_the_options_given(am: Invoke, world: World) -> None:
    before = shown(am)["config"]
    court = world.address("arbiter_c")
    out = am(
        "governor", "config", "--fee-bps", "150", "--review-window", "2d", "--arbitrator", court,
        "--json", signer="governance",
    )  # fmt: skip
    assert out.code == 0, out.err
    data = out.json()
    assert data["config_id"] == 2
    expected = {**before, "fee_bps": 150, "review_window": 2 * 86_400, "arbitrator": court}
    assert data["config"] == expected
    told = am("governor", "config", "--bond-floor", "5e18", signer="governance")
    assert told.code == 0 and "config #3 added (bond_floor" in told.out
    assert shown(am)["config"] == {**expected, "bond_floor": 5 * UNIT}


def test_config__new_jobs_take_it__open_jobs_keep_theirs(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    listing = am(
        "list", str(pid), "--tag", "t", "--price", str(10 * UNIT), "--delivery-time", "1h",
        "--json", signer="provider_operator",
    ).json()["listing_id"]  # fmt: skip
    first = am("hire", str(listing), "--client", str(cid), "--json", signer="client_operator")
    assert am("governor", "config", "--fee-bps", "300", signer="governance").code == 0
    second = am("hire", str(listing), "--client", str(cid), "--json", signer="client_operator")
    assert first.json()["config_id"] == 1 and second.json()["config_id"] == 2


def test_config__refusals(am: Invoke, world: World) -> None:
    nothing = am("governor", "config", signer="governance")
    assert nothing.code == 2 and "nothing to change" in nothing.err
    above = am("governor", "config", "--fee-bps", "1001", signer="governance")
    assert above.code == 1 and above.err.strip() == "error: governor: fee above cap"
    stranger = am("governor", "config", "--fee-bps", "10", signer="keeper")
    assert stranger.code == 1 and "caller is not the owner" in stranger.err
    bad = am("governor", "config", "--arbitrator", "0x1234", signer="governance")
    assert bad.code == 2 and "not an address" in bad.err
    assert shown(am)["config_id"] == 1  # nothing was added


def test_token__show_reweight_delist_relist(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    token = world.token
    info = am("governor", "token", token, "--json").json()
    assert (info["allowed"], info["weight"]) == (True, UNIT)
    out = am("governor", "token", token, "--weight", "2e18", "--json", signer="governance")
    assert out.code == 0 and (out.json()["allowed"], out.json()["weight"]) == (True, 2 * UNIT)
    delisted = am("governor", "token", token, "--delist", "--json", signer="governance").json()
    assert (delisted["allowed"], delisted["weight"]) == (False, 2 * UNIT)  # weight kept
    tab = ("tab", "open", str(cid), str(pid), "--amount", "1")
    refused = am(*tab, signer="client_principal")
    assert refused.code == 1 and refused.err.strip() == "error: escrow: token not allowed"
    # A deposit still goes through: a job in the token may need a bond.
    assert am("deposit", str(cid), "1", signer="client_principal").code == 0
    relisted = am("governor", "token", token, "--weight", "1e18", "--json", signer="governance")
    assert relisted.json()["allowed"] is True
    both = am("governor", "token", token, "--weight", "1", "--delist", signer="governance")
    assert both.code == 2 and "not both" in both.err
    stranger = am("governor", "token", token, "--delist", signer="keeper")
    assert stranger.code == 1 and "caller is not the owner" in stranger.err


def test_pause__blocks_entries__unpause_reopens(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    stranger = am("governor", "pause", signer="keeper")
    assert stranger.code == 1 and stranger.err.strip() == "error: governor: not guardian"
    paused = am("governor", "pause", "--json", signer="governance")
    assert paused.code == 0 and paused.json()["paused"] is True
    tab = ("tab", "open", str(cid), str(pid), "--amount", "1", "--json")
    refused = am(*tab, signer="client_principal")
    assert refused.code == 1 and refused.err.strip() == "error: escrow: paused"
    # Deposits are never paused: a dispute's bond may need one.
    assert am("deposit", str(cid), "1", signer="client_principal").code == 0
    reopened = am("governor", "unpause", "--json", signer="governance")
    assert reopened.json()["paused"] is False
    assert am(*tab, signer="client_principal").json()["tab_id"]


def test_guardian__set_pauses__removed(am: Invoke, world: World) -> None:
    keeper = world.address("keeper")
    both = am("governor", "guardian", keeper, "--none", signer="governance")
    assert both.code == 2 and "GUARDIAN address or --none" in both.err
    set_ = am("governor", "guardian", keeper, "--json", signer="governance")
    assert set_.code == 0 and set_.json()["guardian"] == keeper
    assert am("governor", "pause", signer="keeper").code == 0
    assert am("governor", "unpause", signer="keeper").code == 0
    cleared = am("governor", "guardian", "--none", "--json", signer="governance")
    assert cleared.json()["guardian"] == ZERO
    refused = am("governor", "pause", signer="keeper")
    assert refused.code == 1 and refused.err.strip() == "error: governor: not guardian"

"""`agentmarket panel ...` on the in-process chain: the arbiter panel from the command
line. The CLI deployment seats arbiters a, b and c with quorum 2, owned by governance;
`keeper` plays a stranger (and, later, a new arbiter). Every change is read back."""

from __future__ import annotations

from typing import Any

from agentmarket.deployment import Deployment

from .conftest import UNIT, Invoke, World
from .test_cli_job_life import setup_agents


def shown(am: Invoke) -> dict[str, Any]:
    out = am("panel", "show", "--json")
    assert out.code == 0, out.err
    data: dict[str, Any] = out.json()
    return data


def test_show__the_deployed_panel(am: Invoke, world: World) -> None:
    data = shown(am)
    assert data["panel"] == Deployment.load(world.deployment).address("ArbiterPanel")
    assert data["owner"] == world.address("governance")
    assert data["epoch"] == 1 and data["quorum"] == 2
    assert data["arbiters"] == [world.address(f"arbiter_{x}") for x in "abc"]
    table = am("panel", "show")
    assert table.code == 0 and "2 of 3" in table.out


def test_set__new_epoch__default_quorum_is_a_majority(am: Invoke, world: World) -> None:
    a, keeper = world.address("arbiter_a"), world.address("keeper")
    out = am("panel", "set", "--arbiter", a, "--arbiter", keeper, "--json", signer="governance")
    assert out.code == 0, out.err
    data = out.json()
    assert (data["epoch"], data["arbiters"], data["quorum"]) == (2, [a, keeper], 2)
    told = am("panel", "set", "--arbiter", keeper, "--quorum", "1", signer="governance")
    assert told.code == 0 and "panel of epoch 3: 1 of 1 votes rule" in told.out
    assert shown(am)["arbiters"] == [keeper]


def test_set__refusals(am: Invoke, world: World) -> None:
    a, b = world.address("arbiter_a"), world.address("arbiter_b")
    stranger = am("panel", "set", "--arbiter", a, signer="keeper")
    assert stranger.code == 1 and "caller is not the owner" in stranger.err
    twice = am("panel", "set", "--arbiter", a, "--arbiter", a, signer="governance")
    assert twice.code == 2 and "named twice" in twice.err
    for quorum in ("0", "3"):
        bad = am("panel", "set", "--arbiter", a, "--arbiter", b, "--quorum", quorum,
                 signer="governance")  # fmt: skip
        assert bad.code == 2 and "must be 1 to 2" in bad.err
    none = am("panel", "set", signer="governance")
    assert none.code == 2 and "--arbiter" in none.err
    assert shown(am)["epoch"] == 1  # nothing changed


def test_open_dispute_keeps_its_panel(am: Invoke, world: World) -> None:
    """A dispute opened before a new panel is ruled by the panel of its epoch: the
    new arbiter cannot vote on it, the old ones still can."""
    cid, pid = setup_agents(am, world)
    am("deposit", str(pid), "10e18", signer="provider_principal")
    listing = am(
        "list", str(pid), "--tag", "p", "--price", str(10 * UNIT), "--delivery-time", "1h",
        "--json", signer="provider_operator",
    ).json()["listing_id"]  # fmt: skip
    job = str(am("hire", str(listing), "--client", str(cid), "--json",
                 signer="client_operator").json()["job_id"])  # fmt: skip
    am("accept", job, signer="provider_operator")
    am("deliver", job, "--result-uri", "ipfs://r", signer="provider_operator")
    am("dispute", job, "--evidence-uri", "ipfs://e", signer="client_operator")
    assert am("answer", job, "--json", signer="provider_operator").json()["case_opened"]

    keeper = world.address("keeper")
    assert am("panel", "set", "--arbiter", keeper, "--quorum", "1", signer="governance").code == 0
    refused = am("rule", "client", "--job", job, signer="keeper")
    assert refused.code == 1 and refused.err.strip() == "error: panel: not an arbiter"
    assert not am("rule", "client", "--job", job, "--json", signer="arbiter_a").json()["solved"]
    ruled = am("rule", "client", "--job", job, "--json", signer="arbiter_c").json()
    assert ruled["solved"] and ruled["ruling"] == 1

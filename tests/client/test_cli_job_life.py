"""A job's whole life through the `agentmarket` command line, on the in-process chain."""

from __future__ import annotations

import json

from agentmarket.contracts.escrow import JobStatus

from .conftest import UNIT, Invoke, World, key_env

PRICE = 20 * UNIT


def setup_agents(am: Invoke, world: World) -> tuple[int, int]:
    """Register a client and a provider agent under two principals, with operators, caps
    and a funded client; return (client id, provider id)."""
    client_id = am("register", "--uri", "ipfs://client", "--json", signer="client_principal")
    provider_id = am("register", "--uri", "ipfs://provider", "--json", signer="provider_principal")
    cid, pid = client_id.json()["agent_id"], provider_id.json()["agent_id"]
    for agent, owner, operator in (
        (cid, "client_principal", "client_operator"),
        (pid, "provider_principal", "provider_operator"),
    ):
        shown = am(
            "wallet", str(agent), "--operator-key-env", key_env(operator), "--json", signer=owner
        ).json()
        assert shown["operator"] == world.address(operator)
    caps = am(
        "policy",
        str(cid),
        "--per-job",
        str(50 * UNIT),
        "--per-period",
        str(100 * UNIT),
        "--period",
        "1d",
        "--json",
        signer="client_principal",
    ).json()
    assert caps["policy"]["per_job_cap"] == 50 * UNIT
    funded = am("deposit", str(cid), "200e18", "--json", signer="client_principal").json()
    assert funded["balance"] == 200 * UNIT
    return cid, pid


def test_job_life__register_to_rating__through_the_cli(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    listing = am(
        "list",
        str(pid),
        "--tag",
        "summarize",
        "--price",
        str(PRICE),
        "--delivery-time",
        "2h",
        "--terms-uri",
        "ipfs://terms",
        "--json",
        signer="provider_operator",
    ).json()
    shown = am("show", "listing", str(listing["listing_id"]), "--json").json()
    assert shown["price"] == PRICE and shown["version"] == 1 and shown["state"] == "active"

    hired = am(
        "hire",
        str(listing["listing_id"]),
        "--client",
        str(cid),
        "--json",
        signer="client_operator",
    ).json()
    job = str(hired["job_id"])
    assert hired["status"] == "requested" and hired["price"] == PRICE

    assert am("accept", job, "--json", signer="provider_operator").json()["status"] == "accepted"
    delivered = am(
        "deliver", job, "--result-uri", "ipfs://result", "--json", signer="provider_operator"
    ).json()
    assert delivered["status"] == "delivered"
    assert am("complete", job, "--json", signer="client_operator").json()["status"] == "completed"
    assert am("rate", job, "90", "--json", signer="client_operator").code == 0
    assert am("rate", hex(int(job)), "75", signer="provider_operator").code == 0

    job_view = am("show", "job", job, "--json").json()
    assert JobStatus[job_view["status"].upper()] == JobStatus.COMPLETED
    provider = am("show", "agent", str(pid), "--json").json()
    assert provider["operator"] == world.address("provider_operator")
    reps = am("show", "reputation", str(cid), str(pid), "--json").json()
    by_id = {r["agent_id"]: r for r in reps}
    assert by_id[pid]["completed"] == 1 and by_id[pid]["average_score"] == 9000
    assert by_id[cid]["completed"] == 1 and by_id[cid]["average_score"] == 7500

    # the provider's principal withdraws the earnings, less the protocol fee
    fee_bps = _fee_bps(world)
    earned = PRICE - PRICE * fee_bps // 10_000
    assert am("show", "agent", str(pid), "--json").json()["balance"] == earned
    withdrawn = am("withdraw", str(pid), str(earned), "--json", signer="provider_principal")
    assert withdrawn.json()["balance"] == 0

    # tables for people
    table = am("show", "reputation", str(pid))
    assert table.code == 0 and "completed" in table.out and "90.00" in table.out


def _fee_bps(world: World) -> int:
    from agentmarket.contracts.escrow import EscrowClient
    from agentmarket.deployment import Deployment

    record = Deployment.load(world.deployment)
    return int(EscrowClient(world.w3, record.address("JobEscrow")).config()["fee_bps"])


def test_offer__signed_by_provider_operator__hired_with_file(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    offer_file = world.tmp / "offer.json"
    printed = am(
        "offer",
        "--provider",
        str(pid),
        "--client",
        str(cid),
        "--price",
        str(30 * UNIT),
        "--delivery-time",
        "3h",
        "--terms-uri",
        "ipfs://offer-terms",
        "--out",
        str(offer_file),
        signer="provider_operator",
    )
    assert printed.code == 0
    assert json.loads(printed.out) == json.loads(offer_file.read_text())
    hired = am(
        "hire",
        "--offer",
        str(offer_file),
        "--client",
        str(cid),
        "--json",
        signer="client_operator",
    ).json()
    assert hired["status"] == "accepted" and hired["price"] == 30 * UNIT
    job = str(hired["job_id"])
    # the same offer cannot be taken twice
    again = am("hire-offer", str(offer_file), "--client", str(cid), signer="client_operator")
    assert again.code == 1 and again.err.strip() == "error: offers: nonce used"
    assert am("deliver", job, "--final-price", str(25 * UNIT), signer="provider_operator").code == 0
    done = am("complete", job, "--json", signer="client_operator").json()
    assert done["status"] == "completed"


def test_revert__surfaces_as_error_line_and_exit_1(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    listing = am(
        "list",
        str(pid),
        "--tag",
        "research",
        "--price",
        str(80 * UNIT),
        "--delivery-time",
        "1d",
        "--json",
        signer="provider_operator",
    ).json()
    over_cap = am(
        "hire", str(listing["listing_id"]), "--client", str(cid), signer="client_operator"
    )
    assert over_cap.code == 1
    assert over_cap.err.strip() == "error: escrow: over job cap"
    # the principal itself is not capped
    ok = am(
        "hire",
        str(listing["listing_id"]),
        "--client",
        str(cid),
        "--json",
        signer="client_principal",
    )
    assert ok.json()["status"] == "requested"
    # the client may not accept its own request
    wrong = am("accept", str(ok.json()["job_id"]), signer="client_operator")
    assert wrong.code == 1 and wrong.err.startswith("error: escrow: ")


def test_policy__freeze_stops_the_operator__unfreeze_restores(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    listing = am(
        "list",
        str(pid),
        "--tag",
        "t",
        "--price",
        "100",
        "--delivery-time",
        "1h",
        "--json",
        signer="provider_operator",
    ).json()["listing_id"]
    assert am("policy", str(cid), "--freeze", "--json", signer="client_principal").json()["frozen"]
    frozen = am("hire", str(listing), "--client", str(cid), signer="client_operator")
    assert frozen.code == 1 and frozen.err.startswith("error: ")
    am("policy", str(cid), "--unfreeze", signer="client_principal")
    assert am("hire", str(listing), "--client", str(cid), signer="client_operator").code == 0


def test_index_and_find__discover_the_cheapest_listing(am: Invoke, world: World) -> None:
    _cid, pid = setup_agents(am, world)
    for price in (30, 20):
        am(
            "list",
            str(pid),
            "--tag",
            "translate",
            "--price",
            str(price * UNIT),
            "--delivery-time",
            "1h",
            signer="provider_operator",
        )
    db = f"sqlite:///{world.tmp / 'index.db'}"
    missing = am("find", "translate", "--db", f"sqlite:///{world.tmp / 'none.db'}")
    assert missing.code == 1 and "agentmarket index" in missing.err
    synced = am("index", "--db", db, "--no-progress", "--json").json()
    assert synced["events"] >= 2
    found = am("find", "translate", "--db", db, "--max-price", str(25 * UNIT), "--json").json()
    assert [m["price"] for m in found] == [20 * UNIT]
    table = am("find", "translate", "--db", db)
    assert table.code == 0 and "Providers for 'translate'" in table.out


def test_dispute__answered_and_ruled_by_the_panel(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    am("deposit", str(pid), "10e18", signer="provider_principal")
    listing = am(
        "list",
        str(pid),
        "--tag",
        "s",
        "--price",
        str(PRICE),
        "--delivery-time",
        "1h",
        "--json",
        signer="provider_operator",
    ).json()["listing_id"]
    job = str(
        am("hire", str(listing), "--client", str(cid), "--json", signer="client_operator").json()[
            "job_id"
        ]
    )
    am("accept", job, signer="provider_operator")
    am("deliver", job, "--result-uri", "ipfs://r", signer="provider_operator")
    opened = am("dispute", job, "--evidence-uri", "ipfs://e", "--json", signer="client_operator")
    assert opened.json()["status"] == "awaiting_answer"
    answered = am("answer", job, "--json", signer="provider_operator").json()
    assert answered["status"] == "at_arbitrator" and answered["case_opened"]
    proposed = am("settle", job, "--propose", str(PRICE // 2), "--json", signer="client_operator")
    assert proposed.json()["client_proposal"] == PRICE // 2
    first = am("rule", "split:30", "--job", job, "--json", signer="arbiter_a").json()
    assert not first["solved"]
    second = am("rule", "split:30", "--job", job, "--json", signer="arbiter_b").json()
    assert second["solved"] and second["ruling"] == 33
    ended = am("show", "dispute", job, "--json").json()
    assert ended["status"] == "ruled"
    assert am("show", "job", job, "--json").json()["status"] == "resolved"
    late = am("rule", "client", "--job", job, signer="arbiter_c")
    assert late.code == 1 and late.err.startswith("error: panel: dispute solved")

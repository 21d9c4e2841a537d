"""A tab's whole life through `agentmarket tab ...`, on the in-process chain,
through the client library and the deployment plan (the protocol deployed by
`agentmarket deploy`, Tabs included)."""

from __future__ import annotations

import sqlite3

from client.conftest import UNIT, Invoke, World, am, world  # noqa: F401 (fixtures)
from client.test_cli_job_life import setup_agents


def test_tab_life__open_voucher_redeem_close__through_the_cli(am: Invoke, world: World) -> None:  # noqa: F811
    cid, pid = setup_agents(am, world)
    opened = am(
        "tab",
        "open",
        str(cid),
        str(pid),
        "--amount",
        "5e18",
        "--delay",
        "2h",
        "--json",
        signer="client_operator",
    ).json()
    tab_id = opened["tab_id"]
    assert opened["deposit"] == 5 * UNIT and opened["signer"] == world.address("client_operator")
    topped = am("tab", "top-up", tab_id, "--amount", "1e18", "--json", signer="client_principal")
    assert topped.json()["deposit"] == 6 * UNIT

    files = []
    for n in (1, 2, 3):
        out = world.tmp / f"v{n}.json"
        am(
            "tab",
            "voucher",
            tab_id,
            "--amount",
            str(n * UNIT),
            "--out",
            str(out),
            "--json",
            signer="client_operator",
        ).json()
        files.append(str(out))
    # Too much: refused before signing.
    over = am("tab", "voucher", tab_id, "--amount", "7e18", signer="client_operator")
    assert over.code != 0 and "above the tab's deposit" in over.err

    redeemed = am("tab", "redeem", files[2], "--json", signer="provider_operator").json()
    assert redeemed["redeemed"] == [{"tab_id": tab_id, "cumulative": 3 * UNIT}]
    stale = am("tab", "redeem", files[1], signer="provider_operator")
    assert stale.code != 0 and "not above the latest voucher" in stale.err

    shown = am("tab", "show", tab_id, "--json").json()
    assert (shown["redeemed"], shown["remaining"], shown["status"]) == (3 * UNIT, 3 * UNIT, "open")
    assert "Tab" in am("tab", "show", tab_id).out

    requested = am("tab", "close", tab_id, "--request", "--json", signer="client_operator").json()
    assert requested["closes_at"] > 0
    early = am("tab", "close", tab_id, "--finish", signer="client_principal")
    assert early.code == 1 and "tabs: close deadline not passed" in early.err
    closed = am("tab", "close", tab_id, "--json", signer="provider_operator").json()
    assert closed["status"] == "closed"
    balance = am("show", "agent", str(cid), "--json").json()
    assert balance["balance"] == 200 * UNIT - 3 * UNIT

    # The closing wrote the tab's one reputation fact; the index follows
    # TabClosed and holds both parties' rows as the registry has them.
    path = world.tmp / "index.db"
    assert am("index", "--db", f"sqlite:///{path}", "--no-progress").code == 0
    conn = sqlite3.connect(path)
    try:
        indexed = dict(conn.execute("SELECT agent_id, completed FROM reputation").fetchall())
    finally:
        conn.close()
    for agent in (cid, pid):
        on_chain = am("show", "reputation", str(agent), "--json").json()
        assert on_chain["completed"] == 1 and indexed[agent] == 1


def test_tab_redeem__many_files__one_transaction(am: Invoke, world: World) -> None:  # noqa: F811
    cid, pid = setup_agents(am, world)
    files = []
    for i in range(3):
        tab_id = am(
            "tab",
            "open",
            str(cid),
            str(pid),
            "--amount",
            "1e18",
            "--json",
            signer="client_operator",
        ).json()["tab_id"]
        out = world.tmp / f"t{i}.json"
        am(
            "tab",
            "voucher",
            tab_id,
            "--amount",
            "5e17",
            "--out",
            str(out),
            "--json",
            signer="client_operator",
        ).json()
        files.append(str(out))
    result = am("tab", "redeem", *files, "--json", signer="provider_operator").json()
    assert len(result["transactions"]) == 1 and len(result["redeemed"]) == 3
    assert am("tab", "show", "0x1").code != 0


def test_tab_close__request_then_finish_after_delay(am: Invoke, world: World) -> None:  # noqa: F811
    from agentmarket.chain import time_travel

    cid, pid = setup_agents(am, world)
    tab_id = am(
        "tab",
        "open",
        str(cid),
        str(pid),
        "--amount",
        "2e18",
        "--delay",
        "1h",
        "--json",
        signer="client_operator",
    ).json()["tab_id"]
    closes_at = am("tab", "close", tab_id, "--request", "--json", signer="client_operator").json()[
        "closes_at"
    ]
    time_travel(world.w3, closes_at)
    done = am("tab", "close", tab_id, "--finish", "--json", signer="client_principal").json()
    assert done["status"] == "closed" and done["redeemed"] == 0
    both = am("tab", "close", tab_id, "--request", "--finish", signer="client_principal")
    assert both.code != 0
    assert am("show", "agent", str(cid), "--json").json()["balance"] == 200 * UNIT

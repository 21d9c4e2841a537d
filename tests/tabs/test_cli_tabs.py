"""A tab's whole life through `agentmarket tab ...`, on the in-process chain,
through the client library and the deployment plan (the protocol deployed by
`agentmarket deploy`, Tabs included)."""

from __future__ import annotations

import json
import re
import sqlite3

from client.conftest import UNIT, Invoke, World, am, world  # noqa: F401 (fixtures)
from client.test_cli_job_life import setup_agents

from agentmarket.contracts.tabs import TabsClient


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


def _tabs_block(world: World) -> int:  # noqa: F811
    """The block the Tabs contract was deployed in (no tab is older)."""
    return int(json.loads(world.deployment.read_text())["contracts"]["Tabs"]["block"])


def test_show_agent__open_tabs_keys_committed_and_exposure(am: Invoke, world: World) -> None:  # noqa: F811
    cid, pid = setup_agents(am, world)

    def open_tab(amount: str, signer: str) -> str:
        args = ("tab", "open", str(cid), str(pid), "--amount", amount, "--json")
        return str(am(*args, signer=signer).json()["tab_id"])

    first = open_tab("5e18", "client_operator")
    second = open_tab("2e18", "client_principal")  # the key: the operator it had then
    gone = open_tab("1e18", "client_operator")
    out = world.tmp / "v.json"
    am("tab", "voucher", first, "--amount", "1.5e18", "--out", str(out), signer="client_operator")
    am("tab", "redeem", str(out), signer="provider_operator")
    am("tab", "close", gone, signer="provider_operator")

    shown = am("show", "agent", str(cid), "--json").json()
    key = world.address("client_operator")
    assert shown["open_tabs"] == [
        {
            "tab_id": first,
            "provider_id": pid,
            "token": world.token,
            "key": key,
            "deposit": 5 * UNIT,
            "redeemed": 3 * UNIT // 2,
            "committed": 7 * UNIT // 2,
            "closes_at": 0,
        },
        {
            "tab_id": second,
            "provider_id": pid,
            "token": world.token,
            "key": key,
            "deposit": 2 * UNIT,
            "redeemed": 0,
            "committed": 2 * UNIT,
            "closes_at": 0,
        },
    ]
    assert shown["exposure"] == {world.token: 11 * UNIT // 2}
    table = am("show", "agent", str(cid)).out

    def row(name: str, value: object) -> bool:
        return re.search(rf"│ *{name} *│ {value} ", table) is not None

    assert row("committed in tabs", 11 * UNIT // 2) and row("token", world.token)
    assert f"Open tab {first}" in table and f"Open tab {second}" in table and gone not in table
    assert row("key", key) and row("committed", 7 * UNIT // 2) and row("committed", 2 * UNIT)

    # The client library reads the same, one block per eth_getLogs as well.
    tabs = TabsClient(
        world.w3, json.loads(world.deployment.read_text())["contracts"]["Tabs"]["address"]
    )
    exposure = tabs.exposure(cid, from_block=_tabs_block(world), chunk=1)
    assert [hex(t.tab_id) for t in exposure.tabs] == [first, second]
    assert exposure.by_token == {world.token: 11 * UNIT // 2}
    assert tabs.opened_by(cid, from_block=_tabs_block(world)) == [
        int(t, 16) for t in (first, second, gone)
    ]
    # The provider opened nothing: no tabs, nothing committed.
    provider = am("show", "agent", str(pid), "--json").json()
    assert (provider["open_tabs"], provider["exposure"]) == ([], {})
    assert "Open tab" not in am("show", "agent", str(pid)).out


def test_finding2__buyer_reads_exposure_through_the_client__seller_takes_at_most_it(
    am: Invoke,  # noqa: F811
    world: World,  # noqa: F811
) -> None:
    """Issue 14, finding 2, through the client and the CLI: the seller's fresh
    agent (its owner is its default key) opens a tab to a provider the seller
    owns, the agent is sold; before anything else the buyer reads what anyone
    else can still spend of the agent's money, cannot add to it, asks to
    close, and gets back exactly the rest of what the seller's key took."""
    from agentmarket.chain import Signer, time_travel
    from agentmarket.contracts.escrow import EscrowClient
    from agentmarket.contracts.registry import AgentRegistryClient

    contracts = json.loads(world.deployment.read_text())["contracts"]
    seller, buyer = "client_principal", "provider_principal"
    cid = am("register", "--uri", "ipfs://sold", "--json", signer=seller).json()["agent_id"]
    pid = am("register", "--uri", "ipfs://mine", "--json", signer=seller).json()["agent_id"]
    am("deposit", str(cid), "10e18", "--json", signer=seller).json()
    tab_id = am(
        "tab",
        "open",
        str(cid),
        str(pid),
        "--amount",
        "4e18",
        "--delay",
        "1h",
        "--json",
        signer=seller,
    ).json()["tab_id"]
    first = world.tmp / "first.json"
    am("tab", "voucher", tab_id, "--amount", "1e18", "--out", str(first), signer=seller)
    am("tab", "redeem", str(first), signer=seller)

    registry = AgentRegistryClient(world.w3, contracts["AgentRegistry"]["address"])
    fn = registry.contract.functions.transferFrom(world.address(seller), world.address(buyer), cid)
    Signer(world.w3, world.accounts[seller]).transact(fn)
    assert registry.agent(cid).principal == world.address(buyer)

    # What the buyer sees: one open tab, the seller's key, 3e18 still spendable.
    tabs = TabsClient(world.w3, contracts["Tabs"]["address"])
    exposure = tabs.exposure(cid, from_block=_tabs_block(world))
    (tab,) = exposure.tabs
    assert (hex(tab.tab_id), tab.signer, tab.provider_id) == (tab_id, world.address(seller), pid)
    assert (tab.deposit, tab.redeemed, tab.committed) == (4 * UNIT, UNIT, 3 * UNIT)
    assert exposure.by_token == {world.token: 3 * UNIT}
    assert am("show", "agent", str(cid), "--json").json()["exposure"] == {world.token: 3 * UNIT}

    refused = am("tab", "top-up", tab_id, "--amount", "1e18", signer=buyer)
    assert refused.code == 1 and "tabs: key no longer the client's" in refused.err
    assert tabs.tab(int(tab_id, 16)).deposit == 4 * UNIT
    closes_at = am("tab", "close", tab_id, "--request", "--json", signer=buyer).json()["closes_at"]

    # The seller keeps signing to its own provider during the delay: within the deposit only.
    over = am("tab", "voucher", tab_id, "--amount", "4000000000000000001", signer=seller)
    assert over.code != 0 and "above the tab's deposit" in over.err
    late = world.tmp / "late.json"
    am("tab", "voucher", tab_id, "--amount", "3.5e18", "--out", str(late), signer=seller)
    am("tab", "redeem", str(late), signer=seller)
    escrow = EscrowClient(world.w3, contracts["JobEscrow"]["address"])
    fee_bps = int(escrow.config()["fee_bps"])
    taken = 5 * UNIT // 2
    assert taken <= 3 * UNIT
    provider_gets = 7 * UNIT // 2 - 7 * UNIT // 2 * fee_bps // 10_000
    assert escrow.balance(pid, world.token) == provider_gets

    time_travel(world.w3, closes_at)
    am("tab", "close", tab_id, "--finish", "--json", signer=buyer).json()
    # The buyer: the 6e18 left free at the sale, plus exactly the rest of the tab.
    assert escrow.balance(cid, world.token) == 6 * UNIT + 3 * UNIT - taken
    after = am("show", "agent", str(cid), "--json").json()
    assert (after["open_tabs"], after["exposure"], after["balance"]) == ([], {}, 13 * UNIT // 2)

"""Jobs judged by an evaluator, through the `agentmarket` command line and the example
evaluator `scripts/evaluator.py`, on the in-process chain.

A provider names an evaluator on its listing (`list --evaluator`) or in a signed offer
(`offer --evaluator`); the provider delivers with `--result-hash` = keccak256 of the
result bytes; the evaluator re-executes the task (`scripts/evaluator.py`, run in this
process with click's runner so it shares the in-process chain) and approves or
rejects. A rejection is contested by the provider (`contest`, the client `answer`s and
the panel `rule`s) or, left alone past the response deadline, reclaimed by the client.
Amounts are asserted exactly.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from click.testing import CliRunner
from eth_account import Account
from web3 import Web3

from agentmarket.chain import Signer, time_travel
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.validation import ValidationClient, job_request_hash
from agentmarket.deployment import Deployment

from .conftest import UNIT, Invoke, Run, World, key_env
from .test_cli_job_life import setup_agents

PRICE = 20 * UNIT
FEE_BPS = 200  # the evaluator's: 2 %
EVALUATOR_FEE = PRICE * FEE_BPS // 10_000
INPUT = b"hello, agents: make me loud"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "evaluator.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("agentmarket_example_evaluator", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


evaluator_script = _load_script()


# ------------------------------------------------------------------ helpers


def add_evaluator(world: World, role: str = "evaluator") -> str:
    """A fresh key (no party's principal or operator), funded with gas, in the env."""
    account = Account.create()
    Signer(world.w3, world.accounts["governance"]).send({"to": account.address, "value": 10**18})
    world.accounts[role] = account
    world.env[key_env(role)] = "0x" + bytes(account.key).hex()
    return str(account.address)


def escrow(world: World) -> EscrowClient:
    return EscrowClient(world.w3, Deployment.load(world.deployment).address("JobEscrow"))


def validations(world: World) -> ValidationClient:
    record = Deployment.load(world.deployment)
    return ValidationClient(world.w3, record.address("ValidationRegistry"))


def protocol_fee(world: World, amount: int) -> int:
    return amount * int(escrow(world).config()["fee_bps"]) // 10_000


def balance(am: Invoke, agent_id: int) -> int:
    return int(am("show", "agent", str(agent_id), "--json").json()["balance"])


def fees_owed(world: World, who: str) -> int:
    return escrow(world).fees_owed(who, world.token)


def result_hash(result: bytes) -> str:
    return Web3.keccak(result).to_0x_hex()


def listed_with_evaluator(am: Invoke, pid: int, evaluator: str) -> int:
    listing = am(
        "list", str(pid), "--tag", "uppercase", "--price", str(PRICE), "--delivery-time", "1h",
        "--terms-uri", "ipfs://uppercase-terms", "--evaluator", evaluator,
        "--evaluator-fee-bps", str(FEE_BPS), "--json", signer="provider_operator",
    ).json()  # fmt: skip
    return int(listing["listing_id"])


def delivered(am: Invoke, listing_id: int, cid: int, result: bytes) -> str:
    """Hire from the listing, accept, and deliver `result` (its keccak256 as the hash)."""
    hired = am("hire", str(listing_id), "--client", str(cid), "--json", signer="client_operator")
    job = str(hired.json()["job_id"])
    am("accept", job, signer="provider_operator")
    shipped = am(
        "deliver", job, "--result-uri", "ipfs://result", "--result-hash", result_hash(result),
        "--json", signer="provider_operator",
    ).json()  # fmt: skip
    assert shipped["status"] == "delivered"
    return job


def input_file(world: World, data: bytes = INPUT) -> Path:
    path = world.tmp / "input.txt"
    path.write_bytes(data)
    return path


def run_evaluator(
    world: World, job: str, *extra: str, signer: str = "evaluator", task: str = "uppercase"
) -> Run:
    """`python scripts/evaluator.py JOB --task T --input-file F ...`, in this process."""
    argv = [job, "--task", task, "--input-file", str(input_file(world)), *extra]
    argv += ["--key-env", key_env(signer)]
    runner = CliRunner(mix_stderr=False)
    return Run(runner.invoke(evaluator_script.main, argv, env=world.env, catch_exceptions=False))


def verdict_of(run: Run) -> dict[str, Any]:
    assert run.code == 0, f"exit {run.code}: {run.err}{run.out}"
    out: dict[str, Any] = json.loads(run.out)
    return out


def status(am: Invoke, job: str) -> str:
    return str(am("show", "job", job, "--json").json()["status"])


# -------------------------------------------------------------------- tests


def test_evaluator__approves_a_correct_delivery__fee_and_validation_record(
    am: Invoke, world: World
) -> None:
    cid, pid = setup_agents(am, world)
    judge = add_evaluator(world)
    listing_id = listed_with_evaluator(am, pid, judge)
    listing = am("show", "listing", str(listing_id), "--json").json()
    assert (listing["evaluator"], listing["evaluator_fee_bps"]) == (judge, FEE_BPS)
    assert listing["version"] == 2  # created, then the evaluator named

    job = delivered(am, listing_id, cid, INPUT.upper())
    shown = am("evaluator", "show", job, "--json").json()
    assert shown == {"job_id": int(job), "evaluator": judge, "fee_bps": FEE_BPS, "verdict": None}
    table = am("evaluator", "show", job)
    assert table.code == 0 and judge in table.out and f"{FEE_BPS} bps" in table.out

    # --dry-run judges and prints, sends nothing
    dry = verdict_of(run_evaluator(world, job, "--dry-run"))
    assert dry["verdict"] == "approved" and dry["sent"] is False
    assert status(am, job) == "delivered" and fees_owed(world, judge) == 0
    assert not validations(world).job_status(int(job)).exists

    provider_before = balance(am, pid)
    out = verdict_of(run_evaluator(world, job))
    expected = result_hash(INPUT.upper())
    assert out["verdict"] == "approved" and out["sent"] is True
    assert out["delivered_hash"] == out["expected_hash"] == expected
    assert out["method"] == "re-execution:uppercase" and out["job_id"] == job
    assert out["published"] is True
    given = am("evaluator", "show", job, "--json").json()["verdict"]
    assert given == {"approved": True, "report_hash": out["report_hash"]}
    report = {k: v for k, v in out.items() if k not in ("report_hash", "sent", "published")}
    canonical = json.dumps(report, sort_keys=True, separators=(",", ":"))
    assert out["report_hash"] == Web3.keccak(text=canonical).to_0x_hex()

    # the job completed and paid: the evaluator's fee first, the protocol fee on the rest
    assert status(am, job) == "completed"
    assert fees_owed(world, judge) == EVALUATOR_FEE == PRICE * 200 // 10_000
    rest = PRICE - EVALUATOR_FEE
    assert balance(am, pid) == provider_before + rest - protocol_fee(world, rest)

    # the ValidationRegistry holds the verdict, final, under the job's request hash
    registry = validations(world)
    request = registry.job_request_hash(int(job))
    assert request == job_request_hash(escrow(world).address, int(job))
    record = registry.status(request)
    assert (record.validator, record.agent_id) == (judge, pid)
    assert record.response == 100 and record.responded and record.job_verdict
    assert record.response_hash.hex() == out["report_hash"].removeprefix("0x")
    cli_view = am("validation", "show", "--job", job, "--json").json()
    assert cli_view["response"] == 100 and cli_view["job_verdict"] is True

    # a verdict is given once: the job is no longer Delivered
    again = run_evaluator(world, job)
    assert again.code == 1 and "COMPLETED, not DELIVERED" in again.err


def test_evaluator__rejects_a_wrong_delivery__contested_and_ruled_for_the_provider(
    am: Invoke, world: World
) -> None:
    cid, pid = setup_agents(am, world)
    am("deposit", str(pid), "10e18", signer="provider_principal")  # for the contest bond
    judge = add_evaluator(world)
    listing_id = listed_with_evaluator(am, pid, judge)
    job = delivered(am, listing_id, cid, INPUT)  # not upper-cased: wrong

    out = verdict_of(run_evaluator(world, job))
    assert out["verdict"] == "rejected" and out["sent"] is True
    assert out["delivered_hash"] == result_hash(INPUT) != out["expected_hash"]
    assert status(am, job) == "rejected"
    assert fees_owed(world, judge) == EVALUATOR_FEE  # a rejection earns the fee too
    record = validations(world).job_status(int(job))
    assert record.response == 0 and record.responded and record.job_verdict

    client_before, provider_before = balance(am, cid), balance(am, pid)
    contested = am(
        "contest", job, "--evidence-uri", "ipfs://it-was-right", "--json",
        signer="provider_operator",
    ).json()  # fmt: skip
    assert contested["status"] == "awaiting_answer" and contested["opened_by_provider"] is True
    amount, bond = contested["amount"], contested["bond"]
    assert amount == PRICE - EVALUATOR_FEE and bond > 0
    assert balance(am, pid) == provider_before - bond
    answered = am("answer", job, "--json", signer="client_operator").json()
    assert answered["status"] == "at_arbitrator" and answered["case_opened"]
    assert balance(am, cid) == client_before - bond

    assert not am("rule", "provider", "--job", job, "--json", signer="arbiter_a").json()["solved"]
    ruled = am("rule", "provider", "--job", job, "--json", signer="arbiter_b").json()
    assert ruled["solved"] and ruled["ruling"] == 2
    assert am("show", "dispute", job, "--json").json()["status"] == "ruled"
    assert status(am, job) == "resolved"
    # provider wins: the amount (less the protocol fee) and its bond; the client's bond is lost
    assert balance(am, pid) == provider_before + amount - protocol_fee(world, amount)
    assert balance(am, cid) == client_before - bond
    assert fees_owed(world, judge) == EVALUATOR_FEE


def test_evaluator__rejection_not_contested__client_reclaims_after_the_response_window(
    am: Invoke, world: World
) -> None:
    cid, pid = setup_agents(am, world)
    judge = add_evaluator(world)
    listing_id = listed_with_evaluator(am, pid, judge)
    client_before = balance(am, cid)
    job = delivered(am, listing_id, cid, b"something else entirely")

    rejected = am(
        "reject", job, "--report-uri", "ipfs://report", "--json", signer="evaluator"
    ).json()
    assert rejected["status"] == "rejected"
    # the escrow keeps the verdict; anyone (here the client) publishes it
    assert not validations(world).job_status(int(job)).exists
    am("validation", "publish", job, signer="client_operator")
    record = validations(world).job_status(int(job))
    assert record.response == 0 and record.job_verdict
    assert record.response_hash == bytes(Web3.keccak(text="ipfs://report"))

    early = am("reclaim", job, signer="client_operator")
    assert early.code == 1 and early.err.strip() == "error: escrow: deadline not passed"
    response_deadline = int(am("show", "job", job, "--json").json()["deadline"])
    time_travel(world.w3, response_deadline)
    late = am("contest", job, signer="provider_operator")
    assert late.code == 1 and late.err.startswith("error: ")

    refunded = am("reclaim", job, "--json", signer="client_operator").json()
    assert refunded["status"] == "refunded"
    assert balance(am, cid) == client_before - EVALUATOR_FEE  # price less the evaluator's fee
    assert fees_owed(world, judge) == EVALUATOR_FEE
    assert balance(am, pid) == 0


def test_index__follows_evaluators_of_listings_and_jobs(am: Invoke, world: World) -> None:
    """`agentmarket index` reads the real evaluator events: `find` shows a listing's
    evaluator and fee, and the jobs table keeps a job's evaluator and its rejection."""
    cid, pid = setup_agents(am, world)
    judge = add_evaluator(world)
    listing_id = listed_with_evaluator(am, pid, judge)
    approved = delivered(am, listing_id, cid, INPUT.upper())
    assert verdict_of(run_evaluator(world, approved))["verdict"] == "approved"
    rejected = delivered(am, listing_id, cid, INPUT)
    assert verdict_of(run_evaluator(world, rejected))["verdict"] == "rejected"
    plain = am(
        "list", str(pid), "--tag", "uppercase", "--price", str(PRICE + 1), "--delivery-time",
        "1h", "--json", signer="provider_operator",
    ).json()["listing_id"]  # fmt: skip

    path = world.tmp / "index.db"
    db = f"sqlite:///{path}"
    assert am("index", "--db", db, "--no-progress", "--json").code == 0
    found, other = am("find", "uppercase", "--db", db, "--json").json()
    assert (other["listing_id"], other["evaluator"], other["evaluator_fee_bps"]) == (plain, None, 0)
    assert found["listing_id"] == listing_id and found["version"] == 2
    assert (found["evaluator"], found["evaluator_fee_bps"]) == (judge, FEE_BPS)
    # the approved job counts as validated; the rejected one has not ended yet
    assert (found["completed"], found["validated"], found["rejected"]) == (1, 1, 0)
    only = am("find", "uppercase", "--db", db, "--evaluated", "--json").json()
    assert [m["listing_id"] for m in only] == [listing_id]
    table = am("find", "uppercase", "--db", db)
    assert table.code == 0 and "2.00%" in table.out  # the fee, beside the evaluator

    conn = sqlite3.connect(path)
    try:
        rows = {
            int.from_bytes(r[0], "big"): r[1:]
            for r in conn.execute("SELECT job_id, status, evaluator, evaluator_fee_bps FROM jobs")
        }
    finally:
        conn.close()
    assert rows[int(approved)] == (4, judge.lower(), FEE_BPS)  # completed
    assert rows[int(rejected)] == (7, judge.lower(), FEE_BPS)  # rejected


def test_evaluator__only_the_named_evaluator_gives_a_verdict(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    judge = add_evaluator(world)
    add_evaluator(world, "other_evaluator")
    listing_id = listed_with_evaluator(am, pid, judge)
    job = delivered(am, listing_id, cid, INPUT.upper())

    stranger = am("approve", job, signer="keeper")
    assert stranger.code == 1 and stranger.err.strip() == "error: escrow: not evaluator"
    # a party is not its evaluator either
    client = am("approve", job, signer="client_operator")
    assert client.code == 1 and client.err.strip() == "error: escrow: not evaluator"

    # the example evaluator refuses a job that names another evaluator, before sending
    refused = run_evaluator(world, job, signer="other_evaluator")
    assert refused.code == 1 and f"is evaluated by {judge}" in refused.err
    # ... but may judge it in a dry run (reads only)
    assert (
        verdict_of(run_evaluator(world, job, "--dry-run", signer="other_evaluator"))["verdict"]
        == "approved"
    )
    assert status(am, job) == "delivered"

    # a job that names no evaluator
    plain = am(
        "list", str(pid), "--tag", "plain", "--price", str(PRICE), "--delivery-time", "1h",
        "--json", signer="provider_operator",
    ).json()["listing_id"]  # fmt: skip
    hired = am("hire", str(plain), "--client", str(cid), "--json", signer="client_operator")
    unjudged = str(hired.json()["job_id"])
    shown = am("evaluator", "show", unjudged, "--json").json()
    assert shown["evaluator"] == "0x" + "00" * 20 and shown["fee_bps"] == 0
    assert "(none)" in am("evaluator", "show", unjudged).out
    none = run_evaluator(world, unjudged)
    assert none.code == 1 and "names no evaluator" in none.err

    # the named evaluator, once the job is delivered
    approved = am("approve", job, "--json", signer="evaluator").json()
    assert approved["status"] == "completed"
    assert fees_owed(world, judge) == EVALUATOR_FEE


def test_evaluator_set__fee_bounds_and_removal(am: Invoke, world: World) -> None:
    _cid, pid = setup_agents(am, world)
    judge = add_evaluator(world)
    listing = am(
        "list", str(pid), "--tag", "t", "--price", str(PRICE), "--delivery-time", "1h",
        "--json", signer="provider_operator",
    ).json()["listing_id"]  # fmt: skip

    too_high = am(
        "evaluator", "set", str(listing), judge, "--fee-bps", "1001", signer="provider_operator"
    )
    assert too_high.code == 2 and "--fee-bps" in too_high.err
    neither = am("evaluator", "set", str(listing), signer="provider_operator")
    assert neither.code == 2 and "--none" in neither.err
    both = am("evaluator", "set", str(listing), judge, "--none", signer="provider_operator")
    assert both.code == 2
    listed_high = am(
        "list", str(pid), "--tag", "t", "--price", "1", "--delivery-time", "1h",
        "--evaluator", judge, "--evaluator-fee-bps", "1001", signer="provider_operator",
    )  # fmt: skip
    assert listed_high.code == 2 and "--evaluator-fee-bps" in listed_high.err
    fee_alone = am(
        "list", str(pid), "--tag", "t", "--price", "1", "--delivery-time", "1h",
        "--evaluator-fee-bps", "100", signer="provider_operator",
    )  # fmt: skip
    assert fee_alone.code == 2 and "--evaluator" in fee_alone.err

    named = am(
        "evaluator", "set", str(listing), judge, "--fee-bps", "1000", "--json",
        signer="provider_operator",
    ).json()  # fmt: skip
    assert named == {"listing_id": listing, "evaluator": judge, "fee_bps": 1000, "version": 2}
    # the provider's own operator cannot evaluate its jobs
    party = am(
        "evaluator", "set", str(listing), world.address("provider_operator"), "--fee-bps", "10",
        signer="provider_operator",
    )  # fmt: skip
    assert party.code == 1 and party.err.strip() == "error: listings: evaluator is a party"
    removed = am(
        "evaluator", "set", str(listing), "--none", "--json", signer="provider_operator"
    ).json()
    assert removed["evaluator"] == "0x" + "00" * 20 and removed["fee_bps"] == 0
    assert removed["version"] == 3


def test_offer_with_evaluator__hire_offer_names_it_on_the_job(am: Invoke, world: World) -> None:
    cid, pid = setup_agents(am, world)
    judge = add_evaluator(world)
    offer_file = world.tmp / "offer.json"
    printed = am(
        "offer", "--provider", str(pid), "--client", str(cid), "--price", str(PRICE),
        "--delivery-time", "2h", "--terms-uri", "ipfs://offer-terms", "--evaluator", judge,
        "--evaluator-fee-bps", "300", "--out", str(offer_file), signer="provider_operator",
    )  # fmt: skip
    assert printed.code == 0
    signed = json.loads(offer_file.read_text())
    assert signed["offer"]["evaluator"] == judge and signed["offer"]["evaluator_fee_bps"] == 300
    hired = am(
        "hire-offer", str(offer_file), "--client", str(cid), "--json", signer="client_operator"
    ).json()
    job = str(hired["job_id"])
    assert hired["status"] == "accepted"
    shown = am("evaluator", "show", job, "--json").json()
    assert (shown["evaluator"], shown["fee_bps"]) == (judge, 300)

    am("deliver", job, "--result-hash", result_hash(INPUT.upper()), signer="provider_operator")
    assert verdict_of(run_evaluator(world, job))["verdict"] == "approved"
    assert status(am, job) == "completed"
    assert fees_owed(world, judge) == PRICE * 300 // 10_000


def test_script__runs_standalone() -> None:
    """`python scripts/evaluator.py --help` works outside the test process."""
    shown = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True
    )
    assert "--task [reverse|sha256|uppercase]" in shown.stdout and "--dry-run" in shown.stdout

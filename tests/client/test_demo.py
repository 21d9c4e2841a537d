"""`agentmarket demo` runs the whole story and its JSON summary adds up."""

from __future__ import annotations

import json

from click.testing import CliRunner

from agentmarket.cli.app import main

UNIT = 10**18


def test_demo__json_summary__balances_and_reputation_add_up() -> None:
    result = CliRunner(mix_stderr=False).invoke(main, ["demo", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["seconds"] < 60
    fee = s["fee_bps"]

    def net(price: int) -> int:
        return price - price * fee // 10_000

    agents = s["agents"]
    jobs = {label: j["status"] for label, j in s["jobs"].items()}
    assert jobs["summary"] == "completed"
    assert jobs["code review"] == "completed"  # finalized by a keeper after the review window
    assert jobs["translation"] == "refunded"  # missed its delivery deadline
    assert jobs["uppercase"] == "completed"  # approved by its re-execution evaluator
    assert s["cap_revert"] == "escrow: over job cap"
    assert [d["price"] for d in s["discovered"]] == [20 * UNIT, 25 * UNIT]

    assert agents["summarizer"]["balance"] == net(20 * UNIT)
    assert agents["reviewer"]["balance"] == net(40 * UNIT)
    assert agents["translator"]["balance"] == 0
    assert agents["translator"]["reputation"]["failed"] == 1
    assert agents["summarizer"]["reputation"]["average_score"] == 9200
    assert agents["orchestrator"]["reputation"]["completed"] == 5  # 3, and 2 through A2A

    # agents that run themselves: hired through a real A2A runtime, and a job finished
    # by a second runtime on the first one's journal, delivered once
    a2a = s["agents_run_themselves"]
    assert a2a["first"] == {"job_id": a2a["first"]["job_id"], "status": "completed", "result": "7"}
    resumed = a2a["resumed"]
    assert (resumed["status"], resumed["result"]) == ("completed", "6")
    assert resumed["deliveries"] == 1 and resumed["journal_state"] == "delivered"
    assert resumed["attempts"] == 2  # started by the first runtime, finished by the second
    assert jobs["word count"] == jobs["word count, resumed"] == "completed"
    assert agents["wordsmith"]["balance"] == 2 * net(2 * UNIT)
    a2a_spent = 2 * 2 * UNIT  # the two word counts

    # the evaluated job: re-executed, approved, the fee exact, the verdict recorded
    ev = s["evaluation"]
    evaluated_price, evaluator_fee = 10 * UNIT, 10 * UNIT * 200 // 10_000
    assert (ev["task"], ev["price"], ev["fee_bps"]) == ("uppercase", evaluated_price, 200)
    assert ev["verdict"] == "approved" and ev["status"] == "completed"
    assert ev["fee"] == ev["expected_fee"] == evaluator_fee == s["evaluator_fees_owed"]
    assert agents["formatter"]["balance"] == net(evaluated_price - evaluator_fee)
    formatter = agents["formatter"]["reputation"]
    assert (formatter["completed"], formatter["validated"]) == (1, 1)
    if ev["validation"] is not None:  # ValidationRegistry deployed
        assert ev["validation"]["response"] == 100 and ev["validation"]["job_verdict"]
        assert ev["validation"]["validator"] == ev["evaluator"]
        assert ev["validation"]["agent_id"] == agents["formatter"]["agent_id"]
        assert ev["validation"]["response_hash"] == ev["report_hash"]

    # solvency (I1): everything the escrow holds is someone's balance or owed fees,
    # the protocol's and the evaluator's
    held = sum(a["balance"] for a in agents.values()) + s["fees_owed"]
    assert held + s["evaluator_fees_owed"] == s["escrow_token_balance"]

    if s["dispute"] is not None:  # DisputeResolver deployed: the panel ruled 30 % / 70 %
        assert jobs["second summary"] == "resolved"
        assert agents["researcher"]["reputation"]["settled"] == 1
        bond, price = s["dispute"]["bond"], 25 * UNIT
        provider_share = price * 30 // 100
        assert agents["orchestrator"]["balance"] == (
            400 * UNIT
            - 20 * UNIT
            - 40 * UNIT
            - evaluated_price
            - provider_share
            - bond * 30 // 100
            - a2a_spent
        )
        assert agents["researcher"]["balance"] == (
            20 * UNIT + net(provider_share) - bond * 70 // 100
        )
    else:
        assert s["notes"]
        assert agents["orchestrator"]["balance"] == (
            400 * UNIT - 20 * UNIT - 40 * UNIT - evaluated_price - a2a_spent
        )


def test_demo__prints_tables() -> None:
    result = CliRunner(mix_stderr=False).invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "Escrow balances" in result.stdout and "Reputation" in result.stdout
    assert "escrow: over job cap" in result.stdout
    assert "re-ran 'uppercase'" in result.stdout and "approved" in result.stdout

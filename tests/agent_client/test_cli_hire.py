"""`agentmarket agent hire` against anvil and an A2A test provider, through click's
runner as a user would type it (the key from an environment variable)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agentmarket.cli import main
from agentmarket.contracts.escrow import JobStatus

from .conftest import UNIT, ProviderFactory, World

pytestmark = pytest.mark.integration

KEY_ENV = "AM_TEST_CLIENT_OPERATOR_KEY"


def hire(world: World, anvil_url: str, tmp_path: Path, *args: str) -> Result:
    env = {KEY_ENV: "0x" + bytes(world.client_operator.key).hex()}
    common = [
        "--as",
        str(world.client_id),
        "--db",
        f"sqlite:///{tmp_path / 'index.db'}",
        "--rpc",
        anvil_url,
        "--deployment",
        str(world.deployment),
        "--key-env",
        KEY_ENV,
    ]
    return CliRunner(mix_stderr=False).invoke(main, ["agent", "hire", *args, *common], env=env)


def test_agent_hire__input_from_a_file__completed_and_printed_as_json(
    world: World, start_provider: ProviderFactory, anvil_url: str, tmp_path: Path
) -> None:
    provider = start_provider("upper-cli", 7 * UNIT)
    (tmp_path / "task.txt").write_text("from a file\n", encoding="utf-8")
    before = world.balance(world.client_id)

    run = hire(
        world, anvil_url, tmp_path, "upper-cli", "--input", "@" + str(tmp_path / "task.txt"),
        "--max-price", "10e18", "--json",
    )  # fmt: skip

    assert run.exit_code == 0, run.output
    out = json.loads(run.stdout)
    assert out["status"] == "completed" and out["result"] == "FROM A FILE\n"
    assert out["provider_id"] == provider.agent_id and out["price"] == str(7 * UNIT)
    assert not out["disputed"] and out["skipped"] == []
    job = world.market.escrow.job(int(out["job_id"]))
    assert job.status is JobStatus.COMPLETED
    assert world.balance(world.client_id) == before - 7 * UNIT


def test_agent_hire__table_then_no_wait_then_no_provider(
    world: World, start_provider: ProviderFactory, anvil_url: str, tmp_path: Path
) -> None:
    start_provider("upper-cli-table", 2 * UNIT)

    table = hire(
        world, anvil_url, tmp_path, "upper-cli-table", "--input", "shout", "--max-price", "2e18"
    )
    assert table.exit_code == 0, table.output
    assert "completed" in table.stdout and "SHOUT" in table.stdout

    sent = hire(
        world, anvil_url, tmp_path, "upper-cli-table", "--input", "later",
        "--max-price", "2e18", "--no-wait", "--json",
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    out = json.loads(sent.stdout)
    assert out["result"] is None and out["status"] in ("requested", "accepted", "delivered")
    # the task went out: the provider delivers it, and the job waits for the client
    deadline = time.monotonic() + 10
    while world.market.escrow.job(int(out["job_id"])).status is not JobStatus.DELIVERED:
        assert time.monotonic() < deadline, "the provider never delivered"
        time.sleep(0.05)

    none = hire(world, anvil_url, tmp_path, "upper-cli-table", "--input", "x", "--max-price", "1")
    assert none.exit_code == 1
    assert "error: no provider of 'upper-cli-table' at most 1" in none.stderr

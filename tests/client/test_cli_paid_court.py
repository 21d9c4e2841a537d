"""A dispute at a paid court through the `agentmarket` command line, on the in-process chain.

The CLI deploys the protocol with the ArbiterPanel (free) as the arbitrator of
new jobs. A paid court is what governance may choose for new jobs instead, so
the test does what governance would: it deploys the court (MockPaidCourt, a
stand-in for an ERC-792 court that charges native coin) and appends an escrow
config naming it (`agentmarket governor config --arbitrator COURT`).
Everything the parties do then goes through the CLI: hire, accept, deliver,
`dispute --fee`, `answer --fee`, `show dispute` and
`withdraw-arbitration-fees`. The court's ruling is the
court's own business (its owner calls `give_ruling`), not an AgentMarket
command, so the test makes that one call on the court directly.

Native amounts are asserted exactly: each side withdraws to a fresh address
(balance 0 before), so no gas cost blurs the figures.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from web3 import Web3

from agentmarket.chain import Signer
from agentmarket.contracts.disputes import DisputeClient
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.deployment import Deployment
from tools.build.artifacts import ROOT, compile_contract

from .conftest import UNIT, Invoke, World
from .test_cli_job_life import setup_agents

PRICE = 20 * UNIT
COURT_FEE = 3 * 10**16  # wei, advanced by each side
BOND = PRICE // 10  # JobTerms.bond_bps = 1,000


def deploy_paid_court(am: Invoke, world: World) -> Any:
    """Deploy MockPaidCourt (owned by governance) and make it the arbitrator of new jobs."""
    compiled = compile_contract(ROOT / "tests" / "mocks" / "MockPaidCourt.vy")
    governance = Signer(world.w3, world.accounts["governance"])
    factory = world.w3.eth.contract(abi=compiled["abi"], bytecode=compiled["bytecode"])
    tx = factory.constructor(COURT_FEE).build_transaction({"from": governance.address, "gas": 0})
    del tx["gas"]
    address = governance.send(dict(tx))["contractAddress"]
    court = world.w3.eth.contract(address=address, abi=compiled["abi"])
    added = am("governor", "config", "--arbitrator", court.address, "--json", signer="governance")
    assert added.code == 0, added.err
    escrow = EscrowClient(world.w3, Deployment.load(world.deployment).address("JobEscrow"))
    assert escrow.config(added.json()["config_id"])["arbitrator"] == court.address
    return court


def delivered_job(am: Invoke, world: World) -> tuple[int, int, str]:
    """A client and a provider (funded for the bond) and a delivered job between them."""
    cid, pid = setup_agents(am, world)
    am("deposit", str(pid), str(BOND), signer="provider_principal")
    listing = am(
        "list", str(pid), "--tag", "audit", "--price", str(PRICE), "--delivery-time", "1h",
        "--json", signer="provider_operator",
    ).json()["listing_id"]  # fmt: skip
    hired = am("hire", str(listing), "--client", str(cid), "--json", signer="client_operator")
    job = str(hired.json()["job_id"])
    am("accept", job, signer="provider_operator")
    am("deliver", job, "--result-uri", "ipfs://report", signer="provider_operator")
    return cid, pid, job


def court_rules(world: World, court: Any, job: str, ruling: int) -> None:
    dispute_id = DisputeClient(world.w3, court_resolver(world)).of(int(job)).arbitrator_dispute_id
    Signer(world.w3, world.accounts["governance"]).transact(
        court.functions.give_ruling(dispute_id, ruling)
    )


def court_resolver(world: World) -> str:
    return Deployment.load(world.deployment).address("DisputeResolver")


def fresh_address() -> str:
    return str(Account.create().address)


def native_balance(world: World, address: str) -> int:
    return int(world.w3.eth.get_balance(Web3.to_checksum_address(address)))


def escrow_balance(am: Invoke, agent_id: int) -> int:
    return int(am("show", "agent", str(agent_id), "--json").json()["balance"])


def fee_bps(world: World) -> int:
    escrow = EscrowClient(world.w3, Deployment.load(world.deployment).address("JobEscrow"))
    return int(escrow.config()["fee_bps"])


def test_paid_court_split__fees_shared_as_the_case_and_withdrawn(am: Invoke, world: World) -> None:
    court = deploy_paid_court(am, world)
    cid, pid, job = delivered_job(am, world)
    client_before, provider_before = escrow_balance(am, cid), escrow_balance(am, pid)

    # The fee must be exactly the court's cost, on both sides.
    short = am("dispute", job, "--fee", str(COURT_FEE - 1), signer="client_operator")
    assert short.code == 1
    assert short.err.strip() == "error: resolver: wrong arbitration fee"
    opened = am("dispute", job, "--fee", str(COURT_FEE), "--json", signer="client_operator")
    assert opened.json()["status"] == "awaiting_answer"
    assert opened.json()["arbitrator"] == court.address
    free = am("answer", job, "--json", signer="provider_operator")
    assert free.code == 1 and free.err.strip() == "error: resolver: wrong arbitration fee"
    answered = am("answer", job, "--fee", str(COURT_FEE), "--json", signer="provider_operator")
    assert answered.json()["status"] == "at_arbitrator" and answered.json()["case_opened"]
    resolver = court_resolver(world)
    assert native_balance(world, resolver) == COURT_FEE  # the client's advance, held
    assert native_balance(world, court.address) == COURT_FEE  # the provider's fee, paid

    # Nothing is owed before the ruling.
    early = am("withdraw-arbitration-fees", signer="client_operator")
    assert early.code == 1 and early.err.strip() == "error: resolver: nothing owed"

    court_rules(world, court, job, 3 + 30)  # split: the provider gets 30 %
    shown = am("show", "dispute", job, "--json").json()
    assert (shown["status"], shown["ruling"]) == ("ruled", 33)

    # The client's advance: 30 % to the provider's answerer, 70 % back to the client.
    provider_credit = COURT_FEE * 30 // 100
    client_credit = COURT_FEE - provider_credit
    provider_to, client_to = fresh_address(), fresh_address()
    got = am(
        "withdraw-arbitration-fees", "--to", provider_to, "--json", signer="provider_operator"
    ).json()
    assert got == {
        "account": world.address("provider_operator"),
        "to": provider_to,
        "withdrawn": provider_credit,
    }
    table = am("withdraw-arbitration-fees", "--to", client_to, signer="client_operator")
    assert table.code == 0 and f"withdrew {client_credit} wei" in table.out
    assert native_balance(world, provider_to) == provider_credit
    assert native_balance(world, client_to) == client_credit
    assert native_balance(world, resolver) == 0
    assert native_balance(world, court.address) == COURT_FEE
    again = am("withdraw-arbitration-fees", signer="provider_operator")
    assert again.code == 1 and again.err.strip() == "error: resolver: nothing owed"

    # The tokens follow the ruling table: 30 % of the amount (less the protocol fee)
    # to the provider; each bond loses the share of the case its side lost.
    share = PRICE * 30 // 100
    paid = share - share * fee_bps(world) // 10_000
    assert escrow_balance(am, pid) == provider_before - BOND + paid + (BOND - BOND * 70 // 100)
    assert escrow_balance(am, cid) == client_before - BOND + (PRICE - share) + (
        BOND - BOND * 30 // 100
    )


def test_paid_court_provider_wins__its_fee_reimbursed_by_the_client_advance(
    am: Invoke, world: World
) -> None:
    court = deploy_paid_court(am, world)
    _cid, _pid, job = delivered_job(am, world)
    am("dispute", job, "--fee", str(COURT_FEE), signer="client_principal")
    am("answer", job, "--fee", str(COURT_FEE), signer="provider_operator")
    court_rules(world, court, job, 2)  # provider wins
    assert am("show", "job", job, "--json").json()["status"] == "resolved"

    # The client (its principal paid the advance) gets nothing back ...
    lost = am("withdraw-arbitration-fees", signer="client_principal")
    assert lost.code == 1 and lost.err.strip() == "error: resolver: nothing owed"
    # ... and the provider's operator, which paid the court, is reimbursed in full.
    receiver = fresh_address()
    got = am(
        "withdraw-arbitration-fees", "--to", receiver, "--json", signer="provider_operator"
    ).json()
    assert got["withdrawn"] == COURT_FEE
    assert native_balance(world, receiver) == COURT_FEE
    assert native_balance(world, court_resolver(world)) == 0

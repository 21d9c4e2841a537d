"""`agentmarket demo`: a small agent economy on the in-process chain, in under a minute.

Three principals own five agents. Acme's orchestrator discovers providers
through the index and hires them for sub-tasks, from listings and with a
signed offer; its operator works within the caps Acme set. On the way: a
delivery completed and rated both ways, one finalized by anyone after its
review window, a refund for a missed deadline, a dispute ruled by the
arbiter panel, a delivery checked and approved by a re-execution evaluator
(the same `evaluation.judge` as `scripts/evaluator.py`), a provider agent
served by a real A2A runtime that the orchestrator hires on its own and that
finishes a job across a restart (`demo_agents`), and a cap that stops the
operator. Balances and the reputation table close the show.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from rich import box
from rich.console import Console
from rich.table import Table
from web3 import Web3

from agentmarket.artifacts import ArtifactMissingError
from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts, time_travel
from agentmarket.cli.demo_agents import TAG, agents_scene
from agentmarket.cli.tables import reputation_table
from agentmarket.contracts.disputes import DisputeClient, PanelClient, split_ruling
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.evaluation import EvaluatorClient, evaluator_fee, judge, recompute
from agentmarket.contracts.listings import ListingsClient
from agentmarket.contracts.offers import Offer, sign_offer
from agentmarket.contracts.registry import AgentRegistryClient, SpendPolicy
from agentmarket.contracts.reputation import ReputationClient
from agentmarket.contracts.token import TokenClient, deploy_demo_token
from agentmarket.deployment import Deployment, ProtocolParams, Web3Deployer, deploy_protocol
from agentmarket.errors import ContractRevertError, DeploymentError
from agentmarket.index.indexer import Indexer
from agentmarket.market import Market

UNIT = 10**18  # the demo token has 18 decimals
TOKEN_WEIGHT = 10**18  # reputation weight of the demo token (1.0)
MINT = 1_000 * UNIT
PROVIDER_SHARE_PERCENT = 30  # the panel's split in the dispute
EVALUATED_TASK = "uppercase"  # the deterministic task the evaluated job sells
EVALUATED_PRICE = 10 * UNIT
EVALUATOR_FEE_BPS = 200  # 2 % of the price, for the re-execution evaluator
EVALUATED_BRIEF = b"make this sentence loud, please"


def _deterministic_key(label: str) -> LocalAccount:
    account: LocalAccount = Account.from_key(Web3.keccak(text=f"agentmarket demo {label}"))
    return account


def units(amount: int) -> str:
    """An 18-decimal amount for people: 19.8 DUSD."""
    whole, frac = divmod(amount, UNIT)
    text = f"{whole}.{frac:018d}".rstrip("0").rstrip(".")
    return f"{text} DUSD"


class Demo:
    """The demo's world: chain, contracts, principals, agents and their operators."""

    def __init__(self, console: Console | None) -> None:
        self.console = console
        self.w3 = connect(IN_PROCESS)
        accounts = funded_test_accounts(self.w3, 10)
        self.governance = Signer(self.w3, accounts[0])
        self.principals = {
            "Acme": Signer(self.w3, accounts[1]),
            "Lingua Labs": Signer(self.w3, accounts[2]),
            "CodeCo": Signer(self.w3, accounts[3]),
        }
        self.arbiters = [Signer(self.w3, a) for a in accounts[5:8]]
        self.keeper = Signer(self.w3, accounts[9])  # anyone: finalizes after the review window
        # a re-execution evaluator: no party's principal or operator
        self.evaluator = Signer(self.w3, accounts[4])
        self.agents: dict[str, int] = {}
        self.owner_of: dict[str, str] = {}
        self.operators: dict[str, Signer] = {}
        self.jobs: dict[str, int] = {}
        self.notes: list[str] = []

    def say(self, message: str) -> None:
        if self.console is not None:
            self.console.print(message)

    def step(self, title: str) -> None:
        self.say(f"\n[bold cyan]▸ {title}[/]")

    # ---------------------------------------------------------------- setup

    def deploy(self) -> Deployment:
        params = ProtocolParams(
            governance=self.governance.address,
            arbiters=tuple(a.address for a in self.arbiters),
            quorum=2,
        )
        record = deploy_protocol(
            Web3Deployer(self.governance),
            "demo",
            self.w3.eth.chain_id,
            self.governance.address,
            params,
        )
        self.record = record
        needed = ("AgentRegistry", "ServiceListings", "JobEscrow", "ReputationRegistry")
        missing = [name for name in (*needed, "ArbiterPanel") if name not in record.contracts]
        if missing:
            raise DeploymentError(
                f"deploy_protocol did not deploy {', '.join(missing)}: "
                "the wiring plan or the package artifacts are incomplete"
            )
        a = record.address
        self.registry = AgentRegistryClient(self.w3, a("AgentRegistry"))
        self.listings = ListingsClient(self.w3, a("ServiceListings"))
        self.escrow = EscrowClient(self.w3, a("JobEscrow"))
        self.reputation = ReputationClient(self.w3, a("ReputationRegistry"))
        self.panel = PanelClient(self.w3, a("ArbiterPanel"))
        self.disputes = (
            DisputeClient(self.w3, a("DisputeResolver"))
            if "DisputeResolver" in record.contracts
            else None
        )
        self.step(f"Deployed the protocol on the in-process chain (chain id {record.chain_id})")
        for name, deployed in record.contracts.items():
            self.say(f"  {name:19s} {deployed.address}")
        return record

    def create_token(self) -> TokenClient:
        holders = [principal.address for principal in self.principals.values()]
        self.token = deploy_demo_token(self.governance, holders, MINT)
        address = self.token.address
        self.escrow.set_token(self.governance, address, True, TOKEN_WEIGHT)
        self.step("Created the payment token Demo USD (DUSD) and allowed it on the escrow")
        self.say(f"  token {address}; each principal holds {units(MINT)}")
        return self.token

    def register(self, name: str, principal: str, uri: str) -> int:
        owner = self.principals[principal]
        agent_id = self.registry.register(owner, uri)
        operator = _deterministic_key(f"operator {name}")
        self.governance.send({"to": operator.address, "value": Web3.to_wei(1, "ether")})
        self.registry.set_operator(owner, agent_id, operator)
        self.agents[name] = agent_id
        self.owner_of[name] = principal
        self.operators[name] = Signer(self.w3, operator)
        self.say(f"  #{agent_id} {name:12s} of {principal:11s} operator {operator.address[:10]}…")
        return agent_id

    def register_agents(self) -> None:
        self.step("Registered five agents under three principals, each with its own operator key")
        self.register("orchestrator", "Acme", "ipfs://demo/orchestrator.json")
        self.register("summarizer", "Lingua Labs", "ipfs://demo/summarizer.json")
        self.register("translator", "Lingua Labs", "ipfs://demo/translator.json")
        self.register("reviewer", "CodeCo", "ipfs://demo/reviewer.json")
        self.register("researcher", "CodeCo", "ipfs://demo/researcher.json")

    def fund_and_cap(self) -> None:
        token = self.token.address
        acme = self.principals["Acme"]
        orchestrator = self.agents["orchestrator"]
        self.cap = SpendPolicy(per_job_cap=50 * UNIT, period_cap=150 * UNIT, period=86_400)
        self.registry.set_spend_policy(acme, orchestrator, token, self.cap)
        self.deposit("Acme", "orchestrator", 400 * UNIT)
        # providers keep a little free balance for dispute bonds
        self.deposit("CodeCo", "researcher", 20 * UNIT)
        self.step("Acme funded its orchestrator and capped what its operator may commit")
        self.say(
            f"  escrow balance {units(self.escrow.balance(orchestrator, token))}; caps "
            f"{units(self.cap.per_job_cap)} per job, {units(self.cap.period_cap)} per day"
        )

    def deposit(self, principal: str, agent: str, amount: int) -> None:
        owner = self.principals[principal]
        self.token.ensure_allowance(owner, self.escrow.address, amount)
        self.escrow.deposit(owner, self.agents[agent], self.token.address, amount)

    def publish_listings(self) -> None:
        token = self.token.address
        self.listing_ids: dict[str, int] = {}
        self.step("Providers published listings (their operators sign)")
        offers = [
            ("summarizer", "summarize", 20, 3_600),
            ("researcher", "summarize", 25, 7_200),
            ("translator", "translate", 15, 7_200),
            ("researcher", "research", 80, 86_400),
        ]
        for agent, tag, price, delivery in offers:
            listing_id = self.listings.create(
                self.operators[agent],
                self.agents[agent],
                tag,
                token,
                price * UNIT,
                delivery,
                Web3.keccak(text=f"terms of {agent}/{tag}"),
                f"ipfs://demo/terms/{agent}-{tag}.json",
            )
            self.listing_ids[f"{agent}/{tag}"] = listing_id
            self.say(f"  listing #{listing_id}: {agent} sells {tag!r} for {price} DUSD")

    # ---------------------------------------------------------------- story

    def discover(self) -> list[dict[str, Any]]:
        addresses = {name: d.address for name, d in self.record.contracts.items()}
        self.indexer = Indexer(self.w3, addresses, ":memory:", progress=False)
        report = self.indexer.sync()
        matches = self.indexer.find_providers("summarize", max_price=30 * UNIT)
        self.step("The orchestrator discovered providers through the index")
        self.say(f"  indexed {report.events} events; 'summarize' for at most 30 DUSD:")
        for m in matches:
            self.say(
                f"    listing #{m.listing_id} agent #{m.provider_id} {units(m.price)} "
                f"score {m.score / 100:.2f}"
            )
        return [
            {"listing_id": m.listing_id, "provider_id": m.provider_id, "price": m.price}
            for m in matches
        ]

    def hire_listing(self, label: str, listing_id: int) -> int:
        listing = self.listings.get(listing_id)
        job_id = self.escrow.hire(
            self.operators["orchestrator"], listing, self.agents["orchestrator"]
        )
        self.jobs[label] = job_id
        return job_id

    def provider_of(self, job_id: int) -> Signer:
        provider_id = self.escrow.job(job_id).provider_id
        name = next(n for n, i in self.agents.items() if i == provider_id)
        return self.operators[name]

    def deliver(self, job_id: int, what: str) -> None:
        self.escrow.deliver(
            self.provider_of(job_id),
            job_id,
            Web3.keccak(text=f"result: {what}"),
            f"ipfs://demo/results/{what}.json",
        )

    def completed_job(self, matches: list[dict[str, Any]]) -> None:
        best = matches[0]
        job_id = self.hire_listing("summary", best["listing_id"])
        provider = self.provider_of(job_id)
        self.escrow.accept(provider, job_id)
        self.deliver(job_id, "summary")
        self.escrow.complete(self.operators["orchestrator"], job_id)
        self.reputation.rate(self.operators["orchestrator"], job_id, 92, "summarize", "fast")
        self.reputation.rate(provider, job_id, 95, "client", "clear-brief")
        self.step("Hired the best match from its listing: accepted, delivered, completed, rated")
        self.say(f"  job {hex(job_id)} -> {self.escrow.job(job_id).status.name.lower()}")

    def offer_job(self) -> None:
        reviewer = self.operators["reviewer"]
        now = int(self.w3.eth.get_block("latest")["timestamp"])
        offer = Offer(
            provider_id=self.agents["reviewer"],
            client_id=self.agents["orchestrator"],
            token=self.token.address,
            price=40 * UNIT,
            delivery_time=4 * 3_600,
            terms_hash=bytes(Web3.keccak(text="review the orchestrator's pull request")),
            nonce=1,
            expiry=now + 3_600,
        )
        signed = sign_offer(
            reviewer.account, offer, self.w3.eth.chain_id, self.escrow.offer_book_address
        )
        job_id = self.escrow.hire_with_offer(
            self.operators["orchestrator"], signed, self.agents["orchestrator"]
        )
        self.jobs["code review"] = job_id
        self.deliver(job_id, "code-review")
        self.step("Hired the reviewer with its signed EIP-712 offer (no listing); it delivered")
        self.say(f"  job {hex(job_id)} -> {self.escrow.job(job_id).status.name.lower()}")

    def late_job(self) -> None:
        job_id = self.hire_listing("translation", self.listing_ids["translator/translate"])
        self.escrow.accept(self.provider_of(job_id), job_id)
        self.step("Hired the translator; it accepted but will miss its delivery deadline")
        self.say(f"  job {hex(job_id)} -> {self.escrow.job(job_id).status.name.lower()}")

    def disputed_job(self) -> dict[str, Any] | None:
        if self.disputes is None:
            note = "DisputeResolver is not deployed: the dispute part of the demo is skipped"
            self.notes.append(note)
            self.step(note)
            return None
        job_id = self.hire_listing("second summary", self.listing_ids["researcher/summarize"])
        provider = self.provider_of(job_id)
        self.escrow.accept(provider, job_id)
        self.deliver(job_id, "second-summary")
        orchestrator = self.operators["orchestrator"]
        self.disputes.dispute(orchestrator, job_id, "ipfs://demo/evidence/summary-off-topic.json")
        self.disputes.answer(provider, job_id, "ipfs://demo/evidence/summary-as-briefed.json")
        case = self.disputes.of(job_id)
        ruling = split_ruling(PROVIDER_SHARE_PERCENT)
        for arbiter in self.arbiters[:2]:
            self.panel.vote(arbiter, case.arbitrator_dispute_id, ruling)
        ended = self.disputes.of(job_id)
        self.step("The orchestrator disputed the researcher's summary; the panel ruled a split")
        self.say(
            f"  bonds {units(case.bond)} each; 2 of 3 arbiters voted "
            f"{PROVIDER_SHARE_PERCENT} % to the provider; dispute {ended.status.name.lower()}, "
            f"job {self.escrow.job(job_id).status.name.lower()}"
        )
        self.reputation.rate(orchestrator, job_id, 40, "summarize", "off-topic")
        return {
            "job_id": job_id,
            "bond": case.bond,
            "ruling": ruling,
            "status": ended.status.name.lower(),
        }

    def evaluated_job(self) -> dict[str, Any]:
        """A formatter agent sells a deterministic task through a listing that names
        a re-execution evaluator; the evaluator recomputes the result, compares its
        keccak256 with the delivered result hash (`evaluation.judge`, as
        scripts/evaluator.py does) and approves: the job completes, the evaluator
        earns its fee, and the formatter, who wants the approval shown, publishes the
        verdict the escrow keeps in the ValidationRegistry."""
        self.step(
            f"A formatter sells {EVALUATED_TASK!r} through a listing judged by a re-execution "
            f"evaluator for {EVALUATOR_FEE_BPS / 100:g} %"
        )
        formatter = self.register("formatter", "Lingua Labs", "ipfs://demo/formatter.json")
        provider = self.operators["formatter"]
        token = self.token.address
        listing_id = self.listings.create(
            provider,
            formatter,
            EVALUATED_TASK,
            token,
            EVALUATED_PRICE,
            3_600,
            Web3.keccak(text=f"terms of formatter/{EVALUATED_TASK}"),
            f"ipfs://demo/terms/formatter-{EVALUATED_TASK}.json",
        )
        self.listings.set_evaluator(provider, listing_id, self.evaluator.address, EVALUATOR_FEE_BPS)
        self.listing_ids[f"formatter/{EVALUATED_TASK}"] = listing_id
        job_id = self.hire_listing(EVALUATED_TASK, listing_id)
        self.escrow.accept(provider, job_id)
        result = recompute(EVALUATED_TASK, EVALUATED_BRIEF)  # the provider's work
        self.escrow.deliver(
            provider, job_id, Web3.keccak(result), f"ipfs://demo/results/{EVALUATED_TASK}.txt"
        )
        # The evaluator's side: re-execute the brief, compare hashes, send the verdict.
        evaluators = EvaluatorClient(self.w3, self.escrow.address)
        named = evaluators.evaluator_of(job_id)
        verdict = judge(
            self.escrow.job(job_id),
            recompute(EVALUATED_TASK, EVALUATED_BRIEF),
            method=f"re-execution:{EVALUATED_TASK}",
        )
        evaluators.send(self.evaluator, verdict)
        fee = self.escrow.fees_owed(self.evaluator.address, token)
        status = self.escrow.job(job_id).status.name.lower()
        self.say(
            f"  listing #{listing_id}: {units(EVALUATED_PRICE)}, evaluator "
            f"{named.address[:10]}… for {named.fee_bps} bps; job {hex(job_id)} delivered"
        )
        self.say(
            f"  the evaluator re-ran {EVALUATED_TASK!r}: keccak256 "
            f"{verdict.expected_hash.hex()[:12]}… "
            f"{'matches' if verdict.approved else 'differs from'} the delivered hash -> "
            f"{verdict.report['verdict']}; job {status}"
        )
        self.say(
            f"  the evaluator earned {units(fee)} ({named.fee_bps / 100:g} % of "
            f"{units(EVALUATED_PRICE)}); report hash 0x{verdict.report_hash.hex()[:12]}…"
        )
        validation: dict[str, Any] | None = None
        if "ValidationRegistry" in self.record.contracts:
            from agentmarket.contracts.validation import ValidationClient

            registry = ValidationClient(self.w3, self.record.address("ValidationRegistry"))
            # Anyone may publish it; the provider has the reason to.
            registry.publish_verdict(provider, job_id)
            recorded = registry.job_status(job_id)
            validation = {
                "request_hash": "0x" + recorded.request_hash.hex(),
                "validator": recorded.validator,
                "agent_id": recorded.agent_id,
                "response": recorded.response,
                "response_hash": "0x" + recorded.response_hash.hex(),
                "job_verdict": recorded.job_verdict,
            }
            self.say(
                f"  the formatter published it in the ValidationRegistry: response "
                f"{recorded.response}/100 from the evaluator for agent #{recorded.agent_id}"
                + (" (a final job verdict)" if recorded.job_verdict else "")
            )
        else:
            self.notes.append("ValidationRegistry is not deployed: the verdict was not published")
        return {
            "job_id": job_id,
            "listing_id": listing_id,
            "task": EVALUATED_TASK,
            "price": EVALUATED_PRICE,
            "evaluator": self.evaluator.address,
            "fee_bps": named.fee_bps,
            "fee": fee,
            "expected_fee": evaluator_fee(EVALUATED_PRICE, EVALUATOR_FEE_BPS),
            "verdict": verdict.report["verdict"],
            "report_hash": "0x" + verdict.report_hash.hex(),
            "status": status,
            "validation": validation,
        }

    def time_travel(self) -> None:
        review_deadline = self.escrow.job(self.jobs["code review"]).deadline
        delivery_deadline = self.escrow.job(self.jobs["translation"]).deadline
        target = max(review_deadline, delivery_deadline) + 1
        time_travel(self.w3, target)
        self.step(f"Time travel: the chain jumps {(target - int(time.time())) // 3600} h ahead")

    def after_deadlines(self) -> None:
        review = self.jobs["code review"]
        self.escrow.finalize(self.keeper, review)
        self.reputation.rate(self.operators["orchestrator"], review, 80, "code-review")
        translation = self.jobs["translation"]
        self.escrow.reclaim(self.operators["orchestrator"], translation)
        self.say(
            f"  review window passed: a keeper finalized job {hex(review)} -> "
            f"{self.escrow.job(review).status.name.lower()}"
        )
        self.say(
            f"  delivery deadline missed: the orchestrator reclaimed job {hex(translation)} -> "
            f"{self.escrow.job(translation).status.name.lower()}"
        )

    def tab_payments(self, calls: int = 50) -> dict[str, Any] | None:
        """A scout agent pays a weather agent per call through a tab: one voucher
        per call, checked off-chain by the provider, one redemption at the end."""
        if "Tabs" not in self.record.contracts:
            self.notes.append("Tabs is not deployed: the per-call payment scene was skipped")
            return None
        from agentmarket.contracts.tabs import TabsClient, VoucherVerifier

        tabs = TabsClient(self.w3, self.record.address("Tabs"))
        self.step("A scout agent pays a weather agent per call through a tab")
        scout = self.register("scout", "Acme", "ipfs://demo/scout.json")
        weather = self.register("weather", "CodeCo", "ipfs://demo/weather.json")
        price = UNIT // 50  # 0.02 DUSD per call
        self.deposit("Acme", "scout", 2 * calls * price)
        # Acme opens it; the tab's key is then the scout's operator, which signs.
        tab_id = tabs.open(
            self.principals["Acme"], scout, weather, self.token.address, 2 * calls * price, 3_600
        )
        tab = tabs.tab(tab_id)
        verifier = VoucherVerifier.for_tab(tab, self.w3.eth.chain_id, tabs.address)
        signer = tabs.signer_for(self.operators["scout"].account)
        for call in range(1, calls + 1):
            voucher = signer.sign(tab_id, call * price)  # the client, per call
            verifier.accept(voucher)  # the provider's service, off-chain
        assert verifier.latest is not None
        redeemed = tabs.redeem(self.operators["weather"], verifier.latest)
        closed = tabs.close(self.operators["weather"], tab_id)
        gas = int(redeemed["gasUsed"]) + int(closed["gasUsed"])
        self.say(
            f"  tab {hex(tab_id)}: {calls} calls at {units(price)}, {calls} vouchers checked "
            f"off-chain, settled in one transaction; the provider closed the tab and "
            f"{units(tab.deposit - calls * price)} went back to the scout"
        )
        return {
            "tab_id": hex(tab_id),
            "calls": calls,
            "price": price,
            "paid": calls * price,
            "refund": tab.deposit - calls * price,
            "settlement_gas": gas,
        }

    def agents_run_themselves(self) -> dict[str, Any]:
        """A provider agent served by a real A2A runtime, hired by the orchestrator
        through `ClientAgent`, and a runtime restarted in the middle of a job."""
        self.step("Agents that run themselves: a provider runtime over A2A, hired by an agent")
        wordsmith = self.register("wordsmith", "CodeCo", "")
        listing = self.listings.create(
            self.operators["wordsmith"], wordsmith, TAG, self.token.address, 2 * UNIT, 3_600
        )
        self.listing_ids[f"wordsmith/{TAG}"] = listing
        self.say(f"  listing #{listing}: wordsmith sells {TAG!r} for 2 DUSD")
        owner = self.principals["CodeCo"]

        def market_of(account: LocalAccount) -> Market:
            return Market(self.w3, self.record, account)

        def publish(uri: str) -> None:
            self.registry.set_uri(owner, wordsmith, uri)

        result = agents_scene(
            market_of,
            (wordsmith, self.operators["wordsmith"].account),
            (self.agents["orchestrator"], self.operators["orchestrator"].account),
            self.indexer,
            publish,
            self.say,
        )
        self.jobs["word count"] = result["first"]["job_id"]
        self.jobs["word count, resumed"] = result["resumed"]["job_id"]
        return result

    def cap_stops_operator(self) -> str:
        listing = self.listings.get(self.listing_ids["researcher/research"])
        self.step(
            f"The orchestrator's operator tries to hire research for {units(listing.price)}, "
            f"above its {units(self.cap.per_job_cap)} per-job cap"
        )
        try:
            self.escrow.hire(self.operators["orchestrator"], listing, self.agents["orchestrator"])
        except ContractRevertError as exc:
            self.say(f"  [red]refused[/]: {exc.reason}")
            return exc.reason
        raise AssertionError("the cap did not stop the operator")

    # -------------------------------------------------------------- summary

    def summary(self, started: float, discovered: list[dict[str, Any]]) -> dict[str, Any]:
        token = self.token.address
        self.indexer.sync()
        agents = {
            name: {
                "agent_id": agent_id,
                "principal": self.owner_of[name],
                "balance": self.escrow.balance(agent_id, token),
                "reputation": asdict(self.reputation.of(agent_id)),
            }
            for name, agent_id in self.agents.items()
        }
        jobs = {
            label: {"job_id": job_id, "status": self.escrow.job(job_id).status.name.lower()}
            for label, job_id in self.jobs.items()
        }
        config = self.escrow.config()
        fee_recipient = str(config["fee_recipient"])
        return {
            "chain_id": self.record.chain_id,
            "contracts": {n: d.address for n, d in self.record.contracts.items()},
            "token": token,
            "unit": UNIT,
            "fee_bps": int(config["fee_bps"]),
            "fee_recipient": fee_recipient,
            "fees_owed": self.escrow.fees_owed(fee_recipient, token),
            "evaluator_fees_owed": self.escrow.fees_owed(self.evaluator.address, token),
            "escrow_token_balance": self.token.balance(self.escrow.address),
            "principals": {
                name: {"address": s.address, "wallet_balance": self.token.balance(s.address)}
                for name, s in self.principals.items()
            },
            "agents": agents,
            "jobs": jobs,
            "discovered": discovered,
            "notes": self.notes,
            "seconds": round(time.monotonic() - started, 2),
        }

    def print_tables(self, summary: dict[str, Any]) -> None:
        if self.console is None:
            return
        balances = Table(
            title="Escrow balances (DUSD, free)", title_justify="left", box=box.SIMPLE_HEAD
        )
        for column in ("agent", "name", "principal", "balance"):
            balances.add_column(column, justify="right" if column == "balance" else "left")
        for name, a in summary["agents"].items():
            balances.add_row(f"#{a['agent_id']}", name, a["principal"], units(a["balance"]))
        balances.add_row("", "fees + forfeits", "protocol", units(summary["fees_owed"]))
        balances.add_row(
            "", "evaluator fees", "re-execution", units(summary["evaluator_fees_owed"])
        )
        self.console.print()
        self.console.print(balances)
        rep = reputation_table(
            "Reputation (volume in DUSD, score out of 100)",
            [
                (f"#{a['agent_id']} {name}", a["reputation"])
                for name, a in summary["agents"].items()
            ],
            volume=lambda v: units(v).removesuffix(" DUSD"),
        )
        self.console.print(rep)
        for note in summary["notes"]:
            self.console.print(f"[yellow]note:[/] {note}")
        self.console.print(f"Done in {summary['seconds']:.1f} s.")


def run_demo(console: Console | None = None) -> dict[str, Any]:
    """Run the demo; narrate on `console` (None: silent). Return the summary."""
    started = time.monotonic()
    demo = Demo(console)
    demo.deploy()
    try:
        demo.create_token()
    except ArtifactMissingError as exc:
        raise ArtifactMissingError(
            f"{exc}: the demo needs the DemoToken artifact (contracts/demo/DemoToken.vy)"
        ) from exc
    demo.register_agents()
    demo.fund_and_cap()
    demo.publish_listings()
    discovered = demo.discover()
    demo.completed_job(discovered)
    demo.offer_job()
    demo.late_job()
    dispute = demo.disputed_job()
    evaluation = demo.evaluated_job()
    demo.time_travel()
    demo.after_deadlines()
    tab = demo.tab_payments()
    agents = demo.agents_run_themselves()
    cap_reason = demo.cap_stops_operator()
    summary = demo.summary(started, discovered)
    summary["cap_revert"] = cap_reason
    summary["dispute"] = dispute
    summary["tab"] = tab
    summary["evaluation"] = evaluation
    summary["agents_run_themselves"] = agents
    demo.indexer.close()
    demo.print_tables(summary)
    return summary


__all__ = ["run_demo"]

"""Gas benchmark: whole-transaction gas of each protocol step.

    python -m tools.bench [--out benchmarks/gas.json]

Runs every step as a real signed transaction on the in-process chain
(eth-tester on py-evm, Prague rules) and reads `gasUsed` from its receipt, so
the figure includes the 21,000 base and calldata. Gas is deterministic: the
same code gives the same numbers on any machine. Steps are measured in a
steady state (the actors have used the protocol before) unless their name
says otherwise; `register` is a first registration by a fresh owner. Steps
named `<step>_cold` are by agents new to the protocol (`cold_steps` says
what each includes). Every step measured as whole transactions also gets its
floor, what they must pay before any code runs (`tools.bench.floor`),
written to `benchmarks/floors.json`; the README's table shows both.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from eth_account import Account
from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.artifacts import load_artifact
from agentmarket.chain import Signer, connect, funded_test_accounts, time_travel
from agentmarket.contracts.disputes import DisputeClient, PanelClient, split_ruling
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.listings import ListingsClient, tag_hash
from agentmarket.contracts.offers import Offer, SignedOffer, sign_offer
from agentmarket.contracts.registry import AgentRegistryClient, SpendPolicy
from agentmarket.contracts.reputation import ReputationClient
from agentmarket.contracts.token import deploy_demo_token
from agentmarket.deployment import Deployment, ProtocolParams, Web3Deployer, deploy_protocol
from tools.bench.evaluation import evaluation_steps
from tools.bench.floor import Floor, StorageWatch
from tools.bench.tabs import tab_steps
from tools.bench.validation import validation_steps

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "benchmarks" / "gas.json"
URI_66 = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"

# The protocol design's gas targets.
TARGETS: dict[str, int] = {
    "register": 160_000,
    "hire": 110_000,
    "hire_with_offer": 120_000,
    "accept": 35_000,
    "deliver": 40_000,
    "complete": 75_000,
    "rate": 60_000,
    "life": 250_000,
    "life_with_offer": 210_000,
    # Issue #8 (tabs): a batch redemption at most 30k per tab.
    "tab_redeem_batch20": 30_000,
    # Issue #15: a verdict, its validation record now a step of its own.
    "approve": 95_000,
    "reject": 90_000,
    # Issue #15: the dispute steps and ERC-8004's wallet setter (an agent's
    # first explicit operator; ERC-8004's reference costs 50,404).
    "dispute": 150_000,
    "answer": 120_000,
    "set_agent_wallet": 50_000,
}

# Targets the protocol does not meet yet, and the ceiling tests hold instead:
# today's figure, so nothing gets dearer unnoticed. Why each one misses (the
# README says it too): with the operator acting, `deliver` pays 21,000 base,
# two rewritten job words (status and the stored result hash: 10,000), the
# registry's operator check (5,262, a cold account and a cold word) and a
# 66-byte URI in calldata and event, ~40,500 before the escrow's own code; the
# two lives add up the steps, each within its own target but `deliver`.
# Issue #9 (evaluators) raised the lives by what naming an evaluator costs a
# job that names none: `hire` reads two more words of the listing's
# `hire_info` (+121 over the whole life), and a signed offer carries two more
# signed fields (+256 of calldata alone, +314 over `life_with_offer`).
# Issue #15 moved the signed-offer path into the OfferBook to give the escrow
# room under EIP-170: `hire_with_offer` pays the OfferBook-to-escrow call
# (+3,395, within its own target) and `life_with_offer` with it. `life` moved
# by one gas: the deployment's addresses changed, and with them the zero bytes
# of the token address in `hire`'s calldata.
# Issue #15 moved a verdict's ERC-8004 record out of `approve` and `reject`
# into `publish_verdict`, a step anyone may take later (~112,000 less for the
# evaluator); `approve` still misses 95,000: beside the 21,000 base it
# rewrites five words the verdict must change (job word A, word B for the
# report hash, the evaluator's fee, the protocol fee, the provider's balance:
# 5,000 each when cold) and reads five more (word E, the config, the token,
# and the two parties' authority in the registry, which must say the
# evaluator is neither), then pays as `complete` does: the reputation
# registry's facts and the provider's verdict counter (~30,000).
#
# Issue #15's `answer` and `set_agent_wallet` targets lie below what the step
# must write and read, so they are held at that plus their code (README, "Gas").
# `answer` (a court's later case; its first, id 0, writes the job-to-case word
# as a zero, 19,900 less) pays 21,000 base + 1,720 calldata, three fresh words
# (60,000: the resolver's job-to-case word, which `dispute_of` reads, and
# case-to-job word, which `rule` reads; the panel's case head) and 14,102 of
# logs (the escrow's DisputeAnswered 1,381, the panel's DisputeCreation 1,500
# and DisputeAssigned 3,155, the resolver's DisputeAnswered 2,899, ERC-1497
# Evidence 3,155 and Dispute 2,012): a fresh-word floor of 96,822. Beside it, what no code
# can skip: the fresh words' cold slots (6,300); three cold accounts (7,800:
# escrow, registry, panel); eight cold words (16,800: the resolver's head; the
# escrow's job words A and C, token slot and the answerer's balance; the
# answerer's authority and both principals' owner words in the registry); the
# panel's current word and both principals' seats (6,300); four rewrites
# (11,600: the resolver's head, the escrow's job word C and the answerer's
# balance, the panel's current word): 145,622 before any code runs, over the
# 120,000 target. `set_agent_wallet` (an agent's first explicit operator):
# 21,000 + 2,168 calldata + 20,000 for the fresh operator word + 3,036 for
# ERC-8004's MetadataSet = a floor of 46,204; then ecrecover (3,100), the
# owner's word (a cold read, 2,100), the operator word's cold slot (2,100) and
# the owner's word rewritten to clear the registration's default-wallet flag
# (2,900): 56,404 before any code, over 50,000. That flag is what lets
# `register` skip the operator word (20,000 less per registration) and every
# principal lookup read one word; a rotation (the word exists) costs about
# 39,500.
MISSED_TARGETS: dict[str, int] = {
    "deliver": 42_751,
    "life": 255_087,
    "life_with_offer": 229_704,
    "approve": 104_249,
    "answer": 155_788,
    "set_agent_wallet": 59_632,
}

# Tab steps with no SPEC.md target (issue #8 names them): held to today's
# figure, rounded up, so nothing gets dearer unnoticed. A tab is one
# engagement: its reputation fact is written once, by the closing, not per
# redemption. So `tab_close` pays the reputation write (the escrow's config
# read for the net value, the registry's facts words: ~22k more than a
# closing that only returned the rest), `tab_redeem` and the batch only
# credit the ledger, and `purchase_amortised_1000` pays, beside the one
# reputation write it always paid, the escrow call its closing now always
# makes (a fully redeemed tab used to close without one): ~10k, 10 gas a
# purchase.
TAB_CEILINGS: dict[str, int] = {
    "tab_open": 105_000,
    "tab_top_up": 66_000,
    "tab_redeem": 55_000,
    "tab_close": 70_000,
    "purchase_amortised_1000": 230,
}
TAB_STEPS = ("tab_redeem_batch20", *TAB_CEILINGS)

# ERC-8004 validation steps (issue #9 names them, with no target): held to
# today's figure, rounded up. A request is three fresh words (the request by
# hash; the agent's list slot, which holds the hash; the validator's list slot,
# which also keeps the answer's state) and two rewritten list lengths: ~76,300
# of storage beside the 21,000 base, the registry's authority check and the
# event. A first answer stores the response hash (a fresh word) and rewrites
# the request's state and the summary words getSummary's filters read (agent,
# agent x validator, and with a tag agent x tag and agent x validator x tag).
VALIDATION_CEILINGS: dict[str, int] = {
    "validation_request": 111_000,
    "validation_response": 84_000,
}

# Publishing a job evaluator's verdict (issue #15 made it a step of its own,
# with no target): held to today's figure, rounded up. It reads the verdict
# from the escrow (three cold words behind a cold account) and writes what a
# validation request and its answer write: three fresh words, two list
# lengths, two summary words, and the report hash's fresh word.
EVALUATION_CEILINGS: dict[str, int] = {
    "publish_verdict": 144_000,
}

# Steps by agents new to the protocol (issue #15; `cold_steps` says what each
# includes), with no SPEC.md target: held to today's figure, rounded up. Where
# the extra gas goes, in fresh words (see FRESH_WORDS): a first deposit
# creates the agent's balance word; a first hire the client's spending word
# (and, with an offer, the provider's nonce word); a first `complete` the
# provider's balance word and seven reputation words (both agents' facts and
# rating words, the pair's facts word and its two rating words). A first
# listing costs what `list` costs: `list` lists under a tag nobody used, whose
# count word is fresh, where a new provider's count word is.
COLD_CEILINGS: dict[str, int] = {
    "deposit_cold": 76_000,
    "list_cold": 206_000,
    "complete_cold": 228_000,
    "life_cold": 555_000,
    "life_with_offer_cold": 547_000,
}

# What the tests hold every measured step to.
CEILINGS: dict[str, int] = {
    **TARGETS,
    **MISSED_TARGETS,
    **TAB_CEILINGS,
    **VALIDATION_CEILINGS,
    **EVALUATION_CEILINGS,
    **COLD_CEILINGS,
}

# The storage words each step creates (zero before the transaction, not after),
# which its floor charges 20,000 each: the bench counts them on the chain, and a
# test holds the count to this table, so that a change says why. A step not
# listed has no floor (its figure is a share of a batch or an average).
FRESH_WORDS: dict[str, tuple[int, str]] = {
    "register": (5, "the agent's owner word, three words of a 66-byte URI, the owner's NFT count"),
    "set_agent_wallet": (1, "the agent's operator word (its first explicit operator)"),
    "hire": (2, "the job's two words (A: parties, amount, status; B: terms hash)"),
    "hire_with_offer": (2, "the job's two words; the OfferBook's nonce word exists (256 a word)"),
    "accept": (0, "rewrites job word A"),
    "deliver": (0, "rewrites job words A and B (status, result hash)"),
    "complete": (0, "pays into existing balance and fee words, rewrites reputation words"),
    "life": (2, "hire's two job words; accept, deliver and complete create none"),
    "life_with_offer": (2, "hire_with_offer's two job words"),
    "rate": (0, "rewrites the rating words the job's settlement opened"),
    "finalize": (0, "as complete"),
    "reclaim": (0, "refunds into the client's existing balance word"),
    "deposit": (0, "adds to the agent's existing balance word"),
    "withdraw": (0, "takes from the agent's balance word"),
    "dispute": (3, "the client's bond (job word C), the resolver's head and terms words"),
    "answer": (3, "the resolver's job-to-case and case-to-job words, the panel's case head"),
    "propose_settlement": (1, "the resolver's proposal word"),
    "accept_settlement": (0, "settles into existing balance words"),
    "vote": (1, "the case's tally word"),
    "rule": (0, "rewrites the tally; settles into existing words"),
    "list": (
        7,
        "core, meta, terms, tag; a tag-list and a provider-list entry; the new tag's count",
    ),
    "tab_open": (2, "the tab's two words"),
    "tab_top_up": (0, "rewrites the tab's words"),
    "tab_redeem": (0, "rewrites the tab's words"),
    "tab_close": (0, "settles into existing balance, fee and reputation words"),
    "validation_request": (3, "the request by hash, the agent's and the validator's list slots"),
    "validation_response": (1, "the response hash"),
    "approve": (0, "pays into existing fee and balance words, rewrites job words A and B"),
    "reject": (0, "credits the evaluator's existing fee word, rewrites job words A and B"),
    "publish_verdict": (4, "the request's three words and the response hash"),
    "deposit_cold": (1, "the agent's balance word in the token"),
    "list_cold": (7, "as list, with the provider's count where list had the tag's"),
    "complete_cold": (8, "the provider's balance word; 7 reputation words (COLD_CEILINGS)"),
    "life_cold": (11, "hire: two job words, the client's spending word; complete_cold's 8"),
    "life_with_offer_cold": (12, "life_cold's 11 and the provider's first nonce word"),
}

# What reference contracts spend on the same step on the same EVM
# (the protocol design's "Gas targets"): gas and the reference's name.
REFERENCES: dict[str, tuple[int, str]] = {
    "register": (218_000, "ERC-8004 reference `register`"),
    "hire": (431_000, "ERC-8183 createJob + setBudget + fund"),
    "deliver": (62_000, "ERC-8183 submit"),
    "complete": (81_000, "ERC-8183 complete"),
    "rate": (214_000, "ERC-8004 giveFeedback"),
    "life": (575_000, "ERC-8183 reference life (ACP: 443,000)"),
}

README_BEGIN = "<!-- gas-table:begin (generated by ./dev bench) -->"
README_END = "<!-- gas-table:end -->"
SIZES_BEGIN = "<!-- size-table:begin (generated by ./dev bench) -->"
SIZES_END = "<!-- size-table:end -->"
SIZES_OUT = ROOT / "benchmarks" / "sizes.json"
# Each step's floor and what makes it (`tools.bench.floor`), beside gas.json.
FLOORS_OUT = ROOT / "benchmarks" / "floors.json"
# A measured step's name with this suffix is the step by agents new to the protocol.
COLD = "_cold"
# EIP-170: the most runtime code one contract may hold.
CODE_SIZE_LIMIT = 24_576
# Issue 15: the escrow keeps this much room under it, for what comes next.
ESCROW_ROOM = 3_000

CLOCK_START = 2_000_000_000
TOKEN_UNIT = 10**18
PRICE = 25 * TOKEN_UNIT
RESULT_HASH = Web3.keccak(text="result")
TERMS_HASH = Web3.keccak(text="terms")
LISTING_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


class Bench:
    """A deployed protocol on a fresh in-process chain, with funded actors.

    The market actors: a client agent and a provider agent under different
    principals, each acting through its own operator key (the agent's hot
    key, as in production), with caps wide enough for every step.
    """

    def __init__(self) -> None:
        self.w3: Web3 = connect()
        # A fixed clock: timestamps reach calldata (job ids, deadlines, expiries),
        # where a zero byte costs 4 gas and any other 16, so a wall-clock chain
        # would make the figures wobble. Past the wall clock, each block is +1 s.
        time_travel(self.w3, CLOCK_START)
        accounts = funded_test_accounts(self.w3, 4)
        self.funder = Signer(self.w3, accounts[0])
        self.arbiters = [Signer(self.w3, a) for a in accounts[1:4]]
        params = ProtocolParams(
            governance=self.funder.address,
            arbiters=tuple(a.address for a in self.arbiters),
            quorum=2,
        )
        self.deployment: Deployment = deploy_protocol(
            Web3Deployer(self.funder), "bench", self.w3.eth.chain_id, self.funder.address, params
        )
        self.registry = AgentRegistryClient(self.w3, self.deployment.address("AgentRegistry"))
        self._market: Market | None = None
        # Each measured step's floor (see `tools.bench.floor`), from its transactions.
        self.storage = StorageWatch(self.w3)
        self.floors: dict[str, Floor] = {}

    def note(self, step: str, *receipts: TxReceipt) -> int:
        """Record the floor of `step`'s transactions; return their whole gas."""
        self.floors[step] = self.storage.floor_of(list(receipts))
        return sum(_gas(r) for r in receipts)

    def fresh_signer(self, label: str) -> Signer:
        """A new funded key, so first-time costs are measured honestly."""
        acct = Account.from_key(Web3.keccak(text=f"agentmarket-bench:{label}"))
        self.funder.send({"to": acct.address, "value": 10**18, "gas": 21_000})
        return Signer(self.w3, acct)

    @property
    def market(self) -> Market:
        if self._market is None:
            self._market = Market(self)
        return self._market


class Market:
    """Token, agents, operators, balances and a listing, warmed up by one job."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        w3, d = bench.w3, bench.deployment
        self.listings = ListingsClient(w3, d.address("ServiceListings"))
        self.escrow = EscrowClient(w3, d.address("JobEscrow"))
        self.reputation = ReputationClient(w3, d.address("ReputationRegistry"))
        self.disputes = DisputeClient(w3, d.address("DisputeResolver"))
        self.panel = PanelClient(w3, d.address("ArbiterPanel"))
        token = deploy_demo_token(bench.funder, name="Bench USD", symbol="BUSD")
        # the DemoToken ABI: the participants mint their own below
        self.token = w3.eth.contract(
            address=token.contract.address, abi=load_artifact("DemoToken").abi
        )
        # The funder deployed the protocol and governs it: it owns the escrow's governor.
        self.escrow.set_token(bench.funder, self.token.address, True, 10**18)

        self.client_principal = bench.fresh_signer("client-principal")
        self.provider_principal = bench.fresh_signer("provider-principal")
        self.client_op = bench.fresh_signer("client-operator")
        self.provider_op = bench.fresh_signer("provider-operator")
        reg = bench.registry
        self.client_id = reg.register(self.client_principal, "ipfs://client")
        self.provider_id = reg.register(self.provider_principal, "ipfs://provider")
        reg.set_operator(self.client_principal, self.client_id, self.client_op.account)
        reg.set_operator(self.provider_principal, self.provider_id, self.provider_op.account)
        wide = SpendPolicy(10**9 * TOKEN_UNIT, 10**10 * TOKEN_UNIT, 86_400 * 365)
        reg.set_spend_policy(self.client_principal, self.client_id, self.token.address, wide)

        for who, agent in (
            (self.client_principal, self.client_id),
            (self.provider_principal, self.provider_id),
        ):
            who.transact(self.token.functions.mint(who.address, 10**6 * TOKEN_UNIT))
            who.transact(self.token.functions.approve(self.escrow.address, 2**256 - 1))
            self.escrow.deposit(who, agent, self.token.address, 10**5 * TOKEN_UNIT)
        self.listing_id = self.listings.create(
            self.provider_op,
            self.provider_id,
            "translate",
            self.token.address,
            PRICE,
            86_400,
            TERMS_HASH,
            LISTING_URI,
        )
        self.offer_nonce = 0
        # One whole job first: every balance, spending and reputation word exists.
        job_id = self.hire()
        self.escrow.accept(self.provider_op, job_id)
        self.deliver(job_id)
        self.escrow.complete(self.client_op, job_id)
        # ...and one offer, so the provider's nonce word exists too (sequential
        # nonces share a word: 256 offers per fresh storage slot).
        job_id = self.escrow.hire_with_offer(self.client_op, self.signed_offer(), self.client_id)
        self.deliver(job_id)
        self.escrow.complete(self.client_op, job_id)

    def hire(self) -> int:
        listing = self.listings.get(self.listing_id)
        return self.escrow.hire(self.client_op, listing, self.client_id)

    def signed_offer(self) -> SignedOffer:
        self.offer_nonce += 1
        return bench_offer(
            self.bench, self.provider_op, self.provider_id, self.client_id, self.offer_nonce, self
        )

    def deliver(self, job_id: int) -> TxReceipt:
        return self.escrow.deliver(self.provider_op, job_id, RESULT_HASH, LISTING_URI)

    def delivered_job(self) -> int:
        job_id = self.hire()
        self.escrow.accept(self.provider_op, job_id)
        self.deliver(job_id)
        return job_id


def bench_offer(
    bench: Bench, provider_op: Signer, provider_id: int, client_id: int, nonce: int, m: Market
) -> SignedOffer:
    """The bench's signed offer: the market's token at PRICE, one day to deliver,
    valid for an hour."""
    offer = Offer(
        provider_id=provider_id,
        client_id=client_id,
        token=m.token.address,
        price=PRICE,
        delivery_time=86_400,
        terms_hash=TERMS_HASH,
        nonce=nonce,
        expiry=int(bench.w3.eth.get_block("latest")["timestamp"]) + 3_600,
    )
    return sign_offer(
        provider_op.account, offer, bench.w3.eth.chain_id, m.escrow.offer_book_address
    )


def gas_register(bench: Bench) -> int:
    owner = bench.fresh_signer("register")
    assert len(URI_66) == 66
    receipt = owner.transact(bench.registry.contract.functions.register(URI_66))
    return bench.note("register", receipt)


def gas_set_agent_wallet(bench: Bench) -> int:
    """An agent's first explicit operator (ERC-8004 `setAgentWallet`): a fresh owner
    registers (not measured), then makes a fresh key the operator with that key's
    65-byte EIP-712 proof, as `AgentRegistryClient.set_operator` sends it."""
    owner = bench.fresh_signer("wallet-owner")
    operator = bench.fresh_signer("wallet-operator")
    agent_id = bench.registry.register(owner, "ipfs://wallet")
    return bench.note(
        "set_agent_wallet", bench.registry.set_operator(owner, agent_id, operator.account)
    )


def _gas(receipt: TxReceipt) -> int:
    return int(receipt["gasUsed"])


def market_steps(bench: Bench) -> dict[str, int]:
    """Every job step, measured in a steady state (one job already settled)."""
    m = bench.market
    out: dict[str, int] = {}
    note = bench.note
    listing = m.listings.get(m.listing_id)
    fns = m.escrow.contract.functions
    hire = m.client_op.transact(
        fns.hire(listing.listing_id, m.client_id, listing.token, listing.price, listing.version)
    )
    job_id = job_id_of(m.escrow, hire)
    accept = m.escrow.accept(m.provider_op, job_id)
    deliver = m.deliver(job_id)
    complete = m.escrow.complete(m.client_op, job_id)
    out.update(
        hire=note("hire", hire),
        accept=note("accept", accept),
        deliver=note("deliver", deliver),
        complete=note("complete", complete),
        life=note("life", hire, accept, deliver, complete),
    )
    out["rate"] = note(
        "rate", m.reputation.rate(m.client_op, job_id, 90, "", "", LISTING_URI, TERMS_HASH)
    )

    signed = m.signed_offer()
    offered = m.client_op.transact(
        m.escrow.offer_book.functions.hire_with_offer(
            signed.offer.as_tuple(), m.client_id, signed.v, signed.r, signed.s
        )
    )
    offer_job = job_id_of(m.escrow, offered)
    offer_deliver = m.deliver(offer_job)
    offer_complete = m.escrow.complete(m.client_op, offer_job)
    out["hire_with_offer"] = note("hire_with_offer", offered)
    out["life_with_offer"] = note("life_with_offer", offered, offer_deliver, offer_complete)

    # Finalize after the review window, by anyone.
    job = m.hire()
    m.escrow.accept(m.provider_op, job)
    m.deliver(job)
    time_travel(bench.w3, m.escrow.job(job).deadline)
    out["finalize"] = note("finalize", m.escrow.finalize(bench.funder, job))

    # Reclaim by the client after the provider let the accept deadline pass.
    job = m.hire()
    time_travel(bench.w3, m.escrow.job(job).deadline)
    out["reclaim"] = note("reclaim", m.escrow.reclaim(m.client_op, job))

    out["deposit"] = note(
        "deposit", m.escrow.deposit(m.client_principal, m.client_id, m.token.address, TOKEN_UNIT)
    )
    out["withdraw"] = note(
        "withdraw",
        m.escrow.withdraw(
            m.client_principal, m.client_id, m.token.address, TOKEN_UNIT, m.client_principal.address
        ),
    )
    out.update(dispute_steps(bench))

    create = m.listings.contract.functions.create_listing(
        m.provider_id,
        tag_hash("summarise"),
        m.token.address,
        PRICE,
        86_400,
        TERMS_HASH,
        LISTING_URI,
    )
    out["list"] = note("list", m.provider_op.transact(create))
    return out


def dispute_steps(bench: Bench) -> dict[str, int]:
    """A dispute's steps; the second ends by the panel's ruling, the first by agreement.
    `answer` is the second's: the panel's second case, as a court's cases are but its
    first (whose id, 0, the resolver's job-to-case word stores as a zero)."""
    m, out, note = bench.market, {}, bench.note
    job = m.delivered_job()
    out["dispute"] = note("dispute", m.disputes.dispute(m.client_op, job, LISTING_URI))
    m.disputes.answer(m.provider_op, job, LISTING_URI)
    share = PRICE * 6 // 10
    propose = m.disputes.propose_settlement(m.provider_op, job, share)
    out["propose_settlement"] = note("propose_settlement", propose)
    accept = m.disputes.accept_settlement(m.client_op, job, share)
    out["accept_settlement"] = note("accept_settlement", accept)

    job = m.delivered_job()
    m.disputes.dispute(m.client_op, job, LISTING_URI)
    out["answer"] = note("answer", m.disputes.answer(m.provider_op, job, LISTING_URI))
    case = m.disputes.of(job).arbitrator_dispute_id
    first, second = bench.arbiters[0], bench.arbiters[1]
    out["vote"] = note("vote", m.panel.vote(first, case, split_ruling(70)))
    out["rule"] = note("rule", m.panel.vote(second, case, split_ruling(70)))
    return out


@dataclass(frozen=True)
class Agent:
    """A fresh agent: its principal (owner) key, its operator key, its id."""

    principal: Signer
    operator: Signer
    agent_id: int


def fresh_agent(bench: Bench, label: str, *, client: bool = False) -> Agent:
    """A new agent under a new principal with its operator set, none of it measured.
    A client agent also gets a spend policy and a deposit, as hiring needs."""
    m, reg = bench.market, bench.registry
    principal = bench.fresh_signer(f"cold:{label}:principal")
    operator = bench.fresh_signer(f"cold:{label}:operator")
    agent_id = reg.register(principal, f"ipfs://{label}")
    reg.set_operator(principal, agent_id, operator.account)
    principal.transact(m.token.functions.mint(principal.address, 10**6 * TOKEN_UNIT))
    principal.transact(m.token.functions.approve(m.escrow.address, 2**256 - 1))
    if client:
        wide = SpendPolicy(10**9 * TOKEN_UNIT, 10**10 * TOKEN_UNIT, 86_400 * 365)
        reg.set_spend_policy(principal, agent_id, m.token.address, wide)
        m.escrow.deposit(principal, agent_id, m.token.address, 10**5 * TOKEN_UNIT)
    return Agent(principal, operator, agent_id)


def cold_steps(bench: Bench) -> dict[str, int]:
    """Steps by agents new to the protocol: each figure has agents of its own, registered
    under their own principals, operators and policies set up in transactions not measured.

    - `deposit_cold`: an agent's first deposit in the token (its principal sends it).
    - `list_cold`: a provider's first listing (same terms and tag as `list`).
    - `life_cold`: hire + accept + deliver + complete + the client's rating of the
      provider + the provider's rating of the client, the first job between two agents
      that never settled anything (the client has deposited; the provider has listed).
    - `complete_cold`: that life's `complete`.
    - `life_with_offer_cold`: hire with offer + deliver + complete + both ratings, between
      another two new agents (the provider never listed: its first signed offer).
    The warm lives (`life`, `life_with_offer`) have no ratings: the cold ones do, as issue
    15 defines a whole life."""
    m, note = bench.market, bench.note
    fns = m.escrow.contract.functions
    out: dict[str, int] = {}

    depositor = fresh_agent(bench, "depositor")
    deposit = m.escrow.deposit(depositor.principal, depositor.agent_id, m.token.address, TOKEN_UNIT)
    out["deposit_cold"] = note("deposit_cold", deposit)

    lister = fresh_agent(bench, "lister")
    create = m.listings.contract.functions.create_listing(
        lister.agent_id,
        tag_hash("summarise"),
        m.token.address,
        PRICE,
        86_400,
        TERMS_HASH,
        LISTING_URI,
    )
    out["list_cold"] = note("list_cold", lister.operator.transact(create))

    client = fresh_agent(bench, "life-client", client=True)
    provider = fresh_agent(bench, "life-provider")
    listing_id = m.listings.create(
        provider.operator,
        provider.agent_id,
        "translate",
        m.token.address,
        PRICE,
        86_400,
        TERMS_HASH,
        LISTING_URI,
    )
    listing = m.listings.get(listing_id)
    hire = client.operator.transact(
        fns.hire(listing_id, client.agent_id, listing.token, listing.price, listing.version)
    )
    job_id = job_id_of(m.escrow, hire)
    life = [
        hire,
        m.escrow.accept(provider.operator, job_id),
        m.escrow.deliver(provider.operator, job_id, RESULT_HASH, LISTING_URI),
        m.escrow.complete(client.operator, job_id),
        *rate_both(m, client, provider, job_id),
    ]
    out["complete_cold"] = note("complete_cold", life[3])
    out["life_cold"] = note("life_cold", *life)

    client = fresh_agent(bench, "offer-client", client=True)
    provider = fresh_agent(bench, "offer-provider")
    signed = bench_offer(bench, provider.operator, provider.agent_id, client.agent_id, 1, m)
    offered = client.operator.transact(
        m.escrow.offer_book.functions.hire_with_offer(
            signed.offer.as_tuple(), client.agent_id, signed.v, signed.r, signed.s
        )
    )
    job_id = job_id_of(m.escrow, offered)
    life = [
        offered,
        m.escrow.deliver(provider.operator, job_id, RESULT_HASH, LISTING_URI),
        m.escrow.complete(client.operator, job_id),
        *rate_both(m, client, provider, job_id),
    ]
    out["life_with_offer_cold"] = note("life_with_offer_cold", *life)
    return out


def rate_both(m: Market, client: Agent, provider: Agent, job_id: int) -> list[TxReceipt]:
    """The client rates the provider, then the provider the client, as `rate` does."""
    return [
        m.reputation.rate(who.operator, job_id, 90, "", "", LISTING_URI, TERMS_HASH)
        for who in (client, provider)
    ]


def job_id_of(escrow: EscrowClient, receipt: TxReceipt) -> int:
    (event,) = escrow.contract.events.JobCreated().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["job_id"])


def code_sizes(bench: Bench) -> dict[str, int]:
    """Runtime code size in bytes of every deployed protocol contract."""
    return {
        name: len(bench.w3.eth.get_code(Web3.to_checksum_address(d.address)))
        for name, d in bench.deployment.contracts.items()
    }


def render_sizes(sizes: dict[str, int]) -> str:
    lines = ["| contract | runtime bytes | room under 24,576 |", "|---|---:|---:|"]
    for name in sorted(sizes):
        lines.append(f"| `{name}` | {sizes[name]:,} | {CODE_SIZE_LIMIT - sizes[name]:,} |")
    return "\n".join(lines)


def measure() -> dict[str, int]:
    """Run every step on one fresh chain; return step name to gas."""
    return measure_all().gas


class Measured(NamedTuple):
    gas: dict[str, int]
    sizes: dict[str, int]
    floors: dict[str, dict[str, int]]


def measure_all() -> Measured:
    """Gas per step, code size per contract and each step's floor, from one fresh chain."""
    bench = Bench()
    with bench.storage.watching():
        results = {"register": gas_register(bench)}
        results.update(market_steps(bench))
        for present, steps in (
            ("Tabs", tab_steps),
            ("ValidationRegistry", validation_steps),
            ("ValidationRegistry", evaluation_steps),
        ):
            if present in bench.deployment.contracts:
                # Each module notes the floor of every step that is one
                # transaction (`Bench.note`); shares and averages have none.
                results.update(steps(bench))
        # Last, so that the new agents' transactions move no steady-state figure.
        results.update(cold_steps(bench))
        results["set_agent_wallet"] = gas_set_agent_wallet(bench)
    below = {s: g for s, g in results.items() if s in bench.floors and g < bench.floors[s].gas}
    assert not below, f"figures under their floor (refunds?): {below}"
    floors = {s: f.as_json() for s, f in sorted(bench.floors.items())}
    return Measured(results, code_sizes(bench), floors)


def render_table(results: dict[str, int], floors: dict[str, dict[str, int]]) -> str:
    """The README's gas tables, made from benchmark results and floors: each step warm
    and, where measured, cold (`<step>_cold`), with the floor and fresh words of each;
    then the reference contracts."""
    lines = [
        "| step | warm | its floor | words new / rewritten | cold | its floor |"
        " words new / rewritten | SPEC target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]

    def cells(step: str) -> list[str]:
        floor = floors.get(step)
        return [
            f"{results[step]:,}" if step in results else "",
            f"{floor['floor']:,}" if floor else "",
            f"{floor['fresh_words']} / {floor['rewritten_words']}" if floor else "",
        ]

    for name in sorted(n for n in results if not n.endswith(COLD)):
        target = ""
        if name in TARGETS:
            over = results[name] - TARGETS[name]
            verdict = "met" if over <= 0 else f"**missed by {over:,}**"
            target = f"{TARGETS[name]:,} ({verdict})"
        row = [f"`{name}`", *cells(name), *cells(name + COLD), target]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Cold lives include both ratings (the client's and the provider's `rate`), warm lives",
        "none. A floor is 21,000 + calldata + 20,000 per new storage word + 2,900 per rewritten",
        "word + logs (or, if more, EIP-7623's calldata floor); reads, calls and a word's first",
        "touch (2,100 cold) depend on the code and are left out; averages",
        "(`purchase_amortised_1000`, `tab_redeem_batch20`) have none.",
        "",
        "| step | reference contract on the same EVM | its gas | ours |",
        "|---|---|---:|---:|",
    ]
    for name, (gas, what) in sorted(REFERENCES.items()):
        lines.append(f"| `{name}` | {what} | {gas:,} | {results[name]:,} |")
    return "\n".join(lines)


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    head, sep, rest = text.partition(begin)
    _, sep2, tail = rest.partition(end)
    if not sep or not sep2:
        raise SystemExit(f"README.md lacks the markers {begin!r} ... {end!r}")
    return f"{head}{begin}\n{body}\n{end}{tail}"


def update_readme(
    measured: Measured,
    readme: Path = ROOT / "README.md",
) -> None:
    """Replace the generated tables between the README's markers with today's figures."""
    results, sizes, floors = measured
    table = render_table(results, floors)
    text = replace_between(readme.read_text(), README_BEGIN, README_END, table)
    readme.write_text(replace_between(text, SIZES_BEGIN, SIZES_END, render_sizes(sizes)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure whole-transaction gas per step.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    measured = measure_all()
    results, sizes, floors = measured
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if args.out == DEFAULT_OUT:
        SIZES_OUT.write_text(json.dumps(sizes, indent=2, sort_keys=True) + "\n")
        FLOORS_OUT.write_text(json.dumps(floors, indent=2, sort_keys=True) + "\n")
        update_readme(measured)
    for name, gas in sorted(results.items()):
        ceiling = CEILINGS.get(name)
        floor = floors.get(name)
        note = f"  floor {floor['floor']:>9,}" if floor else " " * 16
        note += f"  (ceiling {ceiling:,})" if ceiling else ""
        print(f"{name:28s} {gas:>9,}{note}")
    for name, size in sorted(sizes.items()):
        print(f"{name:28s} {size:>9,} bytes, {CODE_SIZE_LIMIT - size:,} under EIP-170")
    return 0


if __name__ == "__main__":
    sys.exit(main())

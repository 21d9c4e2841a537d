"""`Market`: one deployed protocol on one chain, every contract's client in one object.

    from agentmarket import Market

    market = Market.connect("https://sepolia.base.org", "deployments/chain-84532.json",
                            account=operator_key)
    job_id = market.escrow.hire(market.signer, client_id, listing_id, max_price)

`Market.connect("memory")` deploys a fresh protocol on the in-process chain (the
`memory` extra), governed by its first funded account, for tests and notebooks.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.chain import IN_PROCESS, Signer, connect, funded_test_accounts
from agentmarket.contracts.disputes import DisputeClient, PanelClient
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.governor import GovernorClient
from agentmarket.contracts.listings import ListingsClient
from agentmarket.contracts.offers import Offer, SignedOffer, sign_offer
from agentmarket.contracts.registry import AgentRegistryClient, sign_wallet_proof
from agentmarket.contracts.reputation import ReputationClient
from agentmarket.contracts.tabs import SignedVoucher, TabsClient, Voucher, sign_voucher
from agentmarket.contracts.token import TokenClient
from agentmarket.contracts.validation import ValidationClient
from agentmarket.deployment import (
    Deployment,
    ProtocolParams,
    Web3Deployer,
    deploy_protocol,
    majority,
    record_name,
)
from agentmarket.errors import DeploymentError
from agentmarket.index.indexer import DEFAULT_DB_URL, Indexer

# Where `Market.connect` looks for a chain's record when none is named:
# `deployments/chain-<id>.json` under the working directory, as both
# `agentmarket deploy` and `ape run deploy` write it.
DEPLOYMENTS = Path("deployments")


class Market:
    """Every contract's typed client over one connection and one deployment record,
    the signing helpers bound to this chain's domains, and the discovery index.

    Clients take the `Signer` that sends each transaction as their first argument,
    so one `Market` serves any number of keys: `market.signer` is the account given
    to `connect`; `market.signer_for(account)` wraps another.
    """

    def __init__(
        self,
        w3: Web3,
        deployment: Deployment,
        account: LocalAccount | None = None,
        *,
        priority_fee: int | None = None,
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.account = account
        self.priority_fee = priority_fee

    @classmethod
    def connect(
        cls,
        rpc: str | Web3,
        deployment: Deployment | str | os.PathLike[str] | None = None,
        *,
        account: LocalAccount | str | None = None,
        priority_fee: int | None = None,
    ) -> Market:
        """Connect to `rpc` (a JSON-RPC URL, "memory" for the in-process chain, or
        a Web3 connection) and the protocol recorded in `deployment` (a record or
        its path; default `deployments/chain-<id>.json`). `account` (a key or its
        hex) signs through `market.signer`.

        On "memory" with no record, deploys a fresh protocol governed, arbitrated
        and signed for by the chain's first funded account (unless `account` is
        given). Raises DeploymentError when the record is missing, is another
        chain's, or names an address with no code on this chain."""
        w3 = rpc if isinstance(rpc, Web3) else connect(rpc)
        key = Account.from_key(account) if isinstance(account, str) else account
        if deployment is None and rpc == IN_PROCESS:
            key = key or funded_test_accounts(w3, 1)[0]
            record = deploy_memory_protocol(Signer(w3, key))
        else:
            record = load_deployment(w3, deployment)
        return cls(w3, record, key, priority_fee=priority_fee)

    # ------------------------------------------------------------ deployment

    @property
    def chain_id(self) -> int:
        return self.deployment.chain_id

    def address(self, name: str) -> str:
        """The deployed address of contract `name` (e.g. "JobEscrow")."""
        try:
            return self.deployment.address(name)
        except KeyError:
            raise DeploymentError(
                f"{name} is not in the deployment record of chain {self.chain_id}"
            ) from None

    # -------------------------------------------------------------- clients

    @functools.cached_property
    def registry(self) -> AgentRegistryClient:
        return AgentRegistryClient(self.w3, self.address("AgentRegistry"))

    @functools.cached_property
    def listings(self) -> ListingsClient:
        return ListingsClient(self.w3, self.address("ServiceListings"))

    @functools.cached_property
    def escrow(self) -> EscrowClient:
        return EscrowClient(self.w3, self.address("JobEscrow"))

    @functools.cached_property
    def reputation(self) -> ReputationClient:
        return ReputationClient(self.w3, self.address("ReputationRegistry"))

    @functools.cached_property
    def disputes(self) -> DisputeClient:
        return DisputeClient(self.w3, self.address("DisputeResolver"))

    @functools.cached_property
    def panel(self) -> PanelClient:
        return PanelClient(self.w3, self.address("ArbiterPanel"))

    @functools.cached_property
    def validation(self) -> ValidationClient:
        return ValidationClient(self.w3, self.address("ValidationRegistry"))

    @functools.cached_property
    def tabs(self) -> TabsClient:
        return TabsClient(self.w3, self.address("Tabs"))

    @functools.cached_property
    def governor(self) -> GovernorClient:
        return GovernorClient(self.w3, self.address("EscrowGovernor"))

    def token(self, address: str) -> TokenClient:
        """An ERC-20 payment token's client."""
        return TokenClient(self.w3, address)

    def index(self, db_url: str = DEFAULT_DB_URL, **options: object) -> Indexer:
        """The discovery index of this deployment in `db_url` (SQLite), starting at
        the deployment's first block; `options` go to `Indexer` (e.g.
        `confirmations=2`, `progress=False`). Call `.sync()` to bring it up to date."""
        addresses = {name: d.address for name, d in self.deployment.contracts.items()}
        first = min((d.block for d in self.deployment.contracts.values()), default=0)
        options.setdefault("start_block", first)
        return Indexer(self.w3, addresses, db_url, **options)  # type: ignore[arg-type]

    # -------------------------------------------------------------- signing

    @functools.cached_property
    def signer(self) -> Signer:
        """The `Signer` of the account given to `connect`."""
        if self.account is None:
            raise DeploymentError("no account: pass account= to Market.connect, or signer_for()")
        return self.signer_for(self.account)

    def signer_for(self, account: LocalAccount) -> Signer:
        """A `Signer` that sends `account`'s transactions on this connection."""
        return Signer(self.w3, account, priority_fee=self.priority_fee)

    def sign_offer(self, account: LocalAccount, offer: Offer) -> SignedOffer:
        """A provider's signed offer, for this chain's OfferBook."""
        return sign_offer(account, offer, self.chain_id, self.escrow.offer_book_address)

    def sign_voucher(self, account: LocalAccount, voucher: Voucher) -> SignedVoucher:
        """A tab voucher signed by the tab's key, for this chain's Tabs."""
        return sign_voucher(account, voucher, self.chain_id, self.tabs.address)

    def sign_wallet_proof(
        self, wallet: LocalAccount, agent_id: int, owner: str, deadline: int
    ) -> bytes:
        """The operator wallet's proof that it accepts to act for `agent_id`."""
        return sign_wallet_proof(
            wallet, self.chain_id, self.registry.address, agent_id, owner, deadline
        )


def deploy_memory_protocol(signer: Signer) -> Deployment:
    """A fresh protocol on the in-process chain: `signer` deploys and governs, and is
    the one arbiter of the panel."""
    me = signer.address
    params = ProtocolParams(governance=me, arbiters=(me,), quorum=majority(1))
    chain_id = int(signer.w3.eth.chain_id)
    return deploy_protocol(Web3Deployer(signer), record_name(chain_id), chain_id, me, params)


def load_deployment(w3: Web3, deployment: Deployment | str | os.PathLike[str] | None) -> Deployment:
    """`deployment` (a record, its path, or None for `deployments/chain-<id>.json`),
    checked against the node: its chain id, and code at every address it names."""
    chain_id = int(w3.eth.chain_id)
    if isinstance(deployment, Deployment):
        record, where = deployment, f"the record of {deployment.network}"
    else:
        path = (
            Path(deployment)
            if deployment is not None
            else DEPLOYMENTS / f"{record_name(chain_id)}.json"
        )
        where = str(path)
        if not path.is_file():
            raise DeploymentError(f"no deployment record at {path}")
        try:
            record = Deployment.load(path)
        except (ValueError, TypeError, KeyError) as exc:
            raise DeploymentError(f"{path} is not a deployment record: {exc}") from exc
    if record.chain_id != chain_id:
        raise DeploymentError(
            f"{where} records chain {record.chain_id}, but the node is chain {chain_id}"
        )
    for name, deployed in record.contracts.items():
        if not w3.eth.get_code(Web3.to_checksum_address(deployed.address)):
            raise DeploymentError(
                f"{where}: no code at {name}'s {deployed.address} on chain {chain_id}"
            )
    return record

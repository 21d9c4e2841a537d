"""AgentMarket: a thin, typed web3.py client for the AgentMarket contracts.

    from agentmarket import Market
    market = Market.connect("http://127.0.0.1:8545", "deployments/chain-31337.json",
                            account=key)

`Market` wires every contract's client (`agentmarket.contracts`), the signing helpers
and the discovery index (`agentmarket.index`) from one deployment record. A refused
call raises a `ContractRevertError` subclass named after its revert string.
"""

from agentmarket.artifacts import Artifact, load_artifact
from agentmarket.chain import IN_PROCESS, Signer
from agentmarket.contracts.disputes import (
    RULING_CLIENT_WINS,
    RULING_PROVIDER_WINS,
    RULING_REFUSED,
    Dispute,
    DisputeStatus,
    split_ruling,
)
from agentmarket.contracts.escrow import Job, JobStatus
from agentmarket.contracts.listings import Listing, ListingState, tag_hash
from agentmarket.contracts.offers import Offer, SignedOffer
from agentmarket.contracts.registry import Agent, SpendPolicy
from agentmarket.contracts.reputation import Reputation
from agentmarket.contracts.tabs import SignedVoucher, Tab, TabStatus, Voucher
from agentmarket.deployment import Deployment, ProtocolParams
from agentmarket.errors import (
    AgentMarketError,
    ContractRevertError,
    DeploymentError,
    TransactionTimeoutError,
)
from agentmarket.index import Indexer, ProviderMatch, find_providers
from agentmarket.market import Market

__all__ = [
    "IN_PROCESS",
    "RULING_CLIENT_WINS",
    "RULING_PROVIDER_WINS",
    "RULING_REFUSED",
    "Agent",
    "AgentMarketError",
    "Artifact",
    "ContractRevertError",
    "Deployment",
    "DeploymentError",
    "Dispute",
    "DisputeStatus",
    "Indexer",
    "Job",
    "JobStatus",
    "Listing",
    "ListingState",
    "Market",
    "Offer",
    "ProtocolParams",
    "ProviderMatch",
    "Reputation",
    "SignedOffer",
    "SignedVoucher",
    "Signer",
    "SpendPolicy",
    "Tab",
    "TabStatus",
    "TransactionTimeoutError",
    "Voucher",
    "find_providers",
    "load_artifact",
    "split_ruling",
    "tag_hash",
]
__version__ = "0.1.0"

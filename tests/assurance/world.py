"""The whole protocol, deployed as production deploys it, for the assurance tests.

Order (as `src/agentmarket/deployment.py` and `tests/escrow/conftest.py`):
AgentRegistry, ServiceListings, ArbiterPanel, then DisputeResolver,
ReputationRegistry and ValidationRegistry, all three built for the escrow's
predicted address, then JobEscrow, built for its EscrowGovernor's and the Tabs contract's predicted
addresses, then the governor (it writes config 1 and lifts the escrow's
initial pause), then Tabs (the predicted addresses are checked). Governance,
through the governor, then appends a config whose arbitrator is the panel
(the escrow's first config names a placeholder arbitrator with no code, which
the machine keeps as a "court that never answers") and allowlists the tokens.
Two dedicated evaluator accounts (never a party) judge deliveries.

Also here: fast, independent EIP-712 digests for offers and wallet proofs
(keccak and ABI encoding in Python, signed with the raw key), so the state
machine can sign hundreds of offers without eth-account's typed-data parser.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boa
from eth_abi import encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

try:  # pytest puts tests/ on sys.path (pyproject `pythonpath`); a stray `tests`
    # package in site-packages can shadow the repository's tests/ folder.
    from conftest import load
    from escrow.conftest import _deploy_escrow, config_tuple, governor_of, predict_address
    from escrow.helpers import register_as
except ModuleNotFoundError:  # pragma: no cover
    from tests.conftest import load  # type: ignore[no-redef]
    from tests.escrow.conftest import (  # type: ignore[no-redef]
        _deploy_escrow,
        config_tuple,
        governor_of,
        predict_address,
    )
    from tests.escrow.helpers import register_as  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[2]
DAY = 86_400
E18 = 10**18
MAX_UINT = 2**256 - 1
# The agents' ids (issue 21): the top of the 64-bit field, odd and even, the
# field's top bit with bit 0, and a small one as a young registry mints. Jobs
# and tabs pack two of them side by side, so a mask one bit off in either
# direction changes what the machine reads back.
AGENT_IDS = (2**64 - 1, 2**64 - 2, 2**63 + 1, 7)

# Status codes of JobEscrow.
NONE, REQUESTED, ACCEPTED, DELIVERED, COMPLETED, REFUNDED, DISPUTED, REJECTED, RESOLVED = range(9)
TERMINAL = (COMPLETED, REFUNDED, RESOLVED)
# Reputation outcomes.
OUT_COMPLETED, OUT_REFUNDED_LATE, OUT_DECLINED = 1, 2, 3
OUT_CLIENT, OUT_PROVIDER, OUT_SETTLED, OUT_SPLIT = 4, 5, 6, 7
OUT_REJECTED, OUT_VALIDATED = 8, 9  # an evaluator's rejection stood / its approval
# Resolver statuses.
RS_NONE, RS_AWAITING, RS_AT_ARBITRATOR = 0, 1, 2
# MockWeirdToken modes.
MODE_NORMAL, MODE_FALSE, MODE_FEE, MODE_ZERO_REVERTS, MODE_REENTRANT = 0, 1, 2, 3, 4

OFFER_TYPE = (
    b"Offer(uint256 provider_id,uint256 client_id,address token,uint256 price,"
    b"uint256 delivery_time,bytes32 terms_hash,address evaluator,uint256 evaluator_fee_bps,"
    b"uint256 nonce,uint256 expiry)"
)
# An offer's evaluator field when it names none.
NO_EVALUATOR = "0x" + "00" * 20
WALLET_TYPE = b"AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)"
DOMAIN_TYPE = b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
VOUCHER_TYPEHASH = keccak(b"Voucher(uint256 tab_id,uint256 amount)")


def now() -> int:
    return int(boa.env.evm.patch.timestamp)


def chain_id() -> int:
    return int(boa.env.evm.patch.chain_id)


@functools.cache
def domain_separator(name: str, version: str, chain: int, contract: str) -> bytes:
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [keccak(DOMAIN_TYPE), keccak(name.encode()), keccak(version.encode()), chain, contract],
        )
    )


def typed_digest(separator: bytes, struct_hash: bytes) -> bytes:
    return keccak(b"\x19\x01" + separator + struct_hash)


# (provider_id, client_id, token, price, delivery_time, terms_hash, evaluator,
# evaluator_fee_bps, nonce, expiry): the escrow's `Offer` struct, in its order.
Offer = tuple[int, int, str, int, int, bytes, str, int, int, int]


def offer_digest(offer: Offer, chain: int, offer_book: str) -> bytes:
    struct_hash = keccak(
        encode(
            [
                "bytes32",
                "uint256",
                "uint256",
                "address",
                "uint256",
                "uint256",
                "bytes32",
                "address",
                "uint256",
                "uint256",
                "uint256",
            ],
            [keccak(OFFER_TYPE), *offer],
        )
    )
    sep = domain_separator("AgentMarket Offers", "1", chain, to_checksum_address(offer_book))
    return typed_digest(sep, struct_hash)


@functools.lru_cache(maxsize=65_536)
def _sign(key: bytes, digest: bytes) -> tuple[int, int, int]:
    signed = Account.unsafe_sign_hash(digest, key)
    return int(signed.v), int(signed.r), int(signed.s)


def sign_offer(
    signer: LocalAccount, offer: Offer, offer_book: str, chain: int | None = None
) -> tuple[int, int, int]:
    """(v, r, s) of `signer` over the offer for the OfferBook `offer_book` on
    `chain` (default: this chain)."""
    digest = offer_digest(offer, chain_id() if chain is None else chain, offer_book)
    return _sign(bytes(signer.key), digest)


def tab_voucher(signer: LocalAccount, tab_id: int, amount: int, tabs: str) -> tuple[int, int, int]:
    """(v, r, s) of `signer` over a tab voucher for the Tabs contract `tabs` on this chain."""
    struct_hash = keccak(
        encode(["bytes32", "uint256", "uint256"], [VOUCHER_TYPEHASH, tab_id, amount])
    )
    sep = domain_separator("AgentMarket Tabs", "1", chain_id(), to_checksum_address(tabs))
    return _sign(bytes(signer.key), typed_digest(sep, struct_hash))


def wallet_proof(
    wallet: LocalAccount, registry: str, agent_id: int, owner: str, deadline: int
) -> bytes:
    struct_hash = keccak(
        encode(
            ["bytes32", "uint256", "address", "address", "uint256"],
            [keccak(WALLET_TYPE), agent_id, wallet.address, owner, deadline],
        )
    )
    sep = domain_separator(
        "ERC8004IdentityRegistry", "1", chain_id(), to_checksum_address(registry)
    )
    v, r, s = _sign(bytes(wallet.key), typed_digest(sep, struct_hash))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def set_operator(registry: Any, agent_id: int, owner: str, wallet: LocalAccount) -> None:
    """The principal makes `wallet` the agent's operator with the wallet's proof."""
    deadline = now() + 120
    proof = wallet_proof(wallet, str(registry.address), agent_id, owner, deadline)
    with boa.env.prank(owner):
        registry.setAgentWallet(agent_id, wallet.address, deadline, proof)


@dataclass
class World:
    """Every contract and every named account of the assurance tests."""

    registry: Any
    listings: Any
    panel: Any
    resolver: Any
    reputation: Any
    validation: Any
    offers: Any
    escrow: Any
    governor: Any
    tabs: Any
    hostile: Any
    hostile_owner: str
    tokens: dict[str, Any]
    governance: str
    guardian: str
    fee_recipient: str
    arbiters: list[str]
    principals: list[LocalAccount]
    operators: dict[int, list[LocalAccount]]
    agents: list[int]
    owner_of: dict[int, int]
    stranger: LocalAccount
    evaluators: list[str]
    placeholder_arbitrator: str
    panel_config: int
    hostile_config: int
    extra: dict[str, Any] = field(default_factory=dict)


# Token names of the world: a plain 18-decimal token, a 6-decimal one, a
# USDT-like one that returns nothing, and a switchable weird one.
TOKENS = ("T18", "USDC6", "USDT6", "WEIRD")
TOKEN_WEIGHT = {"T18": E18, "USDC6": 10**24, "USDT6": 10**24, "WEIRD": E18}
BOND_FLOOR = 1_000


def build(keyed: Callable[[str], LocalAccount]) -> World:
    """Deploy the protocol and its mocks in the current boa env."""
    boa.env.sstore_trace.clear()
    deployer = keyed("deployer").address
    governance = str(keyed("governance").address)
    guardian = str(keyed("guardian").address)
    fee_recipient = str(keyed("fee_recipient").address)
    arbiters = [str(keyed(f"arbiter{i}").address) for i in range(3)]
    with boa.env.prank(deployer):
        registry = load("AgentRegistry")
    with boa.env.prank(governance):
        listings = load("ServiceListings", registry.address, guardian)
        panel = load("ArbiterPanel", arbiters, 2)
        # The resolver is built for the escrow's address: after it come the
        # reputation and validation registries, the escrow, its governor, the
        # tabs and the offer book (governance's next six CREATEs); the escrow
        # fixes the governor's, the tabs' and the offer book's addresses as
        # its GOVERNOR, TABS and OFFERS.
        resolver = load("DisputeResolver", predict_address(governance, ahead=3), registry.address)
        escrow_at = predict_address(governance, ahead=2)
        tabs_at = predict_address(governance, ahead=4)
        offers_at = predict_address(governance, ahead=5)
        reputation = load("ReputationRegistry", escrow_at)
        validation = load("ValidationRegistry", registry.address, escrow_at)
    escrow = _deploy_escrow(
        registry,
        listings,
        governance,
        guardian,
        fee_recipient,
        reputation,
        resolver,
        tabs_at,
        offers_at,
    )
    governor = governor_of(escrow)
    with boa.env.prank(governance):
        tabs = load("Tabs", escrow.address, registry.address)
        offers = load("OfferBook", escrow.address, registry.address)
    assert (str(escrow.address), str(tabs.address)) == (escrow_at, tabs_at)
    assert str(offers.address) == offers_at
    assert str(governor.ESCROW()) == str(escrow.address)
    assert str(escrow.TABS()) == tabs_at
    assert str(resolver.HOST()) == str(escrow.address)
    assert str(reputation.ESCROW()) == str(escrow.address)
    assert str(validation.ESCROW()) == str(escrow.address)
    with boa.env.prank(deployer):
        hostile = load("MockHostileArbitrator", 0)
    tokens = {
        "T18": load("MockWeirdToken", 18),
        "USDC6": load("MockWeirdToken", 6),
        "USDT6": load("MockNoReturnToken", 6),
        "WEIRD": load("MockWeirdToken", 18),
    }
    placeholder = config_tuple(fee_recipient)[-1]
    with boa.env.prank(governance):
        for name in TOKENS:
            governor.set_token(tokens[name].address, True, TOKEN_WEIGHT[name])
        hostile_config = int(
            governor.add_config(
                config_tuple(fee_recipient, bond_floor=BOND_FLOOR, arbitrator=hostile.address)
            )
        )
        panel_config = int(
            governor.add_config(
                config_tuple(fee_recipient, bond_floor=BOND_FLOOR, arbitrator=panel.address)
            )
        )
    # Five principals; the first owns two agents (self-dealing), the third's
    # agent starts without an operator, the last two own nothing: buyers an
    # agent may be sold to mid-job, mid-dispute or mid-tab.
    principals = [keyed(f"assurance_principal{i}") for i in range(5)]
    agents: list[int] = []
    owner_of: dict[int, int] = {}
    for p, agent_id in zip((0, 0, 1, 2), AGENT_IDS, strict=True):
        register_as(registry, principals[p].address, agent_id)
        agents.append(agent_id)
        owner_of[agent_id] = p
    operators = {a: [keyed(f"assurance_op{a}_{k}") for k in range(2)] for a in agents}
    for a in agents[:3]:
        set_operator(registry, a, principals[owner_of[a]].address, operators[a][0])
    return World(
        registry=registry,
        listings=listings,
        panel=panel,
        resolver=resolver,
        reputation=reputation,
        validation=validation,
        escrow=escrow,
        governor=governor,
        tabs=tabs,
        offers=offers,
        hostile=hostile,
        hostile_owner=str(deployer),
        tokens=tokens,
        governance=governance,
        guardian=guardian,
        fee_recipient=fee_recipient,
        arbiters=arbiters,
        principals=principals,
        operators=operators,
        agents=agents,
        owner_of=owner_of,
        stranger=keyed("assurance_stranger"),
        evaluators=[str(keyed(f"assurance_evaluator{i}").address) for i in range(2)],
        placeholder_arbitrator=str(placeholder),
        panel_config=panel_config,
        hostile_config=hostile_config,
    )

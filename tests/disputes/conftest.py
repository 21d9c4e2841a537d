"""Fixtures for the arbitration tests: an ArbiterPanel, mock arbitrables, a paid court.

The root conftest supplies role-named accounts and per-test isolation; this one adds
arbiters and factory fixtures (`deploy_panel`, `open_dispute`, `extra`), and for the
DisputeResolver: a MockDisputeHost ledger (`host`), the `resolver`, `make_job`,
`open_case`, `panel_rules`, `court_rules`, `ledger`, `hostile_court`,
`make_operator`, and the payout `model` the tests compare against, with the
ledger changes it implies (`expect_ruled`, `expect_shared`, `NEUTRAL`) and
`native_model` for a paid court's advance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from eth_abi import encode

try:  # `tests` importable (rootdir on sys.path, or tests/ made a package)
    from tests.conftest import load
except ModuleNotFoundError:  # pytest's rootdir conftest, imported as `conftest`
    from conftest import load  # type: ignore[no-redef]

from escrow.helpers import CLIENT_AGENT_ID, PROVIDER_AGENT_ID, register_as

from .helpers import CHOICES


@pytest.fixture(scope="session")
def arbiters(keyed: Callable[[str], Any]) -> list[str]:
    """Sixteen arbiter accounts; panels use a prefix of them."""
    return [str(keyed(f"arbiter{i}").address) for i in range(16)]


@pytest.fixture(scope="session")
def client_principal(principal: str) -> str:
    return principal


@pytest.fixture(scope="session")
def provider_principal(other_principal: str) -> str:
    return other_principal


@pytest.fixture(scope="session")
def extra() -> Callable[[str, str], bytes]:
    """`extra(client_principal, provider_principal)`: the panel's extraData."""

    def _extra(client: str, provider: str) -> bytes:
        return encode(["address", "address"], [client, provider])

    return _extra


@pytest.fixture(scope="module")
def deploy_panel(governance: str) -> Callable[..., Any]:
    """`deploy_panel(arbiters, quorum)`: a panel owned by governance."""

    def _deploy(members: list[str], quorum: int) -> Any:
        with boa.env.prank(governance):
            return load("ArbiterPanel", members, quorum)

    return _deploy


@pytest.fixture(scope="module")
def panel(deploy_panel: Callable[..., Any], arbiters: list[str]) -> Any:
    """The default panel of these tests: 2-of-3."""
    return deploy_panel(arbiters[:3], 2)


@pytest.fixture(scope="module")
def deploy_arbitrable(deployer: str) -> Callable[[Any], Any]:
    """`deploy_arbitrable(arbitrator)`: a MockArbitrable bound to `arbitrator`."""

    def _deploy(arbitrator: Any) -> Any:
        with boa.env.prank(deployer):
            return load("MockArbitrable", arbitrator.address)

    return _deploy


@pytest.fixture(scope="module")
def arbitrable(panel: Any, deploy_arbitrable: Callable[[Any], Any]) -> Any:
    return deploy_arbitrable(panel)


@pytest.fixture(scope="module")
def hostile(panel: Any, attacker: str) -> Any:
    with boa.env.prank(attacker):
        return load("MockHostileArbitrable", panel.address)


@pytest.fixture(scope="module")
def open_dispute(
    arbitrable: Any,
    client_principal: str,
    provider_principal: str,
    extra: Callable[[str, str], bytes],
) -> Callable[..., int]:
    """`open_dispute(via=arbitrable, client=..., provider=..., choices=103)` -> id."""

    def _open(
        via: Any = None,
        client: str | None = None,
        provider: str | None = None,
        choices: int = CHOICES,
    ) -> int:
        via = via if via is not None else arbitrable
        data = extra(client or client_principal, provider or provider_principal)
        return int(via.open(choices, data))

    return _open


@pytest.fixture(scope="module")
def set_panel(panel: Any, governance: str) -> Callable[..., None]:
    """`set_panel(arbiters, quorum)` as governance on the default panel."""

    def _set(members: list[str], quorum: int) -> None:
        with boa.env.prank(governance):
            panel.set_panel(members, quorum)

    return _set


@pytest.fixture(scope="module")
def court(deployer: str) -> Any:
    """A paid court charging 0.01 native coin per dispute."""
    with boa.env.prank(deployer):
        return load("MockPaidCourt", 10**16)


@pytest.fixture(scope="module")
def paid_arbitrable(court: Any, deploy_arbitrable: Callable[[Any], Any]) -> Any:
    """A MockArbitrable that opens disputes at the paid court."""
    return deploy_arbitrable(court)


@pytest.fixture(scope="module")
def ruling_lib() -> Any:
    return load("MockRuling")


# ------------------------------------------------------------ DisputeResolver
#
# The resolver runs against MockDisputeHost (a ledger with the escrow's
# revert strings and conservation checks), the real AgentRegistry and, as
# arbitrator, the real ArbiterPanel (2-of-3, `panel` above), the paid court or
# a hostile one. Amounts are odd on purpose, so rounding shows.

TOKEN = "0x00000000000000000000000000000000000000A1"  # the mock ledger's token
AMOUNT = 1_000_003
BOND = 50_001
REVIEW_WINDOW = 2 * 86_400
RESPONSE_WINDOW = 3 * 86_400 + 1  # odd windows on purpose: packed fields show parity slips
ARBITRATION_WINDOW = 7 * 86_400 - 1


@pytest.fixture(scope="module")
def parties(registry: Any, client_principal: str, provider_principal: str) -> tuple[int, int]:
    """(client agent id, provider agent id), owned by the two principals: odd
    ids at and near the top of their 64-bit field (a job id packs both side
    by side); agents registered later get small ids."""
    return (
        register_as(registry, client_principal, CLIENT_AGENT_ID, keep_counter=True),
        register_as(registry, provider_principal, PROVIDER_AGENT_ID, keep_counter=True),
    )


@pytest.fixture(scope="module")
def client_id(parties: tuple[int, int]) -> int:
    return parties[0]


@pytest.fixture(scope="module")
def provider_id(parties: tuple[int, int]) -> int:
    return parties[1]


@pytest.fixture(scope="module")
def host(registry: Any, deployer: str) -> Any:
    with boa.env.prank(deployer):
        return load("MockDisputeHost", registry.address)


@pytest.fixture(scope="module")
def resolver(host: Any, registry: Any, deployer: str) -> Any:
    with boa.env.prank(deployer):
        r = load("DisputeResolver", host.address, registry.address)
        host.set_resolver(r.address)
    return r


@pytest.fixture(scope="module")
def make_job(host: Any, parties: tuple[int, int], resolver: Any, panel: Any) -> Callable[..., int]:
    """`make_job(arbitrator=panel, amount=AMOUNT, bond=BOND, fee_bps=0, ...)`: a
    Delivered job in the mock host; the client is funded with amount + bond
    and the provider with a bond (`fund=False`: no bonds funded;
    `fund_provider=False`: no provider bond). `rejected=True`: the evaluator
    rejected it, so only the provider may open a dispute (a contest), until
    now + the response window."""

    def _make(
        arbitrator: Any = None,
        amount: int = AMOUNT,
        bond: int = BOND,
        fee_bps: int = 0,
        response_window: int = RESPONSE_WINDOW,
        arbitration_window: int = ARBITRATION_WINDOW,
        review_window: int = REVIEW_WINDOW,
        fund: bool = True,
        fund_provider: bool = True,
        rejected: bool = False,
    ) -> int:
        client, provider = parties
        arb = arbitrator if arbitrator is not None else panel
        arb_address = arb if isinstance(arb, str) else arb.address
        host.deposit(client, TOKEN, amount + bond if fund else amount)
        if fund and fund_provider:
            host.deposit(provider, TOKEN, bond)
        job = int(
            host.create_job(
                client,
                provider,
                TOKEN,
                amount,
                bond,
                response_window,
                arbitration_window,
                arb_address,
                review_window,
                fee_bps,
            )
        )
        if rejected:
            host.reject(job)
        return job

    return _make


@pytest.fixture(scope="module")
def ledger(host: Any, parties: tuple[int, int]) -> Callable[[], dict[str, int]]:
    """`ledger()`: the mock host's balances that a dispute moves."""

    def _ledger() -> dict[str, int]:
        client, provider = parties
        return {
            "client": int(host.balance_of(client, TOKEN)),
            "provider": int(host.balance_of(provider, TOKEN)),
            "fees": int(host.fees_total(TOKEN)),
            "locked": int(host.locked_total(TOKEN)),
            "bonds": int(host.bonds_total(TOKEN)),
        }

    return _ledger


@pytest.fixture(scope="module")
def open_case(resolver: Any, client_principal: str, provider_principal: str) -> Callable[..., None]:
    """`open_case(job_id, answer=True, client_value=0, provider_value=0,
    by_provider=False)`: the client disputes and, unless told otherwise, the
    provider answers; `by_provider=True` (a rejected job): the provider
    contests and the client answers. Each side sends its own `*_value`."""

    def _open(
        job_id: int,
        answer: bool = True,
        client_value: int = 0,
        provider_value: int = 0,
        by_provider: bool = False,
    ) -> None:
        opener, answerer = (client_principal, client_value), (provider_principal, provider_value)
        if by_provider:
            opener, answerer = answerer, opener
        with boa.env.prank(opener[0]):
            resolver.dispute(job_id, "ipfs://meta", value=opener[1])
        if answer:
            with boa.env.prank(answerer[0]):
                resolver.answer(job_id, "ipfs://answer", value=answerer[1])

    return _open


@pytest.fixture(scope="module")
def panel_rules(panel: Any, resolver: Any, arbiters: list[str]) -> Callable[[int, int], None]:
    """`panel_rules(job_id, ruling)`: two of the panel's three arbiters vote
    `ruling` on the job's case; the second vote calls `rule` on the resolver."""

    def _rule(job_id: int, ruling: int) -> None:
        dispute_id = resolver.dispute_of(job_id).arbitrator_dispute_id
        for arbiter in arbiters[:2]:
            with boa.env.prank(arbiter):
                panel.vote(dispute_id, ruling)

    return _rule


@pytest.fixture(scope="module")
def court_rules(court: Any, resolver: Any, deployer: str) -> Callable[[int, int], None]:
    """`court_rules(job_id, ruling)`: the paid court rules `ruling` on the job's case."""

    def _rule(job_id: int, ruling: int) -> None:
        with boa.env.prank(deployer):
            court.give_ruling(resolver.dispute_of(job_id).arbitrator_dispute_id, ruling)

    return _rule


@pytest.fixture(scope="module")
def hostile_court(deployer: str) -> Any:
    """A MockHostileArbitrator (free; modes set per test)."""
    with boa.env.prank(deployer):
        return load("MockHostileArbitrator", 0)


@pytest.fixture(scope="module")
def make_operator(registry: Any, keyed: Callable[[str], Any]) -> Callable[[int, str], str]:
    """`make_operator(agent_id, label)`: a keyed account made the agent's
    operator with a valid EIP-712 `AgentWalletSet` proof; returns its address."""
    from agentmarket.contracts.registry import sign_wallet_proof

    def _make(agent_id: int, label: str) -> str:
        account = keyed(label)
        owner = str(registry.ownerOf(agent_id))
        deadline = int(boa.env.timestamp) + 60
        chain_id = boa.env.evm.patch.chain_id
        sig = sign_wallet_proof(account, chain_id, str(registry.address), agent_id, owner, deadline)
        with boa.env.prank(owner):
            registry.setAgentWallet(agent_id, account.address, deadline, sig)
        return str(account.address)

    return _make


OUTCOME_CLIENT, OUTCOME_PROVIDER, OUTCOME_SETTLED, OUTCOME_SPLIT = 4, 5, 6, 7
(
    ST_NONE,
    ST_AWAITING,
    ST_AT_ARBITRATOR,
    ST_DEFAULT_WIN,
    ST_SETTLED,
    ST_RULED,
    ST_NEUTRAL,
) = range(7)


def model(amount: int, bond: int, ruling: int) -> tuple[int, int, int, int]:
    """What a ruling pays, written out independently of the contract:
    (provider share, client bond back, provider bond back, outcome)."""
    if ruling == 0:
        return amount // 2, bond, bond, OUTCOME_SPLIT
    if ruling == 1:
        return 0, bond, 0, OUTCOME_CLIENT
    if ruling == 2:
        return amount, 0, bond, OUTCOME_PROVIDER
    p = ruling - 3
    assert 0 <= p <= 100
    return amount * p // 100, bond - bond * p // 100, bond - bond * (100 - p) // 100, OUTCOME_SPLIT


def expect_ruled(amount: int, bond: int, ruling: int, fee_bps: int = 0) -> dict[str, int]:
    """`model` as the ledger's change from before the dispute to after a ruling
    (both bonds posted; what of them is not returned goes to fees)."""
    share, client_back, provider_back, _ = model(amount, bond, ruling)
    fee = share * fee_bps // 10_000
    return {
        "client": -bond + (amount - share) + client_back,
        "provider": -bond + (share - fee) + provider_back,
        "fees": fee + (2 * bond - client_back - provider_back),
        "locked": -amount,
        "bonds": 0,
    }


def expect_shared(share: int) -> dict[str, int]:
    """The ledger's change from before the dispute when `share` of AMOUNT goes
    to the provider and the rest to the client, every bond posted comes back
    and no fee is charged (a settlement, or the neutral default)."""
    return {
        "client": AMOUNT - share,
        "provider": share,
        "fees": 0,
        "locked": -AMOUNT,
        "bonds": 0,
    }


# the neutral default on a default job, whoever opened: half each, the odd
# unit to the client
NEUTRAL = expect_shared(AMOUNT // 2)


def native_model(advance: int, ruling: int) -> int:
    """The provider's side's part of the opener's native advance under a ruling
    (whoever opened; the client's side gets the rest)."""
    if ruling == 0:
        return advance // 2
    if ruling == 1:
        return 0
    if ruling == 2:
        return advance
    return advance * (ruling - 3) // 100

"""Gas of the registry's writes, priced as real transactions on a chain of
their own (cold accounts and slots, storage committed between transactions;
see `helpers.run_tx`). The benchmark (`agentmarket.bench`) measures the same
two steps over JSON-RPC receipts; these tests keep the figures visible while
the contract changes, against the ceilings below (today's figures rounded up;
the DESIGN targets, 75,000 and 60,000, are missed: see the README notes)."""

from __future__ import annotations

from collections.abc import Iterator

import boa
import pytest
from eth_account.signers.local import LocalAccount

from agentmarket.registry import sign_wallet_proof

from .helpers import ROOT, URI, own_chain, request_hash, run_tx

pytestmark = pytest.mark.ignore_isolation

# Today's figures, rounded up to the next thousand.
REQUEST_CEILING = 111_000  # steady state: three fresh words, two rewritten
RESPONSE_CEILING = 84_000  # first answer, with a tag and a response hash
VERDICT_TX_CEILING = 150_000  # `record_verdict` sent directly, with a tag and a hash
VERDICT_LEAN_TX_CEILING = 113_000  # the same without a tag or a hash


class Chain:
    def __init__(self, principal: str, operator: LocalAccount, escrow: str) -> None:
        self.registry = boa.load(str(ROOT / "contracts" / "AgentRegistry.vy"))
        self.validation = boa.load(
            str(ROOT / "contracts" / "ValidationRegistry.vy"), self.registry.address, escrow
        )
        with boa.env.prank(principal):
            self.agent = self.registry.register("ipfs://agent")
        deadline = boa.env.evm.patch.timestamp + 120
        proof = sign_wallet_proof(
            operator,
            boa.env.evm.patch.chain_id,
            str(self.registry.address),
            self.agent,
            principal,
            deadline,
        )
        with boa.env.prank(principal):
            self.registry.setAgentWallet(self.agent, operator.address, deadline, proof)
        self.operator = str(operator.address)
        self.n = 0

    def request(self, validator: str) -> tuple[bytes, int]:
        self.n += 1
        h = request_hash(f"gas-{self.n}")
        gas = run_tx(
            self.validation.validationRequest,
            validator,
            self.agent,
            URI,
            h,
            sender=self.operator,
        )
        return h, gas

    def respond(self, validator: str, h: bytes, response: int = 90, tag: str = "hard") -> int:
        return run_tx(
            self.validation.validationResponse,
            h,
            response,
            URI,
            request_hash(f"evidence-{self.n}"),
            tag,
            sender=validator,
        )


@pytest.fixture
def chain(principal: str, operator: LocalAccount, escrow: str) -> Iterator[Chain]:
    with own_chain():
        boa.env.set_balance(principal, 10**21)
        yield Chain(principal, operator, escrow)


def test_gas__request_and_response__steady_state(chain: Chain, validator: str) -> None:
    h, first_request = chain.request(validator)
    first_response = chain.respond(validator, h)
    h, request = chain.request(validator)
    response = chain.respond(validator, h)
    update = chain.respond(validator, h, 40, "hard")
    h, _ = chain.request(validator)
    untagged = chain.respond(validator, h, 70, "")

    print(
        f"validation_request: first {first_request}, steady {request}; "
        f"validation_response: first {first_response}, steady {response}, "
        f"update {update}, untagged {untagged}"
    )
    assert request <= REQUEST_CEILING
    assert response <= RESPONSE_CEILING
    assert update <= response
    assert untagged <= response


def test_gas__record_verdict__escrow_call_fits(chain: Chain, escrow: str, validator: str) -> None:
    v = chain.validation
    run_tx(
        v.record_verdict, 1, validator, chain.agent, True, request_hash("r"), "job", sender=escrow
    )
    gas = run_tx(
        v.record_verdict, 2, validator, chain.agent, False, request_hash("r"), "job", sender=escrow
    )
    lean = run_tx(v.record_verdict, 3, validator, chain.agent, True, bytes(32), "", sender=escrow)
    print(f"record_verdict: steady tx {gas}, without tag or hash {lean}")
    assert gas <= VERDICT_TX_CEILING
    assert lean <= VERDICT_LEAN_TX_CEILING

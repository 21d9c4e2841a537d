"""Client for ValidationRegistry: ERC-8004 validation requests and answers.

An agent's owner or operator asks a validator to check some work
(`request`); the validator answers 0-100 with a tag (`respond`), and may
answer again to update it; anyone reads a request's state (`status`), an
agent's summary filtered by validators and tag (`summary`) and the request
lists by page. A job evaluator's verdict, kept by the escrow, is published
here by anyone who wants it shown (`publish_verdict`), once and final,
under `job_request_hash(job_id)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import contract_at

ZERO_HASH = b"\0" * 32
MAX_RESPONSE = 100
MAX_PAGE = 100
MAX_TAG_BYTES = 64
MAX_URI_BYTES = 1024
MAX_VALIDATORS = 64
JOB_VERDICT_DOMAIN = bytes(Web3.keccak(text="AgentMarket.JobVerdict"))


@dataclass(frozen=True)
class ValidationStatus:
    """A request's state (`ValidationRegistry.validation`).

    `responded` tells an answer of 0 from no answer yet; `job_verdict` marks
    an escrow-recorded verdict of a job's evaluator (final). `last_update` is
    the time of the request, then of the latest answer; all empty (and
    `exists` false) for an unknown request hash.
    """

    request_hash: bytes
    validator: str
    agent_id: int
    response: int
    responded: bool
    job_verdict: bool
    response_hash: bytes
    tag: str
    last_update: int

    @property
    def exists(self) -> bool:
        return int(self.validator, 16) != 0


@dataclass(frozen=True)
class ValidationSummary:
    """ERC-8004 `getSummary`: answered requests counted and their average."""

    agent_id: int
    validators: tuple[str, ...]
    tag: str
    count: int
    average: int


def job_request_hash(escrow: str, job_id: int) -> bytes:
    """The request hash of a job's verdict, as `ValidationRegistry.job_request_hash`:
    keccak256(keccak256("AgentMarket.JobVerdict") . escrow . job id as 32 bytes)."""
    escrow_bytes = bytes.fromhex(Web3.to_checksum_address(escrow)[2:])
    return bytes(Web3.keccak(JOB_VERDICT_DOMAIN + escrow_bytes + job_id.to_bytes(32, "big")))


def _check_tag(tag: str) -> None:
    if len(tag.encode()) > MAX_TAG_BYTES:
        raise ValueError(f"a tag is at most {MAX_TAG_BYTES} bytes of UTF-8")


def _check_uri(uri: str) -> None:
    if len(uri.encode()) > MAX_URI_BYTES:
        raise ValueError(f"a URI is at most {MAX_URI_BYTES} bytes of UTF-8")


def _check_hash(value: bytes, name: str) -> None:
    if len(value) != 32:
        raise ValueError(f"{name} is 32 bytes, not {len(value)}")


class ValidationClient:
    """Typed calls to ValidationRegistry."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract: Contract = contract_at(w3, "ValidationRegistry", address)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @property
    def escrow(self) -> str:
        """The escrow whose job verdicts this registry publishes."""
        return str(self.contract.functions.ESCROW().call())

    # ------------------------------------------------------------ writes

    def request(
        self,
        signer: Signer,
        validator: str,
        agent_id: int,
        request_hash: bytes,
        request_uri: str = "",
    ) -> TxReceipt:
        """Ask `validator` to validate work of `agent_id` (signer: its owner or operator)."""
        _check_hash(request_hash, "request_hash")
        _check_uri(request_uri)
        fn = self.contract.functions.validationRequest(
            Web3.to_checksum_address(validator), agent_id, request_uri, request_hash
        )
        return signer.transact(fn)

    def respond(
        self,
        signer: Signer,
        request_hash: bytes,
        response: int,
        response_uri: str = "",
        response_hash: bytes = ZERO_HASH,
        tag: str = "",
    ) -> TxReceipt:
        """Answer a request 0-100 as its validator; again to update the answer."""
        if not 0 <= response <= MAX_RESPONSE:
            raise ValueError("response must lie in 0..100")
        _check_hash(request_hash, "request_hash")
        _check_hash(response_hash, "response_hash")
        _check_uri(response_uri)
        _check_tag(tag)
        fn = self.contract.functions.validationResponse(
            request_hash, response, response_uri, response_hash, tag
        )
        return signer.transact(fn)

    def publish_verdict(self, signer: Signer, job_id: int) -> TxReceipt:
        """Publish the verdict a job's evaluator gave in the escrow (anyone
        may, once per job; everything recorded is read from the escrow)."""
        return signer.transact(self.contract.functions.publish_verdict(job_id))

    # ------------------------------------------------------------- reads

    def status(self, request_hash: bytes) -> ValidationStatus:
        """A request's whole state; `exists` is false for an unknown hash."""
        _check_hash(request_hash, "request_hash")
        raw = self.contract.functions.validation(request_hash).call()
        (
            validator,
            agent_id,
            response,
            responded,
            job_verdict,
            response_hash,
            tag,
            last_update,
        ) = raw
        return ValidationStatus(
            request_hash=bytes(request_hash),
            validator=str(validator),
            agent_id=int(agent_id),
            response=int(response),
            responded=bool(responded),
            job_verdict=bool(job_verdict),
            response_hash=bytes(response_hash),
            tag=str(tag),
            last_update=int(last_update),
        )

    def job_status(self, job_id: int) -> ValidationStatus:
        """The published evaluator verdict of a job (`exists` false if none)."""
        return self.status(self.job_request_hash(job_id))

    def job_request_hash(self, job_id: int) -> bytes:
        return bytes(self.contract.functions.job_request_hash(job_id).call())

    def summary(
        self, agent_id: int, validators: Iterable[str] = (), tag: str = ""
    ) -> ValidationSummary:
        """Answered requests of an agent and their average, by the listed
        validators only (none: all) and with `tag` only (empty: all)."""
        chosen = tuple(Web3.to_checksum_address(v) for v in validators)
        if len(chosen) > MAX_VALIDATORS:
            raise ValueError(f"at most {MAX_VALIDATORS} validators per summary")
        _check_tag(tag)
        count, average = self.contract.functions.getSummary(agent_id, list(chosen), tag).call()
        return ValidationSummary(
            agent_id=agent_id, validators=chosen, tag=tag, count=int(count), average=int(average)
        )

    def agent_count(self, agent_id: int) -> int:
        return int(self.contract.functions.agent_validation_count(agent_id).call())

    def validator_count(self, validator: str) -> int:
        fn = self.contract.functions.validator_request_count(Web3.to_checksum_address(validator))
        return int(fn.call())

    def agent_requests(self, agent_id: int, offset: int = 0, limit: int = MAX_PAGE) -> list[bytes]:
        """One page of the agent's request hashes, oldest first."""
        _check_page(limit)
        page = self.contract.functions.agent_validations(agent_id, offset, limit).call()
        return [bytes(h) for h in page]

    def validator_requests(
        self, validator: str, offset: int = 0, limit: int = MAX_PAGE
    ) -> list[bytes]:
        """One page of the hashes of requests naming `validator`, oldest first."""
        _check_page(limit)
        fn = self.contract.functions.validator_requests(
            Web3.to_checksum_address(validator), offset, limit
        )
        return [bytes(h) for h in fn.call()]

    def all_agent_requests(self, agent_id: int) -> list[bytes]:
        """Every request hash of the agent, page by page."""
        return _all_pages(lambda offset: self.agent_requests(agent_id, offset))

    def all_validator_requests(self, validator: str) -> list[bytes]:
        """Every request hash naming the validator, page by page."""
        return _all_pages(lambda offset: self.validator_requests(validator, offset))


def _check_page(limit: int) -> None:
    if not 0 <= limit <= MAX_PAGE:
        raise ValueError(f"a page holds 0..{MAX_PAGE} entries")


def _all_pages(read: Callable[[int], list[bytes]]) -> list[bytes]:
    out: list[bytes] = []
    while True:
        page = read(len(out))
        out += page
        if len(page) < MAX_PAGE:
            return out

"""`agentmarket validation ...`: ERC-8004 validation requests and answers.

    agentmarket validation request VALIDATOR AGENT --request-uri ipfs://... [--request-hash H]
    agentmarket validation respond REQUEST_HASH 0..100 [--response-uri U] [--tag T]
    agentmarket validation publish JOB_ID                  # a job evaluator's verdict, anyone
    agentmarket validation show REQUEST_HASH | --job JOB_ID
    agentmarket validation summary AGENT [--validator V ...] [--tag T]
    agentmarket validation list (--agent AGENT | --validator V) [--offset N] [--limit N]

Same conventions as every other command (`agentmarket.cli`): `--rpc`,
`--deployment`, `--json`, keys from a keystore or an environment variable,
never from an argument. A hash left out defaults to keccak256 of its URI.
"""

from __future__ import annotations

from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    Address,
    BigInt,
    Hash32,
    Session,
    chain_options,
    content_hash,
    field_table,
    to_jsonable,
    when,
)
from agentmarket.contracts.validation import MAX_PAGE, ValidationStatus

ADDRESS, BIGINT, HASH32 = Address(), BigInt(), Hash32()


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _show(s: Session, status: ValidationStatus, message: str | None = None) -> None:
    if not status.exists:
        raise click.ClickException(f"no validation request {_hex(status.request_hash)}")
    answer = f"{status.response}" if status.responded else "- (no answer yet)"
    rows: list[tuple[str, Any]] = [
        ("request hash", _hex(status.request_hash)),
        ("validator", status.validator),
        ("agent", f"#{status.agent_id}"),
        ("response", answer),
        ("response hash", _hex(status.response_hash)),
        ("tag", status.tag or "-"),
        ("job verdict", "yes (final)" if status.job_verdict else "no"),
        ("last update", when(status.last_update)),
    ]
    s.emit(to_jsonable(status), field_table("Validation", rows), message)


# Registered on `agentmarket` itself: `agentmarket.cli` imports this module
# once its own commands and helpers exist.
@main.group(name="validation")
def validation() -> None:
    """ERC-8004 validation: ask a validator to check work, answer, read summaries."""


@validation.command(name="request")
@chain_options(signs=True)
@click.argument("validator", type=ADDRESS)
@click.argument("agent_id", type=BIGINT)
@click.option("--request-uri", default="", help="Where the request lives (logged).")
@click.option("--request-hash", type=HASH32, default=None, help="Default: keccak256(request-uri).")
def request(
    s: Session, validator: str, agent_id: int, request_uri: str, request_hash: bytes | None
) -> None:
    """Ask VALIDATOR to validate work of AGENT_ID (signer: its owner or operator)."""
    if request_hash is None:
        if not request_uri:
            raise click.UsageError("give --request-uri, --request-hash, or both")
        request_hash = content_hash(request_uri)
    client = s.validation
    client.request(s.signer, validator, agent_id, request_hash, request_uri)
    _show(s, client.status(request_hash), f"requested {_hex(request_hash)}")


@validation.command(name="respond")
@chain_options(signs=True)
@click.argument("request_hash", type=HASH32)
@click.argument("response", type=click.IntRange(0, 100))
@click.option("--response-uri", default="", help="Where the evidence lives (logged).")
@click.option(
    "--response-hash", type=HASH32, default=None, help="Default: keccak256(response-uri)."
)
@click.option("--tag", default="", help="A free tag, e.g. hard-finality (at most 64 bytes).")
def respond(
    s: Session,
    request_hash: bytes,
    response: int,
    response_uri: str,
    response_hash: bytes | None,
    tag: str,
) -> None:
    """Answer REQUEST_HASH with RESPONSE 0-100 (signer: the named validator); again to update."""
    if response_hash is None:
        response_hash = content_hash(response_uri)
    client = s.validation
    client.respond(s.signer, request_hash, response, response_uri, response_hash, tag)
    _show(s, client.status(request_hash), f"answered {_hex(request_hash)}: {response}")


@validation.command(name="publish")
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
def publish(s: Session, job_id: int) -> None:
    """Publish a job evaluator's verdict, kept by the escrow, in the registry
    (anyone may, once per job; it is read from the escrow, final)."""
    client = s.validation
    client.publish_verdict(s.signer, job_id)
    _show(s, client.job_status(job_id), f"published the verdict on job {job_id}")


@validation.command(name="show")
@chain_options()
@click.argument("request_hash", type=HASH32, required=False)
@click.option("--job", "job_id", type=BIGINT, default=None, help="A job's evaluator verdict.")
def show(s: Session, request_hash: bytes | None, job_id: int | None) -> None:
    """A request's state, by hash or (--job) a job's published evaluator verdict."""
    if (request_hash is None) == (job_id is None):
        raise click.UsageError("give a REQUEST_HASH or --job JOB_ID, not both")
    client = s.validation
    if job_id is not None:
        _show(s, client.job_status(job_id))
    else:
        assert request_hash is not None
        _show(s, client.status(request_hash))


@validation.command(name="summary")
@chain_options()
@click.argument("agent_id", type=BIGINT)
@click.option(
    "--validator", "validators", type=ADDRESS, multiple=True, help="Count only these (repeat)."
)
@click.option("--tag", default="", help="Count only answers with this tag.")
def summary(s: Session, agent_id: int, validators: tuple[str, ...], tag: str) -> None:
    """How many of an agent's requests were answered, and their average answer."""
    result = s.validation.summary(agent_id, validators, tag)
    rows: list[tuple[str, Any]] = [
        ("agent", f"#{agent_id}"),
        ("validators", ", ".join(result.validators) or "all"),
        ("tag", tag or "all"),
        ("answered", result.count),
        ("average", result.average if result.count else "-"),
    ]
    s.emit(to_jsonable(result), field_table("Validation summary", rows))


@validation.command(name="list")
@chain_options()
@click.option("--agent", "agent_id", type=BIGINT, default=None, help="The agent's requests.")
@click.option("--validator", type=ADDRESS, default=None, help="Requests naming this validator.")
@click.option("--offset", type=int, default=0, show_default=True)
@click.option("--limit", type=click.IntRange(0, MAX_PAGE), default=MAX_PAGE, show_default=True)
def list_(s: Session, agent_id: int | None, validator: str | None, offset: int, limit: int) -> None:
    """One page of request hashes, oldest first, of an agent or a validator."""
    if (agent_id is None) == (validator is None):
        raise click.UsageError("give --agent AGENT_ID or --validator ADDRESS, not both")
    client = s.validation
    if agent_id is not None:
        page, total = client.agent_requests(agent_id, offset, limit), client.agent_count(agent_id)
    else:
        assert validator is not None
        page = client.validator_requests(validator, offset, limit)
        total = client.validator_count(validator)
    hashes = [_hex(h) for h in page]
    table = field_table(
        f"Requests {offset}..{offset + len(hashes)} of {total}",
        [(str(offset + i), h) for i, h in enumerate(hashes)],
    )
    s.emit({"offset": offset, "total": total, "hashes": hashes}, table)

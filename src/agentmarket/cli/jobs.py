"""`agentmarket hire | hire-offer | offer | accept | ... | deliver | rate`: the job life."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    DURATION,
    HASH32,
    Session,
    chain_options,
    check_evaluator_fee,
    content_hash,
    err_console,
    job_row,
)
from agentmarket.contracts.offers import NO_EVALUATOR, Offer, SignedOffer, random_nonce, sign_offer

# --------------------------------------------------------------------- jobs


@main.command()
@chain_options(signs=True)
@click.argument("listing_id", type=BIGINT, required=False)
@click.option("--client", "client_id", type=BIGINT, required=True, help="The hiring agent.")
@click.option(
    "--offer",
    "offer_file",
    type=click.File("r"),
    default=None,
    help="Hire with a provider's signed offer (JSON from `agentmarket offer`).",
)
@click.option("--max-price", type=AMOUNT, default=None, help="Refuse if the quote is higher.")
def hire(
    s: Session,
    listing_id: int | None,
    client_id: int,
    offer_file: Any,
    max_price: int | None,
) -> None:
    """Hire from LISTING_ID at its current token, price and version, or with --offer FILE."""
    if (listing_id is None) == (offer_file is None):
        raise click.UsageError("give either LISTING_ID or --offer FILE")
    if offer_file is not None:
        _hire_offer(s, offer_file.read(), client_id, max_price)
        return
    assert listing_id is not None
    listing = s.listings.get(listing_id)
    if listing.provider_id == 0:
        raise click.ClickException(f"listing {listing_id} does not exist")
    if max_price is not None and listing.price > max_price:
        raise click.ClickException(f"listing {listing_id} costs {listing.price} > {max_price}")
    job_id = s.escrow.hire(s.signer, listing, client_id)
    job_row(
        s,
        job_id,
        f"hired agent #{listing.provider_id} from listing #{listing_id} v{listing.version} "
        f"for {listing.price}",
    )


def _hire_offer(s: Session, text: str, client_id: int, max_price: int | None) -> None:
    try:
        signed = SignedOffer.from_json(text)
        data = json.loads(text)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    book = data.get("offer_book")
    if book is not None and book.lower() != s.escrow.offer_book_address.lower():
        raise click.ClickException(
            f"the offer is for the OfferBook {book}, not {s.escrow.offer_book_address}"
        )
    if max_price is not None and signed.offer.price > max_price:
        raise click.ClickException(f"the offer costs {signed.offer.price} > {max_price}")
    job_id = s.escrow.hire_with_offer(s.signer, signed, client_id)
    job_row(s, job_id, f"hired agent #{signed.offer.provider_id} with its signed offer")


@main.command(name="hire-offer")
@chain_options(signs=True)
@click.argument("offer_file", type=click.File("r"))
@click.option("--client", "client_id", type=BIGINT, required=True, help="The hiring agent.")
@click.option("--max-price", type=AMOUNT, default=None, help="Refuse if the offer is higher.")
def hire_offer(s: Session, offer_file: Any, client_id: int, max_price: int | None) -> None:
    """Hire with a provider's signed offer (same as `hire --offer FILE`)."""
    _hire_offer(s, offer_file.read(), client_id, max_price)


@main.command()
@chain_options(signs=True)
@click.option("--provider", "provider_id", type=BIGINT, required=True)
@click.option("--client", "client_id", type=BIGINT, default=0, help="0: any client may take it.")
@click.option("--token", type=ADDRESS, envvar="AGENTMARKET_TOKEN", required=True)
@click.option("--price", type=AMOUNT, required=True)
@click.option("--delivery-time", type=DURATION, required=True)
@click.option("--terms-uri", default="")
@click.option("--terms-hash", type=HASH32, default=None, help="Default: keccak256(terms-uri).")
@click.option("--evaluator", type=ADDRESS, default=None, help="Who approves or rejects delivery.")
@click.option("--evaluator-fee-bps", type=int, default=0, help="The evaluator's fee, at most 1000.")
@click.option("--nonce", type=BIGINT, default=None, help="Default: random.")
@click.option("--expires-in", type=DURATION, default="1d", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def offer(
    s: Session,
    provider_id: int,
    client_id: int,
    token: str,
    price: int,
    delivery_time: int,
    terms_uri: str,
    terms_hash: bytes | None,
    evaluator: str | None,
    evaluator_fee_bps: int,
    nonce: int | None,
    expires_in: int,
    out: Path | None,
) -> None:
    """Sign an offer as PROVIDER's principal or operator; print it as JSON for the client."""
    check_evaluator_fee(evaluator, evaluator_fee_bps)
    now = int(s.w3.eth.get_block("latest")["timestamp"])
    the_offer = Offer(
        provider_id=provider_id,
        client_id=client_id,
        token=token,
        price=price,
        delivery_time=delivery_time,
        terms_hash=terms_hash if terms_hash is not None else content_hash(terms_uri),
        nonce=random_nonce() if nonce is None else nonce,
        expiry=now + expires_in,
        evaluator=evaluator or NO_EVALUATOR,
        evaluator_fee_bps=evaluator_fee_bps,
    )
    book = s.escrow.offer_book_address
    signed = sign_offer(s.signer.account, the_offer, s.w3.eth.chain_id, book)
    text = signed.to_json(s.w3.eth.chain_id, book)
    if out is not None:
        out.write_text(text)
        if not s.as_json:
            err_console.print(f"offer written to {out}")
    click.echo(text, nl=False)


def _job_command(name: str, help_text: str, action: Callable[[Session, int], Any]) -> None:
    @main.command(name=name, help=help_text)
    @chain_options(signs=True)
    @click.argument("job_id", type=BIGINT)
    def command(s: Session, job_id: int) -> None:
        action(s, job_id)
        job_row(s, job_id, f"{name}: done")


_job_command(
    "accept", "Accept a requested job (provider).", lambda s, j: s.escrow.accept(s.signer, j)
)
_job_command(
    "decline", "Decline a requested job (provider).", lambda s, j: s.escrow.decline(s.signer, j)
)
_job_command(
    "cancel",
    "Cancel a request before acceptance (client).",
    lambda s, j: s.escrow.cancel(s.signer, j),
)
_job_command(
    "complete",
    "Approve a delivery and pay the provider (client).",
    lambda s, j: s.escrow.complete(s.signer, j),
)
_job_command(
    "finalize",
    "Pay out a delivery after its review deadline (anyone).",
    lambda s, j: s.escrow.finalize(s.signer, j),
)
_job_command(
    "reclaim",
    "Refund a job whose accept or delivery deadline passed, or whose evaluator's rejection "
    "went uncontested past the response deadline (client).",
    lambda s, j: s.escrow.reclaim(s.signer, j),
)


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--result-uri", default="", help="Where the result lives (logged).")
@click.option("--result-hash", type=HASH32, default=None, help="Default: keccak256(result-uri).")
@click.option("--final-price", type=AMOUNT, default=None, help="At most the locked price.")
def deliver(
    s: Session, job_id: int, result_uri: str, result_hash: bytes | None, final_price: int | None
) -> None:
    """Deliver a job's result (provider)."""
    digest = result_hash if result_hash is not None else content_hash(result_uri)
    s.escrow.deliver(s.signer, job_id, digest, result_uri, final_price)
    job_row(s, job_id, "delivered")


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.argument("score", type=click.IntRange(0, 100))
@click.option("--tag1", default="")
@click.option("--tag2", default="")
@click.option("--feedback-uri", default="")
def rate(s: Session, job_id: int, score: int, tag1: str, tag2: str, feedback_uri: str) -> None:
    """Rate the other side of a settled job, 0-100 (once per side)."""
    s.reputation.rate(s.signer, job_id, score, tag1, tag2, feedback_uri, content_hash(feedback_uri))
    s.emit({"job_id": job_id, "score": score}, message=f"rated job {job_id}: {score}")

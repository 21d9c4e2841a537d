"""`agentmarket dispute | answer | settle | rule | withdraw-arbitration-fees`."""

from __future__ import annotations

import click

from agentmarket.cli.app import main
from agentmarket.cli.options import (
    ADDRESS,
    AMOUNT,
    BIGINT,
    Session,
    chain_options,
    dispute_row,
    to_jsonable,
)
from agentmarket.contracts.disputes import (
    RULING_CLIENT_WINS,
    RULING_PROVIDER_WINS,
    RULING_REFUSED,
    split_ruling,
)

# ---------------------------------------------------------------- disputes


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--evidence-uri", default="", help="ERC-1497 meta-evidence JSON URI.")
@click.option("--fee", type=AMOUNT, default=0, help="Native arbitration fee (0 for the panel).")
def dispute(s: Session, job_id: int, evidence_uri: str, fee: int) -> None:
    """Dispute a delivered job (client); the job's bond is taken from the client's balance."""
    s.disputes.dispute(s.signer, job_id, evidence_uri, fee)
    dispute_row(s, job_id, "disputed")


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option("--evidence-uri", default="", help="ERC-1497 evidence JSON URI.")
@click.option("--fee", type=AMOUNT, default=0, help="Native arbitration fee (0 for the panel).")
def answer(s: Session, job_id: int, evidence_uri: str, fee: int) -> None:
    """Answer a dispute (provider): post the bond; the case goes to the arbitrator."""
    s.disputes.answer(s.signer, job_id, evidence_uri, fee)
    dispute_row(s, job_id, "answered")


@main.command()
@chain_options(signs=True)
@click.argument("job_id", type=BIGINT)
@click.option(
    "--propose", "propose", type=AMOUNT, default=None, help="Propose the provider's share."
)
@click.option(
    "--accept",
    "accept_",
    type=AMOUNT,
    default=None,
    help="Accept the other side's proposal of this provider share.",
)
@click.option("--withdraw", "withdraw_", is_flag=True, help="Withdraw your proposal.")
@click.option("--claim-default", is_flag=True, help="Client wins: the provider never answered.")
@click.option("--apply-default", is_flag=True, help="Neutral default: the arbitrator is silent.")
def settle(
    s: Session,
    job_id: int,
    propose: int | None,
    accept_: int | None,
    withdraw_: bool,
    claim_default: bool,
    apply_default: bool,
) -> None:
    """End or negotiate a dispute: propose or accept a split, or apply a default."""
    chosen = [propose is not None, accept_ is not None, withdraw_, claim_default, apply_default]
    if sum(chosen) != 1:
        raise click.UsageError(
            "give exactly one of --propose, --accept, --withdraw, --claim-default, --apply-default"
        )
    d = s.disputes
    if propose is not None:
        d.propose_settlement(s.signer, job_id, propose)
        done = f"proposed a provider share of {propose}"
    elif accept_ is not None:
        d.accept_settlement(s.signer, job_id, accept_)
        done = f"accepted a provider share of {accept_}"
    elif withdraw_:
        d.withdraw_proposal(s.signer, job_id)
        done = "proposal withdrawn"
    elif claim_default:
        d.claim_default_win(s.signer, job_id)
        done = "default win claimed"
    else:
        d.apply_default(s.signer, job_id)
        done = "neutral default applied"
    dispute_row(s, job_id, done)


def parse_ruling(text: str) -> int:
    """client | provider | refuse | split:P (provider gets P %) | a raw ruling number."""
    t = text.strip().lower()
    named = {
        "client": RULING_CLIENT_WINS,
        "provider": RULING_PROVIDER_WINS,
        "refuse": RULING_REFUSED,
        "refused": RULING_REFUSED,
    }
    if t in named:
        return named[t]
    if t.startswith("split:"):
        try:
            return split_ruling(int(t.removeprefix("split:").rstrip("%")))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="RULING") from exc
    if t.isdigit():
        return int(t)
    raise click.BadParameter(
        f"{text!r}: use client, provider, refuse, split:P or a number", param_hint="RULING"
    )


@main.command()
@chain_options(signs=True)
@click.argument("ruling")
@click.option("--job", "job_id", type=BIGINT, default=None, help="The disputed job.")
@click.option("--dispute", "dispute_id", type=BIGINT, default=None, help="The panel's dispute id.")
def rule(s: Session, ruling: str, job_id: int | None, dispute_id: int | None) -> None:
    """Vote RULING on the panel as an arbiter: client, provider, refuse, split:P."""
    value = parse_ruling(ruling)
    if (job_id is None) == (dispute_id is None):
        raise click.UsageError("give --job JOB_ID or --dispute DISPUTE_ID")
    if dispute_id is None:
        assert job_id is not None
        disp = s.disputes.of(job_id)
        if not disp.case_opened:
            raise click.ClickException(f"job {job_id} has no case at the arbitrator yet")
        dispute_id = disp.arbitrator_dispute_id
    s.panel.vote(s.signer, dispute_id, value)
    state = s.panel.get(dispute_id)
    data = {"dispute_id": dispute_id, "ruling": value, **to_jsonable(state)}
    status = f"ruled {state.ruling}" if state.solved else "waiting for more votes"
    s.emit(data, message=f"voted {value} on panel dispute {dispute_id}: {status}")


@main.command(name="withdraw-arbitration-fees")
@chain_options(signs=True)
@click.option("--to", type=ADDRESS, default=None, help="Receiver (default: the signer).")
def withdraw_arbitration_fees(s: Session, to: str | None) -> None:
    """Withdraw the native coin the dispute resolver owes the signer (paid courts only).

    A paid court's fee is advanced in native coin: the opener with `dispute --fee`
    (or `contest --fee`), the other side with `answer --fee` (forwarded to the court).
    When the dispute ends, the opener's advance is credited to the winner, as the
    amount is shared: all back to the opener if it wins, all to the answerer if the
    answering side wins (its own fee reimbursed), in proportion for a split or the
    neutral default; a settlement, or a case the court never took, returns it to the
    opener, and a fee the court refused is credited back to the answerer. Credits
    belong to the address that paid (the principal or the operator key that signed),
    so withdraw with that key. Nothing is pushed: this pulls everything credited so
    far in one transfer.
    """
    receiver = to or s.signer.address
    amount = s.disputes.withdraw_native(s.signer, receiver)
    s.emit(
        {"account": s.signer.address, "to": receiver, "withdrawn": amount},
        message=f"withdrew {amount} wei of arbitration fees owed to {s.signer.address} "
        f"to {receiver}",
    )

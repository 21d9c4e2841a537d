"""`agentmarket ownership ...`: hand the protocol's admin roles over, two steps each.

    agentmarket ownership show                         # owner and pending owner of each
    agentmarket ownership transfer NEW_OWNER           # the owner proposes (all three)
    agentmarket ownership accept                       # NEW_OWNER accepts what waits for it

Three contracts have an owner (snekmate's two-step ownership): ServiceListings
(its guardian and pause), ArbiterPanel (who sits on the panel) and
EscrowGovernor (the escrow's configs, tokens, guardian and pause). `--contract
NAME` (repeatable) narrows a command to some of them. A transfer is checked
for every contract before the first transaction, so it never stops halfway
for want of ownership; a contract wallet as new owner accepts from its own
interface (`accept_ownership()` on each contract). Same conventions as every
other command (`agentmarket.cli`).
"""

from __future__ import annotations

import click
from rich.table import Table
from web3.contract import Contract

from agentmarket.cli.app import main
from agentmarket.cli.options import Address, Session, chain_options
from agentmarket.contracts.common import contract_at
from agentmarket.deployment import ZERO_ADDRESS
from agentmarket.errors import AgentMarketError

ADDRESS = Address()
OWNED: tuple[str, ...] = ("ServiceListings", "ArbiterPanel", "EscrowGovernor")


class OwnershipError(AgentMarketError):
    """The signer cannot take this ownership step on a contract it names."""


def _contracts(s: Session, names: tuple[str, ...]) -> dict[str, Contract]:
    chosen = names or OWNED
    return {name: contract_at(s.w3, name, s.address(name)) for name in chosen}


def _state(contracts: dict[str, Contract]) -> dict[str, dict[str, str]]:
    return {
        name: {
            "address": str(c.address),
            "owner": str(c.functions.owner().call()),
            "pending_owner": str(c.functions.pending_owner().call()),
        }
        for name, c in contracts.items()
    }


def _show(s: Session, contracts: dict[str, Contract], message: str | None = None) -> None:
    state = _state(contracts)
    table = Table(title="Ownership", title_justify="left")
    for column in ("contract", "owner", "pending owner"):
        table.add_column(column, overflow="fold")
    for name, row in state.items():
        pending = row["pending_owner"]
        table.add_row(name, row["owner"], "-" if pending == ZERO_ADDRESS else pending)
    s.emit(state, table, message)


_contract_option = click.option(
    "--contract",
    "names",
    type=click.Choice(OWNED),
    multiple=True,
    help="Only this contract (repeat; default: all three).",
)


# Registered on `agentmarket` itself: `agentmarket.cli` imports this module
# once its own commands and helpers exist.
@main.group(name="ownership")
def ownership() -> None:
    """Who owns ServiceListings, ArbiterPanel and EscrowGovernor, and handing them over."""


@ownership.command(name="show")
@chain_options()
@_contract_option
def show(s: Session, names: tuple[str, ...]) -> None:
    """The owner and pending owner of each owned contract."""
    _show(s, _contracts(s, names))


@ownership.command(name="transfer")
@chain_options(signs=True)
@click.argument("new_owner", type=ADDRESS)
@_contract_option
def transfer(s: Session, new_owner: str, names: tuple[str, ...]) -> None:
    """Propose NEW_OWNER as the owner (the owner signs); NEW_OWNER then accepts."""
    if int(new_owner, 16) == 0:
        raise click.BadParameter("the empty address cannot accept", param_hint="NEW_OWNER")
    contracts = _contracts(s, names)
    me = s.signer.address
    not_mine = [n for n, row in _state(contracts).items() if row["owner"] != me]
    if not_mine:
        raise OwnershipError(f"{me} does not own {', '.join(not_mine)}: nothing was sent")
    for contract in contracts.values():
        s.signer.transact(contract.functions.transfer_ownership(new_owner))
    _show(s, contracts, f"offered to {new_owner}: it must run `agentmarket ownership accept`")


@ownership.command(name="accept")
@chain_options(signs=True)
@_contract_option
def accept(s: Session, names: tuple[str, ...]) -> None:
    """Accept every ownership offered to the signer (or those named with --contract)."""
    contracts = _contracts(s, names)
    me = s.signer.address
    state = _state(contracts)
    waiting = {n: c for n, c in contracts.items() if state[n]["pending_owner"] == me}
    missing = [n for n in contracts if n not in waiting]
    if not waiting or (names and missing):
        raise OwnershipError(f"nothing offered to {me} on {', '.join(missing)}")
    for contract in waiting.values():
        s.signer.transact(contract.functions.accept_ownership())
    _show(s, contracts, f"{me} now owns {', '.join(waiting)}")

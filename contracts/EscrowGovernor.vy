# pragma version ~=0.4.3
"""
@title AgentMarket escrow governor: the one lever governance has on the escrow
@license MIT
@notice Holds what governance may change in the JobEscrow, and checks it:
        config versions for new jobs (fee under the hard cap, its recipient,
        the four windows within bounds, the dispute bond, the arbitrator),
        the payment-token allowlist and its reputation weights, and the
        guardian, who may pause the escrow's entries (hire, hire_with_offer,
        a tab's opening or top-up) but never an exit; deposits stay open.

        The escrow has no owner of its own: it accepts these settings from
        this contract only, through three hooks (IEscrowAdmin) that write
        config words, allowlist words and the pause bit. Nothing here, and
        nothing in those hooks, can reach a ledger balance or a job (I7).
        Open jobs keep the config version they were created with.

        Deployment: the escrow is built for this contract's predicted
        address and starts paused without a config; this constructor writes
        config version 1 and lifts the pause, so no job can exist before a
        config does.
@custom:security Two-step ownership (snekmate): the owner is governance
        (a multisig in production); the guardian is an emergency role it
        sets. No upgrade, no delegatecall, no value held. The escrow is
        trusted and fixed; every external function calls it at most once,
        after its own checks.
"""

from .interfaces import IJobEscrow
from .interfaces import IEscrowAdmin
from .interfaces import IEscrowGovernor

from snekmate.auth import ownable
from snekmate.auth import ownable_2step

initializes: ownable
initializes: ownable_2step[ownable := ownable]

exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
)


# @dev Hard cap on the fee (10 %) and on the bond's share of the amount (50 %).
MAX_FEE_BPS: constant(uint256) = 1_000
MAX_BOND_BPS: constant(uint256) = 5_000

# @dev Bounds every window of a config must respect.
MIN_WINDOW: constant(uint256) = 3_600
MAX_WINDOW: constant(uint256) = 90 * 86_400

# @dev Largest token weight (96 bits; 18-decimal fixed point).
MAX_WEIGHT: constant(uint256) = 2**96 - 1


# @dev The escrow this contract governs.
ESCROW: public(immutable(IEscrowAdmin))

# @dev Guardian: may pause and unpause the escrow's entries.
guardian: public(address)


@deploy
def __init__(escrow: address, guardian: address, config: IJobEscrow.Config):
    """
    @notice Govern `escrow` (deployed just before, for this address): write
            its config version 1 and lift its initial pause. The deployer
            becomes the owner (hand over with `transfer_ownership`).
    @param escrow The JobEscrow.
    @param guardian The initial guardian (may be empty).
    @param config Config version 1 (see `add_config`).
    """
    assert escrow != empty(address), "governor: empty escrow"
    ownable.__init__()
    ownable_2step.__init__()
    ESCROW = IEscrowAdmin(escrow)
    self.guardian = guardian
    log IEscrowGovernor.GuardianSet(guardian=guardian)
    self._add_config(config)
    extcall ESCROW.set_paused(False)


@external
def add_config(config: IJobEscrow.Config) -> uint256:
    """
    @notice Append a config version; jobs created from now on use it, open
            jobs keep theirs.
    @param config Fee (at most MAX_FEE_BPS) and its recipient (required);
           accept, review, response and arbitration windows (each within
           [MIN_WINDOW, MAX_WINDOW]); dispute bond = max(bond_floor,
           amount * bond_bps / 10_000) with bond_bps at most MAX_BOND_BPS and
           1 <= bond_floor < 2**127; the arbitrator of new jobs' disputes.
    @return The new config id.
    """
    ownable._check_owner()
    return self._add_config(config)


@external
def set_token(token: address, allowed: bool, weight: uint256):
    """
    @notice List, re-weight or delist a payment token. Delisting stops new
            jobs and tabs in it; deposits of a token ever listed, withdrawals
            and open jobs are untouched.
    @param token The token contract.
    @param allowed Whether new deposits and jobs may use it.
    @param weight Reputation weight, 18-decimal fixed point, below 2**96:
           weighted value = amount * weight // 10**18.
    """
    ownable._check_owner()
    assert token.is_contract, "governor: not a contract"
    assert weight <= MAX_WEIGHT, "governor: weight too large"
    index: uint256 = extcall ESCROW.set_token(token, allowed, weight)
    log IEscrowGovernor.TokenSet(token=token, index=index, allowed=allowed, weight=weight)


@external
def set_guardian(guardian: address):
    """
    @notice Set the guardian (governance only).
    @param guardian The new guardian; empty disables the role.
    """
    ownable._check_owner()
    self.guardian = guardian
    log IEscrowGovernor.GuardianSet(guardian=guardian)


@external
def pause():
    """
    @notice Stop the escrow's entries: hire, hire_with_offer, a tab's opening
            or top-up (guardian or governance). Deposits, exits and disputes
            keep working.
    """
    self._check_guardian()
    extcall ESCROW.set_paused(True)
    log IEscrowGovernor.Paused(account=msg.sender)


@external
def unpause():
    """
    @notice Lift the pause (guardian or governance).
    """
    self._check_guardian()
    extcall ESCROW.set_paused(False)
    log IEscrowGovernor.Unpaused(account=msg.sender)


@internal
@view
def _check_guardian():
    assert msg.sender == self.guardian or msg.sender == ownable.owner, "governor: not guardian"


@internal
def _add_config(config: IJobEscrow.Config) -> uint256:
    assert config.fee_bps <= MAX_FEE_BPS, "governor: fee above cap"
    assert config.fee_recipient != empty(address), "governor: no fee recipient"
    assert config.bond_bps <= MAX_BOND_BPS, "governor: bond above cap"
    assert config.bond_floor != 0 and config.bond_floor < 2**127, "governor: bad bond floor"
    assert config.arbitrator != empty(address), "governor: no arbitrator"
    for window: uint256 in [
        config.accept_window, config.review_window, config.response_window, config.arbitration_window
    ]:
        assert window >= MIN_WINDOW and window <= MAX_WINDOW, "governor: bad window"
    config_id: uint256 = extcall ESCROW.set_config(config)
    log IEscrowGovernor.ConfigAdded(config_id=config_id, config=config)
    return config_id

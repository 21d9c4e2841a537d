# pragma version ~=0.4.3
"""
@title AgentMarket job words: the bit layouts of a job's packed storage
@custom:contract-name job_words
@license MIT
@notice The one place that lays out the words JobEscrow packs a job into (its
        id, word A, the evaluator word E, the bonds word C) and the config
        words of its versions, and that Tabs shares (a tab's id and terms are
        a job's). Import it (`from .modules import job_words`); it has no
        storage, so it needs no `initializes:`. Each field is a `_SHIFT` (its
        lowest bit) and a `_MASK` (its width, unshifted), read as
        `(word >> FIELD_SHIFT) & FIELD_MASK`.

        Job id (`job_id`; a tab id is laid out the same):
          0-63    provider id
          64-127  client id
          128-135 ordinal of the job among the pair's in its block
          136-255 creation time
        Word A (`_job_a`, bit 0 = least significant):
          0-127   amount: the locked price; the final price from delivery on,
                  less the evaluator's fee from its verdict on; once
                  Completed or Resolved, what the provider received (net of
                  the fee), which weighs its ratings
          128-135 status
          136-175 current deadline: the accept deadline while Requested,
                  the delivery deadline while Accepted; from delivery on the
                  delivery time, to which the job's config review window is
                  added to get the review deadline (this saves deliver a
                  config read; the `job` view returns the review deadline);
                  from an evaluator's rejection on, the response deadline
          176-207 delivery time in seconds
          208-231 config id (the immutable config version the job uses)
          232-247 token index (allowlist)
          248-255 flags, JobEscrow's `FLAG_*` (published from there in
                  `interfaces/constants.json`): bit 0 no reputation, bit 1
                  client rated, bit 2 provider rated, bit 3 rejected by its
                  evaluator, bit 4 approved by its evaluator (bit 3 or 4:
                  word B holds the verdict's report hash)
        Bits 208-255 (config id, token index, flags) are the job's terms:
        a tab keeps the same bits (ITabsHost).
        Word C (`_job_c`, bonds): client bond (0-127) | provider bond
        (128-255).
        Word E (`_job_e`, evaluator): address (0-159) | fee in basis points
        (160-175).
        Config word (`_configs`): fee bps (0-15) | accept window (16-47) |
        review window (48-79) | fee recipient (80-239). A dispute-terms word
        (`_dispute_terms`) has the same layout: bond bps | response window |
        arbitration window | arbitrator.
@custom:security Constants and pure bit arithmetic, no state, no lever.
@dev Why constants more than functions: Vyper 0.4.3's default code generator
     does not inline internal functions, so an accessor call costs a jump,
     its argument's memory round trip and some 14 bytes of code per call
     site over the inline `(a >> SHIFT) & MASK` (JobEscrow's config id
     alone, read at seven sites, would cost 96 bytes). The accessors below
     are the ones the escrow called as functions already (same bytecode);
     the hot paths read fields inline through these names.
"""


# @dev Job id.
ID_PROVIDER_MASK: constant(uint256) = 2**64 - 1
ID_CLIENT_SHIFT: constant(uint256) = 64
ID_CLIENT_MASK: constant(uint256) = 2**64 - 1
ID_ORDINAL_SHIFT: constant(uint256) = 128
ID_TIME_SHIFT: constant(uint256) = 136

# @dev Word A.
AMOUNT_MASK: constant(uint256) = 2**128 - 1
STATUS_SHIFT: constant(uint256) = 128
STATUS_MASK: constant(uint256) = 2**8 - 1
DEADLINE_SHIFT: constant(uint256) = 136
DEADLINE_MASK: constant(uint256) = 2**40 - 1
DELIVERY_SHIFT: constant(uint256) = 176
DELIVERY_MASK: constant(uint256) = 2**32 - 1
CONFIG_ID_SHIFT: constant(uint256) = 208
CONFIG_ID_MASK: constant(uint256) = 2**24 - 1
TOKEN_SHIFT: constant(uint256) = 232
TOKEN_MASK: constant(uint256) = 2**16 - 1
FLAGS_SHIFT: constant(uint256) = 248
# @dev Where a job's terms (config id, token index, flags) start.
TERMS_SHIFT: constant(uint256) = 208

# @dev Word C (bonds).
CLIENT_BOND_MASK: constant(uint256) = 2**128 - 1
PROVIDER_BOND_SHIFT: constant(uint256) = 128

# @dev Word E (evaluator).
EVALUATOR_MASK: constant(uint256) = 2**160 - 1
EVALUATOR_FEE_SHIFT: constant(uint256) = 160

# @dev Config word, and the dispute-terms word under its own names.
FEE_BPS_MASK: constant(uint256) = 2**16 - 1
ACCEPT_WINDOW_SHIFT: constant(uint256) = 16
REVIEW_WINDOW_SHIFT: constant(uint256) = 48
WINDOW_MASK: constant(uint256) = 2**32 - 1
ADDRESS_SHIFT: constant(uint256) = 80
ADDRESS_MASK: constant(uint256) = 2**160 - 1
BOND_BPS_MASK: constant(uint256) = FEE_BPS_MASK
RESPONSE_WINDOW_SHIFT: constant(uint256) = ACCEPT_WINDOW_SHIFT
ARBITRATION_WINDOW_SHIFT: constant(uint256) = REVIEW_WINDOW_SHIFT


@internal
@pure
def pack_config(bps: uint256, first: uint256, second: uint256, who: address) -> uint256:
    """
    @dev A config word (fee bps, accept window, review window, fee
         recipient) or a dispute-terms word (bond bps, response window,
         arbitration window, arbitrator).
    """
    return (
        bps
        | (first << ACCEPT_WINDOW_SHIFT)
        | (second << REVIEW_WINDOW_SHIFT)
        | (convert(convert(who, uint160), uint256) << ADDRESS_SHIFT)
    )


@internal
@pure
def address_field(word: uint256) -> address:
    """
    @dev A config word's fee recipient, or a dispute-terms word's arbitrator.
    """
    return convert(convert((word >> ADDRESS_SHIFT) & ADDRESS_MASK, uint160), address)


@internal
@pure
def status(a: uint256) -> uint8:
    return convert((a >> STATUS_SHIFT) & STATUS_MASK, uint8)


@internal
@pure
def deadline(a: uint256) -> uint256:
    return (a >> DEADLINE_SHIFT) & DEADLINE_MASK


@internal
@pure
def review_deadline(a: uint256, config: uint256) -> uint256:
    """
    @dev From delivery on, word A's deadline field holds the delivery time;
         the review deadline adds the config's review window.
    """
    return self.deadline(a) + ((config >> REVIEW_WINDOW_SHIFT) & WINDOW_MASK)


@internal
@pure
def with_status(a: uint256, status: uint8) -> uint256:
    return (a & ~(STATUS_MASK << STATUS_SHIFT)) | (convert(status, uint256) << STATUS_SHIFT)


@internal
@pure
def with_status_deadline(a: uint256, status: uint8, deadline: uint256) -> uint256:
    cleared: uint256 = a & ~((STATUS_MASK << STATUS_SHIFT) | (DEADLINE_MASK << DEADLINE_SHIFT))
    return cleared | (convert(status, uint256) << STATUS_SHIFT) | (deadline << DEADLINE_SHIFT)

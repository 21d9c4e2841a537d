# pragma version ~=0.4.3
"""
@title ArbiterPanel: AgentMarket's default ERC-792 arbitrator, M-of-N arbiters
@license MIT
@notice Governance appoints a panel: up to 16 arbiters and a quorum M. Each
        appointment starts a new panel epoch; a dispute is bound to the epoch
        that stood when it was created, so later appointments never change
        who votes on it. Arbiters `vote` a ruling once each; the first ruling
        that reaches M votes is final: the panel marks the dispute Solved and
        calls `rule(disputeID, ruling)` on the contract that created it.

        Cost: `arbitrationCost` is 0. The panel takes no native coin; the
        escrow pays the arbiters from the loser's bond in the job's token.
        `createDispute` refuses any `msg.value`.

        extraData of `createDispute`: exactly 64 bytes,
        `abi.encode(client_principal, provider_principal)` (two addresses,
        each left-padded to 32 bytes). An arbiter who is either address
        cannot vote on the dispute ("panel: arbiter is a party"). The
        principals are snapshotted at creation.

        Appeals: none. `appeal` reverts "panel: no appeals", `appealCost`
        returns `max_value(uint256)`, `appealPeriod` returns (0, 0);
        `AppealPossible` and `AppealDecision` are never emitted.

        Dispute ids start at 0, as on Kleros.
@custom:security Governance (snekmate `ownable_2step`) can only appoint the
        panel for disputes created afterwards (`set_panel`); it cannot change
        the panel, quorum or parties of an existing dispute, cannot vote, and
        the panel holds no funds. The counterpart: an arbiter whose key is
        lost or compromised keeps its seat on the disputes of its epochs;
        the escrow's arbitration deadline (neutral default) bounds a lost
        quorum, and M > 1 bounds one compromised key.

        Failure of the arbitrable: the `rule` call is part of the vote that
        reaches the quorum. If it reverts, that vote reverts with it and
        nothing is recorded, so the arbiters can retry; an arbitrable that
        never accepts the ruling leaves the dispute Waiting, and the
        escrow's own arbitration deadline lets anyone apply the neutral
        default. State is final before the call (checks-effects-
        interactions) and `vote`/`createDispute` hold the reentrancy lock,
        so a re-entering arbitrable sees the dispute Solved and can neither
        vote again nor open a dispute inside `rule`.

        Unreachable quorum: if recusals (arbiters who are a party's
        principal) leave fewer eligible arbiters than M, the dispute cannot
        be ruled; `DisputeAssigned.eligible` shows it at creation and the
        escrow's arbitration deadline applies. `createDispute` does not
        revert for it, so a party cannot be kept from arbitration.

        Spam: `createDispute` is open and free to any contract (ERC-792
        arbitrators are public, and an allowlist would give governance a
        lever over open jobs). Arbiters should act on disputes whose
        `arbitrable` is the AgentMarket escrow (indexed in
        `DisputeCreation`).
"""


from .interfaces import IArbitrable
from .interfaces import IArbitrator

implements: IArbitrator


from snekmate.auth import ownable
from snekmate.auth import ownable_2step

initializes: ownable
initializes: ownable_2step[ownable := ownable]


exports: ownable_2step.__interface__


# @dev Largest panel. Bounds every loop and the 16-bit masks below.
MAX_ARBITERS: constant(uint256) = 16
# @dev Largest `choices` a dispute may have; a ruling must fit in 8 bits.
MAX_CHOICES: constant(uint256) = 255
# @dev Length of the panel's extraData: abi.encode(address, address).
EXTRA_DATA_LENGTH: constant(uint256) = 64
# @dev ERC-792 DisputeStatus.Waiting.
STATUS_WAITING: constant(uint8) = 0
# @dev ERC-792 DisputeStatus.Solved (the panel is never Appealable).
STATUS_SOLVED: constant(uint8) = 2

# Storage packing, by hand (Vyper 0.4.3 gives each struct member a slot).
# head word, written once by createDispute:
#   bits   0..159  arbitrable (the creator; receives `rule`)
#   bits 160..223  panel epoch
#   bits 224..231  quorum M of that epoch
#   bits 232..239  choices
#   bits 240..255  recused mask: bit i = arbiter at seat i is a party
# tally word, written by vote:
#   bits   0..127  byte i = ruling voted by the arbiter at seat i
#   bits 128..143  voted mask: bit i = the arbiter at seat i has voted
#   bits 144..151  final ruling
#   bit  152       solved
# current word (one for the contract), rewritten by createDispute (the
# counter) and set_panel (the rest):
#   bits   0..63   epoch of the current panel
#   bits  64..71   its quorum M
#   bits  72..79   its size N
#   bits  80..255  disputes created so far = the next dispute id
MASK_ADDRESS: constant(uint256) = (1 << 160) - 1
MASK_8: constant(uint256) = 255
MASK_16: constant(uint256) = 65535
MASK_64: constant(uint256) = (1 << 64) - 1
HEAD_EPOCH: constant(uint256) = 160
HEAD_QUORUM: constant(uint256) = 224
HEAD_CHOICES: constant(uint256) = 232
HEAD_RECUSED: constant(uint256) = 240
TALLY_VOTED: constant(uint256) = 128
TALLY_RULING: constant(uint256) = 144
TALLY_SOLVED: constant(uint256) = 1 << 152
CURRENT_QUORUM: constant(uint256) = 64
CURRENT_SIZE: constant(uint256) = 72
CURRENT_COUNT: constant(uint256) = 80
MASK_80: constant(uint256) = (1 << 80) - 1


# @dev Everything the panel knows about one dispute, unpacked, for readers.
struct PanelDispute:
    arbitrable: address
    epoch: uint256
    quorum: uint256
    choices: uint256
    recused_mask: uint256
    voted_mask: uint256
    solved: bool
    ruling: uint256


# @dev The panel new disputes get and the dispute counter, packed so that
# createDispute reads and rewrites one slot (a separate counter word cost a
# cold read, and the first dispute a fresh word: 19,200 gas): bits 0..63
# epoch (starts at 1), 64..71 quorum M, 72..79 size N, 80..255 the number of
# disputes created, which is also the next dispute id (`dispute_count`).
_current: uint256

# @dev Arbiters of each epoch, in seat order (seat i = index i).
_arbiters: HashMap[uint256, DynArray[address, MAX_ARBITERS]]

# @dev Quorum M of each epoch, for readers (a dispute keeps its own copy).
_quorum: HashMap[uint256, uint256]

# @dev epoch => arbiter => seat + 1 (0: not on that panel). One read at vote.
_seat: HashMap[uint256, HashMap[address, uint256]]

# @dev dispute id => packed head word (0: unknown dispute), layout above.
_head: HashMap[uint256, uint256]

# @dev dispute id => packed tally word, layout above.
_tally: HashMap[uint256, uint256]


# @dev Governance appointed a new panel; disputes created from now on get it.
event PanelSet:
    epoch: indexed(uint256)
    arbiters: DynArray[address, MAX_ARBITERS]
    quorum: uint256


# @dev A dispute was bound to a panel epoch, with the parties' principals
# (who cannot vote) and how many arbiters may vote on it.
event DisputeAssigned:
    disputeID: indexed(uint256)
    arbitrable: indexed(address)
    epoch: indexed(uint256)
    client_principal: address
    provider_principal: address
    choices: uint256
    quorum: uint256
    eligible: uint256


# @dev An arbiter voted; `votes` is the ruling's tally after this vote.
event VoteCast:
    disputeID: indexed(uint256)
    arbiter: indexed(address)
    ruling: uint256
    votes: uint256


# @dev A ruling reached the quorum and was sent to the arbitrable.
event DisputeRuled:
    disputeID: indexed(uint256)
    arbitrable: indexed(address)
    ruling: uint256


@deploy
def __init__(arbiters: DynArray[address, MAX_ARBITERS], quorum: uint256):
    """
    @dev The deployer becomes governance (`owner`); hand it over with
         `transfer_ownership` + `accept_ownership`.
    @param arbiters The first panel (epoch 1), 1 to 16 distinct non-zero
           addresses.
    @param quorum M, 1 to `len(arbiters)`.
    """
    ownable.__init__()
    ownable_2step.__init__()
    self._set_panel(arbiters, quorum)


@external
def set_panel(arbiters: DynArray[address, MAX_ARBITERS], quorum: uint256):
    """
    @notice Appoint a new panel and quorum for disputes created from now on.
            Existing disputes keep the panel of their epoch.
    @dev Governance only. Starts a new epoch even if the panel is unchanged.
    @param arbiters 1 to 16 distinct non-zero addresses; seat i = index i.
    @param quorum M, 1 to `len(arbiters)`. M <= N/2 is allowed: the first
           ruling to reach M wins.
    """
    ownable._check_owner()
    self._set_panel(arbiters, quorum)


@external
@payable
@nonreentrant
def createDispute(choices: uint256, extraData: Bytes[256]) -> uint256:
    """
    @notice Open a dispute for the calling contract, judged by the current
            panel. The caller receives `rule(disputeID, ruling)` when a
            ruling reaches the quorum.
    @dev Free: reverts if any native coin is sent. The caller must be a
         contract (the panel will call `rule` on it). Snapshots the panel
         epoch, its quorum and the parties' principals; never reverts for an
         unreachable quorum (see the contract notes).
    @param choices Rulings run 0..choices; 1 to 255 (103 for AgentMarket).
    @param extraData Exactly `abi.encode(client_principal, provider_principal)`.
    @return The new dispute id (ids start at 0).
    """
    assert msg.value == 0, "panel: msg.value must equal arbitrationCost (0)"
    assert choices >= 1 and choices <= MAX_CHOICES, "panel: choices out of range"
    assert msg.sender.is_contract, "panel: arbitrable is not a contract"
    assert len(extraData) == EXTRA_DATA_LENGTH, "panel: extraData is not abi.encode(address,address)"
    client_principal: address = empty(address)
    provider_principal: address = empty(address)
    client_principal, provider_principal = abi_decode(extraData, (address, address))

    current: uint256 = self._current
    epoch: uint256 = current & MASK_64
    quorum: uint256 = (current >> CURRENT_QUORUM) & MASK_8
    client_bit: uint256 = self._seat_bit(epoch, client_principal)
    provider_bit: uint256 = self._seat_bit(epoch, provider_principal)
    recused: uint256 = client_bit | provider_bit
    eligible: uint256 = (current >> CURRENT_SIZE) & MASK_8
    if client_bit != 0:
        eligible -= 1
    if provider_bit != 0 and provider_bit != client_bit:
        eligible -= 1

    dispute_id: uint256 = current >> CURRENT_COUNT
    self._current = current + (1 << CURRENT_COUNT)
    self._head[dispute_id] = (
        convert(msg.sender, uint256)
        | (epoch << HEAD_EPOCH)
        | (quorum << HEAD_QUORUM)
        | (choices << HEAD_CHOICES)
        | (recused << HEAD_RECUSED)
    )

    log IArbitrator.DisputeCreation(disputeID=dispute_id, arbitrable=msg.sender)
    log DisputeAssigned(
        disputeID=dispute_id,
        arbitrable=msg.sender,
        epoch=epoch,
        client_principal=client_principal,
        provider_principal=provider_principal,
        choices=choices,
        quorum=quorum,
        eligible=eligible,
    )
    return dispute_id


@external
@nonreentrant
def vote(dispute_id: uint256, ruling: uint256):
    """
    @notice Vote a ruling on a dispute, once. The vote that brings a ruling
            to the quorum makes it final and calls `rule` on the arbitrable
            in the same transaction; if that call reverts, the vote reverts.
    @dev Only arbiters of the dispute's epoch who are not a party's
         principal. No loop over storage: one read of the caller's seat,
         one of each packed dispute word, one write.
    @param dispute_id The dispute.
    @param ruling 0 (refuse to arbitrate) to the dispute's `choices`.
    """
    head: uint256 = self._head[dispute_id]
    assert head != 0, "panel: unknown dispute"
    tally: uint256 = self._tally[dispute_id]
    assert tally & TALLY_SOLVED == 0, "panel: dispute solved"

    seat: uint256 = self._seat[(head >> HEAD_EPOCH) & MASK_64][msg.sender]
    assert seat != 0, "panel: not an arbiter"
    seat -= 1
    bit: uint256 = 1 << seat
    assert (head >> HEAD_RECUSED) & bit == 0, "panel: arbiter is a party"
    voted: uint256 = (tally >> TALLY_VOTED) & MASK_16
    assert voted & bit == 0, "panel: already voted"
    assert ruling <= (head >> HEAD_CHOICES) & MASK_8, "panel: ruling out of range"

    votes: uint256 = self._votes_for(tally, ruling) + 1
    tally |= (ruling << (8 * seat)) | (bit << TALLY_VOTED)
    log VoteCast(disputeID=dispute_id, arbiter=msg.sender, ruling=ruling, votes=votes)

    if votes < (head >> HEAD_QUORUM) & MASK_8:
        self._tally[dispute_id] = tally
        return

    # final: record first, then call out (checks-effects-interactions)
    self._tally[dispute_id] = tally | TALLY_SOLVED | (ruling << TALLY_RULING)
    arbitrable: address = convert(head & MASK_ADDRESS, address)
    log DisputeRuled(disputeID=dispute_id, arbitrable=arbitrable, ruling=ruling)
    extcall IArbitrable(arbitrable).rule(dispute_id, ruling)


@external
@payable
def appeal(disputeID: uint256, extraData: Bytes[256]):
    """
    @notice Not supported: the panel's rulings are final.
    @dev Always reverts "panel: no appeals".
    @param disputeID Ignored.
    @param extraData Ignored.
    """
    raise "panel: no appeals"


@external
@view
def arbitrationCost(extraData: Bytes[256]) -> uint256:
    """
    @notice The panel takes no native coin: the escrow pays the arbiters
            from the loser's bond.
    @param extraData Ignored.
    @return 0.
    """
    return 0


@external
@view
def appealCost(disputeID: uint256, extraData: Bytes[256]) -> uint256:
    """
    @notice No appeals: an unpayable cost, as ERC-792 courts signal it.
    @param disputeID Ignored.
    @param extraData Ignored.
    @return `max_value(uint256)`.
    """
    return max_value(uint256)


@external
@view
def appealPeriod(disputeID: uint256) -> (uint256, uint256):
    """
    @notice No appeals: no appeal window.
    @param disputeID Ignored.
    @return start 0: no window.
    @return end 0: no window.
    """
    return 0, 0


@external
@view
def disputeStatus(disputeID: uint256) -> uint8:
    """
    @notice ERC-792 status; the panel is never Appealable.
    @param disputeID The dispute; reverts "panel: unknown dispute" if none.
    @return 0 Waiting or 2 Solved.
    """
    assert self._head[disputeID] != 0, "panel: unknown dispute"
    if self._tally[disputeID] & TALLY_SOLVED != 0:
        return STATUS_SOLVED
    return STATUS_WAITING


@external
@view
def currentRuling(disputeID: uint256) -> uint256:
    """
    @notice The final ruling once Solved; 0 while Waiting (no ruling has
            reached the quorum; see `votes_for` for the tally).
    @param disputeID The dispute; reverts "panel: unknown dispute" if none.
    @return The ruling.
    """
    assert self._head[disputeID] != 0, "panel: unknown dispute"
    return (self._tally[disputeID] >> TALLY_RULING) & MASK_8


@external
@view
def get_dispute(dispute_id: uint256) -> PanelDispute:
    """
    @notice Everything the panel stores about a dispute, unpacked.
    @param dispute_id The dispute; reverts "panel: unknown dispute" if none.
    @return The dispute.
    """
    head: uint256 = self._head[dispute_id]
    assert head != 0, "panel: unknown dispute"
    tally: uint256 = self._tally[dispute_id]
    return PanelDispute(
        arbitrable=convert(head & MASK_ADDRESS, address),
        epoch=(head >> HEAD_EPOCH) & MASK_64,
        quorum=(head >> HEAD_QUORUM) & MASK_8,
        choices=(head >> HEAD_CHOICES) & MASK_8,
        recused_mask=(head >> HEAD_RECUSED) & MASK_16,
        voted_mask=(tally >> TALLY_VOTED) & MASK_16,
        solved=tally & TALLY_SOLVED != 0,
        ruling=(tally >> TALLY_RULING) & MASK_8,
    )


@external
@view
def vote_of(dispute_id: uint256, arbiter: address) -> (bool, uint256):
    """
    @notice How an arbiter voted on a dispute.
    @param dispute_id The dispute.
    @param arbiter The arbiter.
    @return voted Whether it has voted (false for a non-member).
    @return ruling Its ruling (0 if it has not voted).
    """
    seat: uint256 = self._seat[(self._head[dispute_id] >> HEAD_EPOCH) & MASK_64][arbiter]
    if seat == 0:
        return False, 0
    tally: uint256 = self._tally[dispute_id]
    if (tally >> (TALLY_VOTED + seat - 1)) & 1 == 0:
        return False, 0
    return True, (tally >> (8 * (seat - 1))) & MASK_8


@external
@view
def votes_for(dispute_id: uint256, ruling: uint256) -> uint256:
    """
    @notice How many arbiters have voted `ruling` on a dispute.
    @param dispute_id The dispute.
    @param ruling The ruling.
    @return The tally (0 for an unknown dispute).
    """
    return self._votes_for(self._tally[dispute_id], ruling)


@external
@view
def can_vote(dispute_id: uint256, arbiter: address) -> bool:
    """
    @notice Whether `vote(dispute_id, ...)` from `arbiter` would pass the
            membership, party and double-vote checks now.
    @param dispute_id The dispute.
    @param arbiter The would-be voter.
    @return True if it may vote.
    """
    head: uint256 = self._head[dispute_id]
    tally: uint256 = self._tally[dispute_id]
    if head == 0 or tally & TALLY_SOLVED != 0:
        return False
    seat: uint256 = self._seat[(head >> HEAD_EPOCH) & MASK_64][arbiter]
    if seat == 0:
        return False
    bit: uint256 = 1 << (seat - 1)
    return (head >> HEAD_RECUSED) & bit == 0 and (tally >> TALLY_VOTED) & bit == 0


@external
@view
def dispute_count() -> uint256:
    """
    @notice Number of disputes created, which is also the next dispute id.
    @return The count.
    """
    return self._current >> CURRENT_COUNT


@external
@view
def panel_epoch() -> uint256:
    """
    @notice The current panel epoch: the panel new disputes get.
    @return The epoch; the first panel is epoch 1.
    """
    return self._current & MASK_64


@external
@view
def panel_arbiters(epoch: uint256) -> DynArray[address, MAX_ARBITERS]:
    """
    @notice The arbiters of a panel epoch, in seat order.
    @param epoch The epoch (1 to `panel_epoch`).
    @return The arbiters; empty for an epoch that never existed.
    """
    return self._arbiters[epoch]


@external
@view
def panel_quorum(epoch: uint256) -> uint256:
    """
    @notice The quorum M of a panel epoch.
    @param epoch The epoch.
    @return M; 0 for an epoch that never existed.
    """
    return self._quorum[epoch]


@external
@view
def is_arbiter(epoch: uint256, arbiter: address) -> bool:
    """
    @notice Whether an address sits on the panel of an epoch.
    @param epoch The epoch.
    @param arbiter The address.
    @return True if it is one of that epoch's arbiters.
    """
    return self._seat[epoch][arbiter] != 0


@internal
def _set_panel(arbiters: DynArray[address, MAX_ARBITERS], quorum: uint256):
    """
    @dev Write a new epoch: seats, member list and quorum, then make it
         current. Bounded by `MAX_ARBITERS` (the DynArray bound).
    """
    n: uint256 = len(arbiters)
    assert n != 0, "panel: no arbiters"
    assert quorum != 0 and quorum <= n, "panel: quorum out of range"
    # 2**64 epochs would take 2**64 governance transactions: never.
    current: uint256 = self._current
    epoch: uint256 = (current & MASK_64) + 1
    seat: uint256 = 0
    for arbiter: address in arbiters:
        assert arbiter != empty(address), "panel: zero arbiter"
        assert self._seat[epoch][arbiter] == 0, "panel: duplicate arbiter"
        seat += 1
        self._seat[epoch][arbiter] = seat
    self._arbiters[epoch] = arbiters
    self._quorum[epoch] = quorum
    # the dispute counter (bits 80..255) carries over to the new epoch
    self._current = (
        (current & ~MASK_80) | epoch | (quorum << CURRENT_QUORUM) | (n << CURRENT_SIZE)
    )
    log PanelSet(epoch=epoch, arbiters=arbiters, quorum=quorum)


@internal
@view
def _seat_bit(epoch: uint256, account: address) -> uint256:
    """
    @dev The recusal bit of `account` on the panel of `epoch`; 0 if it has no
         seat (including the zero address).
    """
    seat: uint256 = self._seat[epoch][account]
    if seat == 0:
        return 0
    return 1 << (seat - 1)


@internal
@pure
def _votes_for(tally: uint256, ruling: uint256) -> uint256:
    """
    @dev Count the voted seats whose byte equals `ruling`. Loops over at most
         16 bytes of one word already in memory, never over storage.
    """
    voted: uint256 = (tally >> TALLY_VOTED) & MASK_16
    count: uint256 = 0
    for i: uint256 in range(MAX_ARBITERS):
        if voted >> i == 0:
            break
        if (voted >> i) & 1 == 1 and (tally >> (8 * i)) & MASK_8 == ruling:
            count += 1
    return count

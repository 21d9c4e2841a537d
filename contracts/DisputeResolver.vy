# pragma version ~=0.4.3
"""
@title AgentMarket dispute resolver: the procedure of a job's dispute
@license MIT
@notice Runs a job's dispute from one side's complaint to its ending; the
        escrow (`IDisputeHost`, fixed in the constructor) keeps every unit of
        the job's token and pays out in one `settle_dispute` call. This
        contract is the ERC-792 `IArbitrable` the job's arbitrator calls back,
        and it emits the ERC-1497 evidence events (the job id is both
        `metaEvidenceID` and `evidenceGroupID`). A deadline has passed when
        `block.timestamp >= deadline`, everywhere.

        Sides. Either side may open a dispute, and the escrow decides which
        (its job's state): the client disputes a Delivered job's delivery
        before its review deadline, or the provider contests its
        evaluator's rejection of a Rejected job before its response
        deadline. The side that opened is the opener, the other side the
        answerer; `dispute_of(job).opened_by_provider` says which
        (FLAG_PROVIDER_OPENED). Everything else here (proposals, rulings,
        the amount and bonds the escrow pays) is in client / provider
        terms, which do not depend on who opened.

        Procedure (the escrow calls it the Disputed state):
        1. `dispute` (the opening side's principal or operator, which the
           escrow checks): the escrow takes the opener's bond and returns
           the job's terms and which side opened; the response deadline is
           now + response window. Logs `MetaEvidence`.
        2. `answer` (the answering side's principal or operator, which the
           escrow checks; before the response deadline): the escrow takes
           the answerer's bond and the case goes to the job's arbitrator
           with `createDispute(103, abi.encode(client_principal,
           provider_principal))`; the arbitration deadline is now +
           arbitration window. Logs `Evidence` and `Dispute`.
        3. Endings, each one `settle_dispute` call on the escrow:
           - `claim_default_win` (anyone, from the response deadline on, if
             the answering side has not answered): the opener wins whole
             and gets its bond back. Client opened: the client gets the
             whole amount, outcome 4 (DISPUTE_CLIENT); provider opened: the
             provider gets the whole amount, outcome 5 (DISPUTE_PROVIDER).
           - `accept_settlement` (one side accepts the other's standing
             proposal, naming the exact share it accepts; any time before
             the dispute ends): that split, every posted bond back (the
             opener's always, the answerer's if it answered).
             Outcome 6 (SETTLED).
           - `rule` (the job's arbitrator, once, for the case it created):
             the ruling's split (`modules/ruling.vy`) and bonds as below.
           - `apply_default` (anyone, from the arbitration deadline on, if
             the arbitrator has not ruled): the neutral default, as ruling 0.
           Both sides have posted their bonds before `rule` or
           `apply_default` can end a dispute, so the table below applies
           whoever opened.

        Rulings (`amount` is the sum in dispute, `bond` each side's bond; the
        provider's share of `amount` is `ruling.provider_share`, imported
        here as `scale`; f(x) = floor(bond * x / 100)):
        | ruling | provider's share   | client bond back | provider bond back | outcome |
        |--------|--------------------|------------------|--------------------|---------|
        | 0      | amount // 2        | bond             | bond               | 7 SPLIT |
        | 1      | 0                  | bond             | 0                  | 4       |
        | 2      | amount             | 0                | bond               | 5       |
        | 3 + p  | floor(amount*p/100)| bond - f(p)      | bond - f(100 - p)  | 7 SPLIT |
        | > 103  | reverts "resolver: ruling out of range"                           |
        A split forfeits from each bond the share of the case its side lost,
        rounded down: the client lost p percent, the provider 100 - p. The
        rule is symmetric (swapping the sides and p <-> 100 - p swaps the
        returns), exact to the unit (each return is an integer the escrow
        pays; the escrow forfeits the exact remainder), consistent with the
        outright wins at p = 0 and p = 100, and its rounding favours the
        parties: in total the forfeits make one bond, or one bond less one
        unit. Forfeited bond goes to the job's fee recipient, which pays the
        arbitration (the panel's arbiters).

        Native coin (a paid court; the default `ArbiterPanel` costs 0, and
        then no native coin moves at all). ERC-792 prices arbitration in the
        native coin while bonds are in the job's token, so:
        - The opener advances `arbitrationCost(extraData)` with `dispute`
          (`msg.value` must equal it; 0 if the arbitrator's view fails;
          a cost above 2**96 - 1 wei is refused, "resolver: fee too large",
          since an advance is stored in 96 bits beside its payer).
          The resolver keeps it until the dispute ends.
        - The answerer pays `arbitrationCost` with `answer` (`msg.value`
          must equal the cost at that moment); it is forwarded to the court
          with `createDispute`. If the court refuses the case, it is
          credited back to the answerer's payer.
        - At the end, the opener's advance goes the way the amount goes:
          all back to the opener if the opener wins, by default or by
          ruling; all to the answerer's payer if the answerer wins by
          ruling (reimbursing the fee it paid). In general, for a ruling or
          the neutral default on a case the court took, the provider's side
          gets `scale.provider_share(advance, ruling)` and the client's side
          the rest: the answerer's payer is credited its side's part (that
          share if the client opened, the advance less that share if the
          provider opened) and the opener's payer the rest. So each side
          bears the court's fee in the share of the case it lost. A default
          win, a settlement, or a case the arbitrator never took returns
          the whole advance to the opener's payer: the answerer's fee, if
          any, is already spent at the court. Every split is exact to the
          wei: the two credits sum to the advance.
        - Payments are pulled: they are credited to `native_owed` and
          withdrawn with `withdraw_native`; no settlement pushes native coin.
          They go to the address that paid (principal or operator).

        Hostile or broken arbitrator. The arbitrator is fixed on the job at
        creation, by a config both sides accepted, but it must never be able
        to trap the parties' money or hand a side a win it did not rule:
        - `arbitrationCost` is read with a bounded `staticcall`; if it fails
          at `dispute`, the opener advances nothing. `createDispute` is sent
          with a bounded gas budget; if it fails (reverts, runs out of its
          budget, re-enters, returns garbage) at `answer`, the answer still
          stands (the answerer's bond is posted) but there is no case: the
          arbitration deadline is set to now, so anyone may apply the
          neutral default at once (or the sides settle). The alternative,
          letting `answer` revert, would make the opener win by default
          because of the arbitrator: no silent or broken party may decide a
          dispute. The only default win is the opener's, over an answerer
          that stayed silent through the whole response window (it chose
          not to post its bond); once answered, only a ruling, the neutral
          default or a settlement ends the dispute, so neither side wins by
          the other falling silent after that. A case the arbitrator does
          not take cannot be ruled.
        - The budgets are fixed (`ARBITRATION_COST_GAS`, `CREATE_DISPUTE_GAS`)
          and the caller must supply enough gas that the arbitrator really
          gets them ("resolver: not enough gas for the arbitrator"), so an
          answerer cannot starve an honest court to force the neutral
          default.
        - `rule` makes no call to the arbitrator; an arbitrator that never
          rules is covered by the arbitration deadline; one that re-enters
          meets the reentrancy lock. A hostile court can only rule its own
          cases, which it could do anyway.
@custom:security No admin, no pause, no upgrade: nobody has a lever here.
        Both immutables (escrow, registry) are fixed at deployment. Every
        external function that calls out or moves value holds the compiler's
        reentrancy lock (one lock for the whole contract) and follows
        checks-effects-interactions; the one call made before this
        contract's writes is to the escrow in `dispute`, which returns the
        terms those writes need. No loops.
"""

from .interfaces import IAgentRegistry
from .interfaces import IArbitrable
from .interfaces import IArbitrator
from .interfaces import IDisputeHost
from .interfaces import IEvidence

implements: IArbitrable

from .modules import job_words
# the ruling scale; aliased because `rule`'s ERC-792 argument is `ruling`
from .modules import ruling as scale


# @dev Reputation outcomes (IReputationHook).
OUTCOME_DISPUTE_CLIENT: constant(uint8) = 4
OUTCOME_DISPUTE_PROVIDER: constant(uint8) = 5
OUTCOME_SETTLED: constant(uint8) = 6
OUTCOME_SPLIT: constant(uint8) = 7

# @dev Dispute status (bits 160..167 of the head word).
STATUS_NONE: constant(uint8) = 0
STATUS_AWAITING_ANSWER: constant(uint8) = 1
STATUS_AT_ARBITRATOR: constant(uint8) = 2
# @dev Terminal statuses: how the dispute ended.
STATUS_DEFAULT_WIN: constant(uint8) = 3
STATUS_SETTLED: constant(uint8) = 4
STATUS_RULED: constant(uint8) = 5
STATUS_NEUTRAL_DEFAULT: constant(uint8) = 6

# @dev Flag bits (bits 168..175 of the head word).
FLAG_CLIENT_PROPOSED: constant(uint256) = 1
FLAG_PROVIDER_PROPOSED: constant(uint256) = 2
FLAG_ANSWERED: constant(uint256) = 4
FLAG_CASE_OPENED: constant(uint256) = 8
FLAG_OPENER_ADVANCED: constant(uint256) = 16
FLAG_ANSWERER_RECORDED: constant(uint256) = 32
FLAG_PROVIDER_OPENED: constant(uint256) = 64
# @dev The host's job id does not name the job's parties, so they are stored
# in `_parties` (never with JobEscrow, whose ids do: see `_parties_of`).
FLAG_PARTIES_STORED: constant(uint256) = 128

# @dev Roles `IAgentRegistry.authorize` returns.
ROLE_PRINCIPAL: constant(uint8) = 1
ROLE_OPERATOR: constant(uint8) = 2

# @dev Sides, as `_side` returns them.
SIDE_CLIENT: constant(uint256) = 1
SIDE_PROVIDER: constant(uint256) = 2

# @dev Gas the arbitrator gets for `arbitrationCost` and `createDispute`.
# Enough for Kleros-style courts (a few hundred thousand for createDispute);
# a court that needs more cannot serve AgentMarket jobs.
ARBITRATION_COST_GAS: constant(uint256) = 100_000
CREATE_DISPUTE_GAS: constant(uint256) = 1_500_000
# @dev Gas kept beside the budget for the CALL itself (cold account, value
# transfer, memory) so that the callee really receives its budget.
CALL_MARGIN: constant(uint256) = 40_000

# @dev Longest `extraData` (IArbitrator bound).
MAX_EXTRA_DATA: constant(uint256) = 256
# @dev Longest evidence URI (IEvidence bound).
MAX_URI: constant(uint256) = 512

# @dev Head word layout (one slot per job):
#   bits   0..159  arbitrator
#   bits 160..167  status
#   bits 168..175  flags
#   bits 176..183  ruling (STATUS_RULED only)
#   bits 184..219  response deadline (unix seconds)
#   bits 220..255  before the answer: the arbitration window (seconds);
#                  from the answer on: the arbitration deadline
MASK_ADDRESS: constant(uint256) = (1 << 160) - 1
MASK_8: constant(uint256) = 255
MASK_36: constant(uint256) = (1 << 36) - 1
MASK_96: constant(uint256) = (1 << 96) - 1
MASK_128: constant(uint256) = (1 << 128) - 1
H_STATUS: constant(uint256) = 160
H_FLAGS: constant(uint256) = 168
H_RULING: constant(uint256) = 176
H_RESPONSE: constant(uint256) = 184
H_ARBITRATION: constant(uint256) = 220
# @dev Terms word: amount (bits 0..127) | bond (128..255). Parties word
# (FLAG_PARTIES_STORED only): client id (0..127) | provider id (128..255).
# Proposals word: the client's proposed provider share (0..127) | the
# provider's (128..255). Advance words: wei (0..95) | payer (96..255).
HALF: constant(uint256) = 128
PAYER: constant(uint256) = 96
# @dev JobEscrow's job ids name their parties (client and provider id, laid
# out in `modules/job_words.vy`). A job whose id does so needs no parties
# word: a dispute writes two fresh words (head, terms), not three.


# @dev The escrow: holds the money, checks who opens and answers, pays out.
HOST: public(immutable(IDisputeHost))
# @dev The identity registry: who may act for an agent.
REGISTRY: public(immutable(IAgentRegistry))


# @dev Everything the resolver knows about a job's dispute, unpacked.
struct DisputeView:
    status: uint8
    arbitrator: address
    client_id: uint256
    provider_id: uint256
    amount: uint256
    bond: uint256
    response_deadline: uint256
    arbitration_window: uint256
    arbitration_deadline: uint256
    answered: bool
    case_opened: bool
    arbitrator_dispute_id: uint256
    ruling: uint256
    client_proposed: bool
    client_proposal: uint256
    provider_proposed: bool
    provider_proposal: uint256
    opener_advance: uint256
    opener_payer: address
    answerer_fee: uint256
    answerer_payer: address
    opened_by_provider: bool


# @dev job id => head word (layout above); 0 = never disputed.
_head: HashMap[uint256, uint256]
# @dev job id => amount | bond << 128.
_terms: HashMap[uint256, uint256]
# @dev job id => client id | provider id << 128, written only for a job whose
# id does not name its parties (FLAG_PARTIES_STORED); see `_parties_of`.
_parties: HashMap[uint256, uint256]
# @dev job id => the arbitrator's dispute id (valid with FLAG_CASE_OPENED).
_case: HashMap[uint256, uint256]
# @dev job id => proposed provider shares: client's | provider's << 128.
_proposals: HashMap[uint256, uint256]
# @dev job id => the opener's native advance | its payer << 96.
_opener_advance: HashMap[uint256, uint256]
# @dev job id => the native fee the answerer paid the court | its payer << 96.
_answerer_advance: HashMap[uint256, uint256]
# @dev arbitrator => its dispute id => job id.
_job_of: HashMap[address, HashMap[uint256, uint256]]
# @dev Native coin each address may withdraw (pull payments).
native_owed: public(HashMap[address, uint256])


# @dev A side opened a dispute (`by_provider`: the provider contesting a
# rejection; otherwise the client disputing a delivery); the escrow took
# its bond. `advance`: the native coin the opener advanced.
event DisputeOpened:
    job_id: indexed(uint256)
    arbitrator: indexed(address)
    opener: indexed(address)
    response_deadline: uint256
    advance: uint256
    by_provider: bool

# @dev The answering side answered. `case_opened` false: the arbitrator refused
# the case (no `Dispute` event), the neutral default applies at once.
event DisputeAnswered:
    job_id: indexed(uint256)
    arbitrator: indexed(address)
    answerer: indexed(address)
    case_opened: bool
    arbitrator_dispute_id: uint256
    arbitration_deadline: uint256
    fee: uint256

# @dev A side proposed (or replaced its proposal for) a split.
event SettlementProposed:
    job_id: indexed(uint256)
    proposer: indexed(address)
    by_provider: bool
    provider_share: uint256

# @dev A side withdrew its proposal.
event SettlementWithdrawn:
    job_id: indexed(uint256)
    proposer: indexed(address)
    by_provider: bool

# @dev The dispute ended; what the escrow was told to pay.
event DisputeResolved:
    job_id: indexed(uint256)
    status: uint8
    ruling: uint256
    provider_share: uint256
    client_bond_back: uint256
    provider_bond_back: uint256
    outcome: uint8

# @dev Native coin credited to `account` (withdraw with `withdraw_native`).
event NativeCredited:
    job_id: indexed(uint256)
    account: indexed(address)
    amount: uint256

# @dev Native coin withdrawn.
event NativeWithdrawn:
    account: indexed(address)
    to: indexed(address)
    amount: uint256


@deploy
def __init__(escrow: address, registry: address):
    """
    @dev The escrow fixes this contract's address in its own constructor, so
         the deployer predicts the escrow's address and passes it here.
    @param escrow The `IDisputeHost` (JobEscrow).
    @param registry The `IAgentRegistry`.
    """
    assert escrow != empty(address), "resolver: empty escrow"
    assert registry != empty(address), "resolver: empty registry"
    HOST = IDisputeHost(escrow)
    REGISTRY = IAgentRegistry(registry)


# ------------------------------------------------------------- procedure


@external
@payable
@nonreentrant
def dispute(job_id: uint256, evidence_uri: String[MAX_URI]):
    """
    @notice Open a dispute, for either side: the client disputing a
            Delivered job's delivery (before the review deadline), or the
            provider contesting its evaluator's rejection of a Rejected job
            (before the response deadline). The escrow decides which side
            opens from the job's state, checks that the caller is that
            side's principal or unfrozen operator, and takes the opener's
            bond from its free balance. The other side must answer before
            now + the job's response window, or the opener wins by default.
    @dev `msg.value` must equal the arbitrator's
         `arbitrationCost(abi.encode(client_principal, provider_principal))`
         now (0 for the panel; 0 if that view fails): the opener's advance
         of a paid court's fee, see the contract notes. Reverts with the
         escrow's "escrow: ..." strings for a job that is neither Delivered
         nor Rejected (completed, already disputed, unknown), a passed
         deadline, a caller who does not act for the opening side, or a
         short balance. Logs `DisputeOpened` (`by_provider` for a contest)
         and `MetaEvidence(job_id, evidence_uri)`.
    @param job_id The job.
    @param evidence_uri ERC-1497 meta-evidence JSON for the dispute (the
           job's terms and result hashes, the question, the 103 ruling
           options, the opener's statement); at most 512 bytes.
    """
    # the escrow is trusted and fixed; it returns the terms the writes need
    job: IDisputeHost.DisputedJob = extcall HOST.open_dispute(job_id, msg.sender)
    assert self._head[job_id] == 0, "resolver: already disputed"
    assert job.amount <= MASK_128 and job.bond <= MASK_128, "resolver: amount too large"
    assert (
        job.response_window <= MASK_36 and job.arbitration_window <= MASK_36
    ), "resolver: window too long"
    response_deadline: uint256 = block.timestamp + job.response_window
    assert response_deadline + job.arbitration_window <= MASK_36, "resolver: window too long"

    ok: bool = False
    cost: uint256 = 0
    ok, cost = self._arbitration_cost(
        job.arbitrator, abi_encode(job.client_principal, job.provider_principal)
    )
    assert msg.value == cost, "resolver: wrong arbitration fee"

    flags: uint256 = 0
    if job.opened_by_provider:
        flags = FLAG_PROVIDER_OPENED
    if (
        job.client_id != (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK
        or job.provider_id != job_id & job_words.ID_PROVIDER_MASK
    ):
        # a host whose ids do not name the parties (JobEscrow's always do)
        assert job.client_id <= MASK_128 and job.provider_id <= MASK_128, "resolver: id too large"
        flags |= FLAG_PARTIES_STORED
        self._parties[job_id] = job.client_id | (job.provider_id << HALF)
    if msg.value != 0:
        # Advances are packed in 96 bits beside their payer.
        assert msg.value <= MASK_96, "resolver: fee too large"
        flags |= FLAG_OPENER_ADVANCED
        self._opener_advance[job_id] = msg.value | (convert(msg.sender, uint256) << PAYER)
    self._head[job_id] = (
        convert(job.arbitrator, uint256)
        | (convert(STATUS_AWAITING_ANSWER, uint256) << H_STATUS)
        | (flags << H_FLAGS)
        | (response_deadline << H_RESPONSE)
        | (job.arbitration_window << H_ARBITRATION)
    )
    self._terms[job_id] = job.amount | (job.bond << HALF)

    log DisputeOpened(
        job_id=job_id,
        arbitrator=job.arbitrator,
        opener=msg.sender,
        response_deadline=response_deadline,
        advance=msg.value,
        by_provider=job.opened_by_provider,
    )
    log IEvidence.MetaEvidence(metaEvidenceID=job_id, evidence=evidence_uri)


@external
@payable
@nonreentrant
def answer(job_id: uint256, evidence_uri: String[MAX_URI]):
    """
    @notice Answer a dispute (the answering side's principal or operator,
            before the response deadline: the provider's when the client
            opened, the client's when the provider contested a rejection;
            the escrow checks who): the escrow takes the answerer's bond and
            the case goes to the job's arbitrator.
    @dev `msg.value` must equal the arbitrator's `arbitrationCost(extraData)`
         now (0 if that view fails); it is forwarded with
         `createDispute(103, extraData)`, extraData =
         `abi.encode(client_principal, provider_principal)` with the
         principals read from the registry now. The caller must leave
         enough gas for the arbitrator's budgets. If the arbitrator refuses
         the case, the answer stands without one: the fee is credited back
         to the caller and the arbitration deadline is now (neutral default
         at once). Otherwise the arbitration deadline is now + the job's
         arbitration window. Logs `Evidence` (the answerer's URI) and, with
         a case, ERC-1497 `Dispute`.
    @param job_id The job.
    @param evidence_uri The answerer's ERC-1497 evidence JSON; at most 512
           bytes.
    """
    head: uint256 = self._awaiting_answer(job_id)
    deadline: uint256 = (head >> H_RESPONSE) & MASK_36
    assert block.timestamp < deadline, "resolver: response deadline passed"
    arbitrator: address = convert(head & MASK_ADDRESS, address)
    window: uint256 = head >> H_ARBITRATION
    flags: uint256 = ((head >> H_FLAGS) & MASK_8) | FLAG_ANSWERED
    client_id: uint256 = 0
    provider_id: uint256 = 0
    client_id, provider_id = self._parties_of(job_id, head)

    # effects: answered, no case yet (the state a refused case keeps)
    head = self._with(head, STATUS_AT_ARBITRATOR, flags, 0, block.timestamp)
    self._head[job_id] = head

    # interactions: the escrow takes the bond (and checks the caller)
    extcall HOST.take_answer_bond(job_id, msg.sender)
    # the principals now (`ownerOf` reads the owner's word alone; a job's
    # agents exist, and the registry never burns one)
    extra: Bytes[MAX_EXTRA_DATA] = abi_encode(
        staticcall REGISTRY.ownerOf(client_id), staticcall REGISTRY.ownerOf(provider_id)
    )
    ok: bool = False
    cost: uint256 = 0
    ok, cost = self._arbitration_cost(arbitrator, extra)
    assert msg.value == cost, "resolver: wrong arbitration fee"

    opened: bool = False
    spent: bool = False
    dispute_id: uint256 = 0
    if ok:
        opened, spent, dispute_id = self._create_dispute(arbitrator, cost, extra)

    fee: uint256 = 0
    deadline = block.timestamp
    if opened:
        fee = cost
        deadline = block.timestamp + window
        if flags & FLAG_OPENER_ADVANCED != 0 or cost != 0:
            assert cost <= MASK_96, "resolver: fee too large"
            flags |= FLAG_ANSWERER_RECORDED
            self._answerer_advance[job_id] = cost | (convert(msg.sender, uint256) << PAYER)
        flags |= FLAG_CASE_OPENED
        self._head[job_id] = self._with(head, STATUS_AT_ARBITRATOR, flags, 0, deadline)
        self._case[job_id] = dispute_id
        self._job_of[arbitrator][dispute_id] = job_id
    elif msg.value != 0 and not spent:
        self._credit(job_id, msg.sender, msg.value)

    log DisputeAnswered(
        job_id=job_id,
        arbitrator=arbitrator,
        answerer=msg.sender,
        case_opened=opened,
        arbitrator_dispute_id=dispute_id,
        arbitration_deadline=deadline,
        fee=fee,
    )
    log IEvidence.Evidence(
        arbitrator=arbitrator, evidenceGroupID=job_id, party=msg.sender, evidence=evidence_uri
    )
    if opened:
        log IEvidence.Dispute(
            arbitrator=arbitrator,
            disputeID=dispute_id,
            metaEvidenceID=job_id,
            evidenceGroupID=job_id,
        )


@external
@nonreentrant
def submit_evidence(job_id: uint256, evidence_uri: String[MAX_URI]):
    """
    @notice Publish more evidence (ERC-1497 `Evidence`) while the dispute is
            open; either side's principal or operator.
    @dev Only the URI is logged; nothing is stored.
    @param job_id The job.
    @param evidence_uri ERC-1497 evidence JSON; at most 512 bytes.
    """
    head: uint256 = self._open(job_id)
    self._side(job_id, head)
    log IEvidence.Evidence(
        arbitrator=convert(head & MASK_ADDRESS, address),
        evidenceGroupID=job_id,
        party=msg.sender,
        evidence=evidence_uri,
    )


@external
@nonreentrant
def claim_default_win(job_id: uint256):
    """
    @notice End a dispute the answering side did not answer: from the
            response deadline on, anyone may call (the outcome is fixed, so
            no side has to be online). The opener wins: it gets the whole
            amount and its bond back, and its native advance is credited
            back to its payer. Who calls does not matter: a client calling
            it on the provider's contest ends it in the provider's favour.
    @dev Escrow call: the client opened, `settle_dispute(job_id, 0, bond,
         0, 4)`; the provider opened, `settle_dispute(job_id, amount, 0,
         bond, 5)`.
    @param job_id The job.
    """
    head: uint256 = self._awaiting_answer(job_id)
    deadline: uint256 = (head >> H_RESPONSE) & MASK_36
    assert block.timestamp >= deadline, "resolver: response deadline not passed"
    terms: uint256 = self._terms[job_id]
    bond: uint256 = terms >> HALF
    if (head >> H_FLAGS) & FLAG_PROVIDER_OPENED != 0:
        self._finish(
            job_id,
            head,
            STATUS_DEFAULT_WIN,
            0,
            0,
            terms & MASK_128,
            0,
            bond,
            OUTCOME_DISPUTE_PROVIDER,
        )
    else:
        self._finish(job_id, head, STATUS_DEFAULT_WIN, 0, 0, 0, bond, 0, OUTCOME_DISPUTE_CLIENT)


@external
@nonreentrant
def propose_settlement(job_id: uint256, provider_share: uint256):
    """
    @notice Offer to end the dispute with the provider getting
            `provider_share` of the amount (before the escrow's fee) and the
            client the rest; any time while the dispute is open, by either
            side's principal or operator. Replaces the side's previous
            proposal. Bonds return if the other side accepts.
    @dev A caller who may act for both sides acts as the client.
    @param job_id The job.
    @param provider_share 0 to the amount in dispute.
    """
    head: uint256 = self._open(job_id)
    assert provider_share <= self._terms[job_id] & MASK_128, "resolver: share above amount"
    side: uint256 = self._side(job_id, head)
    proposals: uint256 = self._proposals[job_id]
    flags: uint256 = (head >> H_FLAGS) & MASK_8
    if side == SIDE_CLIENT:
        proposals = (proposals & (MASK_128 << HALF)) | provider_share
        flags |= FLAG_CLIENT_PROPOSED
    else:
        proposals = (proposals & MASK_128) | (provider_share << HALF)
        flags |= FLAG_PROVIDER_PROPOSED
    self._proposals[job_id] = proposals
    self._head[job_id] = self._with_flags(head, flags)
    log SettlementProposed(
        job_id=job_id,
        proposer=msg.sender,
        by_provider=side == SIDE_PROVIDER,
        provider_share=provider_share,
    )


@external
@nonreentrant
def withdraw_proposal(job_id: uint256):
    """
    @notice Withdraw the caller's side's standing proposal.
    @param job_id The job.
    """
    head: uint256 = self._open(job_id)
    side: uint256 = self._side(job_id, head)
    flags: uint256 = (head >> H_FLAGS) & MASK_8
    bit: uint256 = FLAG_CLIENT_PROPOSED
    if side == SIDE_PROVIDER:
        bit = FLAG_PROVIDER_PROPOSED
    assert flags & bit != 0, "resolver: no proposal"
    self._head[job_id] = self._with_flags(head, flags & ~bit)
    log SettlementWithdrawn(job_id=job_id, proposer=msg.sender, by_provider=side == SIDE_PROVIDER)


@external
@nonreentrant
def accept_settlement(job_id: uint256, provider_share: uint256):
    """
    @notice Accept the other side's standing proposal; `provider_share` must
            equal it, so a proposal replaced or withdrawn meanwhile is never
            accepted by surprise. Ends the dispute: that split, every posted
            bond back, the opener's native advance back to its payer.
    @dev Escrow call: `settle_dispute(job_id, provider_share, client bond
         back, provider bond back, 6)`, each bond back = `bond` if that
         side posted (the opener always; the answerer if it answered),
         else 0.
    @param job_id The job.
    @param provider_share The provider's share the caller accepts.
    """
    head: uint256 = self._open(job_id)
    side: uint256 = self._side(job_id, head)
    flags: uint256 = (head >> H_FLAGS) & MASK_8
    proposals: uint256 = self._proposals[job_id]
    offered: uint256 = proposals >> HALF
    bit: uint256 = FLAG_PROVIDER_PROPOSED
    if side == SIDE_PROVIDER:
        offered = proposals & MASK_128
        bit = FLAG_CLIENT_PROPOSED
    assert flags & bit != 0, "resolver: no proposal"
    assert offered == provider_share, "resolver: proposal mismatch"
    bond: uint256 = self._terms[job_id] >> HALF
    answerer_bond: uint256 = 0
    if flags & FLAG_ANSWERED != 0:
        answerer_bond = bond
    client_bond: uint256 = bond
    provider_bond: uint256 = answerer_bond
    if flags & FLAG_PROVIDER_OPENED != 0:
        client_bond = answerer_bond
        provider_bond = bond
    self._finish(
        job_id,
        head,
        STATUS_SETTLED,
        0,
        0,
        provider_share,
        client_bond,
        provider_bond,
        OUTCOME_SETTLED,
    )


@external
@nonreentrant
def rule(disputeID: uint256, ruling: uint256):
    """
    @notice ERC-792 callback: the job's arbitrator gives its final ruling on
            the case it created, once. See the contract notes for the scale.
    @dev Dispute ids are the arbitrator's own namespace, so a call from any
         other address, or for an id this contract never opened there,
         reverts "resolver: unknown dispute"; a case already ended (ruled,
         settled, defaulted) reverts "resolver: dispute closed"; a ruling
         above 103 "resolver: ruling out of range". Makes no call to the
         arbitrator. Logs `Ruling`. Escrow call: `settle_dispute(job_id,
         provider_share(amount, ruling), client bond back, provider bond
         back, outcome)` as in the contract's ruling table.
    @param disputeID The arbitrator's dispute id.
    @param ruling 0 to 103.
    """
    job_id: uint256 = self._job_of[msg.sender][disputeID]
    head: uint256 = self._head[job_id]
    assert (
        head & MASK_ADDRESS == convert(msg.sender, uint256)
        and (head >> H_FLAGS) & FLAG_CASE_OPENED != 0
        and self._case[job_id] == disputeID
    ), "resolver: unknown dispute"
    status: uint8 = convert((head >> H_STATUS) & MASK_8, uint8)
    assert status == STATUS_AT_ARBITRATOR, "resolver: dispute closed"
    assert ruling <= scale.CHOICES, "resolver: ruling out of range"

    terms: uint256 = self._terms[job_id]
    amount: uint256 = terms & MASK_128
    bond: uint256 = terms >> HALF
    outcome: uint8 = OUTCOME_SPLIT
    client_back: uint256 = bond
    provider_back: uint256 = bond
    if ruling != scale.REFUSED:
        p: uint256 = self._percent(ruling)
        client_back = bond - scale.provider_share(bond, scale.SPLIT_BASE + p)
        provider_back = bond - scale.provider_share(
            bond, scale.SPLIT_BASE + scale.PERCENT - p
        )
        if ruling == scale.CLIENT_WINS:
            outcome = OUTCOME_DISPUTE_CLIENT
        elif ruling == scale.PROVIDER_WINS:
            outcome = OUTCOME_DISPUTE_PROVIDER
    log IArbitrable.Ruling(arbitrator=msg.sender, disputeID=disputeID, ruling=ruling)
    self._finish(
        job_id,
        head,
        STATUS_RULED,
        ruling,
        ruling,
        scale.provider_share(amount, ruling),
        client_back,
        provider_back,
        outcome,
    )


@external
@nonreentrant
def apply_default(job_id: uint256):
    """
    @notice From the arbitration deadline on, with no ruling, anyone may end
            the dispute with the neutral default: half of the amount each
            (the provider's half rounded down), both bonds back. The
            opener's native advance is shared the same way between the two
            sides' payers (the provider's side's half rounded down), or
            returned whole to the opener's payer if the arbitrator never
            took the case.
    @dev Escrow call: `settle_dispute(job_id, amount // 2, bond, bond, 7)`.
    @param job_id The job.
    """
    head: uint256 = self._open(job_id)
    status: uint8 = convert((head >> H_STATUS) & MASK_8, uint8)
    assert status == STATUS_AT_ARBITRATOR, "resolver: not answered"
    assert block.timestamp >= head >> H_ARBITRATION, "resolver: arbitration deadline not passed"
    terms: uint256 = self._terms[job_id]
    bond: uint256 = terms >> HALF
    self._finish(
        job_id,
        head,
        STATUS_NEUTRAL_DEFAULT,
        0,
        scale.REFUSED,
        scale.provider_share(terms & MASK_128, scale.REFUSED),
        bond,
        bond,
        OUTCOME_SPLIT,
    )


@external
@nonreentrant
def withdraw_native(to: address = msg.sender):
    """
    @notice Withdraw the native coin credited to the caller (advances
            returned, fees reimbursed, refused court fees).
    @param to Where to send it; the caller by default.
    """
    amount: uint256 = self.native_owed[msg.sender]
    assert amount != 0, "resolver: nothing owed"
    assert to != empty(address), "resolver: empty receiver"
    self.native_owed[msg.sender] = 0
    log NativeWithdrawn(account=msg.sender, to=to, amount=amount)
    ok: bool = raw_call(to, b"", value=amount, revert_on_failure=False)
    assert ok, "resolver: native transfer failed"


# ------------------------------------------------------------------ views


@external
@view
def dispute_of(job_id: uint256) -> DisputeView:
    """
    @notice Everything stored about a job's dispute, unpacked.
    @dev All zero (status 0) for a job never disputed. `arbitration_window`
         is the job's window; `arbitration_deadline` is 0 before the answer.
    @param job_id The job.
    @return The dispute.
    """
    head: uint256 = self._head[job_id]
    terms: uint256 = self._terms[job_id]
    client_id: uint256 = 0
    provider_id: uint256 = 0
    if head != 0:
        client_id, provider_id = self._parties_of(job_id, head)
    proposals: uint256 = self._proposals[job_id]
    flags: uint256 = (head >> H_FLAGS) & MASK_8
    opener_advance: uint256 = self._opener_advance[job_id]
    answerer_advance: uint256 = self._answerer_advance[job_id]
    d: DisputeView = DisputeView(
        status=convert((head >> H_STATUS) & MASK_8, uint8),
        arbitrator=convert(head & MASK_ADDRESS, address),
        client_id=client_id,
        provider_id=provider_id,
        amount=terms & MASK_128,
        bond=terms >> HALF,
        response_deadline=(head >> H_RESPONSE) & MASK_36,
        arbitration_window=0,
        arbitration_deadline=0,
        answered=flags & FLAG_ANSWERED != 0,
        case_opened=flags & FLAG_CASE_OPENED != 0,
        arbitrator_dispute_id=self._case[job_id],
        ruling=(head >> H_RULING) & MASK_8,
        client_proposed=flags & FLAG_CLIENT_PROPOSED != 0,
        client_proposal=proposals & MASK_128,
        provider_proposed=flags & FLAG_PROVIDER_PROPOSED != 0,
        provider_proposal=proposals >> HALF,
        opener_advance=opener_advance & MASK_96,
        opener_payer=convert(opener_advance >> PAYER, address),
        answerer_fee=answerer_advance & MASK_96,
        answerer_payer=convert(answerer_advance >> PAYER, address),
        opened_by_provider=flags & FLAG_PROVIDER_OPENED != 0,
    )
    if d.answered:
        d.arbitration_deadline = head >> H_ARBITRATION
    else:
        d.arbitration_window = head >> H_ARBITRATION
    return d


@external
@view
def job_of_dispute(arbitrator: address, dispute_id: uint256) -> uint256:
    """
    @notice The job whose case `arbitrator` opened as `dispute_id`.
    @dev Keyed by the arbitrator too: ids are each arbitrator's own (two
         courts may both use id 0). Reverts "resolver: unknown dispute" for
         a pair this contract never opened.
    @param arbitrator The arbitrator.
    @param dispute_id Its dispute id.
    @return The job id.
    """
    job_id: uint256 = self._job_of[arbitrator][dispute_id]
    head: uint256 = self._head[job_id]
    assert (
        head & MASK_ADDRESS == convert(arbitrator, uint256)
        and (head >> H_FLAGS) & FLAG_CASE_OPENED != 0
        and self._case[job_id] == dispute_id
    ), "resolver: unknown dispute"
    return job_id


# -------------------------------------------------------------- internals


@internal
@view
def _open(job_id: uint256) -> uint256:
    """
    @dev The head word of a dispute that has not ended.
    """
    head: uint256 = self._head[job_id]
    status: uint8 = convert((head >> H_STATUS) & MASK_8, uint8)
    assert status != STATUS_NONE, "resolver: no dispute"
    assert status <= STATUS_AT_ARBITRATOR, "resolver: dispute closed"
    return head


@internal
@view
def _awaiting_answer(job_id: uint256) -> uint256:
    """
    @dev The head word of a dispute the answering side has not answered.
    """
    head: uint256 = self._open(job_id)
    status: uint8 = convert((head >> H_STATUS) & MASK_8, uint8)
    assert status == STATUS_AWAITING_ANSWER, "resolver: already answered"
    return head


@internal
@view
def _parties_of(job_id: uint256, head: uint256) -> (uint256, uint256):
    """
    @dev (client id, provider id) of a disputed job: read from its id, as
         JobEscrow's ids name them (checked against the escrow's own answer
         when the dispute opened), or from `_parties` for a host whose ids
         do not (FLAG_PARTIES_STORED).
    """
    if (head >> H_FLAGS) & FLAG_PARTIES_STORED != 0:
        parties: uint256 = self._parties[job_id]
        return parties & MASK_128, parties >> HALF
    return (
        (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK,
        job_id & job_words.ID_PROVIDER_MASK,
    )


@internal
@view
def _side(job_id: uint256, head: uint256) -> uint256:
    """
    @dev Which side the caller acts for: the client if it is the client's
         principal or unfrozen operator, else the provider likewise.
         Reverts "resolver: agent frozen" for a frozen agent's operator and
         "resolver: not a party" for anyone else. A frozen agent's
         principal still acts: open jobs must be able to exit.
    """
    client_id: uint256 = 0
    provider_id: uint256 = 0
    client_id, provider_id = self._parties_of(job_id, head)
    auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize(client_id, msg.sender)
    if auth.role == ROLE_PRINCIPAL or (auth.role == ROLE_OPERATOR and not auth.frozen):
        return SIDE_CLIENT
    frozen: bool = auth.role == ROLE_OPERATOR
    auth = staticcall REGISTRY.authorize(provider_id, msg.sender)
    if auth.role == ROLE_PRINCIPAL or (auth.role == ROLE_OPERATOR and not auth.frozen):
        return SIDE_PROVIDER
    assert not (frozen or auth.role == ROLE_OPERATOR), "resolver: agent frozen"
    raise "resolver: not a party"


@internal
@pure
def _percent(r: uint256) -> uint256:
    """
    @dev The provider's percent under a ruling 1..103 (1 -> 0, 2 -> 100).
    """
    if r == scale.CLIENT_WINS:
        return 0
    if r == scale.PROVIDER_WINS:
        return scale.PERCENT
    return r - scale.SPLIT_BASE


@internal
@pure
def _with(head: uint256, status: uint8, flags: uint256, r: uint256, deadline: uint256) -> uint256:
    """
    @dev `head` with a new status, flags, ruling and arbitration field.
    """
    return (
        (head & MASK_ADDRESS)
        | (convert(status, uint256) << H_STATUS)
        | (flags << H_FLAGS)
        | (r << H_RULING)
        | (head & (MASK_36 << H_RESPONSE))
        | (deadline << H_ARBITRATION)
    )


@internal
@pure
def _with_flags(head: uint256, flags: uint256) -> uint256:
    return (head & ~(MASK_8 << H_FLAGS)) | (flags << H_FLAGS)


@internal
def _finish(
    job_id: uint256,
    head: uint256,
    status: uint8,
    stored_ruling: uint256,
    native_ruling: uint256,
    provider_share: uint256,
    client_bond_back: uint256,
    provider_bond_back: uint256,
    outcome: uint8,
):
    """
    @dev End the dispute: record the ending, credit the opener's native
         advance (for a ruling or a neutral default on an opened case, the
         provider's side's part is `scale.provider_share(advance,
         native_ruling)` and the client's side's the rest; the answerer's
         payer gets its side's part and the opener's payer the rest;
         otherwise all returns to the opener's payer), then have the escrow
         pay out. A case opened with an advance always has its answerer
         recorded (FLAG_ANSWERER_RECORDED), so the answerer's payer is set.
    """
    flags: uint256 = (head >> H_FLAGS) & MASK_8
    self._head[job_id] = self._with(head, status, flags, stored_ruling, head >> H_ARBITRATION)
    if flags & FLAG_OPENER_ADVANCED != 0:
        advance: uint256 = self._opener_advance[job_id]
        advanced: uint256 = advance & MASK_96
        to_answerer: uint256 = 0
        ruled: bool = status == STATUS_RULED or status == STATUS_NEUTRAL_DEFAULT
        if ruled and flags & FLAG_CASE_OPENED != 0:
            to_answerer = scale.provider_share(advanced, native_ruling)
            if flags & FLAG_PROVIDER_OPENED != 0:
                to_answerer = advanced - to_answerer
        if to_answerer != 0:
            self._credit(
                job_id, convert(self._answerer_advance[job_id] >> PAYER, address), to_answerer
            )
        if advanced != to_answerer:
            self._credit(job_id, convert(advance >> PAYER, address), advanced - to_answerer)
    log DisputeResolved(
        job_id=job_id,
        status=status,
        ruling=stored_ruling,
        provider_share=provider_share,
        client_bond_back=client_bond_back,
        provider_bond_back=provider_bond_back,
        outcome=outcome,
    )
    extcall HOST.settle_dispute(
        job_id, provider_share, client_bond_back, provider_bond_back, outcome
    )


@internal
def _credit(job_id: uint256, account: address, amount: uint256):
    self.native_owed[account] += amount
    log NativeCredited(job_id=job_id, account=account, amount=amount)


@internal
@view
def _arbitration_cost(arbitrator: address, extra: Bytes[MAX_EXTRA_DATA]) -> (bool, uint256):
    """
    @dev `arbitrationCost(extra)` with a fixed gas budget; (False, 0) if the
         call fails or does not return one word.
    """
    needed: uint256 = ARBITRATION_COST_GAS + ARBITRATION_COST_GAS // 63 + CALL_MARGIN
    assert msg.gas >= needed, "resolver: not enough gas for the arbitrator"
    ok: bool = False
    response: Bytes[32] = b""
    ok, response = raw_call(
        arbitrator,
        abi_encode(extra, method_id=method_id("arbitrationCost(bytes)")),
        max_outsize=32,
        gas=ARBITRATION_COST_GAS,
        is_static_call=True,
        revert_on_failure=False,
    )
    if not ok or len(response) != 32:
        return False, 0
    return True, convert(response, uint256)


@internal
def _create_dispute(
    arbitrator: address, cost: uint256, extra: Bytes[MAX_EXTRA_DATA]
) -> (bool, bool, uint256):
    """
    @dev `createDispute{value: cost}(103, extra)` with a fixed gas budget.
         Returns (case opened, fee spent, dispute id). A call that succeeds
         without returning one word opens no case, but its fee is spent.
    """
    needed: uint256 = CREATE_DISPUTE_GAS + CREATE_DISPUTE_GAS // 63 + CALL_MARGIN
    assert msg.gas >= needed, "resolver: not enough gas for the arbitrator"
    ok: bool = False
    response: Bytes[32] = b""
    ok, response = raw_call(
        arbitrator,
        abi_encode(
            scale.CHOICES, extra, method_id=method_id("createDispute(uint256,bytes)")
        ),
        max_outsize=32,
        gas=CREATE_DISPUTE_GAS,
        value=cost,
        revert_on_failure=False,
    )
    if not ok:
        return False, False, 0
    if len(response) != 32:
        return False, True, 0
    return True, True, convert(response, uint256)

# pragma version ~=0.4.3
"""
@title AgentMarket reputation registry: proof of performance
@license MIT
@notice Keeps, for every agent, facts that only settled escrow jobs write and
        ratings that only the counterparty of a settled, paid job can give,
        each weighted by the value paid on its job. The escrow writes facts
        (`record_job`) when a job ends; an agent rates through `rate`, which
        asks the escrow's gate (`IRatingGate.consume_rating`) whether it may.
        Readers get an agent's aggregate, the same restricted to counterparty
        agents they trust, and ERC-8004's `getSummary`.
@custom:security No admin, no pause, no upgrade, no value held. The escrow is
        fixed at deployment and is the only writer of facts and the only judge
        of who may rate; nobody, the deployer included, can edit or delete a
        fact or a rating. Counters and sums saturate, so `record_job` cannot
        revert on overflow and block a settlement; it reverts only for a
        caller other than the escrow or an outcome code outside 1..9.
@dev Storage is packed by hand (Vyper 0.4.3 gives each struct member a slot).
     Six mappings of uint256 words:

     FACTS word (`_facts[agent]`, and `_pair_facts[provider][client]`):
       bits   0..31   completed      (saturates at 2**32 - 1)
       bits  32..55   failed         (saturates at 2**24 - 1)
       bits  56..79   refunded       (idem)
       bits  80..103  disputes won   (idem)
       bits 104..127  disputes lost  (idem)
       bits 128..151  settled        (idem)
       bits 152..253  volume, weighted value, 18 decimals (saturates)
       bit  254       `_facts`: the agent's RATING word is opened;
                      `_pair_facts[p][c]`: `_pair_ratings[p][c]` is opened
       bit  255       `_pair_facts[p][c]` only: `_pair_ratings[c][p]` opened
     `_facts[a]` is agent a's record in both roles. `_pair_facts[p][c]` is
     provider p's record on the jobs it did for client c (its `refunded` is
     always 0); client c's record on those jobs is its mirror: completed,
     failed as refunded, won as lost, lost as won, settled, volume.

     RATING word (`_ratings[rated]`, and `_pair_ratings[rated][rater]`):
       bits   0..31   count          (saturates)
       bits  32..135  sum of weights (a weight is cut to the room left)
       bits 136..246  sum of weight * score (<= 100 * sum of weights)
       bit  255       opened: written nonzero by `record_job` ahead of the
                      first rating, so `rate` never pays for a fresh slot

     VERDICT word (`_verdicts[provider]`, and
     `_pair_verdicts[provider][client]`), provider role only:
       bits   0..31   validated      (saturates at 2**32 - 1, as completed)
       bits  32..63   rejected       (saturates at 2**24 - 1, as failed)
       bits  64..255  zero
     Sub-counts of the FACTS word of the same key: `validated` counts the
     outcome 9 jobs among `completed`, `rejected` the outcome 8 jobs among
     `failed`. Each saturates where its parent counter does, so it never
     exceeds it. The client side of a verdict has no counter of its own.

     Gas: in steady state `record_job` reads and rewrites three nonzero
     words (provider, client, pair: 3 x 5,000) and logs nothing (the escrow
     logs the settlement). The first paid job of an agent, or of a pair, also
     opens the RATING words a later `rate` writes (one fresh slot each, paid
     once at settlement instead of at the rating), so `rate` always rewrites
     two nonzero words (2 x 5,000) whoever rates first. Only the evaluator's
     outcomes (8 REJECTED, 9 VALIDATED) touch the provider's two VERDICT
     words as well: 2 x 5,000 more in steady state, a fresh slot (22,100)
     instead of 5,000 for its first verdict and for its first with each
     client. Outcomes 1 to 7 never read them, and cost no more than before
     the verdicts (3 to 7 some 25 gas less: they no longer test for 8).
"""

from .interfaces import IRatingGate
from .interfaces import IReputationHook
from .interfaces import IReputationRegistry

implements: IReputationHook
implements: IReputationRegistry

# @dev Outcome codes, as in IReputationHook.vyi.
COMPLETED: constant(uint8) = 1
REFUNDED_LATE: constant(uint8) = 2
DECLINED: constant(uint8) = 3
DISPUTE_CLIENT: constant(uint8) = 4
DISPUTE_PROVIDER: constant(uint8) = 5
SETTLED: constant(uint8) = 6
SPLIT: constant(uint8) = 7
REJECTED: constant(uint8) = 8
VALIDATED: constant(uint8) = 9

# @dev FACTS word layout (see the header).
COMPLETED_SHIFT: constant(uint256) = 0
FAILED_SHIFT: constant(uint256) = 32
REFUNDED_SHIFT: constant(uint256) = 56
WON_SHIFT: constant(uint256) = 80
LOST_SHIFT: constant(uint256) = 104
SETTLED_SHIFT: constant(uint256) = 128
VOLUME_SHIFT: constant(uint256) = 152
COMPLETED_MAX: constant(uint256) = 2**32 - 1
COUNTER_MAX: constant(uint256) = 2**24 - 1
VOLUME_MAX: constant(uint256) = 2**102 - 1
# @dev VERDICT word layout (see the header).
VALIDATED_SHIFT: constant(uint256) = 0
REJECTED_SHIFT: constant(uint256) = 32
VERDICT_FIELD: constant(uint256) = 2**32 - 1
# @dev A verdict's lowest bit, and its field's value when saturated:
# `validated` saturates with `completed`, `rejected` with `failed`.
VALIDATED_BIT: constant(uint256) = 1 << VALIDATED_SHIFT
VALIDATED_FULL: constant(uint256) = COMPLETED_MAX << VALIDATED_SHIFT
REJECTED_BIT: constant(uint256) = 1 << REJECTED_SHIFT
REJECTED_FULL: constant(uint256) = COUNTER_MAX << REJECTED_SHIFT
# @dev `_facts`: rating word opened; `_pair_facts[p][c]`: `_pair_ratings[p][c]`.
OPENED_A: constant(uint256) = 1 << 254
# @dev `_pair_facts[p][c]`: `_pair_ratings[c][p]` opened.
OPENED_B: constant(uint256) = 1 << 255
PAIR_OPENED: constant(uint256) = OPENED_A | OPENED_B

# @dev RATING word layout (see the header).
COUNT_MAX: constant(uint256) = 2**32 - 1
WEIGHT_SHIFT: constant(uint256) = 32
WEIGHT_MAX: constant(uint256) = 2**104 - 1
SCORE_SHIFT: constant(uint256) = 136
SCORE_SUM_MAX: constant(uint256) = 2**111 - 1
RATING_OPENED: constant(uint256) = 1 << 255

MAX_SCORE: constant(uint8) = 100
# @dev `getSummary` and `average_score` give the mean score with 2 decimals.
SUMMARY_DECIMALS: constant(uint8) = 2
# @dev Longest list a restricted read accepts.
MAX_COUNTERPARTIES: constant(uint256) = 64

# @dev The escrow: sole writer of facts, and the rating gate.
ESCROW: public(immutable(address))

# @dev Agent id => FACTS word: its record in both roles.
_facts: HashMap[uint256, uint256]

# @dev Provider id => client id => FACTS word: the provider's record on the
# jobs it did for that client.
_pair_facts: HashMap[uint256, HashMap[uint256, uint256]]

# @dev Rated agent id => RATING word: every rating it received.
_ratings: HashMap[uint256, uint256]

# @dev Rated agent id => rater agent id => RATING word.
_pair_ratings: HashMap[uint256, HashMap[uint256, uint256]]

# @dev Provider id => VERDICT word: its evaluator-validated and rejected jobs.
_verdicts: HashMap[uint256, uint256]

# @dev Provider id => client id => VERDICT word: the same on the jobs it did
# for that client.
_pair_verdicts: HashMap[uint256, HashMap[uint256, uint256]]


@deploy
def __init__(escrow: address):
    """
    @notice Fix the escrow for the life of this registry.
    @dev The escrow must therefore exist (or its address be known) first; it
         takes this registry's address afterwards (a set-once link on its
         side). An immutable, unlike a storage word, costs no cold SLOAD in
         `record_job` and `rate`.
    @param escrow The JobEscrow contract.
    """
    assert escrow != empty(address), "reputation: no escrow"
    ESCROW = escrow


@external
def record_job(
    job_id: uint256,
    client_id: uint256,
    provider_id: uint256,
    outcome: uint8,
    paid: uint256,
    weighted_value: uint256,
):
    """
    @notice Record the ending of a settled job for both of its sides; escrow
            only. Each side gets one counter for the outcome (see
            `IReputationRegistry.Reputation` for the table) and the job's
            weighted value added to its volume. An evaluator's verdict also
            counts for the provider: 9 VALIDATED in `validated` (on top of
            `completed`), 8 REJECTED in `rejected` (on top of `failed`).
    @dev Logs nothing: the escrow's own settlement event carries the job's
         ending. A job whose client and provider are the same agent is
         ignored (it shares a principal, so it earns nothing); the escrow
         already leaves out every job whose sides shared a principal.
         Cannot revert but for the caller and an unknown outcome code.
         Outcomes 1 to 7 never touch the VERDICT words.
    @param job_id The escrow's job id (not stored).
    @param client_id The client agent.
    @param provider_id The provider agent.
    @param outcome The outcome code, 1 to 9.
    @param paid What the provider received, in token units; only whether it
           is nonzero matters here (only a paid job can be rated).
    @param weighted_value `paid` times its token's governance weight.
    """
    assert msg.sender == ESCROW, "reputation: not escrow"
    # The counter each side gets: its lowest bit and its field mask.
    provider_bit: uint256 = 1 << COMPLETED_SHIFT
    provider_mask: uint256 = COMPLETED_MAX << COMPLETED_SHIFT
    client_bit: uint256 = provider_bit
    client_mask: uint256 = provider_mask
    if outcome == COMPLETED:
        pass
    elif outcome == REFUNDED_LATE or outcome == DECLINED:
        provider_bit = 1 << FAILED_SHIFT
        provider_mask = COUNTER_MAX << FAILED_SHIFT
        client_bit = 1 << REFUNDED_SHIFT
        client_mask = COUNTER_MAX << REFUNDED_SHIFT
    elif outcome == DISPUTE_CLIENT:
        provider_bit = 1 << LOST_SHIFT
        provider_mask = COUNTER_MAX << LOST_SHIFT
        client_bit = 1 << WON_SHIFT
        client_mask = COUNTER_MAX << WON_SHIFT
    elif outcome == DISPUTE_PROVIDER:
        provider_bit = 1 << WON_SHIFT
        provider_mask = COUNTER_MAX << WON_SHIFT
        client_bit = 1 << LOST_SHIFT
        client_mask = COUNTER_MAX << LOST_SHIFT
    elif outcome == SETTLED or outcome == SPLIT:
        provider_bit = 1 << SETTLED_SHIFT
        provider_mask = COUNTER_MAX << SETTLED_SHIFT
        client_bit = provider_bit
        client_mask = provider_mask
    # The evaluator's outcomes come last, so that 1 to 7 never test for
    # them, and count their verdict in the provider's two VERDICT words right
    # here, inline (an internal call would cost every outcome some gas).
    # Saturating like the FACTS counters; a saturated word is not rewritten.
    elif outcome == REJECTED:
        provider_bit = 1 << FAILED_SHIFT
        provider_mask = COUNTER_MAX << FAILED_SHIFT
        client_bit = 1 << REFUNDED_SHIFT
        client_mask = COUNTER_MAX << REFUNDED_SHIFT
        if client_id != provider_id:
            verdict: uint256 = self._verdicts[provider_id]
            if (verdict & REJECTED_FULL) != REJECTED_FULL:
                # Below its saturated value: no carry out of the field.
                self._verdicts[provider_id] = unsafe_add(verdict, REJECTED_BIT)
            verdict = self._pair_verdicts[provider_id][client_id]
            if (verdict & REJECTED_FULL) != REJECTED_FULL:
                # Below its saturated value: no carry out of the field.
                self._pair_verdicts[provider_id][client_id] = unsafe_add(verdict, REJECTED_BIT)
    elif outcome == VALIDATED:
        # both sides: completed, as for COMPLETED (set above)
        if client_id != provider_id:
            verdict: uint256 = self._verdicts[provider_id]
            if (verdict & VALIDATED_FULL) != VALIDATED_FULL:
                # Below its saturated value: no carry out of the field.
                self._verdicts[provider_id] = unsafe_add(verdict, VALIDATED_BIT)
            verdict = self._pair_verdicts[provider_id][client_id]
            if (verdict & VALIDATED_FULL) != VALIDATED_FULL:
                # Below its saturated value: no carry out of the field.
                self._pair_verdicts[provider_id][client_id] = unsafe_add(verdict, VALIDATED_BIT)
    else:
        raise "reputation: unknown outcome"
    if client_id == provider_id:
        return
    rateable: bool = paid != 0
    # A counter is bumped only below its ceiling and the volume only by the
    # room left in its field, so no field carries into the next: plain adds.

    word: uint256 = self._facts[provider_id]
    if (word & provider_mask) != provider_mask:
        # Below its ceiling: the counter cannot carry into the next field.
        word = unsafe_add(word, provider_bit)
    # The volume grows by at most the room left in its field: no carry.
    word = unsafe_add(
        word, min(weighted_value, VOLUME_MAX - ((word >> VOLUME_SHIFT) & VOLUME_MAX)) << VOLUME_SHIFT
    )
    if rateable and (word & OPENED_A) == 0:
        self._open_ratings(provider_id)
        word |= OPENED_A
    self._facts[provider_id] = word

    word = self._facts[client_id]
    if (word & client_mask) != client_mask:
        # Below its ceiling: the counter cannot carry into the next field.
        word = unsafe_add(word, client_bit)
    # The volume grows by at most the room left in its field: no carry.
    word = unsafe_add(
        word, min(weighted_value, VOLUME_MAX - ((word >> VOLUME_SHIFT) & VOLUME_MAX)) << VOLUME_SHIFT
    )
    if rateable and (word & OPENED_A) == 0:
        self._open_ratings(client_id)
        word |= OPENED_A
    self._facts[client_id] = word

    word = self._pair_facts[provider_id][client_id]
    if (word & provider_mask) != provider_mask:
        # Below its ceiling: the counter cannot carry into the next field.
        word = unsafe_add(word, provider_bit)
    # The volume grows by at most the room left in its field: no carry.
    word = unsafe_add(
        word, min(weighted_value, VOLUME_MAX - ((word >> VOLUME_SHIFT) & VOLUME_MAX)) << VOLUME_SHIFT
    )
    if rateable and (word & PAIR_OPENED) != PAIR_OPENED:
        if self._pair_ratings[provider_id][client_id] == 0:
            self._pair_ratings[provider_id][client_id] = RATING_OPENED
        if self._pair_ratings[client_id][provider_id] == 0:
            self._pair_ratings[client_id][provider_id] = RATING_OPENED
        word |= PAIR_OPENED
    self._pair_facts[provider_id][client_id] = word


@external
def rate(
    job_id: uint256,
    score: uint8,
    tag1: String[64],
    tag2: String[64],
    feedback_uri: String[1024],
    feedback_hash: bytes32,
):
    """
    @notice Rate the other side of a settled job you took part in: the
            client rates the provider, the provider rates the client, once
            each. The escrow decides: the job must be settled with something
            paid, its sides must have had different principals, and the
            caller must be the owner or operator of one side that has not
            rated it yet (its reverts are `escrow: ...`).
    @dev The rating counts with the job's weighted value as its weight. Tags,
         URI and hash are only logged. The gate is called before this
         registry's writes because its answer says what to write; it is the
         trusted escrow fixed at deployment and moves no value, so no lock.
    @param job_id The job.
    @param score 0 to 100.
    @param tag1 A free tag, logged (indexed in `NewFeedback`).
    @param tag2 A second free tag, logged.
    @param feedback_uri Where the feedback lives, logged.
    @param feedback_hash Hash of the feedback document, logged.
    """
    assert score <= MAX_SCORE, "reputation: score above 100"
    ticket: IRatingGate.RatingTicket = extcall IRatingGate(ESCROW).consume_rating(
        job_id, msg.sender
    )
    assert ticket.rated_id != ticket.rater_id, "reputation: self rating"

    # The weight is cut to the room left in the agent's sum, which bounds
    # every pair sum of that agent too; the score sum then stays at most
    # 100 * WEIGHT_MAX < 2**111. So no field can carry into the next, and
    # the adds below need no overflow check. A count grows by one below its
    # ceiling and stays there (the comparison's 0 or 1, added without a
    # branch). The weight's room needs no checked subtraction either: the
    # masked field is at most WEIGHT_MAX.
    word: uint256 = self._ratings[ticket.rated_id]
    # The masked field is at most WEIGHT_MAX: the room cannot underflow.
    weight: uint256 = min(
        ticket.weighted_value, unsafe_sub(WEIGHT_MAX, (word >> WEIGHT_SHIFT) & WEIGHT_MAX)
    )
    # weight <= WEIGHT_MAX < 2**104 and score <= 100: the product is below
    # 2**111, and the two shifted fields do not overlap.
    delta: uint256 = unsafe_add(
        weight << WEIGHT_SHIFT, unsafe_mul(weight, convert(score, uint256)) << SCORE_SHIFT
    )
    # Count below its ceiling, weight cut to the room left: no field carries.
    self._ratings[ticket.rated_id] = unsafe_add(
        unsafe_add(word, convert((word & COUNT_MAX) != COUNT_MAX, uint256)), delta
    )

    word = self._pair_ratings[ticket.rated_id][ticket.rater_id]
    # A pair's sums are bounded by the agent's (one delta each): no carry.
    word = unsafe_add(unsafe_add(word, convert((word & COUNT_MAX) != COUNT_MAX, uint256)), delta)
    self._pair_ratings[ticket.rated_id][ticket.rater_id] = word

    # The rater's id as the address ERC-8004 readers key raters by: ids are
    # below 2**64 (the registry's MAX_AGENT_ID), so the conversion, checked
    # against 2**160, never reverts.
    log IReputationRegistry.NewFeedback(
        agentId=ticket.rated_id,
        clientAddress=convert(ticket.rater_id, address),
        feedbackIndex=convert(word & COUNT_MAX, uint64),
        value=convert(score, int128),
        valueDecimals=0,
        indexedTag1=tag1,
        tag1=tag1,
        tag2=tag2,
        endpoint="",
        feedbackURI=feedback_uri,
        feedbackHash=feedback_hash,
    )
    log IReputationRegistry.Rated(job_id=job_id, rater_id=ticket.rater_id, weight=weight)


@external
@view
def reputation_of(agent_id: uint256) -> IReputationRegistry.Reputation:
    """
    @notice An agent's whole record: both roles, every counterparty, every
            rating it received.
    @param agent_id The agent.
    @return The aggregate (see `IReputationRegistry.Reputation`).
    """
    acc: IReputationRegistry.Reputation = empty(IReputationRegistry.Reputation)
    acc = self._add_facts(acc, self._facts[agent_id], False)
    acc = self._add_ratings(acc, self._ratings[agent_id])
    acc = self._add_verdicts(acc, self._verdicts[agent_id])
    return self._finish(acc)


@external
@view
def reputation_among(
    agent_id: uint256, counterparties: DynArray[uint256, MAX_COUNTERPARTIES]
) -> IReputationRegistry.Reputation:
    """
    @notice An agent's record counting only the jobs it did with the listed
            counterparty agents (in either role) and the ratings they gave it.
            Use it to read a reputation through agents you trust.
    @dev A repeated id counts once. Reads two FACTS words, one RATING word
         and one VERDICT word per listed agent, nothing else.
    @param agent_id The agent.
    @param counterparties Up to 64 counterparty agent ids.
    @return The restricted aggregate (see `IReputationRegistry.Reputation`).
    """
    acc: IReputationRegistry.Reputation = empty(IReputationRegistry.Reputation)
    for i: uint256 in range(len(counterparties), bound=MAX_COUNTERPARTIES):
        other: uint256 = counterparties[i]
        if self._seen_before(counterparties, i):
            continue
        acc = self._add_facts(acc, self._pair_facts[agent_id][other], False)
        acc = self._add_facts(acc, self._pair_facts[other][agent_id], True)
        acc = self._add_ratings(acc, self._pair_ratings[agent_id][other])
        acc = self._add_verdicts(acc, self._pair_verdicts[agent_id][other])
    return self._finish(acc)


@external
@view
def getSummary(
    agentId: uint256,
    clientAddresses: DynArray[address, MAX_COUNTERPARTIES],
    tag1: String[64],
    tag2: String[64],
) -> (uint64, int128, uint8):
    """
    @notice ERC-8004 summary of the ratings an agent received: how many, and
            their average score weighted by the value paid on each rated job.
    @dev Raters are agents, so `clientAddresses` holds RATER AGENT IDS as
         addresses (`address(uint160(id))`), as `NewFeedback.clientAddress`
         logs them. Not principals: a principal owns many agents and changes
         when an agent is transferred, so it cannot key a record written at
         settlement without a registry call per write; nor operators, which
         rotate. An address that is no rater adds nothing; a repeated one
         counts once; an empty list means every rater (all our ratings are
         paid for, unlike ERC-8004's open feedback). No tag filter is
         honoured: tags live only in the events (`indexedTag1` is a topic)
         for filtering off-chain, and a non-empty `tag1` or `tag2` reverts
         rather than return an unfiltered answer as if it were filtered.
    @param agentId The rated agent.
    @param clientAddresses Up to 64 rater agent ids as addresses, or empty.
    @param tag1 Must be empty.
    @param tag2 Must be empty.
    @return count Number of ratings counted.
    @return summaryValue Weighted average score times 100 (0 if no weight).
    @return summaryValueDecimals Always 2.
    """
    assert len(tag1) == 0 and len(tag2) == 0, "reputation: tag filters unsupported"
    acc: IReputationRegistry.Reputation = empty(IReputationRegistry.Reputation)
    if len(clientAddresses) == 0:
        acc = self._add_ratings(acc, self._ratings[agentId])
    else:
        ids: DynArray[uint256, MAX_COUNTERPARTIES] = []
        for client: address in clientAddresses:
            ids.append(convert(client, uint256))
        for i: uint256 in range(len(ids), bound=MAX_COUNTERPARTIES):
            if self._seen_before(ids, i):
                continue
            acc = self._add_ratings(acc, self._pair_ratings[agentId][ids[i]])
    acc = self._finish(acc)
    return (
        convert(acc.rating_count, uint64),
        convert(acc.average_score, int128),
        SUMMARY_DECIMALS,
    )


@external
@view
def getLastIndex(agentId: uint256, clientAddress: address) -> uint64:
    """
    @notice ERC-8004: how many ratings a rater agent gave this agent, which
            is the `feedbackIndex` of its last one (indexes start at 1).
    @param agentId The rated agent.
    @param clientAddress The rater agent's id as an address.
    @return The number of ratings.
    """
    word: uint256 = self._pair_ratings[agentId][convert(clientAddress, uint256)]
    return convert(word & COUNT_MAX, uint64)


@internal
def _open_ratings(agent_id: uint256):
    """
    @dev Make the agent's RATING word nonzero before its first rating.
    """
    if self._ratings[agent_id] == 0:
        self._ratings[agent_id] = RATING_OPENED


@internal
@pure
def _seen_before(ids: DynArray[uint256, MAX_COUNTERPARTIES], i: uint256) -> bool:
    """
    @dev Whether `ids[i]` already appears in `ids[:i]` (at most 63 compares).
    """
    for j: uint256 in range(i, bound=MAX_COUNTERPARTIES):
        if ids[j] == ids[i]:
            return True
    return False


@internal
@pure
def _add_facts(
    acc: IReputationRegistry.Reputation, word: uint256, mirrored: bool
) -> IReputationRegistry.Reputation:
    """
    @dev Add a FACTS word to `acc`; `mirrored` reads a provider's pair word
         as its client's record (failed as refunded, won and lost swapped).
    """
    result: IReputationRegistry.Reputation = acc
    result.completed += (word >> COMPLETED_SHIFT) & COMPLETED_MAX
    result.settled += (word >> SETTLED_SHIFT) & COUNTER_MAX
    result.volume += (word >> VOLUME_SHIFT) & VOLUME_MAX
    won: uint256 = (word >> WON_SHIFT) & COUNTER_MAX
    lost: uint256 = (word >> LOST_SHIFT) & COUNTER_MAX
    failed: uint256 = (word >> FAILED_SHIFT) & COUNTER_MAX
    if mirrored:
        result.refunded += failed
        result.disputes_won += lost
        result.disputes_lost += won
    else:
        result.failed += failed
        result.refunded += (word >> REFUNDED_SHIFT) & COUNTER_MAX
        result.disputes_won += won
        result.disputes_lost += lost
    return result


@internal
@pure
def _add_ratings(
    acc: IReputationRegistry.Reputation, word: uint256
) -> IReputationRegistry.Reputation:
    """
    @dev Add a RATING word to `acc`.
    """
    result: IReputationRegistry.Reputation = acc
    result.rating_count += word & COUNT_MAX
    result.rating_weight += (word >> WEIGHT_SHIFT) & WEIGHT_MAX
    result.rating_weighted_score += (word >> SCORE_SHIFT) & SCORE_SUM_MAX
    return result


@internal
@pure
def _add_verdicts(
    acc: IReputationRegistry.Reputation, word: uint256
) -> IReputationRegistry.Reputation:
    """
    @dev Add a VERDICT word to `acc` (a provider's; clients have none).
    """
    result: IReputationRegistry.Reputation = acc
    result.validated += (word >> VALIDATED_SHIFT) & VERDICT_FIELD
    result.rejected += (word >> REJECTED_SHIFT) & VERDICT_FIELD
    return result


@internal
@pure
def _finish(acc: IReputationRegistry.Reputation) -> IReputationRegistry.Reputation:
    """
    @dev Fill the derived fields: `jobs` and `average_score`. `validated`
         and `rejected` are already inside `completed` and `failed`, so they
         are not added to `jobs`.
    """
    result: IReputationRegistry.Reputation = acc
    result.jobs = (
        acc.completed
        + acc.failed
        + acc.refunded
        + acc.disputes_won
        + acc.disputes_lost
        + acc.settled
    )
    if acc.rating_weight != 0:
        result.average_score = acc.rating_weighted_score * 100 // acc.rating_weight
    return result

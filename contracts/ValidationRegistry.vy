# pragma version ~=0.4.3
"""
@title AgentMarket validation registry: verdicts on work, ERC-8004 shaped
@license MIT
@notice Speaks ERC-8004's Validation Registry (`IERC8004Validation`): an
        agent's owner or operator asks any validator (an account or a
        contract: a re-execution service, a TEE or zk verifier, a reviewer)
        to check some work with `validationRequest`; the named validator
        answers 0-100 with `validationResponse`; anyone reads a request's
        status, an agent's summary filtered by validators and tag, and the
        agent's and validator's request lists, whole (first 100) or by page.
        Anyone may also publish here the verdict a job's evaluator gave in
        the escrow (`publish_verdict`, `IJobVerdicts`), read from the
        escrow's state: one request and its answer in one step, once, final.
@custom:security No admin, no pause, no upgrade, no value held. The identity
        registry and the escrow are fixed at deployment. Only the validator
        a request names can answer it; a job's verdict is copied from the
        escrow's state (never from the caller), once, and nobody can change
        it. The external calls are `staticcall`s to the identity registry
        and the escrow, fixed at deployment, so nothing can reenter. Every
        read loops over at most one page (100) or one filter list (64).
@dev A validator MAY update its answer, as ERC-8004 says
     (`validationResponse` "can be called multiple times for the same
     requestHash", e.g. soft then hard finality under different tags): the
     latest answer replaces the earlier one, in the status and in the
     summary, where each request counts once. Job verdicts are the
     exception: the escrow settled money on them, so they stay as published.

     Storage is packed by hand (Vyper 0.4.3 gives each struct member a
     slot); URIs live only in events, hashes and tags are stored because
     `getValidationStatus` returns them.

     REQUEST word, `_requests[request_hash]` (nonzero once requested):
       bits   0..159  validator
       bits 160..255  index of the request in the validator's list
     ENTRY word, `_entries[validator][index]` (the validator's list; each
     entry also holds the request's state, so a request writes three fresh
     words: this, the REQUEST word and the agent's list slot):
       bits   0..63   agent id (ids stay below 2**64, as the registry mints)
       bits  64..127  index of the request in the agent's list
       bits 128..167  last update, unix seconds (request, then latest answer)
       bits 168..175  latest response, 0..100
       bit  176       responded
       bit  177       job verdict (published from the escrow; final)
       bits 192..223  tag id (0: no tag; see `_tag_ids`)
     AGENT word, `_agents[agent_id]`:
       bits   0..63   length of the agent's list
       bits  64..127  answered requests
       bits 128..255  sum of their latest responses
     TALLY word, `_tallies[agent_id][validator][tag_id]`, for the summary's
     filters (empty validator: any validator; tag id 0: any tag; the pair
     (empty, 0) is the AGENT word's):
       bits   0..127  answered requests
       bits 128..255  sum of their latest responses
     Counts stay below 2**64 (each request costs gas) and sums below
     100 * 2**64, so no field can carry into the next.

     Gas: a request writes three fresh words and rewrites two (the agent's
     and the validator's list lengths); a first answer writes the response
     hash (fresh, if not empty) and rewrites the ENTRY word and two TALLY
     words (four with a tag). A tag is stored once, the first time it is
     used, and found by its hash afterwards.
"""

from .interfaces import IAgentRegistry
from .interfaces import IERC8004Validation
from .interfaces import IJobVerdicts
from .interfaces import IValidationRegistry

implements: IERC8004Validation
implements: IJobVerdicts


# @dev What this registry reads of the escrow: a job's final verdict.
interface IVerdictSource:
    def verdict(job_id: uint256) -> (address, bool, bytes32): view
implements: IValidationRegistry

# @dev Highest response, and the longest URI, tag and filter list accepted.
MAX_RESPONSE: constant(uint8) = 100
MAX_URI: constant(uint256) = 1024
MAX_TAG: constant(uint256) = 64
MAX_VALIDATORS: constant(uint256) = 64
# @dev Largest page the list reads return.
MAX_PAGE: constant(uint256) = 100

# @dev Roles `IAgentRegistry.authorize` returns.
ROLE_NONE: constant(uint8) = 0
ROLE_OPERATOR: constant(uint8) = 2

# @dev Field masks and shifts of the words above.
ADDRESS_MASK: constant(uint256) = (1 << 160) - 1
MASK_32: constant(uint256) = (1 << 32) - 1
MASK_40: constant(uint256) = (1 << 40) - 1
MASK_64: constant(uint256) = (1 << 64) - 1
MASK_128: constant(uint256) = (1 << 128) - 1
REQUEST_INDEX_SHIFT: constant(uint256) = 160
ENTRY_AGENT_INDEX_SHIFT: constant(uint256) = 64
ENTRY_TIME_SHIFT: constant(uint256) = 128
ENTRY_RESPONSE_SHIFT: constant(uint256) = 168
ENTRY_RESPONDED: constant(uint256) = 1 << 176
ENTRY_JOB_VERDICT: constant(uint256) = 1 << 177
ENTRY_TAG_SHIFT: constant(uint256) = 192
# @dev What an answer keeps of the ENTRY word: agent id and agent list index.
ENTRY_KEEP: constant(uint256) = (1 << 128) - 1
AGENT_COUNT_SHIFT: constant(uint256) = 64
SUM_SHIFT: constant(uint256) = 128
MAX_AGENT_ID: constant(uint256) = (1 << 64) - 1

# @dev Domain of the request hashes of job verdicts (`job_request_hash`).
JOB_VERDICT_DOMAIN: constant(bytes32) = keccak256("AgentMarket.JobVerdict")

# @dev The identity registry (`IAgentRegistry.authorize`).
REGISTRY: public(immutable(address))

# @dev The escrow whose job verdicts `publish_verdict` publishes.
ESCROW: public(immutable(address))

# @dev Request hash => REQUEST word (layout above).
_requests: HashMap[bytes32, uint256]

# @dev Validator => list index => ENTRY word (layout above).
_entries: HashMap[address, HashMap[uint256, uint256]]

# @dev Validator => length of its list.
_validator_counts: HashMap[address, uint256]

# @dev Agent id => list index => request hash.
_agent_requests: HashMap[uint256, HashMap[uint256, bytes32]]

# @dev Agent id => AGENT word (layout above).
_agents: HashMap[uint256, uint256]

# @dev Agent id => validator (empty: any) => tag id (0: any) => TALLY word.
_tallies: HashMap[uint256, HashMap[address, HashMap[uint256, uint256]]]

# @dev Request hash => response hash of the latest answer.
_response_hashes: HashMap[bytes32, bytes32]

# @dev keccak256 of a tag => its id (from 1, in order of first use).
_tag_ids: HashMap[bytes32, uint256]

# @dev Tag id => the tag.
_tags: HashMap[uint256, String[MAX_TAG]]

# @dev How many distinct tags have been used (the last id given).
_tag_count: uint256


@deploy
def __init__(registry: address, escrow: address):
    """
    @notice Fix the identity registry and the escrow for the life of this
            registry.
    @dev Deployed after the escrow, which does not know this registry.
    @param registry The AgentRegistry (`IAgentRegistry`).
    @param escrow The JobEscrow whose job verdicts this registry publishes.
    """
    assert registry != empty(address), "validation: no registry"
    assert escrow != empty(address), "validation: no escrow"
    REGISTRY = registry
    ESCROW = escrow


@external
def validationRequest(
    validatorAddress: address,
    agentId: uint256,
    requestURI: String[MAX_URI],
    requestHash: bytes32,
):
    """
    @notice Ask `validatorAddress` to validate work of agent `agentId`. The
            caller must be the agent's owner or its operator (ERC-8004
            `agentWallet`), and the operator may not act for a frozen agent.
            Any validator may be named; readers choose whom they trust
            through `getSummary`'s validator filter.
    @dev Appends the request to the agent's and the validator's lists.
    @param validatorAddress Who may answer; not empty.
    @param agentId The agent whose work is to be checked.
    @param requestURI Where the request lives; logged only.
    @param requestHash Commitment to the request; not empty, never used
           before (by a request or a job verdict).
    """
    assert validatorAddress != empty(address), "validation: no validator"
    assert requestHash != empty(bytes32), "validation: empty hash"
    assert agentId <= MAX_AGENT_ID, "validation: agent id too large"
    auth: IAgentRegistry.Authority = staticcall IAgentRegistry(REGISTRY).authorize(
        agentId, msg.sender
    )
    assert auth.role != ROLE_NONE, "validation: not owner or operator"
    assert not (auth.role == ROLE_OPERATOR and auth.frozen), "validation: agent frozen"
    assert self._requests[requestHash] == 0, "validation: request exists"
    self._open(requestHash, validatorAddress, agentId, 0)
    log IERC8004Validation.ValidationRequest(
        validatorAddress=validatorAddress,
        agentId=agentId,
        requestURI=requestURI,
        requestHash=requestHash,
    )


@external
def validationResponse(
    requestHash: bytes32,
    response: uint8,
    responseURI: String[MAX_URI],
    responseHash: bytes32,
    tag: String[MAX_TAG],
):
    """
    @notice Answer a request: 0 (failed) to 100 (passed); only the validator
            the request names. Calling again updates the answer (ERC-8004):
            the latest one is the status and the one the summary counts.
            A published job verdict cannot be answered.
    @param requestHash The request.
    @param response 0 to 100.
    @param responseURI Where the evidence lives; logged only.
    @param responseHash Commitment to the evidence; stored.
    @param tag A free tag of at most 64 bytes; stored (empty: no tag).
    """
    word: uint256 = self._requests[requestHash]
    validator: address = self._validator_of(word)
    assert validator != empty(address), "validation: unknown request"
    assert msg.sender == validator, "validation: not validator"
    assert response <= MAX_RESPONSE, "validation: response above 100"
    index: uint256 = word >> REQUEST_INDEX_SHIFT
    entry: uint256 = self._entries[validator][index]
    assert entry & ENTRY_JOB_VERDICT == 0, "validation: job verdict is final"
    agent_id: uint256 = entry & MASK_64
    tag_id: uint256 = self._tag_id(tag)
    if entry & ENTRY_RESPONDED != 0:
        self._count(
            agent_id,
            validator,
            (entry >> ENTRY_TAG_SHIFT) & MASK_32,
            (entry >> ENTRY_RESPONSE_SHIFT) & 255,
            False,
        )
        if self._response_hashes[requestHash] != responseHash:
            self._response_hashes[requestHash] = responseHash
    elif responseHash != empty(bytes32):
        self._response_hashes[requestHash] = responseHash
    r: uint256 = convert(response, uint256)
    self._count(agent_id, validator, tag_id, r, True)
    self._entries[validator][index] = (
        (entry & ENTRY_KEEP)
        | (block.timestamp << ENTRY_TIME_SHIFT)
        | (r << ENTRY_RESPONSE_SHIFT)
        | ENTRY_RESPONDED
        | (tag_id << ENTRY_TAG_SHIFT)
    )
    log IERC8004Validation.ValidationResponse(
        validatorAddress=validator,
        agentId=agent_id,
        requestHash=requestHash,
        response=response,
        responseURI=responseURI,
        responseHash=responseHash,
        tag=tag,
    )


@external
def publish_verdict(job_id: uint256):
    """
    @notice Publish the verdict a job's evaluator gave in the escrow as a
            request and its answer in one step; anyone may call, once per
            job. Validator: the evaluator; agent: the provider; request
            hash: `job_request_hash(job_id)`; response 100 if approved, 0 if
            rejected; response hash: the evaluator's report hash; no tag.
            Logs `ValidationRequest` (empty URI) then `ValidationResponse`
            (empty URI). The record is final; its `lastUpdate` is now.
    @dev Everything recorded is read from the escrow (`verdict`), nothing
         from the caller, so a publisher can choose only when. Anyone can
         compute a job's request hash, so someone may have used it first in
         `validationRequest` (for their own agent). The verdict must not be
         blocked by that, nor be shadowed: such a record is replaced. Its
         answer, if any, leaves the summaries; its list entries stay and now
         read as the job verdict.
    @param job_id The escrow's job id (reverts "validation: no verdict" if
           its evaluator gave none, or it names no evaluator).
    """
    evaluator: address = empty(address)
    approved: bool = False
    report_hash: bytes32 = empty(bytes32)
    evaluator, approved, report_hash = staticcall IVerdictSource(ESCROW).verdict(job_id)
    assert evaluator != empty(address), "validation: no verdict"
    request_hash: bytes32 = self._job_request_hash(job_id)
    word: uint256 = self._requests[request_hash]
    if word != 0:
        old_validator: address = self._validator_of(word)
        old: uint256 = self._entries[old_validator][word >> REQUEST_INDEX_SHIFT]
        assert old & ENTRY_JOB_VERDICT == 0, "validation: verdict published"
        if old & ENTRY_RESPONDED != 0:
            self._count(
                old & MASK_64,
                old_validator,
                (old >> ENTRY_TAG_SHIFT) & MASK_32,
                (old >> ENTRY_RESPONSE_SHIFT) & 255,
                False,
            )
        self._response_hashes[request_hash] = report_hash
    elif report_hash != empty(bytes32):
        self._response_hashes[request_hash] = report_hash
    response: uint256 = 0
    if approved:
        response = convert(MAX_RESPONSE, uint256)
    provider_id: uint256 = job_id & MASK_64
    self._open(
        request_hash,
        evaluator,
        provider_id,
        (response << ENTRY_RESPONSE_SHIFT) | ENTRY_RESPONDED | ENTRY_JOB_VERDICT,
    )
    self._count(provider_id, evaluator, 0, response, True)
    log IERC8004Validation.ValidationRequest(
        validatorAddress=evaluator, agentId=provider_id, requestURI="", requestHash=request_hash
    )
    log IERC8004Validation.ValidationResponse(
        validatorAddress=evaluator,
        agentId=provider_id,
        requestHash=request_hash,
        response=convert(response, uint8),
        responseURI="",
        responseHash=report_hash,
        tag="",
    )


@external
@view
def job_request_hash(job_id: uint256) -> bytes32:
    """
    @notice The request hash under which a job's verdict is recorded:
            keccak256(keccak256("AgentMarket.JobVerdict") . escrow (20
            bytes) . job id (32 bytes)).
    @param job_id The escrow's job id.
    @return The request hash.
    """
    return self._job_request_hash(job_id)


@external
@view
def getValidationStatus(
    requestHash: bytes32,
) -> (address, uint256, uint8, bytes32, String[MAX_TAG], uint256):
    """
    @notice ERC-8004: a request's latest state. Before any answer the
            response is 0, the response hash and tag are empty, and
            `lastUpdate` is the time of the request (`validation` tells an
            answer of 0 from none).
    @dev Never reverts; an unknown hash gives all empty values.
    @param requestHash The request.
    @return validatorAddress The validator asked.
    @return agentId The agent validated.
    @return response The latest answer, 0 to 100.
    @return responseHash Hash of the latest answer's document.
    @return tag The latest answer's tag.
    @return lastUpdate When the latest answer (or the request) was made.
    """
    v: IValidationRegistry.Validation = self._validation(requestHash)
    return (v.validator, v.agent_id, v.response, v.response_hash, v.tag, v.last_update)


@external
@view
def validation(request_hash: bytes32) -> IValidationRegistry.Validation:
    """
    @notice A request's whole state (see `IValidationRegistry.Validation`).
    @dev Never reverts; an unknown hash gives an all-empty struct.
    @param request_hash The request.
    @return The request's state.
    """
    return self._validation(request_hash)


@external
@view
def getSummary(
    agentId: uint256,
    validatorAddresses: DynArray[address, MAX_VALIDATORS],
    tag: String[MAX_TAG],
) -> (uint64, uint8):
    """
    @notice ERC-8004: how many of an agent's requests have an answer, and
            the average of their latest answers (rounded down), counting
            only answers by the listed validators (empty list: all) and only
            answers with the given tag (empty tag: all). Job verdicts count
            like any answer (100 approved, 0 rejected).
    @dev Bounded: one TALLY word per listed validator (at most 64), or one
         word for no validator filter. A repeated or empty address counts
         nothing more. An unknown tag gives (0, 0).
    @param agentId The agent.
    @param validatorAddresses Up to 64 validators, or empty.
    @param tag A tag, or empty.
    @return count Answered requests counted.
    @return avgResponse Their average response, 0 if none.
    """
    tag_id: uint256 = 0
    if len(tag) != 0:
        tag_id = self._tag_ids[keccak256(tag)]
        if tag_id == 0:
            return (0, 0)
    count: uint256 = 0
    total: uint256 = 0
    word: uint256 = 0
    if len(validatorAddresses) == 0:
        if tag_id == 0:
            word = self._agents[agentId]
            count = (word >> AGENT_COUNT_SHIFT) & MASK_64
        else:
            word = self._tallies[agentId][empty(address)][tag_id]
            count = word & MASK_128
        total = word >> SUM_SHIFT
    else:
        for i: uint256 in range(len(validatorAddresses), bound=MAX_VALIDATORS):
            validator: address = validatorAddresses[i]
            if validator == empty(address) or self._seen_before(validatorAddresses, i):
                continue
            word = self._tallies[agentId][validator][tag_id]
            count += word & MASK_128
            total += word >> SUM_SHIFT
    if count == 0:
        return (0, 0)
    return (
        convert(min(count, convert(max_value(uint64), uint256)), uint64),
        convert(total // count, uint8),
    )


@external
@view
def getAgentValidations(agentId: uint256) -> DynArray[bytes32, MAX_PAGE]:
    """
    @notice ERC-8004: the agent's request hashes, oldest first.
    @dev Bounded: the first 100 only; `agent_validations` pages through all.
    @param agentId The agent.
    @return Up to 100 request hashes.
    """
    return self._agent_page(agentId, 0, MAX_PAGE)


@external
@view
def getValidatorRequests(validatorAddress: address) -> DynArray[bytes32, MAX_PAGE]:
    """
    @notice ERC-8004: the hashes of the requests naming the validator,
            oldest first.
    @dev Bounded: the first 100 only; `validator_requests` pages through all.
    @param validatorAddress The validator.
    @return Up to 100 request hashes.
    """
    return self._validator_page(validatorAddress, 0, MAX_PAGE)


@external
@view
def agent_validations(
    agent_id: uint256, offset: uint256, limit: uint256
) -> DynArray[bytes32, MAX_PAGE]:
    """
    @notice One page of the agent's request hashes, oldest first.
    @dev Reads at most `limit` (<= 100) list slots.
    @param agent_id The agent.
    @param offset Index of the first hash; at or past the end, an empty page.
    @param limit Page size, at most 100.
    @return Up to `limit` request hashes.
    """
    assert limit <= MAX_PAGE, "validation: page too large"
    return self._agent_page(agent_id, offset, limit)


@external
@view
def validator_requests(
    validator: address, offset: uint256, limit: uint256
) -> DynArray[bytes32, MAX_PAGE]:
    """
    @notice One page of the hashes of the requests naming the validator,
            oldest first.
    @dev Reads at most `limit` (<= 100) ENTRY words and as many agent list
         slots.
    @param validator The validator.
    @param offset Index of the first hash; at or past the end, an empty page.
    @param limit Page size, at most 100.
    @return Up to `limit` request hashes.
    """
    assert limit <= MAX_PAGE, "validation: page too large"
    return self._validator_page(validator, offset, limit)


@external
@view
def agent_validation_count(agent_id: uint256) -> uint256:
    """
    @notice How many requests name the agent (the length of its list).
    @param agent_id The agent.
    @return The count.
    """
    return self._agents[agent_id] & MASK_64


@external
@view
def validator_request_count(validator: address) -> uint256:
    """
    @notice How many requests name the validator (the length of its list).
    @param validator The validator.
    @return The count.
    """
    return self._validator_counts[validator]


@internal
def _open(request_hash: bytes32, validator: address, agent_id: uint256, state: uint256):
    """
    @dev Append a request to the agent's and the validator's lists and write
         its REQUEST and ENTRY words; `state` holds the ENTRY bits from 168 up.
         `agent_id` fits the ENTRY word's 64 bits: `validationRequest` checks
         it, and a job verdict's provider is a job id's low 64 bits.
    """
    head: uint256 = self._agents[agent_id]
    agent_index: uint256 = head & MASK_64
    self._agent_requests[agent_id][agent_index] = request_hash
    self._agents[agent_id] = head + 1
    index: uint256 = self._validator_counts[validator]
    self._validator_counts[validator] = index + 1
    self._entries[validator][index] = (
        agent_id
        | (agent_index << ENTRY_AGENT_INDEX_SHIFT)
        | (block.timestamp << ENTRY_TIME_SHIFT)
        | state
    )
    self._requests[request_hash] = convert(validator, uint256) | (index << REQUEST_INDEX_SHIFT)


@internal
def _count(agent_id: uint256, validator: address, tag_id: uint256, response: uint256, add: bool):
    """
    @dev Add (or take back) one answer in the summaries it belongs to: the
         agent's, the agent's by this validator, and with a tag also the
         agent's by tag and by validator and tag.
    """
    one: uint256 = 1 | (response << SUM_SHIFT)
    self._agents[agent_id] = self._step(
        self._agents[agent_id], (1 << AGENT_COUNT_SHIFT) | (response << SUM_SHIFT), add
    )
    self._tallies[agent_id][validator][0] = self._step(
        self._tallies[agent_id][validator][0], one, add
    )
    if tag_id != 0:
        self._tallies[agent_id][empty(address)][tag_id] = self._step(
            self._tallies[agent_id][empty(address)][tag_id], one, add
        )
        self._tallies[agent_id][validator][tag_id] = self._step(
            self._tallies[agent_id][validator][tag_id], one, add
        )


@internal
@pure
def _step(word: uint256, delta: uint256, add: bool) -> uint256:
    """
    @dev `word` plus or minus `delta`; fields never carry (see the header).
    """
    if add:
        # Counts stay below 2**64 and sums below 100 * 2**64: no field carries.
        return unsafe_add(word, delta)
    # Only an answer counted before is taken back: each field holds it.
    return unsafe_sub(word, delta)


@internal
def _tag_id(tag: String[MAX_TAG]) -> uint256:
    """
    @dev The id of a tag, stored with a new id on its first use; 0 for none.
    """
    if len(tag) == 0:
        return 0
    key: bytes32 = keccak256(tag)
    tag_id: uint256 = self._tag_ids[key]
    if tag_id == 0:
        tag_id = self._tag_count + 1
        self._tag_count = tag_id
        self._tag_ids[key] = tag_id
        self._tags[tag_id] = tag
    return tag_id


@internal
@view
def _validation(request_hash: bytes32) -> IValidationRegistry.Validation:
    """
    @dev Unpack a request's words; all empty for an unknown hash.
    """
    result: IValidationRegistry.Validation = empty(IValidationRegistry.Validation)
    word: uint256 = self._requests[request_hash]
    if word == 0:
        return result
    result.validator = self._validator_of(word)
    entry: uint256 = self._entries[result.validator][word >> REQUEST_INDEX_SHIFT]
    result.agent_id = entry & MASK_64
    result.response = convert((entry >> ENTRY_RESPONSE_SHIFT) & 255, uint8)
    result.responded = entry & ENTRY_RESPONDED != 0
    result.job_verdict = entry & ENTRY_JOB_VERDICT != 0
    result.response_hash = self._response_hashes[request_hash]
    result.tag = self._tags[(entry >> ENTRY_TAG_SHIFT) & MASK_32]
    result.last_update = (entry >> ENTRY_TIME_SHIFT) & MASK_40
    return result


@internal
@view
def _agent_page(agent_id: uint256, offset: uint256, limit: uint256) -> DynArray[bytes32, MAX_PAGE]:
    """
    @dev Hashes `offset` .. `offset + limit - 1` of the agent's list, cut at
         its end; `limit` <= 100.
    """
    page: DynArray[bytes32, MAX_PAGE] = []
    count: uint256 = self._agents[agent_id] & MASK_64
    if offset >= count:
        return page
    for i: uint256 in range(min(limit, count - offset), bound=MAX_PAGE):
        page.append(self._agent_requests[agent_id][offset + i])
    return page


@internal
@view
def _validator_page(
    validator: address, offset: uint256, limit: uint256
) -> DynArray[bytes32, MAX_PAGE]:
    """
    @dev Hashes `offset` .. `offset + limit - 1` of the validator's list, cut
         at its end; `limit` <= 100. Each ENTRY word points into an agent's
         list, which holds the hash.
    """
    page: DynArray[bytes32, MAX_PAGE] = []
    count: uint256 = self._validator_counts[validator]
    if offset >= count:
        return page
    for i: uint256 in range(min(limit, count - offset), bound=MAX_PAGE):
        entry: uint256 = self._entries[validator][offset + i]
        page.append(
            self._agent_requests[entry & MASK_64][(entry >> ENTRY_AGENT_INDEX_SHIFT) & MASK_64]
        )
    return page


@internal
@view
def _job_request_hash(job_id: uint256) -> bytes32:
    """
    @dev See `job_request_hash`.
    """
    return keccak256(
        concat(JOB_VERDICT_DOMAIN, convert(ESCROW, bytes20), convert(job_id, bytes32))
    )


@internal
@pure
def _validator_of(word: uint256) -> address:
    """
    @dev The validator in a REQUEST word.
    """
    return convert(convert(word & ADDRESS_MASK, uint160), address)


@internal
@pure
def _seen_before(validators: DynArray[address, MAX_VALIDATORS], i: uint256) -> bool:
    """
    @dev Whether `validators[i]` already appears in `validators[:i]`.
    """
    for j: uint256 in range(i, bound=MAX_VALIDATORS):
        if validators[j] == validators[i]:
            return True
    return False

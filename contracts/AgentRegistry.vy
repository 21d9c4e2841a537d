# pragma version ~=0.4.3
"""
@title AgentRegistry: one ERC-721 identity per agent, ERC-8004 compatible
@custom:contract-name AgentRegistry
@license MIT
@notice Every AgentMarket agent is an ERC-721 token. Its owner is the agent's
        principal (a person, a company, a Safe); its operator is the hot key
        the agent acts with, called `agentWallet` in ERC-8004 and proven by an
        EIP-712 signature of that key. Beside identity the registry keeps the
        principal's policy for its agent: a freeze switch and, per payment
        token, the caps on what the operator may commit.

        The ERC-8004 Identity Registry surface (`register`, `setAgentURI`,
        `setMetadata`/`getMetadata`, `setAgentWallet`, `unsetAgentWallet`,
        `getAgentWallet`, `isAuthorizedOrOwner`, their events) is offered with
        the same signatures as its reference implementation, so ERC-8004 tools
        read and drive this registry unchanged. Differences, each deliberate:
        - agent ids start at 1, so that 0 can mean "no agent" elsewhere in the
          protocol (the reference starts at 0);
        - a `setAgentWallet` deadline must lie strictly in the future (the
          protocol's one rule: a deadline is passed when `now >= deadline`);
        - URIs are at most 1,024 bytes and metadata values at most 1,024 bytes.

        The ERC-721 part is written here rather than taken from snekmate
        because snekmate's is enumerable, which costs about 72k gas more per
        registration; EIP-712 and ECDSA are snekmate's.
@custom:security No admin, no pause, no upgrade, no value held: nobody but an agent's owner
        (or an address the owner approved under ERC-721) can change the
        agent's URI, metadata, operator, freeze switch or caps. The freeze
        switch is the principal's kill switch: the escrow refuses new
        obligations for a frozen agent and refuses its operator everything:
        only the principal takes a frozen agent's exits. The registry makes two kinds of external
        call: `onERC721Received` on a receiving contract, after every state
        change of the transfer (checks-effects-interactions), and the
        ERC-1271 `isValidSignature` static call; it holds no funds, so no
        reentrancy lock is needed, and none is taken, so a receiver may read
        the registry (`ownerOf`) inside its callback.
"""

from ethereum.ercs import IERC165

implements: IERC165

from .interfaces import IAgentRegistry

implements: IAgentRegistry

from snekmate.utils.interfaces import IERC5267

implements: IERC5267

from snekmate.utils import eip712_domain_separator as eip712
from snekmate.utils import ecdsa

initializes: eip712

exports: eip712.eip712Domain


# @dev Longest agent URI, in bytes (32 storage words).
MAX_URI: constant(uint256) = 1024
# @dev Longest metadata key and value, and most entries in one `register`.
MAX_KEY: constant(uint256) = 64
MAX_VALUE: constant(uint256) = 1024
MAX_ENTRIES: constant(uint256) = 16

# @dev How far ahead a `setAgentWallet` deadline may lie (ERC-8004: 5 minutes).
MAX_DEADLINE_DELAY: constant(uint256) = 300

# @dev EIP-712 type of the operator's proof of control, as ERC-8004.
AGENT_WALLET_SET_TYPEHASH: constant(bytes32) = keccak256(
    "AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)"
)
# @dev keccak256 of the metadata key that mirrors the operator wallet.
AGENT_WALLET_KEY_HASH: constant(bytes32) = keccak256("agentWallet")

# @dev Bit layout of `_agents[agent_id]`, one word per agent:
#      bits   0..159  owner (the principal); zero for an id never minted
#      bits 160..175  length of the agent URI in bytes
#      bit  176       frozen
#      bit  177       the operator is the owner that registered it (the
#                     ERC-8004 default), so `_wallet` need not be written
OWNER_MASK: constant(uint256) = (1 << 160) - 1
URI_LEN_SHIFT: constant(uint256) = 160
URI_LEN_MASK: constant(uint256) = ((1 << 16) - 1) << 160
FROZEN_BIT: constant(uint256) = 1 << 176
WALLET_IS_OWNER_BIT: constant(uint256) = 1 << 177

# @dev Bit layout of `_wallet[agent_id]`, the operator word:
#      bits   0..159  the operator wallet, when set explicitly
#      bit  160       a copy of the agent's frozen bit, kept in step by
#                     `freeze`/`unfreeze`/`setAgentWallet`, so an operator's
#                     authority is answered by this one word
WALLET_FROZEN_BIT: constant(uint256) = 1 << 160

# @dev Roles `authorize` answers.
ROLE_NONE: constant(uint8) = 0
ROLE_PRINCIPAL: constant(uint8) = 1
ROLE_OPERATOR: constant(uint8) = 2

# @dev Bit layout of `_policy[agent_id][token]`:
#      bits   0..111  per-job cap      bits 112..223  per-period cap
#      bits 224..255  period in seconds
# A cap stored as CAP_UNLIMITED reads back as max_value(uint256).
CAP_BITS: constant(uint256) = 112
CAP_UNLIMITED: constant(uint256) = (1 << 112) - 1
PERIOD_SHIFT: constant(uint256) = 224

# @dev Agent ids stay below 2**64 so that other contracts can pack them.
MAX_AGENT_ID: constant(uint256) = (1 << 64) - 1

# @dev ERC-165 interface ids: ERC-165, ERC-721, ERC-721 Metadata, ERC-4906.
_SUPPORTED_INTERFACES: constant(bytes4[4]) = [
    0x01FFC9A7,
    0x80AC58CD,
    0x5B5E139F,
    0x49064906,
]

# @dev Selector that `onERC721Received` must return.
ERC721_RECEIVED: constant(bytes4) = 0x150B7A02
# @dev Value an ERC-1271 wallet returns for a valid signature.
ERC1271_MAGIC: constant(bytes4) = 0x1626BA7E
# @dev Longest wallet proof: room for a Safe's or a passkey wallet's ERC-1271
# signature; an EOA's is 64 or 65 bytes.
MAX_SIGNATURE: constant(uint256) = 1024
# @dev The largest `s` an account's signature may have (secp256k1n / 2), as
# snekmate's `ecdsa` refuses a higher one (malleability).
MAX_LOW_S: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168


# @dev One `register` metadata entry (ERC-8004 `MetadataEntry`).
struct MetadataEntry:
    metadataKey: String[MAX_KEY]
    metadataValue: Bytes[MAX_VALUE]


# @dev Token name and symbol (ERC-721 Metadata).
name: public(constant(String[26])) = "AgentMarket Agent Identity"
symbol: public(constant(String[5])) = "AGENT"

# @dev Per agent: owner, URI length and flags, packed (layout above).
_agents: HashMap[uint256, uint256]
# @dev Per agent: the agent URI in 32-byte words, word i at index i.
_uri_words: HashMap[uint256, bytes32[32]]
# @dev Per agent: the operator word (layout above), zero when no wallet is set
# explicitly.
_wallet: HashMap[uint256, uint256]
# @dev Per agent: metadata values by keccak256 of the key.
_metadata: HashMap[uint256, HashMap[bytes32, Bytes[MAX_VALUE]]]
# @dev Per agent and payment token: the operator's caps (layout above).
_policy: HashMap[uint256, HashMap[address, uint256]]
# @dev ERC-721 balances.
_balances: HashMap[address, uint256]
# @dev ERC-721 single-token approvals.
_approvals: HashMap[uint256, address]
# @dev ERC-721 operator approvals: owner => operator => approved.
isApprovedForAll: public(HashMap[address, HashMap[address, bool]])
# @dev The id the next registration receives.
_next_id: uint256


# @dev ERC-721: a token moved (minted when `sender` is empty).
event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    tokenId: indexed(uint256)


# @dev ERC-721: a single-token approval was set.
event Approval:
    owner: indexed(address)
    approved: indexed(address)
    tokenId: indexed(uint256)


# @dev ERC-721: an operator approval was set.
event ApprovalForAll:
    owner: indexed(address)
    operator: indexed(address)
    approved: bool


# @dev ERC-8004: an agent was registered.
event Registered:
    agentId: indexed(uint256)
    agentURI: String[MAX_URI]
    owner: indexed(address)


# @dev ERC-8004: an agent's URI changed.
event URIUpdated:
    agentId: indexed(uint256)
    newURI: String[MAX_URI]
    updatedBy: indexed(address)


# @dev ERC-8004: a metadata entry was set (the key `agentWallet` mirrors the
# operator wallet: its value is the 20-byte wallet, or empty once cleared).
event MetadataSet:
    agentId: indexed(uint256)
    indexedMetadataKey: indexed(String[MAX_KEY])
    metadataKey: String[MAX_KEY]
    metadataValue: Bytes[MAX_VALUE]


# @dev ERC-4906: one token's metadata changed.
event MetadataUpdate:
    _tokenId: uint256


# @dev ERC-4906: a range of tokens' metadata changed (declared for the
# standard's surface; this registry updates one token at a time).
event BatchMetadataUpdate:
    _fromTokenId: uint256
    _toTokenId: uint256


@deploy
def __init__():
    """
    @notice Deploy the registry. It has no owner and no parameters.
    @dev EIP-712 domain as ERC-8004: name "ERC8004IdentityRegistry",
         version "1", this chain and this address.
    """
    eip712.__init__("ERC8004IdentityRegistry", "1")
    self._next_id = 1


# ---------------------------------------------------------------- ERC-165


@external
@view
def supportsInterface(interfaceId: bytes4) -> bool:
    """
    @notice ERC-165 interface detection.
    @param interfaceId The interface id.
    @return True for ERC-165, ERC-721, ERC-721 Metadata and ERC-4906.
    """
    return interfaceId in _SUPPORTED_INTERFACES


# ---------------------------------------------------------------- ERC-721


@external
@view
def balanceOf(_owner: address) -> uint256:
    """
    @notice Number of agents an address owns.
    @param _owner The address; must not be empty.
    @return The count.
    """
    assert _owner != empty(address), "registry: zero address"
    return self._balances[_owner]


@external
@view
def ownerOf(_tokenId: uint256) -> address:
    """
    @notice Owner (principal) of an agent.
    @param _tokenId The agent id; reverts if it was never registered.
    @return The owner.
    """
    return self._owner_of(_tokenId)


@external
@view
def getApproved(_tokenId: uint256) -> address:
    """
    @notice The address approved to move one agent token.
    @param _tokenId The agent id; reverts if it was never registered.
    @return The approved address, or empty.
    """
    self._owner_of(_tokenId)
    return self._approvals[_tokenId]


@external
def approve(_approved: address, _tokenId: uint256):
    """
    @notice Approve an address to move (and to manage) one agent.
    @dev Callable by the owner or an operator approved for all its tokens.
    @param _approved The address, or empty to clear.
    @param _tokenId The agent id.
    """
    owner: address = self._owner_of(_tokenId)
    assert _approved != owner, "registry: approval to owner"
    assert msg.sender == owner or self.isApprovedForAll[owner][msg.sender], (
        "registry: not owner nor approved for all"
    )
    self._approvals[_tokenId] = _approved
    log Approval(owner=owner, approved=_approved, tokenId=_tokenId)


@external
def setApprovalForAll(_operator: address, _approved: bool):
    """
    @notice Let an address move and manage every agent the caller owns.
    @param _operator The address.
    @param _approved True to approve, False to revoke.
    """
    assert _operator != msg.sender, "registry: approve to caller"
    self.isApprovedForAll[msg.sender][_operator] = _approved
    log ApprovalForAll(owner=msg.sender, operator=_operator, approved=_approved)


@external
def transferFrom(_from: address, _to: address, _tokenId: uint256):
    """
    @notice Move an agent to a new owner. The operator wallet is cleared.
    @param _from The current owner.
    @param _to The new owner.
    @param _tokenId The agent id.
    """
    self._transfer(_from, _to, _tokenId)


@external
def safeTransferFrom(_from: address, _to: address, _tokenId: uint256, _data: Bytes[1024] = b""):
    """
    @notice Move an agent, checking that a contract receiver accepts it.
            The operator wallet is cleared.
    @param _from The current owner.
    @param _to The new owner.
    @param _tokenId The agent id.
    @param _data Passed to the receiver's `onERC721Received`.
    """
    self._transfer(_from, _to, _tokenId)
    self._check_receiver(_from, _to, _tokenId, _data)


@external
@view
def tokenURI(_tokenId: uint256) -> String[MAX_URI]:
    """
    @notice The agent URI (ERC-8004 registration file).
    @param _tokenId The agent id; reverts if it was never registered.
    @return The URI, possibly empty.
    """
    packed: uint256 = self._agents[_tokenId]
    assert packed & OWNER_MASK != 0, "registry: unknown agent"
    return self._read_uri(_tokenId, (packed & URI_LEN_MASK) >> URI_LEN_SHIFT)


# ---------------------------------------------------------------- ERC-8004 identity


@external
def register(
    agentURI: String[MAX_URI] = "",
    metadata: DynArray[MetadataEntry, MAX_ENTRIES] = [],
) -> uint256:
    """
    @notice Register a new agent owned by the caller.
    @dev The caller becomes the owner (principal) and, as ERC-8004 says, the
         agent's first operator wallet. A contract caller must accept ERC-721
         tokens (`onERC721Received`). Offered as `register()`,
         `register(string)` and `register(string,(string,bytes)[])`.
    @param agentURI The agent URI, at most 1,024 bytes.
    @param metadata Metadata entries to set; the key `agentWallet` is reserved.
    @return The new agent id.
    """
    agent_id: uint256 = self._next_id
    assert agent_id <= MAX_AGENT_ID, "registry: id space exhausted"
    self._next_id = agent_id + 1

    uri_len: uint256 = len(agentURI)
    self._agents[agent_id] = (
        convert(msg.sender, uint256) | (uri_len << URI_LEN_SHIFT) | WALLET_IS_OWNER_BIT
    )
    self._balances[msg.sender] += 1
    if uri_len != 0:
        self._write_uri(agent_id, agentURI)
    log Transfer(sender=empty(address), receiver=msg.sender, tokenId=agent_id)
    log Registered(agentId=agent_id, agentURI=agentURI, owner=msg.sender)

    for entry: MetadataEntry in metadata:
        self._set_metadata(agent_id, entry.metadataKey, entry.metadataValue)

    self._check_receiver(empty(address), msg.sender, agent_id, b"")
    return agent_id


@external
def setAgentURI(agentId: uint256, newURI: String[MAX_URI]):
    """
    @notice Replace an agent's URI.
    @param agentId The agent id.
    @param newURI The new URI, at most 1,024 bytes.
    """
    packed: uint256 = self._check_manager(agentId)
    self._agents[agentId] = (packed & ~URI_LEN_MASK) | (len(newURI) << URI_LEN_SHIFT)
    self._write_uri(agentId, newURI)
    log URIUpdated(agentId=agentId, newURI=newURI, updatedBy=msg.sender)
    log MetadataUpdate(_tokenId=agentId)


@external
@view
def getMetadata(agentId: uint256, metadataKey: String[MAX_KEY]) -> Bytes[MAX_VALUE]:
    """
    @notice Read a metadata entry.
    @dev The reserved key `agentWallet` reads the operator wallet as 20 bytes
         (empty when none is set), as ERC-8004's reference stores it.
    @param agentId The agent id.
    @param metadataKey The key.
    @return The value, or empty.
    """
    key_hash: bytes32 = keccak256(metadataKey)
    if key_hash == AGENT_WALLET_KEY_HASH:
        wallet: address = self._operator(agentId, self._agents[agentId])
        if wallet == empty(address):
            return b""
        return slice(convert(convert(wallet, uint256) << 96, bytes32), 0, 20)
    return self._metadata[agentId][key_hash]


@external
def setMetadata(agentId: uint256, metadataKey: String[MAX_KEY], metadataValue: Bytes[MAX_VALUE]):
    """
    @notice Set a metadata entry; the key `agentWallet` is reserved.
    @param agentId The agent id.
    @param metadataKey The key, at most 64 bytes.
    @param metadataValue The value, at most 1,024 bytes.
    """
    self._check_manager(agentId)
    self._set_metadata(agentId, metadataKey, metadataValue)
    log MetadataUpdate(_tokenId=agentId)


@external
@view
def getAgentWallet(agentId: uint256) -> address:
    """
    @notice The agent's operator wallet (ERC-8004 `agentWallet`).
    @param agentId The agent id; reverts if it was never registered.
    @return The wallet, or empty once cleared (by a transfer or
            `unsetAgentWallet`).
    """
    packed: uint256 = self._agents[agentId]
    assert packed & OWNER_MASK != 0, "registry: unknown agent"
    return self._operator(agentId, packed)


@external
def setAgentWallet(
    agentId: uint256, newWallet: address, deadline: uint256, signature: Bytes[MAX_SIGNATURE]
):
    """
    @notice Make `newWallet` the agent's operator, proven by the wallet's own
            EIP-712 `AgentWalletSet` signature.
    @dev The signed struct binds the agent, the wallet, the current owner and
         the deadline, under this chain's id and this registry's address; so a
         proof cannot be replayed on another chain, registry or agent, nor
         after the token changed hands. An account proves control by ECDSA
         (checked first, and enough: no code lookup for an account); a
         contract wallet by ERC-1271. ECDSA signatures with a high `s` are
         refused (snekmate reverts "ecdsa: invalid signature `s` value").
         Gas (issue 15): an agent's first explicit operator writes its
         operator word fresh and clears the registration's default-wallet
         flag in the owner's word; a later rotation only rewrites the
         operator word.
    @param agentId The agent id.
    @param newWallet The operator wallet.
    @param deadline Unix time before which the proof is valid; at most five
           minutes ahead.
    @param signature The wallet's signature: 65 bytes, or 64 per EIP-2098,
           from an account; up to 1,024 bytes from an ERC-1271 wallet.
    """
    assert newWallet != empty(address), "registry: zero wallet"
    assert block.timestamp < deadline, "registry: signature expired"
    assert deadline <= block.timestamp + MAX_DEADLINE_DELAY, "registry: deadline too far"
    packed: uint256 = self._check_manager(agentId)
    owner: address = convert(packed & OWNER_MASK, address)

    struct_hash: bytes32 = keccak256(
        abi_encode(AGENT_WALLET_SET_TYPEHASH, agentId, newWallet, owner, deadline)
    )
    digest: bytes32 = eip712._hash_typed_data_v4(struct_hash)
    assert self._is_valid_signature(newWallet, digest, signature), (
        "registry: invalid wallet signature"
    )

    if newWallet == owner:
        # The owner as its own operator is the registration default: kept
        # as the flag, so an explicit operator word never names the owner
        # and `authorize` never mistakes the principal for an operator.
        self._agents[agentId] = packed | WALLET_IS_OWNER_BIT
        if self._wallet[agentId] != 0:
            self._wallet[agentId] = 0
    else:
        if packed & WALLET_IS_OWNER_BIT != 0:
            self._agents[agentId] = packed & ~WALLET_IS_OWNER_BIT
        word: uint256 = convert(newWallet, uint256)
        if packed & FROZEN_BIT != 0:
            word |= WALLET_FROZEN_BIT
        self._wallet[agentId] = word
    log MetadataSet(
        agentId=agentId,
        indexedMetadataKey="agentWallet",
        metadataKey="agentWallet",
        metadataValue=slice(convert(convert(newWallet, uint256) << 96, bytes32), 0, 20),
    )


@external
def unsetAgentWallet(agentId: uint256):
    """
    @notice Clear the agent's operator wallet; the agent then acts only
            through its owner.
    @param agentId The agent id.
    """
    packed: uint256 = self._check_manager(agentId)
    self._clear_wallet(agentId, packed)


@external
@view
def isAuthorizedOrOwner(spender: address, agentId: uint256) -> bool:
    """
    @notice Whether `spender` owns the agent or is approved for it (ERC-721).
    @param spender The address.
    @param agentId The agent id; reverts if it was never registered.
    @return True if `spender` may manage the agent.
    """
    owner: address = self._owner_of(agentId)
    return self._is_manager(spender, owner, agentId)


# ---------------------------------------------------------------- policy


@external
def freeze(agent_id: uint256):
    """
    @notice Freeze the agent: it cannot be hired and its operator can commit
            nothing; its open jobs can still exit.
    @dev Idempotent: freezing a frozen agent succeeds, changes nothing and
         logs nothing. The freeze stays with the token when it is transferred.
    @param agent_id The agent id.
    """
    packed: uint256 = self._check_manager(agent_id)
    if packed & FROZEN_BIT == 0:
        self._agents[agent_id] = packed | FROZEN_BIT
        word: uint256 = self._wallet[agent_id]
        if word != 0:
            self._wallet[agent_id] = word | WALLET_FROZEN_BIT
        log IAgentRegistry.Frozen(agent_id=agent_id, by=msg.sender)


@external
def unfreeze(agent_id: uint256):
    """
    @notice Lift the freeze.
    @dev Idempotent: unfreezing an agent that is not frozen succeeds, changes
         nothing and logs nothing.
    @param agent_id The agent id.
    """
    packed: uint256 = self._check_manager(agent_id)
    if packed & FROZEN_BIT != 0:
        self._agents[agent_id] = packed & ~FROZEN_BIT
        word: uint256 = self._wallet[agent_id]
        if word != 0:
            self._wallet[agent_id] = word & ~WALLET_FROZEN_BIT
        log IAgentRegistry.Unfrozen(agent_id=agent_id, by=msg.sender)


@external
def set_spend_policy(
    agent_id: uint256, token: address, per_job_cap: uint256, period_cap: uint256, period: uint256
):
    """
    @notice Set what the operator may commit in one payment token: at most
            `per_job_cap` per obligation and `period_cap` per window of
            `period` seconds. The principal itself is never capped.
    @dev A cap of max_value(uint256) means unlimited; any other cap must be
         below 2**112 - 1. A positive period cap needs a positive period.
         Setting all three to zero forbids the operator that token.
    @param agent_id The agent id.
    @param token The payment token.
    @param per_job_cap Most the operator may commit on one job or tab.
    @param period_cap Most the operator may commit within one period.
    @param period The window length in seconds (at most 2**32 - 1).
    """
    self._check_manager(agent_id)
    assert period < 1 << 32, "registry: period too long"
    assert period_cap == 0 or period != 0, "registry: zero period"
    stored_job: uint256 = self._cap_to_storage(per_job_cap)
    stored_period: uint256 = self._cap_to_storage(period_cap)
    self._policy[agent_id][token] = (
        stored_job | (stored_period << CAP_BITS) | (period << PERIOD_SHIFT)
    )
    log IAgentRegistry.SpendPolicySet(
        agent_id=agent_id,
        token=token,
        per_job_cap=per_job_cap,
        period_cap=period_cap,
        period=period,
    )


@external
@view
def spend_policy(agent_id: uint256, token: address) -> IAgentRegistry.SpendPolicy:
    """
    @notice The operator's caps for one payment token.
    @param agent_id The agent id.
    @param token The payment token.
    @return The policy; all zero if none was set.
    """
    packed: uint256 = self._policy[agent_id][token]
    return IAgentRegistry.SpendPolicy(
        per_job_cap=self._cap_from_storage(packed & CAP_UNLIMITED),
        period_cap=self._cap_from_storage((packed >> CAP_BITS) & CAP_UNLIMITED),
        period=packed >> PERIOD_SHIFT,
    )


@external
@view
def agent_status(agent_id: uint256) -> IAgentRegistry.AgentStatus:
    """
    @notice The agent's principal, operator and freeze flag in one call.
    @dev Never reverts; an unknown id returns an all-empty status.
    @param agent_id The agent id.
    @return The status.
    """
    packed: uint256 = self._agents[agent_id]
    return IAgentRegistry.AgentStatus(
        principal=convert(packed & OWNER_MASK, address),
        operator=self._operator(agent_id, packed),
        frozen=packed & FROZEN_BIT != 0,
    )


@external
@view
def authorize(agent_id: uint256, caller: address) -> IAgentRegistry.Authority:
    """
    @notice Whether `caller` may act for the agent, and as what: its
            principal (role 1) or its operator (role 2); role 0 otherwise.
    @dev One storage read recognises an explicitly set operator (the word
         that holds it carries a copy of the frozen bit); the principal,
         and an owner acting as its own default operator, take two. Agents
         act far more often than their principals, so the operator goes
         first. Never reverts; an unknown id gives role 0.
    @param agent_id The agent id.
    @param caller The address acting.
    @return The caller's role and the agent's freeze flag.
    """
    return self._authorize(agent_id, caller)


@external
@view
def hire_check(
    client_id: uint256, caller: address, provider_id: uint256, token: address
) -> IAgentRegistry.HireCheck:
    """
    @notice The registry reads of one hire, in one call: the caller's
            authority for the client, both principals, the provider's freeze
            flag, and the client's operator caps in `token` (read only when
            the caller acts as the client's operator).
    @dev Never reverts; unknown ids give empty principals.
    @param client_id The hiring agent.
    @param caller The address hiring for it.
    @param provider_id The hired agent.
    @param token The payment token.
    @return The combined check.
    """
    client: uint256 = self._agents[client_id]
    provider: uint256 = self._agents[provider_id]
    client_principal: address = convert(client & OWNER_MASK, address)
    role: uint8 = ROLE_NONE
    if caller == client_principal and caller != empty(address):
        role = ROLE_PRINCIPAL
    elif self._is_operator_word(self._wallet[client_id], caller):
        role = ROLE_OPERATOR
    check: IAgentRegistry.HireCheck = IAgentRegistry.HireCheck(
        client_role=role,
        client_frozen=client & FROZEN_BIT != 0,
        client_principal=client_principal,
        provider_principal=convert(provider & OWNER_MASK, address),
        provider_frozen=provider & FROZEN_BIT != 0,
        per_job_cap=0,
        period_cap=0,
        period=0,
    )
    if role == ROLE_OPERATOR:
        policy: uint256 = self._policy[client_id][token]
        check.per_job_cap = self._cap_from_storage(policy & CAP_UNLIMITED)
        check.period_cap = self._cap_from_storage((policy >> CAP_BITS) & CAP_UNLIMITED)
        check.period = policy >> PERIOD_SHIFT
    return check


@external
@view
def total_registered() -> uint256:
    """
    @notice How many agents were ever registered (ids 1 to this number).
    @return The count.
    """
    return self._next_id - 1


# ---------------------------------------------------------------- internal


@internal
@view
def _owner_of(agent_id: uint256) -> address:
    owner: address = convert(self._agents[agent_id] & OWNER_MASK, address)
    assert owner != empty(address), "registry: unknown agent"
    return owner


@internal
@view
def _operator(agent_id: uint256, packed: uint256) -> address:
    if packed & WALLET_IS_OWNER_BIT != 0:
        return convert(packed & OWNER_MASK, address)
    return convert(self._wallet[agent_id] & OWNER_MASK, address)


@internal
@view
def _authorize(agent_id: uint256, caller: address) -> IAgentRegistry.Authority:
    if caller == empty(address):
        return IAgentRegistry.Authority(role=ROLE_NONE, frozen=False)
    word: uint256 = self._wallet[agent_id]
    if self._is_operator_word(word, caller):
        return IAgentRegistry.Authority(role=ROLE_OPERATOR, frozen=word & WALLET_FROZEN_BIT != 0)
    packed: uint256 = self._agents[agent_id]
    if convert(packed & OWNER_MASK, address) == caller:
        return IAgentRegistry.Authority(role=ROLE_PRINCIPAL, frozen=packed & FROZEN_BIT != 0)
    return IAgentRegistry.Authority(role=ROLE_NONE, frozen=packed & FROZEN_BIT != 0)


@internal
@pure
def _is_operator_word(word: uint256, caller: address) -> bool:
    return word != 0 and convert(word & OWNER_MASK, address) == caller


@internal
@view
def _is_manager(spender: address, owner: address, agent_id: uint256) -> bool:
    return (
        spender == owner
        or self.isApprovedForAll[owner][spender]
        or self._approvals[agent_id] == spender
    )


@internal
@view
def _check_manager(agent_id: uint256) -> uint256:
    """
    @dev Reverts unless the caller owns the agent or is ERC-721 approved for
         it; returns the agent's packed word. The operator wallet is not a
         manager: it acts for the agent but never changes its settings.
    """
    packed: uint256 = self._agents[agent_id]
    owner: address = convert(packed & OWNER_MASK, address)
    assert owner != empty(address), "registry: unknown agent"
    assert self._is_manager(msg.sender, owner, agent_id), "registry: not owner nor approved"
    return packed


@internal
def _transfer(sender: address, receiver: address, agent_id: uint256):
    packed: uint256 = self._agents[agent_id]
    owner: address = convert(packed & OWNER_MASK, address)
    assert owner != empty(address), "registry: unknown agent"
    assert owner == sender, "registry: transfer from incorrect owner"
    assert receiver != empty(address), "registry: transfer to zero address"
    assert self._is_manager(msg.sender, owner, agent_id), "registry: caller not owner nor approved"

    self._approvals[agent_id] = empty(address)
    self._balances[sender] -= 1
    self._balances[receiver] += 1
    packed = (packed & ~OWNER_MASK) | convert(receiver, uint256)
    self._agents[agent_id] = packed
    log Transfer(sender=sender, receiver=receiver, tokenId=agent_id)
    # ERC-8004: the operator wallet never survives a change of owner.
    self._clear_wallet(agent_id, packed)


@internal
def _clear_wallet(agent_id: uint256, packed: uint256):
    self._agents[agent_id] = packed & ~WALLET_IS_OWNER_BIT
    if self._wallet[agent_id] != 0:
        self._wallet[agent_id] = 0
    log MetadataSet(
        agentId=agent_id, indexedMetadataKey="agentWallet", metadataKey="agentWallet", metadataValue=b""
    )


@internal
def _check_receiver(sender: address, receiver: address, agent_id: uint256, data: Bytes[1024]):
    """
    @dev ERC-721 safe transfer: a contract receiver must answer
         `onERC721Received` with its selector, or the transfer reverts.
    """
    if not receiver.is_contract:
        return
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        receiver,
        abi_encode(
            msg.sender, sender, agent_id, data, method_id=method_id("onERC721Received(address,address,uint256,bytes)")
        ),
        max_outsize=32,
        revert_on_failure=False,
    )
    # The whole word must be the selector, left-aligned and zero-padded: a
    # contract that echoes its calldata back does not accept by accident.
    assert success and len(response) == 32, "registry: receiver rejected token"
    assert convert(response, bytes32) == convert(ERC721_RECEIVED, bytes32), (
        "registry: receiver rejected token"
    )


@internal
@view
def _is_valid_signature(signer: address, digest: bytes32, signature: Bytes[MAX_SIGNATURE]) -> bool:
    """
    @dev First the common case: a 64- or 65-byte ECDSA signature with a low
         `s` that recovers to `signer` is accepted at once, without asking
         whether `signer` has code (a cold account access: 2,600 gas). Only
         the holder of `signer`'s key can make one; an address with code
         that recovers from a signature is an account with an EIP-7702
         delegation, which that key controls. Otherwise a contract signer
         answers by ERC-1271 with the whole signature, and an account's
         signature goes through snekmate's recovery, which refuses a high
         `s` ("ecdsa: invalid signature `s` value") and a zero signer
         ("ecdsa: invalid signature") as before.
    """
    sig_length: uint256 = len(signature)
    account_sized: bool = sig_length == 65 or sig_length == 64
    r: uint256 = 0
    s: uint256 = 0
    v: uint256 = 0
    if account_sized:
        r = extract32(signature, 0, output_type=uint256)
        s = extract32(signature, 32, output_type=uint256)
        if sig_length == 65:
            v = convert(slice(signature, 64, 1), uint256)
        else:
            # EIP-2098 (as snekmate's `_try_recover_r_vs`): `vs` = v - 27 | s
            v = (s >> 255) + 27
            s = s & convert(max_value(int256), uint256)
        if s <= MAX_LOW_S and ecrecover(digest, v, r, s) == signer:
            return True
    if signer.is_contract:
        success: bool = False
        response: Bytes[32] = b""
        success, response = raw_call(
            signer,
            abi_encode(digest, signature, method_id=method_id("isValidSignature(bytes32,bytes)")),
            max_outsize=32,
            is_static_call=True,
            revert_on_failure=False,
        )
        # The whole word, as snekmate and OpenZeppelin compare it: the magic
        # value is also the selector, so a contract echoing its calldata back
        # must not pass.
        return (
            success
            and len(response) == 32
            and convert(response, bytes32) == convert(ERC1271_MAGIC, bytes32)
        )
    if not account_sized:
        return False
    # an account's signature that did not pass: snekmate reverts for a high
    # `s` or no signer, or returns the other signer it recovers
    return ecdsa._try_recover_vrs(digest, v, r, s) == signer


@internal
def _set_metadata(agent_id: uint256, key: String[MAX_KEY], data: Bytes[MAX_VALUE]):
    key_hash: bytes32 = keccak256(key)
    assert key_hash != AGENT_WALLET_KEY_HASH, "registry: reserved key"
    self._metadata[agent_id][key_hash] = data
    log MetadataSet(agentId=agent_id, indexedMetadataKey=key, metadataKey=key, metadataValue=data)


@internal
def _write_uri(agent_id: uint256, uri: String[MAX_URI]):
    """
    @dev Stores the URI as ceil(len / 32) words; its length lives in the
         agent's packed word, which saves the separate length slot Vyper
         would spend. Words past the length are never read, so a shorter new
         URI leaves stale words behind harmlessly.
    """
    padded: Bytes[MAX_URI + 32] = concat(convert(uri, Bytes[MAX_URI]), empty(bytes32))
    words: uint256 = (len(uri) + 31) // 32
    for i: uint256 in range(32):
        if i >= words:
            break
        self._uri_words[agent_id][i] = extract32(padded, i * 32)


@internal
@view
def _word(agent_id: uint256, i: uint256, words: uint256) -> bytes32:
    if i < words:
        return self._uri_words[agent_id][i]
    return empty(bytes32)


@internal
@view
def _block(agent_id: uint256, first: uint256, words: uint256) -> Bytes[256]:
    """
    @dev Eight URI words from `first`, reading storage only below `words`.
    """
    return concat(
        self._word(agent_id, first, words),
        self._word(agent_id, first + 1, words),
        self._word(agent_id, first + 2, words),
        self._word(agent_id, first + 3, words),
        self._word(agent_id, first + 4, words),
        self._word(agent_id, first + 5, words),
        self._word(agent_id, first + 6, words),
        self._word(agent_id, first + 7, words),
    )


@internal
@view
def _read_uri(agent_id: uint256, length: uint256) -> String[MAX_URI]:
    if length == 0:
        return ""
    words: uint256 = (length + 31) // 32
    raw: Bytes[MAX_URI] = concat(
        self._block(agent_id, 0, words),
        self._block(agent_id, 8, words),
        self._block(agent_id, 16, words),
        self._block(agent_id, 24, words),
    )
    return convert(slice(raw, 0, length), String[MAX_URI])


@internal
@pure
def _cap_to_storage(cap: uint256) -> uint256:
    if cap == max_value(uint256):
        return CAP_UNLIMITED
    assert cap < CAP_UNLIMITED, "registry: cap too large"
    return cap


@internal
@pure
def _cap_from_storage(stored: uint256) -> uint256:
    if stored == CAP_UNLIMITED:
        return max_value(uint256)
    return stored

# pragma version ~=0.4.3
"""
@title AgentMarket job escrow
@license MIT
@notice Holds the money of AgentMarket jobs. An internal ledger keeps each
        agent's free balance per token (deposit by anyone, withdrawal by the
        agent's principal only). A job locks its price from the client's free
        balance and pays out on settlement into ledger balances; nothing is
        ever pushed to a party, so no failing receiver can block anyone.

        Job life (this contract's part): Requested -> accept -> Accepted;
        Requested -> decline / cancel / reclaim (after the accept deadline) ->
        Refunded; Accepted -> deliver -> Delivered; Accepted -> reclaim (after
        the delivery deadline) -> Refunded; Delivered -> complete (client,
        before the review deadline) or finalize (anyone, from the review
        deadline on) -> Completed. A hire with the provider's signed EIP-712
        offer (`OFFERS`, the OfferBook, checks it and calls `hire_offered`)
        starts Accepted. A deadline has passed when
        `block.timestamp >= deadline`.

        Evaluators: a job may name one at creation (the listing's, or the
        signed offer's), never a party's principal or operator, with a fee
        of at most MAX_EVALUATOR_FEE_BPS of the price. Before the review
        deadline it may `approve` a Delivered job (-> Completed, paid as by
        `complete`) or `reject` it (-> Rejected); either way it earns its fee
        (owed in `fees_owed`), taken from the price, and the verdict stays in
        the job's words (`verdict`), from which anyone may publish it, once
        and final, in the ERC-8004 validation registry
        (`ValidationRegistry.publish_verdict`). A Rejected job is contested by
        its provider through the resolver before the response deadline
        (-> Disputed), or reclaimed by its client after it (-> Refunded);
        the client may also still pay it (`complete`). An evaluator that
        stays silent changes nothing: the job is finalized as any other.

        Disputes (IDisputeHost): the DisputeResolver fixed at deployment runs
        the procedure and calls `open_dispute` (Delivered -> Disputed with
        the client's bond, or Rejected -> Disputed with the provider's),
        `take_answer_bond` (the other side's bond) and `settle_dispute`
        (Disputed -> Resolved, everything paid out at once). The escrow
        keeps every unit of money.

        Tabs (ITabsHost): the Tabs contract fixed at deployment (`TABS`,
        empty when tabs are disabled) keeps its tabs' deposits in this
        ledger: `tab_lock` takes an opening or top-up from the client's free
        balance under a hire's checks and budget; `tab_settle` credits a
        redemption to the provider (minus the fee of the tab's config), or
        closes a tab: returns its rest and writes its one reputation fact.
        A tab is one engagement: the reputation registry gets it once, at
        its closing, under the tab id with bit 255 set
        (`TAB_REPUTATION_MARK`), a space no job id reaches (a job id's top
        field is its creation time).

        Storage of a job: up to four words keyed by the job id, which itself
        encodes the parties (provider id, client id, an ordinal telling apart
        the jobs of one pair created in one block, creation time). Word A
        (`_job_a`) packs the amount, status, current deadline, delivery
        time, config id, token index and flags; word B (`_job_b`, bytes32)
        holds the terms hash at creation, overwritten by the result hash at
        delivery, and by the evaluator's report hash at its verdict (every
        hash is also in the events); word C (`_job_c`, written only by a
        dispute) holds the two bonds, the opener's half written first (a
        bond is never 0, so an empty half has not answered); word E
        (`_job_e`, written only for a job that names an evaluator) holds the
        evaluator and its fee. The bit layouts of the id, words A, C and E
        and the config words are in `modules/job_words.vy`, the one place
        that defines them; the code reads each field by its name there.
@custom:security This contract has no owner. Governance is the
        EscrowGovernor fixed at deployment (`GOVERNOR`), which holds the
        two-step ownership, the guardian and the checks of every setting
        (fee under the hard cap MAX_FEE_BPS, bond share under MAX_BOND_BPS,
        windows within bounds, fee recipient, arbitrator, token weights).
        Its three hooks here (`set_config`, `set_token`, `set_paused`) write
        config words, allowlist words and the pause bit, nothing else: no
        governance path reaches a ledger balance or a job (I7). The escrow
        is deployed paused, with no config; the governor's constructor
        writes config version 1 and lifts the pause. The pause covers
        new commitments only (hire, hire_with_offer, and a tab's opening
        or top-up through `tab_lock`); every exit (accept, decline, cancel,
        deliver, complete, finalize, reclaim, withdraw, claim_fees, a tab's
        redemption or closing through `tab_settle`), every dispute step and
        `deposit` keep working while paused. Rule: no admin action may
        change the outcome of a job, so a pause must never make a party miss
        a deadline it could otherwise meet. Bonds come only from the free
        balance, so a deposit is how a party funds a dispute, an answer or
        a contest before its deadline: neither the pause nor a token's
        delisting blocks it (either would let an admin decide a dispute by
        default). Functions that call a
        token (untrusted) or write reputation hold the compiler's reentrancy
        lock; the others only read the trusted registry and listings through
        `staticcall`, which cannot reenter with a state change, and need
        none. Checks-effects-interactions everywhere.
"""

from ethereum.ercs import IERC20

from .interfaces import IAgentRegistry
from .interfaces import IServiceListings
from .interfaces import IReputationHook
from .interfaces import IRatingGate
from .interfaces import IDisputeHost
from .interfaces import IJobEscrow
from .interfaces import ITabsHost
from .interfaces import IEscrowAdmin
from .interfaces import IOfferHost

from .modules import job_words

implements: IRatingGate
implements: IDisputeHost
implements: ITabsHost
implements: IEscrowAdmin
implements: IOfferHost


# @dev Status codes (stable).
STATUS_NONE: constant(uint8) = 0
STATUS_REQUESTED: constant(uint8) = 1
STATUS_ACCEPTED: constant(uint8) = 2
STATUS_DELIVERED: constant(uint8) = 3
STATUS_COMPLETED: constant(uint8) = 4
STATUS_REFUNDED: constant(uint8) = 5
STATUS_DISPUTED: constant(uint8) = 6
STATUS_REJECTED: constant(uint8) = 7
STATUS_RESOLVED: constant(uint8) = 8

# @dev Roles answered by `IAgentRegistry.authorize`.
ROLE_NONE: constant(uint8) = 0
ROLE_PRINCIPAL: constant(uint8) = 1
ROLE_OPERATOR: constant(uint8) = 2

# @dev Job flag bits: word A's flags field (from `job_words.FLAGS_SHIFT`).
FLAG_NO_REPUTATION: constant(uint256) = 1
FLAG_CLIENT_RATED: constant(uint256) = 2
FLAG_PROVIDER_RATED: constant(uint256) = 4
FLAG_REJECTED: constant(uint256) = 8
FLAG_APPROVED: constant(uint256) = 16

# @dev Reputation outcomes (see IReputationHook); a dispute ends with one of
# DISPUTE_CLIENT (4) to REJECTED (8).
OUTCOME_COMPLETED: constant(uint8) = 1
OUTCOME_REFUNDED_LATE: constant(uint8) = 2
OUTCOME_DECLINED: constant(uint8) = 3
OUTCOME_DISPUTE_FIRST: constant(uint8) = 4
OUTCOME_DISPUTE_CLIENT: constant(uint8) = 4
OUTCOME_DISPUTE_LAST: constant(uint8) = 8
OUTCOME_REJECTED: constant(uint8) = 8
OUTCOME_VALIDATED: constant(uint8) = 9

# @dev JobRefunded reasons.
REFUND_DECLINED: constant(uint8) = 1
REFUND_CANCELLED: constant(uint8) = 2
REFUND_RECLAIMED: constant(uint8) = 3
REFUND_REJECTED: constant(uint8) = 4

BPS: constant(uint256) = 10_000

# @dev Hard cap on an evaluator's fee (10 % of the price).
MAX_EVALUATOR_FEE_BPS: constant(uint256) = 1_000

# @dev Longest delivery time a job may carry (one year).
MAX_DELIVERY_TIME: constant(uint256) = 365 * 86_400

# @dev Token weights are 18-decimal fixed point (below 2**96).
WEIGHT_UNIT: constant(uint256) = 10**18

# @dev Set on the id under which a closed tab reaches the reputation
# registry: job ids never have bit 255 set (their top field is a timestamp).
TAB_REPUTATION_MARK: constant(uint256) = 1 << 255

# @dev A tab's terms (`tab_lock`'s answer, `tab_settle`'s `terms`) are a job
# word A's config id, token index and flags bits; bit 0 of `tab_settle`'s
# `terms` asks for the closing (see ITabsHost).
TAB_CLOSE: constant(uint256) = 1

# @dev `_head` bit layout: 64 bits unused | current config id (24 bits) |
# current config's accept window (32 bits) | paused bit (one slot a hire
# reads anyway).
H_CONFIG_SHIFT: constant(uint256) = 64
H_ACCEPT_SHIFT: constant(uint256) = 88
H_PAUSED: constant(uint256) = 1 << 120

# @dev Token key bit layout: index (`job_words.TOKEN_MASK`, as in word A) |
# allowed bit.
K_ALLOWED: constant(uint256) = 1 << 16

# @dev Token slot bit layout: address | weight.
T_ADDRESS_MASK: constant(uint256) = 2**160 - 1
T_WEIGHT_SHIFT: constant(uint256) = 160

# @dev Spend word bit layout: window start | committed in the window.
S_START_MASK: constant(uint256) = 2**64 - 1
S_USED_SHIFT: constant(uint256) = 64


# @dev The identity registry.
REGISTRY: public(immutable(IAgentRegistry))

# @dev The service listings.
LISTINGS: public(immutable(IServiceListings))

# @dev The reputation registry (it fixes this escrow as its ESCROW; the
# deployer predicts this contract's address to build it first).
REPUTATION: public(immutable(IReputationHook))

# @dev The EscrowGovernor: the only caller of the governance hooks.
GOVERNOR: public(immutable(address))

# @dev The dispute resolver: the only caller of the IDisputeHost functions.
RESOLVER: public(immutable(address))

# @dev The Tabs contract: the only caller of the ITabsHost functions (empty:
# tabs disabled).
TABS: public(immutable(address))

# @dev The OfferBook: the only caller of `hire_offered` (empty: no hires
# from signed offers).
OFFERS: public(immutable(address))


# @dev Current config id | current accept window | paused (layout above).
_head: uint256

# @dev Config versions (packed words, see layout above), by id from 1.
_configs: HashMap[uint256, uint256]

# @dev Dispute terms of each config version (read only at dispute time).
_dispute_terms: HashMap[uint256, uint256]

# @dev Bond floor of each config version (read only at dispute time).
_bond_floor: HashMap[uint256, uint256]

# @dev Per token address: index (bits 0-15) | allowed (bit 16).
_token_key: HashMap[address, uint256]

# @dev Per token index: address (bits 0-159) | weight (bits 160-255).
_token_slot: HashMap[uint256, uint256]

# @dev Number of tokens ever listed (indices run from 1).
token_count: public(uint256)

# @dev Free ledger balance per agent and token.
_balances: HashMap[uint256, HashMap[address, uint256]]

# @dev Fees (and forfeited bonds) owed per recipient and token, pulled with
# `claim_fees`.
fees_owed: public(HashMap[address, HashMap[address, uint256]])

# @dev Operator spending per agent and token: window start (bits 0-63) |
# committed in the window (bits 64-255).
_spend: HashMap[uint256, HashMap[address, uint256]]

# @dev Job word A (see the header for the bit layout).
_job_a: HashMap[uint256, uint256]

# @dev Job word B: terms hash, then result hash.
_job_b: HashMap[uint256, bytes32]

# @dev Job word C: bonds posted in its dispute (client | provider << 128).
_job_c: HashMap[uint256, uint256]

# @dev Job word E, written only for a job that names an evaluator: its
# address | fee bps << 160.
_job_e: HashMap[uint256, uint256]


@deploy
def __init__(
    registry: IAgentRegistry,
    listings: IServiceListings,
    reputation: IReputationHook,
    resolver: address,
    governor: address,
    tabs: address,
    offers: address,
):
    """
    @notice Deploy the escrow, paused and without a config: the governor's
            constructor writes config version 1 and lifts the pause.
    @param registry The AgentRegistry.
    @param listings The ServiceListings.
    @param reputation The ReputationRegistry (deployed first, at an address
           built for this escrow's predicted address).
    @param resolver The DisputeResolver.
    @param governor The EscrowGovernor (deployed right after this escrow,
           at its predicted address).
    @param tabs The Tabs contract (deployed after this escrow, at its
           predicted address), or empty to disable tabs.
    @param offers The OfferBook (deployed after this escrow, at its
           predicted address), or empty to disable hires from offers.
    """
    assert reputation.address != empty(address) and resolver != empty(address) and governor != empty(address), "escrow: empty link"
    REGISTRY = registry
    LISTINGS = listings
    REPUTATION = reputation
    RESOLVER = resolver
    GOVERNOR = governor
    TABS = tabs
    OFFERS = offers
    self._head = H_PAUSED


# ---------------------------------------------------------------- governance


@external
def set_config(config: IJobEscrow.Config) -> uint256:
    """
    @notice Append a config version, checked by the governor; jobs created
            from now on use it, open jobs keep theirs. Governor only.
    @param config The config (see IJobEscrow.Config).
    @return The new config id.
    """
    self._only(GOVERNOR)
    head: uint256 = self._head
    config_id: uint256 = ((head >> H_CONFIG_SHIFT) & job_words.CONFIG_ID_MASK) + 1
    self._check(config_id <= job_words.CONFIG_ID_MASK, "escrow: too many configs")
    self._configs[config_id] = job_words.pack_config(
        config.fee_bps, config.accept_window, config.review_window, config.fee_recipient
    )
    self._dispute_terms[config_id] = job_words.pack_config(
        config.bond_bps, config.response_window, config.arbitration_window, config.arbitrator
    )
    self._bond_floor[config_id] = config.bond_floor
    self._head = (head & H_PAUSED) | (config_id << H_CONFIG_SHIFT) | (config.accept_window << H_ACCEPT_SHIFT)
    return config_id


@external
def set_token(token: address, allowed: bool, weight: uint256) -> uint256:
    """
    @notice List, re-weight or delist a payment token (checked by the
            governor). Delisting stops new jobs and tabs in it; deposits
            (a bond may still be needed), withdrawals and open jobs are
            untouched. Governor only.
    @param token The token contract.
    @param allowed Whether new jobs and tabs may use it.
    @param weight Reputation weight, 18-decimal fixed point, below 2**96.
    @return The token's index (given at its first listing, from 1).
    """
    self._only(GOVERNOR)
    index: uint256 = self._token_key[token] & job_words.TOKEN_MASK
    if index == 0:
        index = self.token_count + 1
        self._check(index <= job_words.TOKEN_MASK, "escrow: too many tokens")
        self.token_count = index
    key: uint256 = index
    if allowed:
        key |= K_ALLOWED
    self._token_key[token] = key
    self._token_slot[index] = convert(convert(token, uint160), uint256) | (weight << T_WEIGHT_SHIFT)
    return index


@external
def set_paused(paused: bool):
    """
    @notice Set or lift the pause of new commitments (hire,
            hire_with_offer, a tab's opening or top-up); never of a
            deposit, an exit or a dispute step. Governor only (its guardian
            or owner).
    @param paused The new state.
    """
    self._only(GOVERNOR)
    head: uint256 = self._head & ~H_PAUSED
    if paused:
        head |= H_PAUSED
    self._head = head


# -------------------------------------------------------------------- ledger


@external
@nonreentrant
def deposit(agent_id: uint256, token: address, amount: uint256):
    """
    @notice Credit an agent's free balance with tokens pulled from the caller.
    @dev Anyone may deposit for any existing agent, paused or not: a party
         may need a deposit to fund a bond before a dispute deadline, and
         a pause must never decide a dispute (see the header). The amount
         received is measured; a token that delivers less (fee-on-transfer)
         is refused.
    @param agent_id The agent to credit.
    @param token A token allowlisted now or before (a delisted token's jobs
           may still need bonds).
    @param amount The amount, pulled with `transferFrom` (needs allowance).
    """
    self._nonzero(amount)
    # Any token ever allowlisted: a job or tab in a token governance has
    # since delisted may still need a bond in it (no admin lever on a job).
    assert self._token_key[token] & job_words.TOKEN_MASK != 0, "escrow: token not allowed"
    assert self._principal(agent_id) != empty(address), "escrow: unknown agent"
    before: uint256 = self._token_balance(token)
    self._call_token(
        token,
        abi_encode(msg.sender, self, amount, method_id=method_id("transferFrom(address,address,uint256)")),
    )
    after: uint256 = self._token_balance(token)
    assert after >= before and after - before == amount, "escrow: fee-on-transfer"
    self._balances[agent_id][token] += amount
    log IJobEscrow.Deposited(agent_id=agent_id, token=token, sender=msg.sender, amount=amount)


@external
@nonreentrant
def withdraw(agent_id: uint256, token: address, amount: uint256, to: address):
    """
    @notice Withdraw from an agent's free balance; principal only, never paused.
    @param agent_id The agent.
    @param token The token.
    @param amount The amount.
    @param to The receiver.
    """
    auth: IAgentRegistry.Authority = self._authority(agent_id, msg.sender)
    self._check(auth.role == ROLE_PRINCIPAL, "escrow: not principal")
    self._nonzero(amount)
    self._check(to != empty(address), "escrow: empty receiver")
    self._take(agent_id, token, amount)
    log IJobEscrow.Withdrawn(agent_id=agent_id, token=token, to=to, amount=amount)
    self._call_token(token, abi_encode(to, amount, method_id=method_id("transfer(address,uint256)")))


@external
@nonreentrant
def claim_fees(token: address, to: address):
    """
    @notice Pull all fees (and forfeited bonds) owed to the caller in one token.
    @param token The token.
    @param to The receiver.
    """
    amount: uint256 = self.fees_owed[msg.sender][token]
    self._check(amount != 0, "escrow: nothing owed")
    self._check(to != empty(address), "escrow: empty receiver")
    self.fees_owed[msg.sender][token] = 0
    log IJobEscrow.FeesClaimed(recipient=msg.sender, token=token, to=to, amount=amount)
    self._call_token(token, abi_encode(to, amount, method_id=method_id("transfer(address,uint256)")))


# ---------------------------------------------------------------------- hire


@external
def hire(
    listing_id: uint256,
    client_id: uint256,
    expected_token: address,
    expected_price: uint256,
    expected_version: uint256,
) -> uint256:
    """
    @notice Hire a listing's provider: lock the price from the client's
            balance and open a Requested job.
    @dev The caller is the client's principal (uncapped) or operator (within
         the principal's caps, not frozen). The expected token, price and
         version must match the listing now, so an edit after the client's
         quote makes the hire revert. No lock: only `staticcall`s to the
         trusted listings and registry.
    @param listing_id The listing.
    @param client_id The hiring agent.
    @param expected_token The token the client expects to pay in.
    @param expected_price The price the client expects to pay.
    @param expected_version The listing version the client quoted.
    @return The job id.
    """
    info: IServiceListings.HireInfo = staticcall LISTINGS.hire_info(listing_id)
    assert info.active, "escrow: listing not active"
    assert (
        info.version == expected_version
        and info.price == expected_price
        and info.token == expected_token
    ), "escrow: listing changed"
    return self._open(
        client_id,
        info.provider_id,
        info.token,
        info.price,
        info.max_delivery_time,
        info.terms_hash,
        listing_id,
        False,
        empty(address),
        msg.sender,
        info.evaluator,
        info.evaluator_fee_bps,
    )


@external
def hire_offered(
    offer: IJobEscrow.Offer, client_id: uint256, signer: address, caller: address
) -> uint256:
    """
    @notice Open a job from a provider's signed offer that the OfferBook
            checked (expiry, client, nonce) and whose signer it recovered;
            the job starts Accepted with its delivery deadline running.
            OfferBook only.
    @dev Every rule of `hire` applies to `caller` (the client's principal
         or operator) and the client's budget; the signer must be the
         provider's principal or operator ("escrow: bad signature").
    @param offer The offer, as signed.
    @param client_id The hiring agent.
    @param signer The offer's recovered signer (empty: recovery failed).
    @param caller Who sent the hire to the OfferBook.
    @return The job id.
    """
    self._only(OFFERS)
    return self._open(
        client_id,
        offer.provider_id,
        offer.token,
        offer.price,
        offer.delivery_time,
        offer.terms_hash,
        0,
        True,
        signer,
        caller,
        offer.evaluator,
        offer.evaluator_fee_bps,
    )



# ---------------------------------------------------------------- job exits


@external
def accept(job_id: uint256):
    """
    @notice Accept a Requested job before its accept deadline; the delivery
            deadline starts now.
    @dev No lock: moves no value, only `staticcall`s the trusted registry.
    @param job_id The job (caller: the provider's principal or operator).
    """
    a: uint256 = self._load(job_id, STATUS_REQUESTED)
    assert block.timestamp < job_words.deadline(a), "escrow: accept deadline passed"
    self._check_actor(job_id & job_words.ID_PROVIDER_MASK, msg.sender, False)
    deadline: uint256 = block.timestamp + ((a >> job_words.DELIVERY_SHIFT) & job_words.DELIVERY_MASK)
    self._job_a[job_id] = job_words.with_status_deadline(a, STATUS_ACCEPTED, deadline)
    log IJobEscrow.JobAccepted(job_id=job_id)


@external
@nonreentrant
def decline(job_id: uint256):
    """
    @notice Decline a Requested job (any time); the price returns to the
            client's free balance.
    @param job_id The job (caller: the provider's principal or operator).
    """
    a: uint256 = self._load(job_id, STATUS_REQUESTED)
    self._check_actor(job_id & job_words.ID_PROVIDER_MASK, msg.sender, False)
    self._refund(job_id, a, REFUND_DECLINED, OUTCOME_DECLINED)


@external
def cancel(job_id: uint256):
    """
    @notice Cancel a Requested job before the provider accepts it; the price
            returns to the client's free balance.
    @dev No lock: a ledger move only, no external call but the registry's
         `staticcall`, and no reputation fact.
    @param job_id The job (caller: the client's principal or operator).
    """
    a: uint256 = self._load(job_id, STATUS_REQUESTED)
    self._check_actor((job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, msg.sender, True)
    self._refund(job_id, a, REFUND_CANCELLED, 0)


@external
@nonreentrant
def reclaim(job_id: uint256):
    """
    @notice Take the price back when the provider missed its accept deadline
            (Requested) or its delivery deadline (Accepted), or did not
            contest its evaluator's rejection before the response deadline
            (Rejected; what is left after the evaluator's fee returns).
    @param job_id The job (caller: the client's principal or operator).
    """
    a: uint256 = self._job_a[job_id]
    status: uint8 = job_words.status(a)
    self._check(status == STATUS_REQUESTED or status == STATUS_ACCEPTED or status == STATUS_REJECTED, "escrow: cannot reclaim")
    self._check(block.timestamp >= job_words.deadline(a), "escrow: deadline not passed")
    self._check_actor((job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, msg.sender, True)
    if status == STATUS_REJECTED:
        self._refund(job_id, a, REFUND_REJECTED, OUTCOME_REJECTED)
    else:
        self._refund(job_id, a, REFUND_RECLAIMED, OUTCOME_REFUNDED_LATE)


@external
def deliver(
    job_id: uint256,
    result_hash: bytes32,
    result_uri: String[256],
    final_price: uint256 = max_value(uint256),
):
    """
    @notice Deliver an Accepted job before its delivery deadline, optionally
            for less than the locked price (the rest returns to the client
            now). The review deadline starts now.
    @dev No lock: a ledger move at most, only `staticcall`s the registry.
         Two ABI overloads: without `final_price` (the common case, 32
         calldata bytes cheaper) the locked price stands.
    @param job_id The job (caller: the provider's principal or operator).
    @param result_hash Hash of the result; replaces the terms hash in word B.
    @param result_uri Where the result lives (event only).
    @param final_price What the client will pay, at most the locked price;
           omitted (or max_value) for the locked price.
    """
    # The hottest path: helpers inlined (each internal call costs a jump and
    # stack shuffling).
    a: uint256 = self._job_a[job_id]
    assert (a >> job_words.STATUS_SHIFT) & job_words.STATUS_MASK == convert(STATUS_ACCEPTED, uint256), "escrow: not accepted"
    assert block.timestamp < (a >> job_words.DEADLINE_SHIFT) & job_words.DEADLINE_MASK, "escrow: delivery deadline passed"
    price: uint256 = a & job_words.AMOUNT_MASK
    assert final_price <= price or final_price == max_value(uint256), "escrow: final price above price"
    self._check_actor(job_id & job_words.ID_PROVIDER_MASK, msg.sender, False)
    # Word A keeps the delivery time; the review deadline is that plus the
    # job's config review window (read where the config is read anyway).
    a = (a & ~((job_words.STATUS_MASK << job_words.STATUS_SHIFT) | (job_words.DEADLINE_MASK << job_words.DEADLINE_SHIFT))) | (
        (convert(STATUS_DELIVERED, uint256) << job_words.STATUS_SHIFT)
        | (block.timestamp << job_words.DEADLINE_SHIFT)
    )
    if final_price < price:
        a = (a & ~job_words.AMOUNT_MASK) | final_price
        # final_price < price (just tested): the difference cannot underflow.
        self._balances[(job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK][self._token_address(a)] += unsafe_sub(
            price, final_price
        )
        price = final_price
    self._job_a[job_id] = a
    self._job_b[job_id] = result_hash
    log IJobEscrow.JobDelivered(
        job_id=job_id,
        result_hash=result_hash,
        final_price=price,
        result_uri=result_uri,
    )


@external
@nonreentrant
def complete(job_id: uint256):
    """
    @notice Approve a Delivered job before its review deadline, or pay a
            Rejected one over its evaluator's rejection (any time before it
            is reclaimed or contested: a client may always pay), and pay the
            provider (minus the job's fee) into its free balance.
    @param job_id The job (caller: the client's principal or operator).
    """
    a: uint256 = self._job_a[job_id]
    config: uint256 = self._configs[(a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK]
    status: uint256 = (a >> job_words.STATUS_SHIFT) & job_words.STATUS_MASK
    if status == convert(STATUS_DELIVERED, uint256):
        assert block.timestamp < job_words.review_deadline(a, config), "escrow: review deadline passed"
    else:
        assert status == convert(STATUS_REJECTED, uint256), "escrow: not delivered"
    self._check_actor((job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, msg.sender, True)
    self._settle(job_id, a, config, False, OUTCOME_COMPLETED)


@external
@nonreentrant
def finalize(job_id: uint256):
    """
    @notice Pay out a Delivered job once its review deadline has passed;
            anyone may call.
    @param job_id The job.
    """
    a: uint256 = self._load(job_id, STATUS_DELIVERED)
    config: uint256 = self._configs[(a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK]
    assert block.timestamp >= job_words.review_deadline(a, config), "escrow: review deadline not passed"
    self._settle(job_id, a, config, True, OUTCOME_COMPLETED)


# ---------------------------------------------------------------- evaluator


@external
@nonreentrant
def approve(job_id: uint256, report_hash: bytes32):
    """
    @notice The job's evaluator approves a Delivered job before its review
            deadline: it earns its fee, and the job completes and pays the
            provider as `complete` would (the protocol fee taken from what
            is left after the evaluator's fee).
    @dev The reputation registry counts the verdict now (outcome
         VALIDATED); the verdict stays in the job's words (`verdict`), for
         `ValidationRegistry.publish_verdict` (response 100).
    @param job_id The job (caller: its evaluator, still not a party).
    @param report_hash Hash of the evaluator's report (may be empty).
    """
    self._verdict(job_id, True, report_hash)


@external
@nonreentrant
def reject(job_id: uint256, report_hash: bytes32):
    """
    @notice The job's evaluator rejects a Delivered job before its review
            deadline: it earns its fee, and the job becomes Rejected. The
            provider may contest through the dispute resolver until the
            response deadline (now + the config's response window); after
            it, the client reclaims the rest of the price. The client may
            still pay instead (`complete`).
    @dev The verdict stays in the job's words (`verdict`), for
         `ValidationRegistry.publish_verdict` (response 0); reputation is
         written when the job ends.
    @param job_id The job (caller: its evaluator, still not a party).
    @param report_hash Hash of the evaluator's report (may be empty).
    """
    self._verdict(job_id, False, report_hash)


# ------------------------------------------------------------------ disputes


@external
def open_dispute(job_id: uint256, caller: address) -> IDisputeHost.DisputedJob:
    """
    @notice Move a job to Disputed and take the opener's bond from its free
            balance: a Delivered job's client disputes the delivery before
            the review deadline, or a Rejected job's provider contests the
            rejection before the response deadline. Resolver only, never
            paused.
    @dev No lock: a ledger move, only `staticcall`s the registry; the caller
         is the trusted resolver.
    @param job_id The job.
    @param caller Whoever called the resolver: the opening side's principal,
           or its operator while that agent is not frozen (a bond is not
           counted against the operator's caps: see the README's
           deliberate choices).
    @return The dispute's terms, fixed by the job's config.
    """
    self._only(RESOLVER)
    a: uint256 = self._job_a[job_id]
    config_id: uint256 = (a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK
    client_id: uint256 = (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK
    by_provider: bool = job_words.status(a) == STATUS_REJECTED
    opener: uint256 = client_id
    if by_provider:
        self._check(block.timestamp < job_words.deadline(a), "escrow: response deadline passed")
        opener = job_id & job_words.ID_PROVIDER_MASK
    else:
        a = self._load(job_id, STATUS_DELIVERED)
        self._before_review(a, self._configs[config_id])
    self._check_actor(opener, caller, not by_provider)
    terms: uint256 = self._dispute_terms[config_id]
    amount: uint256 = a & job_words.AMOUNT_MASK
    bond: uint256 = max(self._bond_floor[config_id], amount * (terms & job_words.BOND_BPS_MASK) // BPS)
    token: address = self._token_address(a)
    self._take(opener, token, bond)
    self._job_a[job_id] = job_words.with_status(a, STATUS_DISPUTED)
    if by_provider:
        self._job_c[job_id] = bond << job_words.PROVIDER_BOND_SHIFT
    else:
        self._job_c[job_id] = bond
    log IJobEscrow.DisputeOpened(job_id=job_id, bond=bond)
    return IDisputeHost.DisputedJob(
        client_id=client_id,
        provider_id=job_id & job_words.ID_PROVIDER_MASK,
        client_principal=self._principal(client_id),
        provider_principal=self._principal(job_id & job_words.ID_PROVIDER_MASK),
        token=token,
        amount=amount,
        bond=bond,
        response_window=(terms >> job_words.RESPONSE_WINDOW_SHIFT) & job_words.WINDOW_MASK,
        arbitration_window=(terms >> job_words.ARBITRATION_WINDOW_SHIFT) & job_words.WINDOW_MASK,
        arbitrator=job_words.address_field(terms),
        opened_by_provider=by_provider,
    )


@external
def take_answer_bond(job_id: uint256, caller: address):
    """
    @notice Take the answering side's bond (the same as the opener's) from
            its free balance when it answers the dispute: the provider's, or
            the client's when the provider contested a rejection; resolver
            only.
    @param job_id The job.
    @param caller Whoever called the resolver: the answering side's
           principal, or its operator while that agent is not frozen (a
           bond is not counted against the operator's caps).
    """
    self._only(RESOLVER)
    a: uint256 = self._load(job_id, STATUS_DISPUTED)
    bonds: uint256 = self._job_c[job_id]
    # Bonds are never zero (bond floor >= 1): an empty half has not posted.
    bond: uint256 = bonds & job_words.CLIENT_BOND_MASK
    answerer: uint256 = job_id & job_words.ID_PROVIDER_MASK
    if bond == 0:
        bond = bonds >> job_words.PROVIDER_BOND_SHIFT
        answerer = (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK
        bonds |= bond
    else:
        assert bonds >> job_words.PROVIDER_BOND_SHIFT == 0, "escrow: already answered"
        bonds |= bond << job_words.PROVIDER_BOND_SHIFT
    self._check_actor(answerer, caller, answerer != job_id & job_words.ID_PROVIDER_MASK)
    self._take(answerer, self._token_address(a), bond)
    self._job_c[job_id] = bonds
    log IJobEscrow.DisputeAnswered(job_id=job_id, bond=bond)


@external
@nonreentrant
def settle_dispute(
    job_id: uint256,
    provider_share: uint256,
    client_bond_back: uint256,
    provider_bond_back: uint256,
    outcome: uint8,
):
    """
    @notice End a dispute: the provider gets `provider_share` minus the
            job's fee, the fee recipient the fee, the client the rest of the
            amount; each side gets back the bond part given, the fee
            recipient (who pays the arbitration) the forfeited rest. All into
            ledger balances; resolver only.
    @dev Conservation (I4): amount + bonds == (provider_share - fee) + fee +
         (amount - provider_share) + bonds back + bonds forfeited, exact to
         the unit. Writes the reputation facts with `outcome` (4 to 8),
         except that a client's win over a contested rejection is recorded
         as the rejection standing (8, REJECTED: the provider's `failed` and
         `rejected`), and a provider share that pays no fee writes nothing
         (no fee, no fact: see `_record`).
    @param job_id The job.
    @param provider_share What the provider earns, before the fee.
    @param client_bond_back The part of the client's bond it gets back.
    @param provider_bond_back The part of the provider's bond it gets back.
    @param outcome The reputation outcome code (IReputationHook, 4 to 8).
    """
    self._only(RESOLVER)
    a: uint256 = self._load(job_id, STATUS_DISPUTED)
    amount: uint256 = a & job_words.AMOUNT_MASK
    bonds: uint256 = self._job_c[job_id]
    client_bond: uint256 = bonds & job_words.CLIENT_BOND_MASK
    provider_bond: uint256 = bonds >> job_words.PROVIDER_BOND_SHIFT
    self._check(provider_share <= amount, "escrow: share above amount")
    self._check(client_bond_back <= client_bond and provider_bond_back <= provider_bond, "escrow: bond back above bond")
    self._check(outcome >= OUTCOME_DISPUTE_FIRST and outcome <= OUTCOME_DISPUTE_LAST, "escrow: bad outcome")
    ending: uint8 = outcome
    config: uint256 = self._configs[(a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK]
    fee: uint256 = provider_share * (config & job_words.FEE_BPS_MASK) // BPS
    # fee_bps <= MAX_FEE_BPS < BPS (the governor's cap): fee <= provider_share.
    paid: uint256 = unsafe_sub(provider_share, fee)
    slot: uint256 = self._token_slot[(a >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK]
    token: address = convert(convert(slot & T_ADDRESS_MASK, uint160), address)
    a = (job_words.with_status(a, STATUS_RESOLVED) & ~job_words.AMOUNT_MASK) | paid
    if fee == 0 and paid != 0:
        # Paid but no fee: no fact, no rating (see `_record`).
        a |= FLAG_NO_REPUTATION << job_words.FLAGS_SHIFT
    elif outcome == OUTCOME_DISPUTE_CLIENT and (a >> job_words.FLAGS_SHIFT) & FLAG_REJECTED != 0:
        # The ruling upheld the evaluator's rejection: it stood.
        ending = OUTCOME_REJECTED
    self._job_a[job_id] = a
    self._credit(job_id & job_words.ID_PROVIDER_MASK, token, paid + provider_bond_back)
    self._credit(
        (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK,
        token,
        # provider_share <= amount (checked above): no underflow.
        unsafe_sub(amount, provider_share) + client_bond_back,
    )
    # Each bond back is at most its bond (checked above): no underflow.
    kept: uint256 = fee + unsafe_sub(client_bond, client_bond_back) + unsafe_sub(provider_bond, provider_bond_back)
    if kept != 0:
        self.fees_owed[job_words.address_field(config)][token] += kept
    log IJobEscrow.DisputeSettled(
        job_id=job_id,
        provider_share=provider_share,
        client_bond_back=client_bond_back,
        provider_bond_back=provider_bond_back,
        outcome=ending,
    )
    self._record(job_id, a, ending, paid, self._weighted(slot, paid))


# ---------------------------------------------------------------------- tabs


@external
def tab_lock(
    client_id: uint256, provider_id: uint256, token: address, amount: uint256, caller: address
) -> uint256:
    """
    @notice Take a tab's opening or top-up from the client's free balance,
            under a hire's checks and budget; Tabs only.
    @dev No lock: a ledger move, only `staticcall`s the trusted registry.
    @param client_id The paying agent.
    @param provider_id The paid agent.
    @param token An allowlisted token.
    @param amount The amount (an operator's counts against its caps).
    @param caller Whoever called the Tabs contract: the client's principal,
           or its operator while the client is not frozen.
    @return The tab's terms, placed as in a job's word A (config id <<
            208 | token index << 232 | no-reputation flag << 248), with the
            caller's role in bits 0-7 (ITabsHost).
    """
    self._only(TABS)
    return self._open(
        client_id,
        provider_id,
        token,
        amount,
        0,
        empty(bytes32),
        0,
        False,
        empty(address),
        caller,
        empty(address),
        0,
    )


@external
@nonreentrant
def tab_settle(tab_id: uint256, terms: uint256, redeemed: uint256, amount: uint256):
    """
    @notice Move value out of a tab, Tabs only. A redemption (bit 0 of
            `terms` clear) pays `amount` more than the `redeemed` before it
            into the provider's free balance, minus the fee it adds: a tab's
            fees are those of its cumulative value, `f(x) = x * fee_bps //
            10_000` of the tab's config, so this one owes `f(redeemed +
            amount) - f(redeemed)` (exact to the unit, owed to the config's
            recipient; however the value is split, a tab pays `f` of its
            total). A closing (bit 0 set) returns `amount`, the rest, to
            the client's free balance and records the tab once in the
            reputation registry like a completed job: the whole net value
            redeemed, `redeemed - f(redeemed)`, weighted by the token's
            weight; nothing when the tab paid no fee (nothing redeemed, or
            too little for one unit of fee) or the agents share a principal.
    @param tab_id The tab (client id in bits 64-127, provider id in 0-63).
    @param terms The tab's terms as `tab_lock` gave them (config id, token
           index, no-reputation flag), bit 0 set to close.
    @param redeemed What the tab redeemed before (a redemption) or in all
           (a closing), before the fee.
    @param amount The redeemed value added (a redemption) or the rest
           returned to the client (a closing).
    """
    self._only(TABS)
    slot: uint256 = self._token_slot[(terms >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK]
    token: address = convert(convert(slot & T_ADDRESS_MASK, uint160), address)
    config: uint256 = self._configs[(terms >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK]
    # Values below 2**96 (Tabs' MAX_DEPOSIT), fee bps below 2**16: the product
    # cannot overflow, and BPS is not zero.
    fee: uint256 = unsafe_div(unsafe_mul(redeemed, config & job_words.FEE_BPS_MASK), BPS)
    if terms & TAB_CLOSE != 0:
        self._credit((tab_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, token, amount)
        if fee != 0:
            # Nothing redeemed, or no fee on what was: no fact (`_record`).
            # fee_bps < BPS: fee <= redeemed.
            net: uint256 = unsafe_sub(redeemed, fee)
            self._record(tab_id | TAB_REPUTATION_MARK, terms, OUTCOME_COMPLETED, net, self._weighted(slot, net))
        return
    # redeemed + amount is the new cumulative, at most the deposit (< 2**96):
    # no overflow; f is nondecreasing, so f(redeemed + amount) >= f(redeemed).
    fee = unsafe_sub(unsafe_div(unsafe_mul(unsafe_add(redeemed, amount), config & job_words.FEE_BPS_MASK), BPS), fee)
    # fee_bps < BPS: f(redeemed + amount) - f(redeemed) <= amount.
    self._credit(tab_id & job_words.ID_PROVIDER_MASK, token, unsafe_sub(amount, fee))
    if fee != 0:
        self.fees_owed[job_words.address_field(config)][token] += fee


# ------------------------------------------------------------------- ratings


@external
def consume_rating(job_id: uint256, caller: address) -> IRatingGate.RatingTicket:
    """
    @notice Spend one side's single rating on a settled (Completed or
            Resolved) job on which the provider was paid something and the
            protocol fee was paid, between agents of different principals
            (otherwise "escrow: no reputation"); only the reputation
            registry may call.
    @dev No lock: called by the trusted reputation registry, only
         `staticcall`s the registry. The weight comes from word A (what the
         provider received) and the token's weight: one job read, one token
         read, one or two registry reads.
    @param job_id The job.
    @param caller The address that called `rate` on the reputation registry.
    @return Who rates whom and the weighted value paid.
    """
    assert msg.sender == REPUTATION.address, "escrow: not reputation"
    a: uint256 = self._job_a[job_id]
    status: uint256 = (a >> job_words.STATUS_SHIFT) & job_words.STATUS_MASK
    assert status == convert(STATUS_COMPLETED, uint256) or status == convert(STATUS_RESOLVED, uint256), "escrow: job not settled"
    flags: uint256 = a >> job_words.FLAGS_SHIFT
    assert flags & FLAG_NO_REPUTATION == 0, "escrow: no reputation"
    paid: uint256 = a & job_words.AMOUNT_MASK
    assert paid != 0, "escrow: nothing paid"
    rater_id: uint256 = (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK
    rated_id: uint256 = job_id & job_words.ID_PROVIDER_MASK
    bit: uint256 = FLAG_CLIENT_RATED
    auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize(rater_id, caller)
    if auth.role == ROLE_NONE:
        rated_id = rater_id
        rater_id = job_id & job_words.ID_PROVIDER_MASK
        bit = FLAG_PROVIDER_RATED
        auth = staticcall REGISTRY.authorize(rater_id, caller)
        assert auth.role != ROLE_NONE, "escrow: not a party"
    assert auth.role == ROLE_PRINCIPAL or not auth.frozen, "escrow: agent frozen"
    assert flags & bit == 0, "escrow: already rated"
    self._job_a[job_id] = a | (bit << job_words.FLAGS_SHIFT)
    weight: uint256 = self._token_slot[(a >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK] >> T_WEIGHT_SHIFT
    # A weight is below 2**96 (the slot's top bits) and `paid` below 2**128:
    # the product cannot overflow.
    return IRatingGate.RatingTicket(
        rater_id=rater_id, rated_id=rated_id, weighted_value=unsafe_div(unsafe_mul(weight, paid), WEIGHT_UNIT)
    )


# --------------------------------------------------------------------- views


@external
@pure
def job_parties(job_id: uint256) -> (uint256, uint256, uint256):
    """
    @notice Decode a job id.
    @param job_id The job.
    @return created_at The creation time (unix seconds).
    @return client_id The client agent.
    @return provider_id The provider agent.
    """
    return (
        job_id >> job_words.ID_TIME_SHIFT,
        (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK,
        job_id & job_words.ID_PROVIDER_MASK,
    )


@external
@view
def job(job_id: uint256) -> IJobEscrow.Job:
    """
    @notice A job, unpacked from its words A and B.
    @param job_id The job.
    @return The job (status 0 if it does not exist).
    """
    a: uint256 = self._job_a[job_id]
    status: uint8 = job_words.status(a)
    deadline: uint256 = job_words.deadline(a)
    if status >= STATUS_DELIVERED and status != STATUS_REFUNDED and (a >> job_words.FLAGS_SHIFT) & FLAG_REJECTED == 0:
        deadline = job_words.review_deadline(
            a, self._configs[(a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK]
        )
    return IJobEscrow.Job(
        created_at=job_id >> job_words.ID_TIME_SHIFT,
        client_id=(job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK,
        provider_id=job_id & job_words.ID_PROVIDER_MASK,
        price=a & job_words.AMOUNT_MASK,
        status=status,
        deadline=deadline,
        delivery_time=(a >> job_words.DELIVERY_SHIFT) & job_words.DELIVERY_MASK,
        config_id=(a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK,
        token=self._token_address(a),
        flags=convert(a >> job_words.FLAGS_SHIFT, uint8),
        hash=self._job_b[job_id],
    )


@external
@view
def bonds(job_id: uint256) -> (uint256, uint256):
    """
    @notice The bonds posted in a job's dispute (kept after it ends).
    @param job_id The job.
    @return client_bond The client's bond (0 if not posted).
    @return provider_bond The provider's bond (0 if not posted).
    """
    c: uint256 = self._job_c[job_id]
    return c & job_words.CLIENT_BOND_MASK, c >> job_words.PROVIDER_BOND_SHIFT


@external
@view
def evaluator_of(job_id: uint256) -> (address, uint256):
    """
    @notice A job's evaluator and its fee.
    @param job_id The job.
    @return evaluator The evaluator (empty: none).
    @return fee_bps Its fee in basis points of the price.
    """
    e: uint256 = self._job_e[job_id]
    return convert(convert(e & job_words.EVALUATOR_MASK, uint160), address), e >> job_words.EVALUATOR_FEE_SHIFT


@external
@view
def verdict(job_id: uint256) -> (address, bool, bytes32):
    """
    @notice The verdict a job's evaluator gave, final: what
            `ValidationRegistry.publish_verdict` publishes.
    @dev Never reverts: a job without a verdict (none yet, or no
         evaluator) reads all empty.
    @param job_id The job.
    @return evaluator The evaluator that gave it (empty: no verdict).
    @return approved True if it approved the job, false if it rejected it.
    @return report_hash The hash of its report (may be empty).
    """
    flags: uint256 = self._job_a[job_id] >> job_words.FLAGS_SHIFT
    if flags & (FLAG_APPROVED | FLAG_REJECTED) == 0:
        return empty(address), False, empty(bytes32)
    return (
        convert(convert(self._job_e[job_id] & job_words.EVALUATOR_MASK, uint160), address),
        flags & FLAG_APPROVED != 0,
        self._job_b[job_id],
    )


@external
@view
def balance_of(agent_id: uint256, token: address) -> uint256:
    """
    @notice An agent's free (unlocked) ledger balance.
    @param agent_id The agent.
    @param token The token.
    @return The free balance.
    """
    return self._balances[agent_id][token]


@external
@view
def config(config_id: uint256) -> IJobEscrow.Config:
    """
    @notice A config version.
    @param config_id The config id (from 1).
    @return The config (all zero for an unknown id).
    """
    c: uint256 = self._configs[config_id]
    d: uint256 = self._dispute_terms[config_id]
    return IJobEscrow.Config(
        fee_bps=c & job_words.FEE_BPS_MASK,
        accept_window=(c >> job_words.ACCEPT_WINDOW_SHIFT) & job_words.WINDOW_MASK,
        review_window=(c >> job_words.REVIEW_WINDOW_SHIFT) & job_words.WINDOW_MASK,
        fee_recipient=job_words.address_field(c),
        bond_bps=d & job_words.BOND_BPS_MASK,
        bond_floor=self._bond_floor[config_id],
        response_window=(d >> job_words.RESPONSE_WINDOW_SHIFT) & job_words.WINDOW_MASK,
        arbitration_window=(d >> job_words.ARBITRATION_WINDOW_SHIFT) & job_words.WINDOW_MASK,
        arbitrator=job_words.address_field(d),
    )


@external
@view
def current_config_id() -> uint256:
    """
    @notice The config version new jobs get.
    @return The config id.
    """
    return (self._head >> H_CONFIG_SHIFT) & job_words.CONFIG_ID_MASK


@external
@view
def paused() -> bool:
    """
    @notice Whether new commitments (hire, hire_with_offer, a tab's opening
            or top-up) are paused; deposits, exits and disputes never are.
    @return True while paused.
    """
    return self._head & H_PAUSED != 0


@external
@view
def token_info(token: address) -> IJobEscrow.TokenInfo:
    """
    @notice A token's allowlist entry.
    @param token The token.
    @return Its index (0 if never listed), allowed flag and weight.
    """
    key: uint256 = self._token_key[token]
    index: uint256 = key & job_words.TOKEN_MASK
    return IJobEscrow.TokenInfo(
        index=index, allowed=key & K_ALLOWED != 0, weight=self._token_slot[index] >> T_WEIGHT_SHIFT
    )


@external
@view
def spent(agent_id: uint256, token: address) -> (uint256, uint256):
    """
    @notice The operator's spending window for one token.
    @param agent_id The agent.
    @param token The token.
    @return window_start The window's start (unix seconds).
    @return committed What was committed in it.
    """
    s: uint256 = self._spend[agent_id][token]
    return s & S_START_MASK, s >> S_USED_SHIFT




# ------------------------------------------------------------------ internal






@internal
@view
def _check_actor(agent_id: uint256, who: address, as_client: bool):
    """
    @dev `who` must be the agent's principal, or its operator while the agent
         is not frozen (one registry call, one storage read for an operator).
    """
    auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize(agent_id, who)
    if auth.role == ROLE_NONE:
        if as_client:
            raise "escrow: not client"
        raise "escrow: not provider"
    assert auth.role == ROLE_PRINCIPAL or not auth.frozen, "escrow: agent frozen"


@internal
@view
def _only(caller: address):
    """
    @dev The hooks' caller check: the governor, the resolver, the OfferBook
         or Tabs (the message names the first three; Tabs' own reverts come
         first).
    """
    if msg.sender != caller:
        if caller == GOVERNOR:
            raise "escrow: not governor"
        if caller == RESOLVER:
            raise "escrow: not resolver"
        if caller == OFFERS:
            raise "escrow: not offers"
        raise "escrow: not tabs"


@internal
@pure
def _check(ok: bool, reason: String[40]):
    """
    @dev A check off the hot paths (withdrawals, fee claims, governance
         hooks, refunds, dispute settlement): one shared revert site for
         many messages. Each check so written is about 50 bytes smaller than
         an inlined `assert` and 60 to 90 gas dearer; the hot paths keep
         their asserts.
    """
    if not ok:
        raise reason


@internal
@pure
def _nonzero(amount: uint256):
    assert amount != 0, "escrow: zero amount"


@internal
@view
def _before_review(a: uint256, config: uint256):
    assert block.timestamp < job_words.review_deadline(a, config), "escrow: review deadline passed"


@internal
@view
def _check_outsider(job_id: uint256, who: address):
    """
    @dev An evaluator must be neither side's principal nor operator (checked
         when the job is created and again at its verdict, so a later
         rotation cannot make it a party).
    """
    for agent_id: uint256 in [
        (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, job_id & job_words.ID_PROVIDER_MASK
    ]:
        assert self._authority(agent_id, who).role == ROLE_NONE, "escrow: evaluator is a party"


@internal
def _verdict(job_id: uint256, approved: bool, report_hash: bytes32):
    """
    @dev The evaluator's fee, `amount * fee_bps // 10_000`, is owed to it
         (`fees_owed`, pulled with `claim_fees`) and leaves word A's amount.
         Word B takes the report hash (the result hash stays in
         `JobDelivered`) and word A the verdict's flag: approve settles as
         `complete`; reject stores Rejected with the response deadline in
         word A's deadline field. Publishing the verdict in the validation
         registry is a separate step anyone may take (`verdict`).
    """
    a: uint256 = self._load(job_id, STATUS_DELIVERED)
    e: uint256 = self._job_e[job_id]
    assert e & job_words.EVALUATOR_MASK == convert(convert(msg.sender, uint160), uint256), "escrow: not evaluator"
    config_id: uint256 = (a >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK
    config: uint256 = self._configs[config_id]
    self._before_review(a, config)
    self._check_outsider(job_id, msg.sender)
    price: uint256 = a & job_words.AMOUNT_MASK
    fee: uint256 = price * (e >> job_words.EVALUATOR_FEE_SHIFT) // BPS
    # Its fee bps <= MAX_EVALUATOR_FEE_BPS < BPS (checked at creation): fee <= price.
    a = (a & ~job_words.AMOUNT_MASK) | unsafe_sub(price, fee)
    if fee != 0:
        self.fees_owed[msg.sender][self._token_address(a)] += fee
    deadline: uint256 = 0
    if not approved:
        deadline = block.timestamp + (
            (self._dispute_terms[config_id] >> job_words.RESPONSE_WINDOW_SHIFT) & job_words.WINDOW_MASK
        )
    log IJobEscrow.JobEvaluated(
        job_id=job_id,
        evaluator=msg.sender,
        approved=approved,
        fee=fee,
        report_hash=report_hash,
        response_deadline=deadline,
    )
    self._job_b[job_id] = report_hash
    if approved:
        self._settle(job_id, a | (FLAG_APPROVED << job_words.FLAGS_SHIFT), config, False, OUTCOME_VALIDATED)
    else:
        self._job_a[job_id] = job_words.with_status_deadline(a, STATUS_REJECTED, deadline) | (
            FLAG_REJECTED << job_words.FLAGS_SHIFT
        )


@internal
@view
def _authority(agent_id: uint256, who: address) -> IAgentRegistry.Authority:
    return staticcall REGISTRY.authorize(agent_id, who)


@internal
@view
def _principal(agent_id: uint256) -> address:
    return (staticcall REGISTRY.agent_status(agent_id)).principal


@internal
@view
def _token_balance(token: address) -> uint256:
    return staticcall IERC20(token).balanceOf(self)


@internal
@view
def _load(job_id: uint256, expected: uint8) -> uint256:
    """
    @dev Word A of a job that must be in status `expected`.
    """
    a: uint256 = self._job_a[job_id]
    if job_words.status(a) != expected:
        if expected == STATUS_REQUESTED:
            raise "escrow: not requested"
        if expected == STATUS_ACCEPTED:
            raise "escrow: not accepted"
        if expected == STATUS_DISPUTED:
            raise "escrow: not disputed"
        raise "escrow: not delivered"
    return a



@internal
def _take(agent_id: uint256, token: address, amount: uint256):
    balance: uint256 = self._balances[agent_id][token]
    assert balance >= amount, "escrow: insufficient balance"
    # balance >= amount (just asserted): no underflow.
    self._balances[agent_id][token] = unsafe_sub(balance, amount)


@internal
def _credit(agent_id: uint256, token: address, amount: uint256):
    if amount != 0:
        self._balances[agent_id][token] += amount


@internal
def _open(
    client_id: uint256,
    provider_id: uint256,
    token: address,
    price: uint256,
    delivery_time: uint256,
    terms_hash: bytes32,
    listing_id: uint256,
    accepted: bool,
    signer: address,
    caller: address,
    evaluator: address,
    evaluator_fee_bps: uint256,
) -> uint256:
    """
    @dev Checks the parties (one registry call for `caller`), the token and
         the client's budget, locks the price and writes the job's two fresh
         words. `caller` is `msg.sender` for a hire. A tab's opening or
         top-up is the same obligation as a hire: `tab_lock` passes the Tabs
         contract's caller and a zero `delivery_time` (no job may have
         one), and this stops once the price is locked and returns
         `tab_lock`'s packed answer instead of a job id. For
         an offer (`accepted`) `signer` is the recovered signer, which must
         be the provider's principal or operator; the job starts Accepted.
         A job naming an `evaluator` (not a party: see `_check_outsider`)
         gets word E, with its fee at most MAX_EVALUATOR_FEE_BPS.
    """
    head: uint256 = self._head
    assert head & H_PAUSED == 0, "escrow: paused"
    key: uint256 = self._token_key[token]
    assert key & K_ALLOWED != 0, "escrow: token not allowed"
    assert client_id != 0 and client_id <= job_words.ID_CLIENT_MASK, "escrow: bad client"
    assert provider_id != 0 and provider_id <= job_words.ID_PROVIDER_MASK, "escrow: bad provider"
    assert client_id != provider_id, "escrow: self hire"
    assert price != 0 and price <= job_words.AMOUNT_MASK, "escrow: bad price"

    check: IAgentRegistry.HireCheck = staticcall REGISTRY.hire_check(client_id, caller, provider_id, token)
    assert check.client_role != ROLE_NONE, "escrow: not client"
    if check.client_frozen:
        if check.client_role == ROLE_OPERATOR:
            raise "escrow: agent frozen"
        raise "escrow: client frozen"
    assert check.provider_principal != empty(address), "escrow: unknown provider"
    assert not check.provider_frozen, "escrow: provider frozen"
    if accepted and signer != check.provider_principal:
        # Not the principal: the provider's operator (its freeze is checked
        # above), or nobody (a failed recovery gives the empty address).
        assert self._authority(provider_id, signer).role != ROLE_NONE, "escrow: bad signature"
    if check.client_role == ROLE_OPERATOR:
        self._spend_budget(client_id, token, price, check)

    self._take(client_id, token, price)

    # The job's terms: config id, token index, flags (word A's bits).
    terms: uint256 = (((head >> H_CONFIG_SHIFT) & job_words.CONFIG_ID_MASK) << job_words.CONFIG_ID_SHIFT) | (
        (key & job_words.TOKEN_MASK) << job_words.TOKEN_SHIFT
    )
    if check.client_principal == check.provider_principal:
        terms |= FLAG_NO_REPUTATION << job_words.FLAGS_SHIFT
    if delivery_time == 0:
        # A tab's opening or top-up (`tab_lock`): the money is locked, the
        # Tabs contract keeps the rest. A hire with no delivery time ends here.
        assert msg.sender == TABS, "escrow: bad delivery time"
        return terms | convert(check.client_role, uint256)
    assert delivery_time <= MAX_DELIVERY_TIME, "escrow: bad delivery time"

    # The id needs no counter (a counter would cost a storage write): the
    # creation time, then the first free of 256 slots for this pair in this
    # block. Probing costs nothing extra: the cold read makes the fresh
    # word's write below warm (2,100 + 20,000 either way).
    job_id: uint256 = (block.timestamp << job_words.ID_TIME_SHIFT) | (client_id << job_words.ID_CLIENT_SHIFT) | provider_id
    for i: uint256 in range(256):
        if self._job_a[job_id] == 0:
            break
        assert i != 255, "escrow: too many jobs in block"
        job_id += 1 << job_words.ID_ORDINAL_SHIFT

    status: uint8 = STATUS_REQUESTED
    deadline: uint256 = block.timestamp + ((head >> H_ACCEPT_SHIFT) & job_words.WINDOW_MASK)
    if accepted:
        status = STATUS_ACCEPTED
        deadline = block.timestamp + delivery_time
    self._job_a[job_id] = (
        price
        | (convert(status, uint256) << job_words.STATUS_SHIFT)
        | (deadline << job_words.DEADLINE_SHIFT)
        | (delivery_time << job_words.DELIVERY_SHIFT)
        | terms
    )
    self._job_b[job_id] = terms_hash
    log IJobEscrow.JobCreated(
        job_id=job_id,
        client_id=client_id,
        provider_id=provider_id,
        listing_id=listing_id,
        token=token,
        price=price,
        terms_hash=terms_hash,
    )
    if evaluator != empty(address):
        assert evaluator_fee_bps <= MAX_EVALUATOR_FEE_BPS, "escrow: evaluator fee above cap"
        self._check_outsider(job_id, evaluator)
        self._job_e[job_id] = convert(convert(evaluator, uint160), uint256) | (evaluator_fee_bps << job_words.EVALUATOR_FEE_SHIFT)
        log IJobEscrow.EvaluatorNamed(job_id=job_id, evaluator=evaluator, fee_bps=evaluator_fee_bps)
    return job_id


@internal
def _spend_budget(client_id: uint256, token: address, price: uint256, check: IAgentRegistry.HireCheck):
    """
    @dev Operator spending (a hire, a tab's opening or top-up): at most
         `per_job_cap` per commitment and `period_cap` per window of
         `period` seconds; the window restarts at the first
         commitment after it ends. A zero period never rolls over. The
         windows are fixed, not sliding: any `period` seconds that straddle
         a window's end can see up to twice `period_cap` (the end of one
         window and the start of the next). A sliding window would need the
         history of every commitment, unbounded storage per operator; a
         principal who wants a tighter bound over any interval halves the
         cap.
    """
    assert price <= check.per_job_cap, "escrow: over job cap"
    s: uint256 = self._spend[client_id][token]
    start: uint256 = s & S_START_MASK
    used: uint256 = s >> S_USED_SHIFT
    if check.period != 0 and block.timestamp >= start + check.period:
        start = block.timestamp
        used = 0
    used += price
    assert used <= check.period_cap, "escrow: over period cap"
    self._spend[client_id][token] = start | (used << S_USED_SHIFT)


@internal
def _refund(job_id: uint256, a: uint256, reason: uint8, outcome: uint8):
    """
    @dev Return the locked price to the client, end the job Refunded and,
         for a provider's failure, record it.
    """
    price: uint256 = a & job_words.AMOUNT_MASK
    self._job_a[job_id] = job_words.with_status(a, STATUS_REFUNDED)
    self._balances[(job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK][self._token_address(a)] += price
    log IJobEscrow.JobRefunded(job_id=job_id, amount=price, reason=reason)
    if outcome != 0:
        self._record(job_id, a, outcome, 0, 0)


@internal
def _settle(job_id: uint256, a: uint256, config: uint256, finalized: bool, outcome: uint8):
    """
    @dev Pay a Delivered (or Rejected) job: fee = price * fee_bps // 10_000
         to the job's config's fee recipient, the rest to the provider;
         exact to the unit. Word A's amount becomes what the provider
         received. A payment whose fee is zero (a dust price, or a zero-fee
         config) is flagged no-reputation: no fact, no rating.
    """
    price: uint256 = a & job_words.AMOUNT_MASK
    fee: uint256 = price * (config & job_words.FEE_BPS_MASK) // BPS
    # fee_bps <= MAX_FEE_BPS < BPS (the governor's cap): fee <= price.
    paid: uint256 = unsafe_sub(price, fee)
    slot: uint256 = self._token_slot[(a >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK]
    token: address = convert(convert(slot & T_ADDRESS_MASK, uint160), address)
    a = (job_words.with_status(a, STATUS_COMPLETED) & ~job_words.AMOUNT_MASK) | paid
    if fee != 0:
        self.fees_owed[job_words.address_field(config)][token] += fee
    else:
        # No fee, no fact (see `_record`): nor a rating.
        a |= FLAG_NO_REPUTATION << job_words.FLAGS_SHIFT
    self._job_a[job_id] = a
    self._credit(job_id & job_words.ID_PROVIDER_MASK, token, paid)
    log IJobEscrow.JobCompleted(job_id=job_id, provider_amount=paid, finalized=finalized)
    self._record(job_id, a, outcome, paid, self._weighted(slot, paid))


@internal
def _record(job_id: uint256, a: uint256, outcome: uint8, paid: uint256, weighted: uint256):
    """
    @dev Write the ending into the reputation registry, unless the job is
         flagged no-reputation: its parties shared a principal, or (no fee,
         no fact) it paid the provider without paying the protocol fee (a
         price below `10_000 / fee_bps` units, or a zero-fee config), so
         every completed job, settlement, rating and tab fact in reputation
         cost at least one unit of fee. Endings that pay the provider
         nothing (refunds, a dispute the client wins) are always written:
         they cost the provider, not credit it. Last step of every exit
         (interaction after effects); the registry is trusted and fixed at
         deployment.
    """
    if (a >> job_words.FLAGS_SHIFT) & FLAG_NO_REPUTATION != 0:
        return
    extcall REPUTATION.record_job(
        job_id,
        (job_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK,
        job_id & job_words.ID_PROVIDER_MASK,
        outcome,
        paid,
        weighted,
        # Trusted, immutable and returning nothing: skip the EXTCODESIZE
        # (calls that return data need none: Vyper checks RETURNDATASIZE).
        skip_contract_check=True,
    )


@internal
@view
def _weighted(slot: uint256, amount: uint256) -> uint256:
    """
    @dev `amount` times the weight in a token slot (read once by the caller,
         which also takes the token's address from it).
    """
    # A weight is below 2**96 (the slot's top bits) and every amount weighed
    # below 2**128 (a job's amount field; a tab's deposit, below 2**96): the
    # product cannot overflow.
    return unsafe_div(unsafe_mul(slot >> T_WEIGHT_SHIFT, amount), WEIGHT_UNIT)


@internal
@view
def _token_address(a: uint256) -> address:
    slot: uint256 = self._token_slot[(a >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK]
    return convert(convert(slot & T_ADDRESS_MASK, uint160), address)













@internal
def _call_token(token: address, data: Bytes[100]):
    """
    @dev Call a token's transfer/transferFrom: tokens that return nothing
         (USDT) pass if the call succeeds; a revert or a false return reverts.
    """
    ok: bool = token.is_contract
    response: Bytes[32] = b""
    if ok:
        ok, response = raw_call(token, data, max_outsize=32, revert_on_failure=False)
        if ok and len(response) != 0:
            ok = convert(response, bool)
    assert ok, "escrow: transfer failed"

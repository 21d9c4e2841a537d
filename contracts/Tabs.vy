# pragma version ~=0.4.3
"""
@title AgentMarket tabs: micro-payments between agents through signed vouchers
@license MIT
@notice A client agent opens a tab to one provider agent in one token,
        locking a deposit from its free balance in the JobEscrow ledger
        (tab deposits never leave the escrow). Per purchase its key signs an
        EIP-712 voucher for the cumulative amount it owes on the tab; the
        provider keeps only the latest and redeems it whenever it likes
        (`redeem`, or many tabs at once with `redeem_many`). The escrow pays
        each redemption into the provider's free balance minus the fee of
        the escrow config current when the tab was opened; a tab's fees are
        those of its cumulative value (see ITabsHost), so however the
        provider splits its redemptions the tab pays the same fee.

        Reputation: a tab is one engagement, so it is recorded once, when
        it closes (by the provider, or by `finish_close` after the client's
        request), not per redemption: the escrow writes one completed job
        for both sides, worth the tab's whole net redeemed value (what the
        provider received over the tab's life, exact to the unit) weighted
        by the token's weight at the closing, as a job's settlement weighs
        its pay. This keeps a redemption to a
        ledger credit (a batch pays no reputation words) and counts a
        thousand-purchase tab as one engagement, not one per settlement.
        Nothing is written for a tab whose redemptions owed no fee (none,
        or too little for one unit: no fee, no fact, as for jobs), nor
        between agents of one principal (fixed at opening).

        Life: open -> (top_up | redeem)* -> close by the provider at once,
        or request_close by the client, then, once the withdrawal delay
        fixed at opening has passed, finish_close by anyone. Until then the
        provider may still redeem. Closing returns the unredeemed rest to
        the client's free balance. A deadline has passed when
        `block.timestamp >= closes_at`.

        Who signs, and what a tab commits (the rule):
        1. A tab has exactly one key, fixed when it is opened: the client's
           operator who opened it, or, when the principal opened it, the
           operator the agent had then (the principal itself if it had
           none). Only that key's signature redeems a voucher. Nothing at
           redemption depends on who owns or operates the client now, so no
           transfer of the agent, rotation of its operator or freeze can
           void a voucher the provider holds: a voucher signed by the key is
           honoured up to the deposit until the close deadline. Any other
           signer is refused ("tabs: bad signature"): the principal (unless
           it is the key), an operator rotated out before the opening or
           rotated in later, a stranger.
        2. A deposit only grows while its key still belongs to the client:
           `top_up` is refused ("tabs: key no longer the client's") when the
           key is neither the client's current principal nor its current
           operator. The registry clears the operator when the agent is
           transferred, so after a sale nobody can add to a tab that the
           seller's key can still spend.
        3. So a buyer of the agent inherits its open tabs, and what anyone
           else can still spend of the agent's money through them is
           exactly the sum of `deposit - redeemed` over its open tabs (the
           `tab` view of each tab `TabOpened` names), each only to that
           tab's provider. The buyer stops that figure growing (top-ups are
           refused) and ends it with `request_close`, after the withdrawal
           delay fixed at opening; it loses no more than that figure. A
           principal that distrusts its tab's key does the same. (A key that
           followed the owner instead would let a client buy service,
           transfer the agent and take the deposit back from under the
           provider's vouchers; so the provider keeps its vouchers and the
           buyer gets a bounded, visible figure.)
        A frozen client can neither open nor top up (the escrow refuses);
        vouchers within a deposit already committed stay redeemable, so a
        provider never loses work it was paid for in advance.

        Storage: two words per tab, keyed by the tab id (see ITabs).
        Word A (`_tab_a`, rewritten by every redemption):
          0-95    deposit: everything locked on the tab
          96-191  redeemed: the cumulative amount paid out (before the fee)
          192-231 closes_at: 0 until the client asks to close
          232-239 status: 1 open, 2 closed
        Word B (`_tab_b`, written once at opening):
          0-159   the tab's key
          160-191 withdrawal delay in seconds
          208-255 the tab's terms from the escrow's `tab_lock`, placed as
                  the escrow places them and handed back to `tab_settle`:
                  208-231 config id (the escrow config fixing the fee),
                  232-247 token index (the escrow's allowlist),
                  248 no reputation (client and provider share a principal)
        The cumulative redeemed value in word A is all the closing needs:
        the escrow derives the net value recorded from it and the config.
@custom:security No owner, no admin, no upgrade, and no token held: the
        escrow keeps the money and only this contract (its `TABS`) may move
        a tab's part of it. The escrow's guardian pause stops openings and
        top-ups (the escrow refuses them); redemptions and closings keep
        working while paused. Every function that moves value holds the
        compiler's reentrancy lock and follows checks-effects-interactions;
        the escrow and the registry are trusted, fixed at deployment.
"""

from .interfaces import IAgentRegistry
from .interfaces import ITabsHost
from .interfaces import ITabs

implements: ITabs

from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator

from .modules import job_words

initializes: eip712_domain_separator

exports: eip712_domain_separator.eip712Domain


# @dev Roles answered by `IAgentRegistry.authorize` and `tab_lock`.
ROLE_NONE: constant(uint8) = 0
ROLE_PRINCIPAL: constant(uint8) = 1
ROLE_OPERATOR: constant(uint8) = 2

# @dev Tab status codes.
STATUS_OPEN: constant(uint256) = 1
STATUS_CLOSED: constant(uint256) = 2

# @dev Bounds of the withdrawal delay a client fixes at opening: long
# enough for the provider to redeem after a close request, short enough
# that a deposit is never stuck for long.
MIN_WITHDRAWAL_DELAY: public(constant(uint256)) = 3_600
MAX_WITHDRAWAL_DELAY: public(constant(uint256)) = 30 * 86_400

# @dev Most vouchers one `redeem_many` takes.
MAX_BATCH: public(constant(uint256)) = 64

# @dev Largest deposit of a tab (96 bits of word A).
MAX_DEPOSIT: public(constant(uint256)) = 2**96 - 1

# @dev Word A layout (see the header).
A_DEPOSIT_MASK: constant(uint256) = 2**96 - 1
A_REDEEMED_SHIFT: constant(uint256) = 96
A_REDEEMED_MASK: constant(uint256) = 2**96 - 1
A_CLOSES_SHIFT: constant(uint256) = 192
A_CLOSES_MASK: constant(uint256) = 2**40 - 1
A_STATUS_SHIFT: constant(uint256) = 232
A_STATUS_MASK: constant(uint256) = 2**8 - 1

# @dev Word B layout (see the header); the terms, from
# `job_words.TERMS_SHIFT` up, are `tab_lock`'s answer without its role byte
# and lie where a job's word A holds them (ITabsHost, `modules/job_words.vy`).
B_KEY_MASK: constant(uint256) = 2**160 - 1
B_DELAY_SHIFT: constant(uint256) = 160
B_DELAY_MASK: constant(uint256) = 2**32 - 1
# The escrow's no-reputation flag, bit 0 of the terms' flags field (from
# `job_words.FLAGS_SHIFT`, 248), written out: `interfaces/constants.json` is
# built from this file's constants, whose expressions may not name a module.
B_NO_REPUTATION: constant(uint256) = 1 << 248

# @dev `tab_lock`'s answer: the terms, and the caller's role in bits 0-7.
LOCK_ROLE_MASK: constant(uint256) = 2**8 - 1

# @dev Bit 0 of `tab_settle`'s terms: close the tab (ITabsHost).
S_CLOSE: constant(uint256) = 1

# @dev EIP-712 type hash of `Voucher`.
VOUCHER_TYPEHASH: constant(bytes32) = keccak256("Voucher(uint256 tab_id,uint256 amount)")


# @dev The escrow whose ledger holds the deposits (its TABS is this contract).
ESCROW: public(immutable(ITabsHost))

# @dev The identity registry (the escrow's).
REGISTRY: public(immutable(IAgentRegistry))


# @dev Tab word A: deposit | redeemed | closes_at | status.
_tab_a: HashMap[uint256, uint256]

# @dev Tab word B: key | delay | config id | token index | no reputation.
_tab_b: HashMap[uint256, uint256]

# @dev Token address per escrow token index, for the views.
_tokens: HashMap[uint256, address]


@deploy
def __init__(escrow: ITabsHost, registry: IAgentRegistry):
    """
    @notice Deploy the tabs of one escrow.
    @dev The escrow is deployed first, with this contract's predicted
         address as its TABS.
    @param escrow The JobEscrow.
    @param registry The escrow's AgentRegistry.
    """
    assert escrow.address != empty(address) and registry.address != empty(address), "tabs: empty link"
    eip712_domain_separator.__init__("AgentMarket Tabs", "1")
    ESCROW = escrow
    REGISTRY = registry


@external
@nonreentrant
def open(
    client_id: uint256, provider_id: uint256, token: address, amount: uint256, withdrawal_delay: uint256
) -> uint256:
    """
    @notice Open a tab: lock `amount` from the client's free balance for
            the provider.
    @dev Caller: the client's principal, or its operator while the client
         is not frozen; an operator's amount counts against its principal's
         per-job and per-period caps (escrow `tab_lock`, which also checks
         the provider, the token and the pause; its reverts are
         `escrow: ...`). The caller fixes the tab's key (see the header).
    @param client_id The paying agent.
    @param provider_id The paid agent.
    @param token An allowlisted token.
    @param amount The deposit, 1 to MAX_DEPOSIT.
    @param withdrawal_delay Seconds the provider keeps to redeem after the
           client asks to close, within [MIN_WITHDRAWAL_DELAY,
           MAX_WITHDRAWAL_DELAY].
    @return The tab id.
    """
    assert withdrawal_delay >= MIN_WITHDRAWAL_DELAY and withdrawal_delay <= MAX_WITHDRAWAL_DELAY, "tabs: bad delay"
    assert amount != 0 and amount <= MAX_DEPOSIT, "tabs: bad amount"
    # The trusted escrow checks everything a hire checks and locks the
    # money; it makes only `staticcall`s, so nothing reenters here.
    lock: uint256 = extcall ESCROW.tab_lock(client_id, provider_id, token, amount, msg.sender)
    key: address = msg.sender
    if lock & LOCK_ROLE_MASK == convert(ROLE_PRINCIPAL, uint256):
        operator: address = (staticcall REGISTRY.agent_status(client_id)).operator
        if operator != empty(address):
            key = operator

    # The id needs no counter: the opening time, then the first free of 256
    # slots for this pair in this block (the cold read makes the fresh
    # word's write warm: no extra cost).
    tab_id: uint256 = (block.timestamp << job_words.ID_TIME_SHIFT) | (client_id << job_words.ID_CLIENT_SHIFT) | provider_id
    for i: uint256 in range(256):
        if self._tab_a[tab_id] == 0:
            break
        assert i != 255, "tabs: too many tabs in block"
        tab_id += 1 << job_words.ID_ORDINAL_SHIFT

    index: uint256 = (lock >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK
    b: uint256 = (
        convert(convert(key, uint160), uint256)
        | (withdrawal_delay << B_DELAY_SHIFT)
        | ((lock >> job_words.TERMS_SHIFT) << job_words.TERMS_SHIFT)
    )
    self._tab_a[tab_id] = amount | (STATUS_OPEN << A_STATUS_SHIFT)
    self._tab_b[tab_id] = b
    if self._tokens[index] != token:
        self._tokens[index] = token
    log ITabs.TabOpened(
        tab_id=tab_id,
        client_id=client_id,
        provider_id=provider_id,
        token=token,
        amount=amount,
        withdrawal_delay=withdrawal_delay,
        signer=key,
    )
    return tab_id


@external
@nonreentrant
def top_up(tab_id: uint256, amount: uint256):
    """
    @notice Add to an open tab's deposit (not once the client asked to
            close it).
    @dev Caller: the client's principal, or the tab's key while it is still
         the client's operator and the client is not frozen; budget, freeze
         and pause as for `open`. Refused while the tab's key is neither
         the client's current principal nor its current operator (rule 2
         of the header): after the agent changes hands, nobody adds to a
         deposit the former owner's key can spend.
    @param tab_id The tab.
    @param amount The amount added; the deposit stays within MAX_DEPOSIT.
    """
    a: uint256 = self._load_open(tab_id)
    assert (a >> A_CLOSES_SHIFT) & A_CLOSES_MASK == 0, "tabs: closing"
    deposit: uint256 = (a & A_DEPOSIT_MASK) + amount
    assert amount != 0 and deposit <= MAX_DEPOSIT, "tabs: bad amount"
    b: uint256 = self._tab_b[tab_id]
    index: uint256 = (b >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK
    # Trusted escrow, `staticcall`s only (see `open`).
    lock: uint256 = extcall ESCROW.tab_lock(
        (tab_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, tab_id & job_words.ID_PROVIDER_MASK, self._tokens[index], amount, msg.sender
    )
    if lock & LOCK_ROLE_MASK == convert(ROLE_OPERATOR, uint256):
        assert msg.sender == self._key(b), "tabs: not tab signer"
    elif msg.sender != self._key(b):
        # The principal adds to a tab another key signs for: only while that
        # key is still the client's (its operator now; see the header).
        auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize((tab_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, self._key(b))
        assert auth.role != ROLE_NONE, "tabs: key no longer the client's"
    self._tab_a[tab_id] = (a & ~A_DEPOSIT_MASK) | deposit
    log ITabs.TabToppedUp(tab_id=tab_id, amount=amount, deposit=deposit)


@external
@nonreentrant
def redeem(tab_id: uint256, amount: uint256, v: uint256, r: uint256, s: uint256):
    """
    @notice Redeem a tab's voucher: the provider is paid what the voucher's
            cumulative `amount` adds to what was redeemed before (minus the
            fee it adds), into its free balance. The tab stays open; no
            reputation is written until it closes.
    @dev Anyone may submit a voucher (it can only pay the provider). Refused:
         a closed tab, a close deadline passed, an amount not above the
         redeemed one (a replayed or older voucher), above the deposit, or a
         signature by anyone but the tab's key (which also refuses a voucher
         for another tab). Only the key fixed at opening counts (rule 1 of
         the header): who owns or operates the client now changes nothing.
    @param tab_id The tab.
    @param amount The voucher's cumulative amount.
    @param v The signature's recovery byte (27 or 28).
    @param r The signature's r.
    @param s The signature's s (low-s only).
    """
    assert self._redeem(tab_id, amount, v, r, s, True), "tabs: not above redeemed"


@external
@nonreentrant
def redeem_many(vouchers: DynArray[ITabs.Voucher, MAX_BATCH]) -> uint256:
    """
    @notice Redeem many vouchers (typically many tabs of one provider) in
            one transaction.
    @dev As `redeem`, except that a voucher not above its tab's redeemed
         amount is skipped rather than refused, so a voucher redeemed
         meanwhile (by anyone) cannot sink the batch; any other refusal
         reverts the whole batch.
    @param vouchers Up to MAX_BATCH signed vouchers.
    @return How many vouchers paid something.
    """
    paid: uint256 = 0
    for voucher: ITabs.Voucher in vouchers:
        if self._redeem(voucher.tab_id, voucher.amount, voucher.v, voucher.r, voucher.s, False):
            paid += 1
    return paid


@external
def request_close(tab_id: uint256):
    """
    @notice Ask to close an open tab: once its withdrawal delay has passed,
            `finish_close` returns the unredeemed rest to the client; the
            provider may redeem until then.
    @dev Caller: the client's principal, or its operator while the client
         is not frozen. No lock: moves no value, only `staticcall`s the
         registry.
    @param tab_id The tab.
    """
    a: uint256 = self._load_open(tab_id)
    assert (a >> A_CLOSES_SHIFT) & A_CLOSES_MASK == 0, "tabs: already closing"
    auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize((tab_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, msg.sender)
    assert auth.role != ROLE_NONE, "tabs: not client"
    assert auth.role == ROLE_PRINCIPAL or not auth.frozen, "tabs: agent frozen"
    closes_at: uint256 = block.timestamp + ((self._tab_b[tab_id] >> B_DELAY_SHIFT) & B_DELAY_MASK)
    self._tab_a[tab_id] = a | (closes_at << A_CLOSES_SHIFT)
    log ITabs.TabCloseRequested(tab_id=tab_id, closes_at=closes_at)


@external
@nonreentrant
def finish_close(tab_id: uint256):
    """
    @notice Close a tab whose close deadline has passed; the unredeemed rest
            returns to the client's free balance. Anyone may call.
    @dev Records the tab in the reputation registry (see the header):
         one completed job worth its whole net redeemed value, if any.
    @param tab_id The tab.
    """
    a: uint256 = self._load_open(tab_id)
    closes_at: uint256 = (a >> A_CLOSES_SHIFT) & A_CLOSES_MASK
    assert closes_at != 0, "tabs: not closing"
    assert block.timestamp >= closes_at, "tabs: close deadline not passed"
    self._close(tab_id, a, False)


@external
@nonreentrant
def close(tab_id: uint256):
    """
    @notice Close an open tab at once (closing or not); the unredeemed rest
            returns to the client's free balance. Redeem the latest voucher
            first: nothing can be redeemed afterwards.
    @dev Caller: the provider's principal, or its operator while the
         provider is not frozen. Records the tab in the reputation
         registry (see the header): one completed job worth its whole net
         redeemed value, if any.
    @param tab_id The tab.
    """
    a: uint256 = self._load_open(tab_id)
    auth: IAgentRegistry.Authority = staticcall REGISTRY.authorize(tab_id & job_words.ID_PROVIDER_MASK, msg.sender)
    assert auth.role != ROLE_NONE, "tabs: not provider"
    assert auth.role == ROLE_PRINCIPAL or not auth.frozen, "tabs: agent frozen"
    self._close(tab_id, a, True)


# --------------------------------------------------------------------- views


@external
@view
def tab(tab_id: uint256) -> ITabs.Tab:
    """
    @notice A tab, unpacked from its two words.
    @param tab_id The tab.
    @return The tab (status 0 if it does not exist).
    """
    a: uint256 = self._tab_a[tab_id]
    b: uint256 = self._tab_b[tab_id]
    return ITabs.Tab(
        opened_at=tab_id >> job_words.ID_TIME_SHIFT,
        client_id=(tab_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK,
        provider_id=tab_id & job_words.ID_PROVIDER_MASK,
        token=self._tokens[(b >> job_words.TOKEN_SHIFT) & job_words.TOKEN_MASK],
        deposit=a & A_DEPOSIT_MASK,
        redeemed=(a >> A_REDEEMED_SHIFT) & A_REDEEMED_MASK,
        status=convert((a >> A_STATUS_SHIFT) & A_STATUS_MASK, uint8),
        closes_at=(a >> A_CLOSES_SHIFT) & A_CLOSES_MASK,
        withdrawal_delay=(b >> B_DELAY_SHIFT) & B_DELAY_MASK,
        signer=self._key(b),
        config_id=(b >> job_words.CONFIG_ID_SHIFT) & job_words.CONFIG_ID_MASK,
        no_reputation=b & B_NO_REPUTATION != 0,
    )


@external
@view
def voucher_digest(tab_id: uint256, amount: uint256) -> bytes32:
    """
    @notice The EIP-712 digest the client signs for a voucher.
    @param tab_id The tab.
    @param amount The cumulative amount.
    @return The digest.
    """
    return self._digest(tab_id, amount)


@external
@pure
def tab_parties(tab_id: uint256) -> (uint256, uint256, uint256):
    """
    @notice Decode a tab id.
    @param tab_id The tab.
    @return opened_at The opening time (unix seconds).
    @return client_id The client agent.
    @return provider_id The provider agent.
    """
    return tab_id >> job_words.ID_TIME_SHIFT, (tab_id >> job_words.ID_CLIENT_SHIFT) & job_words.ID_CLIENT_MASK, tab_id & job_words.ID_PROVIDER_MASK


# ------------------------------------------------------------------ internal


@internal
@view
def _load_open(tab_id: uint256) -> uint256:
    a: uint256 = self._tab_a[tab_id]
    assert (a >> A_STATUS_SHIFT) & A_STATUS_MASK == STATUS_OPEN, "tabs: not open"
    return a


@internal
@pure
def _key(b: uint256) -> address:
    return convert(convert(b & B_KEY_MASK, uint160), address)


@internal
@view
def _digest(tab_id: uint256, amount: uint256) -> bytes32:
    return eip712_domain_separator._hash_typed_data_v4(keccak256(abi_encode(VOUCHER_TYPEHASH, tab_id, amount)))


@internal
def _redeem(tab_id: uint256, amount: uint256, v: uint256, r: uint256, s: uint256, strict: bool) -> bool:
    """
    @dev One voucher: checks, then the new redeemed amount, the event, and
         the escrow's payment last. Returns False for a voucher not above
         the redeemed amount (nothing to pay); the caller decides whether
         that reverts.
    """
    a: uint256 = self._tab_a[tab_id]
    assert (a >> A_STATUS_SHIFT) & A_STATUS_MASK == STATUS_OPEN, "tabs: not open"
    closes_at: uint256 = (a >> A_CLOSES_SHIFT) & A_CLOSES_MASK
    assert closes_at == 0 or block.timestamp < closes_at, "tabs: close deadline passed"
    redeemed: uint256 = (a >> A_REDEEMED_SHIFT) & A_REDEEMED_MASK
    if amount <= redeemed:
        return False
    assert amount <= a & A_DEPOSIT_MASK, "tabs: above deposit"
    b: uint256 = self._tab_b[tab_id]
    digest: bytes32 = eip712_domain_separator._hash_typed_data_v4(
        keccak256(abi_encode(VOUCHER_TYPEHASH, tab_id, amount))
    )
    # The tab's key, fixed at opening, and nobody else (see the header).
    assert ecdsa._try_recover_vrs(digest, v, r, s) == convert(convert(b & B_KEY_MASK, uint160), address), "tabs: bad signature"
    self._tab_a[tab_id] = (a & ~(A_REDEEMED_MASK << A_REDEEMED_SHIFT)) | (amount << A_REDEEMED_SHIFT)
    log ITabs.TabRedeemed(tab_id=tab_id, cumulative=amount)
    extcall ESCROW.tab_settle(
        tab_id,
        (b >> job_words.TERMS_SHIFT) << job_words.TERMS_SHIFT,
        redeemed,
        # amount > redeemed (tested above): no underflow.
        unsafe_sub(amount, redeemed),
        # Trusted, immutable and returning nothing: skip the EXTCODESIZE.
        skip_contract_check=True,
    )
    return True


@internal
def _close(tab_id: uint256, a: uint256, by_provider: bool):
    """
    @dev Mark the tab closed, then have the escrow return its unredeemed
         rest and record the tab's reputation from its cumulative redeemed
         value (interaction last). A call that would do neither (nothing
         to return, reputation skipped) is not made.
    """
    redeemed: uint256 = (a >> A_REDEEMED_SHIFT) & A_REDEEMED_MASK
    # A voucher is redeemed only up to the deposit: redeemed <= deposit.
    rest: uint256 = unsafe_sub(a & A_DEPOSIT_MASK, redeemed)
    self._tab_a[tab_id] = (a & ~(A_STATUS_MASK << A_STATUS_SHIFT)) | (STATUS_CLOSED << A_STATUS_SHIFT)
    log ITabs.TabClosed(tab_id=tab_id, refund=rest, by_provider=by_provider)
    b: uint256 = self._tab_b[tab_id]
    if rest != 0 or b & B_NO_REPUTATION == 0:
        extcall ESCROW.tab_settle(
            tab_id,
            ((b >> job_words.TERMS_SHIFT) << job_words.TERMS_SHIFT) | S_CLOSE,
            redeemed,
            rest,
            skip_contract_check=True,
        )

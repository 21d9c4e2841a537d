"""One exception class per revert string of the protocol's contracts.

Every refusal the client meets surfaces as an instance of one of these (see
`revert_error`), so a caller catches what it can handle:

    try:
        escrow.hire(client, listing, client_id)
    except OverJobCap:         # "escrow: over job cap": this job alone
        ...
    except AgentFrozen:        # "escrow: agent frozen", "tabs: agent frozen", ...
        ...
    except EscrowError:        # any other escrow refusal
        ...

The hierarchy: `ContractRevertError` > one base per contract (`EscrowError`,
`TabsError`, ...; snekmate's modules that the contracts use have their own:
`OwnableError`, `PausableError`, `EcdsaError`) > one class per revert string,
whose docstring quotes it. Where the same refusal is spelt in several contracts
("agent frozen", "bad signature", "not provider", ...), a cause class under
`ContractRevertError` catches it from any of them, and each contract's class
inherits from both its contract's base and the cause. `REVERT_CLASSES` maps
each string to its class; tests/package/test_errors.py holds it to the
contracts' sources. Every instance keeps `.reason`, the string itself.
"""

from __future__ import annotations

from agentmarket.errors import ContractRevertError

# ------------------------------------------------------------ one base per contract


class EscrowError(ContractRevertError):
    """JobEscrow refused the call (a revert string starting "escrow: ")."""


class GovernorError(ContractRevertError):
    """EscrowGovernor refused the call (a revert string starting "governor: ")."""


class ListingsError(ContractRevertError):
    """ServiceListings refused the call (a revert string starting "listings: ")."""


class OffersError(ContractRevertError):
    """OfferBook refused the call (a revert string starting "offers: ")."""


class RegistryError(ContractRevertError):
    """AgentRegistry refused the call (a revert string starting "registry: ")."""


class ReputationError(ContractRevertError):
    """ReputationRegistry refused the call (a revert string starting "reputation: ")."""


class ResolverError(ContractRevertError):
    """DisputeResolver refused the call (a revert string starting "resolver: ", or its ruling
    scale module's "ruling: ").
    """


class PanelError(ContractRevertError):
    """ArbiterPanel refused the call (a revert string starting "panel: ")."""


class TabsError(ContractRevertError):
    """Tabs refused the call (a revert string starting "tabs: ")."""


class ValidationError(ContractRevertError):
    """ValidationRegistry refused the call (a revert string starting "validation: ")."""


class OwnableError(ContractRevertError):
    """snekmate's two-step ownership refused the call ("ownable: " or "ownable_2step: "):
    EscrowGovernor, ServiceListings and ArbiterPanel use it.
    """


class PausableError(ContractRevertError):
    """snekmate's pausable refused the call ("pausable: "): ServiceListings uses it."""


class EcdsaError(ContractRevertError):
    """snekmate's signature recovery refused a signature ("ecdsa: "): AgentRegistry and OfferBook
    use it.
    """


# ------------------------------------------------------------ causes shared by contracts


class AgentFrozen(ContractRevertError):
    """The same refusal from several contracts: "escrow: agent frozen", "listings: agent frozen",
    "offers: agent frozen", "resolver: agent frozen", "tabs: agent frozen",
    "validation: agent frozen".
    """


class AlreadyAnswered(ContractRevertError):
    """The same refusal from several contracts: "escrow: already answered",
    "resolver: already answered".
    """


class BadProvider(ContractRevertError):
    """The same refusal from several contracts: "escrow: bad provider", "listings: bad provider"."""


class BadSignature(ContractRevertError):
    """The same refusal from several contracts: "escrow: bad signature", "tabs: bad signature"."""


class EmptyEscrow(ContractRevertError):
    """The same refusal from several contracts: "governor: empty escrow",
    "resolver: empty escrow".
    """


class EmptyLink(ContractRevertError):
    """The same refusal from several contracts: "escrow: empty link", "offers: empty link",
    "tabs: empty link".
    """


class EmptyReceiver(ContractRevertError):
    """The same refusal from several contracts: "escrow: empty receiver",
    "resolver: empty receiver".
    """


class EvaluatorFeeAboveCap(ContractRevertError):
    """The same refusal from several contracts: "escrow: evaluator fee above cap",
    "listings: evaluator fee above cap".
    """


class EvaluatorIsAParty(ContractRevertError):
    """The same refusal from several contracts: "escrow: evaluator is a party",
    "listings: evaluator is a party".
    """


class NoEscrow(ContractRevertError):
    """The same refusal from several contracts: "reputation: no escrow", "validation: no escrow"."""


class NotAParty(ContractRevertError):
    """The same refusal from several contracts: "escrow: not a party", "resolver: not a party"."""


class NotClient(ContractRevertError):
    """The same refusal from several contracts: "escrow: not client", "tabs: not client"."""


class NotGuardian(ContractRevertError):
    """The same refusal from several contracts: "governor: not guardian",
    "listings: not guardian".
    """


class NotOpen(ContractRevertError):
    """The same refusal from several contracts: "listings: not open", "tabs: not open"."""


class NotProvider(ContractRevertError):
    """The same refusal from several contracts: "escrow: not provider", "listings: not provider",
    "offers: not provider", "tabs: not provider".
    """


class NothingOwed(ContractRevertError):
    """The same refusal from several contracts: "escrow: nothing owed", "resolver: nothing owed"."""


class PageTooLarge(ContractRevertError):
    """The same refusal from several contracts: "listings: page too large",
    "validation: page too large".
    """


class ResponseDeadlinePassed(ContractRevertError):
    """The same refusal from several contracts: "escrow: response deadline passed",
    "resolver: response deadline passed".
    """


class RulingOutOfRange(ContractRevertError):
    """The same refusal from several contracts: "panel: ruling out of range",
    "resolver: ruling out of range", "ruling: out of range".
    """


class ShareAboveAmount(ContractRevertError):
    """The same refusal from several contracts: "escrow: share above amount",
    "resolver: share above amount".
    """


class UnknownAgent(ContractRevertError):
    """The same refusal from several contracts: "escrow: unknown agent",
    "registry: unknown agent".
    """


class UnknownDispute(ContractRevertError):
    """The same refusal from several contracts: "panel: unknown dispute",
    "resolver: unknown dispute".
    """


# ------------------------------------------------------------ JobEscrow


class AcceptDeadlinePassed(EscrowError):
    """JobEscrow: "escrow: accept deadline passed"."""


class EscrowAgentFrozen(EscrowError, AgentFrozen):
    """JobEscrow: "escrow: agent frozen"."""


class EscrowAlreadyAnswered(EscrowError, AlreadyAnswered):
    """JobEscrow: "escrow: already answered"."""


class AlreadyRated(EscrowError):
    """JobEscrow: "escrow: already rated"."""


class BadClient(EscrowError):
    """JobEscrow: "escrow: bad client"."""


class BadDeliveryTime(EscrowError):
    """JobEscrow: "escrow: bad delivery time"."""


class BadOutcome(EscrowError):
    """JobEscrow: "escrow: bad outcome"."""


class BadPrice(EscrowError):
    """JobEscrow: "escrow: bad price"."""


class EscrowBadProvider(EscrowError, BadProvider):
    """JobEscrow: "escrow: bad provider"."""


class EscrowBadSignature(EscrowError, BadSignature):
    """JobEscrow: "escrow: bad signature"."""


class BondBackAboveBond(EscrowError):
    """JobEscrow: "escrow: bond back above bond"."""


class CannotReclaim(EscrowError):
    """JobEscrow: "escrow: cannot reclaim"."""


class ClientFrozen(EscrowError):
    """JobEscrow: "escrow: client frozen"."""


class DeadlineNotPassed(EscrowError):
    """JobEscrow: "escrow: deadline not passed"."""


class DeliveryDeadlinePassed(EscrowError):
    """JobEscrow: "escrow: delivery deadline passed"."""


class EscrowEmptyLink(EscrowError, EmptyLink):
    """JobEscrow: "escrow: empty link"."""


class EscrowEmptyReceiver(EscrowError, EmptyReceiver):
    """JobEscrow: "escrow: empty receiver"."""


class EscrowEvaluatorFeeAboveCap(EscrowError, EvaluatorFeeAboveCap):
    """JobEscrow: "escrow: evaluator fee above cap"."""


class EscrowEvaluatorIsAParty(EscrowError, EvaluatorIsAParty):
    """JobEscrow: "escrow: evaluator is a party"."""


class FeeOnTransfer(EscrowError):
    """JobEscrow: "escrow: fee-on-transfer"."""


class FinalPriceAbovePrice(EscrowError):
    """JobEscrow: "escrow: final price above price"."""


class InsufficientBalance(EscrowError):
    """JobEscrow: "escrow: insufficient balance"."""


class JobNotSettled(EscrowError):
    """JobEscrow: "escrow: job not settled"."""


class ListingChanged(EscrowError):
    """JobEscrow: "escrow: listing changed"."""


class ListingNotActive(EscrowError):
    """JobEscrow: "escrow: listing not active"."""


class NoReputation(EscrowError):
    """JobEscrow: "escrow: no reputation"."""


class EscrowNotAParty(EscrowError, NotAParty):
    """JobEscrow: "escrow: not a party"."""


class NotAccepted(EscrowError):
    """JobEscrow: "escrow: not accepted"."""


class EscrowNotClient(EscrowError, NotClient):
    """JobEscrow: "escrow: not client"."""


class NotDelivered(EscrowError):
    """JobEscrow: "escrow: not delivered"."""


class NotDisputed(EscrowError):
    """JobEscrow: "escrow: not disputed"."""


class NotEvaluator(EscrowError):
    """JobEscrow: "escrow: not evaluator"."""


class NotGovernor(EscrowError):
    """JobEscrow: "escrow: not governor"."""


class NotOffers(EscrowError):
    """JobEscrow: "escrow: not offers"."""


class NotPrincipal(EscrowError):
    """JobEscrow: "escrow: not principal"."""


class EscrowNotProvider(EscrowError, NotProvider):
    """JobEscrow: "escrow: not provider"."""


class NotReputation(EscrowError):
    """JobEscrow: "escrow: not reputation"."""


class NotRequested(EscrowError):
    """JobEscrow: "escrow: not requested"."""


class NotResolver(EscrowError):
    """JobEscrow: "escrow: not resolver"."""


class NotTabs(EscrowError):
    """JobEscrow: "escrow: not tabs"."""


class EscrowNothingOwed(EscrowError, NothingOwed):
    """JobEscrow: "escrow: nothing owed"."""


class NothingPaid(EscrowError):
    """JobEscrow: "escrow: nothing paid"."""


class OverJobCap(EscrowError):
    """JobEscrow: "escrow: over job cap"."""


class OverPeriodCap(EscrowError):
    """JobEscrow: "escrow: over period cap"."""


class Paused(EscrowError):
    """JobEscrow: "escrow: paused"."""


class ProviderFrozen(EscrowError):
    """JobEscrow: "escrow: provider frozen"."""


class EscrowResponseDeadlinePassed(EscrowError, ResponseDeadlinePassed):
    """JobEscrow: "escrow: response deadline passed"."""


class ReviewDeadlineNotPassed(EscrowError):
    """JobEscrow: "escrow: review deadline not passed"."""


class ReviewDeadlinePassed(EscrowError):
    """JobEscrow: "escrow: review deadline passed"."""


class SelfHire(EscrowError):
    """JobEscrow: "escrow: self hire"."""


class EscrowShareAboveAmount(EscrowError, ShareAboveAmount):
    """JobEscrow: "escrow: share above amount"."""


class TokenNotAllowed(EscrowError):
    """JobEscrow: "escrow: token not allowed"."""


class TooManyConfigs(EscrowError):
    """JobEscrow: "escrow: too many configs"."""


class TooManyJobsInBlock(EscrowError):
    """JobEscrow: "escrow: too many jobs in block"."""


class TooManyTokens(EscrowError):
    """JobEscrow: "escrow: too many tokens"."""


class TransferFailed(EscrowError):
    """JobEscrow: "escrow: transfer failed"."""


class EscrowUnknownAgent(EscrowError, UnknownAgent):
    """JobEscrow: "escrow: unknown agent"."""


class UnknownProvider(EscrowError):
    """JobEscrow: "escrow: unknown provider"."""


class ZeroAmount(EscrowError):
    """JobEscrow: "escrow: zero amount"."""


# ------------------------------------------------------------ EscrowGovernor


class BadBondFloor(GovernorError):
    """EscrowGovernor: "governor: bad bond floor"."""


class BadWindow(GovernorError):
    """EscrowGovernor: "governor: bad window"."""


class BondAboveCap(GovernorError):
    """EscrowGovernor: "governor: bond above cap"."""


class GovernorEmptyEscrow(GovernorError, EmptyEscrow):
    """EscrowGovernor: "governor: empty escrow"."""


class FeeAboveCap(GovernorError):
    """EscrowGovernor: "governor: fee above cap"."""


class NoArbitrator(GovernorError):
    """EscrowGovernor: "governor: no arbitrator"."""


class NoFeeRecipient(GovernorError):
    """EscrowGovernor: "governor: no fee recipient"."""


class NotAContract(GovernorError):
    """EscrowGovernor: "governor: not a contract"."""


class GovernorNotGuardian(GovernorError, NotGuardian):
    """EscrowGovernor: "governor: not guardian"."""


class WeightTooLarge(GovernorError):
    """EscrowGovernor: "governor: weight too large"."""


# ------------------------------------------------------------ ServiceListings


class ListingsAgentFrozen(ListingsError, AgentFrozen):
    """ServiceListings: "listings: agent frozen"."""


class ListingsBadProvider(ListingsError, BadProvider):
    """ServiceListings: "listings: bad provider"."""


class DeliveryTimeTooLong(ListingsError):
    """ServiceListings: "listings: delivery time too long"."""


class ListingsEvaluatorFeeAboveCap(ListingsError, EvaluatorFeeAboveCap):
    """ServiceListings: "listings: evaluator fee above cap"."""


class ListingsEvaluatorIsAParty(ListingsError, EvaluatorIsAParty):
    """ServiceListings: "listings: evaluator is a party"."""


class FeeWithoutEvaluator(ListingsError):
    """ServiceListings: "listings: fee without evaluator"."""


class NoToken(ListingsError):
    """ServiceListings: "listings: no token"."""


class NotActive(ListingsError):
    """ServiceListings: "listings: not active"."""


class ListingsNotGuardian(ListingsError, NotGuardian):
    """ServiceListings: "listings: not guardian"."""


class ListingsNotOpen(ListingsError, NotOpen):
    """ServiceListings: "listings: not open"."""


class NotPaused(ListingsError):
    """ServiceListings: "listings: not paused"."""


class ListingsNotProvider(ListingsError, NotProvider):
    """ServiceListings: "listings: not provider"."""


class ListingsPageTooLarge(ListingsError, PageTooLarge):
    """ServiceListings: "listings: page too large"."""


class PriceTooLarge(ListingsError):
    """ServiceListings: "listings: price too large"."""


class TooManyEdits(ListingsError):
    """ServiceListings: "listings: too many edits"."""


class ZeroDeliveryTime(ListingsError):
    """ServiceListings: "listings: zero delivery time"."""


class ZeroPrice(ListingsError):
    """ServiceListings: "listings: zero price"."""


# ------------------------------------------------------------ OfferBook


class OffersAgentFrozen(OffersError, AgentFrozen):
    """OfferBook: "offers: agent frozen"."""


class OffersEmptyLink(OffersError, EmptyLink):
    """OfferBook: "offers: empty link"."""


class NonceUsed(OffersError):
    """OfferBook: "offers: nonce used"."""


class OffersNotProvider(OffersError, NotProvider):
    """OfferBook: "offers: not provider"."""


class OfferExpired(OffersError):
    """OfferBook: "offers: offer expired"."""


class OfferNotForClient(OffersError):
    """OfferBook: "offers: offer not for client"."""


# ------------------------------------------------------------ AgentRegistry


class ApprovalToOwner(RegistryError):
    """AgentRegistry: "registry: approval to owner"."""


class ApproveToCaller(RegistryError):
    """AgentRegistry: "registry: approve to caller"."""


class CallerNotOwnerNorApproved(RegistryError):
    """AgentRegistry: "registry: caller not owner nor approved"."""


class CapTooLarge(RegistryError):
    """AgentRegistry: "registry: cap too large"."""


class DeadlineTooFar(RegistryError):
    """AgentRegistry: "registry: deadline too far"."""


class IdSpaceExhausted(RegistryError):
    """AgentRegistry: "registry: id space exhausted"."""


class InvalidWalletSignature(RegistryError):
    """AgentRegistry: "registry: invalid wallet signature"."""


class NotOwnerNorApproved(RegistryError):
    """AgentRegistry: "registry: not owner nor approved"."""


class NotOwnerNorApprovedForAll(RegistryError):
    """AgentRegistry: "registry: not owner nor approved for all"."""


class PeriodTooLong(RegistryError):
    """AgentRegistry: "registry: period too long"."""


class ReceiverRejectedToken(RegistryError):
    """AgentRegistry: "registry: receiver rejected token"."""


class ReservedKey(RegistryError):
    """AgentRegistry: "registry: reserved key"."""


class SignatureExpired(RegistryError):
    """AgentRegistry: "registry: signature expired"."""


class TransferFromIncorrectOwner(RegistryError):
    """AgentRegistry: "registry: transfer from incorrect owner"."""


class TransferToZeroAddress(RegistryError):
    """AgentRegistry: "registry: transfer to zero address"."""


class RegistryUnknownAgent(RegistryError, UnknownAgent):
    """AgentRegistry: "registry: unknown agent"."""


class ZeroAddress(RegistryError):
    """AgentRegistry: "registry: zero address"."""


class ZeroPeriod(RegistryError):
    """AgentRegistry: "registry: zero period"."""


class ZeroWallet(RegistryError):
    """AgentRegistry: "registry: zero wallet"."""


# ------------------------------------------------------------ ReputationRegistry


class ReputationNoEscrow(ReputationError, NoEscrow):
    """ReputationRegistry: "reputation: no escrow"."""


class NotEscrow(ReputationError):
    """ReputationRegistry: "reputation: not escrow"."""


class ScoreAbove100(ReputationError):
    """ReputationRegistry: "reputation: score above 100"."""


class SelfRating(ReputationError):
    """ReputationRegistry: "reputation: self rating"."""


class TagFiltersUnsupported(ReputationError):
    """ReputationRegistry: "reputation: tag filters unsupported"."""


class UnknownOutcome(ReputationError):
    """ReputationRegistry: "reputation: unknown outcome"."""


# ------------------------------------------------------------ DisputeResolver


class ResolverAgentFrozen(ResolverError, AgentFrozen):
    """DisputeResolver: "resolver: agent frozen"."""


class ResolverAlreadyAnswered(ResolverError, AlreadyAnswered):
    """DisputeResolver: "resolver: already answered"."""


class AlreadyDisputed(ResolverError):
    """DisputeResolver: "resolver: already disputed"."""


class AmountTooLarge(ResolverError):
    """DisputeResolver: "resolver: amount too large"."""


class ArbitrationDeadlineNotPassed(ResolverError):
    """DisputeResolver: "resolver: arbitration deadline not passed"."""


class DisputeClosed(ResolverError):
    """DisputeResolver: "resolver: dispute closed"."""


class ResolverEmptyEscrow(ResolverError, EmptyEscrow):
    """DisputeResolver: "resolver: empty escrow"."""


class ResolverEmptyReceiver(ResolverError, EmptyReceiver):
    """DisputeResolver: "resolver: empty receiver"."""


class EmptyRegistry(ResolverError):
    """DisputeResolver: "resolver: empty registry"."""


class FeeTooLarge(ResolverError):
    """DisputeResolver: "resolver: fee too large"."""


class IdTooLarge(ResolverError):
    """DisputeResolver: "resolver: id too large"."""


class NativeTransferFailed(ResolverError):
    """DisputeResolver: "resolver: native transfer failed"."""


class NoDispute(ResolverError):
    """DisputeResolver: "resolver: no dispute"."""


class NoProposal(ResolverError):
    """DisputeResolver: "resolver: no proposal"."""


class ResolverNotAParty(ResolverError, NotAParty):
    """DisputeResolver: "resolver: not a party"."""


class NotAnswered(ResolverError):
    """DisputeResolver: "resolver: not answered"."""


class NotEnoughGasForTheArbitrator(ResolverError):
    """DisputeResolver: "resolver: not enough gas for the arbitrator"."""


class ResolverNothingOwed(ResolverError, NothingOwed):
    """DisputeResolver: "resolver: nothing owed"."""


class ProposalMismatch(ResolverError):
    """DisputeResolver: "resolver: proposal mismatch"."""


class ResponseDeadlineNotPassed(ResolverError):
    """DisputeResolver: "resolver: response deadline not passed"."""


class ResolverResponseDeadlinePassed(ResolverError, ResponseDeadlinePassed):
    """DisputeResolver: "resolver: response deadline passed"."""


class ResolverRulingOutOfRange(ResolverError, RulingOutOfRange):
    """DisputeResolver: "resolver: ruling out of range"."""


class ResolverShareAboveAmount(ResolverError, ShareAboveAmount):
    """DisputeResolver: "resolver: share above amount"."""


class ResolverUnknownDispute(ResolverError, UnknownDispute):
    """DisputeResolver: "resolver: unknown dispute"."""


class WindowTooLong(ResolverError):
    """DisputeResolver: "resolver: window too long"."""


class WrongArbitrationFee(ResolverError):
    """DisputeResolver: "resolver: wrong arbitration fee"."""


class ScaleRulingOutOfRange(ResolverError, RulingOutOfRange):
    """DisputeResolver's ruling scale (contracts/modules/ruling.vy): "ruling: out of range"."""


# ------------------------------------------------------------ ArbiterPanel


class AlreadyVoted(PanelError):
    """ArbiterPanel: "panel: already voted"."""


class ArbiterIsAParty(PanelError):
    """ArbiterPanel: "panel: arbiter is a party"."""


class ArbitrableIsNotAContract(PanelError):
    """ArbiterPanel: "panel: arbitrable is not a contract"."""


class ChoicesOutOfRange(PanelError):
    """ArbiterPanel: "panel: choices out of range"."""


class DisputeSolved(PanelError):
    """ArbiterPanel: "panel: dispute solved"."""


class DuplicateArbiter(PanelError):
    """ArbiterPanel: "panel: duplicate arbiter"."""


class ExtraDataNotTwoAddresses(PanelError):
    """ArbiterPanel: "panel: extraData is not abi.encode(address,address)"."""


class ValueNotArbitrationCost(PanelError):
    """ArbiterPanel: "panel: msg.value must equal arbitrationCost (0)"."""


class NoAppeals(PanelError):
    """ArbiterPanel: "panel: no appeals"."""


class NoArbiters(PanelError):
    """ArbiterPanel: "panel: no arbiters"."""


class NotAnArbiter(PanelError):
    """ArbiterPanel: "panel: not an arbiter"."""


class QuorumOutOfRange(PanelError):
    """ArbiterPanel: "panel: quorum out of range"."""


class PanelRulingOutOfRange(PanelError, RulingOutOfRange):
    """ArbiterPanel: "panel: ruling out of range"."""


class PanelUnknownDispute(PanelError, UnknownDispute):
    """ArbiterPanel: "panel: unknown dispute"."""


class ZeroArbiter(PanelError):
    """ArbiterPanel: "panel: zero arbiter"."""


# ------------------------------------------------------------ Tabs


class AboveDeposit(TabsError):
    """Tabs: "tabs: above deposit"."""


class TabsAgentFrozen(TabsError, AgentFrozen):
    """Tabs: "tabs: agent frozen"."""


class AlreadyClosing(TabsError):
    """Tabs: "tabs: already closing"."""


class BadAmount(TabsError):
    """Tabs: "tabs: bad amount"."""


class BadDelay(TabsError):
    """Tabs: "tabs: bad delay"."""


class TabsBadSignature(TabsError, BadSignature):
    """Tabs: "tabs: bad signature"."""


class CloseDeadlineNotPassed(TabsError):
    """Tabs: "tabs: close deadline not passed"."""


class CloseDeadlinePassed(TabsError):
    """Tabs: "tabs: close deadline passed"."""


class Closing(TabsError):
    """Tabs: "tabs: closing"."""


class TabsEmptyLink(TabsError, EmptyLink):
    """Tabs: "tabs: empty link"."""


class KeyNoLongerTheClients(TabsError):
    """Tabs: "tabs: key no longer the client's"."""


class NotAboveRedeemed(TabsError):
    """Tabs: "tabs: not above redeemed"."""


class TabsNotClient(TabsError, NotClient):
    """Tabs: "tabs: not client"."""


class NotClosing(TabsError):
    """Tabs: "tabs: not closing"."""


class TabsNotOpen(TabsError, NotOpen):
    """Tabs: "tabs: not open"."""


class TabsNotProvider(TabsError, NotProvider):
    """Tabs: "tabs: not provider"."""


class NotTabSigner(TabsError):
    """Tabs: "tabs: not tab signer"."""


class TooManyTabsInBlock(TabsError):
    """Tabs: "tabs: too many tabs in block"."""


# ------------------------------------------------------------ ValidationRegistry


class ValidationAgentFrozen(ValidationError, AgentFrozen):
    """ValidationRegistry: "validation: agent frozen"."""


class AgentIdTooLarge(ValidationError):
    """ValidationRegistry: "validation: agent id too large"."""


class EmptyHash(ValidationError):
    """ValidationRegistry: "validation: empty hash"."""


class JobVerdictIsFinal(ValidationError):
    """ValidationRegistry: "validation: job verdict is final"."""


class ValidationNoEscrow(ValidationError, NoEscrow):
    """ValidationRegistry: "validation: no escrow"."""


class NoRegistry(ValidationError):
    """ValidationRegistry: "validation: no registry"."""


class NoValidator(ValidationError):
    """ValidationRegistry: "validation: no validator"."""


class NoVerdict(ValidationError):
    """ValidationRegistry: "validation: no verdict"."""


class NotOwnerOrOperator(ValidationError):
    """ValidationRegistry: "validation: not owner or operator"."""


class NotValidator(ValidationError):
    """ValidationRegistry: "validation: not validator"."""


class ValidationPageTooLarge(ValidationError, PageTooLarge):
    """ValidationRegistry: "validation: page too large"."""


class RequestExists(ValidationError):
    """ValidationRegistry: "validation: request exists"."""


class ResponseAbove100(ValidationError):
    """ValidationRegistry: "validation: response above 100"."""


class UnknownRequest(ValidationError):
    """ValidationRegistry: "validation: unknown request"."""


class VerdictPublished(ValidationError):
    """ValidationRegistry: "validation: verdict published"."""


# ------------------------------------------------------------ snekmate's ownable


class CallerIsNotTheOwner(OwnableError):
    """snekmate's ownable (EscrowGovernor, ServiceListings, ArbiterPanel):
    "ownable: caller is not the owner".
    """


class NewOwnerIsTheZeroAddress(OwnableError):
    """snekmate's ownable (EscrowGovernor, ServiceListings, ArbiterPanel):
    "ownable: new owner is the zero address".
    """


class CallerIsNotTheNewOwner(OwnableError):
    """snekmate's ownable_2step (EscrowGovernor, ServiceListings, ArbiterPanel):
    "ownable_2step: caller is not the new owner".
    """


# ------------------------------------------------------------ snekmate's pausable


class ContractIsNotPaused(PausableError):
    """snekmate's pausable (ServiceListings): "pausable: contract is not paused"."""


class ContractIsPaused(PausableError):
    """snekmate's pausable (ServiceListings): "pausable: contract is paused"."""


# ------------------------------------------------------------ snekmate's ecdsa


class InvalidSignature(EcdsaError):
    """snekmate's ecdsa (AgentRegistry, OfferBook): "ecdsa: invalid signature"."""


class InvalidSignatureSValue(EcdsaError):
    """snekmate's ecdsa (AgentRegistry, OfferBook): "ecdsa: invalid signature `s` value"."""


# ------------------------------------------------------------ lookup

REVERT_CLASSES: dict[str, type[ContractRevertError]] = {
    "escrow: accept deadline passed": AcceptDeadlinePassed,
    "escrow: agent frozen": EscrowAgentFrozen,
    "escrow: already answered": EscrowAlreadyAnswered,
    "escrow: already rated": AlreadyRated,
    "escrow: bad client": BadClient,
    "escrow: bad delivery time": BadDeliveryTime,
    "escrow: bad outcome": BadOutcome,
    "escrow: bad price": BadPrice,
    "escrow: bad provider": EscrowBadProvider,
    "escrow: bad signature": EscrowBadSignature,
    "escrow: bond back above bond": BondBackAboveBond,
    "escrow: cannot reclaim": CannotReclaim,
    "escrow: client frozen": ClientFrozen,
    "escrow: deadline not passed": DeadlineNotPassed,
    "escrow: delivery deadline passed": DeliveryDeadlinePassed,
    "escrow: empty link": EscrowEmptyLink,
    "escrow: empty receiver": EscrowEmptyReceiver,
    "escrow: evaluator fee above cap": EscrowEvaluatorFeeAboveCap,
    "escrow: evaluator is a party": EscrowEvaluatorIsAParty,
    "escrow: fee-on-transfer": FeeOnTransfer,
    "escrow: final price above price": FinalPriceAbovePrice,
    "escrow: insufficient balance": InsufficientBalance,
    "escrow: job not settled": JobNotSettled,
    "escrow: listing changed": ListingChanged,
    "escrow: listing not active": ListingNotActive,
    "escrow: no reputation": NoReputation,
    "escrow: not a party": EscrowNotAParty,
    "escrow: not accepted": NotAccepted,
    "escrow: not client": EscrowNotClient,
    "escrow: not delivered": NotDelivered,
    "escrow: not disputed": NotDisputed,
    "escrow: not evaluator": NotEvaluator,
    "escrow: not governor": NotGovernor,
    "escrow: not offers": NotOffers,
    "escrow: not principal": NotPrincipal,
    "escrow: not provider": EscrowNotProvider,
    "escrow: not reputation": NotReputation,
    "escrow: not requested": NotRequested,
    "escrow: not resolver": NotResolver,
    "escrow: not tabs": NotTabs,
    "escrow: nothing owed": EscrowNothingOwed,
    "escrow: nothing paid": NothingPaid,
    "escrow: over job cap": OverJobCap,
    "escrow: over period cap": OverPeriodCap,
    "escrow: paused": Paused,
    "escrow: provider frozen": ProviderFrozen,
    "escrow: response deadline passed": EscrowResponseDeadlinePassed,
    "escrow: review deadline not passed": ReviewDeadlineNotPassed,
    "escrow: review deadline passed": ReviewDeadlinePassed,
    "escrow: self hire": SelfHire,
    "escrow: share above amount": EscrowShareAboveAmount,
    "escrow: token not allowed": TokenNotAllowed,
    "escrow: too many configs": TooManyConfigs,
    "escrow: too many jobs in block": TooManyJobsInBlock,
    "escrow: too many tokens": TooManyTokens,
    "escrow: transfer failed": TransferFailed,
    "escrow: unknown agent": EscrowUnknownAgent,
    "escrow: unknown provider": UnknownProvider,
    "escrow: zero amount": ZeroAmount,
    "governor: bad bond floor": BadBondFloor,
    "governor: bad window": BadWindow,
    "governor: bond above cap": BondAboveCap,
    "governor: empty escrow": GovernorEmptyEscrow,
    "governor: fee above cap": FeeAboveCap,
    "governor: no arbitrator": NoArbitrator,
    "governor: no fee recipient": NoFeeRecipient,
    "governor: not a contract": NotAContract,
    "governor: not guardian": GovernorNotGuardian,
    "governor: weight too large": WeightTooLarge,
    "listings: agent frozen": ListingsAgentFrozen,
    "listings: bad provider": ListingsBadProvider,
    "listings: delivery time too long": DeliveryTimeTooLong,
    "listings: evaluator fee above cap": ListingsEvaluatorFeeAboveCap,
    "listings: evaluator is a party": ListingsEvaluatorIsAParty,
    "listings: fee without evaluator": FeeWithoutEvaluator,
    "listings: no token": NoToken,
    "listings: not active": NotActive,
    "listings: not guardian": ListingsNotGuardian,
    "listings: not open": ListingsNotOpen,
    "listings: not paused": NotPaused,
    "listings: not provider": ListingsNotProvider,
    "listings: page too large": ListingsPageTooLarge,
    "listings: price too large": PriceTooLarge,
    "listings: too many edits": TooManyEdits,
    "listings: zero delivery time": ZeroDeliveryTime,
    "listings: zero price": ZeroPrice,
    "offers: agent frozen": OffersAgentFrozen,
    "offers: empty link": OffersEmptyLink,
    "offers: nonce used": NonceUsed,
    "offers: not provider": OffersNotProvider,
    "offers: offer expired": OfferExpired,
    "offers: offer not for client": OfferNotForClient,
    "registry: approval to owner": ApprovalToOwner,
    "registry: approve to caller": ApproveToCaller,
    "registry: caller not owner nor approved": CallerNotOwnerNorApproved,
    "registry: cap too large": CapTooLarge,
    "registry: deadline too far": DeadlineTooFar,
    "registry: id space exhausted": IdSpaceExhausted,
    "registry: invalid wallet signature": InvalidWalletSignature,
    "registry: not owner nor approved": NotOwnerNorApproved,
    "registry: not owner nor approved for all": NotOwnerNorApprovedForAll,
    "registry: period too long": PeriodTooLong,
    "registry: receiver rejected token": ReceiverRejectedToken,
    "registry: reserved key": ReservedKey,
    "registry: signature expired": SignatureExpired,
    "registry: transfer from incorrect owner": TransferFromIncorrectOwner,
    "registry: transfer to zero address": TransferToZeroAddress,
    "registry: unknown agent": RegistryUnknownAgent,
    "registry: zero address": ZeroAddress,
    "registry: zero period": ZeroPeriod,
    "registry: zero wallet": ZeroWallet,
    "reputation: no escrow": ReputationNoEscrow,
    "reputation: not escrow": NotEscrow,
    "reputation: score above 100": ScoreAbove100,
    "reputation: self rating": SelfRating,
    "reputation: tag filters unsupported": TagFiltersUnsupported,
    "reputation: unknown outcome": UnknownOutcome,
    "resolver: agent frozen": ResolverAgentFrozen,
    "resolver: already answered": ResolverAlreadyAnswered,
    "resolver: already disputed": AlreadyDisputed,
    "resolver: amount too large": AmountTooLarge,
    "resolver: arbitration deadline not passed": ArbitrationDeadlineNotPassed,
    "resolver: dispute closed": DisputeClosed,
    "resolver: empty escrow": ResolverEmptyEscrow,
    "resolver: empty receiver": ResolverEmptyReceiver,
    "resolver: empty registry": EmptyRegistry,
    "resolver: fee too large": FeeTooLarge,
    "resolver: id too large": IdTooLarge,
    "resolver: native transfer failed": NativeTransferFailed,
    "resolver: no dispute": NoDispute,
    "resolver: no proposal": NoProposal,
    "resolver: not a party": ResolverNotAParty,
    "resolver: not answered": NotAnswered,
    "resolver: not enough gas for the arbitrator": NotEnoughGasForTheArbitrator,
    "resolver: nothing owed": ResolverNothingOwed,
    "resolver: proposal mismatch": ProposalMismatch,
    "resolver: response deadline not passed": ResponseDeadlineNotPassed,
    "resolver: response deadline passed": ResolverResponseDeadlinePassed,
    "resolver: ruling out of range": ResolverRulingOutOfRange,
    "resolver: share above amount": ResolverShareAboveAmount,
    "resolver: unknown dispute": ResolverUnknownDispute,
    "resolver: window too long": WindowTooLong,
    "resolver: wrong arbitration fee": WrongArbitrationFee,
    "ruling: out of range": ScaleRulingOutOfRange,
    "panel: already voted": AlreadyVoted,
    "panel: arbiter is a party": ArbiterIsAParty,
    "panel: arbitrable is not a contract": ArbitrableIsNotAContract,
    "panel: choices out of range": ChoicesOutOfRange,
    "panel: dispute solved": DisputeSolved,
    "panel: duplicate arbiter": DuplicateArbiter,
    "panel: extraData is not abi.encode(address,address)": ExtraDataNotTwoAddresses,
    "panel: msg.value must equal arbitrationCost (0)": ValueNotArbitrationCost,
    "panel: no appeals": NoAppeals,
    "panel: no arbiters": NoArbiters,
    "panel: not an arbiter": NotAnArbiter,
    "panel: quorum out of range": QuorumOutOfRange,
    "panel: ruling out of range": PanelRulingOutOfRange,
    "panel: unknown dispute": PanelUnknownDispute,
    "panel: zero arbiter": ZeroArbiter,
    "tabs: above deposit": AboveDeposit,
    "tabs: agent frozen": TabsAgentFrozen,
    "tabs: already closing": AlreadyClosing,
    "tabs: bad amount": BadAmount,
    "tabs: bad delay": BadDelay,
    "tabs: bad signature": TabsBadSignature,
    "tabs: close deadline not passed": CloseDeadlineNotPassed,
    "tabs: close deadline passed": CloseDeadlinePassed,
    "tabs: closing": Closing,
    "tabs: empty link": TabsEmptyLink,
    "tabs: key no longer the client's": KeyNoLongerTheClients,
    "tabs: not above redeemed": NotAboveRedeemed,
    "tabs: not client": TabsNotClient,
    "tabs: not closing": NotClosing,
    "tabs: not open": TabsNotOpen,
    "tabs: not provider": TabsNotProvider,
    "tabs: not tab signer": NotTabSigner,
    "tabs: too many tabs in block": TooManyTabsInBlock,
    "validation: agent frozen": ValidationAgentFrozen,
    "validation: agent id too large": AgentIdTooLarge,
    "validation: empty hash": EmptyHash,
    "validation: job verdict is final": JobVerdictIsFinal,
    "validation: no escrow": ValidationNoEscrow,
    "validation: no registry": NoRegistry,
    "validation: no validator": NoValidator,
    "validation: no verdict": NoVerdict,
    "validation: not owner or operator": NotOwnerOrOperator,
    "validation: not validator": NotValidator,
    "validation: page too large": ValidationPageTooLarge,
    "validation: request exists": RequestExists,
    "validation: response above 100": ResponseAbove100,
    "validation: unknown request": UnknownRequest,
    "validation: verdict published": VerdictPublished,
    "ownable: caller is not the owner": CallerIsNotTheOwner,
    "ownable: new owner is the zero address": NewOwnerIsTheZeroAddress,
    "ownable_2step: caller is not the new owner": CallerIsNotTheNewOwner,
    "pausable: contract is not paused": ContractIsNotPaused,
    "pausable: contract is paused": ContractIsPaused,
    "ecdsa: invalid signature": InvalidSignature,
    "ecdsa: invalid signature `s` value": InvalidSignatureSValue,
}
"""Each revert string of the contracts (and of the snekmate modules they use) to its class."""

# A string this client does not know (a newer contract) with a known contract's
# prefix still gets that contract's base.
CONTRACT_BASES: dict[str, type[ContractRevertError]] = {
    "escrow": EscrowError,
    "governor": GovernorError,
    "listings": ListingsError,
    "offers": OffersError,
    "registry": RegistryError,
    "reputation": ReputationError,
    "resolver": ResolverError,
    "ruling": ResolverError,
    "panel": PanelError,
    "tabs": TabsError,
    "validation": ValidationError,
    "ownable": OwnableError,
    "ownable_2step": OwnableError,
    "pausable": PausableError,
    "ecdsa": EcdsaError,
}


def revert_error(reason: str) -> ContractRevertError:
    """The exception for a revert string: its class in `REVERT_CLASSES`, else the base of the
    contract its prefix names, else a plain ContractRevertError (a token's revert, say)."""
    cls = REVERT_CLASSES.get(reason) or CONTRACT_BASES.get(reason.partition(":")[0])
    return (cls or ContractRevertError)(reason)

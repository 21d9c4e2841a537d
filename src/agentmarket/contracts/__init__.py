"""One typed client per contract, each over web3.py and the package's ABIs:

| module | contract | client |
|---|---|---|
| `registry` | AgentRegistry | `AgentRegistryClient` (identity, operator, spend policy) |
| `listings` | ServiceListings | `ListingsClient` |
| `escrow` | JobEscrow | `EscrowClient` (ledger and job state machine) |
| `offers` | OfferBook | signed offers (`sign_offer`), hired through the escrow |
| `tabs` | Tabs | `TabsClient`, vouchers (`VoucherSigner`, `VoucherVerifier`) |
| `disputes` | DisputeResolver, ArbiterPanel | `DisputeClient`, `PanelClient` |
| `reputation` | ReputationRegistry | `ReputationClient` |
| `validation` | ValidationRegistry | `ValidationClient` (ERC-8004 validation) |
| `evaluation` | a job's evaluator | `EvaluatorClient` (approve, reject) |
| `governor` | EscrowGovernor | `GovernorClient` |
| `token` | an ERC-20 | `TokenClient` |
"""

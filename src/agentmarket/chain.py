"""Connections to a chain: a JSON-RPC URL, or the in-process eth-tester chain.

Transactions are signed locally with the caller's key (no node-side accounts),
sent, and awaited with a timeout; a revert surfaces as the revert string's own
ContractRevertError subclass (`agentmarket.reverts`), carrying the string.

The in-process chain needs eth-tester and py-evm, the `memory` extra; they are
imported only when "memory" is asked for, so a client of a JSON-RPC node runs
without them.
"""

from __future__ import annotations

import sys
import threading
import warnings
from dataclasses import dataclass
from typing import Any, cast

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, TimeExhausted, Web3Exception
from web3.providers.base import BaseProvider
from web3.types import TxParams, TxReceipt

from agentmarket.errors import AgentMarketError, TransactionTimeoutError
from agentmarket.reverts import revert_error

IN_PROCESS = "memory"
DEFAULT_RECEIPT_TIMEOUT = 120.0
# The validator's tip when the node suggests none (wei per gas: 1 gwei).
DEFAULT_PRIORITY_FEE = 10**9
NEEDS_MEMORY_EXTRA = "the in-process chain needs the extra: pip install 'agentmarket[memory]'"


def connect(url: str = IN_PROCESS) -> Web3:
    """Connect to `url` (http(s):// or ws://), or start an in-process chain for "memory"."""
    if url == IN_PROCESS:
        return Web3(in_process_provider())
    if url.startswith(("ws://", "wss://")):
        raise ValueError("use an http(s) JSON-RPC URL; websockets are not supported by this client")
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
    if not w3.is_connected():
        raise ConnectionError(f"no JSON-RPC node answers at {url}")
    return w3


def in_process_provider() -> BaseProvider:
    """A fresh eth-tester chain on py-evm; AgentMarketError if the `memory` extra is missing."""
    try:
        from eth_tester import EthereumTester, PyEVMBackend
        from eth_tester.exceptions import BackendDistributionNotFound
        from web3 import EthereumTesterProvider
    except ImportError as exc:
        raise AgentMarketError(NEEDS_MEMORY_EXTRA) from exc
    try:
        backend = PyEVMBackend()
    except (ImportError, BackendDistributionNotFound) as exc:  # eth-tester without py-evm
        raise AgentMarketError(NEEDS_MEMORY_EXTRA) from exc
    provider: BaseProvider = _serialised(EthereumTesterProvider)(EthereumTester(backend))
    return provider


def _serialised(base: type[Any]) -> type[Any]:
    """`base` (eth-tester's provider) answering one request at a time: py-evm is not
    thread-safe, and an agent runtime or a client calls the chain from worker threads."""

    class SerialisedProvider(base):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.lock = threading.RLock()

        def make_request(self, method: Any, params: Any) -> Any:
            with self.lock:
                return super().make_request(method, params)

    return SerialisedProvider


def funded_test_accounts(w3: Web3, count: int = 10) -> list[LocalAccount]:
    """Keys of the accounts the in-process chain funds at genesis."""
    backend = w3.provider.ethereum_tester.backend  # type: ignore[attr-defined]
    keys = backend.account_keys[:count]
    return [Account.from_key(k.to_bytes()) for k in keys]


def time_travel(w3: Web3, timestamp: int) -> None:
    """Move the in-process chain's clock to `timestamp` and mine a block there."""
    provider = w3.provider
    tester = provider.ethereum_tester  # type: ignore[attr-defined]
    with getattr(provider, "lock", threading.RLock()):
        tester.time_travel(timestamp)
        tester.mine_blocks(1)


def refusals() -> tuple[type[Exception], ...]:
    """What a refused call raises: web3's ContractLogicError over JSON-RPC, and the
    in-process provider's own TransactionFailed once eth-tester is loaded (no
    in-process chain runs before it is)."""
    tester = sys.modules.get("eth_tester.exceptions")
    if tester is None:
        return (ContractLogicError,)
    return (ContractLogicError, tester.TransactionFailed)


def revert_reason(exc: Exception) -> str:
    """The revert string of a failed call, without web3's "execution reverted: " prefix."""
    message = getattr(exc, "message", None) or str(exc)
    for prefix in ("execution reverted: ", "execution reverted:"):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


@dataclass
class Signer:
    """A local key that signs and sends transactions on one connection.

    Fees (EIP-1559): the tip is `priority_fee` if set, else the node's
    suggestion (`eth_maxPriorityFeePerGas`, or web3's fee-history estimate),
    else 1 gwei; the cap is twice the latest base fee plus the tip. On an L2,
    where tips are a fraction of a gwei, the node's suggestion keeps an agent
    that sends many small transactions from overpaying."""

    w3: Web3
    account: LocalAccount
    receipt_timeout: float = DEFAULT_RECEIPT_TIMEOUT
    priority_fee: int | None = None

    @property
    def address(self) -> str:
        return str(self.account.address)

    def send(self, tx: dict[str, Any]) -> TxReceipt:
        """Fill, sign and send a transaction; wait for its receipt."""
        tx.setdefault("from", self.address)
        tx.setdefault("chainId", self.w3.eth.chain_id)
        tx.setdefault("nonce", self.w3.eth.get_transaction_count(self.account.address, "pending"))
        if "gas" not in tx:
            try:
                tx["gas"] = int(self.w3.eth.estimate_gas(tx) * 1.2) + 10_000  # type: ignore[arg-type]
            except refusals() as exc:
                raise revert_error(revert_reason(exc)) from exc
        if "maxFeePerGas" not in tx and "gasPrice" not in tx:
            base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
            tip = self.tip()
            tx["maxPriorityFeePerGas"] = tip
            tx["maxFeePerGas"] = 2 * int(base) + tip
        signed = self.account.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=self.receipt_timeout
            )
        except TimeExhausted as exc:
            raise TransactionTimeoutError(tx_hash.to_0x_hex(), self.receipt_timeout) from exc
        if receipt["status"] != 1:
            raise revert_error(self._replay_reason(tx, receipt))
        return receipt

    def tip(self) -> int:
        """The priority fee (wei per gas) this signer offers now."""
        if self.priority_fee is not None:
            return self.priority_fee
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # web3 warns when it falls back to fee history
                return int(self.w3.eth.max_priority_fee)
        except Web3Exception:
            return DEFAULT_PRIORITY_FEE

    def transact(self, fn: ContractFunction, value: int = 0) -> TxReceipt:
        """Call a contract function in a transaction; revert strings become exceptions."""
        try:
            params = cast(TxParams, {"from": self.address, "value": value, "gas": 0})
            tx = fn.build_transaction(params)
        except refusals() as exc:
            raise revert_error(revert_reason(exc)) from exc
        # web3 fills its own gas and fees; `send` applies this signer's policy.
        for filled in ("gas", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice"):
            tx.pop(filled, None)  # type: ignore[misc]
        return self.send(dict(tx))

    def _replay_reason(self, tx: dict[str, Any], receipt: TxReceipt) -> str:
        call = {k: tx[k] for k in ("from", "to", "data", "value") if k in tx}
        try:
            self.w3.eth.call(call, receipt["blockNumber"] - 1)  # type: ignore[arg-type]
        except refusals() as exc:
            return revert_reason(exc)
        return "transaction reverted without a reason"

"""Python exceptions for every way a call to the protocol can fail."""

from __future__ import annotations


class AgentMarketError(Exception):
    """Base of every error the client raises."""


class ContractRevertError(AgentMarketError):
    """A contract refused the call; `reason` is its revert string, e.g. "escrow: not client".

    The client raises the string's own subclass (`agentmarket.reverts`: `NotClient`,
    `EscrowError`, ...); this class itself only for a string no contract of the protocol has."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransactionTimeoutError(AgentMarketError):
    """No receipt arrived within the timeout; the transaction may still be mined."""

    def __init__(self, tx_hash: str, timeout: float) -> None:
        super().__init__(f"no receipt for {tx_hash} after {timeout:g} s; it may still be mined")
        self.tx_hash = tx_hash
        self.timeout = timeout


class DeploymentError(AgentMarketError):
    """The deployment record is missing or does not match the chain."""

"""A minimal ERC-20 client for payment tokens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from web3 import Web3
from web3.types import TxReceipt

from agentmarket.artifacts import ArtifactMissingError, load_artifact
from agentmarket.chain import Signer

ERC20_ABI: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": name,
        "stateMutability": mutability,
        "inputs": [{"name": n, "type": t} for n, t in inputs],
        "outputs": [{"name": "", "type": out}],
    }
    for name, mutability, inputs, out in (
        ("balanceOf", "view", [("owner", "address")], "uint256"),
        ("allowance", "view", [("owner", "address"), ("spender", "address")], "uint256"),
        ("decimals", "view", [], "uint8"),
        ("symbol", "view", [], "string"),
        ("approve", "nonpayable", [("spender", "address"), ("amount", "uint256")], "bool"),
        ("transfer", "nonpayable", [("receiver", "address"), ("amount", "uint256")], "bool"),
    )
]


class TokenClient:
    """The few ERC-20 calls a payment token needs: balances, decimals, approvals."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = w3.eth.contract(address=Web3.to_checksum_address(address), abi=ERC20_ABI)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def balance(self, owner: str) -> int:
        return int(self.contract.functions.balanceOf(Web3.to_checksum_address(owner)).call())

    def allowance(self, owner: str, spender: str) -> int:
        fn = self.contract.functions.allowance(
            Web3.to_checksum_address(owner), Web3.to_checksum_address(spender)
        )
        return int(fn.call())

    def decimals(self) -> int:
        return int(self.contract.functions.decimals().call())

    def symbol(self) -> str:
        try:
            return str(self.contract.functions.symbol().call())
        except Exception:  # symbol() is optional in ERC-20
            return "?"

    def approve(self, signer: Signer, spender: str, amount: int) -> TxReceipt:
        fn = self.contract.functions.approve(Web3.to_checksum_address(spender), amount)
        return signer.transact(fn)

    def ensure_allowance(self, signer: Signer, spender: str, amount: int) -> TxReceipt | None:
        """Approve `spender` for `amount` unless the allowance already covers it."""
        if self.allowance(signer.address, spender) >= amount:
            return None
        return self.approve(signer, spender, amount)


def deploy_demo_token(
    signer: Signer,
    holders: Iterable[str] = (),
    amount: int = 0,
    *,
    name: str = "Demo USD",
    symbol: str = "DUSD",
    decimals: int = 18,
) -> TokenClient:
    """Deploy DemoToken (`contracts/demo/DemoToken.vy`) and mint `amount` of
    its smallest units to each holder.

    Anyone may mint DemoToken: it is for demos, tests, benchmarks and
    testnets, never for value. The signer pays for the deployment and the
    mints; the escrow still has to allow the token (`EscrowClient.set_token`).
    """
    art = load_artifact("DemoToken")
    factory = signer.w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    tx = factory.constructor(name, symbol, decimals).build_transaction(
        {"from": signer.address, "gas": 0}
    )
    del tx["gas"]  # the signer estimates it
    address = signer.send(dict(tx))["contractAddress"]
    if address is None:
        raise ArtifactMissingError("DemoToken: deployment receipt has no contract address")
    minter = signer.w3.eth.contract(address=address, abi=art.abi)
    for holder in holders:
        signer.transact(minter.functions.mint(Web3.to_checksum_address(holder), amount))
    return TokenClient(signer.w3, str(address))

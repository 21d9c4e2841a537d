"""The in-process chain is an extra: the client runs without eth-tester and py-evm.

Each test runs a fresh interpreter in which importing eth-tester or py-evm (`eth`)
fails, as in an install without `agentmarket[memory]`.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from eth_account import Account

# anvil's first dev accounts come from this public test mnemonic; the last one
# is used here so that no other test's deployer nonce moves.
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"

WITHOUT_THE_EXTRA = """
import importlib.abc
import sys


class WithoutTheExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("eth_tester", "eth"):
            raise ImportError(f"No module named {name!r} (blocked by the test)")
        return None


sys.meta_path.insert(0, WithoutTheExtra())
"""


def _run(script: str, *args: str) -> str:
    code = WITHOUT_THE_EXTRA + textwrap.dedent(script)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_package__imports_without_the_extra() -> None:
    """Every module of the installed package imports (the benchmarks live in tools/)."""
    out = _run(
        """
        import importlib, pkgutil
        import agentmarket

        refused = []
        for module in pkgutil.walk_packages(agentmarket.__path__, "agentmarket."):
            try:
                importlib.import_module(module.name)
            except ImportError as exc:
                assert "blocked by the test" in str(exc), (module.name, exc)
                refused.append(module.name)
        assert not refused, refused
        loaded = [m for m in sys.modules if m.split(".")[0] in ("eth_tester", "eth")]
        assert not loaded, loaded
        print("ok", len(refused))
        """
    )
    assert out.startswith("ok")


def test_the_in_process_chain__without_the_extra__says_which_extra() -> None:
    out = _run(
        """
        from agentmarket.chain import IN_PROCESS, connect
        from agentmarket.errors import AgentMarketError

        try:
            connect(IN_PROCESS)
        except AgentMarketError as exc:
            print(exc)
        """
    )
    assert out.strip() == (
        "the in-process chain needs the extra: pip install 'agentmarket[memory]'"
    )


@pytest.mark.integration
def test_a_json_rpc_client__deploys_and_gets_typed_errors_without_the_extra(
    anvil_url: str,
) -> None:
    Account.enable_unaudited_hdwallet_features()
    deployer = Account.from_mnemonic(ANVIL_MNEMONIC, account_path="m/44'/60'/0'/0/9")
    out = _run(
        """
        from eth_account import Account

        from agentmarket.chain import Signer, connect
        from agentmarket.contracts.governor import GovernorClient
        from agentmarket.contracts.escrow import EscrowClient
        from agentmarket.reverts import FeeAboveCap, GovernorError
        from agentmarket.deployment import ProtocolParams, Web3Deployer, deploy_protocol

        w3 = connect(sys.argv[1])
        governance = Signer(w3, Account.from_key(sys.argv[2]))
        params = ProtocolParams(
            governance=governance.address, arbiters=(governance.address,), quorum=1
        )
        record = deploy_protocol(
            Web3Deployer(governance), "anvil", w3.eth.chain_id, governance.address, params
        )
        escrow = EscrowClient(w3, record.address("JobEscrow"))
        governor = GovernorClient(w3, record.address("EscrowGovernor"))
        try:
            governor.add_config(governance, {**escrow.config(), "fee_bps": 1_001})
        except FeeAboveCap as exc:
            assert isinstance(exc, GovernorError)
            print(exc.reason)
        loaded = [m for m in sys.modules if m.split(".")[0] in ("eth_tester", "eth")]
        assert not loaded, loaded
        """,
        anvil_url,
        "0x" + bytes(deployer.key).hex(),
    )
    assert out.strip() == "governor: fee above cap"

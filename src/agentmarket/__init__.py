"""AgentMarket: a thin, typed web3.py client for the AgentMarket contracts."""

from agentmarket.artifacts import Artifact, load_artifact

__all__ = ["Artifact", "load_artifact"]
__version__ = "0.1.0"

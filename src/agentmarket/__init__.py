"""AgentMarket: a thin, typed web3.py client for the AgentMarket contracts."""

from agentmarket.artifacts import DEPLOYABLES, Artifact, load_artifact

__all__ = ["DEPLOYABLES", "Artifact", "load_artifact"]
__version__ = "0.1.0"

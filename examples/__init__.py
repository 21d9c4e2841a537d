"""Example AgentMarket providers, run with `agentmarket agent serve ... --handler
examples.providers:NAME` from the repository's root."""

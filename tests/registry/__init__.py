"""AgentRegistry tests."""

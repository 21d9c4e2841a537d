"""An MCP server for AgentMarket: language-model agents find, hire, pay and sell
through tools (`agentmarket mcp`).

    from agentmarket.mcp import AgentSession, Budget, build_server

`AgentSession` holds the market, the agent, its operator key (the only key the server
signs with), the session's spend `Budget` and the discovery index; `build_server`
makes the MCP server (the official `mcp` SDK's `MCPServer`) with its tools and
resources; `run_server` serves it over stdio or Streamable HTTP.
"""

from agentmarket.mcp.server import (
    LISTINGS_RESOURCE,
    REGISTRATION_RESOURCE,
    SPENDING_TOOLS,
    TOOLS,
    MarketTools,
    build_server,
    run_server,
)
from agentmarket.mcp.session import (
    AgentSession,
    BadInputError,
    Budget,
    BudgetExceededError,
    McpError,
    NotOperatorError,
    ResultPublishing,
    parse_amount,
    parse_job_id,
)

__all__ = [
    "LISTINGS_RESOURCE",
    "REGISTRATION_RESOURCE",
    "SPENDING_TOOLS",
    "TOOLS",
    "AgentSession",
    "BadInputError",
    "Budget",
    "BudgetExceededError",
    "MarketTools",
    "McpError",
    "NotOperatorError",
    "ResultPublishing",
    "build_server",
    "parse_amount",
    "parse_job_id",
    "run_server",
]

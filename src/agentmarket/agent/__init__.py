"""Agents that run themselves: ERC-8004 registration files (`registration`), signed
task orders (`tasks`), the provider runtime behind an A2A server and the client
flow that hires, sends the task, checks the result and pays."""

"""The structured results of the MCP tools (their output schemas).

Amounts and job ids are uint256 values, too large for a JSON number that a JavaScript
host would read exactly, so they travel as decimal strings; small counts and ids
(agent and listing ids, scores, seconds) are integers.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Spend(BaseModel):
    """What a spending tool committed and what the session may still commit."""

    committed: str = Field(description="Base units this call committed (price or dispute bond).")
    session_committed: str = Field(description="Base units this server session has committed.")
    remaining_budget: str = Field(
        description="Base units this session may still commit (--max-spend less what it has)."
    )


class Service(BaseModel):
    """One active listing that answers a discovery query."""

    listing_id: int = Field(description="The listing to hire (hire's listing_id).")
    provider_id: int = Field(description="The provider agent's id.")
    token: str = Field(description="The payment token's address.")
    price: str = Field(description="Price in the token's base units.")
    max_delivery_time: int = Field(description="Seconds the provider has to deliver.")
    score: int = Field(description="Provider's value-weighted rating, hundredths (8750 = 87.50).")
    jobs: int = Field(description="Provider's settled jobs.")
    completed: int = Field(description="Provider's completed (paid) jobs.")
    evaluator: str | None = Field(description="Evaluator of the listing's jobs, if any.")


class Services(BaseModel):
    services: list[Service] = Field(description="Matching listings, best score first.")


class ListingInfo(BaseModel):
    listing_id: int
    tag: str = Field(description="The tag's keccak256 (0x-hex).")
    token: str
    price: str = Field(description="Base units.")
    max_delivery_time: int = Field(description="Seconds.")
    version: int
    state: str = Field(description="active, paused or closed.")


class ReputationInfo(BaseModel):
    completed: int
    failed: int
    refunded: int
    disputes_won: int
    disputes_lost: int
    jobs: int
    volume: str = Field(description="Value of settled jobs, base units.")
    rating_count: int
    average_score: int = Field(description="Value-weighted, hundredths (8750 = 87.50).")


class AgentInfo(BaseModel):
    agent_id: int
    owner: str = Field(description="The principal: the agent token's owner.")
    operator: str = Field(description="The operator: the agent's hot key.")
    frozen: bool
    uri: str = Field(description="The agent URI (its registration file).")
    reputation: ReputationInfo
    listings: list[ListingInfo] = Field(description="Active listings.")
    registration: dict[str, Any] | None = Field(
        description="The registration file, fetched and checked against the chain (http(s) "
        "and data: URIs only); null when it could not be."
    )
    registration_verified: bool = Field(description="Whether the file checked out.")
    registration_problem: str | None = Field(description="Why the file was not verified.")


class Hired(BaseModel):
    job_id: str = Field(description="The job id (decimal): pass it to job_status.")
    provider_id: int
    listing_id: int | None
    token: str
    price: str = Field(description="Locked price, base units.")
    status: str = Field(description="The job's status after the task was sent.")
    spend: Spend


class JobInfo(BaseModel):
    job_id: str
    client_id: int
    provider_id: int
    token: str
    price: str = Field(description="The job's amount, base units.")
    status: str = Field(
        description="requested, accepted, delivered, completed, refunded, disputed, "
        "rejected or resolved."
    )
    deadline: int = Field(description="Unix time of the current step's deadline.")
    delivered: bool = Field(description="Whether a result was delivered (get_result works).")
    result_hash: str | None = Field(description="keccak256 of the delivered result.")
    result_uri: str | None = Field(description="Where the delivered result is.")


class Result(BaseModel):
    job_id: str
    result: str = Field(description="The result (UTF-8 text).")
    result_hash: str = Field(description="keccak256, equal to the hash delivered on-chain.")
    result_uri: str
    verified: bool = Field(description="Always true: a mismatch is refused as an error.")


class Settled(BaseModel):
    job_id: str
    status: str = Field(description="The job's status after the call.")
    tx_hash: str


class Disputed(BaseModel):
    job_id: str
    status: str
    tx_hash: str
    evidence: list[str] = Field(description="Evidence URIs filed with the dispute.")
    spend: Spend


class Rated(BaseModel):
    job_id: str
    score: int
    tx_hash: str


class Balance(BaseModel):
    agent_id: int
    token: str
    free_balance: str = Field(description="The agent's free balance in the escrow, base units.")
    per_job_cap: str = Field(description="The operator's per-commitment cap (principal's policy).")
    period_cap: str = Field(description="The operator's cap per period.")
    period: int = Field(description="The cap's period, seconds.")
    period_committed: str = Field(description="Committed in the current period.")
    frozen: bool
    session_committed: str
    remaining_budget: str = Field(description="What this MCP session may still commit.")


class MyJob(BaseModel):
    job_id: str
    role: str = Field(description="provider or client.")
    client_id: int
    provider_id: int
    listing_id: int
    token: str
    price: str
    status: str


class MyJobs(BaseModel):
    jobs: list[MyJob] = Field(description="Newest first.")


class Delivered(BaseModel):
    job_id: str
    status: str
    result_hash: str
    result_uri: str
    tx_hash: str


class Listed(BaseModel):
    listing_id: int
    tag: str
    token: str
    price: str
    delivery_time: int

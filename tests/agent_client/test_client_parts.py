"""The client flow's pure parts: where an agent card lives, evidence packed into the
resolver's 512-byte URIs, and the sync API refusing to nest event loops."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from agentmarket.agent.client import (
    MAX_EVIDENCE_URI,
    ClientAgent,
    ClientAgentError,
    card_location,
    data_uri,
    evidence_uris,
    read_data_uri,
)
from agentmarket.agent.registration import RegistrationError


def test_card_location__card_url_or_base_url() -> None:
    assert card_location("http://127.0.0.1:8700/.well-known/agent-card.json") == (
        "http://127.0.0.1:8700",
        "/.well-known/agent-card.json",
    )
    assert card_location("https://agents.example/upper/") == (
        "https://agents.example/upper",
        "/.well-known/agent-card.json",
    )
    with pytest.raises(RegistrationError, match="not an http"):
        card_location("ipfs://bafy/card.json")


def test_data_uri__round_trips_and_stays_readable() -> None:
    doc = {"kind": "k", "text": 'quotes " and {braces}', "n": None}
    uri = data_uri(doc)
    assert uri.startswith("data:application/json,") and " " not in uri
    assert read_data_uri(uri) == doc


def test_evidence_uris__packed_under_the_resolver_limit_in_order() -> None:
    fields: dict[str, Any] = {
        "problem": "the result does not match its delivered hash",
        "expectedHash": "0x" + "ab" * 32,
        "fetchedHash": "0x" + "cd" * 32,
        "inputHash": "0x" + "ef" * 32,
        "orderSignature": "0x" + "12" * 65,
        "resultUri": "https://provider.example/results/0x" + "ab" * 32,
        "huge": "z" * 2_000,
    }
    job_id = 2**200 + 7
    uris = evidence_uris("agentmarket/result-dispute", job_id, fields)
    docs = [read_data_uri(u) for u in uris]
    assert all(len(u.encode()) <= MAX_EVIDENCE_URI for u in uris)
    assert [d["part"] for d in docs] == list(range(1, len(docs) + 1))
    assert all(d["jobId"] == str(job_id) for d in docs)
    merged = {k: v for d in docs for k, v in d.items()}
    for name in list(fields)[:-1]:
        assert merged[name] == fields[name]
    assert fields["huge"].startswith(merged["huge"])  # cut to fit, never dropped


def test_sync_hire_inside_an_event_loop__refused_with_a_pointer_to_hire_async() -> None:
    class _Market:  # enough of a Market for the constructor
        account = None

        def signer_for(self, account: Any) -> Any:
            return account

    agent = ClientAgent(_Market(), 1, account=object())  # type: ignore[arg-type]

    async def inside() -> None:
        agent.hire("tag", "input", 1)

    with pytest.raises(ClientAgentError, match="await hire_async"):
        asyncio.run(inside())

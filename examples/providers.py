"""Deterministic providers for `agentmarket agent serve --handler MODULE:FUNCTION`:
three services and the re-execution evaluator, sold as a service.

Each is an async function of the task's input text that returns the result text. Being
deterministic, each can be checked by re-execution: anyone who runs it on the input gets
the same bytes, hence the keccak256 the provider delivered on-chain
(scripts/evaluator.py does this for `uppercase`).

    agentmarket agent serve AGENT_ID --handler examples.providers:uppercase
    agentmarket agent serve AGENT_ID --handler examples.providers:word_count
    agentmarket agent serve AGENT_ID --handler examples.providers:summarise
    agentmarket agent serve AGENT_ID --handler examples.providers:reexecute
"""

from __future__ import annotations

import json
import re

from web3 import Web3

from agentmarket.contracts.evaluation import recompute

# How many sentences `summarise` keeps.
SUMMARY_SENTENCES = 2
# A sentence ends at ".", "!" or "?" (and any closing quotes or brackets) before
# whitespace or the end of the text.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*(?=\s|$)")


async def uppercase(text: str) -> str:
    """The text with ASCII letters upper-cased, byte for byte what the re-execution
    evaluator's `uppercase` task computes (`bytes.upper`); other characters are kept."""
    return text.encode("utf-8").upper().decode("utf-8")


async def word_count(text: str) -> str:
    """The number of whitespace-separated words, in decimal: "the cat sat" -> "3"."""
    return str(len(text.split()))


def sentences(text: str) -> list[str]:
    """The text's sentences, whitespace collapsed, in order."""
    flat = " ".join(text.split())
    if not flat:
        return []
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(flat):
        parts.append(flat[start : end.end()].strip())
        start = end.end()
    tail = flat[start:].strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


async def summarise(text: str) -> str:
    """An extractive summary: the first SUMMARY_SENTENCES sentences, joined by one space."""
    return " ".join(sentences(text)[:SUMMARY_SENTENCES])


async def reexecute(text: str) -> str:
    """The re-execution evaluator as a service: its input is a JSON object
    `{"task": "uppercase", "input": "...", "result_hash": "0x..."}` (a task of
    `agentmarket.contracts.evaluation.TASKS` and the keccak256 a provider delivered);
    it recomputes the task (`recompute`, as `scripts/evaluator.py` does) and answers
    with its verdict as canonical JSON: `{"expected_hash", "task", "verdict"}`, the
    verdict "approved" when the hashes match, else "rejected". A malformed request
    fails the job (the handler raises), so no verdict is sold for it."""
    try:
        request = json.loads(text)
        task, data = str(request["task"]), str(request["input"]).encode("utf-8")
        claimed = bytes.fromhex(str(request["result_hash"]).removeprefix("0x"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a re-execution request: {exc}") from exc
    expected = bytes(Web3.keccak(recompute(task, data)))
    verdict = {
        "expected_hash": "0x" + expected.hex(),
        "task": task,
        "verdict": "approved" if expected == claimed else "rejected",
    }
    return json.dumps(verdict, sort_keys=True, separators=(",", ":"))

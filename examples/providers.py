"""Three deterministic providers for `agentmarket agent serve --handler MODULE:FUNCTION`.

Each is an async function of the task's input text that returns the result text. Being
deterministic, each can be checked by re-execution: anyone who runs it on the input gets
the same bytes, hence the keccak256 the provider delivered on-chain
(scripts/evaluator.py does this for `uppercase`).

    agentmarket agent serve AGENT_ID --handler examples.providers:uppercase
    agentmarket agent serve AGENT_ID --handler examples.providers:word_count
    agentmarket agent serve AGENT_ID --handler examples.providers:summarise
"""

from __future__ import annotations

import re

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

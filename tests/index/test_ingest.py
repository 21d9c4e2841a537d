"""Schema, ingest and query, with decoded events fed straight into the ingest layer."""

from __future__ import annotations

import sqlite3

import pytest
from web3 import Web3

from agentmarket.index.events import AgentReputation, ChainEvent, touched_agents
from agentmarket.index.indexer import (
    JOB_ACCEPTED,
    JOB_COMPLETED,
    JOB_DELIVERED,
    JOB_REFUNDED,
    JOB_REJECTED,
    JOB_REQUESTED,
    ProviderMatch,
    apply_events,
    find_providers,
    ingest_batch,
    store_reputations,
    tag_hash,
)
from agentmarket.index.schema import from_u256

from .synthetic import OTHER_TOKEN, TOKEN, job_id_of, listing_event


def ingest(conn: sqlite3.Connection, *events: ChainEvent, block: int = 10) -> None:
    ingest_batch(conn, list(events), [], block)


def ids(matches: list[ProviderMatch]) -> list[int]:
    return [m.listing_id for m in matches]


def test_tag_hash__str_is_keccak_of_utf8_name() -> None:
    assert tag_hash("translate") == bytes(Web3.keccak(text="translate"))
    assert tag_hash("übersetzen") == bytes(Web3.keccak("übersetzen".encode()))
    assert tag_hash("Translate") != tag_hash("translate")  # no case folding


def test_tag_hash__bytes32_passes_through_and_other_lengths_refused() -> None:
    raw = b"\7" * 32
    assert tag_hash(raw) == raw
    with pytest.raises(ValueError, match="32 bytes"):
        tag_hash(b"translate")


def test_created_listing__is_found_with_its_fields(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingCreated", 1, provider_id=4, price=5 * 10**17))
    (match,) = find_providers(db, "translate")
    assert match == ProviderMatch(
        listing_id=1, provider_id=4, tag=tag_hash("translate"),
        token=Web3.to_checksum_address(TOKEN), price=5 * 10**17, max_delivery_time=3600,
        terms_hash=b"\1" * 32, terms_uri="ipfs://terms/1", version=1, score=0, volume=0,
        jobs=0, completed=0, rating_count=0,
    )  # fmt: skip


def test_find__filters_tag_price_and_token(db: sqlite3.Connection) -> None:
    ingest(
        db,
        listing_event("ListingCreated", 1, price=10),
        listing_event("ListingCreated", 2, price=20),
        listing_event("ListingCreated", 3, price=30, token=OTHER_TOKEN),
        listing_event("ListingCreated", 4, tag="summarise", price=1),
    )
    assert sorted(ids(find_providers(db, "translate"))) == [1, 2, 3]
    assert sorted(ids(find_providers(db, "translate", max_price=20))) == [1, 2]
    assert ids(find_providers(db, "translate", max_price=9)) == []
    assert ids(find_providers(db, "translate", token=OTHER_TOKEN.upper().replace("X", "x"))) == [3]
    assert ids(find_providers(db, "summarise")) == [4]
    assert ids(find_providers(db, tag_hash("summarise"))) == [4]
    assert ids(find_providers(db, "unknown")) == []


def test_find__prices_beyond_int64_compare_as_numbers(db: sqlite3.Connection) -> None:
    big, bigger = 10**19, 2**128 - 1  # above SQLite's signed 64-bit integers
    ingest(
        db,
        listing_event("ListingCreated", 1, price=big),
        listing_event("ListingCreated", 2, price=bigger),
        listing_event("ListingCreated", 3, price=255),
        listing_event("ListingCreated", 4, price=256),
    )
    assert sorted(ids(find_providers(db, "translate", max_price=big))) == [1, 3, 4]
    assert sorted(ids(find_providers(db, "translate", max_price=255))) == [3]
    assert find_providers(db, "translate", max_price=bigger)[-1].price == bigger
    assert {m.price for m in find_providers(db, "translate")} == {big, bigger, 255, 256}
    assert sorted(ids(find_providers(db, "translate", max_price=2**300))) == [1, 2, 3, 4]


def test_edit__latest_version_wins(db: sqlite3.Connection) -> None:
    ingest(
        db,
        listing_event("ListingCreated", 1, price=100),
        listing_event("ListingUpdated", 1, price=300, version=2, terms_uri="ipfs://v2"),
    )
    (m,) = find_providers(db, "translate")
    assert (m.price, m.version, m.terms_uri) == (300, 2, "ipfs://v2")
    # A stale edit (lower version), replayed or reordered, changes nothing.
    ingest(db, listing_event("ListingUpdated", 1, price=1, version=1, terms_uri="stale"))
    (m,) = find_providers(db, "translate")
    assert (m.price, m.version) == (300, 2)


def test_pause__hides_listing_and_resume_shows_it_again(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingCreated", 1), listing_event("ListingPaused", 1, version=2))
    assert find_providers(db, "translate") == []
    ingest(db, listing_event("ListingUpdated", 1, price=7, version=3))  # edit while paused
    assert find_providers(db, "translate") == []
    assert db.execute("SELECT state FROM listings WHERE listing_id = 1").fetchone() == (2,)
    ingest(db, listing_event("ListingResumed", 1, version=4))
    (m,) = find_providers(db, "translate")
    assert (m.price, m.version) == (7, 4)


def test_close__hides_listing_for_good(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingCreated", 1), listing_event("ListingClosed", 1, version=2))
    assert find_providers(db, "translate") == []
    ingest(db, listing_event("ListingResumed", 1, version=3))  # never reopens
    assert find_providers(db, "translate") == []
    row = db.execute("SELECT state, active FROM listings WHERE listing_id = 1").fetchone()
    assert row == (3, 0)


def test_listing_first_seen_through_an_edit__is_indexed(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingUpdated", 9, price=5, version=4))
    (m,) = find_providers(db, "translate")
    assert (m.listing_id, m.version, m.price) == (9, 4, 5)


def test_state_event_for_unknown_listing__is_ignored(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingPaused", 5, version=2))
    assert db.execute("SELECT COUNT(*) FROM listings").fetchone() == (0,)


def test_find__sorts_by_score_then_volume_then_price(db: sqlite3.Connection) -> None:
    ingest(
        db,
        listing_event("ListingCreated", 1, provider_id=1, price=50),
        listing_event("ListingCreated", 2, provider_id=2, price=50),
        listing_event("ListingCreated", 3, provider_id=3, price=40),
        listing_event("ListingCreated", 4, provider_id=3, price=30),
        listing_event("ListingCreated", 5, provider_id=4, price=10),  # unrated
    )
    ingest_batch(
        db, [],
        [
            AgentReputation(1, jobs=3, volume=10**20, average_score=9_000),
            AgentReputation(2, jobs=9, volume=10**21, average_score=9_500),
            AgentReputation(3, jobs=9, volume=5 * 10**20, average_score=9_000),
        ],
        11,
    )  # fmt: skip
    found = find_providers(db, "translate")
    assert ids(found) == [2, 4, 3, 1, 5]
    assert [m.score for m in found] == [9_500, 9_000, 9_000, 9_000, 0]
    assert found[0].volume == 10**21 and found[0].jobs == 9
    assert ids(find_providers(db, "translate", min_score=9_000)) == [2, 4, 3, 1]
    assert ids(find_providers(db, "translate", min_score=9_001)) == [2]
    assert ids(find_providers(db, "translate", limit=2)) == [2, 4]


def test_find__carries_the_providers_verdict_counts(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingCreated", 1, provider_id=7))
    store_reputations(
        db, [AgentReputation(7, completed=5, failed=2, jobs=7, validated=3, rejected=1)], 11
    )
    (m,) = find_providers(db, "translate")
    assert (m.completed, m.jobs, m.validated, m.rejected) == (5, 7, 3, 1)


def test_reputation_read_before_listing__scores_new_listing(db: sqlite3.Connection) -> None:
    store_reputations(db, [AgentReputation(7, jobs=1, volume=5, average_score=8_000)], 3)
    ingest(db, listing_event("ListingCreated", 1, provider_id=7))
    (m,) = find_providers(db, "translate")
    assert (m.score, m.volume, m.jobs) == (8_000, 5, 1)


def test_jobs__follow_their_lifecycle(db: sqlite3.Connection) -> None:
    job, offer_job, refunded = job_id_of(1, 2, 3), job_id_of(2, 2, 3), job_id_of(3, 5, 3)

    def created(job_id: int, listing_id: int) -> ChainEvent:
        client, provider = job_id >> 64 & (2**64 - 1), job_id & (2**64 - 1)
        args = {"job_id": job_id, "client_id": client, "provider_id": provider,
                "listing_id": listing_id, "token": TOKEN, "price": 10**19,
                "terms_hash": b"\1" * 32, "deadline": 99}  # fmt: skip
        return ChainEvent("JobEscrow", "JobCreated", args, 5, 0)

    ingest(db, created(job, 1), created(offer_job, 0), created(refunded, 1))
    status = dict(db.execute("SELECT job_id, status FROM jobs").fetchall())
    assert status[job.to_bytes(32, "big")] == JOB_REQUESTED
    assert status[offer_job.to_bytes(32, "big")] == JOB_ACCEPTED  # a signed offer
    ingest(
        db,
        ChainEvent("JobEscrow", "JobAccepted", {"job_id": job}, 6, 0),
        ChainEvent(
            "JobEscrow",
            "JobCompleted",
            {"job_id": job, "provider_amount": 9 * 10**18, "fee": 10**18, "finalized": True},
            7,
            0,
        ),
        ChainEvent(
            "JobEscrow", "JobRefunded", {"job_id": refunded, "amount": 1, "reason": 1}, 7, 1
        ),
    )
    rows = {bytes(r[0]): r[1:] for r in db.execute("SELECT job_id, status, paid FROM jobs")}
    assert rows[job.to_bytes(32, "big")][0] == JOB_COMPLETED
    assert from_u256(rows[job.to_bytes(32, "big")][1]) == 9 * 10**18
    assert rows[refunded.to_bytes(32, "big")][0] == JOB_REFUNDED


EVALUATOR = "0x" + "ee" * 20
ZERO = "0x" + "00" * 20


def evaluator_set(listing_id: int, evaluator: str, fee_bps: int, version: int) -> ChainEvent:
    return listing_event(
        "ListingEvaluatorSet", listing_id, block=5, evaluator=evaluator, fee_bps=fee_bps,
        version=version,
    )  # fmt: skip


def test_listing_evaluator__named_shown_kept_across_edits_and_cleared(
    db: sqlite3.Connection,
) -> None:
    ingest(db, listing_event("ListingCreated", 1), evaluator_set(1, EVALUATOR, 250, 2))
    (m,) = find_providers(db, "translate")
    assert (m.evaluator, m.evaluator_fee_bps, m.version) == (
        Web3.to_checksum_address(EVALUATOR), 250, 2,
    )  # fmt: skip
    # an edit of the terms keeps the evaluator (the contract keeps it too)
    ingest(db, listing_event("ListingUpdated", 1, price=7, version=3))
    (m,) = find_providers(db, "translate")
    assert (m.price, m.evaluator_fee_bps, m.version) == (7, 250, 3)
    assert m.evaluator == Web3.to_checksum_address(EVALUATOR)
    # a stale evaluator event (an older version) changes nothing
    ingest(db, evaluator_set(1, ZERO, 0, 3))
    assert find_providers(db, "translate")[0].evaluator_fee_bps == 250
    # clearing it: the zero address is stored as none
    ingest(db, evaluator_set(1, ZERO, 0, 4))
    (m,) = find_providers(db, "translate")
    assert (m.evaluator, m.evaluator_fee_bps, m.version) == (None, 0, 4)


def test_find__evaluated_keeps_only_listings_naming_an_evaluator(db: sqlite3.Connection) -> None:
    ingest(
        db,
        listing_event("ListingCreated", 1),
        listing_event("ListingCreated", 2),
        listing_event("ListingCreated", 3),
        evaluator_set(2, EVALUATOR, 100, 2),
        evaluator_set(3, EVALUATOR, 100, 2),
        evaluator_set(3, ZERO, 0, 3),  # named, then removed
    )
    assert ids(find_providers(db, "translate")) == [1, 2, 3]
    assert ids(find_providers(db, "translate", evaluated=True)) == [2]


def test_listing_evaluator__unknown_listing_is_ignored(db: sqlite3.Connection) -> None:
    ingest(db, evaluator_set(9, EVALUATOR, 100, 2))
    assert db.execute("SELECT COUNT(*) FROM listings").fetchone() == (0,)


def test_jobs__evaluator_named_and_verdicts_move_the_status(db: sqlite3.Connection) -> None:
    approved, rejected = job_id_of(1, 2, 3), job_id_of(2, 2, 3)
    events: list[ChainEvent] = []
    for job_id in (approved, rejected):
        args = {"job_id": job_id, "client_id": 2, "provider_id": 3, "listing_id": 0,
                "token": TOKEN, "price": 10**19, "terms_hash": b"\1" * 32}  # fmt: skip
        named = {"job_id": job_id, "evaluator": EVALUATOR, "fee_bps": 100}
        events += [
            ChainEvent("JobEscrow", "JobCreated", args, 5, 0),
            ChainEvent("JobEscrow", "EvaluatorNamed", named, 5, 1),
            ChainEvent("JobEscrow", "JobDelivered", {"job_id": job_id}, 6, 0),
        ]
    ingest(db, *events)

    def verdict(job_id: int, approved: bool) -> ChainEvent:
        args = {"job_id": job_id, "evaluator": EVALUATOR, "approved": approved, "fee": 10**17}
        return ChainEvent("JobEscrow", "JobEvaluated", args, 7, 0)

    ingest(db, verdict(approved, True))  # alone, an approval moves nothing...
    rows = {
        bytes(r[0]): r[1:]
        for r in db.execute("SELECT job_id, status, evaluator, evaluator_fee_bps FROM jobs")
    }
    assert rows[approved.to_bytes(32, "big")] == (JOB_DELIVERED, EVALUATOR, 100)
    completed = ChainEvent(
        "JobEscrow", "JobCompleted", {"job_id": approved, "provider_amount": 1}, 7, 1
    )
    ingest(db, completed, verdict(rejected, False))  # ...JobCompleted follows it
    status = dict(db.execute("SELECT job_id, status FROM jobs").fetchall())
    assert status[approved.to_bytes(32, "big")] == JOB_COMPLETED
    assert status[rejected.to_bytes(32, "big")] == JOB_REJECTED


def test_touched_agents__are_both_parties_of_settlements_and_ratings() -> None:
    events = [
        ChainEvent("JobEscrow", "JobCreated", {"job_id": job_id_of(1, 2, 3)}, 1, 0),
        ChainEvent("JobEscrow", "JobCompleted", {"job_id": job_id_of(1, 2, 3)}, 1, 1),
        ChainEvent("JobEscrow", "JobRefunded", {"job_id": job_id_of(2, 4, 5)}, 1, 2),
        ChainEvent("ReputationRegistry", "Rated", {"job_id": job_id_of(3, 6, 7)}, 1, 3),
        ChainEvent("Tabs", "TabClosed", {"tab_id": job_id_of(4, 8, 9)}, 1, 4),
    ]
    assert touched_agents(events) == {2, 3, 4, 5, 6, 7, 8, 9}


def test_apply_events__unknown_event_names_are_skipped(db: sqlite3.Connection) -> None:
    assert apply_events(db, [ChainEvent("JobEscrow", "Deposited", {}, 1, 0)]) == 1


def test_ingest_batch__failure_rolls_back_rows_and_cursor(db: sqlite3.Connection) -> None:
    ingest(db, listing_event("ListingCreated", 1), block=10)
    bad = listing_event("ListingCreated", 2, price=-1)  # not a uint256
    with pytest.raises(ValueError, match="uint256"):
        ingest_batch(db, [listing_event("ListingCreated", 3), bad], [], 20)
    assert db.execute("SELECT listing_id FROM listings").fetchall() == [(1,)]
    assert db.execute("SELECT next_block FROM sync_cursor").fetchone() == (11,)


def test_find__rejects_bad_arguments(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="limit"):
        find_providers(db, "translate", limit=0)
    with pytest.raises(ValueError, match="negative"):
        find_providers(db, "translate", max_price=-1)
    with pytest.raises(ValueError, match="address"):
        find_providers(db, "translate", token="0x12")

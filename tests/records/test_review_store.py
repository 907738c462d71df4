"""The review store on both record stores: a game's review is noted once, then updated
with its result, which reads back whole."""

from __future__ import annotations

from chesschat.adapters.records.reviews import open_reviews
from chesschat.domain.review import Ply, Review
from chesschat.services.records import RecordStore


def test_a_review_is_noted_once_and_reads_back_whole(store: RecordStore) -> None:
    reviews = open_reviews(store)
    assert reviews.review("g-1") is None
    assert reviews.add_review("g-1", 1_000) is True
    assert reviews.add_review("g-1", 2_000) is False  # asked twice: still one review
    queued = reviews.review("g-1")
    assert queued is not None and (queued.status, queued.review, queued.updated_ms) == ("queued", None, 1_000)

    reviews.set_review("g-1", "running", None, 3_000)
    assert reviews.review("g-1").status == "running"  # type: ignore[union-attr]
    result = Review((Ply(1, "e4", 30, None, None, None), Ply(2, "f6", None, 5, "e5", "blunder")), 97.5, 41.0)
    reviews.set_review("g-1", "done", result, 4_000)
    done = reviews.review("g-1")
    assert done is not None and (done.status, done.review, done.updated_ms) == ("done", result, 4_000)
    assert reviews.review("g-2") is None


def test_a_failed_review_is_queued_afresh_when_asked_again_and_only_then(store: RecordStore) -> None:
    reviews = open_reviews(store)
    assert reviews.add_review("g-1", 1_000) is True
    reviews.set_review("g-1", "failed", None, 2_000)
    assert reviews.add_review("g-1", 3_000) is True  # the player asks again: it is queued
    again = reviews.review("g-1")
    assert again is not None and (again.status, again.review, again.updated_ms) == ("queued", None, 3_000)
    for status in ("queued", "running"):
        reviews.set_review("g-1", status, None, 4_000)
        assert reviews.add_review("g-1", 5_000) is False
    result = Review((Ply(1, "e4", 30, None, None, None),), 90.0, 90.0)
    reviews.set_review("g-1", "done", result, 6_000)
    assert reviews.add_review("g-1", 7_000) is False  # a done review stays as it is
    assert reviews.review("g-1").review == result  # type: ignore[union-attr]

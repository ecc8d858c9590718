"""Summaries behind `prep stats`."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from interview_prep.cards import Card, KeyPoint, Tier
from interview_prep.stats import (
    TopicTierStats,
    current_streak,
    reviews_per_day,
    topic_tier_table,
)
from interview_prep.store import Review

TODAY = date(2024, 3, 10)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def rev(card_id: str, when: datetime, rating: int = 3) -> Review:
    return Review(card_id, when, rating, seconds=10.0, covered=1, total_points=3, mode="quiz")


def card(card_id: str, topic: str, tier: Tier) -> Card:
    return Card(
        id=card_id,
        title=card_id,
        topic=topic,
        tier=tier,
        question="?",
        short_answer="!",
        key_points=(KeyPoint("p", ("k",)),),
    )


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# --- reviews per day -------------------------------------------------------------


def test_reviews_per_day_fills_every_day_of_the_window():
    reviews = [
        rev("a", at(TODAY, 8)),
        rev("b", at(TODAY, 23, 59)),
        rev("a", at(days_ago(3))),
        rev("a", at(days_ago(13))),  # first day of a two-week window
        rev("a", at(days_ago(14))),  # just outside it
        rev("a", at(TODAY + timedelta(days=1))),  # a clock ahead: outside too
    ]
    counts = reviews_per_day(reviews, TODAY, weeks=2)
    assert list(counts) == [days_ago(n) for n in range(13, -1, -1)]
    assert counts[TODAY] == 2
    assert counts[days_ago(3)] == 1
    assert counts[days_ago(13)] == 1
    assert sum(counts.values()) == 4
    assert counts[days_ago(1)] == 0


def test_reviews_per_day_uses_utc_dates():
    evening_in_new_york = datetime(2024, 3, 9, 21, 0, tzinfo=timezone(timedelta(hours=-5)))
    counts = reviews_per_day([rev("a", evening_in_new_york)], TODAY, weeks=1)
    assert counts[TODAY] == 1  # 02:00 UTC on the 10th
    assert counts[days_ago(1)] == 0


def test_reviews_per_day_with_no_weeks_is_empty():
    assert reviews_per_day([rev("a", at(TODAY))], TODAY, weeks=0) == {}


# --- topic and tier table -----------------------------------------------------------


def test_topic_tier_table():
    cards = [
        card("mse", "loss", Tier.CORE),
        card("mae", "loss", Tier.CORE),
        card("huber", "loss", Tier.DEEP),
        card("focal", "loss", Tier.ADVANCED),
        card("auc", "evaluation", Tier.ADVANCED),
    ]
    t = at(days_ago(5))
    reviews = [
        # mse: first review (not counted for retention), then again (forgot), good, hard.
        rev("mse", t, 3),
        rev("mse", t + timedelta(days=1), 1),
        rev("mse", t + timedelta(days=2), 3),
        rev("mse", t + timedelta(days=3), 2),
        # mae: a single, first review rated again.
        rev("mae", t, 1),
        # focal: one review, so no retention yet.
        rev("focal", t, 4),
        # a card no longer in the bank: left out.
        rev("removed", t, 1),
        rev("removed", t + timedelta(days=1), 1),
    ]
    table = topic_tier_table(cards, reviews)
    assert table == [
        TopicTierStats("evaluation", Tier.ADVANCED, 1, 0, 0, None, None),
        TopicTierStats("loss", Tier.CORE, 2, 2, 5, pytest.approx(10 / 5), pytest.approx(2 / 3)),
        TopicTierStats("loss", Tier.ADVANCED, 1, 1, 1, 4.0, None),
        TopicTierStats("loss", Tier.DEEP, 1, 0, 0, None, None),
    ]


def test_first_review_is_found_by_time_not_by_list_order():
    cards = [card("mse", "loss", Tier.CORE)]
    t = at(days_ago(3))
    # Given newest first: the again at t is still the first review.
    reviews = [rev("mse", t + timedelta(days=1), 3), rev("mse", t, 1)]
    (row,) = topic_tier_table(cards, reviews)
    assert row.retention == 1.0
    assert row.average_rating == 2.0


def test_topic_tier_table_of_no_cards_is_empty():
    assert topic_tier_table([], [rev("mse", at(TODAY))]) == []


# --- streak ----------------------------------------------------------------------


def test_streak_ending_today():
    reviews = [rev("a", at(days_ago(n))) for n in (0, 1, 2, 4)]
    assert current_streak(reviews, TODAY) == 3


def test_streak_still_counts_until_today_is_over():
    reviews = [rev("a", at(days_ago(n))) for n in (1, 2, 3)]
    assert current_streak(reviews, TODAY) == 3


def test_streak_broken_by_a_missed_day():
    assert current_streak([rev("a", at(days_ago(2)))], TODAY) == 0
    assert current_streak([], TODAY) == 0


def test_streak_counts_days_not_reviews():
    reviews = [rev("a", at(TODAY, hour)) for hour in (1, 5, 9)] + [rev("b", at(days_ago(1), 23, 59))]
    assert current_streak(reviews, TODAY) == 2


# --- the SQL path agrees with the definition ---------------------------------


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_stats_counted_in_sql_equal_the_pure_definition(tmp_path, monkeypatch, zone):
    """`prep stats` counts in SQL; `summary` over Review objects is the definition it must match."""
    import random
    import time

    from interview_prep.index import CardSummary
    from interview_prep.stats import summary, summary_from_store
    from interview_prep.store import ReviewStore

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        rng = random.Random(7)
        cards = [card(f"c{i}", f"t{i % 3}", list(Tier)[i % 3]) for i in range(12)]
        now = at(TODAY, 20, 30)
        with ReviewStore(tmp_path / "p.sqlite3") as store:
            moments = sorted(now - timedelta(minutes=rng.randrange(60 * 24 * 40)) for _ in range(150))
            for when in moments:
                # c0..c11 are the bank; "gone" is a card since removed from it.
                card_id = rng.choice([c.id for c in cards] + ["gone"])
                store.record(rev(card_id, when, rng.randint(1, 4)))
            chosen = cards[:9]  # a topic filter: the rest are left out
            summaries = [CardSummary(c.id, c.title, c.topic, c.tier, c.tags) for c in chosen]
            expected = summary(chosen, store.reviews(), store.memories(), now, weeks=4, days=7)
            got = summary_from_store(summaries, store, now, weeks=4, days=7)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert got == expected
    assert got.total_reviews > 50 and any(row.retention is not None for row in got.table)

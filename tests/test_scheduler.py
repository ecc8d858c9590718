"""FSRS scheduling through the fsrs package, with pinned clocks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from interview_prep.scheduler import (
    Memory,
    Rating,
    due_forecast,
    next_due,
    plan_drill,
    retrievability,
    review,
)

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def memory_due(card_id: str, due: datetime) -> Memory:
    """A reviewed card whose memory says it is due at `due`."""
    seen = review(None, card_id, Rating.GOOD, due - timedelta(days=3))
    return replace(seen, due=due)


def test_rating_labels_and_values():
    assert [(r.value, r.label) for r in Rating] == [
        (1, "again"),
        (2, "hard"),
        (3, "good"),
        (4, "easy"),
    ]


def test_first_review_of_a_new_card():
    import fsrs

    memory = review(None, "mse", Rating.GOOD, NOW)
    assert memory.card_id == "mse"
    assert memory.last_review == NOW
    assert memory.state == "learning"
    # The second learning step of the default scheduler is ten minutes.
    assert memory.due == NOW + timedelta(minutes=10)
    assert memory.stability == pytest.approx(fsrs.scheduler.DEFAULT_PARAMETERS[2])
    assert memory.difficulty is not None and 1.0 <= memory.difficulty <= 10.0


def test_fsrs_json_is_the_source_of_truth():
    import fsrs

    memory = review(None, "mse", Rating.EASY, NOW)
    card = fsrs.Card.from_json(memory.fsrs_json)
    assert card.due == memory.due
    assert card.last_review == memory.last_review
    assert card.stability == memory.stability
    assert card.difficulty == memory.difficulty
    assert card.state.name.lower() == memory.state == "review"


def test_easy_schedules_further_out_than_again():
    again = review(None, "c", Rating.AGAIN, NOW)
    hard = review(None, "c", Rating.HARD, NOW)
    good = review(None, "c", Rating.GOOD, NOW)
    easy = review(None, "c", Rating.EASY, NOW)
    assert again.due < hard.due < good.due < easy.due
    assert easy.due - NOW >= timedelta(days=1)


def test_repeated_good_reviews_push_the_due_date_out():
    memory = review(None, "c", Rating.GOOD, NOW)
    intervals = []
    for _ in range(4):
        at = memory.due
        memory = review(memory, "c", Rating.GOOD, at)
        intervals.append(memory.due - at)
    assert memory.state == "review"
    assert intervals == sorted(intervals)
    assert intervals[-1] > intervals[0] >= timedelta(days=1)


def test_review_is_deterministic():
    def history() -> list[Memory]:
        memory, seen = None, []
        for day, rating in enumerate([Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY, Rating.HARD]):
            memory = review(memory, "c", rating, NOW + timedelta(days=day * 3))
            seen.append(memory)
        return seen

    first, second = history(), history()
    assert first == second
    assert json.loads(first[0].fsrs_json)["card_id"] == json.loads(second[0].fsrs_json)["card_id"]


def test_review_accepts_any_aware_timezone_and_refuses_naive():
    plus_two = timezone(timedelta(hours=2))
    memory = review(None, "c", Rating.GOOD, NOW.astimezone(plus_two))
    assert memory.last_review == NOW
    assert memory.last_review.tzinfo is timezone.utc
    with pytest.raises(ValueError):
        review(None, "c", Rating.GOOD, NOW.replace(tzinfo=None))


def test_review_refuses_another_cards_memory():
    with pytest.raises(ValueError):
        review(review(None, "a", Rating.GOOD, NOW), "b", Rating.GOOD, NOW)


def test_retrievability_falls_with_time():
    memory = review(None, "c", Rating.EASY, NOW)
    assert retrievability(None, NOW) == 0.0
    at_review = retrievability(memory, NOW)
    a_week_on = retrievability(memory, NOW + timedelta(days=7))
    a_year_on = retrievability(memory, NOW + timedelta(days=365))
    assert at_review == pytest.approx(1.0)
    assert 1.0 > a_week_on > a_year_on > 0.0
    # At its due date a review-state card sits near the desired retention (0.9).
    assert retrievability(memory, memory.due) == pytest.approx(0.9, abs=0.03)


def test_plan_drill_puts_due_cards_first_most_overdue_first():
    memories = {
        "a": memory_due("a", NOW - timedelta(hours=1)),
        "b": memory_due("b", NOW - timedelta(days=5)),
        "c": memory_due("c", NOW + timedelta(days=1)),  # not due yet
        "d": memory_due("d", NOW),  # due exactly now counts
    }
    plan = plan_drill(["new1", "a", "b", "c", "new2", "d"], memories, NOW, limit=None, new_limit=10)
    assert plan == ["b", "a", "d", "new1", "new2"]


def test_plan_drill_new_limit_holds_and_keeps_bank_order():
    ids = ["n1", "n2", "n3", "n4"]
    assert plan_drill(ids, {}, NOW, limit=None, new_limit=2) == ["n1", "n2"]
    assert plan_drill(ids, {}, NOW, limit=None, new_limit=0) == []
    assert plan_drill(ids, {}, NOW, limit=None, new_limit=-3) == []


def test_plan_drill_new_limit_does_not_cap_due_cards():
    memories = {f"d{i}": memory_due(f"d{i}", NOW - timedelta(days=i + 1)) for i in range(3)}
    plan = plan_drill(["d0", "d1", "d2", "n1", "n2"], memories, NOW, limit=None, new_limit=1)
    assert plan == ["d2", "d1", "d0", "n1"]


def test_plan_drill_limit_cuts_the_whole_list_new_cards_first():
    memories = {f"d{i}": memory_due(f"d{i}", NOW - timedelta(days=i + 1)) for i in range(3)}
    ids = ["d0", "d1", "d2", "n1", "n2"]
    assert plan_drill(ids, memories, NOW, limit=4, new_limit=5) == ["d2", "d1", "d0", "n1"]
    assert plan_drill(ids, memories, NOW, limit=2, new_limit=5) == ["d2", "d1"]
    assert plan_drill(ids, memories, NOW, limit=0, new_limit=5) == []


def test_plan_drill_ignores_memories_of_cards_not_in_the_bank():
    memories = {
        "removed": memory_due("removed", NOW - timedelta(days=30)),
        "kept": memory_due("kept", NOW - timedelta(days=1)),
    }
    assert plan_drill(["kept", "fresh"], memories, NOW, limit=None, new_limit=5) == ["kept", "fresh"]
    assert next_due(["kept"], memories) == memories["kept"].due
    assert due_forecast(["kept"], memories, NOW, 1) == [(date(2024, 3, 1), 1)]


def test_plan_drill_lists_a_repeated_id_once():
    memories = {"d": memory_due("d", NOW - timedelta(days=1))}
    assert plan_drill(["d", "n", "d", "n"], memories, NOW, limit=None, new_limit=5) == ["d", "n"]


def test_plan_drill_is_deterministic_for_equal_due_times():
    same = NOW - timedelta(days=2)
    memories = {cid: memory_due(cid, same) for cid in ["x", "y", "z"]}
    assert plan_drill(["z", "x", "y"], memories, NOW, limit=None, new_limit=0) == ["z", "x", "y"]


def test_next_due():
    memories = {
        "a": memory_due("a", NOW + timedelta(days=2)),
        "b": memory_due("b", NOW + timedelta(hours=5)),
        "gone": memory_due("gone", NOW - timedelta(days=9)),
    }
    assert next_due(["a", "b", "new"], memories) == NOW + timedelta(hours=5)
    assert next_due(["new"], memories) is None
    assert next_due([], memories) is None


def test_due_forecast_counts_per_utc_day_with_overdue_on_day_zero():
    memories = {
        "overdue": memory_due("overdue", NOW - timedelta(days=4)),
        "later_today": memory_due("later_today", NOW + timedelta(hours=11, minutes=59)),
        "tomorrow_early": memory_due("tomorrow_early", NOW + timedelta(hours=12)),
        "in_two_days": memory_due("in_two_days", NOW + timedelta(days=2)),
        "beyond": memory_due("beyond", NOW + timedelta(days=10)),
        "not_in_bank": memory_due("not_in_bank", NOW),
    }
    ids = ["overdue", "later_today", "tomorrow_early", "in_two_days", "beyond", "new"]
    assert due_forecast(ids, memories, NOW, 4) == [
        (date(2024, 3, 1), 2),
        (date(2024, 3, 2), 1),
        (date(2024, 3, 3), 1),
        (date(2024, 3, 4), 0),
    ]
    assert due_forecast(ids, memories, NOW, 0) == []


def test_due_forecast_uses_utc_dates_whatever_the_now_timezone():
    memories = {"a": memory_due("a", datetime(2024, 3, 2, 1, 0, tzinfo=timezone.utc))}
    # 23:30 on 1 March in UTC is already 2 March in UTC+2.
    late_evening = datetime(2024, 3, 2, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert due_forecast(["a"], memories, late_evening, 2) == [
        (date(2024, 3, 1), 0),
        (date(2024, 3, 2), 1),
    ]

"""The study loop, driven without a terminal by a scripted IO."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from interview_prep.bank import load_bank
from interview_prep.domain import Order, Review
from interview_prep.planning import plan_quiz
from interview_prep.runner import RunResult, Verdict
from interview_prep.session import StudySession

from .conftest import GOOD_BANK

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


class ScriptedIO:
    """Answers and keys from a script; every call is logged as (event, detail)."""

    def __init__(self, *script):
        self.script = list(script)
        self.log: list[tuple[str, object]] = []

    def _next(self):
        if not self.script:
            return None
        item = self.script.pop(0)
        if item is KeyboardInterrupt:
            raise KeyboardInterrupt
        return item

    def question(self, card, number, total):
        self.log.append(("question", (card.id, number, total)))

    def read_answer(self, optional, limit=None):
        self.log.append(("limit", limit))
        return self._next()

    def reveal(self, card, shown):
        coverage = shown.assessment
        self.log.append(("reveal", (card.id, coverage.covered if coverage else None, shown.suggested)))
        self.log.append(("shown", shown))

    def read_key(self, menu, suggested):
        return self._next()

    def explanation(self, card):
        self.log.append(("explain", card.id))

    def snippet_result(self, card, result):
        self.log.append(("run", (card.id, result.stdout)))

    def choose_follow_up(self, follow_ups):
        return self._next()

    def offer_follow_up(self, follow_up):
        self.log.append(("offer", follow_up.card))
        return self._next()

    def message(self, text):
        self.log.append(("message", text))

    def events(self, kind):
        return [detail for event, detail in self.log if event == kind]


class ListStore:
    def __init__(self):
        self.reviews = []

    def record(self, review):
        self.reviews.append(review)


@pytest.fixture(scope="module")
def bank():
    return load_bank([GOOD_BANK])


def session(bank, ids, io, store, **kwargs):
    cards = [bank.get(i) for i in ids]
    ticks = iter(range(0, 1000, 7))
    return StudySession(cards, bank, io, store, now=lambda: NOW, clock=lambda: next(ticks), **kwargs)


def test_answer_reveal_and_rate_records_the_review(bank):
    io = ScriptedIO("The mean; squaring makes outliers pull hard.", "3")
    store = ListStore()
    result = session(bank, ["toy-mean"], io, store).run()
    assert io.events("reveal") == [("toy-mean", 2, 3)]
    assert result.ended == "done"
    (review,) = store.reviews
    assert (review.card_id, review.rating, review.covered, review.total_points, review.mode) == (
        "toy-mean",
        3,
        2,
        3,
        "quiz",
    )
    assert review.seconds == 7.0
    assert review.reviewed_at == NOW


def test_explain_and_run_then_rate(bank):
    ran = []

    def fake_run(code, timeout):
        ran.append(timeout)
        return RunResult(Verdict.OK, "mean = 3.0\nsquared error = 14.0\n", "", 0, 0.01)

    io = ScriptedIO("", "e", "r", "x", "2")
    store = ListStore()
    session(bank, ["toy-mean"], io, store, run_snippet=fake_run, snippet_timeout=4.0).run()
    assert io.events("explain") == ["toy-mean"]
    assert io.events("run") == [("toy-mean", "mean = 3.0\nsquared error = 14.0\n")]
    assert ran == [4.0]
    assert store.reviews[0].rating == 2
    assert store.reviews[0].covered == 0


def test_a_follow_up_is_quizzed_and_then_we_come_back(bank):
    # toy-theory links two follow-ups, so the user picks one (index 1: toy-median).
    io = ScriptedIO("the loss picks the statistic", "f", 1, "median, robust to outliers", "4", "3")
    store = ListStore()
    result = session(bank, ["toy-theory"], io, store).run()
    assert io.events("question") == [("toy-theory", "1", 1), ("toy-median", "1a", 1), ("toy-theory", "1", 1)]
    assert [(r.card_id, r.rating) for r in store.reviews] == [("toy-median", 4), ("toy-theory", 3)]
    assert [o.follow_up_of for o in result.outcomes] == ["toy-theory", None]
    # The summary lists the follow-up under the question it came from.
    assert [(o.number, o.card.id) for o in result.in_order] == [("1", "toy-theory"), ("1a", "toy-median")]


def test_quitting_half_way_keeps_what_was_rated(bank):
    io = ScriptedIO("mean", "3", "median", "q")
    store = ListStore()
    result = session(bank, ["toy-mean", "toy-median", "toy-theory"], io, store).run()
    assert result.ended == "quit"
    assert [r.card_id for r in store.reviews] == ["toy-mean"]
    assert [o.card.id for o in result.outcomes] == ["toy-mean"]


def test_end_of_input_ends_the_session_cleanly(bank):
    io = ScriptedIO("mean", "1")
    result = session(bank, ["toy-mean", "toy-median"], io, ListStore()).run()
    assert result.ended == "end of input"
    assert len(result.rated) == 1


def test_ctrl_c_at_a_prompt_ends_with_every_rating_kept(bank):
    io = ScriptedIO("mean", "2", KeyboardInterrupt)
    store = ListStore()
    result = session(bank, ["toy-mean", "toy-median"], io, store).run()
    assert result.ended == "interrupted"
    assert [r.rating for r in store.reviews] == [2]


def test_skip_records_nothing(bank):
    io = ScriptedIO("", "s", "", "4")
    store = ListStore()
    result = session(bank, ["toy-mean", "toy-median"], io, store).run()
    assert [o.label for o in result.outcomes] == ["skipped", "easy"]
    assert [r.card_id for r in store.reviews] == ["toy-median"]


def test_mock_order_offers_the_linked_follow_up_after_a_good_rating(bank):
    io = ScriptedIO("mean", "3", True, "median", "2", "loss decides", "3")
    store = ListStore()
    result = session(bank, ["toy-mean", "toy-theory", "toy-median"], io, store, offer_follow_ups=True).run()
    assert io.events("offer") == ["toy-median"]
    # The accepted follow-up is asked at once, numbered under its parent; it is
    # not asked twice, and the total never grows.
    assert [o.card.id for o in result.outcomes] == ["toy-mean", "toy-median", "toy-theory"]
    assert io.events("question") == [("toy-mean", "1", 3), ("toy-median", "1a", 2), ("toy-theory", "2", 2)]


def test_no_offer_after_a_hard_rating(bank):
    io = ScriptedIO("mean", "2", "median", "2")
    session(bank, ["toy-mean", "toy-median"], io, ListStore(), offer_follow_ups=True).run()
    assert io.events("offer") == []


def test_drill_mode_records_drill_reviews(bank):
    store = ListStore()
    session(bank, ["toy-median"], ScriptedIO("", "3"), store, mode="drill").run()
    assert store.reviews[0].mode == "drill"


def test_plan_quiz_mock_reaches_every_tier_and_asks_core_first(bank):
    cards = list(bank)
    planned = plan_quiz(cards, 2, Order.MOCK, seed=3, one_topic=True).cards
    assert [c.tier.value for c in planned] == ["core", "advanced"]
    full = plan_quiz(cards, 10, Order.MOCK, seed=3, one_topic=True).cards
    assert [c.tier.value for c in full] == ["core", "advanced", "deep"]


def test_plan_quiz_shuffle_is_repeatable_with_a_seed(bank):
    cards = list(bank)
    orders = {
        tuple(c.id for c in plan_quiz(cards, 3, Order.SHUFFLE, seed=s, one_topic=False).cards)
        for s in range(20)
    }
    assert len(orders) > 1
    assert plan_quiz(cards, 3, None, seed=5, one_topic=False) == plan_quiz(
        cards, 3, Order.SHUFFLE, seed=5, one_topic=False
    )


def test_q_as_the_answer_quits(bank):
    store = ListStore()
    result = session(bank, ["toy-mean", "toy-median"], ScriptedIO("mean", "3", "q"), store).run()
    assert result.ended == "quit"
    assert len(store.reviews) == 1


def test_a_drill_without_a_typed_answer_suggests_nothing(bank):
    io = ScriptedIO("", "4")
    session(bank, ["toy-mean"], io, ListStore(), mode="drill").run()
    assert io.events("reveal") == [("toy-mean", None, None)]
    quiz_io = ScriptedIO("", "1")
    session(bank, ["toy-mean"], quiz_io, ListStore()).run()
    assert quiz_io.events("reveal") == [("toy-mean", None, 1)]


def test_a_card_rated_again_comes_back_three_questions_later_as_a_repeat(bank):
    # No relearning step in the way (the sink returns no memory): the gap alone decides.
    ids = ["toy-mean", "toy-median", "toy-theory", "toy-mean-2", "toy-mean-3"]
    cards = [bank.get(i) for i in ids[:3]] * 2  # six questions; repeats of ids do not matter here
    io = ScriptedIO(*["x", "1"], *["x", "3"] * 5, *["x", "3"])
    store = ListStore()
    ticks = iter(range(0, 1000, 7))
    result = StudySession(cards, bank, io, store, now=lambda: NOW, clock=lambda: next(ticks)).run()
    numbers = [q[1] for q in io.events("question")]
    assert numbers == ["1", "2", "3", "4", "1 again", "5", "6"]
    assert [o.number for o in result.in_order][:2] == ["1", "1 again"]
    assert result.ended == "done"


def test_a_repeat_waits_for_the_relearning_step_unless_the_session_ends_first(bank):
    clock = {"now": NOW}

    class Sink(ListStore):
        def record(self, review):
            super().record(review)
            clock["now"] += timedelta(minutes=2)  # each answer takes two minutes

            class Memory:  # the scheduler's answer: again means come back in 10 minutes
                due = review.reviewed_at + timedelta(minutes=10)

            return Memory()

    cards = [bank.get("toy-mean"), bank.get("toy-median"), bank.get("toy-theory")] * 3
    io = ScriptedIO("x", "1", *["x", "3"] * 20)
    ticks = iter(range(0, 1000, 7))
    StudySession(cards, bank, io, Sink(), now=lambda: clock["now"], clock=lambda: next(ticks)).run()
    numbers = [q[1] for q in io.events("question")]
    # Three questions later (index 4) only 8 minutes have passed; the repeat
    # waits for the scheduler's 10-minute step, which ends after the fourth.
    assert numbers.index("1 again") == 5
    short = ScriptedIO("x", "1", "x", "3", "x", "3")
    StudySession(cards[:2], bank, short, Sink(), now=lambda: clock["now"], clock=lambda: next(ticks)).run()
    assert [q[1] for q in short.events("question")] == ["1", "2", "1 again"]


def test_a_card_comes_back_at_most_twice(bank):
    io = ScriptedIO(*["x", "1"] * 5)
    store = ListStore()
    session(bank, ["toy-mean"], io, store).run()
    assert [q[1] for q in io.events("question")] == ["1", "1 again", "1 again"]
    assert [r.rating for r in store.reviews] == [1, 1, 1]


def test_a_timed_answer_over_its_limit_is_marked_and_kept(bank):
    io = ScriptedIO("squared errors pull toward the mean", "3")
    store = ListStore()
    ticks = iter([0, 95])
    result = StudySession(
        [bank.get("toy-mean")], bank, io, store, now=lambda: NOW, clock=lambda: next(ticks), time_limit=90
    ).run()
    assert io.events("limit") == [90]
    (shown,) = io.events("shown")
    assert shown.over_time and shown.seconds == 95
    assert result.outcomes[0].over_time
    (review,) = store.reviews
    assert review.time_limit == 90 and review.over_time
    assert review.answer == "squared errors pull toward the mean"


def test_answers_are_not_kept_when_the_user_said_so(bank):
    store = ListStore()
    session(bank, ["toy-mean"], ScriptedIO("the mean", "3"), store, keep_answers=False).run()
    assert store.reviews[0].answer is None


def test_the_previous_answer_is_shown_at_the_reveal(bank):
    earlier = Review(
        "toy-mean", NOW, rating=2, seconds=30, covered=1, total_points=3, mode="quiz", answer="avg"
    )
    io = ScriptedIO("the mean", "3")
    session(bank, ["toy-mean"], io, ListStore(), previous_answer={"toy-mean": earlier}.get).run()
    (shown,) = io.events("shown")
    assert shown.previous == earlier

"""The study loop, driven without a terminal by a scripted IO."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from interview_prep.bank import load_bank
from interview_prep.domain import Order
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

    def question(self, card, position, total, depth):
        self.log.append(("question", (card.id, position, total, depth)))

    def read_answer(self, optional):
        return self._next()

    def reveal(self, card, coverage, seconds, suggested, mode):
        self.log.append(("reveal", (card.id, coverage.covered if coverage else None, suggested)))

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
    assert [q[0] for q in io.events("question")] == ["toy-theory", "toy-median", "toy-theory"]
    assert io.events("question")[1][3] == 1  # asked one level down
    assert [(r.card_id, r.rating) for r in store.reviews] == [("toy-median", 4), ("toy-theory", 3)]
    assert [o.follow_up_of for o in result.outcomes] == ["toy-theory", None]


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
    # The accepted follow-up moves up; it is not asked twice.
    assert [o.card.id for o in result.outcomes] == ["toy-mean", "toy-median", "toy-theory"]


def test_no_offer_after_a_hard_rating(bank):
    io = ScriptedIO("mean", "2", "median", "2")
    session(bank, ["toy-mean", "toy-median"], io, ListStore(), offer_follow_ups=True).run()
    assert io.events("offer") == []


def test_drill_mode_records_drill_reviews(bank):
    store = ListStore()
    session(bank, ["toy-median"], ScriptedIO("", "3"), store, mode="drill").run()
    assert store.reviews[0].mode == "drill"


def test_weakest_topic_and_tier(bank):
    io = ScriptedIO("", "4", "", "1", "", "3")
    result = session(bank, ["toy-mean", "toy-median", "toy-theory"], io, ListStore()).run()
    assert result.weakest() == ("toy", "advanced")


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

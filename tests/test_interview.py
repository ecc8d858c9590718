"""An interview date: `prep plan` and `prep drill --interview`, with pinned clocks.

Predicted recall is checked against fsrs itself, called here directly, not
through interview_prep.scheduler.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import fsrs
import pytest

from interview_prep.cards import Tier
from interview_prep.domain import Mode, Rating, Review
from interview_prep.errors import PrepError
from interview_prep.index import CardSummary
from interview_prep.interview import (
    INTERVIEW_HOUR,
    interview_drill_order,
    interview_moment,
    parse_interview_date,
    plan_interview,
    saved_interview,
)
from interview_prep.scheduler import review
from interview_prep.store import ReviewStore, progress_path

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # a Monday
TODAY = date(2026, 3, 2)
INTERVIEW = date(2026, 3, 9)  # a week on


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Local time is UTC, so days and the 09:00 interview are the same wherever the tests run."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def card(card_id: str, tier: Tier = Tier.CORE) -> CardSummary:
    return CardSummary(id=card_id, title=card_id.title(), topic="toy", tier=tier, tags=())


def history(card_id: str, *ratings_and_days_ago: tuple[Rating, float]):
    """A card's memory after the given ratings, each made that many days before NOW."""
    memory = None
    for rating, days_ago in ratings_and_days_ago:
        memory = review(memory, card_id, rating, NOW - timedelta(days=days_ago))
    return memory


def fsrs_recall(memory, when: datetime) -> float:
    """The card's retrievability at `when`, asked of fsrs directly."""
    return fsrs.Scheduler().get_card_retrievability(fsrs.Card.from_json(memory.fsrs_json), when)


# A bank of eight cards: six seen, with histories from shaky to solid, and two never seen.
CARDS = [
    card("forgot", Tier.CORE),
    card("solid", Tier.CORE),
    card("shaky-deep", Tier.DEEP),
    card("old-good", Tier.ADVANCED),
    card("new-a", Tier.CORE),
    card("recent-easy", Tier.ADVANCED),
    card("new-b", Tier.DEEP),
    card("hard-core", Tier.CORE),
]
MEMORIES = {
    "forgot": history("forgot", (Rating.AGAIN, 2)),
    "solid": history("solid", (Rating.GOOD, 40), (Rating.EASY, 30), (Rating.EASY, 1)),
    "shaky-deep": history("shaky-deep", (Rating.HARD, 20)),
    "old-good": history("old-good", (Rating.GOOD, 30)),
    "recent-easy": history("recent-easy", (Rating.EASY, 1)),
    "hard-core": history("hard-core", (Rating.GOOD, 12), (Rating.HARD, 3)),
    # A card since removed from the bank: ignored.
    "removed": history("removed", (Rating.AGAIN, 5)),
}


def expected_recalls(target_day: date = INTERVIEW) -> dict[str, float]:
    when = datetime(target_day.year, target_day.month, target_day.day, INTERVIEW_HOUR, tzinfo=timezone.utc)
    return {c.id: fsrs_recall(MEMORIES[c.id], when) for c in CARDS if c.id in MEMORIES}


def test_the_fixture_has_cards_on_both_sides_of_the_target():
    recalls = expected_recalls()
    assert any(r < 0.9 for r in recalls.values()) and any(r >= 0.9 for r in recalls.values())


# ---------------------------------------------------------------------------
# The date


def test_an_iso_date_after_today_is_the_interview_day():
    assert parse_interview_date("2026-12-15", NOW) == date(2026, 12, 15)
    assert parse_interview_date(" 2026-03-03 ", NOW) == date(2026, 3, 3)


@pytest.mark.parametrize("text", ["15/12/2026", "2026-12-1", "20261215", "2026-W50-2", "tomorrow", ""])
def test_anything_but_yyyy_mm_dd_is_refused(text):
    with pytest.raises(PrepError, match="is not a date: write the interview day as YYYY-MM-DD"):
        parse_interview_date(text, NOW)


def test_a_day_not_on_the_calendar_is_refused():
    with pytest.raises(PrepError, match="'2026-02-30' is not a day of the calendar"):
        parse_interview_date("2026-02-30", NOW)


def test_a_passed_date_is_refused_in_one_line():
    with pytest.raises(PrepError) as caught:
        parse_interview_date("2026-03-01", NOW)
    assert str(caught.value) == "the interview date 2026-03-01 has passed; give a later one"
    assert caught.value.exit_code == 2


def test_today_is_refused_too_as_no_day_is_left_to_plan():
    with pytest.raises(PrepError, match="2026-03-02 is today"):
        parse_interview_date("2026-03-02", NOW)


def test_the_interview_starts_at_nine_local_time():
    assert interview_moment(INTERVIEW) == datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)
    assert INTERVIEW_HOUR == 9


def test_a_saved_date_holds_until_its_day_comes():
    assert saved_interview(None, NOW) is None
    assert saved_interview("2026-03-09", NOW) == INTERVIEW
    assert saved_interview("2026-03-03", NOW) == date(2026, 3, 3)
    assert saved_interview("2026-03-02", NOW) is None  # the day itself: back to what is due
    assert saved_interview("2026-01-01", NOW) is None
    with pytest.raises(PrepError, match="prep plan --clear"):
        saved_interview("next week", NOW)


# ---------------------------------------------------------------------------
# The plan


def test_weakest_cards_are_below_target_first_then_core_first_then_lowest_recall():
    plan = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW, weakest=100)
    recalls = expected_recalls()
    tiers = {c.id: c.tier for c in CARDS}
    expected = sorted(recalls, key=lambda cid: (recalls[cid] >= 0.9, tiers[cid].rank, recalls[cid], cid))
    assert [o.card.id for o in plan.weakest] == expected
    for outlook in plan.weakest:
        assert outlook.recall == pytest.approx(recalls[outlook.card.id], abs=1e-9)
    # Never-seen cards and memories of removed cards have no place in it.
    assert {o.card.id for o in plan.weakest} == set(recalls)


def test_weakest_is_cut_to_the_number_asked():
    plan = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW, weakest=2)
    full = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW, weakest=100)
    assert plan.weakest == full.weakest[:2]


def test_core_comes_before_deep_among_cards_below_target():
    # At a target no card reaches, order is by tier first, then recall.
    assert max(expected_recalls().values()) < 0.9999
    plan = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW, target=0.9999, weakest=100)
    ranks = [o.card.tier.rank for o in plan.weakest]
    assert ranks == sorted(ranks)
    core = [o.recall for o in plan.weakest if o.card.tier is Tier.CORE]
    assert core == sorted(core)


def test_the_plan_counts_cards_below_target_and_never_seen():
    recalls = expected_recalls()
    plan = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW)
    assert plan.today == TODAY
    assert plan.moment == interview_moment(INTERVIEW)
    assert plan.cards == 8 and plan.seen == 6 and plan.unseen == 2
    assert plan.below_target == sum(1 for r in recalls.values() if r < 0.9)
    higher = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW, target=0.97)
    assert higher.below_target == sum(1 for r in recalls.values() if r < 0.97)
    assert higher.below_target > plan.below_target


def test_each_day_from_today_to_the_day_before_gets_an_even_share():
    plan = plan_interview(CARDS, MEMORIES, INTERVIEW, NOW)
    assert [d.day for d in plan.days] == [TODAY + timedelta(days=i) for i in range(7)]
    assert plan.days_left == 7
    reviews = [d.reviews for d in plan.days]
    assert sum(reviews) == plan.below_target
    assert max(reviews) - min(reviews) <= 1
    assert reviews == sorted(reviews, reverse=True)  # the odd ones early
    assert sum(d.new for d in plan.days) == 2 and plan.new_left_out == 0
    assert plan.today_share == plan.days[0]


def test_reviews_spread_seven_over_three_days():
    many = [card(f"c{i}") for i in range(7)]
    forgotten = {c.id: history(c.id, (Rating.AGAIN, 10)) for c in many}
    plan = plan_interview(many, forgotten, TODAY + timedelta(days=3), NOW)
    assert [(d.reviews, d.new) for d in plan.days] == [(3, 0), (2, 0), (2, 0)]
    assert [d.total for d in plan.days] == [3, 2, 2]


def test_new_cards_are_capped_a_day_and_what_is_left_out_is_counted():
    unseen = [card(f"u{i}") for i in range(50)]
    plan = plan_interview(unseen, {}, TODAY + timedelta(days=3), NOW, new_per_day=10)
    assert [d.new for d in plan.days] == [10, 10, 10]
    assert plan.new_planned == 30 and plan.new_left_out == 20
    assert plan.weakest == () and plan.seen == 0


def test_new_cards_spread_evenly_within_the_limit():
    unseen = [card(f"u{i}") for i in range(8)]
    plan = plan_interview(unseen, {}, TODAY + timedelta(days=3), NOW, new_per_day=10)
    assert [d.new for d in plan.days] == [3, 3, 2]
    assert plan.new_left_out == 0


def test_cards_started_today_use_up_todays_new_limit():
    unseen = [card(f"u{i}") for i in range(25)]
    plan = plan_interview(unseen, {}, TODAY + timedelta(days=3), NOW, new_per_day=10, started_today=8)
    assert [d.new for d in plan.days] == [2, 10, 10]
    assert plan.new_left_out == 3


def test_the_day_before_the_interview_is_the_only_day_left():
    plan = plan_interview(CARDS, MEMORIES, TODAY + timedelta(days=1), NOW)
    assert [d.day for d in plan.days] == [TODAY]
    assert plan.days[0].reviews == plan.below_target


def test_a_target_outside_zero_to_one_is_a_bug():
    with pytest.raises(ValueError):
        plan_interview(CARDS, MEMORIES, INTERVIEW, NOW, target=1.5)


# ---------------------------------------------------------------------------
# Drilling for the interview


def test_drill_order_is_new_cards_then_lowest_predicted_recall_due_or_not():
    recalls = expected_recalls()
    order = [c.id for c in interview_drill_order(CARDS, MEMORIES, INTERVIEW, limit=None, new_limit=10)]
    assert order[:2] == ["new-a", "new-b"]  # never seen: recall 0, in bank order
    assert order[2:] == sorted(recalls, key=lambda cid: recalls[cid])
    # Cards not due now are drilled too: that is the point of a date.
    assert any(MEMORIES[cid].due > NOW for cid in order[2:])


def test_drill_order_keeps_within_the_new_limit_and_the_count():
    order = [c.id for c in interview_drill_order(CARDS, MEMORIES, INTERVIEW, limit=3, new_limit=1)]
    weakest_seen = min(expected_recalls().items(), key=lambda item: item[1])[0]
    assert order[0] == "new-a" and "new-b" not in order
    assert order[1] == weakest_seen and len(order) == 3


def test_drill_order_asks_a_card_given_twice_once():
    twice = [*CARDS, CARDS[0]]
    order = [c.id for c in interview_drill_order(twice, MEMORIES, INTERVIEW, limit=None, new_limit=10)]
    assert len(order) == len(set(order)) == len(CARDS)


# ---------------------------------------------------------------------------
# The commands, on the toy bank: toy-mean (core), toy-median (advanced), toy-theory (deep)


@pytest.fixture
def toy(monkeypatch, toy_bank_only, isolated_env):
    """The toy bank with a pinned clock; toy-mean solid, toy-median shaky, toy-theory never seen."""
    monkeypatch.setattr("interview_prep.cli.now", lambda: NOW)
    with ReviewStore(progress_path(isolated_env)) as store:
        for card_id, rating, days_ago in [
            ("toy-mean", Rating.GOOD, 15),
            ("toy-mean", Rating.GOOD, 5),
            ("toy-median", Rating.HARD, 6),
        ]:
            store.record(Review(card_id, NOW - timedelta(days=days_ago), rating, 10.0, 1, 3, Mode.QUIZ))
    return isolated_env


def toy_recalls(home, target_day: date = INTERVIEW) -> dict[str, float]:
    when = datetime(target_day.year, target_day.month, target_day.day, INTERVIEW_HOUR, tzinfo=timezone.utc)
    with ReviewStore(progress_path(home)) as store:
        return {cid: fsrs_recall(memory, when) for cid, memory in store.memories().items()}


def drilled(home) -> list[str]:
    with ReviewStore(progress_path(home)) as store:
        return [r.card_id for r in store.reviews() if r.mode is Mode.DRILL]


def test_plan_shows_days_counts_and_the_weakest_cards(cli, toy):
    recalls = toy_recalls(toy)
    assert recalls["toy-median"] < 0.9 <= recalls["toy-mean"]
    result = cli("plan", "--interview", "2026-03-09")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Interview on Mon 09 Mar 2026 at 09:00: 7 days left to study, today included" in out
    assert "3 cards chosen: 2 seen (1 predicted below 90% recall on the day), 1 never seen." in out
    # One review and one new card, both today (the odd ones go first), then nothing.
    rows = {line.split("  ")[1]: line.split()[-3:] for line in out.splitlines() if line.startswith("  ")}
    assert rows["today"] == ["1", "1", "2"]
    assert rows["Tue 03 Mar – Sun 08 Mar (6 days)"] == ["0", "0", "0"]
    # Weakest: the card below target first, then the solid one, recall rounded down.
    median_line = next(line for line in out.splitlines() if "toy-median" in line)
    mean_line = next(line for line in out.splitlines() if "toy-mean" in line)
    assert out.index(median_line) < out.index(mean_line)
    assert median_line.split()[0] == f"{int(recalls['toy-median'] * 100)}%"
    assert mean_line.split()[0] == f"{int(recalls['toy-mean'] * 100)}%"
    assert "toy-theory" not in out.split("Weakest on the day")[1]
    assert "Drill for it: prep drill --interview 2026-03-09" in out


def test_plan_puts_core_first_among_cards_below_target(cli, toy):
    result = cli("plan", "--interview", "2026-03-09", "--target", "0.99")
    assert result.exit_code == 0, result.output
    weakest = result.output.split("Weakest on the day")[1]
    assert weakest.index("toy-mean") < weakest.index("toy-median")
    assert "2 predicted below 99% recall" in result.output


def test_plan_says_when_unseen_cards_cannot_all_be_started(cli, toy):
    result = cli("plan", "--interview", "2026-03-03", "--new", "0")
    assert result.exit_code == 0, result.output
    assert "1 card never seen cannot all be started in time: at 0 new a day, 1 stay unseen." in result.output


def test_drill_interview_orders_by_predicted_recall_and_records_real_reviews(cli, toy):
    recalls = toy_recalls(toy)
    assert recalls["toy-median"] < recalls["toy-mean"]
    with ReviewStore(progress_path(toy)) as store:
        assert store.memories()["toy-mean"].due > NOW  # not due: plain drill would leave it
    result = cli("drill", "--interview", "2026-03-09", input="\n3\n\n3\n\n3\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Drilling for your interview on Mon 09 Mar 2026 (7 days left): lowest predicted recall on the day first."
    )
    # Never seen (recall 0), then the shaky card, then the solid one though it is not due.
    assert drilled(toy) == ["toy-theory", "toy-median", "toy-mean"]
    with ReviewStore(progress_path(toy)) as store:
        assert store.memories()["toy-theory"].last_review == NOW


def test_plain_drill_is_what_is_due(cli, toy):
    result = cli("drill", input="\n3\n\n3\n\n3\n")
    assert result.exit_code == 0, result.output
    assert "Drilling for your interview" not in result.output
    assert drilled(toy) == ["toy-median", "toy-theory"]


def test_a_saved_date_is_used_by_plain_drill_until_cleared(cli, toy):
    saved = cli("plan", "--interview", "2026-03-09", "--save")
    assert saved.exit_code == 0, saved.output
    assert "Saved: prep drill drills for this date until it comes" in saved.output
    shown = cli("plan")
    assert "Interview on Mon 09 Mar 2026 at 09:00" in shown.output
    drill = cli("drill", "-n", "1", input="\n3\n")
    assert drill.exit_code == 0, drill.output
    assert "Drilling for your interview on Mon 09 Mar 2026" in drill.output
    assert drilled(toy) == ["toy-theory"]
    cleared = cli("plan", "--clear")
    assert cleared.exit_code == 0
    assert "Forgot your interview date (2026-03-09)" in cleared.output
    after = cli("drill", "-n", "1", input="\n3\n")
    assert "Drilling for your interview" not in after.output
    assert drilled(toy) == ["toy-theory", "toy-median"]
    assert "No interview date is saved" in cli("plan").output
    assert "No interview date was saved." in cli("plan", "--clear").output


def test_a_saved_date_stops_counting_on_its_day(cli, toy, monkeypatch):
    cli("plan", "--interview", "2026-03-09", "--save")
    monkeypatch.setattr("interview_prep.cli.now", lambda: datetime(2026, 3, 9, 7, 0, tzinfo=timezone.utc))
    drill = cli("drill", "-n", "1", input="\n3\n")
    assert "Drilling for your interview" not in drill.output
    shown = cli("plan")
    assert shown.exit_code == 0
    assert "Your interview on 2026-03-09 has passed" in shown.output
    assert "Interview" not in cli("stats").output.split("Due")[-1]


def test_stats_shows_the_saved_interview(cli, toy):
    cli("plan", "--interview", "2026-03-09", "--save")
    result = cli("stats")
    assert result.exit_code == 0, result.output
    assert (
        "Mon 09 Mar 2026: 7 days left · 1 card below 90% on the day · today: 1 review + 1 new · see prep plan"
        in result.output
    )
    assert "Interview" not in cli("stats", "--data-dir", str(toy.parent / "elsewhere")).output


@pytest.mark.parametrize("command", ["plan", "drill"])
def test_a_passed_date_is_refused_with_one_line_and_a_usage_exit(cli, toy, command):
    result = cli(command, "--interview", "2026-03-01")
    assert result.exit_code == 2
    assert result.stderr == "prep: the interview date 2026-03-01 has passed; give a later one\n"
    assert drilled(toy) == []


@pytest.mark.parametrize("command", ["plan", "drill"])
def test_a_malformed_date_is_refused_with_one_line(cli, toy, command):
    result = cli(command, "--interview", "09/03/2026")
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: '09/03/2026' is not a date: write the interview day as YYYY-MM-DD")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--save"], "--save needs a date"),
        (["--clear", "--interview", "2026-03-09"], "--clear forgets the saved date: give it alone"),
        (["--interview", "2026-03-09", "--target", "0.3"], "0.3"),
    ],
)
def test_plan_refuses_options_that_do_not_go_together(cli, toy, args, message):
    result = cli("plan", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    with ReviewStore(progress_path(toy)) as store:
        assert store.setting("interview") is None

"""`prep quiz`, `prep drill` and `prep stats` as transcripts: piped input, line by line."""

from __future__ import annotations

import pytest

from interview_prep.store import ReviewStore, progress_path

pytestmark = pytest.mark.usefixtures("toy_bank_only")


def stored_reviews(home):
    with ReviewStore(progress_path(home)) as store:
        return store.reviews()


def test_a_mock_quiz_session(cli, isolated_env):
    script = (
        "\n".join(
            [
                "The mean minimises squared error;",  # answer, two lines
                "outliers pull it since errors are squared",
                "",  # blank line: done
                "r",  # run the snippet
                "3",  # rate: good
                "n",  # decline the offered follow-up
                "",  # empty answer: just reveal
                "q",  # quit
            ]
        )
        + "\n"
    )
    result = cli("quiz", "--topic", "toy", "--seed", "1", input=script)
    assert result.exit_code == 0, result.output
    out = result.output
    # The header gives neither the id nor the title away; the reveal shows both.
    assert "1/3  toy · core" in out and "1/3  toy · core · toy-mean" not in out
    assert "The mean as a best guess  toy-mean" in out
    assert "Key points: you covered 2 of 3" in out
    assert "✓ The mean minimises squared error.  “The mean minimises squared error”" in out
    assert "✗ The derivative is zero at the optimum." in out
    assert "suggested rating: 3 good" in out
    assert "squared error = 14.0" in out and "✓ matches the stored output" in out
    assert "The interviewer follows up: Which number minimises the absolute error?" in out
    assert "2/3  toy · advanced" in out
    assert "Session ended early. 1 card rated." in out
    assert [(r.card_id, r.rating, r.covered, r.mode) for r in stored_reviews(isolated_env)] == [
        ("toy-mean", 3, 2, "quiz")
    ]


def test_end_of_input_closes_the_session_with_a_summary(cli, isolated_env):
    result = cli("quiz", "--tier", "core", input="mean\n\n4\n")
    assert result.exit_code == 0
    assert "Quiz summary" in result.output
    assert "Session complete. 1 card rated." in result.output


def test_progress_survives_between_runs_and_stats_shows_it(cli, isolated_env):
    cli("quiz", "--order", "shuffle", "--seed", "2", "-n", "2", input="\n3\n\n2\n")
    cli("quiz", "--order", "shuffle", "--seed", "3", "-n", "1", input="\n1\n")
    assert len(stored_reviews(isolated_env)) == 3
    result = cli("stats")
    assert result.exit_code == 0, result.output
    assert "3 reviews on 1 day · streak: 1 day · 3 reviews in all" in result.output
    assert "streak: 1 day" in result.output
    assert "By topic and tier" in result.output
    assert "Due" in result.output


def test_stats_before_any_review(cli):
    result = cli("stats")
    assert result.exit_code == 0
    assert "No reviews yet" in result.output


def test_drill_new_cards_then_nothing_due(cli, isolated_env):
    first = cli("drill", input="\n3\n\n3\n\n3\n")
    assert first.exit_code == 0, first.output
    assert "Drill summary" in first.output
    assert [r.mode for r in stored_reviews(isolated_env)] == ["drill"] * 3
    again = cli("drill")
    assert again.exit_code == 0
    assert "Nothing is due now." in again.output
    assert "The next card falls due in" in again.output


def test_drill_respects_the_daily_new_limit(cli, isolated_env):
    result = cli("drill", "--new", "1", input="\n3\n\n3\n")
    assert "Session complete. 1 card rated." in result.output
    later = cli("drill", "--new", "1")
    assert "1 started today (at most 1 a day" in later.output


def test_drill_by_tier(cli, isolated_env):
    result = cli("drill", "--tier", "advanced", input="\n4\n")
    assert "toy-median" in result.output
    assert [r.card_id for r in stored_reviews(isolated_env)] == ["toy-median"]


def test_a_corrupt_progress_file_is_reported_and_left_alone(cli, isolated_env):
    isolated_env.mkdir(parents=True, exist_ok=True)
    db = progress_path(isolated_env)
    garbage = b"this is not a database" * 100
    db.write_bytes(garbage)
    result = cli("quiz", input="\n3\n")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert str(db) in result.stderr
    assert db.read_bytes() == garbage


def test_data_dir_option_overrides_prep_home(cli, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    cli("quiz", "--data-dir", str(elsewhere), "-n", "1", input="\n3\n")
    assert len(stored_reviews(elsewhere)) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["quiz", "--order", "random"], "prep: no order 'random'; orders are: mock, shuffle\n"),
        (["quiz", "--topic", "nope"], "prep: no topic 'nope'; topics are: toy\n"),
        (["drill", "--tier", "hard"], "prep: no tier 'hard'; tiers are: core, advanced, deep\n"),
        (["quiz", "--tag", "robustt"], "prep: no card has the tag 'robustt' (did you mean 'robust'?)\n"),
    ],
)
def test_bad_filters_are_one_line_errors(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_progress_of_a_card_no_longer_in_the_bank_is_kept_and_ignored(cli, isolated_env):
    from datetime import datetime, timezone

    from interview_prep.store import Review

    with ReviewStore(progress_path(isolated_env)) as store:
        store.record(Review("retired-card", datetime(2026, 1, 1, tzinfo=timezone.utc), 1, 3.0, 0, 3, "drill"))
    result = cli("drill", input="\n3\n\n3\n\n3\n")
    assert "retired-card" not in result.output
    assert "Session complete. 3 cards rated." in result.output
    stats = cli("stats")
    assert "retired-card" not in stats.output
    assert next(r.card_id for r in stored_reviews(isolated_env)) == "retired-card"


# --- naming cards, past answers, repeats, the end of a drill ---------------------


def test_quiz_asks_exactly_the_cards_named(cli, isolated_env):
    # By id and by alias or title, in the order named; nothing else is asked.
    result = cli("quiz", "toy-median", "toy-mean", input="median\n\n3\nmean\n\n3\n")
    assert result.exit_code == 0, result.output
    assert [r.card_id for r in stored_reviews(isolated_env)] == ["toy-median", "toy-mean"]
    assert "1/2  toy · advanced" in result.output and "2/2  toy · core" in result.output
    assert "Session complete. 2 cards rated." in result.output


def test_naming_cards_and_filtering_at_once_is_refused(cli):
    result = cli("quiz", "toy-mean", "--topic", "toy")
    assert result.exit_code == 2
    assert result.stderr == "prep: name cards, or choose them with --topic/--track/--tier/--tag, not both\n"


def test_a_failed_card_comes_back_in_the_same_quiz(cli, isolated_env):
    # Fail toy-mean first; with only three cards the session would end before
    # three more are asked, so it comes back at the end, numbered as a repeat.
    script = "\n1\nmedian\n\n3\nloss\n\n3\nthe mean\n\n3\n"
    result = cli("quiz", "toy-mean", "toy-median", "toy-theory", input=script)
    assert result.exit_code == 0, result.output
    assert "1/3 again  toy · core" in result.output
    assert [(r.card_id, r.rating) for r in stored_reviews(isolated_env)] == [
        ("toy-mean", 1),
        ("toy-median", 3),
        ("toy-theory", 3),
        ("toy-mean", 3),
    ]
    summary = result.output.split("Quiz summary")[1]
    # In the summary the repeat sits under its question.
    rows = [line.split("│")[1:3] for line in summary.splitlines() if line.startswith("│")]
    assert [(n.strip(), c.strip()) for n, c in rows] == [
        ("1", "toy-mean"),
        ("1 again", "toy-mean"),
        ("2", "toy-median"),
        ("3", "toy-theory"),
    ]


def test_past_answers_are_kept_shown_again_and_forgotten(cli, isolated_env):
    cli("quiz", "toy-mean", input="the average of the values\n\n2\n")
    second = cli("quiz", "toy-mean", input="the mean, squared errors pull it\n\n3\n")
    # At the reveal: what you answered last time, and how it went.
    assert "Your previous answer" in second.output
    assert "the average of the values" in second.output
    history = cli("history", "toy-mean")
    assert history.exit_code == 0, history.output
    assert "the average of the values" in history.output
    assert "the mean, squared errors pull it" in history.output
    assert history.output.index("the average") < history.output.index("the mean, squared")
    assert "rated hard" in history.output and "rated good" in history.output
    forgot = cli("history", "toy-mean", "--forget")
    assert forgot.output.strip() == "Forgot 2 kept answers of toy-mean."
    after = cli("history", "toy-mean")
    assert "the average of the values" not in after.output
    assert after.output.count("(no answer kept)") == 2  # the reviews themselves stay
    assert len(stored_reviews(isolated_env)) == 2


def test_keeping_answers_can_be_turned_off_for_a_session_or_for_good(cli, isolated_env):
    cli("quiz", "toy-mean", "--no-keep-answers", input="secret words\n\n3\n")
    assert stored_reviews(isolated_env)[-1].answer is None
    off = cli("history", "--keep-answers", "off")
    assert off.output.strip() == "Typed answers will no longer be kept."
    cli("quiz", "toy-mean", input="more secret words\n\n3\n")
    assert stored_reviews(isolated_env)[-1].answer is None
    assert "Keeping answers is off" in cli("history", "toy-mean").output
    cli("history", "--keep-answers", "on")
    cli("quiz", "toy-mean", input="kept words\n\n3\n")
    assert stored_reviews(isolated_env)[-1].answer == "kept words"


def test_history_of_a_card_never_answered_and_bad_input(cli, isolated_env):
    fresh = cli("history", "toy-median")
    assert fresh.exit_code == 0
    assert fresh.output.strip() == "No answers to toy-median yet. Try: prep quiz toy-median"
    assert (
        cli("history").stderr
        == "prep: name a card: prep history CARD (or --forget, or --keep-answers on|off)\n"
    )
    bad = cli("history", "--keep-answers", "maybe")
    assert bad.exit_code == 2 and bad.stderr == "prep: --keep-answers takes on or off, not 'maybe'\n"


def test_a_drill_ends_with_when_the_next_card_is_due(cli, isolated_env):
    result = cli("drill", input="\n3\n\n3\n\n3\n")
    assert "The next card falls due in" in result.output
    assert "Due tomorrow: 3." in result.output


def test_study_next_names_the_weakest_topic_and_tier_from_the_whole_history(cli, isolated_env):
    cli("quiz", "toy-median", input="median\n\n2\n")
    result = cli("quiz", "toy-mean", input="mean\n\n4\n")
    # This session was on a core card, rated easy; the history says advanced is weaker.
    assert (
        "Study next: toy · advanced, your weakest so far (average rating 2.0 over 1 review)." in result.output
    )
    assert "prep quiz --topic toy --tier advanced" in result.output

"""Every reading command through CliRunner, against the small fixture bank."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import BAD_BANKS, FIXTURES, GOOD_BANK

pytestmark = pytest.mark.usefixtures("toy_bank_only")


def test_explain_shows_the_whole_card_and_runs_the_snippet(cli):
    result = cli("explain", "toy-mean")
    assert result.exit_code == 0, result.output
    out = result.output
    order = [
        "The mean as a best guess",
        "Which single number minimises",
        "toy · core · toy-mean",
        "Short answer",
        "Key points",
        "• The mean minimises squared error.",
        "Intuition",
        "Math",
        "d/dc Σ (yᵢ − c)²",
        "Worked example",
        "Snippet",
        "values = [1, 2, 6]",
        "Output (run live)",
        "squared error = 14.0",
        "✓ matches the stored output",
        "Follow-ups",
        "→ Which number minimises the absolute error?",
        "prep explain toy-median",
        "Common mistakes",
        "✗ Thinking the median minimises squared error.",
        "Related\n  toy-median",
    ]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions)


def test_explain_forgives_a_typo_and_an_alias(cli):
    assert "The median as a robust guess" in cli("explain", "toy midian").output
    assert "The mean as a best guess" in cli("explain", "ARITHMETIC MEAN").output


def test_explain_no_run_shows_the_stored_output(cli):
    result = cli("explain", "toy-mean", "--no-run")
    assert "Output (stored; not run)" in result.output
    assert "mean = 3.0" in result.output
    assert "run live" not in result.output


def test_explain_marks_an_output_that_differs(cli):
    result = cli("explain", "toy-stale", "--bank", str(FIXTURES / "wrong-output"))
    assert result.exit_code == 0
    assert "✗ differs from the stored output" in result.output
    assert "-total = 5" in result.output and "+total = 6" in result.output


def test_explain_lists_ambiguous_cards_and_exits_1_without_a_terminal(cli):
    result = cli("explain", "twin car", "--bank", str(FIXTURES / "ambiguous"))
    assert result.exit_code == 1
    assert "Several cards fit 'twin car'" in result.output
    assert "twin-cab" in result.output and "twin-cat" in result.output


def test_explain_an_unknown_card_is_one_line_on_stderr(cli):
    result = cli("explain", "zzzz")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "prep: no card is called 'zzzz'. Try: prep search zzzz\n"


def test_a_bad_card_is_skipped_with_one_located_line_and_no_traceback(cli):
    result = cli("explain", "toy-mean", "--no-run", "--bank", str(BAD_BANKS / "bad-tier"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "prep: warning: 1 card file has problems (a card that cannot load is skipped), first "
        f"{BAD_BANKS / 'bad-tier' / 'toy' / 'expert.yaml'}:4: tier 'expert' is not one of core, advanced, deep;"
        " prep check lists them all\n"
    )
    assert "The mean as a best guess" in result.stdout
    assert "Traceback" not in result.output


def test_a_missing_bank_folder_is_a_usage_error(cli, tmp_path):
    result = cli("topics", "--bank", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: --bank folder ")


def test_run_passes_when_the_output_matches(cli):
    result = cli("run", "toy-mean")
    assert result.exit_code == 0
    assert result.stdout == "mean = 3.0\nsquared error = 14.0\n"
    assert "✓ toy-mean: output matches" in result.stderr


def test_run_fails_with_a_diff_when_it_does_not(cli):
    result = cli("run", "toy-stale", "--bank", str(FIXTURES / "wrong-output"))
    assert result.exit_code == 1
    assert result.stdout == "total = 6\n"
    assert "output differs" in result.stderr
    assert "-total = 5\n+total = 6" in result.stderr


def test_run_a_card_without_a_snippet(cli):
    result = cli("run", "toy-theory")
    assert result.exit_code == 2
    assert result.stderr == "prep: card 'toy-theory' has no snippet to run\n"


def test_topics_counts_cards_by_tier(cli):
    result = cli("topics")
    row = next(line for line in result.output.splitlines() if line.strip("│ ").startswith("toy"))
    # topic, core, advanced, deep, cards, tracks
    assert [cell.strip() for cell in row.split("│")[1:-1]] == ["toy", "1", "1", "1", "3", "toy-role"]


def test_list_filters_and_prints_json(cli):
    result = cli("list", "--tier", "advanced", "--tier", "deep", "--json")
    data = json.loads(result.stdout)
    assert [c["id"] for c in data] == ["toy-median", "toy-theory"]
    assert data[0] == {
        "id": "toy-median",
        "title": "The median as a robust guess",
        "topic": "toy",
        "tier": "advanced",
        "aliases": ["toy middle"],
    }
    table = cli("list", "--topic", "toy").output
    assert "toy-mean" in table and "toy-theory" in table


def test_unknown_topic_and_tier_list_the_valid_ones(cli):
    bad_topic = cli("list", "--topic", "toys")
    assert bad_topic.exit_code == 2
    assert bad_topic.stderr == "prep: no topic 'toys' (did you mean 'toy'?); topics are: toy\n"
    bad_tier = cli("list", "--tier", "expert")
    assert bad_tier.exit_code == 2
    assert bad_tier.stderr == "prep: no tier 'expert'; tiers are: core, advanced, deep\n"


def test_search_ranks_and_prints_json(cli):
    result = cli("search", "why is the median robust to outliers", "--json", "-n", "2")
    data = json.loads(result.stdout)
    assert data[0]["id"] == "toy-median"
    assert set(data[0]) == {"id", "title", "topic", "tier", "score"}
    assert len(data) <= 2
    # FTS5 scores a term found in most of a three-card bank near zero: higher is better, never below.
    assert data[0]["score"] >= data[-1]["score"] >= 0


def test_search_with_no_match_exits_1(cli):
    result = cli("search", "quaternion")
    assert result.exit_code == 1
    assert "no card matches 'quaternion'" in result.output


def test_check_passes_on_a_good_bank(cli):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "snippets matching" in result.output
    assert "✓ every card is valid" in result.output


def test_check_fails_on_a_stale_output_and_on_bad_cards(cli):
    result = cli(
        "check", "--bank", str(FIXTURES / "wrong-output"), "--bank", str(BAD_BANKS / "broken-related")
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.endswith("related links to unknown card 'missing-card'") for line in lines)
    assert any("toy-stale.yaml:" in line and "snippet output differs" in line for line in lines)


def test_usage_errors_are_one_line_with_a_hint(cli):
    result = cli("explain")
    assert result.exit_code == 2
    assert result.stderr == "prep: Missing argument 'CARD'. (see 'prep explain --help')\n"
    result = cli("list", "--topc", "loss")
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: No such option: --topc")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("command", ["explain", "run", "topics", "list", "search", "check"])
def test_every_command_has_help_with_an_example(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"prep {command}" in result.output


def test_top_level_help_and_version(cli):
    assert "prep explain mse" in cli("--help").output
    assert cli("--version").output.startswith("prep ")


def test_prep_alone_shows_help_listing_study_commands_first(cli):
    result = cli()
    assert result.exit_code == 0
    assert result.stderr == ""
    commands = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert commands[:4] == ["quiz", "drill", "plan", "stats"]
    # Every command has its place in the help's order, and every place a command.
    from interview_prep.cli import PrepGroup

    assert commands == list(PrepGroup.ORDER)


@pytest.mark.parametrize("case", sorted(p.name for p in BAD_BANKS.iterdir()))
def test_every_bad_fixture_is_one_located_line_from_the_cli(cli, case):
    # `prep check` fails on it; every other command skips the bad card with
    # one line of warning and runs on the good ones.
    result = cli("check", "--no-run", "--bank", str(BAD_BANKS / case))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(str(BAD_BANKS / case))
    assert re.match(r"^\S+:\d+: \S", line)
    assert "Traceback" not in result.output

    listed = cli("list", "--bank", str(BAD_BANKS / case))
    assert listed.exit_code == 0
    (warning,) = listed.stderr.splitlines()
    assert warning.startswith(
        "prep: warning: 1 card file has problems (a card that cannot load is skipped), first "
    )
    assert re.search(re.escape(str(BAD_BANKS / case)) + r"\S*:\d+: \S", warning)
    assert "prep check lists them all" in warning
    assert "toy-mean" in listed.stdout  # the good cards are all there


# --- tracks -------------------------------------------------------------------


def test_topics_shows_each_topics_tracks(cli):
    result = cli("topics")
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "toy " in line)
    assert "toy-role" in row


def test_a_track_selects_its_topics_for_a_quiz(cli):
    result = cli("quiz", "--track", "toy-role", "-n", "1", "--seed", "1", input="\n\n3\n")
    assert result.exit_code == 0, result.stderr
    assert "1 of 1" in result.stdout or "1/1" in result.stdout


def test_an_unknown_track_names_the_choices(cli):
    result = cli("quiz", "--track", "toy-rol")
    assert result.exit_code == 2
    assert result.stderr == "prep: no track 'toy-rol' (did you mean 'toy-role'?); tracks are: toy-role\n"


def test_a_track_naming_an_unknown_topic_fails_check(cli, tmp_path):
    import shutil

    bank = tmp_path / "mine"
    shutil.copytree(GOOD_BANK, bank)
    (bank / "tracks.yaml").write_text("toy-role:\n  topics: [toy, nope]\n")
    result = cli("check", "--no-run", "--bank", str(bank))
    assert result.exit_code == 1
    assert f"{bank / 'tracks.yaml'}:1: track 'toy-role' names unknown topic 'nope'" in result.stderr


def test_check_keeps_each_cards_grading_until_what_decides_it_changes(cli, tmp_path, monkeypatch):
    # Grading the examples is most of check's own work; a second check of an
    # unchanged bank reuses it, and any edit grades the card again.
    import shutil

    from interview_prep import checker

    bank = tmp_path / "bank"
    shutil.copytree(GOOD_BANK, bank)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr("interview_prep.bank.packaged_bank_dir", lambda: empty)
    monkeypatch.setenv("PREP_BANK", str(bank))
    graded: list[str] = []
    real = checker.grading_problems
    monkeypatch.setattr(
        checker,
        "grading_problems",
        lambda card, vocabulary=None: graded.append(card.id) or real(card, vocabulary),
    )

    assert cli("check", "--no-run").exit_code == 0
    assert sorted(graded) == ["toy-mean", "toy-median", "toy-theory"]
    graded.clear()
    assert cli("check", "--no-run").exit_code == 0
    assert graded == []  # nothing changed: nothing graded again

    # An edit that breaks a card's grading is graded again and reported.
    card = next(bank.glob("*/toy-mean.yaml"))
    text = card.read_text()
    card.write_text(text.replace("A common mistake is to say", "It is true that", 1))
    graded.clear()
    result = cli("check", "--no-run")
    assert result.exit_code == 1
    assert "toy-mean" in graded
    assert "good answer" in result.stderr and "has mistake 1 caught" in result.stderr

    # A new word anywhere in the bank regrades every card (a typo of it is no longer a typo).
    card.write_text(text)
    graded.clear()
    other = next(bank.glob("*/toy-median.yaml"))
    other.write_text(other.read_text().replace("title: ", "title: Zyxwvut ", 1))
    assert cli("check", "--no-run").exit_code == 0
    assert sorted(graded) == ["toy-mean", "toy-median", "toy-theory"]


def test_a_damaged_grading_cache_is_ignored(cli, isolated_env):
    cache = isolated_env / "cache" / "check-grading.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text('{"version": 1, "context": "x", "cards": [1, 2')
    assert cli("check", "--no-run").exit_code == 0
    cache.write_text("\x00\xff")
    assert cli("check", "--no-run").exit_code == 0

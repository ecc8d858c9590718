"""`prep grade` and the grading half of `prep check`, as a user runs them."""

from __future__ import annotations

import json
import shutil

import pytest

from .conftest import GOOD_BANK

pytestmark = pytest.mark.usefixtures("toy_bank_only")


def test_grade_catches_the_mistake_and_quotes_the_answer(cli):
    result = cli(
        "grade", "toy-mean", "--answer", "The median minimises squared error; the slope is zero there."
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "What you got wrong (1)" in out
    assert "You said “The median minimises squared error”" in out
    assert "Thinking the median minimises squared error." in out
    assert "The median minimises absolute error; squared error gives the mean." in out
    assert "✓ The derivative is zero at the optimum.  “the slope is zero there”" in out
    assert out.rstrip().endswith("Suggested rating: 1 again")


def test_grade_json_is_one_object_for_scripts(cli):
    result = cli("grade", "toy-mean", "--json", "--answer", "The median minimises squared error.")
    data = json.loads(result.stdout)
    assert set(data) == {"card", "covered", "total", "suggested", "points", "mistakes"}
    assert (data["card"], data["total"], data["suggested"]) == ("toy-mean", 3, "again")
    assert data["mistakes"] == [
        {
            "mistake": "Thinking the median minimises squared error.",
            "correction": "The median minimises absolute error; squared error gives the mean.",
            "evidence": "The median minimises squared error",
        }
    ]
    assert [p["status"] for p in data["points"]] == ["missed", "missed", "missed"]


def test_grade_reads_the_answer_from_standard_input(cli):
    answer = "It is the average, and an outlier drags it far since its slope is zero there.\n"
    data = json.loads(cli("grade", "toy average", "--json", input=answer).stdout)
    assert (data["covered"], data["suggested"], data["mistakes"]) == (3, "good", [])
    assert data["points"][0]["evidence"] == "It is the average"


def test_grade_a_contradicted_point_is_listed_as_a_mistake(cli):
    data = json.loads(cli("grade", "toy-mean", "--json", "--answer", "It is not the mean at all.").stdout)
    assert data["points"][0]["status"] == "contradicted"
    assert data["mistakes"] == [
        {
            "mistake": "contradicts: The mean minimises squared error.",
            "correction": "The mean minimises squared error.",
            "evidence": "It is not the mean at all",
        }
    ]
    assert data["suggested"] == "again"


def test_grade_an_empty_answer_is_assessed_not_refused(cli):
    result = cli("grade", "toy-mean", "--json", input="")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["covered"], data["suggested"]) == (0, "again")


def test_grade_an_unknown_card_is_one_line_exit_2(cli):
    result = cli("grade", "zzzz", "--answer", "x")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("prep: no card is called 'zzzz'")
    assert len(result.stderr.splitlines()) == 1


def test_explain_shows_the_weak_answer_and_why(cli):
    out = cli("explain", "toy-mean", "--no-run").output
    assert "A weak answer, and why" in out
    assert "The median minimises squared error, since the slope" in out
    assert out.index("A weak answer, and why") < out.index("What you got wrong (2)") < out.index("Follow-ups")


def toy_mean_edited(tmp_path, monkeypatch, old: str, new: str):
    """A copy of the toy bank, in use, whose toy-mean card has `old` replaced by `new`."""
    bank = tmp_path / "bank"
    shutil.copytree(GOOD_BANK, bank)
    card = bank / "toy" / "toy-mean.yaml"
    text = card.read_text()
    assert old in text
    card.write_text(text.replace(old, new))
    monkeypatch.setenv("PREP_BANK", str(bank))
    return card


def test_check_fails_a_card_whose_wrong_answer_is_not_caught(cli, tmp_path, monkeypatch):
    signals = '["median ... minimi* ... squared", "median ... squared error"]'
    card = toy_mean_edited(tmp_path, monkeypatch, signals, '["median ... is robust"]')
    result = cli("check", "--no-run")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{card}:") and "does not have mistake 1 caught" in line for line in lines), (
        lines
    )


def test_check_reports_a_keyword_that_repeats_the_question(cli, tmp_path, monkeypatch):
    keywords = "keywords: [derivative, gradient, slope]"
    card = toy_mean_edited(tmp_path, monkeypatch, keywords, keywords.replace("]", ", single number]"))
    result = cli("check", "--no-run")
    assert result.exit_code == 1
    assert (
        f"{card}:16: keyword 'single number' only repeats the question, so it earns nothing" in result.stderr
    )


def test_check_can_be_limited_to_named_cards(cli):
    result = cli("check", "toy-mean", "--no-run")
    assert result.exit_code == 0, result.output
    assert "✓ every card is valid, grades its examples as labelled" in result.output
    assert cli("check", "nope", "--no-run").exit_code == 2


# --- a shared bank is code: it runs only once trusted ------------------------


@pytest.fixture
def untrusted_bank(tmp_path, monkeypatch):
    bank = tmp_path / "shared-bank"
    shutil.copytree(GOOD_BANK, bank)
    monkeypatch.setenv("PREP_BANK", str(bank))
    return bank


def test_explain_shows_the_stored_output_of_an_untrusted_bank_and_says_how_to_trust_it(cli, untrusted_bank):
    result = cli("explain", "toy-mean")
    assert result.exit_code == 0
    out = " ".join(result.output.split())
    assert "Output (stored; not run)" in out
    assert "run live" not in out
    assert (
        f"a bank you have not trusted, so its snippet does not run; if you trust its code: prep trust {untrusted_bank}"
        in out
    )


def test_run_and_check_refuse_an_untrusted_bank_then_run_it_once_trusted(cli, untrusted_bank):
    refused = cli("run", "toy-mean")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert f"prep trust {untrusted_bank}" in refused.stderr and len(refused.stderr.splitlines()) == 1
    check = cli("check")
    assert check.exit_code == 1
    assert (
        f"{untrusted_bank}: not trusted, so its 2 snippets did not run; if you trust its code: prep trust {untrusted_bank}"
        in check.stderr
    )

    assert cli("trust", str(untrusted_bank)).exit_code == 0
    assert str(untrusted_bank) in cli("trust").stdout
    assert cli("run", "toy-mean").exit_code == 0
    assert cli("check").exit_code == 0

    assert cli("trust", str(untrusted_bank), "--forget").exit_code == 0
    assert cli("run", "toy-mean").exit_code == 2


def test_a_quiz_on_an_untrusted_bank_does_not_run_the_snippet(cli, untrusted_bank):
    result = cli("quiz", "--tier", "core", "-n", "1", input="the mean\n\nr\n3\n")
    assert result.exit_code == 0
    assert "a bank you have not trusted" in " ".join(result.output.split())
    assert "matches the stored output" not in result.output

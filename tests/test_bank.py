"""Loading and validating cards: the good fixture bank, and one broken bank per failure kind."""

from __future__ import annotations

import re

import pytest

from interview_prep.bank import bank_dirs, load_bank, open_bank, packaged_bank_dir
from interview_prep.cards import Tier
from interview_prep.errors import BankError

from .conftest import BAD_BANKS, GOOD_BANK


def test_good_bank_loads_every_field():
    bank = load_bank([GOOD_BANK])
    assert bank.problems == []
    assert list(bank.cards) == ["toy-mean", "toy-median", "toy-theory"]
    mean = bank.get("toy-mean")
    assert mean.tier is Tier.CORE
    assert mean.aliases == ("toy average", "arithmetic mean")
    assert mean.key_points[1].keywords == ("outlier*", "extreme value*")
    assert mean.common_mistakes[0].signals == ("median ... minimi* ... squared", "median ... squared error")
    assert mean.answers.wrong[0].mistake == 1
    # A plain string is still a mistake (format 1), without signals.
    assert bank.get("toy-theory").common_mistakes[0].signals == ()
    assert mean.snippet.output == "mean = 3.0\nsquared error = 14.0\n"
    assert mean.follow_ups[0].card == "toy-median"
    assert mean.follow_ups[1].card is None
    assert mean.math.startswith("d/dc Σ")
    assert mean.line_of("snippet") == 22


# Each broken bank holds exactly one problem: (file, line, message pattern).
BAD_CASES = {
    "invalid-yaml": ("toy/broken.yaml", 6, r"not valid YAML: did not find expected ','"),
    "not-utf8": ("toy/latin.yaml", 6, r"not UTF-8 text \(byte 0xe9\)"),
    "not-a-mapping": ("toy/listy.yaml", 1, r"a card must be a mapping of fields, not a list"),
    "missing-field": ("toy/no-question.yaml", 1, r"missing required field 'question'"),
    "unknown-field": (
        "toy/typo.yaml",
        10,
        r"unknown field 'comon_mistakes' \(did you mean 'common_mistakes'\?\)",
    ),
    "wrong-type": ("toy/aliases-text.yaml", 10, r"field 'aliases' must be a list of text items, not text"),
    "bad-tier": ("toy/expert.yaml", 4, r"tier 'expert' is not one of core, advanced, deep"),
    "id-mismatch": (
        "toy/file-name.yaml",
        1,
        r"id 'other-name' does not match the file name 'file-name.yaml'",
    ),
    "bad-id": ("toy/Bad_Id.yaml", 1, r"id 'Bad_Id' is not kebab-case"),
    "topic-mismatch": ("toy/wrong-folder.yaml", 3, r"topic 'elsewhere' does not match the folder 'toy'"),
    "duplicate-id": ("toy/twin.yaml", 1, r"duplicate id 'twin': also .*other/twin.yaml:1"),
    "duplicate-alias": (
        "toy/second.yaml",
        10,
        r"alias 'Shared-Name' is already an alias of card 'first' \(.*toy/first.yaml:10\)",
    ),
    "alias-is-id": (
        "toy/claimer.yaml",
        10,
        r"alias 'holder' is already the id of card 'holder' \(.*toy/holder.yaml:1\)",
    ),
    "broken-follow-up": ("toy/lonely.yaml", 11, r"follow_ups\[0\] links to unknown card 'no-such-card'"),
    "broken-related": ("toy/pointer.yaml", 10, r"related links to unknown card 'missing-card'"),
    "duplicate-key": ("toy/twice.yaml", 10, r"field 'title' is given twice \(first on line 2\)"),
    "bad-key-point": ("toy/pointless.yaml", 8, r"key_points\[0\]\.keywords must be a non-empty list"),
    "bad-snippet": ("toy/mute.yaml", 10, r"snippet\.output must be text"),
    "stray-file": ("stray.yaml", 1, r"not loaded: cards live at <bank>/<topic>/<id>\.yaml"),
    "bad-signal": (
        "toy/hollow.yaml",
        11,
        r"signal 'it is \.\.\. the \.\.\. ': every part between '\.\.\.' needs a word",
    ),
    "bad-mistake": ("toy/muddle.yaml", 11, r"common_mistakes\[0\] has unknown field 'corection'"),
    "bad-answers": (
        "toy/numbered.yaml",
        16,
        r"answers\.wrong\[0\]\.mistake must be the number \(1 to 1\) of a common mistake",
    ),
}


def test_every_bad_fixture_is_covered():
    assert sorted(p.name for p in BAD_BANKS.iterdir()) == sorted(BAD_CASES)


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_card_gives_one_located_problem(case):
    file, line, pattern = BAD_CASES[case]
    folder = BAD_BANKS / case
    bank = load_bank([folder])
    assert len(bank.problems) == 1, [str(p) for p in bank.problems]
    problem = str(bank.problems[0])
    assert "\n" not in problem
    location, message = problem.split(": ", 1)
    assert location == f"{folder / file}:{line}"
    assert re.search(pattern, message), message


def test_open_bank_skips_bad_cards_and_lists_every_problem(monkeypatch, tmp_path):
    monkeypatch.setenv("PREP_BANK", str(BAD_BANKS / "bad-tier"))
    bank = open_bank([BAD_BANKS / "unknown-field"], cache=tmp_path / "cache")
    mine = [p for p in bank.problems if str(BAD_BANKS) in str(p.path)]
    assert len(mine) == 2
    assert "mse" in bank.cards and len(bank) > 100  # the good cards still load


def test_user_card_clashing_with_a_packaged_id_names_both_files(tmp_path):
    clash = tmp_path / "mine" / "loss" / "mse.yaml"
    clash.parent.mkdir(parents=True)
    clash.write_text(
        (GOOD_BANK / "toy" / "toy-theory.yaml")
        .read_text()
        .replace("id: toy-theory", "id: mse")
        .replace("topic: toy", "topic: loss")
        .replace("card: toy-mean", "card: mse")
        .replace("card: toy-median", "card: mse")
    )
    bank = load_bank(bank_dirs([tmp_path / "mine"]))
    messages = [str(p) for p in bank.problems]
    packaged = packaged_bank_dir() / "loss" / "mse.yaml"
    assert any(str(clash) in m and f"also {packaged}" in m for m in messages), messages


def test_bank_folders_come_from_env_and_flags(monkeypatch, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("PREP_BANK", f"{GOOD_BANK}:{other}")
    assert bank_dirs([GOOD_BANK]) == [packaged_bank_dir(), GOOD_BANK, other]


def test_missing_bank_folder_is_a_bank_error(tmp_path):
    with pytest.raises(BankError, match="--bank folder .*nowhere.* does not exist"):
        bank_dirs([tmp_path / "nowhere"])


def test_readme_example_is_the_shipped_card():
    readme = (packaged_bank_dir() / "README.md").read_text(encoding="utf-8")
    example = readme.split("## A full example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert example == (packaged_bank_dir() / "loss" / "mse.yaml").read_text(encoding="utf-8")


def test_summaries_come_in_topic_tier_id_order_without_sorting_in_python(tmp_path):
    # select_summaries relies on the index's SQL order; check it against Python's own.
    from interview_prep.bank import open_bank

    bank = open_bank([GOOD_BANK], cache=tmp_path / "cache")
    listed = bank.select_summaries()
    assert [c.id for c in listed] == [
        c.id for c in sorted(bank.summaries.values(), key=lambda c: (c.topic, c.tier.rank, c.id))
    ]
    assert len(listed) > 3

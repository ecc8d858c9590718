"""`find_card`'s rules, in order: name, id words, a name inside, typos, initials, starts.

The lookups of issue 11 on the shipped bank, then each rule on the toy bank.
"""

from __future__ import annotations

import pytest

from interview_prep.bank import bank_dirs, load_bank
from interview_prep.search import MAX_CANDIDATES, Ambiguous, find_card

from .conftest import GOOD_BANK


@pytest.fixture(scope="module")
def shipped():
    return load_bank(bank_dirs())


@pytest.fixture(scope="module")
def toy():
    return load_bank([GOOD_BANK])


def ids(found):
    assert isinstance(found, Ambiguous), f"opened {found.id}"
    return [card.id for card in found.candidates]


# ---------------------------------------------------------------------------
# The shipped bank: what issue 11 found wrong


@pytest.mark.parametrize(
    "query, expected",
    [
        # A whole name inside the query beats a typo ("bce loss" was one edit from "dice loss").
        ("bce loss", "binary-cross-entropy"),
        ("mae loss", "mae"),
        ("mse loss", "mse"),
        ("BCE-loss", "binary-cross-entropy"),
        # An id word opens the one card whose id holds it.
        ("softmax", "softmax-cross-entropy"),
        # A unique id prefix opens its card.
        ("softm", "softmax-cross-entropy"),
        ("data leak", "data-leakage"),
        # A name nearly spelled out is a typo, not a fragment of several ids.
        ("cross entrop", "why-cross-entropy"),
        ("learning-rat", "learning-rate"),
        ("huberr", "huber"),
    ],
)
def test_issue_lookups_open_the_right_card(shipped, query, expected):
    found = find_card(shipped, query)
    assert not isinstance(found, Ambiguous), ids(found)
    assert found.id == expected


def test_leak_offers_the_leakage_cards_data_leakage_first(shipped):
    offered = ids(find_card(shipped, "leak"))
    assert offered[0] == "data-leakage"
    # Cards with "leak" in their id before the one that only says "leaky ReLU".
    assert offered[:3] == ["data-leakage", "feature-leakage", "forecast-backtest-leakage"]


@pytest.mark.parametrize("query", ["CE", "ce"])
def test_ce_lists_the_cross_entropy_cards_first(shipped, query):
    found = find_card(shipped, query)
    offered = ids(found)
    named_so = sorted(card_id for card_id in shipped.summaries if "cross-entropy" in card_id)
    assert len(named_so) >= 4
    assert sorted(offered[: len(named_so)]) == named_so
    # "ECE" is one letter from "CE", but two letters hold no typo.
    assert "calibration" not in offered
    assert all("cross-entropy" in card.title.lower() for card in found.candidates[:6])


def test_a_long_list_is_cut_to_the_closest_few_and_says_how_many_more(shipped):
    found = find_card(shipped, "ce")
    assert isinstance(found, Ambiguous)
    assert len(found.candidates) == MAX_CANDIDATES
    assert found.more > 0


def test_every_shipped_id_alias_and_title_still_opens_its_card(shipped):
    wrong = []
    for summary in shipped.summaries.values():
        for name in (summary.id, *summary.aliases):
            found = find_card(shipped, name)
            if isinstance(found, Ambiguous) or found.id != summary.id:
                wrong.append(name)
    assert wrong == []


def test_a_lookup_never_reads_every_name_or_summary(monkeypatch):
    # What keeps a lookup fast on 10,000 cards: SQLite finds the few names that can fit.
    def refuse():
        raise AssertionError("a lookup read the whole bank")

    bank = load_bank(bank_dirs())
    monkeypatch.setattr(bank.index, "names", refuse)
    monkeypatch.setattr(bank.index, "summaries", refuse)
    for query in ("bce loss", "softmax", "leak", "CE", "huberr", "cross entrop"):
        find_card(bank, query)


# ---------------------------------------------------------------------------
# Each rule on the toy bank: toy-mean ("toy average", "arithmetic mean",
# "The mean as a best guess"), toy-median ("toy middle", "The median as a
# robust guess") and toy-theory ("Why estimators differ").


def test_an_id_word_opens_the_card_and_a_shared_one_lists_them_shortest_id_first(toy):
    assert find_card(toy, "theory").id == "toy-theory"
    assert ids(find_card(toy, "toy")) == ["toy-mean", "toy-median", "toy-theory"]


def test_a_name_inside_the_query_opens_its_card_when_the_card_holds_the_other_words(toy):
    assert find_card(toy, "toy middle guess").id == "toy-median"
    assert find_card(toy, "arithmetic mean guess").id == "toy-mean"


def test_a_typo_is_forgiven_when_no_word_fits(toy):
    assert find_card(toy, "arithmatic mean").id == "toy-mean"
    assert find_card(toy, "toy midle").id == "toy-median"


def test_initials_of_a_name_find_its_card(toy):
    # "am": arithmetic mean; two letters are never read as a typo.
    assert find_card(toy, "AM").id == "toy-mean"


def test_the_start_of_a_word_finds_its_card(toy):
    assert find_card(toy, "robu").id == "toy-median"
    assert find_card(toy, "estimat").id == "toy-theory"
    # Both titles have a word starting "gues"; the shorter title first.
    assert ids(find_card(toy, "gues")) == ["toy-mean", "toy-median"]


# ---------------------------------------------------------------------------
# Through the command line


def test_explain_opens_the_card_a_lookup_names(cli):
    result = cli("explain", "bce loss", "--no-run")
    assert result.exit_code == 0, result.stderr
    assert "loss · core · binary-cross-entropy" in result.stdout


def test_explain_without_a_terminal_lists_the_closest_few_and_how_many_more(cli):
    result = cli("explain", "CE", "--no-run")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Several cards fit 'CE':"
    assert "why-cross-entropy" in lines[2]
    assert "calibration" not in result.stdout
    assert any(
        line.startswith("… and ") and line.endswith(" more; a longer name narrows the list.")
        for line in lines
    )
    assert lines[-1] == "Run again with one of these ids, for example: prep explain why-cross-entropy"

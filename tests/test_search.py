"""Finding a card by name (explain) and by free text (search)."""

from __future__ import annotations

import pytest

from interview_prep.bank import load_bank
from interview_prep.errors import LookupFailed
from interview_prep.search import Ambiguous, find_card, search, terms
from interview_prep.text import search_stem

from .conftest import FIXTURES, GOOD_BANK


@pytest.fixture(scope="module")
def bank():
    return load_bank([GOOD_BANK])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("toy-mean", "toy-mean"),
        ("TOY MEAN", "toy-mean"),
        ("toy_mean", "toy-mean"),
        ("Arithmetic Mean", "toy-mean"),
        ("the median as a robust guess", "toy-median"),
        ("toy-meen", "toy-mean"),
        ("arithmatic mean", "toy-mean"),
        ("toy midle", "toy-median"),
    ],
)
def test_find_card_by_id_alias_title_and_typo(bank, query, expected):
    assert find_card(bank, query).id == expected


def test_equally_good_names_are_ambiguous(bank):
    # "toy mea" is one edit from "toy mean", and as far from nothing else; "toy med" likewise.
    found = find_card(bank, "toy meXn")
    assert not isinstance(found, Ambiguous)
    tie = find_card(load_bank([FIXTURES / "ambiguous"]), "twin car")
    assert isinstance(tie, Ambiguous)
    assert [c.id for c in tie.candidates] == ["twin-cab", "twin-cat"]


def test_an_unknown_name_suggests_search(bank):
    with pytest.raises(
        LookupFailed,
        match=r"no card is called 'outliers'; closest by content: toy-median, toy-mean. Try: prep search outliers",
    ):
        find_card(bank, "outliers")


def test_an_empty_query_is_refused(bank):
    with pytest.raises(LookupFailed, match="give the id"):
        find_card(bank, "  ")


def test_search_ranks_the_card_that_answers_a_pasted_question(bank):
    hits = search(bank, "Why is the median robust to outliers when the mean is not?")
    assert hits[0].card.id == "toy-median"
    assert hits[0].score > hits[-1].score


def test_search_uses_tags_and_limits_results(bank):
    hits = search(bank, "regression", limit=1)
    assert [h.card.id for h in hits] == ["toy-mean"]


def test_search_with_only_stopwords_finds_nothing(bank):
    assert search(bank, "what is the") == []


def test_terms_drop_stopwords_and_plurals():
    assert terms("Why do losses penalise outliers?") == ["loss", "penalise", "outlier"]
    assert search_stem("penalties") == "penalty"
    assert search_stem("losses") == search_stem("loss") == "loss"


def test_search_and_grading_agree_on_plurals():
    # Both read words through text.py: "biases" is the plural of "bias" for both.
    from interview_prep.text import singular_forms

    assert search_stem("biases") == search_stem("bias")
    assert "bias" in singular_forms("biases")


def test_search_quality_on_interview_questions_is_at_least_the_hand_written_bm25s():
    """tests/search/questions*.yaml: 292 questions written the way interviewers ask them.

    FTS5 search must do at least as well as the hand-written BM25 it replaced
    (tests/search/bm25_reference.py), on the same bank, in the same run.
    """
    import importlib.util
    from pathlib import Path

    from .search import bm25_reference

    script = Path(__file__).resolve().parent.parent / "scripts" / "search_quality.py"
    spec = importlib.util.spec_from_file_location("search_quality", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    questions = module.load_questions()
    assert len(questions) >= 290
    now = module.figures(questions)
    before = module.figures(questions, search=bm25_reference.search)
    assert now["top1"] >= before["top1"] and now["top3"] >= before["top3"] and now["mrr"] >= before["mrr"], (
        now,
        before,
    )

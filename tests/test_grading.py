"""Key-point coverage of typed answers: the keyword rule in question_bank/README.md."""

from __future__ import annotations

import random
import time

import pytest

from interview_prep.cards import KeyPoint
from interview_prep.grading import (
    Coverage,
    PointCoverage,
    grade_answer,
    normalise_words,
    singular_forms,
    suggest_rating,
    within_one_edit,
)

# The key points of the shipped mse card (question_bank/loss/mse.yaml).
MSE_POINTS = (
    KeyPoint(
        "Squaring punishes large errors.",
        ("squar*", "positive", "cancel", "large errors", "penali*", "punish*"),
    ),
    KeyPoint(
        "Smooth, with a gradient proportional to the error.",
        ("smooth", "differentiab*", "gradient", "convex"),
    ),
    KeyPoint("Estimates the conditional mean.", ("mean", "conditional mean", "average")),
    KeyPoint("Maximum likelihood under Gaussian noise.", ("gaussian", "normal", "likelihood", "mle")),
    KeyPoint("Sensitive to outliers.", ("outlier", "robust", "mae", "huber")),
)


def matched(answer: str, *keywords: str) -> str | None:
    """The keyword that covers a single key point made of `keywords`, if any."""
    coverage = grade_answer(answer, [KeyPoint("p", keywords)])
    return coverage.points[0].matched


def covers(answer: str, keyword: str) -> bool:
    return matched(answer, keyword) == keyword


def test_written_answer_covers_some_points_and_misses_others():
    answer = (
        "MSE squares the residuals so big misses are penalised heavily, and the "
        "optimum is the conditional mean. It is very sensitive to Outliers."
    )
    coverage = grade_answer(answer, MSE_POINTS)
    assert [p.covered for p in coverage.points] == [True, False, True, False, True]
    assert [p.matched for p in coverage.points] == ["squar*", None, "mean", None, "outlier"]
    assert coverage.points[1].point is MSE_POINTS[1]
    assert (coverage.covered, coverage.total) == (3, 5)
    assert coverage.fraction == pytest.approx(0.6)


def test_first_matching_keyword_is_reported():
    # "penali*" would match too, but "large errors" is listed first on the point.
    assert matched("Large errors get penalised", "large errors", "penali*") == "large errors"


def test_empty_answer_and_empty_points():
    assert grade_answer("", MSE_POINTS).covered == 0
    empty = grade_answer("anything at all", [])
    assert (empty.covered, empty.total, empty.fraction) == (0, 0, 0.0)


@pytest.mark.parametrize(
    "answer, keyword",
    [
        ("THE CONDITIONAL MEAN", "conditional mean"),  # case
        ("it's the (conditional) mean!", "conditional mean"),  # punctuation between words
        ("use cross-entropy here", "cross entropy"),  # hyphen in the answer
        ("use cross entropy here", "cross-entropy"),  # hyphen in the keyword
        ("the learning_rate matters", "learning rate"),  # underscore splits too
        ("a few outliers", "outlier"),  # plural in the answer
        ("one outlier", "outliers"),  # plural in the keyword
        ("L1 penalties", "penalty"),
        ("the penalty term", "penalties"),
        ("training losses", "loss"),
        ("the loss", "losses"),
        ("many classes", "class"),
        ("several biases", "bias"),
        ("mixture of Gaussians", "gaussian"),
        ("matrices", "matrix"),
        ("in two cases", "case"),
        ("follow the gradeint", "gradient"),  # adjacent letters swapped
        ("follow the gradint", "gradient"),  # a letter missing
        ("follow the gradiennt", "gradient"),  # a letter extra
        ("follow the grodient", "gradient"),  # a letter wrong
        ("the gradeints vanish", "gradient"),  # a typo and a plural at once
        ("errors get penalised", "penali*"),
        ("errors get PENALIZED", "penali*"),
        ("penalising large errors", "penali*"),
        ("a differentiable loss", "differentiab*"),
        ("the squared error", "squar* error"),  # a stem inside a phrase
        ("the error is σ² over n", "σ²"),  # Unicode symbols survive
        ("the prediction ŷ", "ŷ"),
        ("the prediction y\u0302", "ŷ"),  # decomposed accent, composed keyword
        ("a naïve estimate", "naïve"),
        ("a naive estimate", "naïve"),  # an unaccented letter is one typo
        ("the café", "CAFÉ"),
        ("ＭＡＥ", "mae"),  # full-width letters
    ],
)
def test_keyword_matches(answer: str, keyword: str):
    assert covers(answer, keyword)


@pytest.mark.parametrize(
    "answer, keyword",
    [
        ("a meaningful comparison", "mean"),  # whole words only, unless a stem
        ("the error is large", "large errors"),  # words must be in order
        ("large squared errors", "large errors"),  # and next to each other
        ("use mse", "mae"),  # no typo forgiven in short words
        ("the mean", "meal"),
        ("follow the graidnet", "gradient"),  # two typos
        ("quare", "squar*"),  # a stem must start the word
        ("the stems differ", "penali*"),
        ("take notes", "not"),  # "notes" is note + s, not not + es
        ("unbiased", "bias"),
        ("", "mean"),
    ],
)
def test_keyword_does_not_match(answer: str, keyword: str):
    assert not covers(answer, keyword)


def test_stem_is_lowercased_and_has_no_typo_tolerance():
    assert covers("Regularisation helps", "REGULARI*")
    assert not covers("Regluarisation helps", "regulari*")


def test_keywords_without_words_never_match():
    assert matched("* - !", "*", "-", "") is None


def test_multi_word_keyword_matches_at_any_position():
    answer = "mean and more mean then conditional variance and conditional mean"
    assert covers(answer, "conditional mean")
    assert not covers(answer, "conditional median")


def test_normalisation_keeps_unicode_letters_and_splits_on_punctuation():
    assert normalise_words("Cross-Entropy, ŷ and σ; café's learning_rate") == [
        "cross",
        "entropy",
        "ŷ",
        "and",
        "σ",
        "cafés",
        "learning",
        "rate",
    ]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("outliers", "outlier"),
        ("penalties", "penalty"),
        ("losses", "loss"),
        ("classes", "class"),
        ("biases", "bias"),
        ("batches", "batch"),
        ("cases", "case"),
    ],
)
def test_plurals_have_their_singular_among_their_forms(word: str, expected: str):
    assert expected in singular_forms(word)
    assert expected in singular_forms(expected)


@pytest.mark.parametrize("word", ["loss", "class", "gaussian", "analysis", "status"])
def test_singular_words_ending_like_plurals_are_kept_whole(word: str):
    assert singular_forms(word) == {word}


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("gradient", "gradient", True),
        ("gradient", "gradeint", True),
        ("gradient", "gradint", True),
        ("gradint", "gradient", True),
        ("gradient", "gradientt", True),
        ("gradient", "xradient", True),
        ("gradient", "gradienx", True),
        ("gradient", "rgadient", True),
        ("gradient", "gradietn", True),
        ("gradient", "graidnet", False),
        ("gradient", "gradi", False),
        ("abcd", "bcda", False),
        ("model", "lodem", False),
    ],
)
def test_within_one_edit(a: str, b: str, expected: bool):
    assert within_one_edit(a, b) is expected


def test_suggest_rating_thresholds():
    def coverage(covered: int, total: int) -> Coverage:
        point = KeyPoint("p", ("k",))
        return Coverage(
            tuple(PointCoverage(point, i < covered, "k" if i < covered else None) for i in range(total))
        )

    assert suggest_rating(coverage(4, 4), answered=False) == 1
    assert suggest_rating(coverage(0, 4), answered=True) == 1
    assert suggest_rating(coverage(1, 5), answered=True) == 1  # 0.2 < 0.25
    assert suggest_rating(coverage(1, 4), answered=True) == 2  # exactly a quarter
    assert suggest_rating(coverage(2, 5), answered=True) == 2  # 0.4 < 0.5
    assert suggest_rating(coverage(2, 4), answered=True) == 3  # exactly a half
    assert suggest_rating(coverage(5, 5), answered=True) == 3  # never 4: easy is the user's call
    assert suggest_rating(coverage(0, 0), answered=True) == 3  # nothing to measure against


def test_suggest_rating_from_a_real_grading():
    thin = grade_answer("It squares the errors.", MSE_POINTS)
    assert suggest_rating(thin, answered=True) == 1
    half = grade_answer("It squares errors and estimates the mean; outliers hurt.", MSE_POINTS)
    assert suggest_rating(half, answered=True) == 3


def test_fast_enough_for_a_hundred_points_and_a_long_answer():
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 11))) for _ in range(500)]

    def phrase() -> str:
        return " ".join(rng.choices(vocabulary, k=rng.randint(1, 3)))

    points = [KeyPoint(f"point {i}", tuple(phrase() for _ in range(4))) for i in range(100)]
    answers = [" ".join(rng.choices(vocabulary, k=300)) for _ in range(5)]
    grade_answer(answers[0], points)  # warm the per-keyword caches, as a session would
    timings = []
    for answer in answers[1:]:
        start = time.perf_counter()
        coverage = grade_answer(answer, points)
        timings.append(time.perf_counter() - start)
        assert coverage.total == 100
    # The target is well under 10 ms; the bound is loose for a busy CI machine.
    assert min(timings) < 0.010

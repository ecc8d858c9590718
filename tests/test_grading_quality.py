"""The shipped bank's grading, held to bank-wide figures so no card added later can quietly weaken it.

The figures are the ones `scripts/grading_report.py` prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_prep import grading_quality as quality
from interview_prep.bank import load_bank, packaged_bank_dir
from interview_prep.domain import Rating
from interview_prep.grading import assess, bank_vocabulary


@pytest.fixture(scope="module")
def bank():
    return load_bank([packaged_bank_dir()])


@pytest.fixture(scope="module")
def cards(bank):
    return list(bank)


def grade(bank, card_id: str, answer: str):
    return assess(answer, bank.get(card_id), bank_vocabulary(bank))


def test_every_shipped_card_carries_its_grading(cards):
    missing = []
    for card in cards:
        if card.answers is None or not card.answers.good or not card.answers.wrong:
            missing.append(f"{card.id}: needs good and wrong example answers")
        if not card.common_mistakes:
            missing.append(f"{card.id}: needs common mistakes")
        for number, mistake in enumerate(card.common_mistakes, 1):
            if not (mistake.signals and mistake.correction):
                missing.append(f"{card.id}: mistake {number} needs signals and a correction")
    assert missing == []


def test_every_example_grades_as_labelled(cards):
    figures = quality.example_figures(cards)
    assert figures.good_credited == figures.good >= len(cards)
    assert figures.wrong_caught == figures.wrong >= len(cards)


def test_the_question_typed_back_covers_nothing(cards):
    assert quality.parrots(cards) == []


def test_every_short_answer_covers_its_own_points(cards):
    assert quality.incomplete_short_answers(cards) == []


def test_cards_rarely_rate_an_unrelated_cards_answer_good(cards):
    confusion = quality.cross_card_confusion(cards)
    assert confusion.share <= 0.10, confusion.pairs


@pytest.mark.parametrize("paragraph", quality.BUZZWORD_PARAGRAPHS, ids=["training", "vague", "everything"])
def test_a_paragraph_of_buzzwords_rates_no_card_good(cards, paragraph):
    assert len(paragraph.split()) >= 55
    assert quality.rated_good(paragraph, cards) == []


# The cases the grading issue was opened with.


def test_the_mse_misconception_is_caught(bank):
    answer = (
        "MSE is robust to outliers and not differentiable, it is not related to Gaussian likelihood "
        "and it does not estimate the conditional mean; errors cancel."
    )
    result = grade(bank, "mse", answer)
    assert result.suggested is Rating.AGAIN
    assert [c.number for c in result.mistakes] == [1]
    assert len(result.contradicted) >= 3


def test_six_words_are_hard_at_best(bank):
    result = grade(bank, "mse", "cancel smooth conditional mean gaussian outlier")
    assert result.suggested <= Rating.HARD


def test_a_correct_answer_in_ordinary_writing_is_credited(bank):
    answer = (
        "Squaring means over- and under-shoots can't cancel out, and big misses cost far more. "
        "It's smooth, so its gradient is proportional to the error. Minimising it gives E[y|x], "
        "the conditional mean, and it's the MLE when noise is N(0, σ²). It isn't robust: "
        "outliers dominate, which is why people reach for MAE or Huber."
    )
    result = grade(bank, "mse", answer)
    assert (result.covered, result.total, result.wrong_count) == (5, 5, 0)
    assert result.suggested is Rating.GOOD


HELD_OUT_SETS = sorted((Path(__file__).parent / "heldout").glob("answers*.yaml"))


# The grading issue's targets are 90% of wrong answers flagged, 90% of correct
# answers suggested good, at most 5% of correct answers with a mistake caught.
# Measured (see the CHANGELOG): wrong answers flagged 83%, 81%, 88% and 80% on
# the four sets; correct answers good and clean 100%, 97%, 100% and 95%; a
# mistake in 0%, 3%, 0% and 5% of correct answers. The wrong-answer target is not met yet;
# until it is, the test holds the figures where they stand so that no card
# added later can lower them.
FLOORS = {"wrong_flagged": 0.80, "correct_good_clean": 0.95, "correct_with_mistake": 0.05}


@pytest.mark.parametrize("held_out", HELD_OUT_SETS, ids=[p.stem for p in HELD_OUT_SETS])
def test_held_out_answers_hold_their_figures(bank, held_out):
    """Answers written from each card's question and model answer only; see tests/heldout/.

    The message gives figures only, never the failing answers, so that nobody
    tuning cards reads the set by running the tests.
    """
    figures = quality.held_out_figures(quality.load_held_out(held_out), bank.cards)
    n = figures.cards
    summary = (
        f"{held_out.name}: wrong flagged {figures.wrong_flagged}/{n}, correct good {figures.correct_good_clean}/{n},"
        f" correct with a mistake {figures.correct_with_mistake}/{n}"
    )
    assert n >= 30, summary
    assert figures.wrong_flagged / n >= FLOORS["wrong_flagged"], summary
    assert figures.correct_good_clean / n >= FLOORS["correct_good_clean"], summary
    assert figures.correct_with_mistake / n <= FLOORS["correct_with_mistake"], summary


def test_the_confusion_bound_skips_only_pairs_that_cannot_be_good(cards):
    """cross_card_confusion assesses only the pairs a cheap bound lets through; on a
    slice of the bank, the bound must give exactly what assessing every pair gives."""
    from interview_prep.grading import ParsedAnswer

    some = cards[::4]
    vocabulary = bank_vocabulary(some)
    every_pair = [
        (grader.id, other.id)
        for grader in some
        for other in some
        if other.id != grader.id
        and not quality.linked(grader, other)
        and assess(ParsedAnswer(other.short_answer, vocabulary), grader).suggested >= Rating.GOOD
    ]
    assert quality.cross_card_confusion(some).pairs == every_pair


def test_the_cosine_misconception_is_caught(bank):
    result = grade(
        bank, "cosine-similarity-loss", "it depends on the magnitude of the vectors, basically MSE"
    )
    assert result.mistakes and result.suggested is Rating.AGAIN


@pytest.mark.parametrize(
    "answer",
    [
        "The p-value is the probability that the null hypothesis is true.",
        "A small p-value means a big effect.",
        "With p = 0.03, 1 − p = 97% is the chance the result replicates.",
    ],
    ids=["null-true", "big-effect", "replication"],
)
def test_the_three_p_value_misconceptions_are_caught(bank, answer):
    result = grade(bank, "p-value", answer)
    assert result.mistakes and result.suggested is Rating.AGAIN


def test_too_large_means_too_high(bank):
    answer = (
        "If the learning rate is too large the loss diverges or oscillates; if it's too small "
        "training crawls. You sweep it on a log scale."
    )
    result = grade(bank, "learning-rate", answer)
    assert result.wrong_count == 0 and result.suggested is Rating.GOOD

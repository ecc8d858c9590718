"""Assessing typed answers: the rules in question_bank/README.md, "How an answer is assessed"."""

from __future__ import annotations

import pytest

from interview_prep.cards import Card, KeyPoint, Mistake, Tier
from interview_prep.domain import Rating
from interview_prep.grading import Assessment, PointResult, Status, assess
from interview_prep.text import singular_forms, within_one_edit, words


def card(points=(), mistakes=(), question="Explain it.") -> Card:
    return Card(
        id="toy",
        title="Toy",
        topic="toy",
        tier=Tier.CORE,
        question=question,
        short_answer="-",
        key_points=tuple(points),
        common_mistakes=tuple(mistakes),
    )


def matched(answer: str, *keywords: str) -> str | None:
    """The keyword that covers a single key point made of `keywords`, if any."""
    result = assess(answer, card([KeyPoint("p", keywords)]))
    return result.points[0].matched if result.points[0].covered else None


def covers(answer: str, keyword: str) -> bool:
    return matched(answer, keyword) == keyword


def status(answer: str, point: KeyPoint, question: str = "Explain it.") -> Status:
    return assess(answer, card([point], question=question)).points[0].status


def caught(answer: str, *signals: str) -> bool:
    return bool(assess(answer, card(mistakes=[Mistake("m", "c", signals)])).mistakes)


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
        ("the error is σ² over n", "σ²"),  # Unicode symbols are written out
        ("the prediction ŷ", "ŷ"),
        ("the prediction y\u0302", "ŷ"),  # decomposed accent, composed keyword
        ("a naïve estimate", "naïve"),
        ("a naive estimate", "naïve"),  # accents are dropped
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


def test_normalisation_writes_symbols_out_and_splits_on_punctuation():
    assert words("Cross-Entropy, ŷ and σ; café's learning_rate") == [
        "cross",
        "entropy",
        "y",
        "hat",
        "and",
        "sigma",
        "cafe",
        "learning",
        "rate",
    ]


def test_first_matching_keyword_is_reported_with_the_words_that_earned_it():
    result = assess("Large errors get penalised. Fine.", card([KeyPoint("p", ("large errors", "penali*"))]))
    assert result.points[0].matched == "large errors"
    assert result.points[0].evidence == "Large errors get penalised"


def test_empty_answer_is_assessed_not_refused():
    result = assess("   ", card([KeyPoint("p", ("mean",))]))
    assert (result.covered, result.total, result.answered, result.suggested) == (0, 1, False, Rating.AGAIN)


# --- the vocabulary: a real word is never a typo -----------------------------


@pytest.mark.parametrize(
    "answer, keyword",
    [
        ("a based estimate", "biased"),
        ("a point estimate", "joint"),
        ("a simple model", "sample"),
        ("a table of results", "stable"),
        ("a spare tyre", "sparse"),
        ("a local minimum", "focal"),
        ("Adam with a schedule", "adamw"),
    ],
)
def test_a_real_word_is_not_read_as_a_typo(answer: str, keyword: str):
    assert not covers(answer, keyword)


def test_a_word_the_bank_knows_is_not_a_typo_either():
    point = KeyPoint("p", ("softmax",))
    known = {"softmix"}.__contains__
    assert assess("use softmix", card([point])).points[0].covered  # unknown: a typo
    assert not assess("use softmix", card([point]), known).points[0].covered


# --- symbols, spellings and contractions meet ------------------------------


@pytest.mark.parametrize(
    "answer, keyword",
    [
        ("the variance sigma^2", "σ²"),
        ("the variance sigma squared", "σ²"),
        ("the variance σ^2", "sigma squared"),
        ("predict y_hat", "ŷ"),
        ("predict yhat", "ŷ"),
        ("the sqrt(n) rule", "√n"),
        ("the square root of n", "√n"),
        ("Σ of the errors", "sum of errors"),
        ("p <= 0.05", "p ≤ 0.05"),
        ("model p(y|x) directly", "p of y given x"),
        ("it takes |x|", "absolute value of x"),
        ("the loss doesn't change", "does not change"),
        ("its mean", "the mean"),
        ("it's smooth", "it is smooth"),
    ],
)
def test_symbols_and_spellings_meet(answer: str, keyword: str):
    assert covers(answer, keyword)


# --- negation and polarity --------------------------------------------------

SYMMETRY = KeyPoint("KL is not symmetric.", ("not symmetric", "asymmetric"), ("kl ... symmetric",))


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("KL is not symmetric.", Status.COVERED),  # the keyword's own negation
        ("KL isn't symmetric in its arguments.", Status.COVERED),
        ("KL is asymmetric.", Status.COVERED),
        ("KL is symmetric.", Status.CONTRADICTED),  # the contradicts signal
        ("It is a common mistake to think KL is symmetric; it is not a distance.", Status.MISSED),
        ("Is KL symmetric?", Status.MISSED),  # a question asserts nothing
    ],
)
def test_polarity_is_the_keywords_own(answer: str, expected: Status):
    assert status(answer, SYMMETRY) is expected


MEAN = KeyPoint("MSE estimates the conditional mean.", ("conditional mean",))


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("It estimates the conditional mean.", Status.COVERED),
        ("It does not estimate the conditional mean.", Status.CONTRADICTED),
        ("It never gives the conditional mean.", Status.CONTRADICTED),
        ("It gives the median rather than the conditional mean.", Status.CONTRADICTED),
        ("It is not robust and it estimates the conditional mean.", Status.COVERED),  # "and" ends the reach
        ("It is not only smooth, it also gives the conditional mean.", Status.COVERED),
        ("Unlike the conditional mean, the median ignores outliers.", Status.CONTRADICTED),
        ("People think it gives the conditional mean.", Status.MISSED),  # reported, neither way
    ],
)
def test_a_negated_keyword_contradicts_its_point(answer: str, expected: Status):
    assert status(answer, MEAN) is expected


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("MSE is robust to outliers.", True),
        ("MSE is pretty robust.", True),
        ("Honestly, MSE is quite robust to noise.", True),
        ("MSE is not robust to outliers.", False),
        ("MSE isn't robust.", False),
        ("MSE is less robust than MAE.", False),
        ("MAE is robust, unlike MSE.", False),
        ("MAE is robust whereas MSE is not.", False),
        ("A common mistake is to call MSE robust.", False),
        ("It's a myth that MSE is robust.", False),
        ("People think MSE is robust, but one outlier dominates it.", False),
        ("People often treat MSE as robust; one outlier dominates it.", False),
        ("People read MSE as robust because it averages.", False),
        ("Candidates mix up which loss is robust and call MSE robust.", False),
        ("A common error is calling MSE robust.", False),
        ("MSE is more sensitive than robust losses.", False),  # parts too far apart
        ("MSE squares errors. Robust losses exist.", False),  # parts in two sentences
    ],
)
def test_a_signal_is_caught_only_when_asserted(answer: str, expected: bool):
    assert caught(answer, "mse ... robust") is expected


def test_not_only_asserts_what_follows_but_denies_only():
    assert caught("The loss is not only used to evaluate.", "used to evaluate")
    assert not caught("The loss is not only used to evaluate.", "only used to evaluate")
    assert caught("The loss is only used to evaluate.", "only used to evaluate")


def test_a_signal_runs_from_an_if_clause_into_its_consequence():
    signal = "training loss ... up ... overfit*"
    assert caught("If the training loss goes up, that's overfitting.", signal)
    assert not caught("If the training loss goes up, it is not overfitting.", signal)
    assert not caught("The training loss goes up, and later the model is overfitting.", signal)


def test_a_signal_with_several_parts_keeps_their_order():
    signal = "p value ... probability ... null ... true"
    assert caught("The p-value is the probability that the null hypothesis is true.", signal)
    assert not caught("The null is true with probability p value.", signal)


# --- echoes and lists of words ----------------------------------------------


def test_words_of_the_question_earn_nothing():
    point = KeyPoint("p", ("precision", "fraction of predicted positives"))
    question = "What is precision?"
    assert status("precision", point, question) is Status.MISSED
    assert (
        status("precision is the fraction of predicted positives that are right", point, question)
        is Status.COVERED
    )


def test_a_list_of_words_is_suggested_hard_at_best():
    points = [KeyPoint(str(i), (word,)) for i, word in enumerate(["cancel", "smooth", "gaussian", "outlier"])]
    listed = assess("cancel smooth gaussian outlier", card(points))
    assert listed.covered == 4 and not listed.reads_as_sentences
    assert listed.suggested is Rating.HARD
    written = assess("Errors cancel, and it is smooth; it is gaussian, so an outlier hurts.", card(points))
    assert written.reads_as_sentences and written.suggested is Rating.GOOD


# --- the suggestion -----------------------------------------------------------


def test_suggestion_thresholds():
    point = KeyPoint("p", ("k",))

    def suggested(covered: int, total: int, wrong: int = 0, answered: bool = True) -> Rating:
        statuses = [Status.COVERED] * covered + [Status.CONTRADICTED] * wrong
        statuses += [Status.MISSED] * (total - len(statuses))
        return Assessment(tuple(PointResult(point, s) for s in statuses), answered=answered).suggested

    assert suggested(4, 4, answered=False) is Rating.AGAIN
    assert suggested(0, 4) is Rating.AGAIN
    assert suggested(1, 5) is Rating.AGAIN  # 0.2 < 0.25
    assert suggested(1, 4) is Rating.HARD  # exactly a quarter
    assert suggested(2, 5) is Rating.HARD  # 0.4 < 0.5
    assert suggested(2, 4) is Rating.GOOD  # exactly a half
    assert suggested(5, 5) is Rating.GOOD  # never easy: that is the user's call
    assert suggested(0, 0) is Rating.GOOD  # nothing to measure against
    assert suggested(4, 5, wrong=1) is Rating.AGAIN  # one contradiction outweighs the rest


def test_a_caught_mistake_means_again_whatever_else_is_covered():
    points = [KeyPoint("a", ("squares the errors",)), KeyPoint("b", ("conditional mean",))]
    mistakes = [Mistake("Calling MSE robust.", "It is not.", ("mse ... robust",))]
    result = assess(
        "MSE squares the errors, gives the conditional mean, and MSE is robust.", card(points, mistakes)
    )
    assert (result.covered, result.total) == (2, 2)
    assert [c.evidence for c in result.mistakes] == ["and MSE is robust"]
    assert result.suggested is Rating.AGAIN


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

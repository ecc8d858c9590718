"""Bank-wide measures of how far the grading can be trusted.

`scripts/grading_report.py` prints them; `tests/test_grading_quality.py`
holds the shipped bank to them, so a card added later cannot quietly make the
grading worse. Each measure is a plain function of a bank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cards import Card
from .domain import Rating
from .grading import Assessment, ParsedAnswer, assess, bank_vocabulary

# Paragraphs of about sixty words of interview buzzwords, in sentences: what a
# candidate who knows the vocabulary and not the ideas might type anywhere.
BUZZWORD_PARAGRAPHS = (
    (
        "The model uses gradient descent to minimise the loss function, and regularization "
        "controls overfitting through the bias variance tradeoff. We use cross validation on "
        "the training data and watch the validation loss. Cross entropy and mean squared error "
        "are common losses, the learning rate matters, and precision, recall and calibration "
        "depend on the threshold and the distribution of the data."
    ),
    (
        "It is basically about the likelihood of the data under the model. You look at the "
        "probability, the gradient, the variance and the bias, and you make sure the metric "
        "matches the business objective. Outliers, class imbalance and noise all affect the "
        "loss, so you tune the hyperparameters, monitor drift in production and retrain the "
        "model when performance drops on the test set."
    ),
    (
        "In practice it depends on the data. Deep learning models are trained with Adam and "
        "batch norm, while linear models use L1 or L2 penalties for sparsity. The p value, the "
        "confidence interval and statistical significance tell you whether the result is real, "
        "and feature engineering, data leakage and the train test split decide whether the "
        "offline evaluation matches what happens online."
    ),
)


def linked(a: Card, b: Card) -> bool:
    """Cards that point at each other by follow-up or related link share material by design."""

    def points_to(x: Card, y: Card) -> bool:
        return y.id in x.related or any(f.card == y.id for f in x.follow_ups)

    return points_to(a, b) or points_to(b, a)


@dataclass
class Confusion:
    """Which cards rate another, unlinked card's short answer as good."""

    pairs: list[tuple[str, str]] = field(default_factory=list)  # (grading card, answering card)
    cards: int = 0

    @property
    def confused_cards(self) -> list[str]:
        return sorted({grader for grader, _ in self.pairs})

    @property
    def share(self) -> float:
        return len(self.confused_cards) / self.cards if self.cards else 0.0


def cross_card_confusion(cards: Sequence[Card]) -> Confusion:
    vocabulary = bank_vocabulary(cards)
    parsed = {card.id: ParsedAnswer(card.short_answer, vocabulary) for card in cards}
    candidates = _could_rate_good(cards, parsed, vocabulary)
    confusion = Confusion(cards=len(cards))
    for grader in cards:
        for other in cards:
            if other.id == grader.id or linked(grader, other) or other.id not in candidates[grader.id]:
                continue
            if assess(parsed[other.id], grader).suggested >= Rating.GOOD:
                confusion.pairs.append((grader.id, other.id))
    return confusion


def _could_rate_good(
    cards: Sequence[Card], parsed: dict[str, ParsedAnswer], known: Callable[[str], bool]
) -> dict[str, set[str]]:
    """For each card, the answers that could be rated good on it: a cheap bound, so the
    full assessment runs on few of the n² pairs.

    An answer can be good only if at least half the card's points have a
    keyword all of whose words it contains. Answers holding a word that is
    not a real word (a possible typo, which the bound does not model) are
    always assessed in full.
    """
    from .grading import _content_words
    from .text import is_real_word, singular_forms

    holders: dict[str, set[str]] = {}  # a word form -> the answers that hold it
    always: set[str] = set()
    for card_id, answer in parsed.items():
        for word in answer.words:
            for form in singular_forms(word):
                holders.setdefault(form, set()).add(card_id)
            if len(word) >= 4 and not is_real_word(word, known):
                always.add(card_id)

    held: dict[str, set[str]] = {}

    def holding(word: str) -> set[str]:
        if word not in held:
            if word.endswith("*"):
                stem = word[:-1]
                held[word] = set().union(*(ids for form, ids in holders.items() if form.startswith(stem)))
            else:
                held[word] = set().union(*(holders.get(form, set()) for form in singular_forms(word)))
        return held[word]

    result: dict[str, set[str]] = {}
    for card in cards:
        counts: dict[str, int] = {}
        for point in card.key_points:
            covering: set[str] = set()
            for keyword in point.keywords:
                words = _content_words(keyword)
                if words:
                    covering |= set.intersection(*(holding(w) for w in words))
            for card_id in covering:
                counts[card_id] = counts.get(card_id, 0) + 1
        need = len(card.key_points) / 2
        result[card.id] = {cid for cid, n in counts.items() if n >= need} | always
    return result


def rated_good(answer: str, cards: Iterable[Card]) -> list[str]:
    """The cards on which `answer` is suggested good."""
    cards = list(cards)
    vocabulary = bank_vocabulary(cards)
    parsed = ParsedAnswer(answer, vocabulary)
    return [card.id for card in cards if assess(parsed, card).suggested >= Rating.GOOD]


def parrots(cards: Iterable[Card]) -> list[str]:
    """Cards on which the question, typed back, covers a key point."""
    return [card.id for card in cards if assess(card.question, card).covered]


def incomplete_short_answers(cards: Iterable[Card]) -> list[str]:
    out = []
    for card in cards:
        result = assess(card.short_answer, card)
        if result.covered < result.total or result.wrong_count:
            out.append(card.id)
    return out


@dataclass
class ExampleFigures:
    good: int = 0
    good_credited: int = 0
    wrong: int = 0
    wrong_caught: int = 0


def example_figures(cards: Iterable[Card]) -> ExampleFigures:
    figures = ExampleFigures()
    for card in cards:
        if card.answers is None:
            continue
        for text in card.answers.good:
            result = assess(text, card)
            figures.good += 1
            figures.good_credited += result.suggested >= Rating.GOOD and not result.wrong_count
        for example in card.answers.wrong:
            result = assess(example.text, card)
            figures.wrong += 1
            figures.wrong_caught += any(c.number == example.mistake for c in result.mistakes)
    return figures


# ---------------------------------------------------------------------------
# The held-out set: answers written from a card's question and model answer
# only (tests/heldout/answers.yaml), never tuned against.

HELD_OUT_KINDS = ("correct", "partial", "wrong")


@dataclass
class HeldOutFigures:
    cards: int = 0
    correct_good_clean: int = 0  # suggested good with no mistake caught
    correct_with_mistake: int = 0  # a mistake caught or a point contradicted
    wrong_flagged: int = 0  # a mistake caught, a point contradicted, or suggested again
    wrong_caught: int = 0  # a mistake caught or a point contradicted
    partial_not_good: int = 0
    partial_with_mistake: int = 0
    failures: list[str] = field(default_factory=list)


def load_held_out(path: Path) -> list[dict[str, str]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [entry for entry in data if isinstance(entry, dict)]


def held_out_figures(entries: Sequence[dict[str, str]], cards_by_id: dict[str, Card]) -> HeldOutFigures:
    vocabulary = bank_vocabulary(cards_by_id.values())
    figures = HeldOutFigures()
    for entry in entries:
        card = cards_by_id.get(entry["card"])
        if card is None:
            figures.failures.append(f"{entry['card']}: no such card")
            continue
        figures.cards += 1
        results: dict[str, Assessment] = {
            kind: assess(entry[kind], card, vocabulary) for kind in HELD_OUT_KINDS
        }
        correct, partial, wrong = (results[k] for k in HELD_OUT_KINDS)
        if correct.suggested >= Rating.GOOD and not correct.wrong_count:
            figures.correct_good_clean += 1
        else:
            figures.failures.append(
                f"{card.id}: correct answer suggested {correct.suggested.label}"
                f" ({correct.covered}/{correct.total}, {correct.wrong_count} wrong)"
            )
        if correct.wrong_count:
            figures.correct_with_mistake += 1
        if wrong.wrong_count or wrong.suggested == Rating.AGAIN:
            figures.wrong_flagged += 1
        else:
            figures.failures.append(
                f"{card.id}: wrong answer suggested {wrong.suggested.label}"
                f" ({wrong.covered}/{wrong.total}); it claims: {entry.get('wrong_claim', '?')}"
            )
        figures.wrong_caught += bool(wrong.wrong_count)
        figures.partial_not_good += partial.suggested < Rating.GOOD
        figures.partial_with_mistake += bool(partial.wrong_count)
    return figures

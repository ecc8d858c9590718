"""Bank-wide measures of how far the grading can be trusted.

`scripts/grading_report.py` prints them; `tests/test_grading_quality.py`
holds the shipped bank to them, so a card added later cannot quietly make the
grading worse. Each measure is a plain function of a bank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    confusion = Confusion(cards=len(cards))
    for grader in cards:
        for other in cards:
            if other.id == grader.id or linked(grader, other):
                continue
            if assess(parsed[other.id], grader).suggested >= Rating.GOOD:
                confusion.pairs.append((grader.id, other.id))
    return confusion


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

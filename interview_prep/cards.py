"""The card model: what one question card holds once it has been validated."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

CARD_FORMAT_VERSION = 2


class Tier(str, enum.Enum):
    """How deep into an interview a question sits. Ordered: core < advanced < deep."""

    CORE = "core"
    ADVANCED = "advanced"
    DEEP = "deep"

    @property
    def rank(self) -> int:
        return _TIER_ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    @classmethod
    def names(cls) -> list[str]:
        return [tier.value for tier in _TIER_ORDER]


_TIER_ORDER = [Tier.CORE, Tier.ADVANCED, Tier.DEEP]


class Listed(Protocol):
    """What a list of cards shows: a whole Card, or an index summary of one."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def tier(self) -> Tier: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class KeyPoint:
    point: str
    keywords: tuple[str, ...]
    # Signals of an answer that asserts the opposite of the point.
    contradicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mistake:
    """A misconception candidates state, and how to tell an answer states it."""

    mistake: str
    correction: str = ""
    # Signals (see question_bank/README.md): what an answer making it says.
    signals: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The mistake and its correction as one line, for lists."""
        return f"{self.mistake} {self.correction}".strip()


@dataclass(frozen=True)
class WrongExample:
    text: str
    mistake: int  # 1-based number of the common mistake it states


@dataclass(frozen=True)
class GradingExamples:
    """Answers that must grade as labelled: the card's grading, checked like a snippet."""

    good: tuple[str, ...] = ()
    wrong: tuple[WrongExample, ...] = ()


@dataclass(frozen=True)
class Snippet:
    code: str
    output: str


@dataclass(frozen=True)
class FollowUp:
    question: str
    card: str | None = None


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    topic: str
    tier: Tier
    question: str
    short_answer: str
    key_points: tuple[KeyPoint, ...]
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    intuition: str = ""
    math: str = ""
    worked_example: str = ""
    snippet: Snippet | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    common_mistakes: tuple[Mistake, ...] = ()
    related: tuple[str, ...] = ()
    answers: GradingExamples | None = None
    # Where the card came from, for error messages; not part of the format.
    path: Path | None = field(default=None, compare=False)
    # The line of each top-level field in the file, for `path:line` messages.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def line_of(self, field_name: str) -> int | None:
        return self.lines.get(field_name) or self.lines.get("id")

    @property
    def linked_follow_ups(self) -> tuple[FollowUp, ...]:
        return tuple(f for f in self.follow_ups if f.card)


# ---------------------------------------------------------------------------
# A card as plain data, for the bank index (JSON, never pickle: nothing read
# back from a cache may run code).


def card_to_data(card: Card) -> dict[str, object]:
    return {
        "id": card.id,
        "title": card.title,
        "topic": card.topic,
        "tier": card.tier.value,
        "question": card.question,
        "short_answer": card.short_answer,
        "key_points": [[p.point, list(p.keywords), list(p.contradicts)] for p in card.key_points],
        "aliases": list(card.aliases),
        "tags": list(card.tags),
        "intuition": card.intuition,
        "math": card.math,
        "worked_example": card.worked_example,
        "snippet": [card.snippet.code, card.snippet.output] if card.snippet else None,
        "follow_ups": [[f.question, f.card] for f in card.follow_ups],
        "common_mistakes": [[m.mistake, m.correction, list(m.signals)] for m in card.common_mistakes],
        "related": list(card.related),
        "answers": (
            [list(card.answers.good), [[w.text, w.mistake] for w in card.answers.wrong]]
            if card.answers
            else None
        ),
        "lines": card.lines,
    }


def card_from_data(data: dict[str, Any], path: Path) -> Card:
    """The inverse of card_to_data. Raises KeyError, TypeError or ValueError on anything else."""
    snippet, answers = data["snippet"], data["answers"]
    return Card(
        id=str(data["id"]),
        title=str(data["title"]),
        topic=str(data["topic"]),
        tier=Tier(data["tier"]),
        question=str(data["question"]),
        short_answer=str(data["short_answer"]),
        key_points=tuple(KeyPoint(str(p), tuple(k), tuple(c)) for p, k, c in data["key_points"]),
        aliases=tuple(data["aliases"]),
        tags=tuple(data["tags"]),
        intuition=str(data["intuition"]),
        math=str(data["math"]),
        worked_example=str(data["worked_example"]),
        snippet=Snippet(str(snippet[0]), str(snippet[1])) if snippet else None,
        follow_ups=tuple(FollowUp(str(q), c) for q, c in data["follow_ups"]),
        common_mistakes=tuple(Mistake(str(m), str(c), tuple(s)) for m, c, s in data["common_mistakes"]),
        related=tuple(data["related"]),
        answers=(
            GradingExamples(tuple(answers[0]), tuple(WrongExample(str(t), int(n)) for t, n in answers[1]))
            if answers
            else None
        ),
        path=path,
        lines={str(k): int(v) for k, v in data["lines"].items()},
    )

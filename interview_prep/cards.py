"""The card model: what one question card holds once it has been validated."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

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

"""The study vocabulary, defined once: ratings, modes, orders, how a session
ended, and the review a rating becomes.

Everything else names these, never their numbers or strings. Nothing here
imports fsrs, SQLite or the terminal: the scheduler converts a `Rating` to
fsrs' own at its edge, the store persists a `Review`, the session decides.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timezone


class Rating(enum.IntEnum):
    """How well an answer went: the scale FSRS and Anki use."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Mode(str, enum.Enum):
    """What kind of session a review came from (stored with it)."""

    QUIZ = "quiz"
    DRILL = "drill"

    def __str__(self) -> str:
        return self.value


class Order(str, enum.Enum):
    """How a quiz orders its questions."""

    MOCK = "mock"  # core, then advanced, then deep, with follow-ups offered
    SHUFFLE = "shuffle"

    def __str__(self) -> str:
        return self.value


class Ended(str, enum.Enum):
    """How a session ended."""

    DONE = "done"
    QUIT = "quit"
    END_OF_INPUT = "end of input"
    INTERRUPTED = "interrupted"

    def __str__(self) -> str:
        return self.value


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; naive datetimes are refused, as they are ambiguous."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment.isoformat()}")
    # fsrs insists on tzinfo being timezone.utc itself, not merely offset 0.
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class Review:
    """One rated answer. `reviewed_at` is normalised to UTC."""

    card_id: str
    reviewed_at: datetime
    rating: Rating
    seconds: float
    covered: int
    total_points: int
    mode: Mode
    # Misconceptions caught and key points contradicted in the typed answer.
    mistakes: int = 0
    # What the user typed (None when nothing was typed or keeping answers is off).
    answer: str | None = None
    # The time allowed for the answer (`quiz --time`), or None when untimed.
    time_limit: float | None = None
    # The examiner's feedback and follow-up exchange, as JSON (examiner.record_json), or None.
    examiner: str | None = None

    @property
    def over_time(self) -> bool:
        return self.time_limit is not None and self.seconds > self.time_limit

    def __post_init__(self) -> None:
        object.__setattr__(self, "reviewed_at", as_utc(self.reviewed_at))
        # Refuse what the scheduler could not take, and hold the enums themselves.
        object.__setattr__(self, "rating", Rating(self.rating))
        object.__setattr__(self, "mode", Mode(self.mode))

"""The rating scale, defined once: 1 again, 2 hard, 3 good, 4 easy.

Its own module so grading, sessions and rendering can name ratings without
importing the scheduler (and fsrs with it).
"""

from __future__ import annotations

from enum import IntEnum


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.lower()

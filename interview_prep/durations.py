"""Time limits for answers: read as a person writes them, shown as a clock shows them."""

from __future__ import annotations

import math
import re

# What a strong candidate says aloud takes one to two minutes (the cards'
# short answers are written to that length), so a mock interview allows two.
MOCK_ANSWER_LIMIT = 120.0
# Longer than any one answer in an interview; past it a limit means nothing.
MAX_LIMIT = 60 * 60.0

_DURATION = re.compile(
    r"""
    \s*(?:(?P<minutes>\d+(?:\.\d+)?)\s*m(?:in)?)?   # 2m, 1.5m, 2min
    \s*(?:(?P<seconds>\d+(?:\.\d+)?)\s*(?:s(?:ec)?)?)?  # 30s, 30sec, or a bare number
    \s*
    """,
    re.VERBOSE | re.IGNORECASE,
)

USAGE = "write it as 90s, 2m, 1m30s or a number of seconds; 0 means no limit"


def parse_duration(text: str) -> float | None:
    """Seconds in "90s", "2m", "1m30s" or "120"; None for a zero time ("0", "0s"), which means no limit.

    Raises ValueError, with a message that says how to write one, for anything else.
    """
    match = _DURATION.fullmatch(text)
    if not text.strip() or match is None or not (match["minutes"] or match["seconds"]):
        raise ValueError(f"{text!r} is not a time; {USAGE}")
    if match["minutes"] and match["seconds"] and not text.strip().lower().endswith(("s", "sec")):
        # "1m30" could be a typo for 1m30s or for 130: ask rather than guess.
        raise ValueError(f"{text!r} is not a time; {USAGE}")
    seconds = float(match["minutes"] or 0) * 60 + float(match["seconds"] or 0)
    if seconds == 0:
        return None
    if seconds > MAX_LIMIT:
        raise ValueError(f"{text!r} is longer than an hour; {USAGE}")
    return seconds


def answer_time_limit(given: str | None, *, off: bool, mock: bool, typed: bool) -> float | None:
    """Seconds for each answer in a quiz: as given, none when turned off, else
    two minutes in a mock interview that a person types (a script answering
    from a pipe has no clock to race) and none otherwise. ValueError as parse_duration."""
    if off and given is not None and parse_duration(given) is not None:
        raise ValueError("give a time or no time, not both")
    if off:
        return None
    if given is not None:
        return parse_duration(given)
    return MOCK_ANSWER_LIMIT if mock and typed else None


def clock(seconds: float) -> str:
    """1:05, 0:09: time left as a countdown shows it, rounded up so 0:00 means time is up."""
    whole = max(0, math.ceil(seconds))
    minutes, rest = divmod(whole, 60)
    return f"{minutes}:{rest:02d}"

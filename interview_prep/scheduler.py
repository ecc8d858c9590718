"""Spaced repetition with FSRS (the `fsrs` package), as pure functions.

Every function takes the current time as an argument, so the CLI decides what
"now" is once per command and tests can pin it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import fsrs  # module level on purpose: the CLI imports this whole module lazily

from .domain import Rating, as_utc


@dataclass(frozen=True)
class Memory:
    """What the scheduler knows about one card.

    `fsrs_json` (fsrs.Card.to_json()) is the source of truth; the other fields
    are copies of it for queries and display.
    """

    card_id: str
    due: datetime
    last_review: datetime | None
    stability: float | None
    difficulty: float | None
    state: str  # "learning", "review" or "relearning"
    fsrs_json: str


@lru_cache(maxsize=1)
def _scheduler() -> fsrs.Scheduler:
    # Fuzzing spreads due dates with random noise; without it the same
    # history always gives the same schedule, which tests and users can trust.
    return fsrs.Scheduler(enable_fuzzing=False)


def review(memory: Memory | None, card_id: str, rating: Rating, now: datetime) -> Memory:
    """The card's memory after being rated `rating` at `now`; new if `memory` is None."""
    now = as_utc(now)
    if memory is None:
        card = fsrs.Card(card_id=_fsrs_card_id(card_id), due=now)
    else:
        if memory.card_id != card_id:
            raise ValueError(f"memory of {memory.card_id!r} given for card {card_id!r}")
        card = fsrs.Card.from_json(memory.fsrs_json)
    reviewed, _log = _scheduler().review_card(card, fsrs.Rating(int(rating)), now)
    return memory_from_fsrs(card_id, reviewed)


def memory_from_fsrs(card_id: str, card: fsrs.Card) -> Memory:
    return Memory(
        card_id=card_id,
        due=as_utc(card.due),
        last_review=as_utc(card.last_review) if card.last_review else None,
        stability=card.stability,
        difficulty=card.difficulty,
        state=card.state.name.lower(),
        fsrs_json=card.to_json(),
    )


def memory_from_json(card_id: str, fsrs_json: str) -> Memory:
    """A Memory rebuilt from its stored fsrs JSON, the source of truth."""
    return memory_from_fsrs(card_id, fsrs.Card.from_json(fsrs_json))


def _fsrs_card_id(card_id: str) -> int:
    # fsrs.Card defaults its id to the clock (and sleeps 1 ms to keep ids
    # apart); a checksum of our id keeps review() pure and deterministic.
    return zlib.crc32(card_id.encode("utf-8"))


def retrievability(memory: Memory | None, now: datetime) -> float:
    """Predicted probability of recalling the card at `now` (0.0 if never reviewed)."""
    if memory is None:
        return 0.0
    card = fsrs.Card.from_json(memory.fsrs_json)
    return float(_scheduler().get_card_retrievability(card, as_utc(now)))


def plan_drill(
    card_ids: Sequence[str],
    memories: Mapping[str, Memory],
    now: datetime,
    *,
    limit: int | None,
    new_limit: int,
) -> list[str]:
    """The cards to drill, in order: due ones, most overdue first, then new ones.

    New cards come in the order given, at most `new_limit` of them; the whole
    list is cut to `limit`. Memories of ids outside `card_ids` (cards since
    removed from the bank) are ignored.
    """
    now = as_utc(now)
    ids = list(dict.fromkeys(card_ids))  # a card asked for twice is drilled once
    due = [cid for cid in ids if cid in memories and memories[cid].due <= now]
    due.sort(key=lambda cid: memories[cid].due)  # stable: ties keep bank order
    new = [cid for cid in ids if cid not in memories][: max(new_limit, 0)]
    plan = due + new
    return plan if limit is None else plan[: max(limit, 0)]


def next_due(card_ids: Sequence[str], memories: Mapping[str, Memory]) -> datetime | None:
    """The earliest due time among the given cards that have been seen."""
    dues = [memories[cid].due for cid in card_ids if cid in memories]
    return min(dues, default=None)


def due_forecast(
    card_ids: Sequence[str],
    memories: Mapping[str, Memory],
    now: datetime,
    days: int,
) -> list[tuple[date, int]]:
    """How many of the given cards fall due on each of the user's next `days` local days.

    Day 0 is today and also counts every card already overdue.
    """
    today = now.astimezone().date()
    counts = [0] * max(days, 0)
    for cid in dict.fromkeys(card_ids):
        memory = memories.get(cid)
        if memory is None:
            continue
        offset = max((memory.due.astimezone().date() - today).days, 0)
        if offset < len(counts):
            counts[offset] += 1
    return [(today + timedelta(days=offset), count) for offset, count in enumerate(counts)]

"""Which cards a session asks, and how: the decisions behind `prep quiz` and `prep drill`.

Pure functions over a bank, the user's memories and `now`; the CLI parses
options and calls these, the session runs what they return.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .cards import Card, Listed, Tier
from .domain import Order

if TYPE_CHECKING:
    from .scheduler import Memory


@dataclass(frozen=True)
class QuizPlan:
    cards: tuple[Card, ...]
    order: Order
    # An interviewer digs deeper after a good answer; a shuffled review does not.
    offer_follow_ups: bool


def plan_quiz(
    cards: Sequence[Card], n: int, order: Order | None, seed: int | None, *, one_topic: bool
) -> QuizPlan:
    """`n` of `cards`. Mock order (the default for a session on chosen topics)
    is balanced across tiers and asked core first; shuffle mixes them."""
    chosen_order = order or (Order.MOCK if one_topic else Order.SHUFFLE)
    rng = random.Random(seed)
    if chosen_order is Order.SHUFFLE:
        mixed = list(cards)
        rng.shuffle(mixed)
        return QuizPlan(tuple(mixed[:n]), chosen_order, offer_follow_ups=False)
    by_tier: dict[Tier, list[Card]] = {tier: [] for tier in Tier}
    for card in cards:
        by_tier[card.tier].append(card)
    for pile in by_tier.values():
        rng.shuffle(pile)
    chosen: list[Card] = []
    # Deal one card per tier in turn so a short mock interview still reaches the deep end.
    while len(chosen) < n and any(by_tier.values()):
        for tier in Tier:
            if by_tier[tier] and len(chosen) < n:
                chosen.append(by_tier[tier].pop())
    ordered = sorted(chosen, key=lambda c: c.tier.rank)
    return QuizPlan(tuple(ordered), chosen_order, offer_follow_ups=True)


@dataclass(frozen=True)
class DrillPlan:
    cards: tuple[Listed, ...]  # whole cards or index summaries, as given
    next_due: datetime | None  # the earliest due card among those chosen, when nothing is due
    started_today: int  # new cards already started today
    new_per_day: int
    has_unseen: bool


def local_day_start(now: datetime) -> datetime:
    """The start of the user's local day that contains `now`, as an aware datetime."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def plan_drill(
    cards: Sequence[Listed],
    memories: Mapping[str, Memory],
    started_today: int,
    now: datetime,
    *,
    limit: int | None,
    new_per_day: int,
) -> DrillPlan:
    """Due cards, most overdue first, then new ones within what is left of
    today's new-card budget; cut to `limit`."""
    from .scheduler import next_due
    from .scheduler import plan_drill as schedule

    ids = [card.id for card in cards]
    by_id = {card.id: card for card in cards}
    budget = max(0, new_per_day - started_today)
    order = schedule(ids, memories, now, limit=limit, new_limit=budget)
    return DrillPlan(
        cards=tuple(by_id[cid] for cid in order),
        next_due=next_due(ids, memories),
        started_today=started_today,
        new_per_day=new_per_day,
        has_unseen=any(cid not in memories for cid in ids),
    )


def today_window(now: datetime) -> tuple[datetime, datetime]:
    """The user's local day around `now`, for counting what was started today."""
    start = local_day_start(now)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class DrillOutlook:
    next_due: datetime | None  # the earliest due time among the cards, None if none was ever reviewed
    due_tomorrow: int  # cards due by the end of the user's next local day, overdue ones included


def drill_outlook(card_ids: Sequence[str], memories: Mapping[str, Memory], now: datetime) -> DrillOutlook:
    """What a drill's end tells the user: when the next card falls due and how many tomorrow."""
    _, end_of_today = today_window(now)
    end_of_tomorrow = local_day_start(end_of_today + timedelta(hours=36))
    dues = [memories[cid].due for cid in dict.fromkeys(card_ids) if cid in memories]
    return DrillOutlook(
        next_due=min(dues, default=None),
        due_tomorrow=sum(1 for due in dues if due < end_of_tomorrow),
    )

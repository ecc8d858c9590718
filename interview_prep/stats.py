"""Summaries of review history for `prep stats`, as plain data.

Days are the user's local days: a review at 23:30 counts for the day it was
made on, wherever the clock says UTC is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from interview_prep.cards import Card, Tier

if TYPE_CHECKING:
    from interview_prep.domain import Review
    from interview_prep.index import CardSummary
    from interview_prep.scheduler import Memory
    from interview_prep.store import CardFigures, ReviewStore

# A rating of hard or better means the answer was recalled, if with effort.
RECALLED_MIN_RATING = 2  # the same as store.RECALLED_MIN_RATING, which SQL uses


def review_day(review: Review) -> date:
    return review.reviewed_at.astimezone().date()


def reviews_per_day(reviews: Iterable[Review], today: date, weeks: int) -> dict[date, int]:
    """Reviews on each of the last `weeks` × 7 days up to `today`, oldest first.

    Every day of the window is present, with 0 where nothing was reviewed.
    """
    days = max(weeks, 0) * 7
    first = today - timedelta(days=days - 1)
    counts = {first + timedelta(days=offset): 0 for offset in range(days)}
    for review in reviews:
        day = review_day(review)
        if day in counts:
            counts[day] += 1
    return counts


@dataclass
class TopicTierStats:
    topic: str
    tier: Tier
    total_cards: int
    seen_cards: int
    reviews: int
    average_rating: float | None
    retention: float | None  # share of repeat reviews recalled; None without any


def topic_tier_table(cards: Sequence[Card], reviews: Iterable[Review]) -> list[TopicTierStats]:
    """One row per (topic, tier) among `cards`, sorted by topic, then core → deep.

    Reviews of cards not in `cards` are left out. A card's first review in
    `reviews` counts as learning it, not as recalling it, so it is excluded
    from retention: pass the whole history for retention to mean that.
    """
    history = _ratings_by_card(reviews)
    groups: dict[tuple[str, Tier], list[Card]] = defaultdict(list)
    for card in cards:
        groups[(card.topic, card.tier)].append(card)
    rows = [_group_stats(topic, tier, group, history) for (topic, tier), group in groups.items()]
    rows.sort(key=lambda row: (row.topic, row.tier.rank))
    return rows


def _ratings_by_card(reviews: Iterable[Review]) -> dict[str, list[int]]:
    """Each card's ratings in the order they were given."""
    ordered = sorted(reviews, key=lambda review: review.reviewed_at)
    ratings: dict[str, list[int]] = defaultdict(list)
    for review in ordered:
        ratings[review.card_id].append(int(review.rating))
    return ratings


def _group_stats(topic: str, tier: Tier, cards: list[Card], history: dict[str, list[int]]) -> TopicTierStats:
    ids = {card.id for card in cards}
    ratings = [history[card_id] for card_id in ids if card_id in history]
    every_rating = [rating for card_ratings in ratings for rating in card_ratings]
    repeats = [rating for card_ratings in ratings for rating in card_ratings[1:]]
    return TopicTierStats(
        topic=topic,
        tier=tier,
        total_cards=len(ids),
        seen_cards=len(ratings),
        reviews=len(every_rating),
        average_rating=_mean(every_rating),
        retention=_recalled_share(repeats),
    )


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _recalled_share(ratings: list[int]) -> float | None:
    if not ratings:
        return None
    return sum(1 for rating in ratings if rating >= RECALLED_MIN_RATING) / len(ratings)


def current_streak(reviews: Iterable[Review], today: date) -> int:
    """Consecutive days with a review, ending today.

    A day is not over until it ends, so with nothing yet today the streak
    still counts up to yesterday.
    """
    return _streak({review_day(review) for review in reviews}, today)


@dataclass(frozen=True)
class StatsSummary:
    """Everything `prep stats` shows, computed from the history of the chosen cards."""

    today: date
    per_day: dict[date, int]
    table: list[TopicTierStats]
    forecast: list[tuple[date, int]]
    streak: int
    total_reviews: int


def summary(
    cards: Sequence[Card],
    reviews: Iterable[Review],
    memories: Mapping[str, Memory],
    now: datetime,
    *,
    weeks: int,
    days: int,
) -> StatsSummary:
    """The stats of `cards`: reviews of other cards (since removed from the bank) are left out."""
    from interview_prep.scheduler import due_forecast

    ids = {card.id for card in cards}
    chosen = [review for review in reviews if review.card_id in ids]
    today = now.astimezone().date()
    return StatsSummary(
        today=today,
        per_day=reviews_per_day(chosen, today, weeks),
        table=topic_tier_table(cards, chosen),
        forecast=due_forecast([card.id for card in cards], memories, now, days),
        streak=current_streak(chosen, today),
        total_reviews=len(chosen),
    )


def summary_from_store(
    cards: Sequence[CardSummary], store: ReviewStore, now: datetime, *, weeks: int, days: int
) -> StatsSummary:
    """`summary`, with the counting done in SQL: only the chosen cards' figures are read.

    Reviews of cards that are not in `cards` (removed from the bank, or of
    another topic) are never read into Python.
    """
    today = now.astimezone().date()
    ids = [card.id for card in cards]
    figures = store.card_figures(ids)
    window = max(weeks, 0) * 7
    days_shown = [today - timedelta(days=back) for back in range(window - 1, -1, -1)]
    counts = store.reviews_between(ids, [_local_day_span(day) for day in days_shown])
    per_day = dict(zip(days_shown, counts))
    streak = _streak_from_store(store, ids, today, per_day)
    groups: dict[tuple[str, Tier], list[str]] = defaultdict(list)
    for card in cards:
        groups[(card.topic, card.tier)].append(card.id)
    table = []
    for (topic, tier), group in groups.items():
        seen = [figures[i] for i in dict.fromkeys(group) if i in figures]
        reviews = sum(f.reviews for f in seen)
        repeats = sum(f.repeats for f in seen)
        table.append(
            TopicTierStats(
                topic=topic,
                tier=tier,
                total_cards=len(set(group)),
                seen_cards=len(seen),
                reviews=reviews,
                average_rating=sum(f.rating_sum for f in seen) / reviews if reviews else None,
                retention=sum(f.recalled_repeats for f in seen) / repeats if repeats else None,
            )
        )
    table.sort(key=lambda row: (row.topic, row.tier.rank))
    # The forecast reads only memories due before its last day ends.
    end_of_window = datetime.combine(today + timedelta(days=max(days, 0)), datetime.min.time()).astimezone()
    due = store.due_before(ids, end_of_window)
    counts = [0] * max(days, 0)
    for moment in due.values():
        offset = max((moment.astimezone().date() - today).days, 0)
        if offset < len(counts):
            counts[offset] += 1
    return StatsSummary(
        today=today,
        per_day=per_day,
        table=table,
        forecast=[(today + timedelta(days=offset), count) for offset, count in enumerate(counts)],
        streak=streak,
        total_reviews=sum(f.reviews for f in figures.values()),
    )


def _local_day_span(day: date) -> tuple[datetime, datetime]:
    """The user's local day as an aware [start, end): 23 or 25 hours long on a DST change."""
    start = datetime.combine(day, datetime.min.time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), datetime.min.time()).astimezone()
    return start, end


def _streak_from_store(store: ReviewStore, ids: Sequence[str], today: date, known: Mapping[date, int]) -> int:
    """Consecutive days with a review ending today (or yesterday), asking the store a month at a time."""
    days_with = {day for day, count in known.items() if count}
    day = today if today in days_with or today not in known else today - timedelta(days=1)
    streak = 0
    while True:
        if day not in known:
            # Past what is known: ask for the next 30 days back in one query.
            block = [day - timedelta(days=back) for back in range(30)]
            counts = store.reviews_between(ids, [_local_day_span(d) for d in block])
            known = {**known, **dict(zip(block, counts))}
            days_with |= {d for d, c in zip(block, counts) if c}
        if day not in days_with:
            if streak == 0 and day == today:
                day -= timedelta(days=1)
                continue
            return streak
        streak += 1
        day -= timedelta(days=1)


def _streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


@dataclass(frozen=True)
class StudyNext:
    """The topic and tier the user has done worst on, across their whole history."""

    topic: str
    tier: Tier
    average: float
    reviews: int

    @property
    def command(self) -> str:
        return f"prep quiz --topic {self.topic} --tier {self.tier.value}"


def study_next(cards: Sequence[CardSummary], figures: Mapping[str, CardFigures]) -> StudyNext | None:
    """The topic × tier with the lowest average rating among those reviewed; ties go to the
    one with fewer reviews (less practised), then by name."""
    sums: dict[tuple[str, Tier], list[int]] = defaultdict(lambda: [0, 0])
    for card in cards:
        seen = figures.get(card.id)
        if seen is not None and seen.reviews:
            group = sums[(card.topic, card.tier)]
            group[0] += seen.rating_sum
            group[1] += seen.reviews
    if not sums:
        return None
    (topic, tier), (total, count) = min(
        sums.items(), key=lambda item: (item[1][0] / item[1][1], item[1][1], item[0][0], item[0][1].rank)
    )
    return StudyNext(topic, tier, total / count, count)

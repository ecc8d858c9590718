"""An interview date: what to study until then, and in which order.

FSRS predicts, for every card seen, the chance of recalling it at any moment
(its retrievability). Asked at the interview itself, that prediction says which
cards will be weak on the day: those are the ones to review before it, with
the cards never seen, spread over the days left.

Pure functions over the chosen cards, the user's memories, the date and
`now`; the CLI parses options and stores the saved date, render draws the
result. The interview is taken to start at 09:00 local time on its day
(`INTERVIEW_HOUR`): early enough that the evening before is the last study
day, and the hour most interviews are booked around.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .cards import Listed
from .errors import PrepError

if TYPE_CHECKING:
    from .planning import DrillPlan
    from .scheduler import Memory
    from .store import ReviewStore

# The store's settings key under which `prep plan --save` keeps the date (ISO text).
SETTING_KEY = "interview"
INTERVIEW_HOUR = 9
DEFAULT_TARGET = 0.9
WEAKEST_SHOWN = 10
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------------------
# The date


def parse_interview_date(text: str, now: datetime) -> date:
    """The interview day written as YYYY-MM-DD; it must be after today.

    Raises PrepError for anything else: a study plan needs at least one day.
    """
    text = text.strip()
    example = (_today(now) + timedelta(days=30)).isoformat()
    if not _ISO_DATE.fullmatch(text):
        raise PrepError(
            f"{text!r} is not a date: write the interview day as YYYY-MM-DD, for example {example}"
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PrepError(f"{text!r} is not a day of the calendar: write it as YYYY-MM-DD") from None
    today = _today(now)
    if day < today:
        raise PrepError(f"the interview date {day.isoformat()} has passed; give a later one")
    if day == today:
        raise PrepError(f"the interview date {day.isoformat()} is today: no day is left to plan")
    return day


def saved_interview(value: str | None, now: datetime) -> date | None:
    """The saved interview day while it is still ahead; None if none is saved or it has come.

    A saved date is used until its day arrives, so on the day itself plain
    `prep drill` is back to what is due.
    """
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise PrepError(
            f"the saved interview date {value!r} is not a date; forget it with: prep plan --clear"
        ) from None
    return day if day > _today(now) else None


def interview_moment(day: date) -> datetime:
    """09:00 local time on the interview day, as an aware datetime."""
    return datetime.combine(day, time(INTERVIEW_HOUR)).astimezone()


def _today(now: datetime) -> date:
    return now.astimezone().date()


def _unique(cards: Sequence[Listed]) -> list[Listed]:
    """Each card once, first place kept: a card chosen twice is studied once."""
    by_id: dict[str, Listed] = {}
    for card in cards:
        by_id.setdefault(card.id, card)
    return list(by_id.values())


# ---------------------------------------------------------------------------
# Predicted recall on the day


@dataclass(frozen=True)
class Outlook:
    """One seen card and its predicted recall at the interview."""

    card: Listed
    recall: float


def recall_at(cards: Sequence[Listed], memories: Mapping[str, Memory], moment: datetime) -> list[Outlook]:
    """The predicted recall at `moment` of each card in `cards` that has been seen, in the order given."""
    from .scheduler import retrievability

    seen = [card for card in _unique(cards) if card.id in memories]
    return [Outlook(card, retrievability(memories[card.id], moment)) for card in seen]


def weakest_first(outlooks: Sequence[Outlook], target: float) -> list[Outlook]:
    """Cards below `target` first; among them and among the rest, core before
    advanced before deep, then lowest recall first (ids break ties).

    Core questions open every interview, so a shaky core card matters more
    than an equally shaky deep one.
    """
    return sorted(outlooks, key=lambda o: (o.recall >= target, o.card.tier.rank, o.recall, o.card.id))


# ---------------------------------------------------------------------------
# The plan


@dataclass(frozen=True)
class StudyDay:
    day: date
    reviews: int  # seen cards predicted below target on the interview day
    new: int  # never-seen cards to start

    @property
    def total(self) -> int:
        return self.reviews + self.new


@dataclass(frozen=True)
class InterviewPlan:
    """What `prep plan` shows: the days until the interview and the weakest cards on it."""

    interview: date
    moment: datetime  # when the interview is taken to start (INTERVIEW_HOUR, local time)
    today: date
    target: float
    new_per_day: int
    cards: int  # the cards chosen
    seen: int
    below_target: int  # seen cards predicted below target at the interview
    unseen: int
    days: tuple[StudyDay, ...]  # today, then every day up to the one before the interview
    weakest: tuple[Outlook, ...]  # ordered by weakest_first

    @property
    def days_left(self) -> int:
        return len(self.days)

    @property
    def new_planned(self) -> int:
        return sum(day.new for day in self.days)

    @property
    def new_left_out(self) -> int:
        """Never-seen cards the daily new-card limit leaves unstarted by the interview."""
        return self.unseen - self.new_planned

    @property
    def today_share(self) -> StudyDay:
        return self.days[0]


def plan_interview(
    cards: Sequence[Listed],
    memories: Mapping[str, Memory],
    interview: date,
    now: datetime,
    *,
    target: float = DEFAULT_TARGET,
    new_per_day: int = 10,
    started_today: int = 0,
    weakest: int = WEAKEST_SHOWN,
) -> InterviewPlan:
    """How many cards to study each day until `interview`, and the weakest on the day.

    Reviews: the seen cards predicted below `target` at the interview, spread
    evenly over the days from today to the day before it. New: the cards never
    seen, spread evenly too, at most `new_per_day` a day (today, less the
    `started_today` already started). Memories of cards not in `cards` are
    ignored. A plan is a snapshot: reviewing a card changes its prediction,
    so the counts are worked out afresh each time.
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target recall must be between 0 and 1, not {target}")
    today = _today(now)
    days = (interview - today).days
    if days < 1:
        raise ValueError(f"the interview {interview} is not after today {today}")
    moment = interview_moment(interview)
    chosen = _unique(cards)
    outlooks = recall_at(chosen, memories, moment)
    below = sum(1 for o in outlooks if o.recall < target)
    unseen = len(chosen) - len(outlooks)
    reviews = _even_split(below, days)
    new = _spread_new(unseen, days, new_per_day, started_today)
    return InterviewPlan(
        interview=interview,
        moment=moment,
        today=today,
        target=target,
        new_per_day=new_per_day,
        cards=len(chosen),
        seen=len(outlooks),
        below_target=below,
        unseen=unseen,
        days=tuple(
            StudyDay(today + timedelta(days=offset), reviews[offset], new[offset]) for offset in range(days)
        ),
        weakest=tuple(weakest_first(outlooks, target)[: max(weakest, 0)]),
    )


def plan_from_store(
    cards: Sequence[Listed],
    store: ReviewStore,
    interview: date,
    now: datetime,
    *,
    target: float = DEFAULT_TARGET,
    new_per_day: int = 10,
) -> InterviewPlan:
    """`plan_interview` with the memories and today's new cards read from `store`."""
    from .planning import today_window

    return plan_interview(
        cards,
        store.memories(),
        interview,
        now,
        target=target,
        new_per_day=new_per_day,
        started_today=store.new_cards_started_between(*today_window(now)),
    )


def _even_split(total: int, days: int) -> list[int]:
    """`total` over `days` as evenly as can be, the odd ones on the earliest days."""
    if days <= 0:
        return []
    base, extra = divmod(max(total, 0), days)
    return [base + (1 if offset < extra else 0) for offset in range(days)]


def _spread_new(unseen: int, days: int, per_day: int, started_today: int) -> list[int]:
    """New cards per day: evenly, within `per_day`, today within what is left of today's limit."""
    if days <= 0:
        return []
    room_today = max(0, per_day - started_today)
    starting = min(unseen, room_today + max(per_day, 0) * (days - 1))
    shares = _even_split(starting, days)
    if shares[0] > room_today:
        # Today is nearly spent: what it cannot take goes evenly to the other days,
        # each of which has room, since `starting` fits in the days' room together.
        shares = [room_today, *_even_split(starting - room_today, days - 1)]
    return shares


# ---------------------------------------------------------------------------
# Drilling for the interview


def interview_drill_order(
    cards: Sequence[Listed],
    memories: Mapping[str, Memory],
    interview: date,
    *,
    limit: int | None,
    new_limit: int,
) -> list[Listed]:
    """Every chosen card, lowest predicted recall at the interview first, due or not.

    Never-seen cards count as recall 0, so they lead, in the order given, at
    most `new_limit` of them; the whole list is cut to `limit`.
    """
    chosen = _unique(cards)
    new = [card for card in chosen if card.id not in memories][: max(new_limit, 0)]
    seen = recall_at(chosen, memories, interview_moment(interview))
    # sorted is stable: equal predictions keep the order given.
    ordered = new + [o.card for o in sorted(seen, key=lambda o: o.recall)]
    return ordered if limit is None else ordered[: max(limit, 0)]


def plan_interview_drill(
    cards: Sequence[Listed],
    memories: Mapping[str, Memory],
    started_today: int,
    interview: date,
    *,
    limit: int | None,
    new_per_day: int,
) -> DrillPlan:
    """`planning.plan_drill` for an interview: the same plan, ordered by interview_drill_order."""
    from .planning import DrillPlan
    from .scheduler import next_due

    ids = [card.id for card in cards]
    order = interview_drill_order(
        cards, memories, interview, limit=limit, new_limit=max(0, new_per_day - started_today)
    )
    return DrillPlan(
        cards=tuple(order),
        next_due=next_due(ids, memories),
        started_today=started_today,
        new_per_day=new_per_day,
        has_unseen=any(cid not in memories for cid in ids),
    )

"""The quiz and drill loops, written against a small input/output interface.

A session never touches a terminal: it asks a `SessionIO` to show things and
to read an answer or a key, so tests drive it with a scripted IO and the CLI
drives it with a terminal one. Each rating is recorded in the store the moment
it is given, so an interrupted session loses at most the card on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Protocol

from .bank import Bank
from .cards import Card, FollowUp
from .domain import Ended, Mode, Rating, Review
from .grading import Assessment, BankWords, assess

if TYPE_CHECKING:
    from .runner import RunResult

# The rating keys come from the scale itself: "1" again … "4" easy.
_RATING_KEYS = tuple((str(int(rating)), rating.label) for rating in Rating)
QUIZ_MENU = (*_RATING_KEYS, ("e", "explain"), ("r", "run"), ("f", "follow-up"), ("s", "skip"), ("q", "quit"))
DRILL_MENU = (*_RATING_KEYS, ("e", "explain"), ("r", "run"), ("s", "skip"), ("q", "quit"))
# A follow-up taken from a follow-up from a follow-up is far enough down one thread.
MAX_FOLLOW_UP_DEPTH = 3


class SessionIO(Protocol):
    def question(self, card: Card, position: int, total: int, depth: int) -> None: ...
    def read_answer(self, optional: bool) -> str | None: ...
    def reveal(
        self, card: Card, assessment: Assessment | None, seconds: float, suggested: Rating | None, mode: Mode
    ) -> None: ...
    def read_key(self, menu: Sequence[tuple[str, str]], suggested: Rating | None) -> str | None: ...
    def explanation(self, card: Card) -> None: ...
    def snippet_result(self, card: Card, result: RunResult) -> None: ...
    def choose_follow_up(self, follow_ups: Sequence[FollowUp]) -> int | None: ...
    def offer_follow_up(self, follow_up: FollowUp) -> bool | None: ...
    def message(self, text: str) -> None: ...


class ReviewSink(Protocol):
    def record(self, review: Review) -> object: ...


@dataclass(frozen=True)
class Outcome:
    card: Card
    rating: Rating | None  # None: skipped
    covered: int
    total: int
    seconds: float
    follow_up_of: str | None = None

    @property
    def label(self) -> str:
        return self.rating.label if self.rating else "skipped"


@dataclass
class SessionResult:
    mode: Mode
    outcomes: list[Outcome] = field(default_factory=list)
    ended: Ended = Ended.DONE

    @property
    def rated(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.rating]

    def weakest(self) -> tuple[str, str] | None:
        """The topic and the tier with the lowest average rating, to study next."""
        rated = self.rated
        if not rated:
            return None

        def lowest(key: Callable[[Outcome], str]) -> str:
            groups: dict[str, list[int]] = {}
            for outcome in rated:
                if outcome.rating is not None:
                    groups.setdefault(key(outcome), []).append(outcome.rating)
            return min(groups, key=lambda g: (sum(groups[g]) / len(groups[g]), g))

        return lowest(lambda o: o.card.topic), lowest(lambda o: o.card.tier.value)


# ---------------------------------------------------------------------------
# The loop


class Quit(Exception):
    """The user asked to stop, or the input ran out."""

    def __init__(self, how: Ended):
        self.how = how


class StudySession:
    def __init__(
        self,
        cards: Sequence[Card],
        bank: Bank,
        io: SessionIO,
        store: ReviewSink,
        *,
        mode: Mode = Mode.QUIZ,
        offer_follow_ups: bool = False,
        run_snippet: Callable[..., RunResult] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        snippet_timeout: float = 10.0,
        may_run: Callable[[Card], str | None] = lambda card: None,
        warm_up: Callable[[], None] = lambda: None,
    ):
        self.queue = list(cards)
        self.bank = bank
        self.io = io
        self.store = store
        self.mode = mode
        self.offer_follow_ups = offer_follow_ups
        self.run_snippet = run_snippet
        self.clock = clock
        self.now = now
        self.snippet_timeout = snippet_timeout
        # Says why a card's snippet may not run (an untrusted bank), or None.
        self.may_run = may_run
        # Called at each reveal: the moment a snippet run (`r`) may follow,
        # and a session that ends at its first prompt never pays for it.
        self.warm_up = warm_up
        self.result = SessionResult(mode=mode)
        self.asked: set[str] = set()
        self._bank_words = BankWords(bank)

    def run(self) -> SessionResult:
        try:
            position = 0
            while position < len(self.queue):
                card = self.queue[position]
                position += 1
                outcome = self._ask(card, position, depth=0, follow_up_of=None)
                if outcome and outcome.rating and outcome.rating >= 3 and self.offer_follow_ups:
                    self._offer_next(card, position)
        except Quit as stop:
            self.result.ended = stop.how
        except KeyboardInterrupt:
            self.result.ended = Ended.INTERRUPTED
        return self.result

    def _offer_next(self, card: Card, position: int) -> None:
        """After a good answer an interviewer digs deeper: offer the linked follow-up next."""
        for follow_up in card.linked_follow_ups:
            target = self.bank.get(follow_up.card or "")
            if target is None or target.id in self.asked:
                continue
            accepted = self.io.offer_follow_up(follow_up)
            if accepted is None:
                raise Quit(Ended.END_OF_INPUT)
            if accepted:
                # A card already planned for later moves up rather than being asked twice.
                later = [i for i in range(position, len(self.queue)) if self.queue[i].id == target.id]
                for i in reversed(later):
                    del self.queue[i]
                self.queue.insert(position, target)
            return

    def _ask(self, card: Card, position: int, depth: int, follow_up_of: str | None) -> Outcome | None:
        self.asked.add(card.id)
        self.io.question(card, position, len(self.queue), depth)
        started = self.clock()
        answer = self.io.read_answer(optional=self.mode is Mode.DRILL)
        if answer is None:
            raise Quit(Ended.END_OF_INPUT)
        if answer.strip().lower() == "q":
            # Nobody answers an interview question with "q"; it means stop here.
            raise Quit(Ended.QUIT)
        seconds = self.clock() - started
        answered = bool(answer.strip())
        coverage = assess(answer, card, self._bank_words) if answered else None
        # Without a typed answer there is nothing to grade: in a quiz that is
        # a miss; in a drill, where typing is optional, the user judges alone.
        suggested = coverage.suggested if coverage else (Rating.AGAIN if self.mode is Mode.QUIZ else None)
        self.io.reveal(card, coverage, seconds, suggested, self.mode)
        self.warm_up()
        return self._menu(card, coverage, seconds, suggested, position, depth, follow_up_of)

    def _menu(
        self,
        card: Card,
        coverage: Assessment | None,
        seconds: float,
        suggested: Rating | None,
        position: int,
        depth: int,
        follow_up_of: str | None,
    ) -> Outcome | None:
        menu = QUIZ_MENU if self.mode is Mode.QUIZ and depth < MAX_FOLLOW_UP_DEPTH else DRILL_MENU
        while True:
            key = self.io.read_key(menu, suggested)
            if key is None:
                raise Quit(Ended.END_OF_INPUT)
            if key.isdigit():
                return self._rate(card, Rating(int(key)), coverage, seconds, follow_up_of)
            if key == "e":
                self.io.explanation(card)
            elif key == "r":
                self._run(card)
            elif key == "f":
                self._follow_up(card, position, depth)
            elif key == "s":
                outcome = Outcome(card, None, _covered(coverage), len(card.key_points), seconds, follow_up_of)
                self.result.outcomes.append(outcome)
                return outcome
            elif key == "q":
                raise Quit(Ended.QUIT)

    def _rate(
        self,
        card: Card,
        rating: Rating,
        coverage: Assessment | None,
        seconds: float,
        follow_up_of: str | None,
    ) -> Outcome:

        self.store.record(
            Review(
                card_id=card.id,
                reviewed_at=self.now(),
                rating=rating,
                seconds=round(seconds, 1),
                covered=_covered(coverage),
                total_points=len(card.key_points),
                mode=self.mode,
                mistakes=coverage.wrong_count if coverage else 0,
            )
        )
        outcome = Outcome(card, rating, _covered(coverage), len(card.key_points), seconds, follow_up_of)
        self.result.outcomes.append(outcome)
        return outcome

    def _run(self, card: Card) -> None:
        if not card.snippet:
            self.io.message("This card has no snippet to run.")
            return
        refusal = self.may_run(card)
        if refusal:
            self.io.message(refusal[0].upper() + refusal[1:] + ".")
            return
        import dataclasses

        from .index import fresh_snippet
        from .runner import run_snippet

        # The code comes from the card file itself, never from the index.
        snippet = fresh_snippet(card)
        if snippet is None:
            self.io.message("This card's file changed and is no longer valid; see: prep check.")
            return
        run = self.run_snippet or run_snippet
        result = run(snippet.code, timeout=self.snippet_timeout)
        self.io.snippet_result(dataclasses.replace(card, snippet=snippet), result)

    def _follow_up(self, card: Card, position: int, depth: int) -> None:
        linked = [f for f in card.linked_follow_ups if self.bank.get(f.card or "")]
        if not linked:
            self.io.message("This card has no linked follow-up to take.")
            return
        choice = 0 if len(linked) == 1 else self.io.choose_follow_up(linked)
        if choice is None:
            return
        target = self.bank.get(linked[choice].card or "")
        assert target is not None  # linked was filtered to cards in the bank
        self._ask(target, position, depth + 1, follow_up_of=card.id)
        # Back to the card the follow-up came from, as an interviewer would.
        self.io.question(card, position, len(self.queue), depth)
        self.io.message("Back to this question: rate it, or take another follow-up.")


def _covered(coverage: Assessment | None) -> int:
    return coverage.covered if coverage else 0

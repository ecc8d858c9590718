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
from typing import TYPE_CHECKING, Protocol, TypeVar

from .bank import Bank
from .cards import Card, FollowUp
from .domain import Ended, Mode, Rating, Review
from .grading import Assessment, BankWords, assess

if TYPE_CHECKING:
    from .examiner import ExaminerConfig, ExaminerFailure, ExaminerReport, Turn
    from .runner import RunResult

T = TypeVar("T")

# The rating keys come from the scale itself: "1" again … "4" easy.
_RATING_KEYS = tuple((str(int(rating)), rating.label) for rating in Rating)
QUIZ_MENU = (*_RATING_KEYS, ("e", "explain"), ("r", "run"), ("f", "follow-up"), ("s", "skip"), ("q", "quit"))
DRILL_MENU = (*_RATING_KEYS, ("e", "explain"), ("r", "run"), ("s", "skip"), ("q", "quit"))
# With an examiner, `a` has it ask one more question about what the user said.
ASK_MORE = ("a", "ask me more")
# A follow-up taken from a follow-up from a follow-up is far enough down one thread.
MAX_FOLLOW_UP_DEPTH = 3
# A card rated again comes back after at least this many other questions (and
# not before the scheduler's relearning step ends), at most this many times.
REPEAT_GAP = 3
MAX_REPEATS = 2


class SessionIO(Protocol):
    def question(self, card: Card, number: str, total: int) -> None: ...
    def read_answer(self, optional: bool, limit: float | None = None) -> str | None: ...
    def reveal(self, card: Card, shown: Revealed) -> None: ...
    def read_key(self, menu: Sequence[tuple[str, str]], suggested: Rating | None) -> str | None: ...
    def explanation(self, card: Card) -> None: ...
    def snippet_result(self, card: Card, result: RunResult) -> None: ...
    def choose_follow_up(self, follow_ups: Sequence[FollowUp]) -> int | None: ...
    def offer_follow_up(self, follow_up: FollowUp) -> bool | None: ...
    def message(self, text: str) -> None: ...
    def waiting(self, message: str, work: Callable[[], T]) -> T: ...
    def examined(self, outcome: ExaminerReport | ExaminerFailure, assessment: Assessment | None) -> None: ...
    def examiner_says(self, question: str | None, response: str | ExaminerFailure | None) -> None: ...


class ReviewSink(Protocol):
    def record(self, review: Review) -> object: ...


@dataclass(frozen=True)
class Revealed:
    """What the reveal of one answer shows, beside the card itself."""

    assessment: Assessment | None
    seconds: float
    suggested: Rating | None
    mode: Mode
    number: str = ""
    time_limit: float | None = None
    # The user's previous kept answer to this card, to compare.
    previous: Review | None = None
    # The examiner's grading, or why there is none (None: no examiner in this session).
    examined: ExaminerReport | ExaminerFailure | None = None

    @property
    def over_time(self) -> bool:
        return self.time_limit is not None and self.seconds > self.time_limit


@dataclass(frozen=True)
class Outcome:
    card: Card
    rating: Rating | None  # None: skipped
    covered: int
    total: int
    seconds: float
    follow_up_of: str | None = None
    # As the user saw it: "3", a follow-up under it "3a", its repeat "3 again".
    number: str = ""
    over_time: bool = False

    @property
    def place(self) -> tuple[int, str, int]:
        """Where the outcome sits in the summary: under its question, follow-ups and repeats after it."""
        head, _, again = self.number.partition(" ")
        digits = "".join(ch for ch in head if ch.isdigit())
        return (int(digits or 0), head[len(digits) :], 1 if again else 0)

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

    @property
    def in_order(self) -> list[Outcome]:
        """The outcomes by question number: follow-ups and repeats under the question they belong to."""
        return sorted(self.outcomes, key=lambda o: o.place)


# ---------------------------------------------------------------------------
# The loop


class Quit(Exception):
    """The user asked to stop, or the input ran out."""

    def __init__(self, how: Ended):
        self.how = how


@dataclass
class _Repeat:
    """A card rated again, waiting to come back later in the session."""

    card: Card
    number: str
    after_asked: int  # asked no sooner than once this many questions have been asked
    not_before: datetime | None  # nor before the scheduler's (re)learning step ends
    follow_up_of: str | None


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
        time_limit: float | None = None,
        keep_answers: bool = True,
        previous_answer: Callable[[str], Review | None] = lambda card_id: None,
        examiner: ExaminerConfig | None = None,
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
        # Seconds allowed per answer (`quiz --time`); over it, the answer is marked, never cut.
        self.time_limit = time_limit
        self.keep_answers = keep_answers
        self.previous_answer = previous_answer
        # An optional language model that grades the answer beside the built-in
        # assessment and can ask one more question; None: prep stays offline.
        self.examiner = examiner
        self.result = SessionResult(mode=mode)
        self.asked: set[str] = set()
        self._asked_count = 0
        self._next = 0  # index in the queue of the next planned question
        self._repeats: list[_Repeat] = []
        self._times_repeated: dict[str, int] = {}
        self._follow_ups_under: dict[int, int] = {}
        self._bank_words = BankWords(bank)

    def run(self) -> SessionResult:
        try:
            while True:
                repeat = self._repeat_due(session_ending=self._next >= len(self.queue))
                if repeat is not None:
                    self._ask(repeat.card, repeat.number, repeat.follow_up_of, depth=0)
                    continue
                if self._next >= len(self.queue):
                    break
                card = self.queue[self._next]
                self._next += 1
                position = self._next
                outcome = self._ask(card, str(position), None, depth=0)
                if outcome and outcome.rating and outcome.rating >= 3 and self.offer_follow_ups:
                    self._offer_next(card, position, depth=1)
        except Quit as stop:
            self.result.ended = stop.how
        except KeyboardInterrupt:
            self.result.ended = Ended.INTERRUPTED
        return self.result

    @property
    def total(self) -> int:
        """Questions in the session, follow-ups and repeats not counted: the total never grows."""
        return len(self.queue)

    # -- repeats ------------------------------------------------------------

    def _repeat_due(self, session_ending: bool) -> _Repeat | None:
        """A failed card whose wait is over; when the session would end first, the oldest waiting."""
        for i, repeat in enumerate(self._repeats):
            waited = self._asked_count >= repeat.after_asked
            stepped = repeat.not_before is None or self.now() >= repeat.not_before
            if session_ending or (waited and stepped):
                return self._repeats.pop(i)
        return None

    def _bring_back(self, card: Card, number: str, follow_up_of: str | None, memory: object) -> None:
        """A card rated again comes back later in this session, at most twice, as Anki's relearning does."""
        if self._times_repeated.get(card.id, 0) >= MAX_REPEATS:
            return
        self._times_repeated[card.id] = self._times_repeated.get(card.id, 0) + 1
        due = getattr(memory, "due", None)
        self._repeats.append(
            _Repeat(
                card,
                number if number.endswith(" again") else f"{number} again",
                self._asked_count + REPEAT_GAP,
                due if isinstance(due, datetime) else None,
                follow_up_of,
            )
        )

    # -- follow-ups ---------------------------------------------------------

    def _sub_number(self, position: int) -> str:
        count = self._follow_ups_under.get(position, 0) + 1
        self._follow_ups_under[position] = count
        return f"{position}{_letters(count)}"

    def _offer_next(self, card: Card, position: int, depth: int) -> None:
        """After a good answer an interviewer digs deeper: offer the linked follow-up, asked at once."""
        if depth > MAX_FOLLOW_UP_DEPTH:
            return
        for follow_up in card.linked_follow_ups:
            target = self.bank.get(follow_up.card or "")
            if target is None or target.id in self.asked:
                continue
            accepted = self.io.offer_follow_up(follow_up)
            if accepted is None:
                raise Quit(Ended.END_OF_INPUT)
            if accepted:
                self._unplan(target.id)
                outcome = self._ask(target, self._sub_number(position), card.id, depth)
                if outcome and outcome.rating and outcome.rating >= 3:
                    self._offer_next(target, position, depth + 1)
            return

    def _unplan(self, card_id: str) -> None:
        """A card planned for later and asked now as a follow-up is not asked twice."""
        self.queue[self._next :] = [card for card in self.queue[self._next :] if card.id != card_id]

    # -- one question ---------------------------------------------------------

    def _ask(self, card: Card, number: str, follow_up_of: str | None, depth: int) -> Outcome | None:
        self.asked.add(card.id)
        self._asked_count += 1
        self.io.question(card, number, self.total)
        started = self.clock()
        answer = self.io.read_answer(optional=self.mode is Mode.DRILL, limit=self.time_limit)
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
        examined = self._examine(card, answer) if coverage is not None else None
        if coverage is not None and examined is not None:
            from .examiner import combine

            # Enter takes the lower of the two; the examiner never clears a caught mistake.
            suggested = combine(suggested, coverage, examined)
        shown = Revealed(
            coverage,
            seconds,
            suggested,
            self.mode,
            number=number,
            time_limit=self.time_limit,
            previous=self.previous_answer(card.id),
            examined=examined,
        )
        self.io.reveal(card, shown)
        if examined is not None:
            self.io.examined(examined, coverage)
        self.warm_up()
        kept = answer.strip() if answered and self.keep_answers else None
        return self._menu(card, shown, kept, number, depth, follow_up_of, answer if answered else None)

    def _examine(self, card: Card, answer: str) -> ExaminerReport | ExaminerFailure | None:
        if self.examiner is None:
            return None
        from .examiner import ExaminerFailure, examine

        config = self.examiner
        try:
            return self.io.waiting(
                "the examiner is reading your answer…", lambda: examine(config, card, answer)
            )
        except KeyboardInterrupt:
            # Ctrl-C while waiting skips the examiner, not the session.
            return ExaminerFailure("skipped (Ctrl-C)")

    def _ask_more(self, card: Card, answer: str, turns: list[Turn]) -> None:
        """`a`: the examiner asks one more question about what the user said, and responds to the reply."""
        from .examiner import MAX_PROBE_TURNS, ExaminerFailure, Turn, probe, respond

        assert self.examiner is not None
        config = self.examiner
        if len(turns) >= MAX_PROBE_TURNS:
            self.io.message(f"The examiner has asked its {MAX_PROBE_TURNS} questions on this card.")
            return
        try:
            question = self.io.waiting(
                "the examiner is thinking…", lambda: probe(config, card, answer, turns)
            )
        except KeyboardInterrupt:
            question = ExaminerFailure("skipped (Ctrl-C)")
        if isinstance(question, ExaminerFailure):
            self.io.examiner_says(None, question)
            return
        self.io.examiner_says(question, None)
        reply = self.io.read_answer(optional=False)
        if reply is None:
            raise Quit(Ended.END_OF_INPUT)
        if not reply.strip():
            turns.append(Turn(question))
            return
        asked = [*turns, Turn(question, reply.strip())]
        try:
            response = self.io.waiting(
                "the examiner is reading your reply…", lambda: respond(config, card, answer, asked)
            )
        except KeyboardInterrupt:
            response = ExaminerFailure("skipped (Ctrl-C)")
        self.io.examiner_says(None, response)
        turns.append(Turn(question, reply.strip(), response if isinstance(response, str) else ""))

    def _menu(
        self,
        card: Card,
        shown: Revealed,
        answer: str | None,
        number: str,
        depth: int,
        follow_up_of: str | None,
        typed: str | None = None,
    ) -> Outcome | None:
        menu = QUIZ_MENU if self.mode is Mode.QUIZ and depth < MAX_FOLLOW_UP_DEPTH else DRILL_MENU
        probing = self.examiner is not None and typed is not None
        if probing:
            menu = (*menu[:-1], ASK_MORE, menu[-1])
        turns: list[Turn] = []
        while True:
            key = self.io.read_key(menu, shown.suggested)
            if key is None:
                raise Quit(Ended.END_OF_INPUT)
            if key.isdigit():
                return self._rate(card, Rating(int(key)), shown, answer, number, follow_up_of, turns)
            if key == "a" and probing and typed is not None:
                self._ask_more(card, typed, turns)
            elif key == "e":
                self.io.explanation(card)
            elif key == "r":
                self._run(card)
            elif key == "f":
                self._follow_up(card, number, depth)
            elif key == "s":
                outcome = self._outcome(card, None, shown, number, follow_up_of)
                self.result.outcomes.append(outcome)
                return outcome
            elif key == "q":
                raise Quit(Ended.QUIT)

    def _outcome(
        self, card: Card, rating: Rating | None, shown: Revealed, number: str, follow_up_of: str | None
    ) -> Outcome:
        return Outcome(
            card,
            rating,
            _covered(shown.assessment),
            len(card.key_points),
            shown.seconds,
            follow_up_of,
            number=number,
            over_time=shown.over_time,
        )

    def _rate(
        self,
        card: Card,
        rating: Rating,
        shown: Revealed,
        answer: str | None,
        number: str,
        follow_up_of: str | None,
        turns: Sequence[Turn] = (),
    ) -> Outcome:
        coverage = shown.assessment
        record = None
        # The examiner's record quotes the answer: kept only where answers are.
        if shown.examined is not None and self.keep_answers:
            from .examiner import record_json

            record = record_json(shown.examined, turns)
        memory = self.store.record(
            Review(
                card_id=card.id,
                reviewed_at=self.now(),
                rating=rating,
                seconds=round(shown.seconds, 1),
                covered=_covered(coverage),
                total_points=len(card.key_points),
                mode=self.mode,
                mistakes=coverage.wrong_count if coverage else 0,
                answer=answer,
                time_limit=self.time_limit,
                examiner=record,
            )
        )
        outcome = self._outcome(card, rating, shown, number, follow_up_of)
        self.result.outcomes.append(outcome)
        if rating is Rating.AGAIN:
            self._bring_back(card, number, follow_up_of, memory)
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

    def _follow_up(self, card: Card, number: str, depth: int) -> None:
        linked = [f for f in card.linked_follow_ups if self.bank.get(f.card or "")]
        if not linked:
            self.io.message("This card has no linked follow-up to take.")
            return
        choice = 0 if len(linked) == 1 else self.io.choose_follow_up(linked)
        if choice is None:
            return
        target = self.bank.get(linked[choice].card or "")
        assert target is not None  # linked was filtered to cards in the bank
        position = int("".join(ch for ch in number if ch.isdigit()) or 0)
        self._unplan(target.id)
        self._ask(target, self._sub_number(position), card.id, depth + 1)
        # Back to the card the follow-up came from, as an interviewer would.
        self.io.question(card, number, self.total)
        self.io.message("Back to this question: rate it, or take another follow-up.")


def _letters(count: int) -> str:
    """1 → a, 26 → z, 27 → aa: follow-ups under one question."""
    letters = ""
    while count:
        count, rest = divmod(count - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _covered(coverage: Assessment | None) -> int:
    return coverage.covered if coverage else 0

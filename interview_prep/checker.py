"""`prep check`: every card valid, every snippet printing what its card stores."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .bank import Bank
from .cards import Card
from .runner import DEFAULT_TIMEOUT, RunResult, allow_running, kill_all_running, outputs_match

if TYPE_CHECKING:
    from typing_extensions import Self

    from .grading import Assessment, ParsedAnswer


@dataclass(frozen=True)
class SnippetCheck:
    card: Card
    result: RunResult

    @property
    def ok(self) -> bool:
        assert self.card.snippet is not None  # only cards with a snippet are run
        return self.result.ok and outputs_match(self.card.snippet.output, self.result.stdout)

    def problem(self) -> str | None:
        """One `path:line: message` line, or None when the snippet is fine."""
        if self.ok:
            return None
        where = f"{self.card.path}:{self.card.lines.get('snippet.code', self.card.line_of('snippet'))}"
        if not self.result.ok:
            return f"{where}: snippet {self.result.summary()}"
        return f"{where}: snippet output differs from the stored output (see: prep run {self.card.id})"


@dataclass(frozen=True)
class CheckReport:
    bank: Bank
    snippets: tuple[SnippetCheck, ...]
    grading: tuple[str, ...] = ()
    untrusted: tuple[str, ...] = ()

    @property
    def problems(self) -> list[str]:
        lines = [str(p) for p in self.bank.problems]
        lines += self.grading
        lines += self.untrusted
        lines += [p for s in self.snippets if (p := s.problem())]
        return lines

    @property
    def ok(self) -> bool:
        return not self.problems


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def snippets_to_run(bank: Bank, only: AbstractSet[str] = frozenset(), run: bool = True) -> list[Card]:
    """The valid cards whose snippets `check_bank` runs."""
    return [card for card in bank if card.snippet and run and (not only or card.id in only)]


def check_bank(
    bank: Bank,
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_done: Callable[[SnippetCheck], None] | None = None,
    only: AbstractSet[str] = frozenset(),
    run: bool = True,
    untrusted: Callable[[Card], Path | None] = lambda card: None,
    cache: GradingCache | None = None,
) -> CheckReport:
    """Check every valid card's grading and run its snippet, `jobs` at a time.

    `only` limits the cards checked (the bank is still loaded and validated
    whole); `run=False` skips the snippets.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    chosen = [card for card in bank if not only or card.id in only]
    # A bank nobody has trusted is checked, but its code is not run.
    refused: dict[Path, int] = {}
    cards = []
    for card in snippets_to_run(bank, only, run):
        folder = untrusted(card)
        if folder is None:
            cards.append(card)
        else:
            refused[folder] = refused.get(folder, 0) + 1
    results: dict[str, SnippetCheck] = {}
    workers = WorkerPool(min(jobs or default_jobs(), max(1, len(cards))) if cards else 0)
    # Threads are enough: each one waits on its own worker's child.
    try:
        with workers, ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
            futures = {pool.submit(workers.run, _code(card), timeout=timeout): card for card in cards}
            try:
                # The grading checks are Python work in this process, the snippets
                # run in others: do them while the snippets run, not after.
                grading = check_grading(bank, chosen, cache)
                for future in as_completed(futures):
                    card = futures[future]
                    check = SnippetCheck(card, future.result())
                    results[card.id] = check
                    if on_done:
                        on_done(check)
            except KeyboardInterrupt:
                # Ctrl-C: drop what is queued and end what runs, rather than
                # waiting for every snippet before saying "interrupted".
                pool.shutdown(wait=False, cancel_futures=True)
                kill_all_running()
                raise
    finally:
        allow_running()
    ordered = tuple(results[card.id] for card in cards)
    not_run = tuple(
        f"{folder}: not trusted, so its {count} snippet{'s' if count != 1 else ''} did not run;"
        f" if you trust its code: prep trust {folder}"
        for folder, count in refused.items()
    )
    return CheckReport(bank, ordered, grading, not_run)


class WorkerPool:
    """`size` warm snippet workers, each lent to one thread at a time."""

    def __init__(self, size: int):
        import queue

        from .runner import SnippetWorker

        self._workers = [SnippetWorker() for _ in range(size)]
        self._free: queue.Queue[SnippetWorker] = queue.Queue()
        for worker in self._workers:
            worker.start()
            self._free.put(worker)

    def run(self, code: str, *, timeout: float) -> RunResult:
        worker = self._free.get()
        try:
            return worker.run(code, timeout=timeout)
        finally:
            self._free.put(worker)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            worker.close()


def _code(card: Card) -> str:
    assert card.snippet is not None
    return card.snippet.code


def check_grading(
    bank: Bank, cards: Sequence[Card] | None = None, cache: GradingCache | None = None
) -> tuple[str, ...]:
    """The grading problems of `cards` (every card), judged with the whole bank's vocabulary.

    With a `cache`, a card whose grading was worked out before under exactly
    the same conditions is not graded again.
    """
    from .grading import bank_vocabulary

    vocabulary = bank_vocabulary(bank)
    chosen = list(bank) if cards is None else cards
    if cache is not None:
        cache.open(bank, vocabulary.words())
    lines: list[str] = []
    for card in chosen:
        known = cache.get(card) if cache is not None else None
        if known is None:
            known = grading_problems(card, vocabulary)
            if cache is not None:
                cache.put(card, known)
        lines.extend(known)
    if cache is not None:
        cache.save()
    return tuple(lines)


class GradingCache:
    """Each card's grading problems from an earlier `prep check`, kept in the cache folder.

    Grading every example answer of every card is most of what `prep check`
    does in its own process while the snippets run. A card's grading depends
    on its file, on prep's code and word list, and on the words of the whole
    bank (a word the bank uses is never read as a typo); the cache is keyed on
    a hash of each, so any change to any of them grades the card again. It
    holds problem lines, never code, and a cache that cannot be read or
    written is simply not used.
    """

    VERSION = 1

    def __init__(self, path: Path):
        self.path = path
        self._context = ""
        self._hashes: dict[str, str] = {}
        self._entries: dict[str, list[str]] = {}
        self._changed = False

    def open(self, bank: Bank, vocabulary: frozenset[str]) -> None:
        import hashlib
        import json

        self._hashes = bank.index.file_hashes()
        context = hashlib.sha256()
        context.update(_code_fingerprint().encode())
        context.update("\n".join(sorted(vocabulary)).encode())
        self._context = context.hexdigest()
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("version") == self.VERSION and stored.get("context") == self._context:
                entries = stored.get("cards", {})
                if isinstance(entries, dict):
                    self._entries = {
                        k: v
                        for k, v in entries.items()
                        if isinstance(v, list) and all(isinstance(x, str) for x in v)
                    }
        except (OSError, ValueError, AttributeError):
            self._entries = {}

    def _key(self, card: Card) -> str | None:
        sha = self._hashes.get(str(card.path))
        return f"{card.path}\0{sha}" if sha else None

    def get(self, card: Card) -> list[str] | None:
        key = self._key(card)
        return None if key is None else self._entries.get(key)

    def put(self, card: Card, problems: list[str]) -> None:
        key = self._key(card)
        if key is not None:
            self._entries[key] = problems
            self._changed = True

    def save(self) -> None:
        import json
        import tempfile

        if not self._changed:
            return
        data = {"version": self.VERSION, "context": self._context, "cards": self._entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.path.parent, prefix=".grading-", delete=False
            ) as temp:
                json.dump(data, temp)
            os.replace(temp.name, self.path)
        except OSError:
            pass  # a cache: the next check grades again


def _code_fingerprint() -> str:
    """prep's own code and word list, as they are on disk: a change to either regrades every card."""
    import hashlib

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for source in sorted(package.glob("*.py")) + sorted((package / "data").glob("*")):
        try:
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Grading checks: a card's grading is content too, checked like its snippet.

# A good example shares no run this long with the short answer, so it shows
# that paraphrase is credited, not that the short answer is.
MAX_SHARED_RUN = 4


def grading_problems(card: Card, vocabulary: Callable[[str], bool] | None = None) -> list[str]:
    """Located lines for every way the card's grading fails its own examples."""
    from .domain import Rating
    from .grading import ParsedAnswer, assess, is_echo, phrase_words, question_forms

    problems: list[str] = []
    parsed: dict[str, ParsedAnswer] = {}

    def at(field: str, message: str) -> None:
        problems.append(f"{card.path}:{card.lines.get(field) or card.line_of(field)}: {message}")

    def parse(text: str) -> ParsedAnswer:
        # Each example is read once, then graded, searched for runs and for mistakes.
        if text not in parsed:
            parsed[text] = ParsedAnswer(text, vocabulary or (lambda _: False))
        return parsed[text]

    def grade(text: str) -> Assessment:
        return assess(parse(text), card)

    echoes = question_forms(card.question)
    for i, point in enumerate(card.key_points):
        for keyword in point.keywords:
            if is_echo(keyword, echoes):
                at(f"key_points[{i}]", f"keyword {keyword!r} only repeats the question, so it earns nothing")
            elif len("".join(phrase_words(keyword))) <= 1:
                # Often a YAML list split at a comma inside a formula: "N(0, 1)".
                at(
                    f"key_points[{i}]",
                    f"keyword {keyword!r} is a single character and matches almost anything",
                )

    parrot = grade(card.question)
    if parrot.covered:
        covered = [p.matched for p in parrot.points if p.covered]
        at("question", f"the question typed back covers a key point (by {covered[0]!r})")

    own = grade(card.short_answer)
    for i, point_result in enumerate(own.points):
        if not point_result.covered:
            at(
                f"key_points[{i}]",
                f"the short answer does not cover key point {i + 1} ({point_result.status.value})",
            )
    for caught in own.mistakes:
        at(
            f"common_mistakes[{caught.number - 1}]",
            f"the short answer trips the signals of mistake {caught.number}: {caught.evidence!r}",
        )

    if card.answers is None:
        return problems
    short_runs = _runs(parse(card.short_answer))
    refutes_one = False
    for text in card.answers.good:
        result = grade(text)
        label = f"good answer {text[:40]!r}…"
        if result.mistakes:
            caught = result.mistakes[0]
            at("answers.good", f"{label} has mistake {caught.number} caught in {caught.evidence!r}")
        for contradiction in result.contradicted:
            at(
                "answers.good",
                f"{label} contradicts key point {card.key_points.index(contradiction.point) + 1} "
                f"in {contradiction.evidence!r}",
            )
        if result.suggested < Rating.GOOD:
            at(
                "answers.good",
                f"{label} is suggested {result.suggested.label} (covers {result.covered} of {result.total})",
            )
        shared = short_runs & _runs(parse(text))
        if shared:
            at("answers.good", f"{label} shares {' '.join(min(shared))!r} with the short answer")
        refutes_one = refutes_one or _names_a_mistake(parse(text), card)
    if card.answers.good and card.common_mistakes and not refutes_one:
        at(
            "answers.good",
            "no good answer names and refutes a common mistake (its signals, in a refuted clause)",
        )
    for example in card.answers.wrong:
        result = grade(example.text)
        if not any(c.number == example.mistake for c in result.mistakes):
            at(
                "answers.wrong",
                f"wrong answer {example.text[:40]!r}… does not have mistake "
                f"{example.mistake} caught (suggested {result.suggested.label})",
            )
    return problems


def _runs(answer: ParsedAnswer) -> set[tuple[str, ...]]:
    """Every run of MAX_SHARED_RUN words of prose within one clause (articles skipped).

    A run that is mostly a formula written out ("h of p plus") is not prose:
    two correct answers may well write the same formula.
    """
    from .text import SYMBOL_WORDS

    def prose(run: tuple[str, ...]) -> bool:
        return sum(1 for w in run if w.isalpha() and len(w) >= 3 and w not in SYMBOL_WORDS) >= 3

    n = MAX_SHARED_RUN
    runs = {tuple(ws[i : i + n]) for ws in answer.clause_words() for i in range(len(ws) - n + 1)}
    return {run for run in runs if prose(run)}


def _names_a_mistake(answer: ParsedAnswer, card: Card) -> bool:
    return any(
        match.refuted or match.negated
        for mistake in card.common_mistakes
        for signal in mistake.signals
        for match in answer.find(signal)
    )

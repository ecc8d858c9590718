"""`prep check`: every card valid, every snippet printing what its card stores."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .bank import Bank
from .cards import Card
from .runner import DEFAULT_TIMEOUT, RunResult, outputs_match, run_snippet


@dataclass(frozen=True)
class SnippetCheck:
    card: Card
    result: RunResult

    @property
    def ok(self) -> bool:
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

    @property
    def problems(self) -> list[str]:
        lines = [str(p) for p in self.bank.problems]
        lines += [p for s in self.snippets if (p := s.problem())]
        return lines

    @property
    def ok(self) -> bool:
        return not self.problems


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def check_bank(
    bank: Bank,
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    on_done: Callable[[SnippetCheck], None] | None = None,
) -> CheckReport:
    """Run every valid card's snippet, `jobs` at a time, and collect what went wrong."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    cards: Sequence[Card] = [card for card in bank if card.snippet]
    results: dict[str, SnippetCheck] = {}
    # Threads are enough: each one waits on its own child process.
    with ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
        futures = {pool.submit(run_snippet, card.snippet.code, timeout=timeout): card for card in cards}
        for future in as_completed(futures):
            card = futures[future]
            check = SnippetCheck(card, future.result())
            results[card.id] = check
            if on_done:
                on_done(check)
    ordered = tuple(results[card.id] for card in cards)
    return CheckReport(bank, ordered)

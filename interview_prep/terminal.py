"""The terminal side of a study session: rich output, keys and typed answers.

Two ways to read input, chosen once: when a person types (standard input
is a terminal, even if the output is piped), answers are written in an
editor (`editor.py`) and menu choices are single key presses; when standard
input is a pipe or a file, everything is read line by line, so a session can
be scripted: the answer's lines, a blank line, then one line per menu choice.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from rich.console import Console
from rich.markup import escape

from . import render
from .cards import Card, FollowUp

T = TypeVar("T")

if TYPE_CHECKING:
    from .domain import Rating
    from .editor import AnswerEditor
    from .examiner import ExaminerFailure, ExaminerReport
    from .grading import Assessment
    from .runner import RunResult
    from .session import Revealed


# ---------------------------------------------------------------------------
# The console, and the small terminal helpers commands share


class PlainWhenPiped(Console):
    """A console that drops the padding rich adds at line ends when nobody sees colours.

    Rich pads wrapped text to a block's width; in a terminal that is invisible,
    but in a pipe or a file it leaves trailing spaces on every line.
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if self.is_terminal or self.record:
            super().print(*objects, **kwargs)
            return
        with self.capture() as captured:
            super().print(*objects, **kwargs)
        text = "\n".join(line.rstrip() for line in captured.get().split("\n"))
        self.file.write(text)
        self.file.flush()


# Whatever COLUMNS says, lay out for a width a person can read: 0 would print
# nothing and a huge number would make rich pad every line for minutes.
MIN_WIDTH, MAX_WIDTH = 40, 400


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    file: Any = stream if _speaks_unicode(stream) else AsciiWriter(stream)
    # highlight=False: rich would otherwise colour numbers in answers and outputs at random.
    out = PlainWhenPiped(file=file, highlight=False, width=_columns())
    if not MIN_WIDTH <= out.width <= MAX_WIDTH:
        out.width = min(max(out.width, MIN_WIDTH), MAX_WIDTH)
    return out


def _columns() -> int | None:
    raw = os.environ.get("COLUMNS", "")
    try:
        return min(max(int(raw), MIN_WIDTH), MAX_WIDTH)
    except ValueError:
        return None  # unset or not a number: rich asks the terminal


def _speaks_unicode(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith("utf")


# Where the terminal cannot show a character, a readable stand-in.
_ASCII = str.maketrans(
    {
        "σ": "sigma",
        "μ": "mu",
        "θ": "theta",
        "λ": "lambda",
        "α": "alpha",
        "β": "beta",
        "γ": "gamma",
        "ε": "epsilon",
        "η": "eta",
        "π": "pi",
        "ρ": "rho",
        "τ": "tau",
        "Σ": "sum",
        "∑": "sum",
        "√": "sqrt",
        "²": "^2",
        "³": "^3",
        "ŷ": "y_hat",
        "ȳ": "y_bar",
        "−": "-",
        "–": "-",
        "—": "--",
        "≤": "<=",
        "≥": ">=",
        "≠": "!=",
        "≈": "~",
        "∝": "~",
        "→": "->",
        "⇒": "=>",
        "×": "x",
        "·": "*",
        "…": "...",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "•": "*",
        "✓": "+",
        "✗": "x",
        "⚠": "!",
        "↳": "->",
        "∂": "d",
        "∞": "inf",
        "‖": "||",
        "∈": " in ",
    }
)


class AsciiWriter:
    """A text stream for a terminal that cannot show Unicode (a Latin-1 locale, say):
    math written out where it is cheap (σ² as sigma^2), anything else replaced."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None) or "ascii"

    def write(self, text: str) -> int:
        safe = text.translate(_ASCII).encode(self.encoding, errors="replace").decode(self.encoding)
        return self.stream.write(safe)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


def interactive() -> bool:
    """Whether a person is at the keyboard and watching: both ends are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def input_is_typed() -> bool:
    """Whether a person types the input: standard input is a terminal, even
    when the output is piped (`prep quiz | tee log`)."""
    return sys.stdin.isatty()


def with_status(out: Console, message: str, work: Callable[[], T]) -> T:
    """Run `work` under a spinner in a terminal; silently when piped."""
    if out.is_terminal:
        with out.status(message):
            return work()
    return work()


@contextmanager
def progress(out: Console, total: int, what: str) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal, advanced by calling what this yields; nothing when piped."""
    if not out.is_terminal or not total:
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(console=out, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda: bar.advance(task)


def pick(out: Console, candidates: Sequence[Card], query: str) -> Card | None:
    """Ask which of several cards was meant; None when nobody can answer (no terminal)."""
    out.print(f"Several cards fit {query!r}:", markup=False)
    out.print(render.candidates_table(candidates))
    if not interactive():
        return None
    while True:
        out.print(f"Which one? [1-{len(candidates)}] ", end="")
        try:
            raw = input().strip()
        except EOFError:
            return None
        if raw.isdigit() and 1 <= int(raw) <= len(candidates):
            return candidates[int(raw) - 1]
        out.print(f"Type a number from 1 to {len(candidates)}, or Ctrl-C to stop.", style="dim")


# ---------------------------------------------------------------------------
# A study session in the terminal


class TerminalIO:
    def __init__(self, console: Console, interactive: bool, stdin: TextIO | None = None):
        self.out = console
        self.interactive = interactive
        self.stdin = stdin if stdin is not None else sys.stdin
        # Opened at the first answer, and kept: its history is this session's answers.
        self._editor: AnswerEditor | None = None
        self._no_editor = False

    # -- output -------------------------------------------------------------

    def question(self, card: Card, number: str, total: int) -> None:
        self.out.print()
        self.out.print(render.question_header(card, number, total))

    def reveal(self, card: Card, shown: Revealed) -> None:
        self.out.print(render.reveal(card, shown))

    def explanation(self, card: Card) -> None:
        self.out.print(render.explanation(card))

    def snippet_result(self, card: Card, result: RunResult) -> None:
        self.out.print(render.snippet_code(card, highlight=self.out.is_terminal and not self.out.no_color))
        self.out.print(render.run_output(card, result))

    def message(self, text: str) -> None:
        self.out.print(text, style="dim")

    def waiting(self, message: str, work: Callable[[], T]) -> T:
        return with_status(self.out, message, work)

    def examined(self, outcome: ExaminerReport | ExaminerFailure, assessment: Assessment | None) -> None:
        from .examiner import ExaminerFailure

        if isinstance(outcome, ExaminerFailure):
            self.out.print(render.examiner_failure_line(outcome))
        else:
            self.out.print(render.examiner_view(outcome, assessment))

    def examiner_says(self, question: str | None, response: str | ExaminerFailure | None) -> None:
        from .examiner import ExaminerFailure

        if question is not None:
            # The answer prompt that follows asks for the reply; Enter alone skips it.
            self.out.print(render.examiner_question(question))
        if isinstance(response, ExaminerFailure):
            self.out.print(render.examiner_failure_line(response))
        elif response is not None:
            self.out.print(render.examiner_response(response))

    # -- input --------------------------------------------------------------

    def _line(self, prompt: str) -> str | None:
        """One line, or None when the input has ended."""
        if self.interactive:
            try:
                self.out.print(prompt, end="")
                return input()
            except EOFError:
                return None
        line = self.stdin.readline()
        if not line:
            return None
        return line.rstrip("\r\n")

    def read_answer(self, optional: bool, limit: float | None = None) -> str | None:
        """The typed answer; "" to reveal without one, "q" to quit, None when the input has ended.

        With a limit, a person typing sees a countdown; nothing is cut off at
        zero (the session judges the time). Piped input has no clock to watch.
        """
        editor = self._answer_editor()
        if editor is not None:
            return self._edit_answer(editor, optional, limit)
        hint = (
            "Enter to reveal, q to quit"
            if optional
            else "a blank line finishes; Enter alone reveals; q quits"
        )
        self.out.print(f"[bold]Your answer[/] [dim]({hint})[/]")
        lines: list[str] = []
        while True:
            line = self._line("› ")
            if line is None:
                # End of input ends the session unless an answer was being typed.
                return "\n".join(lines) if lines else None
            if not line.strip():
                return "\n".join(lines)
            if not lines and line.strip().lower() == "q":
                return line  # quit at once, without waiting for the blank line
            lines.append(line)

    def _edit_answer(self, editor: AnswerEditor, optional: bool, limit: float | None) -> str | None:
        from .durations import clock
        from .editor import CONTINUATION, FINISH_HINT, PROMPT

        hint = (
            f"Enter to reveal, q to quit; or type an answer: {FINISH_HINT}"
            if optional
            else f"{FINISH_HINT}; Enter alone reveals; q quits"
        )
        timed = f" in [bold]{clock(limit)}[/]" if limit is not None else ""
        self.out.print(f"[bold]Your answer[/]{timed} [dim]({hint})[/]")
        answer = editor.read(limit)
        if answer and not editor.on_stdout:
            # The editor drew on the terminal beside piped output (`| tee log`)
            # and erased itself: the answer goes where the session goes.
            lines = answer.split("\n")
            shown = [PROMPT + lines[0], *(CONTINUATION + line for line in lines[1:])]
            self.out.print("\n".join(shown), markup=False)
        return answer

    def _answer_editor(self) -> AnswerEditor | None:
        """The session's answer editor, opened at the first answer; None with no
        person typing, or no terminal to draw it on (answers are then read by line)."""
        if self._editor is not None or self._no_editor or not self.interactive:
            return self._editor
        import time

        from .editor import AnswerEditor, screen_for_editor

        screen = screen_for_editor()
        if screen is None:
            self._no_editor = True
            return None
        self._editor = AnswerEditor(self.stdin, screen[0], on_stdout=screen[1], clock=time.monotonic)
        return self._editor

    def _drop_typeahead(self) -> None:
        """Keys typed before a menu is shown are not choices from it (the tail
        of a paste, an extra Enter): drop them, and say so in one line."""
        if not self.interactive:
            return
        from .editor import take_pending

        dropped = self._editor.take_typeahead() if self._editor else ""
        dropped += take_pending(self.stdin.fileno())
        if dropped:
            self.out.print(f"[dim]Ignored what was typed before this menu: {_quoted(dropped)}[/]")

    def read_key(self, menu: Sequence[tuple[str, str]], suggested: Rating | None) -> str | None:
        keys = [key for key, _ in menu]
        ratings = "  ".join(f"[bold]{key}[/] {label}" for key, label in menu if key.isdigit())
        actions = "  ".join(f"[bold]{key}[/] {label}" for key, label in menu if not key.isdigit())
        if suggested:
            ratings += f"   [dim](Enter = {int(suggested)})[/]"
        self._drop_typeahead()
        self.out.print(f"Rate  {ratings}")
        self.out.print(f"      {actions}")
        while True:
            raw = self._key("› ")
            if raw is None:
                return None
            key = self._choice(raw)
            if not key and suggested:
                key = str(int(suggested))
            if key in keys:
                # Echo the choice so a transcript (or a piped session) shows what was picked.
                self.out.print(key if self.interactive else f"› {key}")
                return key
            self.out.print(f"[dim]{_quoted(raw.strip())} is not a choice; press one of {' '.join(keys)}[/]")

    def _key(self, prompt: str) -> str | None:
        """One key press in a terminal ("" for Enter), one line from a pipe; None at the end."""
        if not self.interactive:
            return self._line(prompt)
        from .editor import read_key

        if self.out.is_terminal:
            self.out.print(prompt, end="")
        else:
            # Output piped (`| tee log`) drops a line's trailing spaces, and the
            # prompt's must stay to keep "› 3" apart once the key is echoed.
            self.out.file.write(prompt)
            self.out.file.flush()
        return read_key(self.stdin.fileno())

    def _choice(self, raw: str) -> str:
        """The menu choice in what `_key` read: a piped line's first character, as
        ever; in a terminal the key itself, so that several keys arriving at once
        (a paste, an arrow's escape sequence) are refused, not taken for their first."""
        typed = raw.strip().lower()
        return typed if self.interactive else typed[:1]

    def choose_follow_up(self, follow_ups: Sequence[FollowUp]) -> int | None:
        self._drop_typeahead()
        for i, follow_up in enumerate(follow_ups, 1):
            self.out.print(
                f"  [bold]{i}[/] {escape(follow_up.question)} [cyan]({escape(str(follow_up.card))})[/]"
            )
        self.out.print("Which follow-up? (Enter to go back)")
        while True:
            raw = self._key("› ") if len(follow_ups) < 10 else self._line("› ")
            if raw is None or not raw.strip():
                if self.interactive:
                    self.out.print()
                return None
            if raw.strip().isdigit() and 1 <= int(raw.strip()) <= len(follow_ups):
                if self.interactive:
                    self.out.print(raw.strip())
                return int(raw.strip()) - 1
            self.out.print(f"[dim]type a number from 1 to {len(follow_ups)}[/]")

    def offer_follow_up(self, follow_up: FollowUp) -> bool | None:
        self._drop_typeahead()
        self.out.print(f"[bold]The interviewer follows up:[/] {escape(follow_up.question)}")
        self.out.print("Take it next? [bold]y[/]es / [bold]n[/]o [dim](Enter = yes)[/]")
        while True:
            raw = self._key("› ")
            if raw is None:
                return None
            answer = self._choice(raw)
            if answer in ("", "y", "n"):
                if self.interactive:
                    self.out.print(answer or "y")
                return answer != "n"
            self.out.print(f"[dim]{_quoted(raw.strip())} is not a choice; press y or n[/]")


def _quoted(keys: str, limit: int = 40) -> str:
    """Keys as typed, escapes visible ('\\x1b[D'), a long paste cut short: for one dim line."""
    shown = repr(keys if len(keys) <= limit else keys[:limit] + "…")
    return escape(shown)

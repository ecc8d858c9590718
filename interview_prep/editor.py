"""Typing at a terminal: the answer editor, and single keys for menus.

An answer is written in prompt_toolkit's editor (the line editor of IPython
and pgcli): arrows, Home/End, Ctrl-W and Alt-Backspace to delete a word,
this session's earlier answers on Up/Down, and pastes that arrive whole. The
standard library's readline can neither redraw a countdown while it waits
nor hold a multi-line paste. prompt_toolkit is imported inside functions, and
this module only when a person is typing, so `prep --help` never loads it.

How an answer ends (the prompt's hint and the README say the same):

- Enter on an empty line after the text finishes it, as in piped input;
  Esc-Enter (Alt-Enter) or Ctrl-D finishes it wherever the cursor is.
- Enter on an empty answer finishes it empty (the card is revealed), and
  Enter after a lone `q` finishes it as "q" (the session quits).
- A paste is inserted whole, blank lines and all, and never finishes it:
  the terminal marks where a paste starts and ends (bracketed paste), and
  where it does not, an Enter that arrives in one read with more text behind
  it was pasted, not typed.
- Ctrl-D on an empty answer is the end of input; Ctrl-C interrupts.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from . import durations

if TYPE_CHECKING:
    from prompt_toolkit.document import Document
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.output import Output
    from prompt_toolkit.styles import BaseStyle

FINISH_HINT = "Enter on an empty line finishes, or Esc-Enter"
TIMES_UP = "time's up, finish your sentence"
PROMPT, CONTINUATION = "› ", "  "
# How often the countdown is redrawn: often enough that a second never lags.
REFRESH_SECONDS = 0.25
# How long to wait for a pipe's reader (`| tee`) to show what was printed
# before the editor draws below it on the same terminal.
PIPE_SETTLE_SECONDS = 0.5


def screen_for_editor() -> tuple[TextIO, bool] | None:
    """Where the editor draws: standard output when it is the terminal, else
    standard error, else /dev/tty (`prep quiz | tee log`), so the countdown
    never lands in the piped output. With it, whether it is standard output;
    None when no terminal can be drawn on."""
    if sys.stdout.isatty():
        return sys.stdout, True
    if sys.stderr.isatty():
        return sys.stderr, False
    try:
        tty = open("/dev/tty", "w", encoding=sys.stdout.encoding or "utf-8")  # noqa: SIM115 (kept open for the session)
    except OSError:
        return None
    return tty, False


class AnswerEditor:
    """The multi-line answer editor of one session: one history, one terminal."""

    def __init__(self, keyboard: TextIO, screen: TextIO, *, on_stdout: bool, clock: Callable[[], float]):
        self.keyboard = keyboard
        self.screen = screen
        # When the editor draws beside piped output, it erases itself when done
        # and the caller prints the answer where the rest of the session goes.
        self.on_stdout = on_stdout
        self.clock = clock
        self._deadline: float | None = None
        self._input: Input | None = None
        self._output: Output | None = None
        self._history: InMemoryHistory | None = None

    def read(self, limit: float | None = None) -> str | None:
        """The answer as typed, trailing blank lines removed; None at the end of input (Ctrl-D).

        With a limit, a countdown shows below the answer; at zero it says time
        is up and the answer goes on: nothing is cut off.
        """
        from prompt_toolkit.application import Application
        from prompt_toolkit.buffer import Buffer
        from prompt_toolkit.filters import Condition, is_done
        from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
        from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl

        if not self.on_stdout:
            _let_the_pipe_reader_catch_up()
        self._deadline = None if limit is None else self.clock() + limit
        buffer = Buffer(multiline=True, history=self._answers())
        editor = Window(
            BufferControl(buffer),
            get_line_prefix=lambda line, wrapped: PROMPT if line == 0 and not wrapped else CONTINUATION,
            wrap_lines=True,
            dont_extend_height=True,
        )
        countdown = ConditionalContainer(
            Window(FormattedTextControl(self._countdown), height=1, dont_extend_height=True),
            filter=~is_done & Condition(lambda: self._deadline is not None),
        )
        app: Application[str] = Application(
            layout=Layout(HSplit([editor, countdown]), focused_element=editor),
            key_bindings=_answer_keys(),
            style=_style(),
            input=self._keyboard_input(),
            output=self._screen_output(),
            refresh_interval=REFRESH_SECONDS if limit is not None else None,
            erase_when_done=not self.on_stdout,
        )
        try:
            return app.run()
        except EOFError:
            return None

    def take_typeahead(self) -> str:
        """What the editor read past the end of the answer, now taken from it."""
        if self._input is None:
            return ""
        from prompt_toolkit.input.typeahead import get_typeahead
        from prompt_toolkit.keys import Keys

        return "".join(press.data for press in get_typeahead(self._input) if press.key != Keys.CPRResponse)

    # -- parts --------------------------------------------------------------

    def _countdown(self) -> StyleAndTextTuples:
        if self._deadline is None:
            return []
        left = self._deadline - self.clock()
        if left > 0:
            return [("class:countdown", f"{durations.clock(left)} left"), ("class:hint", f" · {FINISH_HINT}")]
        return [("class:times-up", TIMES_UP), ("class:hint", f" · {FINISH_HINT}")]

    def _answers(self) -> InMemoryHistory:
        if self._history is None:
            from prompt_toolkit.history import InMemoryHistory

            class Answers(InMemoryHistory):
                """This session's answers, for Up/Down; not an empty one or a quit."""

                def append_string(self, string: str) -> None:
                    if string.strip() and string.strip().lower() != "q":
                        super().append_string(string)

            self._history = Answers()
        return self._history

    def _keyboard_input(self) -> Input:
        if self._input is None:
            from prompt_toolkit.input import create_input

            self._input = create_input(self.keyboard)
        return self._input

    def _screen_output(self) -> Output:
        if self._output is None:
            from prompt_toolkit.output.vt100 import Vt100_Output

            output = Vt100_Output.from_pty(self.screen, term=os.environ.get("TERM"))
            # The editor grows from the cursor down and never needs to know
            # the rows below it; asking the terminal (a cursor position
            # report) only makes one that does not answer print a warning.
            output.enable_cpr = False
            self._output = output
        return self._output


def _finishes(document: Document) -> bool:
    """Whether Enter, typed here, ends the answer rather than starting a line."""
    text = document.text.strip()
    if not text or text.lower() == "q":
        return True
    return not document.current_line.strip() and not document.text_after_cursor.strip()


def _answer_keys() -> KeyBindings:
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.keys import Keys

    keys = KeyBindings()

    def finish(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        answer = buffer.text.rstrip()
        buffer.text = answer  # shown without the blank line that ended it
        buffer.append_to_history()
        event.app.exit(result=answer)

    @keys.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        pasted = any(press.key != Keys.CPRResponse for press in event.key_processor.input_queue)
        if _finishes(event.current_buffer.document) and not pasted:
            finish(event)
        else:
            event.current_buffer.newline(copy_margin=False)

    @keys.add("escape", "enter")
    def _finish_anywhere(event: KeyPressEvent) -> None:
        finish(event)

    @keys.add("c-d")
    def _end(event: KeyPressEvent) -> None:
        if event.current_buffer.text.strip():
            finish(event)
        else:
            event.app.exit(exception=EOFError)

    @keys.add("c-c")
    @keys.add("<sigint>")  # a SIGINT sent from elsewhere, which prompt_toolkit turns into a key
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt)

    return keys


def _style() -> BaseStyle:
    from prompt_toolkit.styles import Style

    # Under NO_COLOR prompt_toolkit draws in one colour: bold stays, red goes.
    return Style.from_dict({"countdown": "bold", "times-up": "bold fg:ansired", "hint": ""})


def _let_the_pipe_reader_catch_up(settle: float = PIPE_SETTLE_SECONDS) -> None:
    """Wait (briefly) until a pipe on standard output has been read, so that
    what `tee` shows of the question comes before the editor, not inside it."""
    import fcntl
    import struct
    import termios

    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return
        sys.stdout.flush()
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline:
            pending = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
            if not pending:
                break
            time.sleep(0.005)
        time.sleep(0.02)  # the reader has read it; now it writes it
    except (OSError, ValueError):
        return


# ---------------------------------------------------------------------------
# Single keys


def read_key(fd: int) -> str | None:
    """One key press from the terminal, without Enter and without echo: "" for
    Enter, None for Ctrl-D or a closed terminal. Whatever arrives in one read
    is returned whole (an arrow's escape sequence, or a paste), so a caller
    can refuse it rather than take its first character for a choice.
    Ctrl-C still interrupts: the terminal keeps sending it as a signal."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        data = os.read(fd, 64)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    text = data.decode("utf-8", errors="replace")
    if not data or text == "\x04":
        return None
    if text in ("\r", "\n", "\r\n"):
        return ""
    return text


def take_pending(fd: int) -> str:
    """Whatever was typed and not yet read, taken without waiting for more."""
    import select
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    chunks: list[bytes] = []
    try:
        # Out of line mode first: a half-typed line is pending input too.
        tty.setcbreak(fd, termios.TCSANOW)
        while select.select([fd], [], [], 0)[0]:
            data = os.read(fd, 1024)
            if not data:
                break
            chunks.append(data)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    return b"".join(chunks).decode("utf-8", errors="replace")

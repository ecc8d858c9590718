"""Typing an answer in a real terminal: pastes, line editing, the countdown, piped output.

Each terminal test spawns prep in a pseudo-terminal, as tests/test_terminal.py
does, and waits until the editor has told the terminal to bracket pastes
(it is then in raw mode and reading keys) before it types anything.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

import pytest

from interview_prep.durations import MOCK_ANSWER_LIMIT, answer_time_limit, clock, parse_duration
from interview_prep.store import ReviewStore, progress_path

from .conftest import GOOD_BANK
from .test_terminal import spawn as spawn_in_terminal

pexpect = pytest.importorskip("pexpect")

EDITOR_READY = "\x1b[?2004h"  # bracketed paste turned on: the editor is reading keys
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
LEFT, HOME, END = "\x1b[D", "\x1b[H", "\x1b[F"
ESC_ENTER = "\x1b\r"
BANK_ENV = {"PREP_BANK": str(GOOD_BANK)}
# Rich keeps bold and dim under NO_COLOR: what may sit between two pieces of text.
STYLED = r"(?:\x1b\[[0-9;]*m)*"


def prep_env(home) -> dict[str, str]:
    env = {
        **os.environ,
        "PREP_HOME": str(home),
        "PREP_BANK": str(GOOD_BANK),
        "COLUMNS": "100",
        "LINES": "50",
        "TERM": "xterm-256color",
        "NO_COLOR": "1",  # plain text to match; prompt_toolkit honours it too
    }
    return env


def spawn(home, *args: str):
    # The terminal tests' spawn, with this module's environment (plain text, a real TERM).
    return spawn_in_terminal(home, *args, env=prep_env(home))


@pytest.fixture(scope="module")
def built_index(tmp_path_factory):
    """The bank index, built once: each test then starts in a second, not five."""
    home = tmp_path_factory.mktemp("index-home")
    subprocess.run(
        [sys.executable, "-m", "interview_prep", "explain", "toy-mean", "--no-run"],
        env=prep_env(home),
        capture_output=True,
        timeout=120,
        check=True,
    )
    return home / "cache"


@pytest.fixture(autouse=True)
def warm_index(isolated_env, built_index):
    shutil.copytree(built_index, isolated_env / "cache", dirs_exist_ok=True)


def reviews(home):
    with ReviewStore(progress_path(home)) as store:
        return store.reviews()


def finish(child) -> None:
    child.expect_exact("\x1b[?2004l")  # the editor is done and bracketed paste off again


# ---------------------------------------------------------------------------
# Pastes, editing, history


THREE_PARAGRAPHS = (
    "The mean is the number that minimises it.\n"
    "\n"
    "Squared error is a smooth bowl, so there is one minimum.\n"
    "\n"
    "Setting the derivative to zero gives the average."
)


def test_a_pasted_three_paragraph_answer_is_graded_whole(isolated_env):
    child = spawn(isolated_env, "grade", "toy-mean")
    child.expect("Your answer")
    child.expect_exact(EDITOR_READY)
    # A terminal sends Enter as \r, inside a paste too.
    child.send(PASTE_START + THREE_PARAGRAPHS.replace("\n", "\r") + PASTE_END)
    child.expect("the average")
    child.send("\r")  # a new line after the paste…
    child.send("\r")  # …and Enter on it, empty, finishes
    child.expect("Key points: you covered 2 of 3")
    # The third paragraph was graded: the key point only it covers is ticked, with its words.
    child.expect(
        STYLED + "The derivative is zero at the optimum." + STYLED + "  “Setting the derivative to zero"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_paste_without_brackets_keeps_its_blank_lines_too(isolated_env):
    """A terminal that does not bracket pastes sends the lines as Enter presses,
    all in one read: an Enter with more text behind it does not finish."""
    child = spawn(isolated_env, "quiz", "toy-mean", "--no-time")
    child.expect_exact(EDITOR_READY)
    child.send(THREE_PARAGRAPHS.replace("\n", "\r"))
    child.expect("the average")
    child.send(ESC_ENTER)
    finish(child)
    child.expect("Rate")
    child.send("3")
    child.expect(pexpect.EOF)
    child.close()
    (review,) = reviews(isolated_env)
    assert review.answer == THREE_PARAGRAPHS
    assert review.covered == 2


def test_arrow_keys_home_and_end_edit_a_typed_answer(isolated_env):
    child = spawn(isolated_env, "grade", "toy-mean")
    child.expect_exact(EDITOR_READY)
    child.send("mean; an outlir pulls it far")
    child.expect("far")
    child.send(LEFT * len("r pulls it far") + "e")  # outlir -> outlier
    child.send(HOME + "The ")
    child.send(END + "\r")
    child.send("\r")
    child.expect("Key points: you covered 2 of 3")
    child.expect("Outliers pull it because errors are squared." + STYLED + "  “an outlier pulls it far”")
    child.expect(pexpect.EOF)
    child.close()
    assert "^[[D" not in (child.before or "")
    assert child.exitstatus == 0


def test_word_deletion_and_the_previous_answer_on_up(isolated_env):
    child = spawn(isolated_env, "quiz", "toy-mean", "toy-median", "--no-time")
    child.expect_exact(EDITOR_READY)
    child.send("The mean; an outlier pulls it wrongword")
    child.expect("wrongword")
    child.send("\x17")  # Ctrl-W deletes the word before the cursor
    child.send("\r\r")
    child.expect("Rate")
    child.send("3")
    child.expect_exact(EDITOR_READY)
    child.send("\x1b[A")  # Up: this session's previous answer
    child.expect("outlier pulls it")
    child.send(ESC_ENTER)
    finish(child)
    child.expect("Rate")
    child.send("3")
    child.expect(pexpect.EOF)
    child.close()
    first, second = sorted(reviews(isolated_env), key=lambda r: r.reviewed_at)
    assert first.answer == "The mean; an outlier pulls it"
    assert second.answer == first.answer  # recalled whole, then finished


def test_ctrl_d_finishes_a_typed_answer_and_ends_input_on_an_empty_one(isolated_env):
    child = spawn(isolated_env, "quiz", "toy-mean", "toy-median", "--no-time")
    child.expect_exact(EDITOR_READY)
    child.send("The mean\x04")
    child.expect("Rate")
    child.send("2")
    child.expect_exact(EDITOR_READY)
    child.send("\x04")
    child.expect("1 card rated")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [r.answer for r in reviews(isolated_env)] == ["The mean"]


def test_keys_typed_ahead_of_a_menu_are_not_taken_as_a_choice(isolated_env):
    child = spawn(isolated_env, "quiz", "toy-mean", "--no-time")
    child.expect_exact(EDITOR_READY)
    # "3" arrives with the key that finishes the answer, before the menu exists.
    child.send("The mean" + ESC_ENTER + "3")
    child.expect("Ignored what was typed before this menu: '3'")
    child.expect("Rate")
    child.send("2")
    child.expect(pexpect.EOF)
    child.close()
    assert [r.rating for r in reviews(isolated_env)] == [2]


def test_several_keys_at_once_at_a_menu_are_refused(isolated_env):
    child = spawn(isolated_env, "quiz", "toy-mean", "--no-time")
    child.expect_exact(EDITOR_READY)
    child.send("The mean\r\r")
    child.expect("Rate")
    child.send("34")  # a paste, not a key: neither 3 nor 4
    child.expect("'34' is not a choice")
    child.send(LEFT)
    child.expect("is not a choice")
    child.send("4")
    child.expect(pexpect.EOF)
    child.close()
    assert [r.rating for r in reviews(isolated_env)] == [4]


# ---------------------------------------------------------------------------
# Timed answers


def test_a_countdown_shows_and_times_up_without_cutting_the_answer(isolated_env):
    child = spawn(isolated_env, "quiz", "toy-mean", "--time", "2s")
    child.expect("Your answer" + STYLED + " in " + STYLED + "0:02")
    child.expect_exact(EDITOR_READY)
    child.expect("left")
    child.expect("Enter on an empty line finishes")
    child.send("The mean")
    child.expect("time's up, finish your sentence", timeout=10)
    child.send("; an outlier pulls it far")
    child.expect("pulls it far")
    child.send("\r\r")
    finish(child)
    child.expect("Rate")
    child.send("3")
    child.expect(pexpect.EOF)
    child.close()
    (review,) = reviews(isolated_env)
    assert review.answer == "The mean; an outlier pulls it far"
    assert review.time_limit == 2
    assert review.over_time


def test_no_countdown_without_a_time_limit(isolated_env):
    child = spawn(isolated_env, "quiz", "toy-mean")  # named cards: not mock order, no default
    child.expect("Your answer" + STYLED + r" " + STYLED + r"\(")
    child.expect_exact(EDITOR_READY)
    child.send("The mean\r\r")
    child.expect("Rate")
    assert "left ·" not in (child.before or "")
    child.send("s")
    child.expect(pexpect.EOF)
    child.close()


# ---------------------------------------------------------------------------
# Output piped, input typed: `prep quiz | tee log`


def test_piped_output_keeps_prompts_and_single_keys_and_no_countdown(isolated_env, tmp_path):
    log = tmp_path / "log.txt"
    command = " ".join(
        shlex.quote(part)
        for part in [sys.executable, "-m", "interview_prep", "quiz", "toy-mean", "--time", "1m"]
    )
    child = pexpect.spawn(
        "bash",
        ["-c", f"{command} | tee {shlex.quote(str(log))}"],
        env=prep_env(isolated_env),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 100),
    )
    child.expect("Your answer in 1:00")
    child.expect_exact(EDITOR_READY)
    child.expect("left")  # on the terminal
    child.send("The mean; an outlier pulls it\r\r")
    child.expect("you covered 2 of 3")
    child.expect("Rate")
    child.send("3")  # one key, no Enter
    child.expect(pexpect.EOF)
    child.close()
    assert [r.rating for r in reviews(isolated_env)] == [3]
    piped = log.read_text(encoding="utf-8")
    assert "Your answer in 1:00" in piped
    assert "› The mean; an outlier pulls it\n" in piped  # the answer, where the session goes
    assert "› 3\n" in piped
    assert "left" not in piped and "\x1b" not in piped  # no countdown, no terminal codes


def test_piped_input_is_read_line_by_line_as_before(tmp_path, isolated_env):
    """A script: the answer's lines, a blank line, then the key; prompt_toolkit never loads."""
    probe = (
        "import sys\n"
        "from interview_prep.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('prompt_toolkit' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "quiz", "--topic", "toy", "-n", "1", "--tier", "core"],
        input="The mean\nan outlier pulls it\n\n3\n",
        capture_output=True,
        text=True,
        env=prep_env(isolated_env),
        timeout=60,
        check=False,
    )
    assert "you covered 2 of 3" in proc.stdout
    assert "of 2 min allowed" not in proc.stdout  # no clock for a script to race
    assert proc.stderr.strip().splitlines()[-1] == "False"
    (review,) = reviews(isolated_env)
    assert review.answer == "The mean\nan outlier pulls it"
    assert review.time_limit is None


def test_help_never_imports_the_editor():
    for args in (["--help"], ["quiz", "--help"]):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "interview_prep", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert "prompt_toolkit" not in proc.stderr


# ---------------------------------------------------------------------------
# Durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("2m", 120),
        ("1m30s", 90),
        ("120", 120),
        ("1.5m", 90),
        ("2min", 120),
        (" 45 s ", 45),
        ("0", None),
        ("0s", None),
        ("0m", None),
    ],
)
def test_durations_as_people_write_them(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5x", "-5", "m", "s", "2h", "1m30", "1:30", "inf", "nan", "61m"])
def test_a_bad_duration_says_how_to_write_one(text):
    with pytest.raises(ValueError, match="90s, 2m, 1m30s or a number of seconds"):
        parse_duration(text)


def test_the_time_limit_of_a_quiz():
    assert answer_time_limit(None, off=False, mock=True, typed=True) == MOCK_ANSWER_LIMIT == 120
    assert answer_time_limit(None, off=False, mock=True, typed=False) is None
    assert answer_time_limit(None, off=False, mock=False, typed=True) is None
    assert answer_time_limit("90s", off=False, mock=False, typed=False) == 90
    assert answer_time_limit(None, off=True, mock=True, typed=True) is None
    assert answer_time_limit("0", off=False, mock=True, typed=True) is None
    assert answer_time_limit("0", off=True, mock=True, typed=True) is None
    with pytest.raises(ValueError, match="not both"):
        answer_time_limit("2m", off=True, mock=True, typed=True)


def test_the_countdown_clock():
    assert [clock(s) for s in (125, 60, 59.2, 9, 0.4, 0, -3)] == [
        "2:05",
        "1:00",
        "1:00",
        "0:09",
        "0:01",
        "0:00",
        "0:00",
    ]


def test_a_bad_time_is_one_usage_line(cli):
    result = cli("quiz", "--topic", "toy", "--time", "5x", env=BANK_ENV)
    assert result.exit_code == 2
    assert result.stderr == (
        "prep: --time: '5x' is not a time; write it as 90s, 2m, 1m30s or a number of seconds; "
        "0 means no limit\n"
    )
    assert cli("quiz", "--topic", "toy", "--time", "2m", "--no-time", env=BANK_ENV).stderr == (
        "prep: --time: give a time or no time, not both\n"
    )


def test_a_timed_piped_quiz_is_timed_but_reads_as_before(cli, isolated_env):
    result = cli("quiz", "toy-mean", "--time", "90s", env=BANK_ENV, input="The mean\n\n3\n")
    assert result.exit_code == 0, result.stderr
    assert "Your answer (a blank line finishes; Enter alone reveals; q quits)" in result.stdout
    (review,) = reviews(isolated_env)
    assert review.time_limit == 90


# ---------------------------------------------------------------------------
# The pieces, without a terminal process


def test_when_enter_finishes_an_answer():
    from prompt_toolkit.document import Document

    from interview_prep.editor import _finishes

    def at_end(text: str) -> Document:
        return Document(text, len(text))

    assert _finishes(at_end(""))  # nothing typed: reveal
    assert _finishes(at_end("  q "))  # quit
    assert _finishes(at_end("an answer\n"))  # Enter on the empty line after it
    assert not _finishes(at_end("an answer"))  # a new line
    assert not _finishes(Document("one\n\ntwo", 4))  # an empty line in the middle
    assert not _finishes(Document("an answer\n", 3))  # mid-line


def test_pending_keys_and_single_keys_from_a_terminal():
    import tty

    from interview_prep.editor import read_key, take_pending

    keyboard, terminal = os.openpty()
    try:
        assert take_pending(terminal) == ""
        os.write(keyboard, b"3x")  # typed, no Enter: still pending input
        assert take_pending(terminal) == "3x"
        assert take_pending(terminal) == ""
        # Keys pressed while a key is awaited: the terminal is out of line mode then,
        # so Ctrl-D arrives as itself rather than as an end of line.
        tty.setcbreak(terminal)
        os.write(keyboard, b"r")
        assert read_key(terminal) == "r"
        os.write(keyboard, b"\r")
        assert read_key(terminal) == ""
        os.write(keyboard, b"\x1b[D")
        assert read_key(terminal) == "\x1b[D"  # whole, so it is refused, not read as ESC
        os.write(keyboard, b"\x04")
        assert read_key(terminal) is None
    finally:
        os.close(keyboard)
        os.close(terminal)

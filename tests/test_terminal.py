"""A real pseudo-terminal session, as a user types it, and a session killed mid-way."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from interview_prep.store import ReviewStore, progress_path

from .conftest import GOOD_BANK

pexpect = pytest.importorskip("pexpect")


def prep_env(home) -> dict[str, str]:
    env = {**os.environ, "PREP_HOME": str(home), "PREP_BANK": str(GOOD_BANK), "COLUMNS": "100", "LINES": "50"}
    env.pop("NO_COLOR", None)
    return env


def spawn(home, *args: str, env: dict[str, str] | None = None):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "interview_prep", *args],
        env=prep_env(home) if env is None else env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 100),
    )
    return child


def test_a_quiz_in_a_real_terminal(isolated_env):
    child = spawn(isolated_env, "quiz", "--topic", "toy", "--tier", "core", "-n", "1")
    child.expect("Which single number minimises the squared error")
    child.expect("Your answer")
    child.sendline("The mean minimises it, and an outlier pulls it far")
    child.sendline("")
    child.expect("you covered 2 of 3")
    child.expect("Rate")
    child.send("r")  # one key, no Enter
    child.expect("matches the stored output")
    child.send("3")
    child.expect("Take it next\\?")
    child.send("n")
    child.expect("Session complete. 1 card rated.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with ReviewStore(progress_path(isolated_env)) as store:
        (review,) = store.reviews()
    assert (review.card_id, review.rating, review.covered, review.total_points) == ("toy-mean", 3, 2, 3)


def test_ctrl_c_at_a_prompt_ends_cleanly_with_status_130(isolated_env):
    child = spawn(isolated_env, "quiz", "--topic", "toy", "--seed", "4")
    child.expect("Your answer")
    child.sendline("")
    child.expect("Rate")
    child.send("2")
    child.expect("Your answer")
    child.sendintr()
    child.expect("Interrupted; every rating so far is saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    with ReviewStore(progress_path(isolated_env)) as store:
        assert [r.rating for r in store.reviews()] == [2]


def test_q_at_the_answer_prompt_quits_at_once(isolated_env):
    child = spawn(isolated_env, "drill", "--topic", "toy")
    child.expect("Enter to reveal, q to quit")
    child.sendline("q")
    child.expect("Session ended early. 0 cards rated.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def count_reviews(home) -> int:
    with ReviewStore(progress_path(home)) as store:
        return len(store.reviews())


def wait_for(predicate, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_a_killed_session_keeps_every_rated_review(isolated_env):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interview_prep",
            "quiz",
            "--topic",
            "toy",
            "--order",
            "shuffle",
            "--seed",
            "1",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=prep_env(isolated_env),
        text=True,
    )
    try:
        db = progress_path(isolated_env)
        proc.stdin.write("first answer\n\n3\n")
        proc.stdin.flush()
        wait_for(lambda: db.exists() and count_reviews(isolated_env) == 1)
        proc.stdin.write("second answer\n\n1\n")
        proc.stdin.flush()
        wait_for(lambda: count_reviews(isolated_env) == 2)
        # Mid-way through the third card: the answer is typed, nothing rated.
        proc.stdin.write("third answer\n")
        proc.stdin.flush()
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    with ReviewStore(progress_path(isolated_env)) as store:
        assert sorted(r.rating for r in store.reviews()) == [1, 3]


def test_colour_in_a_terminal_and_none_with_no_color(isolated_env):
    colour = re.compile(r"\x1b\[(?:3[0-9]|9[0-7]|38;)")

    def screen(extra_env):
        env = {**prep_env(isolated_env), **extra_env}
        child = pexpect.spawn(
            sys.executable,
            ["-m", "interview_prep", "explain", "toy-mean", "--no-run"],
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(50, 100),
        )
        text = child.read()
        child.close()
        assert child.exitstatus == 0
        return text

    assert colour.search(screen({"TERM": "xterm-256color"}))
    plain = screen({"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert "The mean as a best guess" in plain
    assert not colour.search(plain)


AMBIGUOUS = str(GOOD_BANK.parent / "ambiguous")


def test_the_picker_opens_the_card_chosen_in_a_terminal(isolated_env):
    child = spawn(isolated_env, "explain", "twin car", "--no-run", "--bank", AMBIGUOUS)
    child.expect("Several cards fit 'twin car':")
    child.expect(r"Which one\? \[1-2\]")
    child.sendline("9")  # not a choice: asked again, not a crash
    child.expect("Type a number from 1 to 2")
    child.sendline("2")
    child.expect("twin-cat")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


def test_ctrl_c_at_the_picker_exits_130_with_one_line(isolated_env):
    child = spawn(isolated_env, "run", "twin car", "--bank", AMBIGUOUS)
    child.expect(r"Which one\? \[1-2\]")
    child.sendintr()
    child.expect("prep: interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")

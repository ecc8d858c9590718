"""A catalogue of hostile and odd inputs, as a user or a shared bank could give them.

Each case asserts the exit code, the one line on stderr, and that no progress
was lost. Files that would be dangerous or large to ship (FIFOs, links to
devices, oversized cards) are made in the test's temporary folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from interview_prep.store import ReviewStore, progress_path

from .conftest import GOOD_BANK

pytestmark = pytest.mark.usefixtures("toy_bank_only")

TOY_CARD = (GOOD_BANK / "toy" / "toy-mean.yaml").read_text(encoding="utf-8")


def bank_with(tmp_path: Path, name: str, make) -> Path:
    """A bank holding one odd file `name`, made by `make(path)`, beside the toy bank."""
    bank = tmp_path / "odd-bank"
    (bank / "toy").mkdir(parents=True)
    make(bank / "toy" / name)
    return bank


def one_located_line(result, path: Path, message: str) -> None:
    """`prep check` fails with the problem; any other command warns in one line and goes on."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    line = lines[0].removeprefix(
        "prep: warning: 1 card file has problems (a card that cannot load is skipped), first "
    )
    assert line.startswith(f"{path}:"), lines[0]
    assert message in line
    assert "Traceback" not in result.output


def reviews(home: Path) -> int:
    if not progress_path(home).exists():
        return 0
    with ReviewStore(progress_path(home)) as store:
        return len(store.reviews())


def test_a_fifo_in_a_bank_is_one_line_not_a_hang(cli, tmp_path):
    bank = bank_with(tmp_path, "pipe.yaml", os.mkfifo)
    for command in ("check", "list"):
        result = (
            cli(command, "--no-run", "--bank", str(bank))
            if command == "check"
            else cli(command, "--bank", str(bank))
        )
        assert result.exit_code == (1 if command == "check" else 0)
        one_located_line(result, bank / "toy" / "pipe.yaml", "not a regular file")


def test_a_link_to_a_device_is_never_read(cli, tmp_path):
    bank = bank_with(tmp_path, "zero.yaml", lambda p: p.symlink_to("/dev/zero"))
    result = cli("list", "--bank", str(bank))
    assert result.exit_code == 0
    one_located_line(result, bank / "toy" / "zero.yaml", "not a regular file")


def test_an_oversized_card_is_refused_by_size(cli, tmp_path):
    bank = bank_with(tmp_path, "huge.yaml", lambda p: p.write_text("id: huge\n" + "# padding\n" * 40_000))
    result = cli("list", "--bank", str(bank))
    assert result.exit_code == 0
    one_located_line(result, bank / "toy" / "huge.yaml", "the limit is 256 KiB")


@pytest.mark.parametrize(
    "sequence, shown",
    # Written as YAML escapes in a double-quoted title, so the file is valid
    # YAML and the escape arrives in the parsed text.
    [
        (r"\e]0;pwned\a", r"\x1b"),
        (r"\e]52;c;ZXZpbA==\a", r"\x1b"),
        (r"\e[2J", r"\x1b"),
        (r"\x9b31m", r"\x9b"),
    ],
    ids=["window-title", "clipboard", "clear-screen", "8-bit-csi"],
)
def test_an_escape_sequence_in_a_card_is_a_located_error(cli, tmp_path, sequence, shown):
    def write(path: Path) -> None:
        text = TOY_CARD.replace("id: toy-mean", "id: sneaky").replace(
            "toy average, arithmetic mean", "sneaky"
        )
        text = text.replace("title: The mean as a best guess", f'title: "The mean{sequence} as a best guess"')
        path.write_text(text, encoding="utf-8")

    bank = bank_with(tmp_path, "sneaky.yaml", write)
    result = cli("list", "--bank", str(bank))
    assert result.exit_code == 0
    one_located_line(result, bank / "toy" / "sneaky.yaml", f"control character {shown} in field 'title'")
    assert "\x1b" not in result.output and "\x9b" not in result.output


def test_a_raw_control_character_in_a_card_is_a_located_error(cli, tmp_path):
    def write(path: Path) -> None:
        path.write_text(
            TOY_CARD.replace("id: toy-mean", "id: raw").replace("best guess", "best\x1b[2J guess")
        )

    bank = bank_with(tmp_path, "raw.yaml", write)
    result = cli("list", "--bank", str(bank))
    assert result.exit_code == 0
    one_located_line(result, bank / "toy" / "raw.yaml", "control character \\x1b is not allowed")
    assert "\x1b" not in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_timeout_must_be_a_finite_positive_number(cli, value):
    result = cli("run", "toy-mean", "--timeout", value)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "--timeout" in line and "see 'prep run --help'" in line


@pytest.mark.parametrize(
    "args", [["quiz", "-n", "99999999"], ["search", "mean", "-n", "0"], ["drill", "--new", "-5"]]
)
def test_absurd_counts_are_refused_clearly(cli, isolated_env, args):
    result = cli(*args, input="")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert reviews(isolated_env) == 0


@pytest.mark.parametrize("text", ["[/]", "[bold]x[/bold]", "[link=file:///etc/passwd]y"])
def test_user_text_is_never_read_as_markup(cli, text):
    result = cli("search", text)
    assert "Traceback" not in result.output
    assert result.exit_code == 1  # nothing in the toy bank matches
    assert result.stdout == f"no card matches {text!r}\n"


def test_escapes_in_a_typed_answer_are_shown_not_obeyed(cli):
    result = cli("grade", "toy-mean", "--answer", "The median \x1b]0;pwned\x07minimises squared error.")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b" in result.stdout


@pytest.mark.parametrize("columns", ["0", "-3", "99999999", "wide"])
def test_any_columns_value_gives_readable_output(cli, columns):
    result = cli("topics", env={"COLUMNS": columns})
    assert result.exit_code == 0
    assert "toy" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 400


def run_prep(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PREP_BANK": str(GOOD_BANK), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "interview_prep", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
        **kwargs,
    )


def test_a_latin1_terminal_gets_ascii_stand_ins_not_a_traceback():
    result = run_prep("explain", "toy-mean", "--no-run", env={"PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "d/dc sum (y" in result.stdout  # "Σ" written out where it is cheap
    assert "* The mean minimises squared error." in result.stdout


def test_an_unexpected_error_is_one_line_unless_debugging(monkeypatch, cli):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("interview_prep.search.search", broken)
    result = cli("search", "mean")
    assert result.exit_code == 70
    assert result.stderr == (
        "prep: internal error: ZeroDivisionError: a bug (set PREP_DEBUG=1 for the traceback)\n"
    )
    monkeypatch.setenv("PREP_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli("search", "mean")


def test_an_unwritable_data_folder_is_reported_as_such_not_as_corruption(cli, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write any folder, and this machine's Python is not usable by another user")
    home = tmp_path / "read-only"
    home.mkdir()
    home.chmod(0o500)
    result = cli("stats", "--data-dir", str(home))
    assert result.exit_code == 2
    assert "cannot be written" in result.stderr and "corrupt" not in result.stderr


def test_an_unreadable_topic_folder_is_reported(cli, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any folder, and this machine's Python is not usable by another user")
    bank = bank_with(tmp_path, "ok.yaml", lambda p: None)
    (bank / "toy").chmod(0)
    try:
        result = cli("list", "--bank", str(bank))
    finally:
        (bank / "toy").chmod(0o755)
    assert result.exit_code == 2
    one_located_line(result, bank / "toy", "cannot read this folder")


SLOW_CARD = """\
id: slow-{n}
title: Slow card {n}
topic: slow
tier: core
question: How long does card {n} take to run?
short_answer: >-
  A long time, on purpose, so that interrupting prep check while it runs can
  be tested: the snippet sleeps far longer than the test waits, and the test
  only passes if prep stops it instead of waiting for it to finish on its own
  terms, which would take minutes.
key_points:
  - point: It sleeps on purpose.
    keywords: [sleeps on purpose, long time]
snippet:
  code: |
    import time
    time.sleep(300)
  output: ""
"""


def start_slow_prep(tmp_path: Path, home: Path, cards: int, *args: str) -> subprocess.Popen[str]:
    """`prep ARGS` on a trusted bank of `cards` snippets that each sleep 300 s,
    returned once at least one of them (two, with several) is running."""
    import time

    from interview_prep.trust import trust

    bank = tmp_path / "slow-bank"
    (bank / "slow").mkdir(parents=True)
    for n in range(cards):
        (bank / "slow" / f"slow-{n}.yaml").write_text(SLOW_CARD.format(n=n))
    trust(home, bank)
    proc = subprocess.Popen(
        [sys.executable, "-m", "interview_prep", *args, "--timeout", "600", "--bank", str(bank)],
        env={**os.environ, "PREP_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wanted = min(cards, 2)
    for _ in range(300):
        if len(_snippet_pids()) >= wanted or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert len(_snippet_pids()) >= wanted
    return proc


def stop_and_collect(proc: subprocess.Popen[str], send) -> str:
    try:
        send()
        # A hang guard, not a timing: the snippets alone would take minutes.
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return stderr


def test_ctrl_c_in_check_ends_every_queued_and_running_snippet(tmp_path, isolated_env):
    proc = start_slow_prep(tmp_path, isolated_env, 6, "check", *(f"slow-{n}" for n in range(6)), "-j", "2")
    stderr = stop_and_collect(proc, lambda: proc.send_signal(signal.SIGINT))
    assert proc.returncode == 130
    assert stderr.strip().splitlines()[-1] == "prep: interrupted"
    assert _snippet_pids() == []


def test_sigterm_during_a_run_kills_the_snippet_and_exits_130(tmp_path, isolated_env):
    proc = start_slow_prep(tmp_path, isolated_env, 1, "run", "slow-0")
    stderr = stop_and_collect(proc, proc.terminate)
    assert proc.returncode == 130
    assert stderr.strip().splitlines()[-1] == "prep: interrupted"
    assert _snippet_pids() == []


def _snippet_pids() -> list[int]:
    """Processes running a slow test snippet: a cold run's command line holds its
    code; a warm worker's child is named prep-snippet (and its worker prep-worker)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{entry}/comm", "rb") as f:
                name = f.read().strip()
            with open(f"/proc/{entry}/stat") as f:
                if f.read().split(") ")[1].startswith("Z"):
                    continue
        except OSError:
            continue
        if b"time.sleep(300)" in cmdline or name == b"prep-snippet":
            pids.append(int(entry))
    return pids

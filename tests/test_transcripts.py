"""Whole sessions and a whole card, compared with stored transcripts, as llm's tests/test_chat.py does.

A change to what prep prints shows up here as a diff to read. When the change
is meant, regenerate the transcripts and read the diff before committing:

    PREP_REGENERATE_TRANSCRIPTS=1 python -m pytest tests/test_transcripts.py
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

TRANSCRIPTS = Path(__file__).parent / "transcripts"
REGENERATE = os.environ.get("PREP_REGENERATE_TRANSCRIPTS") == "1"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

pytestmark = pytest.mark.usefixtures("toy_bank_only")


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    """The clock, the stopwatch (each answer takes 12 s) and the time zone, fixed."""
    ticks = itertools.count(0, 12)
    monkeypatch.setattr("interview_prep.cli.now", lambda: NOW)
    monkeypatch.setattr("interview_prep.cli.stopwatch", lambda: float(next(ticks)))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "80")


def matches_transcript(name: str, output: str) -> None:
    path = TRANSCRIPTS / f"{name}.txt"
    if REGENERATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert output == expected, f"{name}: output differs from {path} (regenerate if meant)"


def test_a_mock_quiz(cli):
    script = (
        "\n".join(
            [
                "The median minimises squared error; it is robust.",  # a misconception, caught
                "",
                "1",  # rate: again
                "The median: past a value the error changes by the same amount",
                "whatever the distance, so only the order of the values matters.",
                "",
                "",  # Enter takes the suggested rating
                "q",  # quit at the third question
            ]
        )
        + "\n"
    )
    result = cli("quiz", "--topic", "toy", "--seed", "1", input=script)
    assert result.exit_code == 0
    matches_transcript("quiz", result.stdout)


def test_a_drill(cli):
    result = cli("drill", input="\n2\n\n3\n\n4\n")
    assert result.exit_code == 0
    matches_transcript("drill", result.stdout)
    # Nothing is due again straight after: the next due time is told.
    again = cli("drill")
    matches_transcript("drill-nothing-due", again.stdout)


def test_explain_no_run(cli):
    result = cli("explain", "toy-mean", "--no-run")
    assert result.exit_code == 0
    matches_transcript("explain-toy-mean", result.stdout)

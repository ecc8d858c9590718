"""scripts/refresh_outputs.py as question_bank/README.md documents it: by id or by file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GOOD_BANK

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "refresh_outputs.py"


@pytest.fixture
def stale_bank(tmp_path, monkeypatch):
    """A copy of the toy bank whose toy-mean card stores a wrong output."""
    bank = tmp_path / "bank"
    shutil.copytree(GOOD_BANK, bank)
    card = bank / "toy" / "toy-mean.yaml"
    card.write_text(card.read_text().replace("squared error = 14.0", "squared error = 99.0"))
    monkeypatch.setenv("PREP_BANK", str(bank))
    return card


def refresh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_check_reports_a_stale_output_and_changes_nothing(stale_bank):
    before = stale_bank.read_text()
    result = refresh("--check", str(stale_bank))
    assert result.returncode == 1
    assert result.stdout == f"{stale_bank}: stored output differs from what the snippet prints\n"
    assert stale_bank.read_text() == before


def test_a_card_named_by_id_gets_what_its_snippet_prints(stale_bank):
    result = refresh("toy-mean")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{stale_bank}: output rewritten\n"
    text = stale_bank.read_text()
    assert "squared error = 14.0" in text and "99.0" not in text
    # Everything else in the file is as it was written.
    original = (GOOD_BANK / "toy" / "toy-mean.yaml").read_text()
    assert text == original
    assert refresh("--check", str(stale_bank)).returncode == 0


def test_an_unknown_id_is_one_line_and_exit_2():
    result = refresh("no-such-card")
    assert result.returncode == 2
    assert result.stderr == "refresh_outputs: 'no-such-card' is neither a file nor the id of a card\n"

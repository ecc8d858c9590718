"""Shared fixtures: every test gets its own PREP_HOME and no stray PREP_BANK."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_BANK = FIXTURES / "good"
BAD_BANKS = FIXTURES / "bad"

# A suite started in the background from a script (`pytest &`) inherits
# SIGINT as ignored, and so would every prep it starts; Python then installs
# no KeyboardInterrupt, and each Ctrl-C test hangs until its guard fires.
# With a handler here, each child starts with the default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Point user state at a temporary folder so no test touches a real home.

    The fixture banks are trusted there, as a user would trust their own
    banks; tests of untrusted banks copy a bank elsewhere first.
    """
    from interview_prep.trust import trust

    home = tmp_path / "prep-home"
    trust(home, FIXTURES)
    monkeypatch.setenv("PREP_HOME", str(home))
    monkeypatch.delenv("PREP_BANK", raising=False)
    # A developer's own examiner never receives test traffic (the config file
    # is already isolated: it lives under PREP_HOME).
    for name in ("PREP_EXAMINER_URL", "PREP_EXAMINER_MODEL", "PREP_EXAMINER_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return home


@pytest.fixture
def good_bank() -> Path:
    return GOOD_BANK


@pytest.fixture
def toy_bank_only(monkeypatch, tmp_path):
    """Replace the shipped bank with an empty folder and load the toy bank, so transcripts stay exact."""
    empty = tmp_path / "empty-bank"
    empty.mkdir()
    monkeypatch.setattr("interview_prep.bank.packaged_bank_dir", lambda: empty)
    monkeypatch.setenv("PREP_BANK", str(GOOD_BANK))


class Cli:
    """Runs `prep` in-process, as a user would type it."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        from interview_prep.cli import app

        return self.runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()

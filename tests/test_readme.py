"""The README's promises: its commands are the ones CI runs, and its sample is real."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.DOTALL)


def test_ci_runs_the_readme_test_command_first_then_lint_and_types():
    test_command = shell_blocks()[1].strip()
    ci_lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_lines[0] == test_command
    assert "'.[test]'" in test_command and "pytest" in test_command
    rest = "\n".join(ci_lines[1:])
    for check in ("ruff check", "ruff format --check", "mypy --strict interview_prep"):
        assert check in rest


def test_first_command_installs_and_starts_a_quiz():
    first = shell_blocks()[0].strip()
    assert "pip install ." in first
    assert first.endswith("prep quiz --topic loss")


def test_readme_links_the_card_format():
    assert "(question_bank/README.md)" in README
    assert (ROOT / "question_bank" / "README.md").exists()


def test_the_explain_sample_is_what_prep_prints(cli):
    sample = README.split("`prep explain mse` (trimmed):\n\n```\n", 1)[1].split("```", 1)[0]
    result = cli("explain", "mse", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    printed = set(result.output.splitlines())
    shown = [
        line for line in sample.splitlines() if line.strip() and "…" not in line and "ran in" not in line
    ]
    assert len(shown) > 20
    assert [line for line in shown if line not in printed] == []

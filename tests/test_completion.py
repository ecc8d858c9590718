"""Shell completion: typer's --install-completion and --show-completion, and what Tab offers.

The protocol tests run prep as the shell would: a new process with
_PREP_COMPLETE and the words typed so far in the environment.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import GOOD_BANK


@pytest.fixture(scope="module")
def warm_home(tmp_path_factory):
    """One PREP_HOME for the module, so the shipped bank is indexed once, not per test."""
    return tmp_path_factory.mktemp("completion-home")


def complete(home, words: str, shell: str = "bash", **env: str) -> subprocess.CompletedProcess[str]:
    """What prep answers when the shell asks for completions of `words` (the last one incomplete)."""
    typed = words.split(" ")
    environ = {**os.environ, "PREP_HOME": str(home), "_PREP_COMPLETE": f"complete_{shell}", **env}
    if shell == "bash":
        environ |= {"COMP_WORDS": words, "COMP_CWORD": str(len(typed) - 1)}
    else:
        environ["_TYPER_COMPLETE_ARGS"] = words
    return subprocess.run(
        [sys.executable, "-m", "interview_prep"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def offered(home, words: str, **env: str) -> list[str]:
    result = complete(home, words, **env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.split()


def test_card_ids_complete(warm_home):
    ids = offered(warm_home, "prep explain ms")
    assert "mse" in ids
    assert ids == sorted(ids) and all(i.startswith("ms") for i in ids)
    assert "mae" not in ids
    assert "mse" in offered(warm_home, "prep grade ms")
    assert "mse" in offered(warm_home, "prep quiz huber ms")  # each card named for a quiz


def test_topics_tiers_and_tracks_complete(warm_home):
    assert offered(warm_home, "prep quiz --topic lo") == ["loss"]
    assert offered(warm_home, "prep drill --tier ") == ["core", "advanced", "deep"]
    assert offered(warm_home, "prep list --tier a") == ["advanced"]
    assert offered(warm_home, "prep quiz --track ") == ["data-scientist", "ml-engineer"]


def test_commands_complete(warm_home):
    assert "explain" in offered(warm_home, "prep ex")


def test_a_bank_typed_before_the_card_is_completed_from(warm_home):
    assert offered(warm_home, f"prep explain --bank {GOOD_BANK} toy-m") == ["toy-mean", "toy-median"]


def test_zsh_is_offered_ids_with_their_titles(warm_home):
    result = complete(warm_home, "prep explain ms", shell="zsh")
    assert result.returncode == 0, result.stderr
    assert '"mse":"Mean squared error (MSE)"' in result.stdout


def test_a_broken_setup_offers_nothing_and_never_a_traceback(warm_home, tmp_path):
    result = complete(warm_home, "prep explain ms", PREP_BANK=str(tmp_path / "missing"))
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    "shell, expected",
    [("bash", "_PREP_COMPLETE=complete_bash"), ("zsh", "compdef _prep_completion prep")],
)
def test_show_completion_prints_the_script_for_a_shell(cli, monkeypatch, shell, expected):
    # Typer's switch for naming the shell instead of detecting it from the parent process.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = cli("--show-completion", shell)
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


@pytest.mark.parametrize("shell, installed", [("bash", ".bash_completions/prep.sh"), ("zsh", ".zfunc/_prep")])
def test_install_completion_writes_the_script_and_loads_it(cli, monkeypatch, tmp_path, shell, installed):
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    result = cli("--install-completion", shell)
    assert result.exit_code == 0, result.output
    assert f"{shell} completion installed" in result.stdout
    assert "_PREP_COMPLETE" in (tmp_path / installed).read_text()
    rc = (tmp_path / (".bashrc" if shell == "bash" else ".zshrc")).read_text()
    assert ("prep.sh" if shell == "bash" else "fpath+=~/.zfunc") in rc


def test_help_lists_the_completion_options(cli):
    result = cli("--help")
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout

"""`prep --help` and card lookups stay fast: heavy modules load only where they are used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
from interview_prep.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
heavy = ["numpy", "yaml", "rich.markdown", "rich.syntax", "pygments", "sqlite3", "fsrs", "pydantic"]
print(json.dumps({name: name in sys.modules for name in heavy}), file=sys.stderr)
"""


def loaded_after(*args: str, env_bank: str | None = None) -> dict[str, bool]:
    import os

    env = {**os.environ}
    if env_bank:
        env["PREP_BANK"] = env_bank
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_help_leaves_heavy_modules_unimported():
    loaded = loaded_after("--help")
    assert loaded == {name: False for name in loaded}


@pytest.mark.parametrize("args", [["explain", "--help"], ["quiz", "--help"], ["stats", "--help"]])
def test_command_help_leaves_heavy_modules_unimported(args):
    assert not any(loaded_after(*args).values())


def test_explaining_a_card_never_imports_numpy_in_prep_itself(tmp_path, monkeypatch):
    from .conftest import GOOD_BANK

    monkeypatch.setenv("PREP_HOME", str(tmp_path))
    loaded_after("explain", "toy-mean", "--no-run", "--bank", str(GOOD_BANK))  # builds the index
    assert list((tmp_path / "cache").glob("bank-*.sqlite3"))
    loaded = loaded_after("explain", "toy-mean", "--no-run", "--bank", str(GOOD_BANK))
    assert loaded["sqlite3"] is True  # it read the index
    # A warm lookup reads the index only: no YAML, and never numpy.
    assert loaded["yaml"] is False
    assert loaded["numpy"] is False
    # typer 0.29 imports pydantic for every command (about 100 ms); pyproject caps typer below it.
    assert loaded["pydantic"] is False


@pytest.mark.parametrize(
    "module", ["cards", "bank", "search", "grading", "stats", "session", "errors", "paths"]
)
def test_library_modules_import_nothing_heavy(module):
    # The CLI imports these on ordinary commands; numpy, sqlite3, fsrs and the
    # terminal stack belong to the commands that need them.
    code = (
        f"import sys, interview_prep.{module}; "
        "print(json.dumps(sorted(m for m in ('numpy', 'sqlite3', 'fsrs', 'rich', 'pydantic') if m in sys.modules)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(proc.stdout) == []


LIBRARY_MODULES = sorted(
    p.stem
    for p in (Path(__file__).resolve().parent.parent / "interview_prep").glob("*.py")
    if p.stem not in {"cli", "terminal", "render", "__main__", "__init__"}
)


@pytest.mark.parametrize("module", LIBRARY_MODULES)
def test_only_the_cli_terminal_and_render_import_typer_or_rich(module):
    """Logic cannot hide in a terminal-bound module: the rest know nothing of the terminal."""
    import ast

    source = (Path(__file__).resolve().parent.parent / "interview_prep" / f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & {"typer", "rich", "click"}


def test_help_builds_no_commands_parameters(capsys):
    # Building a command means inspecting its whole signature; help needs only
    # each command's one line, so none of prep's own commands is built for it.
    import typer.main

    from interview_prep.cli import app

    group = typer.main.get_command(app)
    assert group.main(["--help"], standalone_mode=False) == 0
    assert "explain   Show one card in full and run its worked example live." in capsys.readouterr().out
    assert sorted(group.commands) == ["examiner", "export"]  # the two sub-groups, declared on app itself


def test_a_mistyped_command_is_told_the_nearest_name():
    from typer.testing import CliRunner

    from interview_prep.cli import app

    result = CliRunner().invoke(app, ["serch", "mse"])
    assert result.exit_code == 2
    assert "No such command 'serch'. Did you mean 'search'?" in result.output

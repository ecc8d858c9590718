"""The snippet runner: a child process per snippet, with limits that keep prep alive."""

from __future__ import annotations

import sys

import pytest

from interview_prep.runner import Verdict, output_diff, outputs_match, run_snippet


def test_a_snippet_prints_and_passes():
    result = run_snippet("import numpy as np\nprint(f'{np.arange(4).sum():d}')\n")
    assert result.verdict is Verdict.OK
    assert result.stdout == "6\n"
    assert result.summary().startswith("ran in")


def test_it_runs_isolated_in_an_empty_temporary_folder_without_stdin():
    code = (
        "import os, sys\n"
        "print(sorted(os.listdir('.')))\n"
        "print(os.path.basename(os.getcwd()).startswith('prep-snippet-'))\n"
        "print(sys.flags.isolated)\n"
        "print(repr(sys.stdin.read()))\n"
    )
    result = run_snippet(code)
    assert result.stdout.splitlines() == ["[]", "True", "1", "''"]


def test_the_child_uses_this_interpreter():
    assert run_snippet("import sys; print(sys.executable)").stdout.strip() == sys.executable


def test_a_crash_reports_the_exception_and_keeps_the_traceback():
    result = run_snippet("print('before')\nraise ValueError('bad shape (3,) vs (4,)')\n")
    assert result.verdict is Verdict.ERROR
    assert result.stdout == "before\n"
    assert "Traceback" in result.stderr and "line 2" in result.stderr
    assert result.summary() == "raised ValueError: bad shape (3,) vs (4,)"


def test_an_endless_loop_is_stopped_by_the_timeout():
    result = run_snippet("while True:\n    pass\n", timeout=0.5)
    assert result.verdict is Verdict.TIMEOUT
    assert 0.5 <= result.seconds < 5
    assert result.summary() == f"timed out after {result.seconds:.1f} s"


def test_exhausting_memory_hits_the_cap():
    result = run_snippet(
        "blocks = []\nwhile True:\n    blocks.append(bytearray(50_000_000))\n", memory_mb=300
    )
    assert result.verdict is Verdict.MEMORY
    assert "memory" in result.summary()


def test_numpy_allocation_beyond_the_cap_is_a_memory_verdict():
    result = run_snippet("import numpy as np\nx = np.ones((40_000, 40_000))\nprint(x.sum())\n", memory_mb=500)
    assert result.verdict is Verdict.MEMORY


def test_megabytes_of_output_are_cut_off():
    result = run_snippet("while True:\n    print('x' * 1000)\n", max_output=10_000, timeout=5)
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert len(result.stdout) <= 10_000
    assert result.seconds < 5


def test_output_comparison_ignores_trailing_whitespace_only():
    assert outputs_match("a = 1\nb = 2\n", "a = 1   \nb = 2\n\n")
    assert not outputs_match("a = 1\n", " a = 1\n")
    assert not outputs_match("a = 1.000\n", "a = 1.0\n")
    assert output_diff("a = 1\n", "a = 2\n")[-2:] == ["-a = 1", "+a = 2"]


@pytest.mark.parametrize("code", ["import sys; sys.exit(3)"])
def test_a_nonzero_exit_without_traceback_says_the_status(code):
    result = run_snippet(code)
    assert result.verdict is Verdict.ERROR
    assert result.summary() == "exited with status 3"

"""The snippet runner: a child process per snippet, with limits that keep prep alive."""

from __future__ import annotations

import sys

import pytest

from interview_prep.runner import SnippetWorker, Verdict, output_diff, outputs_match, run_snippet


@pytest.fixture(autouse=True, params=["cold", "warm"])
def runner_path(request, monkeypatch):
    """Every guarantee holds on both paths: a fresh interpreter, and a fork of the warm worker."""
    if request.param == "warm":
        worker = SnippetWorker()
        request.addfinalizer(worker.close)
        monkeypatch.setitem(globals(), "run_snippet", worker.run)
    return request.param


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
        "print(sys.flags.no_user_site, sys.flags.hash_randomization)\n"
        "print(repr(sys.stdin.read()))\n"
        "print('' in sys.path or os.getcwd() in sys.path)\n"
    )
    result = run_snippet(code)
    assert result.stdout.splitlines() == ["[]", "True", "1 0", "''", "False"]


def test_the_snippet_inherits_no_secrets_and_a_fixed_hash_seed(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hunter2")
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    code = "import os\nprint(sorted(k for k in os.environ if 'SECRET' in k or k == 'PYTHONPATH'))\nprint(hash('abc'))\n"
    first, second = run_snippet(code), run_snippet(code)
    assert first.stdout.splitlines()[0] == "[]"
    assert first.stdout == second.stdout  # the same hash in every run


def _dead(pid: int) -> bool:
    """Whether the process is gone; a SIGKILL lands asynchronously, so allow it a moment."""
    import os
    import time

    for _ in range(100):
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ")[1].startswith("Z"):  # a zombie waiting to be reaped
                    return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.1)
    return False


def _run_guarded(code: str, **limits):
    """run_snippet, but fail (rather than hang the suite) if it does not return."""
    import threading

    box = {}
    worker = threading.Thread(
        target=lambda: box.setdefault("result", run_snippet(code, **limits)), daemon=True
    )
    worker.start()
    worker.join(60)
    assert "result" in box, "run_snippet did not return"
    return box["result"]


ESCAPEE = (
    "import subprocess, sys\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True)\n"
    "print(child.pid, flush=True)\n"
)


def test_a_grandchild_that_leaves_the_group_and_holds_the_pipe_is_killed():
    result = _run_guarded(ESCAPEE, timeout=5)
    assert result.verdict is Verdict.OK
    assert _dead(int(result.stdout.split()[0]))


def test_the_timeout_kills_the_whole_group():
    code = ESCAPEE.replace(", start_new_session=True", "") + "import time\ntime.sleep(120)\n"
    result = _run_guarded(code, timeout=1)
    assert result.verdict is Verdict.TIMEOUT
    assert _dead(int(result.stdout.split()[0]))


def test_ctrl_c_during_a_run_kills_the_snippet(tmp_path):
    import signal

    pid_file = tmp_path / "pid"
    code = f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)\n"

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(2)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_snippet(code, timeout=60)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert _dead(int(pid_file.read_text()))


def test_a_snippet_that_starts_after_ctrl_c_swept_is_killed_as_it_registers():
    # The race a Ctrl-C in `prep check -j 2` can hit: the sweep of running
    # snippets happens, then a thread's snippet registers. It must not live
    # out its timeout, or the check hangs on that thread.
    import time

    from interview_prep.runner import allow_running, kill_all_running

    kill_all_running()
    try:
        start = time.monotonic()
        result = run_snippet("import time\ntime.sleep(120)\n", timeout=60)
        assert time.monotonic() - start < 30
        assert result.verdict is not Verdict.OK
    finally:
        allow_running()
    assert run_snippet("print('again')\n").stdout == "again\n"


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
    assert result.seconds >= 0.5  # it ran until the limit, not a moment less
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
    # An endless printer is stopped by the cap, long before its 5 s timeout.
    assert result.verdict is Verdict.OUTPUT_LIMIT
    assert len(result.stdout) <= 10_000


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


def test_prep_explain_adopts_the_worker_started_at_launch(tmp_path):
    # The launcher starts the worker before typer loads; explain must use
    # that one (not start a second) and close it when done.
    from typer.testing import CliRunner

    from interview_prep import runner
    from interview_prep.cli import app
    from interview_prep.launch import _explains_with_a_live_run

    assert _explains_with_a_live_run(["explain", "mse"])
    assert not _explains_with_a_live_run(["explain", "mse", "--no-run"])
    assert not _explains_with_a_live_run(["explain", "--help"])
    assert not _explains_with_a_live_run(["quiz", "mse"])

    runner.start_early_worker()
    early = runner._early_worker
    assert early is not None and early._proc is not None
    result = CliRunner().invoke(app, ["explain", "mse"], env={"PREP_HOME": str(tmp_path), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "✓ matches the stored output" in result.output
    assert runner._early_worker is None  # adopted
    assert early._proc is None  # and closed when explain finished


def test_a_usage_error_after_launch_leaves_no_worker_behind(tmp_path):
    import os
    import subprocess

    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, PREP_HOME=str(tmp_path), TMPDIR=str(temp))
    proc = subprocess.run(
        [sys.executable, "-m", "interview_prep", "explain", "mse", "--no-such-option"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    # No process is left working in the worker's folder: the worker does not
    # outlive the command, though explain never ran to adopt it.
    import time
    from pathlib import Path

    def in_temp() -> list[str]:
        found = []
        for cwd in Path("/proc").glob("[0-9]*/cwd"):
            try:
                if str(temp) in os.readlink(cwd):
                    found.append(cwd.parent.name)
            except OSError:
                pass
        return found

    deadline = time.monotonic() + 5
    while in_temp() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_temp() == []
    assert list(temp.iterdir()) == []

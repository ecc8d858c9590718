"""Run a card's snippet in a child process, with limits, and compare its output.

Snippets import numpy; the `prep` process never does. The guarantees, which
any other way of running a snippet must keep (tests/test_runner.py holds them):

- a fresh interpreter with a minimal, explicit environment: nothing of
  prep's (no secrets, no PYTHONPATH), `PYTHONHASHSEED=0`, UTF-8 output, no
  user site, no current directory on sys.path;
- an empty temporary working directory, no standard input;
- its own process group, killed whole at the timeout, on Ctrl-C or SIGTERM,
  and when the snippet ends: prep returns at once even if a grandchild that
  left the group holds the output pipe, and that grandchild is killed too;
- caps on memory, core files, processes (where the platform enforces them)
  and captured output.
"""

from __future__ import annotations

import enum
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 1024
DEFAULT_MAX_OUTPUT = 64 * 1024

# How long a finished snippet's pipes may stay open before whoever holds
# them (a grandchild that left the group) is killed and prep moves on.
_PIPE_GRACE = 0.3
# Processes a snippet may start beyond those its user already runs.
_EXTRA_PROCESSES = 64
# Marks a snippet's processes, so one that left the group can still be found.
_TOKEN_VARIABLE = "PREP_SNIPPET_RUN"


def child_environment(token: str, home: str) -> dict[str, str]:
    """The whole environment a snippet sees: nothing inherited but PATH and the locale."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # Determinism and isolation, as `python -I` would give but with a
        # fixed hash seed, which -I would ignore.
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONSAFEPATH": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # numpy's OpenBLAS starts one thread per core and reserves memory for
        # each; one thread keeps a snippet small and lets `prep check` run
        # several in parallel without oversubscribing the machine.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        _TOKEN_VARIABLE: token,
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        # Some machines need these for OpenBLAS to run correctly at all.
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class Verdict(str, enum.Enum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output-limit"


@dataclass(frozen=True)
class RunResult:
    verdict: Verdict
    stdout: str
    stderr: str
    returncode: int | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    def summary(self) -> str:
        """One line saying how the run ended."""
        if self.verdict is Verdict.OK:
            return f"ran in {self.seconds:.2f} s"
        if self.verdict is Verdict.TIMEOUT:
            return f"timed out after {self.seconds:.1f} s"
        if self.verdict is Verdict.MEMORY:
            return "ran out of memory (hit the snippet memory cap)"
        if self.verdict is Verdict.OUTPUT_LIMIT:
            return f"printed more than {len(self.stdout) // 1024} KiB; output cut off"
        last = last_line(self.stderr)
        return f"raised {last}" if last else f"exited with status {self.returncode}"


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def normalise_output(text: str) -> str:
    """Output as compared: line endings unified, trailing spaces and blank tail dropped."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def outputs_match(expected: str, actual: str) -> bool:
    return normalise_output(expected) == normalise_output(actual)


def output_diff(expected: str, actual: str) -> list[str]:
    import difflib

    return list(
        difflib.unified_diff(
            normalise_output(expected).splitlines(),
            normalise_output(actual).splitlines(),
            fromfile="stored output",
            tofile="this run",
            lineterm="",
        )
    )


# The child caps its own memory before running the snippet. Setting the cap
# in a preexec_fn would be simpler, but preexec_fn can deadlock the child when
# the parent has threads, and `prep check` runs snippets from a thread pool.
_BOOTSTRAP = """\
import os, resource, sys
cap = int(sys.argv[1])
if cap:
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
try:
    # A fork bomb stops at what the user already runs plus a margin. (Root is
    # not bound by this limit; the timeout and the group kill still hold.)
    mine = sum(1 for p in os.listdir("/proc") if p.isdigit() and os.stat("/proc/" + p).st_uid == os.getuid())
    limit = mine + int(sys.argv[3])
    hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_NPROC, (limit, hard))
except (OSError, ValueError, AttributeError):
    pass
code = sys.argv[2]
sys.argv = ["<snippet>"]
del os, resource, cap
try:
    exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
except SystemExit:
    raise
except BaseException as exc:
    # The snippet's own traceback, without this bootstrap's frame on top.
    import traceback
    traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
    sys.exit(1)
"""


# Process groups of snippets running now, so an interrupted `prep check` can
# end them all at once.
_LIVE_GROUPS: set[int] = set()


def kill_all_running() -> None:
    """Kill every snippet this process is running now (Ctrl-C in `prep check`)."""
    for group in list(_LIVE_GROUPS):
        _kill_group(group)


def run_snippet(
    code: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_output: int = DEFAULT_MAX_OUTPUT,
) -> RunResult:
    """Run `code` in a fresh interpreter and say how it went. Never raises for the snippet's faults."""
    import secrets
    import time

    token = secrets.token_hex(8)
    cap = memory_mb * 1024 * 1024 if memory_mb else 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prep-snippet-") as workdir:
        proc = subprocess.Popen(
            [sys.executable, "-s", "-c", _BOOTSTRAP, str(cap), code, str(_EXTRA_PROCESSES)],
            cwd=workdir,
            env=child_environment(token, workdir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        _LIVE_GROUPS.add(proc.pid)
        try:
            outcome = _collect(proc, start + timeout, max_output)
        finally:
            # Whatever happened (the end, a timeout, Ctrl-C), nothing of the
            # snippet outlives this call: its group, then anything carrying
            # its token that left the group (a few ms of reading /proc).
            _kill_group(proc.pid)
            _LIVE_GROUPS.discard(proc.pid)
            _close_pipes(proc)
            proc.wait()
            _kill_marked(token)
    seconds = time.monotonic() - start
    stdout = outcome.stdout.decode("utf-8", errors="replace")
    stderr = outcome.stderr.decode("utf-8", errors="replace")
    if outcome.timed_out:
        verdict = Verdict.TIMEOUT
    elif outcome.cut:
        verdict = Verdict.OUTPUT_LIMIT
    elif proc.returncode != 0 and _looks_out_of_memory(stderr, proc.returncode):
        verdict = Verdict.MEMORY
    elif proc.returncode != 0:
        verdict = Verdict.ERROR
    else:
        verdict = Verdict.OK
    return RunResult(verdict, stdout, stderr, proc.returncode, seconds)


@dataclass
class _Collected:
    stdout: bytes = b""
    stderr: bytes = b""
    timed_out: bool = False
    cut: bool = False


def _collect(proc: subprocess.Popen[bytes], deadline: float, max_output: int) -> _Collected:
    """Read both pipes until the snippet ends and its pipes close, or the deadline passes.

    One loop over a selector rather than a thread per pipe: a reader thread
    blocked on a pipe that a grandchild holds open would never return.
    """
    import selectors
    import time

    assert proc.stdout is not None and proc.stderr is not None
    got = _Collected()
    buffers = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    selector = selectors.DefaultSelector()
    for fd in buffers:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    exited_at: float | None = None
    try:
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                got.timed_out = True
                break
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > _PIPE_GRACE:
                break  # someone else still holds the pipe: stop waiting for it
            for key, _ in selector.select(timeout=min(0.05, deadline - now)):
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    selector.unregister(fd)
                    continue
                buffers[fd] += chunk
                if len(buffers[fd]) > max_output:
                    del buffers[fd][max_output:]
                    got.cut = True
            if got.cut:
                break  # a runaway printer: stop it now
    finally:
        selector.close()
    got.stdout = bytes(buffers[proc.stdout.fileno()])
    got.stderr = bytes(buffers[proc.stderr.fileno()])
    return got


def _close_pipes(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _kill_group(group: int) -> None:
    import signal

    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_marked(token: str) -> None:
    """Kill any process carrying this run's token: a grandchild that left the group.

    Linux only (it reads /proc); elsewhere such a process is left, but prep
    has already stopped waiting for it.
    """
    import signal

    marker = f"{_TOKEN_VARIABLE}={token}".encode()
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return
    for pid in pids:
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if marker in f.read().split(b"\0"):
                    os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def _looks_out_of_memory(stderr: str, returncode: int) -> bool:
    # Under RLIMIT_AS, Python raises MemoryError; native code (numpy's
    # allocator, BLAS) may instead print its own message or die by SIGKILL/SIGSEGV.
    tail = last_line(stderr)
    return (
        tail.startswith("MemoryError")
        or "Unable to allocate" in tail
        or "Cannot allocate memory" in stderr
        or returncode in (-9,)
    )

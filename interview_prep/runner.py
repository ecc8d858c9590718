"""Run a card's snippet in a child process, with limits, and compare its output.

Snippets import numpy; the `prep` process never does. Each run gets a fresh
interpreter in isolated mode (`-I`: no user site, no PYTHON* variables, no
current directory on sys.path), an empty temporary working directory, no
standard input, a wall-clock timeout, a memory cap and a cap on captured output.
"""

from __future__ import annotations

import enum
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import IO

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 1024
DEFAULT_MAX_OUTPUT = 64 * 1024

# numpy's OpenBLAS starts one thread per core and reserves memory for each;
# one thread keeps a snippet's footprint small and runs in parallel under
# `prep check` without oversubscribing the machine.
_CHILD_ENV_OVERRIDES = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONHASHSEED": "0",
}


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
import resource, sys
cap = int(sys.argv[1])
if cap:
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
code = sys.argv[2]
sys.argv = ["<snippet>"]
del resource, cap
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


def _read_capped(stream: IO[bytes], cap: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], True


def run_snippet(
    code: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_output: int = DEFAULT_MAX_OUTPUT,
) -> RunResult:
    """Run `code` in a fresh interpreter and say how it went. Never raises for the snippet's faults."""
    import threading
    import time

    env = {**os.environ, **_CHILD_ENV_OVERRIDES}
    cap = memory_mb * 1024 * 1024 if memory_mb else 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="prep-snippet-") as workdir:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOTSTRAP, str(cap), code],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        captured: dict[str, tuple[bytes, bool]] = {}

        def drain(name: str, stream: IO[bytes]) -> None:
            captured[name] = _read_capped(stream, max_output)
            if captured[name][1]:
                # Stop a runaway printer as soon as it passes the cap.
                _kill(proc)
            stream.close()

        readers = [
            threading.Thread(target=drain, args=("stdout", proc.stdout), daemon=True),
            threading.Thread(target=drain, args=("stderr", proc.stderr), daemon=True),
        ]
        for reader in readers:
            reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc)
            proc.wait()
        for reader in readers:
            reader.join()
    seconds = time.monotonic() - start

    stdout_bytes, stdout_cut = captured.get("stdout", (b"", False))
    stderr_bytes, stderr_cut = captured.get("stderr", (b"", False))
    stdout = stdout_bytes.decode("utf-8", errors="replace")
    stderr = stderr_bytes.decode("utf-8", errors="replace")

    if timed_out:
        verdict = Verdict.TIMEOUT
    elif stdout_cut or stderr_cut:
        verdict = Verdict.OUTPUT_LIMIT
    elif proc.returncode != 0 and _looks_out_of_memory(stderr, proc.returncode):
        verdict = Verdict.MEMORY
    elif proc.returncode != 0:
        verdict = Verdict.ERROR
    else:
        verdict = Verdict.OK
    return RunResult(verdict, stdout, stderr, proc.returncode, seconds)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


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

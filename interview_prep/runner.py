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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

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
# Set from an interrupted `prep check` until it has unwound. A snippet can
# start between the sweep in kill_all_running and its own registration (the
# worker has forked it, the thread has not yet heard its pid): it is killed
# as it registers, or its thread would wait out its whole timeout.
_stopping = False


def kill_all_running() -> None:
    """Kill every snippet this process is running now, and any that starts until `allow_running`."""
    global _stopping
    _stopping = True
    for group in list(_LIVE_GROUPS):
        _kill_running(group)


def allow_running() -> None:
    """End what `kill_all_running` began: snippets may run again (tests run many checks in one process)."""
    global _stopping
    _stopping = False


def _track(group: int) -> None:
    _LIVE_GROUPS.add(group)
    if _stopping:
        _kill_running(group)


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
        _track(proc.pid)
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
    return _result(outcome, proc.returncode, time.monotonic() - start)


def _result(outcome: _Collected, returncode: int | None, seconds: float) -> RunResult:
    stdout = outcome.stdout.decode("utf-8", errors="replace")
    stderr = outcome.stderr.decode("utf-8", errors="replace")
    if outcome.timed_out:
        verdict = Verdict.TIMEOUT
    elif outcome.cut:
        verdict = Verdict.OUTPUT_LIMIT
    elif returncode != 0 and _looks_out_of_memory(stderr, returncode or 0):
        verdict = Verdict.MEMORY
    elif returncode != 0:
        verdict = Verdict.ERROR
    else:
        verdict = Verdict.OK
    return RunResult(verdict, stdout, stderr, returncode, seconds)


@dataclass
class _Collected:
    stdout: bytes = b""
    stderr: bytes = b""
    timed_out: bool = False
    cut: bool = False


def _collect(proc: subprocess.Popen[bytes], deadline: float, max_output: int) -> _Collected:
    assert proc.stdout is not None and proc.stderr is not None
    return _collect_fds(proc.stdout.fileno(), proc.stderr.fileno(), proc.poll, deadline, max_output)


def _collect_fds(
    out_fd: int, err_fd: int, ended: Callable[[], int | None], deadline: float, max_output: int
) -> _Collected:
    """Read both pipes until the snippet ends and its pipes close, or the deadline passes.

    One loop over a selector rather than a thread per pipe: a reader thread
    blocked on a pipe that a grandchild holds open would never return.
    """
    import selectors
    import time

    got = _Collected()
    buffers = {out_fd: bytearray(), err_fd: bytearray()}
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
            if exited_at is None and ended() is not None:
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
    got.stdout = bytes(buffers[out_fd])
    got.stderr = bytes(buffers[err_fd])
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


def _kill_running(group: int) -> None:
    """`_kill_group`, and the snippet by its pid too: one forked a moment ago may
    not lead its group yet. Only on an interrupt, for snippets registered as
    running; never after a run has ended, when the pid may belong to another
    process."""
    import signal

    _kill_group(group)
    try:
        os.kill(group, signal.SIGKILL)
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


# ---------------------------------------------------------------------------
# The warm worker: one interpreter that has imported numpy forks a child per
# snippet, so a session's snippets skip the interpreter start and the import.
#
# The worker is a fresh `python -s` with the snippet environment (never a fork
# of prep: nothing of prep's memory is in it). prep sends it a request and the
# write ends of two pipes over a Unix socket; the worker forks, the child
# takes the pipes as its stdout and stderr and keeps every guarantee above
# (its own process group, the caps, an empty folder, no stdin), and prep
# reads the pipes with the same loop and limits as a cold run. The worker is
# a child subreaper, so a grandchild that leaves the group comes back to it
# and is killed when the snippet ends.

_WORKER = """\
import json, os, resource, signal, socket, sys, traceback
try:
    import numpy  # noqa: F401  (the point of the worker: imported once)
except ImportError:
    pass
def set_name(name):
    pass
try:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with prep
    def set_name(name):
        # What ps and /proc/PID/comm show: a snippet is findable by name.
        libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0)  # PR_SET_NAME
    set_name(b"prep-worker")
except (OSError, AttributeError):
    pass
extra = int(sys.argv[1])
channel = socket.socket(fileno=0)
os.dup2(os.open(os.devnull, os.O_RDWR), 1)

def run_child(request, out, err):
    os.setsid()
    set_name(b"prep-snippet")
    channel.close()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    for fd in {null, out, err} - {0, 1, 2}:
        os.close(fd)
    os.chdir(request["workdir"])
    os.environ["HOME"] = request["workdir"]
    os.environ[request["token_name"]] = request["token"]
    cap = request["cap"]
    if cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        mine = sum(1 for p in os.listdir("/proc") if p.isdigit() and os.stat("/proc/" + p).st_uid == os.getuid())
        limit = mine + extra
        hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, hard))
    except (OSError, ValueError, AttributeError):
        pass
    sys.argv = ["<snippet>"]
    status = 0
    try:
        exec(compile(request["code"], "<snippet>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    except SystemExit as exc:
        code = exc.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = code & 0xFF
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException as exc:
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        status = 1
    try:
        sys.stdout.flush()
    except BaseException:
        status = status or 120
    try:
        sys.stderr.flush()
    except BaseException:
        pass
    os._exit(status)

def reap_strays(me):
    # Whatever the snippet left behind came back to us (subreaper): kill it.
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == me:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break

me = os.getpid()
channel.sendall(b"ready\\n")
while True:
    try:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 20, 2)
    except OSError:
        break
    if not message:
        break
    request = json.loads(message)
    out, err = fds
    pid = os.fork()
    if pid == 0:
        run_child(request, out, err)
    os.close(out)
    os.close(err)
    channel.sendall(json.dumps({"pid": pid}).encode() + b"\\n")
    _, status = os.waitpid(pid, 0)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    reap_strays(me)
    code = os.waitstatus_to_exitcode(status)
    channel.sendall(json.dumps({"status": code}).encode() + b"\\n")
"""


class WorkerGone(Exception):
    """The warm worker died or could not start; the caller runs the snippet cold."""


class SnippetWorker:
    """A warm interpreter that runs snippets by forking. Use as a context manager.

    `run` has `run_snippet`'s signature and guarantees. If the worker cannot
    start (no fork, no fd passing) or dies, the snippet runs cold instead,
    and a new worker is started for the next one.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: object = None
        self._home: tempfile.TemporaryDirectory[str] | None = None
        self._reader: object = None
        self.usable = hasattr(os, "fork") and hasattr(__import__("socket"), "send_fds")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker now (it imports numpy while the caller does other work)."""
        if self.usable and self._proc is None:
            try:
                self._spawn()
            except (OSError, WorkerGone):
                self.close()
                self.usable = False

    def _spawn(self) -> None:
        import secrets
        import socket

        self._home = tempfile.TemporaryDirectory(prefix="prep-worker-")
        ours, theirs = socket.socketpair()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-s", "-c", _WORKER, str(_EXTRA_PROCESSES)],
                cwd=self._home.name,
                env=child_environment(secrets.token_hex(8), self._home.name),
                stdin=theirs.fileno(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            theirs.close()
        self._channel = ours
        self._reader = ours.makefile("rb")
        self._ready = False

    def _line(self, deadline: float) -> bytes:
        import socket
        import time

        channel = self._channel
        assert isinstance(channel, socket.socket)
        channel.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            line = self._reader.readline()  # type: ignore[attr-defined]
        except (OSError, TimeoutError):
            raise WorkerGone from None
        if not line:
            raise WorkerGone
        return bytes(line)

    def run(
        self,
        code: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        max_output: int = DEFAULT_MAX_OUTPUT,
    ) -> RunResult:
        if not self.usable:
            return run_snippet(code, timeout=timeout, memory_mb=memory_mb, max_output=max_output)
        self.start()
        sent: list[bool] = []
        try:
            return self._run(code, timeout, memory_mb, max_output, sent)
        except BaseException as exc:
            if not isinstance(exc, WorkerGone):
                # Ctrl-C mid-run: the snippet is already killed; the worker's
                # state is unknown, so the next run gets a new one.
                self.close()
                raise
            # A dead worker is replaced by the next run.
            self.close()
            if not sent:
                # It died before it saw this snippet: run it the slow way.
                return run_snippet(code, timeout=timeout, memory_mb=memory_mb, max_output=max_output)
            # The snippet ended the process running it. Never run it again
            # cold: there, the same code would end prep itself.
            return RunResult(Verdict.ERROR, "", "the snippet killed the process that ran it\n", None, 0.0)

    def _run(self, code: str, timeout: float, memory_mb: int, max_output: int, sent: list[bool]) -> RunResult:
        import json
        import secrets
        import socket
        import time

        channel = self._channel
        assert isinstance(channel, socket.socket) and self._proc is not None
        start = time.monotonic()
        if not self._ready:
            # The first run waits for numpy's import; that is the cold cost
            # paid once, and it does not count against the snippet's time.
            if self._line(start + 60.0) != b"ready\n":
                raise WorkerGone
            self._ready = True
            start = time.monotonic()
        token = secrets.token_hex(8)
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        pid: int | None = None
        with tempfile.TemporaryDirectory(prefix="prep-snippet-") as workdir:
            try:
                request = {
                    "code": code,
                    "cap": memory_mb * 1024 * 1024 if memory_mb else 0,
                    "workdir": workdir,
                    "token": token,
                    "token_name": _TOKEN_VARIABLE,
                }
                try:
                    socket.send_fds(channel, [json.dumps(request).encode()], [out_write, err_write])
                except OSError:
                    raise WorkerGone from None
                finally:
                    os.close(out_write)
                    os.close(err_write)
                sent.append(True)
                pid = int(json.loads(self._line(start + 10.0))["pid"])
                _track(pid)
                status: list[int] = []

                def ended() -> int | None:
                    if not status:
                        channel.setblocking(False)
                        try:
                            peek = channel.recv(1, socket.MSG_PEEK)
                        except BlockingIOError:
                            return None
                        except OSError:
                            raise WorkerGone from None
                        finally:
                            channel.setblocking(True)
                        if not peek:
                            raise WorkerGone
                        status.append(int(json.loads(self._line(time.monotonic() + 5.0))["status"]))
                    return status[0]

                outcome = _collect_fds(out_read, err_read, ended, start + timeout, max_output)
                if pid is not None:
                    _kill_group(pid)
                if not status:
                    status.append(int(json.loads(self._line(time.monotonic() + 5.0))["status"]))
            finally:
                if pid is not None:
                    _kill_group(pid)
                    _LIVE_GROUPS.discard(pid)
                os.close(out_read)
                os.close(err_read)
                _kill_marked(token)
        seconds = time.monotonic() - start
        return _result(outcome, status[0], seconds)

    def close(self) -> None:
        import socket

        if isinstance(self._channel, socket.socket):
            self._channel.close()
        self._channel = None
        if self._proc is not None:
            _kill_group(self._proc.pid)
            self._proc.wait()
            self._proc = None
        if self._home is not None:
            self._home.cleanup()
            self._home = None


# A worker the launcher started before prep itself loaded; `prep explain` adopts it.
_early_worker: SnippetWorker | None = None


def start_early_worker() -> None:
    """Start a worker now, for the command about to load to adopt (see launch.py)."""
    import atexit

    global _early_worker
    _early_worker = SnippetWorker()
    _early_worker.start()
    # Closed by whoever adopts it; if nothing does (a usage error), at exit.
    atexit.register(_early_worker.close)


def adopt_early_worker() -> SnippetWorker | None:
    """The worker the launcher started, if any; the caller now owns (and closes) it."""
    global _early_worker
    worker, _early_worker = _early_worker, None
    return worker


def start_snippet(
    code: str, runner: Callable[..., RunResult] | None = None, **limits: Any
) -> Callable[[], RunResult]:
    """Start a run now (cold, or with `runner`, a warm worker's), in a thread;
    the returned function waits for its result.

    `prep explain` starts its snippet before drawing the card, so the two overlap.
    """
    run = runner or run_snippet
    import threading

    box: list[RunResult | BaseException] = []

    def work() -> None:
        try:
            box.append(run(code, **limits))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiter
            box.append(exc)

    thread = threading.Thread(target=work, name="prep-snippet", daemon=True)
    thread.start()

    def wait() -> RunResult:
        while thread.is_alive():
            thread.join(0.05)  # in slices, so Ctrl-C still reaches the main thread
        result = box[0]
        if isinstance(result, BaseException):
            raise result
        return result

    return wait

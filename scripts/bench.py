"""Where prep stands on speed: each figure beside a floor measured in the same run.

Builds, in a temporary folder, a 1,000- and a 10,000-card bank (copies of the
shipped cards under new ids, so their sizes are real) and a store of 100,000
reviews, then times prep against floors: the same work done as cheaply as it
can be (an interpreter start, an import, the snippets' own compute). Every
figure is a ratio of medians over paired runs, so a noisy machine moves both
sides together. Never run by the test suite.

    python scripts/bench.py            # everything (several minutes)
    python scripts/bench.py --quick    # fewer repeats
    python scripts/bench.py --only snippet,explain
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The console script a user runs (python -m would add runpy's cost), from
# this interpreter's environment; -m where there is none.
_SCRIPT = Path(sys.executable).parent / "prep"
PREP = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "interview_prep"]


def timed(argv: Sequence[str], env: dict[str, str], stdin: str | None = None) -> float:
    """Wall seconds of one command, which must succeed."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        if proc.stdin is not None:
            proc.stdin.write((stdin or "").encode())
            proc.stdin.close()
        _, status, _ = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"bench: {' '.join(argv)} failed: {errors.read().decode()[-500:]}")
    return seconds


# Linux carries a process's peak memory (ru_maxrss) across fork and exec, so a
# command started from this process, grown large by building banks, reports
# this process's peak, not its own. Peaks are measured from a small process
# started before anything was built: it runs each command and reports its rusage.
_SPAWNER_CODE = """
import json, os, subprocess, sys
for line in sys.stdin:
    argv, env = json.loads(line)
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]), flush=True)
"""
_spawner: subprocess.Popen[str] | None = None


def start_spawner() -> None:
    global _spawner
    _spawner = subprocess.Popen(
        [sys.executable, "-I", "-c", _SPAWNER_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def peak_kib(argv: Sequence[str], env: dict[str, str]) -> int:
    """The peak resident memory of one command (KiB), which must succeed."""
    import json

    assert _spawner is not None and _spawner.stdin is not None and _spawner.stdout is not None
    _spawner.stdin.write(json.dumps([list(argv), env]) + "\n")
    _spawner.stdin.flush()
    code, peak = json.loads(_spawner.stdout.readline())
    if code != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed with status {code}")
    return int(peak)


def paired(a: Callable[[], float], b: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Medians of `a` and `b`, run alternately `repeats` times each (after one warm-up of each)."""
    a()
    b()
    xs, ys = [], []
    for _ in range(repeats):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, float]] = []

    def add(self, name: str, value: float, floor: float, target: float) -> None:
        self.rows.append((name, value, floor, target))
        ratio = value / floor if floor else float("inf")
        mark = "ok " if ratio <= target else "OVER"
        print(
            f"{mark} {name:<58} {value * 1000:9.1f} ms  floor {floor * 1000:9.1f} ms"
            f"  ratio {ratio:5.2f} (target ≤ {target})",
            flush=True,
        )


# ---------------------------------------------------------------------------
# Fixtures: big banks and a big store


def make_bank(target: Path, cards: int) -> None:
    """`cards` cards in total with the shipped bank: copies of it under new ids, aliases and links."""
    import yaml

    from interview_prep.bank import packaged_bank_dir

    shipped = sorted(packaged_bank_dir().glob("*/*.yaml"))
    originals = [(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in shipped]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    needed = cards - len(shipped)
    # The ids that will exist, so no copy links to a card that is never written.
    per_copy = len(originals)
    made = {data["id"] for _, data in originals} | {
        f"{originals[i % per_copy][1]['id']}-c{1 + i // per_copy}" for i in range(max(needed, 0))
    }
    copy = 0
    while needed > 0:
        copy += 1
        suffix = f"c{copy}"
        for path, data in originals:
            if needed <= 0:
                break
            card = dict(data)
            card["id"] = f"{data['id']}-{suffix}"
            card["aliases"] = [f"{a} {suffix}" for a in data.get("aliases", [])]
            card["follow_ups"] = [
                {**f, "card": f"{f['card']}-{suffix}"}
                if f.get("card") and f"{f['card']}-{suffix}" in made
                else {"question": f["question"]}
                for f in data.get("follow_ups", [])
            ]
            card["related"] = [f"{r}-{suffix}" for r in data.get("related", []) if f"{r}-{suffix}" in made]
            folder = target / path.parent.name
            folder.mkdir(parents=True, exist_ok=True)
            text = yaml.dump(card, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
            (folder / f"{card['id']}.yaml").write_text(text, encoding="utf-8")
            needed -= 1


def make_store(home: Path, reviews: int) -> None:
    """`reviews` reviews spread over the shipped cards and two years, written in one transaction."""
    import random
    from datetime import datetime, timedelta, timezone

    from interview_prep import scheduler
    from interview_prep.bank import load_bank, packaged_bank_dir
    from interview_prep.domain import Rating
    from interview_prep.store import ReviewStore, _to_text, progress_path

    ids = list(load_bank([packaged_bank_dir()]).cards)
    rng = random.Random(1)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with ReviewStore(progress_path(home)) as store:
        db = store._db
        db.execute("BEGIN")
        rows = []
        for i in range(reviews):
            when = start + timedelta(minutes=i * 7)
            rows.append((rng.choice(ids), _to_text(when), rng.randint(1, 4), 20.0, 2, 4, "drill", 0))
        db.executemany(
            "INSERT INTO review (card_id, reviewed_at, rating, seconds, covered, total_points, mode, mistakes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        last = start + timedelta(minutes=reviews * 7)
        for card_id in ids:
            memory = scheduler.review(None, card_id, Rating.GOOD, last)
            db.execute(
                "INSERT INTO memory (card_id, due, last_review, stability, difficulty, state, fsrs_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    _to_text(memory.due),
                    _to_text(last),
                    memory.stability,
                    memory.difficulty,
                    memory.state,
                    memory.fsrs_json,
                ),
            )
        db.execute("COMMIT")


# ---------------------------------------------------------------------------
# The figures


def bench_snippet(report: Report, repeats: int) -> None:
    from interview_prep.bank import load_bank, packaged_bank_dir
    from interview_prep.runner import SnippetWorker, child_environment

    code = load_bank([packaged_bank_dir()]).cards["mse"].snippet.code  # type: ignore[union-attr]
    env = child_environment("bench", tempfile.gettempdir())

    def cold() -> float:
        return timed([sys.executable, "-I", "-c", code], env)

    with SnippetWorker() as worker:
        worker.run("pass")  # the session's worker is already warm when `r` is pressed

        def warm() -> float:
            start = time.perf_counter()
            result = worker.run(code)
            assert result.ok, result.stderr
            return time.perf_counter() - start

        value, floor = paired(warm, cold, repeats * 3)
    report.add("snippet re-run in a session (mse) vs a cold python -I run", value, floor, 0.2)


def bench_explain(report: Report, env: dict[str, str], repeats: int) -> None:
    from interview_prep.bank import load_bank, packaged_bank_dir
    from interview_prep.runner import child_environment

    code = load_bank([packaged_bank_dir()]).cards["mse"].snippet.code  # type: ignore[union-attr]
    child_env = child_environment("bench", tempfile.gettempdir())
    live = lambda: timed([*PREP, "explain", "mse"], env)
    no_run = lambda: timed([*PREP, "explain", "mse", "--no-run"], env)
    cold = lambda: timed([sys.executable, "-I", "-c", code], child_env)
    value, a = paired(live, no_run, repeats)
    _, b = paired(live, cold, repeats)
    report.add("prep explain mse vs max(--no-run, its snippet cold)", value, max(a, b), 1.2)


def bench_check(report: Report, env: dict[str, str], repeats: int) -> None:
    """prep check against the snippets' own compute (each in a warm fork) divided by the cores."""
    from interview_prep.bank import load_bank, packaged_bank_dir
    from interview_prep.runner import SnippetWorker

    cards = [c for c in load_bank([packaged_bank_dir()]) if c.snippet]
    cores = os.cpu_count() or 1
    floors = []
    values = []
    # prep check keeps each card's grading in the cache folder, as it keeps
    # the bank index there; like every other figure here, the timed runs find
    # it warm. The first run, which grades every card, is shown beside them.
    first = timed([*PREP, "check", "--timeout", "60"], env)
    with SnippetWorker() as worker:
        worker.run("import numpy")
        for _ in range(max(1, repeats // 2)):
            own = 0.0
            for card in cards:
                assert card.snippet is not None
                own += worker.run(card.snippet.code, timeout=60).seconds
            floors.append(own / cores)
            values.append(timed([*PREP, "check", "--timeout", "60"], env))
    report.add(
        f"prep check ({len(cards)} snippets) vs their own compute ÷ {cores} cores",
        statistics.median(values),
        statistics.median(floors),
        1.3,
    )
    print(
        f"    (its first run, grading every card: {first * 1000:.1f} ms,"
        f" ratio {first / statistics.median(floors):.2f})",
        flush=True,
    )


def bench_sizes(report: Report, base_env: dict[str, str], work: Path, repeats: int) -> None:
    big = work / "bank-10000"
    make_bank(big, 10_000)
    small_env = dict(base_env, PREP_HOME=str(work / "home-small"))
    big_env = dict(base_env, PREP_HOME=str(work / "home-big"))
    with_big = ["--bank", str(big)]
    card_id = "huber-c40"

    # First build: time to parse every card file ÷ cores is the floor. The
    # floor is measured again just before each build: on a shared machine
    # the speed of a core drifts by a third within minutes, and a floor from
    # another minute would measure the drift rather than prep.
    from interview_prep.bank import packaged_bank_dir
    from interview_prep.index import _parse_file

    files = sorted(big.glob("*/*.yaml")) + sorted(packaged_bank_dir().glob("*/*.yaml"))

    def parse_everything() -> float:
        start = time.perf_counter()
        for path in files:
            info = path.stat()
            _parse_file((str(path), 0, info.st_size, info.st_mtime_ns))
        return (time.perf_counter() - start) / (os.cpu_count() or 1)

    floors = []
    builds = []
    for i in range(max(2, repeats // 3)):
        floors.append(parse_everything())
        fresh_env = dict(base_env, PREP_HOME=str(work / f"home-build-{i}"))
        builds.append(timed([*PREP, "explain", card_id, "--no-run", *with_big], fresh_env))
    parse_floor = statistics.median(floors)
    report.add(
        "10,000 cards: first build of the index vs parsing ÷ cores",
        statistics.median(builds),
        parse_floor,
        1.3,
    )

    timed([*PREP, "explain", card_id, "--no-run", *with_big], big_env)
    timed([*PREP, "explain", "huber", "--no-run"], small_env)

    def lookup(env: dict[str, str], extra: list[str], card: str) -> Callable[[], float]:
        return lambda: timed([*PREP, "explain", card, "--no-run", *extra], env)

    middle = work / "bank-1000"
    make_bank(middle, 1_000)
    middle_env = dict(base_env, PREP_HOME=str(work / "home-middle"))
    with_middle = ["--bank", str(middle)]
    timed([*PREP, "explain", "huber-c1", "--no-run", *with_middle], middle_env)
    value, floor = paired(
        lookup(middle_env, with_middle, "huber-c1"), lookup(small_env, [], "huber"), repeats
    )
    report.add("1,000 cards: warm explain ID --no-run vs the shipped bank", value, floor, 2.0)
    value, floor = paired(
        lambda: timed([*PREP, "list", *with_middle], middle_env),
        lambda: timed([*PREP, "list"], small_env),
        repeats,
    )
    report.add("1,000 cards: list (piped) vs the shipped bank", value, floor, 2.0)

    value, floor = paired(lookup(big_env, with_big, card_id), lookup(small_env, [], "huber"), repeats)
    report.add("10,000 cards: warm explain ID --no-run vs the shipped bank", value, floor, 2.0)

    query = "why is squared error sensitive to outliers"
    value, floor = paired(
        lambda: timed([*PREP, "search", query, *with_big], big_env),
        lambda: timed([*PREP, "search", query], small_env),
        repeats,
    )
    report.add("10,000 cards: search vs the shipped bank", value, floor, 2.0)

    value, floor = paired(
        lambda: timed([*PREP, "list", *with_big], big_env),
        lambda: timed([*PREP, "list"], small_env),
        repeats,
    )
    report.add("10,000 cards: list (piped) vs the shipped bank", value, floor, 2.0)

    edited = big / "loss" / f"{card_id}.yaml"
    original = edited.read_text(encoding="utf-8")
    reindex = []
    warm = []
    for i in range(repeats):
        edited.write_text(
            original.replace("title:", f"title: edit {i}", 1) if "title:" in original else original
        )
        reindex.append(timed([*PREP, "explain", card_id, "--no-run", *with_big], big_env))
        warm.append(timed([*PREP, "explain", card_id, "--no-run", *with_big], big_env))
    edited.write_text(original, encoding="utf-8")
    report.add(
        "10,000 cards: re-index after editing one card vs a warm lookup",
        statistics.median(reindex),
        statistics.median(warm),
        1.5,
    )

    big_peak = statistics.median(
        peak_kib([*PREP, "explain", card_id, "--no-run", *with_big], big_env) for _ in range(3)
    )
    small_peak = statistics.median(
        peak_kib([*PREP, "explain", "huber", "--no-run"], small_env) for _ in range(3)
    )
    report.add(
        "10,000 cards: peak memory of a lookup (KiB as ms) vs shipped",
        big_peak / 1000,
        small_peak / 1000,
        1.5,
    )


def bench_store(report: Report, base_env: dict[str, str], work: Path, repeats: int) -> None:
    full = work / "home-reviews"
    empty = work / "home-empty"
    make_store(full, 100_000)
    full_env = dict(base_env, PREP_HOME=str(full))
    empty_env = dict(base_env, PREP_HOME=str(empty))
    timed([*PREP, "stats"], empty_env)
    value, floor = paired(
        lambda: timed([*PREP, "stats"], full_env),
        lambda: timed([*PREP, "stats"], empty_env),
        repeats,
    )
    report.add("prep stats over 100,000 reviews vs an empty store", value, floor, 1.5)
    value, floor = paired(
        lambda: timed([*PREP, "drill", "-n", "1"], full_env, stdin=""),
        lambda: timed([*PREP, "drill", "-n", "1"], empty_env, stdin=""),
        repeats,
    )
    report.add("prep drill start-up over 100,000 reviews vs an empty store", value, floor, 1.2)


def bench_startup(report: Report, env: dict[str, str], repeats: int) -> None:
    value, floor = paired(
        lambda: timed([*PREP, "--help"], env),
        lambda: timed([sys.executable, "-c", "import typer"], env),
        repeats * 3,
    )
    report.add("prep --help vs python -c 'import typer'", value, floor, 1.2)
    timed([*PREP, "explain", "mse", "--no-run"], env)
    value, floor = paired(
        lambda: timed([*PREP, "explain", "mse", "--no-run"], env),
        lambda: timed([sys.executable, "-c", "import typer, yaml, rich.markdown"], env),
        repeats * 3,
    )
    report.add("prep explain mse --no-run vs import typer, yaml, rich.markdown", value, floor, 1.5)


SECTIONS = ("startup", "snippet", "explain", "check", "store", "sizes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    only = set(args.only.split(","))
    report = Report()
    start_spawner()  # first, while this process is small
    # An installed prep runs from bytecode pip compiled; a checkout whose
    # environment sets PYTHONDONTWRITEBYTECODE would compile every edited
    # module on every run, and time the compiler instead of prep.
    import compileall

    compileall.compile_dir(str(ROOT / "interview_prep"), quiet=1)
    work = Path(tempfile.mkdtemp(prefix="prep-bench-"))
    try:
        env = {k: v for k, v in os.environ.items() if k not in ("PREP_BANK",)}
        env.update(PREP_HOME=str(work / "home"), NO_COLOR="1", PYTHONPATH=str(ROOT))
        print(f"prep benchmark: {os.cpu_count()} cores, medians of {repeats} paired runs\n", flush=True)
        if "startup" in only:
            bench_startup(report, env, repeats)
        if "snippet" in only:
            bench_snippet(report, repeats)
        if "explain" in only:
            bench_explain(report, env, repeats)
        if "check" in only:
            bench_check(report, env, repeats)
        if "store" in only:
            bench_store(report, env, work, repeats)
        if "sizes" in only:
            bench_sizes(report, env, work, repeats)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    over = [name for name, value, floor, target in report.rows if value / floor > target]
    print(f"\n{len(report.rows) - len(over)} of {len(report.rows)} figures within target")


if __name__ == "__main__":
    main()

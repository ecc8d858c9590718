"""The SQLite progress store: round trips, migrations, damage, concurrency, crashes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from interview_prep import scheduler, store
from interview_prep.errors import StoreError
from interview_prep.scheduler import Rating
from interview_prep.store import (
    MIGRATIONS,
    Review,
    ReviewStore,
    default_data_dir,
    progress_path,
    resolve_data_dir,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


def a_review(card_id: str = "mse", minutes: float = 0, rating: int = 3, **changes) -> Review:
    base = Review(
        card_id=card_id,
        reviewed_at=T0 + timedelta(minutes=minutes),
        rating=rating,
        seconds=42.5,
        covered=3,
        total_points=5,
        mode="quiz",
    )
    return replace(base, **changes)


def raw(path: Path):
    """A plain SQLite connection, to look at the file behind the store's back."""
    import sqlite3

    return sqlite3.connect(path)


def user_version(path: Path) -> int:
    with raw(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def index_names(path: Path) -> set[str]:
    with raw(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return {name for (name,) in rows}


def assert_untouched_error(error: pytest.ExceptionInfo, path: Path) -> None:
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message
    assert "untouched" in message
    assert "move it aside" in message


# --- record and read back -----------------------------------------------------


def test_record_and_read_back(tmp_path):
    path = tmp_path / "progress.sqlite3"
    first = a_review("mse", 0, rating=3)
    second = a_review("mae", 5, rating=1, mode="drill", seconds=7.0, covered=0, total_points=4)
    with ReviewStore(path) as progress:
        memory = progress.record(first)
        progress.record(second)
        assert progress.reviews() == [first, second]
        assert progress.memories() == {
            "mse": memory,
            "mae": scheduler.review(None, "mae", Rating.AGAIN, second.reviewed_at),
        }
    assert memory == scheduler.review(None, "mse", Rating.GOOD, first.reviewed_at)


def test_record_builds_on_the_stored_memory(tmp_path):
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        first = progress.record(a_review("mse", 0, rating=3))
        later = first.due + timedelta(hours=1)
        second = progress.record(replace(a_review("mse"), reviewed_at=later, rating=4))
    assert second == scheduler.review(first, "mse", Rating.EASY, later)
    assert second.due > first.due


def test_progress_survives_closing_and_reopening(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        memory = progress.record(a_review("mse"))
    with ReviewStore(path) as progress:
        assert progress.reviews() == [a_review("mse")]
        assert progress.memories() == {"mse": memory}


def test_reviews_come_back_oldest_first_in_utc(tmp_path):
    plus_five = timezone(timedelta(hours=5))
    late = a_review("a", 30)
    early_elsewhere = replace(a_review("b"), reviewed_at=(T0 + timedelta(minutes=10)).astimezone(plus_five))
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        progress.record(late)
        progress.record(early_elsewhere)
        back = progress.reviews()
    assert [r.card_id for r in back] == ["b", "a"]
    assert back[0].reviewed_at == T0 + timedelta(minutes=10)
    assert back[0].reviewed_at.tzinfo is timezone.utc


def test_reviews_since(tmp_path):
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        for minutes in (0, 10, 20, 30):
            progress.record(a_review("mse", minutes))
        recent = progress.reviews(since=T0 + timedelta(minutes=20))
        assert [r.reviewed_at for r in recent] == [T0 + timedelta(minutes=20), T0 + timedelta(minutes=30)]
        assert progress.reviews(since=T0 + timedelta(days=1)) == []


def test_new_cards_started_between_counts_first_reviews_only(tmp_path):
    day = timedelta(days=1)
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        progress.record(replace(a_review("old"), reviewed_at=T0 - day))
        progress.record(replace(a_review("old"), reviewed_at=T0 + timedelta(hours=1)))  # not new today
        progress.record(replace(a_review("fresh"), reviewed_at=T0))  # at the start: in
        progress.record(replace(a_review("fresh"), reviewed_at=T0 + timedelta(hours=2)))
        progress.record(replace(a_review("other"), reviewed_at=T0 + timedelta(hours=3)))
        progress.record(replace(a_review("tomorrow"), reviewed_at=T0 + day))  # at the end: out
        assert progress.new_cards_started_between(T0, T0 + day) == 2
        assert progress.new_cards_started_between(T0 - day, T0 + 2 * day) == 4
        assert progress.new_cards_started_between(T0 + 2 * day, T0 + 3 * day) == 0


def test_reviews_of_cards_not_in_any_bank_are_kept(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        progress.record(a_review("card-since-removed"))
    with ReviewStore(path) as progress:
        assert [r.card_id for r in progress.reviews()] == ["card-since-removed"]
        assert set(progress.memories()) == {"card-since-removed"}


def test_review_and_memory_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "p.sqlite3"
    real_review = scheduler.review

    def review_with_bad_memory(*args):
        return replace(real_review(*args), state=None)  # violates memory.state NOT NULL

    with ReviewStore(path) as progress:
        progress.record(a_review("mse", 0))
        monkeypatch.setattr(scheduler, "review", review_with_bad_memory)
        with pytest.raises(StoreError, match="could not be written"):
            progress.record(a_review("mse", 10))
        monkeypatch.undo()
        assert len(progress.reviews()) == 1  # the review row was rolled back with the memory
        progress.record(a_review("mse", 20))  # and the store is still usable
        assert len(progress.reviews()) == 2


def test_review_refuses_naive_times_and_unknown_ratings():
    with pytest.raises(ValueError):
        a_review(reviewed_at=datetime(2024, 3, 1, 9, 0))
    with pytest.raises(ValueError):
        a_review(rating=5)


def test_a_closed_store_says_so(tmp_path):
    progress = ReviewStore(tmp_path / "p.sqlite3")
    progress.close()
    progress.close()  # closing twice is harmless
    with pytest.raises(StoreError, match="closed"):
        progress.reviews()


def test_an_unreadable_memory_row_is_reported(tmp_path):
    path = tmp_path / "p.sqlite3"
    ReviewStore(path).close()
    with raw(path) as conn:
        conn.execute(
            "INSERT INTO memory (card_id, due, state, fsrs_json) VALUES ('x', '2024', 'review', 'not json')"
        )
    with ReviewStore(path) as progress, pytest.raises(StoreError) as error:
        progress.memories()
    assert str(path) in str(error.value) and "'x'" in str(error.value)


# --- schema and migrations ----------------------------------------------------


def test_new_database_has_the_full_schema(tmp_path):
    path = tmp_path / "deep" / "er" / "progress.sqlite3"  # missing folders are created
    ReviewStore(path).close()
    assert user_version(path) == len(MIGRATIONS) == 7
    with raw(path) as conn:
        columns = {
            table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for table in ("review", "memory", "setting")
        }
        journal_mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert columns == {
        "review": [
            "id",
            "card_id",
            "reviewed_at",
            "rating",
            "seconds",
            "covered",
            "total_points",
            "mode",
            "mistakes",
            "answer",
            "time_limit",
            "examiner",
        ],
        "memory": ["card_id", "due", "last_review", "stability", "difficulty", "state", "fsrs_json"],
        "setting": ["key", "value"],
    }
    assert index_names(path) == {
        "review_card_id",
        "memory_due",
        "review_time",
        "review_card_history",
        "card_total_first",
    }
    assert journal_mode == "wal"


def test_stored_times_are_utc_iso_text(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        memory = progress.record(a_review("mse"))
    with raw(path) as conn:
        (reviewed_at,) = conn.execute("SELECT reviewed_at FROM review").fetchone()
        due, fsrs_json = conn.execute("SELECT due, fsrs_json FROM memory").fetchone()
    assert reviewed_at == "2024-03-01T09:00:00.000000+00:00"
    assert datetime.fromisoformat(due) == memory.due
    assert fsrs_json == memory.fsrs_json


def test_zero_byte_file_is_initialised_as_version_zero(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.touch()
    with ReviewStore(path) as progress:
        progress.record(a_review())
    assert user_version(path) == len(MIGRATIONS)
    assert path.stat().st_size > 0


def build_version_1(path: Path) -> str:
    """A version-1 file as the first release left it: tables, no indexes."""
    memory = scheduler.review(None, "mse", Rating.GOOD, T0)
    with raw(path) as conn:
        conn.executescript(
            """
            CREATE TABLE review (id INTEGER PRIMARY KEY, card_id TEXT NOT NULL,
                reviewed_at TEXT NOT NULL, rating INTEGER NOT NULL, seconds REAL NOT NULL,
                covered INTEGER NOT NULL, total_points INTEGER NOT NULL, mode TEXT NOT NULL);
            CREATE TABLE memory (card_id TEXT PRIMARY KEY, due TEXT NOT NULL, last_review TEXT,
                stability REAL, difficulty REAL, state TEXT NOT NULL, fsrs_json TEXT NOT NULL);
            PRAGMA user_version = 1;
            """
        )
        conn.execute(
            "INSERT INTO review VALUES (1, 'mse', '2024-03-01T09:00:00.000000+00:00', 3, 12.0, 2, 5, 'drill')"
        )
        conn.execute(
            "INSERT INTO memory VALUES ('mse', ?, ?, ?, ?, ?, ?)",
            (
                memory.due.isoformat(timespec="microseconds"),
                memory.last_review.isoformat(timespec="microseconds"),
                memory.stability,
                memory.difficulty,
                memory.state,
                memory.fsrs_json,
            ),
        )
    return memory.fsrs_json


def test_migrates_a_version_1_file_keeping_its_data(tmp_path):
    path = tmp_path / "progress.sqlite3"
    fsrs_json = build_version_1(path)
    assert index_names(path) == set()
    with ReviewStore(path) as progress:
        assert progress.reviews() == [
            Review("mse", T0, rating=3, seconds=12.0, covered=2, total_points=5, mode="drill", mistakes=0)
        ]
        assert progress.memories()["mse"].fsrs_json == fsrs_json
        progress.record(a_review("mse", 60))
    assert user_version(path) == 7
    assert index_names(path) == {
        "review_card_id",
        "memory_due",
        "review_time",
        "review_card_history",
        "card_total_first",
    }


def test_a_review_keeps_how_many_mistakes_were_caught(tmp_path):
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        progress.record(a_review("mse", 0, rating=1, mistakes=2))
        progress.record(a_review("mse", 60))
        assert [r.mistakes for r in progress.reviews()] == [2, 0]


def test_each_migration_commits_on_its_own(tmp_path, monkeypatch):
    def broken(conn):
        conn.execute("CREATE TABLE extra (x)")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(store, "MIGRATIONS", [*MIGRATIONS, broken])
    path = tmp_path / "p.sqlite3"
    with pytest.raises(StoreError, match=str(path)):
        ReviewStore(path)
    assert user_version(path) == len(MIGRATIONS)  # the good ones stuck
    with raw(path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"review", "memory", "setting", "card_total"}  # the broken one left nothing behind


def test_a_newer_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "progress.sqlite3"
    ReviewStore(path).close()
    with raw(path) as conn:
        conn.execute("PRAGMA user_version = 8")
    before = path.read_bytes()
    with pytest.raises(StoreError) as error:
        ReviewStore(path)
    assert str(error.value) == (
        f"{path}: progress database is version 8; this prep understands up to 7; upgrade prep"
    )
    assert path.read_bytes() == before


# --- damaged files are reported, never touched ------------------------------------------


def test_random_bytes_are_reported_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "progress.sqlite3"
    garbage = random.Random(0).randbytes(8192)
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as error:
        ReviewStore(path)
    assert_untouched_error(error, path)
    assert path.read_bytes() == garbage
    # No journal left beside it (prep-home is the test's own isolated data folder).
    assert sorted(set(os.listdir(tmp_path)) - {"prep-home"}) == ["progress.sqlite3"]


def test_a_truncated_database_is_reported_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with ReviewStore(path) as progress:
        for i in range(400):
            progress.record(a_review(f"card-{i % 50}", i))
    whole = path.read_bytes()
    assert len(whole) > 8 * 4096
    truncated = whole[: len(whole) // 2]
    path.write_bytes(truncated)
    with pytest.raises(StoreError) as error:
        ReviewStore(path)
    assert_untouched_error(error, path)
    assert path.read_bytes() == truncated


def test_a_folder_at_the_path_is_reported(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.mkdir()
    (path / "keep.txt").write_text("mine")
    with pytest.raises(StoreError) as error:
        ReviewStore(path)
    assert_untouched_error(error, path)
    assert (path / "keep.txt").read_text() == "mine"


def test_a_path_that_cannot_be_created_is_reported(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError) as error:
        ReviewStore(blocker / "progress.sqlite3")
    assert str(blocker / "progress.sqlite3") in str(error.value)
    assert blocker.read_text() == "a file where the data folder should be"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "progress.sqlite3"
    ReviewStore(path).close()
    path.chmod(0)
    try:
        with pytest.raises(StoreError) as error:
            ReviewStore(path)
        assert_untouched_error(error, path)
    finally:
        path.chmod(0o600)


# --- several processes --------------------------------------------------------------


def run_python(code: str, **popen_args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        env=env,
        text=True,
        **popen_args,
    )


WRITER = """
    import sys, time
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from interview_prep.store import Review, ReviewStore

    path, go, name, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    while not go.exists():
        time.sleep(0.001)
    start = datetime(2024, 3, 1, tzinfo=timezone.utc)
    with ReviewStore(path) as progress:
        for i in range(count):
            progress.record(Review(f"card-{i % 7}", start + timedelta(seconds=i), 1 + i % 4,
                                   1.0, 1, 3, name))
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "progress.sqlite3"  # both processes also race to create it
    go = tmp_path / "go"
    count = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WRITER), str(path), str(go), mode, str(count)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("quiz", "drill")
    ]
    time.sleep(0.3)  # let both import and wait at the gate
    go.touch()
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    with ReviewStore(path) as progress:
        reviews = progress.reviews()
        memories = progress.memories()
    assert len(reviews) == 2 * count
    assert sum(r.mode == "quiz" for r in reviews) == count
    assert sum(r.mode == "drill" for r in reviews) == count
    assert set(memories) == {f"card-{i}" for i in range(7)}
    with raw(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT COUNT(*) FROM review").fetchone()[0] == 2 * count


def test_every_write_is_synced_to_disk(tmp_path):
    # A killed process keeps committed data whatever the setting (the OS has
    # it); FULL is what keeps it through a power cut, so check the setting.
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        assert progress._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_right_after_recording_keeps_every_review(tmp_path):
    """Each record() has committed when it returns: nothing waits for a clean close."""
    path = tmp_path / "progress.sqlite3"
    recorded = 25
    child = run_python(
        f"""
        import sys
        from datetime import datetime, timedelta, timezone
        from pathlib import Path
        from interview_prep.store import Review, ReviewStore

        progress = ReviewStore(Path({str(path)!r}))
        start = datetime(2024, 3, 1, tzinfo=timezone.utc)
        for i in range({recorded}):
            progress.record(Review(f"card-{{i % 4}}", start + timedelta(minutes=i), 3, 2.0, 2, 4, "drill"))
        print("recorded", flush=True)
        sys.stdin.read()  # wait, store still open, until killed
        """,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline().strip() == "recorded"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdin.close()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with ReviewStore(path) as progress:
        assert len(progress.reviews()) == recorded
        assert set(progress.memories()) == {"card-0", "card-1", "card-2", "card-3"}


# --- where the file lives -------------------------------------------------------


def test_data_dir_prefers_override_then_prep_home_then_platform_default(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.setenv("PREP_HOME", str(tmp_path / "from-env"))
    assert resolve_data_dir(tmp_path / "given") == tmp_path / "given"
    assert resolve_data_dir(None) == tmp_path / "from-env"
    monkeypatch.setenv("PREP_HOME", "")
    assert resolve_data_dir(None) == Path(platformdirs.user_data_dir("prep"))
    monkeypatch.delenv("PREP_HOME")
    assert resolve_data_dir(None) == default_data_dir() == Path(platformdirs.user_data_dir("prep"))


def test_progress_path():
    assert progress_path(Path("/data/prep")) == Path("/data/prep/progress.sqlite3")


def test_a_review_keeps_the_typed_answer_until_it_is_forgotten(tmp_path):
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        progress.record(a_review("mse", 0, rating=1))  # nothing typed
        progress.record(replace(a_review("mse", 60), answer="squared errors", time_limit=90.0))
        progress.record(replace(a_review("huber", 120), answer="quadratic then linear"))
        assert [r.answer for r in progress.answers("mse")] == [None, "squared errors"]
        assert progress.answers("mse")[1].time_limit == 90.0
        assert progress.last_answer("mse").answer == "squared errors"
        assert progress.forget_answers("mse") == 1
        assert progress.last_answer("mse") is None
        assert len(progress.answers("mse")) == 2  # the reviews stay; only the text goes
        assert progress.last_answer("huber").answer == "quadratic then linear"
        assert progress.forget_answers() == 1
        assert progress.last_answer("huber") is None


def test_settings_are_kept_and_removed(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        assert progress.setting("interview") is None
        progress.set_setting("interview", "2026-12-15")
    with ReviewStore(path) as progress:
        assert progress.setting("interview") == "2026-12-15"
        progress.set_setting("interview", None)
        assert progress.setting("interview") is None


def test_a_review_keeps_the_examiners_record(tmp_path):
    record = '{"v": 1, "failure": "no complete reply within 30.0 s", "exchange": []}'
    with ReviewStore(tmp_path / "p.sqlite3") as progress:
        progress.record(a_review("mse", 0))
        progress.record(replace(a_review("mse", 60), answer="squared errors", examiner=record))
        assert [r.examiner for r in progress.reviews()] == [None, record]
        assert progress.answers("mse")[1].examiner == record
        assert progress.last_answer("mse").examiner == record


def test_migration_6_adds_the_examiner_column_to_a_version_5_file(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with ReviewStore(path) as progress:
        progress.record(a_review("mse", 0, answer="kept"))
    with raw(path) as conn:
        conn.execute("DROP TRIGGER review_totals")
        conn.execute("DROP TABLE card_total")
        conn.execute("ALTER TABLE review DROP COLUMN examiner")
        conn.execute("PRAGMA user_version = 5")
    with ReviewStore(path) as progress:
        (old,) = progress.reviews()
        assert old.answer == "kept" and old.examiner is None
    assert user_version(path) == 7


def test_per_card_totals_are_backfilled_and_kept_by_the_trigger(tmp_path):
    # Reviews written before migration 7 are summed once; later ones by the trigger,
    # including one recorded out of time order, which becomes the card's first.
    path = tmp_path / "progress.sqlite3"
    with ReviewStore(path) as progress:
        progress.record(a_review("mse", 60, rating=1))
        progress.record(a_review("mse", 120, rating=3))
    with raw(path) as conn:
        conn.execute("DROP TRIGGER review_totals")
        conn.execute("DROP TABLE card_total")
        conn.execute("PRAGMA user_version = 6")
    with ReviewStore(path) as progress:
        assert progress.card_figures(["mse"]) == {"mse": store.CardFigures(2, 4, 1, 1)}
        progress.record(a_review("mse", 180, rating=4))
        progress.record(a_review("mse", 0, rating=3))  # the clock was set back: now the first review
        progress.record(a_review("huber", 0, rating=2))
        figures = progress.card_figures(["mse", "huber", "never"])
        assert figures == {
            "mse": store.CardFigures(reviews=4, rating_sum=11, recalled_repeats=2, repeats=3),
            "huber": store.CardFigures(reviews=1, rating_sum=2, recalled_repeats=0, repeats=0),
        }
        # The same as aggregating every review, as before the totals existed.
        reviews = progress.reviews()
        for card_id, got in figures.items():
            ratings = [r.rating for r in sorted(reviews, key=lambda r: r.reviewed_at) if r.card_id == card_id]
            recalled = [r >= 2 for r in ratings]
            assert got == store.CardFigures(
                len(ratings), sum(ratings), sum(recalled) - recalled[0], len(ratings) - 1
            )


# --- the integrity check on opening ----------------------------------------------


def test_a_store_prep_closed_cleanly_is_not_checked_in_full_again(tmp_path, monkeypatch):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        progress.record(a_review("mse", 0, rating=3))
    checks = []
    monkeypatch.setattr(store, "_check_integrity", lambda conn, p: checks.append(p))
    with ReviewStore(path) as progress:
        assert len(progress.reviews()) == 1
    assert checks == []  # the file is as prep left it


def test_a_store_changed_outside_prep_is_checked_and_corruption_refused(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        for i in range(300):
            progress.record(a_review(f"card-{i}", i, rating=3))
    # Damage a page in the middle, keeping the size: as a disk or a copy might.
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 512] = bytes(512)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as error:
        ReviewStore(path)
    assert_untouched_error(error, path)
    assert path.read_bytes() == bytes(data)


def test_a_store_left_open_by_a_crash_is_checked_in_full(tmp_path, monkeypatch):
    path = tmp_path / "p.sqlite3"
    with ReviewStore(path) as progress:
        progress.record(a_review("mse", 0, rating=3))
    Path(f"{path}-wal").write_bytes(b"")  # what a session that never closed leaves
    checks = []
    monkeypatch.setattr(store, "_check_integrity", lambda conn, p: checks.append(p))
    ReviewStore(path).close()
    assert checks == [path]

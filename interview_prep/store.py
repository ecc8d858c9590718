"""Review history and scheduling memory, kept in one SQLite file.

The file is the user's only copy of their progress, so this module never
overwrites, truncates, deletes or "repairs" an existing file: anything it
cannot read is reported (StoreError) and left exactly as it was.

Two `prep` processes may share the file (say, a drill in one terminal and
`prep stats` in another): WAL journal mode lets readers run beside a writer,
every write takes the lock up front (BEGIN IMMEDIATE) and waits up to
BUSY_TIMEOUT_SECONDS for it.
"""

from __future__ import annotations

import os
import sqlite3  # module level on purpose: the CLI imports this whole module lazily
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_prep import scheduler
from interview_prep.domain import Mode, Rating, Review, as_utc
from interview_prep.errors import StoreError
from interview_prep.paths import default_data_dir, resolve_data_dir  # noqa: F401  (re-exported)
from interview_prep.scheduler import Memory

if TYPE_CHECKING:
    from typing_extensions import Self

PROGRESS_FILE_NAME = "progress.sqlite3"
# A rating of hard or better means the answer was recalled, if with effort.
RECALLED_MIN_RATING = 2


@dataclass(frozen=True)
class CardFigures:
    """One card's review history, aggregated."""

    reviews: int
    rating_sum: int
    recalled_repeats: int  # reviews after the first that were recalled
    repeats: int  # reviews after the first


BUSY_TIMEOUT_SECONDS = 5.0
_SQLITE_HEADER = b"SQLite format 3\x00"


# --- schema -----------------------------------------------------------------


def _create_tables(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE review (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            reviewed_at TEXT NOT NULL,
            rating INTEGER NOT NULL,
            seconds REAL NOT NULL,
            covered INTEGER NOT NULL,
            total_points INTEGER NOT NULL,
            mode TEXT NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE memory (
            card_id TEXT PRIMARY KEY,
            due TEXT NOT NULL,
            last_review TEXT,
            stability REAL,
            difficulty REAL,
            state TEXT NOT NULL,
            fsrs_json TEXT NOT NULL
        )
        """
    )


def _index_lookups(conn: sqlite3.Connection) -> None:
    # Per-card history (recording, stats) and "what is due" are the queries.
    conn.execute("CREATE INDEX review_card_id ON review (card_id)")
    conn.execute("CREATE INDEX memory_due ON memory (due)")


def _count_mistakes(conn: sqlite3.Connection) -> None:
    # Reviews from before grading caught mistakes are recorded as 0 caught.
    conn.execute("ALTER TABLE review ADD COLUMN mistakes INTEGER NOT NULL DEFAULT 0")


def _index_review_time(conn: sqlite3.Connection) -> None:
    # `prep stats` reads the reviews of a window of days, and each card's
    # history in order (covering: the aggregate never reads the table).
    conn.execute("CREATE INDEX review_time ON review (reviewed_at)")
    conn.execute("CREATE INDEX review_card_history ON review (card_id, reviewed_at, rating)")


def _keep_answers(conn: sqlite3.Connection) -> None:
    # The typed answer and the time allowed for it, kept with each review so a
    # user can compare answers over time; and a small table of user settings
    # (keeping answers at all, a saved interview date).
    conn.execute("ALTER TABLE review ADD COLUMN answer TEXT")
    conn.execute("ALTER TABLE review ADD COLUMN time_limit REAL")
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")


def _keep_examiner(conn: sqlite3.Connection) -> None:
    # The optional examiner's feedback and follow-up exchange, as JSON, so
    # `prep history` can show them; NULL for reviews without an examiner.
    conn.execute("ALTER TABLE review ADD COLUMN examiner TEXT")


def _total_each_card(conn: sqlite3.Connection) -> None:
    # Each card's review count, rating sum, recalled count and first review,
    # kept up to date by a trigger: `prep stats` and a drill's start read a
    # row per card instead of aggregating every review ever made (100,000
    # reviews took 50 ms to sum). 2 is RECALLED_MIN_RATING, fixed here as a
    # migration never changes.
    conn.execute(
        """
        CREATE TABLE card_total (
            card_id TEXT PRIMARY KEY,
            reviews INTEGER NOT NULL,
            rating_sum INTEGER NOT NULL,
            recalled INTEGER NOT NULL,
            first_at TEXT NOT NULL,
            first_recalled INTEGER NOT NULL
        ) WITHOUT ROWID
        """
    )
    conn.execute(
        "INSERT INTO card_total SELECT card_id, COUNT(*), SUM(rating), SUM(rating >= 2), MIN(reviewed_at), 0"
        " FROM review GROUP BY card_id"
    )
    conn.execute(
        "UPDATE card_total SET first_recalled = (SELECT rating >= 2 FROM review"
        " WHERE review.card_id = card_total.card_id ORDER BY reviewed_at, id LIMIT 1)"
    )
    conn.execute("CREATE INDEX card_total_first ON card_total (first_at)")
    # A review later in id but earlier in time (a clock set back) becomes the first.
    conn.execute(
        """
        CREATE TRIGGER review_totals AFTER INSERT ON review BEGIN
            INSERT INTO card_total VALUES
                (NEW.card_id, 1, NEW.rating, NEW.rating >= 2, NEW.reviewed_at, NEW.rating >= 2)
            ON CONFLICT (card_id) DO UPDATE SET
                reviews = reviews + 1,
                rating_sum = rating_sum + NEW.rating,
                recalled = recalled + (NEW.rating >= 2),
                first_recalled = CASE WHEN NEW.reviewed_at < first_at
                    THEN NEW.rating >= 2 ELSE first_recalled END,
                first_at = MIN(first_at, NEW.reviewed_at);
        END
        """
    )


Migration = Callable[[sqlite3.Connection], None]

# MIGRATIONS[i] takes a database from version i to i + 1 (PRAGMA user_version).
# Append only: a released migration never changes, since files in the wild
# have already run it.
MIGRATIONS: list[Migration] = [
    _create_tables,
    _index_lookups,
    _count_mistakes,
    _index_review_time,
    _keep_answers,
    _keep_examiner,
    _total_each_card,
]


def schema_version() -> int:
    """The version this code creates and understands."""
    return len(MIGRATIONS)


# --- where the file lives -----------------------------------------------------


def progress_path(data_dir: Path) -> Path:
    return Path(data_dir) / PROGRESS_FILE_NAME


# --- the store ----------------------------------------------------------------


class ReviewStore:
    """The progress database at `path`, opened, checked and migrated."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._conn = _open(self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with _sqlite_errors(self.path, "closed"):
                conn.close()
            _remember_checked_state(self.path)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: progress database is already closed")
        return self._conn

    def record(self, review: Review) -> Memory:
        """Store the review and the card's new memory, committed on return.

        Both rows go in one transaction, so a crash keeps either both or neither,
        and a process killed after this returns has lost nothing.
        """
        with _sqlite_errors(self.path, "written"), _write_transaction(self._db) as conn:
            row = conn.execute("SELECT fsrs_json FROM memory WHERE card_id = ?", (review.card_id,)).fetchone()
            previous = self._memory_from_row(review.card_id, row[0]) if row else None
            memory = scheduler.review(previous, review.card_id, review.rating, review.reviewed_at)
            conn.execute(
                "INSERT INTO review (card_id, reviewed_at, rating, seconds, covered,"
                " total_points, mode, mistakes, answer, time_limit, examiner)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    review.card_id,
                    _to_text(review.reviewed_at),
                    int(review.rating),
                    float(review.seconds),
                    int(review.covered),
                    int(review.total_points),
                    review.mode.value,
                    int(review.mistakes),
                    review.answer,
                    review.time_limit,
                    review.examiner,
                ),
            )
            conn.execute(
                "INSERT OR REPLACE INTO memory (card_id, due, last_review, stability,"
                " difficulty, state, fsrs_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    memory.card_id,
                    _to_text(memory.due),
                    _to_text(memory.last_review) if memory.last_review else None,
                    memory.stability,
                    memory.difficulty,
                    memory.state,
                    memory.fsrs_json,
                ),
            )
        return memory

    def memories(self) -> dict[str, Memory]:
        """Every card's memory, including cards no longer in any bank."""
        with _sqlite_errors(self.path, "read"):
            rows = self._db.execute("SELECT card_id, fsrs_json FROM memory").fetchall()
        return {card_id: self._memory_from_row(card_id, text) for card_id, text in rows}

    def reviews(self, since: datetime | None = None) -> list[Review]:
        """Reviews at or after `since` (all if None), oldest first."""
        query = (
            "SELECT card_id, reviewed_at, rating, seconds, covered, total_points, mode, mistakes,"
            " answer, time_limit, examiner FROM review"
        )
        parameters: tuple[str, ...] = ()
        if since is not None:
            query += " WHERE reviewed_at >= ?"
            parameters = (_to_text(since),)
        with _sqlite_errors(self.path, "read"):
            rows = self._db.execute(query + " ORDER BY reviewed_at, id", parameters).fetchall()
        return [self._review_from_row(row) for row in rows]

    def card_figures(self, card_ids: Iterable[str]) -> dict[str, CardFigures]:
        """Per card of `card_ids`: reviews, sum of ratings, recalled repeats, repeats (one row each)."""
        with _sqlite_errors(self.path, "read"), self._chosen(card_ids) as db:
            rows = db.execute(
                "SELECT card_id, reviews, rating_sum, recalled, first_recalled"
                " FROM temp.chosen JOIN card_total USING (card_id)"
            ).fetchall()
        return {
            card_id: CardFigures(int(n), int(total), int(recalled) - int(first), int(n) - 1)
            for card_id, n, total, recalled, first in rows
        }

    def reviews_between(
        self, card_ids: Iterable[str], spans: Sequence[tuple[datetime, datetime]]
    ) -> list[int]:
        """How many reviews of `card_ids` fell in each [start, end) span: one index range per span."""
        with _sqlite_errors(self.path, "read"), self._chosen(card_ids) as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS span (n INTEGER PRIMARY KEY, start TEXT, end TEXT)")
            db.execute("DELETE FROM temp.span")
            db.executemany(
                "INSERT INTO temp.span VALUES (?, ?, ?)",
                [(n, _to_text(start), _to_text(end)) for n, (start, end) in enumerate(spans)],
            )
            counts = dict(
                db.execute(
                    "SELECT span.n, COUNT(*) FROM temp.span JOIN review"
                    " ON review.reviewed_at >= span.start AND review.reviewed_at < span.end"
                    " WHERE review.card_id IN (SELECT card_id FROM temp.chosen) GROUP BY span.n"
                ).fetchall()
            )
        return [int(counts.get(n, 0)) for n in range(len(spans))]

    def due_before(self, card_ids: Iterable[str], end: datetime) -> dict[str, datetime]:
        """When each of `card_ids` falls due, for those due before `end`."""
        with _sqlite_errors(self.path, "read"), self._chosen(card_ids) as db:
            rows = db.execute(
                "SELECT card_id, due FROM memory JOIN temp.chosen USING (card_id) WHERE due < ?",
                (_to_text(end),),
            ).fetchall()
        return {card_id: datetime.fromisoformat(due) for card_id, due in rows}

    @contextmanager
    def _chosen(self, card_ids: Iterable[str]) -> Iterator[sqlite3.Connection]:
        """The connection with temp.chosen holding `card_ids`, for joins that read only those."""
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (card_id TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM temp.chosen")
        db.executemany("INSERT OR IGNORE INTO temp.chosen VALUES (?)", ((c,) for c in card_ids))
        try:
            yield db
        finally:
            db.execute("DELETE FROM temp.chosen")

    def new_cards_started_between(self, start: datetime, end: datetime) -> int:
        """How many cards had their first ever review in [start, end)."""
        with _sqlite_errors(self.path, "read"):
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM card_total WHERE first_at >= ? AND first_at < ?",
                (_to_text(start), _to_text(end)),
            ).fetchone()
        return int(count)

    # --- answers kept with reviews ------------------------------------------

    def answers(self, card_id: str) -> list[Review]:
        """Every review of `card_id`, oldest first, with the answer typed when one was kept."""
        with _sqlite_errors(self.path, "read"):
            rows = self._db.execute(
                "SELECT card_id, reviewed_at, rating, seconds, covered, total_points, mode, mistakes,"
                " answer, time_limit, examiner FROM review WHERE card_id = ? ORDER BY reviewed_at, id",
                (card_id,),
            ).fetchall()
        return [self._review_from_row(row) for row in rows]

    def last_answer(self, card_id: str) -> Review | None:
        """The latest review of `card_id` that kept a typed answer."""
        with _sqlite_errors(self.path, "read"):
            row = self._db.execute(
                "SELECT card_id, reviewed_at, rating, seconds, covered, total_points, mode, mistakes,"
                " answer, time_limit, examiner FROM review WHERE card_id = ? AND answer IS NOT NULL"
                " ORDER BY reviewed_at DESC, id DESC LIMIT 1",
                (card_id,),
            ).fetchone()
        return self._review_from_row(row) if row else None

    def forget_answers(self, card_id: str | None = None) -> int:
        """Delete the kept answer text and the examiner's record, which quotes it (of one card, or all).

        The reviews themselves stay. Returns how many reviews were cleared.
        """
        with _sqlite_errors(self.path, "written"), _write_transaction(self._db) as conn:
            if card_id is None:
                cursor = conn.execute(
                    "UPDATE review SET answer = NULL, examiner = NULL"
                    " WHERE answer IS NOT NULL OR examiner IS NOT NULL"
                )
            else:
                cursor = conn.execute(
                    "UPDATE review SET answer = NULL, examiner = NULL"
                    " WHERE card_id = ? AND (answer IS NOT NULL OR examiner IS NOT NULL)",
                    (card_id,),
                )
            return int(cursor.rowcount)

    # --- settings -------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with _sqlite_errors(self.path, "read"):
            row = self._db.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str | None) -> None:
        """Set a setting, or remove it when `value` is None."""
        with _sqlite_errors(self.path, "written"), _write_transaction(self._db) as conn:
            if value is None:
                conn.execute("DELETE FROM setting WHERE key = ?", (key,))
            else:
                conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, value))

    def _memory_from_row(self, card_id: str, fsrs_json: str) -> Memory:
        try:
            return scheduler.memory_from_json(card_id, fsrs_json)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{self.path}: the stored memory of card {card_id!r} is unreadable"
                f" ({_one_line(exc)}); {_LEFT_UNTOUCHED}"
            ) from exc

    def _review_from_row(self, row: tuple[Any, ...]) -> Review:
        card_id, reviewed_at, rating, seconds, covered, total_points, mode, mistakes, *kept = row
        answer, limit, examiner = kept
        try:
            return Review(
                card_id=card_id,
                reviewed_at=datetime.fromisoformat(reviewed_at),
                rating=Rating(int(rating)),
                seconds=float(seconds),
                covered=int(covered),
                total_points=int(total_points),
                mode=Mode(mode),
                mistakes=int(mistakes),
                answer=answer,
                time_limit=None if limit is None else float(limit),
                examiner=examiner,
            )
        except (ValueError, TypeError) as exc:
            raise StoreError(
                f"{self.path}: a stored review of card {card_id!r} is unreadable"
                f" ({_one_line(exc)}); {_LEFT_UNTOUCHED}"
            ) from exc


# --- opening ------------------------------------------------------------------

_LEFT_UNTOUCHED = "it was left untouched; to start afresh, move it aside (rename it) and run prep again"


def _open(path: Path) -> sqlite3.Connection:
    is_new = _check_file(path)
    if is_new:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder ({_one_line(exc)})") from exc
        if not os.access(path.parent, os.W_OK | os.X_OK):
            # Not corruption: nothing could be written there at all.
            raise StoreError(
                f"{path.parent}: the data folder cannot be written (permission denied);"
                " choose another with --data-dir or PREP_HOME"
            )
    with _sqlite_errors(path, "opened"):
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        with _sqlite_errors(path, "opened"):
            if not _as_left_checked(path):
                _check_integrity(conn, path)
            # Refuse a newer file before writing anything, even the journal mode.
            _refuse_newer(path, _user_version(conn))
            _use_wal(conn)
            # A rating is a deliberate act; one fsync per review is cheap at
            # human pace and keeps it through a power cut, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
            _migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out another process that holds the file.

    Changing the journal mode needs an exclusive lock and SQLite does not
    call the busy handler for it, so two sessions starting on a new file at
    once would see "database is locked" at once; retry for the busy timeout.
    """
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _check_file(path: Path) -> bool:
    """Whether `path` is new (missing or empty); raises if it cannot be ours.

    Reads the header ourselves so that a file which is not SQLite at all is
    never handed to SQLite, which might otherwise try to use it.
    """
    try:
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not a progress database; {_LEFT_UNTOUCHED}")
        if not path.exists() or path.stat().st_size == 0:
            return True
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            f"{path}: progress database cannot be read ({_one_line(exc)}); {_LEFT_UNTOUCHED}"
        ) from exc
    if header != _SQLITE_HEADER:
        raise StoreError(f"{path}: progress database is not a SQLite file (corrupt?); {_LEFT_UNTOUCHED}")
    return False


# Checking the whole file costs about 70 ms per 100,000 reviews on every
# start. It is needed only when the file may have changed outside prep: after
# prep closes it cleanly, the file's size, modification time and inode are
# written beside it, and a file found exactly so (and with no write-ahead log
# left by another session or a crash) was last written by a prep that checked
# it. Anything else, a copy, an edit, a crash, is checked in full.


def _checked_stamp(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _file_state(path: Path) -> str | None:
    try:
        if Path(f"{path}-wal").exists():
            return None
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ino}"


def _as_left_checked(path: Path, state: str | None = None) -> bool:
    state = state or _file_state(path)
    try:
        return state is not None and _checked_stamp(path).read_text(encoding="ascii") == state
    except (OSError, UnicodeDecodeError):
        return False


def _remember_checked_state(path: Path) -> None:
    state = _file_state(path)
    if state is None or _as_left_checked(path, state):
        return
    try:
        _checked_stamp(path).write_text(state, encoding="ascii")
    except OSError:
        pass  # the next start checks the file in full, as before


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
    if problems != ["ok"]:
        raise StoreError(
            f"{path}: progress database is corrupt ({_one_line(problems[0] if problems else '')});"
            f" {_LEFT_UNTOUCHED}"
        )


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _refuse_newer(path: Path, version: int) -> None:
    if version > schema_version():
        raise StoreError(
            f"{path}: progress database is version {version}; this prep understands"
            f" up to {schema_version()}; upgrade prep"
        )


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migrations, each in its own transaction."""
    while _user_version(conn) < schema_version():
        with _write_transaction(conn):
            # Read again under the lock: another process may have migrated
            # the file since the check above.
            version = _user_version(conn)
            _refuse_newer(path, version)
            if version == schema_version():
                break
            MIGRATIONS[version](conn)
            # user_version lives in the file header and commits with the rest.
            conn.execute(f"PRAGMA user_version = {version + 1}")


@contextmanager
def _write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # IMMEDIATE takes the write lock now, so two writers queue on the busy
    # timeout instead of one failing when it upgrades a read lock mid-way.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def _sqlite_errors(path: Path, doing: str) -> Iterator[None]:
    """Turn any SQLite failure into a one-line StoreError naming the file."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _store_error(path, doing, exc) from exc


def _store_error(path: Path, doing: str, exc: sqlite3.Error) -> StoreError:
    detail = _one_line(exc)
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreError(
            f"{path}: progress database is busy (another prep is using it) and could not be"
            f" {doing} ({detail}); try again"
        )
    if "disk is full" in lowered:
        return StoreError(f"{path}: progress database could not be {doing} ({detail}); free some disk space")
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return StoreError(
            f"{path}: progress database could not be {doing} ({detail}); check its permissions;"
            f" {_LEFT_UNTOUCHED}"
        )
    return StoreError(
        f"{path}: progress database could not be {doing} ({detail}), it may be corrupt; {_LEFT_UNTOUCHED}"
    )


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _to_text(moment: datetime) -> str:
    # One fixed width (always microseconds, always +00:00) so that comparing
    # the text in SQL orders the same way as comparing the times.
    return as_utc(moment).isoformat(timespec="microseconds")

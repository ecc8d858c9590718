"""The bank index: every card file parsed once, kept in SQLite, re-parsed only when it changes.

One row per card file (path, size, modification time, content hash, and the
parsed card as JSON), the names a card answers to, the problems found, and a
full-text (FTS5) table for search. It is a cache, in the user cache folder:

- nothing in it is executable (JSON, never pickle), and a snippet is never
  run from it: `fresh_snippet` reads the card file again;
- a stale, corrupt or foreign index (another prep version or schema, another
  owner, writable by others, not SQLite at all) is rebuilt, never trusted;
- a cache folder that cannot be written never blocks a command: the index is
  then built in memory for this command alone.

Bad cards do not stop the good ones: each file's problems are recorded with
it, and the cards that have none are usable.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3  # module level on purpose: only the commands that read the bank import this module
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from .cards import Card, Snippet, Tier, card_from_data, card_to_data
from .errors import CardError

# Bump when the tables or what a row holds change; an index of another
# schema or another prep version is rebuilt.
SCHEMA_VERSION = 5
# What a name is of its card, best first: a lookup prefers an id to an alias to a title.
_ID, _ALIAS, _TITLE = 0, 1, 2
# A row of `name` that no better row of the same name outranks: the card the name opens.
_BEST_HOLDER = (
    "NOT EXISTS (SELECT 1 FROM name AS better WHERE better.name = name.name"
    " AND (better.kind < name.kind OR (better.kind = name.kind AND better.ord < name.ord)))"
)
# Files parsed in one process before a first build is worth a pool.
_PARALLEL_FROM = 100
# New rows are written this many at a time while the rest are still being parsed.
_INSERT_BATCH = 256
# A file modified this close to the last scan may change again within the
# same mtime tick without its size changing: hash it again next time.
_RACY_NS = 2_000_000_000

# Joins a card's tags or aliases in one column: a control character, which
# validation keeps out of every card, so it never appears inside one.
_SEPARATOR = "\x1f"


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(_SEPARATOR)) if text else ()


def _decode(data: bytes) -> Any:
    import zlib

    return json.loads(zlib.decompress(data))


# How many problems get a "did you mean" (each compares with every id).
_SUGGESTIONS = 20

# Per-field weights for search: names first, then the question, tags, the answer.
SEARCH_COLUMNS = ("names", "title", "question", "tags", "answer")
SEARCH_WEIGHTS = (6.0, 6.0, 2.0, 1.5, 1.0)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE file (
    path TEXT PRIMARY KEY,
    folder INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    problems TEXT NOT NULL
);
CREATE TABLE card (
    rowid INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE REFERENCES file(path) ON DELETE CASCADE,
    ord TEXT NOT NULL,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    topic TEXT NOT NULL,
    tier INTEGER NOT NULL,
    tags TEXT NOT NULL,
    aliases TEXT NOT NULL,
    cross TEXT NOT NULL,
    vocabulary TEXT NOT NULL,
    -- The card as JSON, zlib-compressed: a third of the size, so a first
    -- build of 10,000 cards writes (and commits) a third as much.
    data BLOB NOT NULL,
    usable INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX card_id ON card(id);
-- Covers what a listing shows, in its order: the rows themselves hold whole
-- cards, a page or more each, and reading 10,000 of them for a list was
-- most of what prep list cost.
CREATE INDEX card_list ON card(usable, topic, tier, id, title, tags, aliases);
CREATE TABLE name (name TEXT NOT NULL, card_id TEXT NOT NULL, kind INTEGER NOT NULL, ord TEXT NOT NULL);
CREATE INDEX name_name ON name(name, kind, ord);
CREATE INDEX name_card ON name(card_id, kind);
CREATE TABLE cross_problem (path TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL);
"""
_FTS_SCHEMA = "CREATE VIRTUAL TABLE search USING fts5({}, tokenize = 'unicode61')".format(
    ", ".join(SEARCH_COLUMNS)
)


class NoFullTextSearch(Exception):
    """This Python's sqlite3 was built without FTS5."""


class ListedCard(NamedTuple):
    """A row of `prep list`: no more than it shows."""

    id: str
    title: str
    topic: str
    tier: Tier
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardSummary:
    """What lists, filters and plans need of a card, without loading it whole."""

    id: str
    title: str
    topic: str
    tier: Tier
    tags: tuple[str, ...]
    aliases: tuple[str, ...] = ()


def index_path(cache: Path, folders: Sequence[Path]) -> Path:
    import hashlib

    which = "\0".join(str(f.resolve()) for f in folders)
    return cache / f"bank-{hashlib.sha256(which.encode()).hexdigest()[:16]}.sqlite3"


def _version() -> str:
    from . import __version__

    return __version__


def has_fts5(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.probe USING fts5(x)")
        conn.execute("DROP TABLE temp.probe")
    except sqlite3.OperationalError:
        return False
    return True


# ---------------------------------------------------------------------------
# Opening: a trusted file, or a fresh one, or memory


def _open_file(path: Path, meta: dict[str, str]) -> sqlite3.Connection | None:
    """The index at `path` if it is ours and current; else a new empty one there; None if unwritable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if path.exists() or path.is_symlink():
        try:
            conn = _trusted(path, meta)
        except _Busy:
            # Another prep is building it: this command works from memory
            # rather than delete a file that is being written.
            return None
        if conn is not None:
            return conn
        try:
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
                if stale.exists() or stale.is_symlink():
                    stale.unlink()
        except OSError:
            return None
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        os.chmod(path, 0o600)
        _create(conn, meta)
    except (sqlite3.Error, OSError):
        return None
    return conn


def _trusted(path: Path, meta: dict[str, str]) -> sqlite3.Connection | None:
    import stat

    try:
        info = path.lstat()
    except OSError:
        return None
    # Only a regular file of ours that no one else may write is read at all.
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        stored = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if {key: stored.get(key) for key in meta} != meta:
            conn.close()
            return None
        conn.execute("PRAGMA foreign_keys = ON")
        _tune(conn)
        return conn
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise _Busy from None
        return None
    except sqlite3.Error:
        return None


class _Busy(Exception):
    """The index file is locked by a writer (a first build under way elsewhere)."""


def _tune(conn: sqlite3.Connection) -> None:
    # The index is a cache that can always be rebuilt: in WAL mode, NORMAL
    # keeps it consistent through a crash and skips an fsync per commit
    # (a power cut can lose the last update, which the next scan redoes).
    # A first build runs in rollback mode, where a power cut (not a crash of
    # prep: the build is one transaction) can damage the file.
    conn.execute("PRAGMA synchronous = NORMAL")


def _create(conn: sqlite3.Connection, meta: dict[str, str]) -> None:
    # Not WAL yet: the first build writes every page once, straight to the
    # file, where WAL would write it to the log and copy it again at the
    # checkpoint (a second or more at 10,000 cards). open_index turns WAL on
    # once the index is built, for readers alongside a later writer.
    _tune(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    if has_fts5(conn):
        conn.execute(_FTS_SCHEMA)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    conn.execute("COMMIT")


def _memory(meta: dict[str, str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    # executescript commits; in memory that is harmless.
    conn.executescript(_SCHEMA)
    conn.execute("PRAGMA foreign_keys = ON")
    if has_fts5(conn):
        conn.execute(_FTS_SCHEMA)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    return conn


def remove_old_pickles(data_dir: Path) -> None:
    """prep 0.1 cached the bank as pickles in the data folder: remove them, never read them."""
    old = data_dir / "cache"
    try:
        for stale in old.glob("bank-*.pickle"):
            stale.unlink()
        for temp in old.glob(".bank-*.tmp"):
            temp.unlink()
    except OSError:
        pass


# ---------------------------------------------------------------------------
# Parsing files (in a pool on a first build)


@dataclass(frozen=True)
class _ParsedFile:
    path: str
    folder: int
    size: int
    mtime_ns: int
    sha256: str
    problems: list[tuple[int, str]]
    card: dict[str, Any] | None
    search: tuple[str, ...] | None
    vocabulary: str
    # The card as the index stores it, filled in by `_index_row`:
    # (id, title, topic, tier rank, tags, aliases, cross JSON, card JSON).
    columns: tuple[Any, ...] | None = None


def _parse_file(job: tuple[str, int, int, int]) -> _ParsedFile:
    import hashlib

    from .bank import _build_card, _parse_yaml, read_card_file

    path_text, folder, size, mtime_ns = job
    path = Path(path_text)
    try:
        raw = read_card_file(path)
    except CardError as exc:
        return _ParsedFile(
            path_text, folder, size, mtime_ns, "", [(exc.line or 1, exc.message)], None, None, ""
        )
    except OSError as exc:
        return _ParsedFile(
            path_text, folder, size, mtime_ns, "", [(1, f"cannot read: {exc.strerror}")], None, None, ""
        )
    digest = hashlib.sha256(raw).hexdigest()
    try:
        parsed = _parse_yaml(path, raw)
    except CardError as exc:
        return _ParsedFile(
            path_text, folder, size, mtime_ns, digest, [(exc.line or 1, exc.message)], None, None, ""
        )
    card, errors = _build_card(path, parsed)
    problems = [(e.line or 1, e.message) for e in errors]
    if card is None:
        return _ParsedFile(path_text, folder, size, mtime_ns, digest, problems, None, None, "")
    return _ParsedFile(
        path_text,
        folder,
        size,
        mtime_ns,
        digest,
        problems,
        card_to_data(card),
        _search_fields(card),
        _vocabulary(card),
    )


def _search_fields(card: Card) -> tuple[str, ...]:
    from .search import terms

    names = " ".join([card.id.replace("-", " "), *card.aliases])
    return tuple(
        " ".join(terms(text))
        for text in (names, card.title, card.question, " ".join(card.tags), card.short_answer)
    )


def _vocabulary(card: Card) -> str:
    from .grading import _card_text
    from .text import plain_words

    return " ".join(sorted(set(plain_words(_card_text(card)))))


def _index_row(job: tuple[str, int, int, int]) -> _ParsedFile:
    """A parsed file with its card as the index's columns, and without the card itself.

    Encoding in the worker rather than the main process keeps a first build
    parallel: JSON encoding was a fifth of the main process's work, and a
    string crosses from a pool process far more cheaply than nested dicts.
    """
    import zlib

    from .bank import normalise_name

    parsed = _parse_file(job)
    data = parsed.card
    columns = None
    if data is not None:
        lines = data["lines"]
        # Names come normalised from here, so the cross-card check after a
        # first build (run once the pool is done, on one core) does not.
        cross = {
            "id_line": lines.get("id", 1),
            "id_name": normalise_name(data["id"]),
            "aliases": [
                [alias, lines.get(f"aliases[{i}]", lines.get("aliases", 1)), normalise_name(alias)]
                for i, alias in enumerate(data["aliases"])
            ],
            "links": [
                [f"follow_ups[{i}]", card_id, lines.get(f"follow_ups[{i}]", 1)]
                for i, (_, card_id) in enumerate(data["follow_ups"])
                if card_id
            ]
            + [
                ["related", card_id, lines.get(f"related[{i}]", lines.get("related", 1))]
                for i, card_id in enumerate(data["related"])
            ],
        }
        columns = (
            data["id"],
            data["title"],
            data["topic"],
            Tier(data["tier"]).rank,
            _SEPARATOR.join(data["tags"]),
            _SEPARATOR.join(data["aliases"]),
            json.dumps(cross),
            zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 1),
        )
    return replace(parsed, card=None, columns=columns)


def _parse_all(jobs: list[tuple[str, int, int, int]]) -> Iterator[_ParsedFile]:
    """Each job's row, in order, as soon as it is parsed (in a pool of processes when there are many)."""
    cores = os.cpu_count() or 1
    if len(jobs) < _PARALLEL_FROM or cores < 2:
        yield from (_index_row(job) for job in jobs)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        yield from (_index_row(job) for job in jobs)
        return
    import gc

    chunk = max(1, len(jobs) // (cores * 32))
    # Frozen, what this process holds is never scanned by a collector: not by
    # a forked worker's, which would copy every page it touched, nor by this
    # process's own while 10,000 results pass through. Two builds each of
    # 10,000 cards took 44.6-44.9 s to parse frozen, 47.5-51.9 s not.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
            yield from pool.map(_index_row, jobs, chunksize=chunk)
    finally:
        gc.unfreeze()


# ---------------------------------------------------------------------------
# The index


class BankIndex:
    """An up-to-date index of the card files under `folders`."""

    def __init__(self, conn: sqlite3.Connection, folders: Sequence[Path], on_disk: bool):
        self.conn = conn
        self.folders = list(folders)
        self.on_disk = on_disk
        self.files_read = 0
        self.has_search = bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search'").fetchone())
        self._scan_problems: list[CardError] = []

    # -- keeping it current --------------------------------------------------

    def refresh(self) -> None:
        """Re-parse the files that changed, drop the ones removed, then re-check across cards."""
        import time

        found, self._scan_problems = _card_files(self.folders)
        known = {
            row[0]: row[1:]
            for row in self.conn.execute("SELECT path, size, mtime_ns, sha256, folder FROM file")
        }
        checked_ns = int(
            self.conn.execute(
                "SELECT COALESCE((SELECT value FROM meta WHERE key = 'checked_ns'), '0')"
            ).fetchone()[0]
        )
        jobs = []
        new_paths = set()
        for path, folder, size, mtime_ns in found:
            old = known.pop(path, None)
            if old is None:
                new_paths.add(path)
            racy = mtime_ns >= checked_ns - _RACY_NS
            if old is None or old[0] != size or old[1] != mtime_ns or old[3] != folder or racy:
                jobs.append((path, folder, size, mtime_ns))
        scan_started = time.time_ns()
        if not jobs and not known:
            return
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            # New files have nothing to replace: inserted in batches as the
            # parse pool hands them back, so on a first build (10,000 of them)
            # this process's share of the work overlaps the parsing. They are
            # checked across cards below.
            parsed: list[_ParsedFile] = []
            fresh: list[_ParsedFile] = []
            self.files_read = 0
            for item in _parse_all(jobs):
                self.files_read += 1
                if item.path not in new_paths:
                    parsed.append(item)
                    continue
                fresh.append(item)
                if len(fresh) >= _INSERT_BATCH:
                    self._insert_all(fresh)
                    fresh = []
            if fresh:
                self._insert_all(fresh)
            unchanged = {
                p.path
                for p in parsed
                if p.sha256
                and (
                    row := conn.execute(
                        "SELECT sha256, folder FROM file WHERE path = ?", (p.path,)
                    ).fetchone()
                )
                and row == (p.sha256, p.folder)
                and not p.problems
                and conn.execute("SELECT 1 FROM card WHERE path = ?", (p.path,)).fetchone()
            }
            for gone in known:
                self._delete(gone)
            needs_cross_check = bool(known) or bool(new_paths)
            for item in parsed:
                if item.path in unchanged:
                    conn.execute(
                        "UPDATE file SET size = ?, mtime_ns = ? WHERE path = ?",
                        (item.size, item.mtime_ns, item.path),
                    )
                    continue
                before = conn.execute(
                    "SELECT id, cross, usable, title FROM card WHERE path = ?", (item.path,)
                ).fetchone()
                self._delete(item.path)
                self._insert(item)
                after = conn.execute(
                    "SELECT rowid, id, cross, title, ord FROM card WHERE path = ?", (item.path,)
                ).fetchone()
                if before and after and before[2] and not item.problems and before[:2] == after[1:3]:
                    # The card's id, aliases and links are as they were, so no
                    # problem across cards can have changed, and checking
                    # 10,000 cards again would be waste. A new title only
                    # changes the one name it answers to. (The row was
                    # inserted usable: it has no problems of its own.)
                    if before[3] != after[3]:
                        self._rename(after[1], after[3], after[4])
                else:
                    needs_cross_check = True
            if needs_cross_check:
                self._cross_check()
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('checked_ns', ?)", (str(scan_started),))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _rename(self, card_id: str, title: str, ord: str) -> None:
        from .bank import normalise_name

        self.conn.execute("DELETE FROM name WHERE card_id = ? AND kind = ?", (card_id, _TITLE))
        self.conn.execute(
            "INSERT INTO name VALUES (?, ?, ?, ?)", (normalise_name(title), card_id, _TITLE, ord)
        )

    def _delete(self, path: str) -> None:
        row = self.conn.execute("SELECT rowid FROM card WHERE path = ?", (path,)).fetchone()
        if row and self.has_search:
            self.conn.execute("DELETE FROM search WHERE rowid = ?", row)
        self.conn.execute("DELETE FROM card WHERE path = ?", (path,))
        self.conn.execute("DELETE FROM file WHERE path = ?", (path,))

    def _insert(self, item: _ParsedFile) -> None:
        self._insert_all([item])

    def _insert_all(self, items: Sequence[_ParsedFile]) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO file VALUES (?, ?, ?, ?, ?, ?)",
            [
                (item.path, item.folder, item.size, item.mtime_ns, item.sha256, json.dumps(item.problems))
                for item in items
            ],
        )
        # Row ids given here, so each card's search row can share it without
        # a round trip per card.
        first = int(conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM card").fetchone()[0])
        with_cards = [item for item in items if item.columns is not None]
        # A card with no problems of its own is usable unless the check across
        # cards finds one, which then writes only the few rows it turns off.
        conn.executemany(
            "INSERT INTO card (rowid, path, ord, id, title, topic, tier, tags, aliases, cross, vocabulary,"
            " data, usable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    rowid,
                    item.path,
                    f"{item.folder:05d}\0{item.path}",
                    *item.columns[:7],
                    item.vocabulary,
                    item.columns[7],
                    int(not item.problems),
                )
                for rowid, item in enumerate(with_cards, first)
                if item.columns is not None
            ],
        )
        if self.has_search:
            conn.executemany(
                f"INSERT INTO search (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (rowid, *item.search)
                    for rowid, item in enumerate(with_cards, first)
                    if item.search is not None
                ],
            )

    def _cross_check(self) -> None:
        """Duplicate ids, clashing aliases and broken links, over every parsed card."""
        from .bank import _did_you_mean, normalise_name

        conn = self.conn
        rows = conn.execute(
            "SELECT card.rowid, card.path, card.id, card.usable, card.title, card.cross, file.problems, card.ord"
            " FROM card JOIN file USING (path) ORDER BY card.ord"
        ).fetchall()
        # A title is not in `cross`, so a new title stays a one-row change (see refresh).
        titles = {rowid: title for rowid, _, _, _, title, *_ in rows}
        problems: list[tuple[str, int, str]] = []
        bad: set[int] = {rowid for rowid, *_, own, _ in rows if own != "[]"}
        first: dict[str, tuple[int, str, int]] = {}
        crosses = {rowid: json.loads(cross) for rowid, *_, cross, _, _ in rows}
        ords = {rowid: ord for rowid, *_, ord in rows}
        for rowid, path, card_id, *_ in rows:
            line = crosses[rowid]["id_line"]
            if card_id in first:
                _, other_path, other_line = first[card_id]
                problems.append((path, line, f"duplicate id {card_id!r}: also {other_path}:{other_line}"))
                bad.add(rowid)
            else:
                first[card_id] = (rowid, path, line)
        ids = set(first)
        owner: dict[str, tuple[str, str, str, int, int]] = {}  # name -> (card id, kind, path, line, rowid)
        for card_id, (rowid, path, line) in first.items():
            owner[crosses[rowid]["id_name"]] = (card_id, "id", path, line, rowid)
        for card_id, (rowid, path, _) in first.items():
            for alias, line, name in crosses[rowid]["aliases"]:
                holder = owner.get(name)
                if holder and holder[0] != card_id:
                    what = "the id" if holder[1] == "id" else "an alias"
                    problems.append(
                        (
                            path,
                            line,
                            f"alias {alias!r} is already {what} of card {holder[0]!r} ({holder[2]}:{holder[3]})",
                        )
                    )
                    bad.add(rowid)
                    continue
                owner.setdefault(name, (card_id, "alias", path, line, rowid))
            for where, target, line in crosses[rowid]["links"]:
                if target not in ids:
                    what = f"{where} links to" if where != "related" else "related links to"
                    # Reported, but the card stays usable: the link is what is
                    # broken (often by another card's own problem), not the card.
                    # A suggestion scans every id: offer it for the first few only,
                    # or a bank with hundreds of broken links takes minutes.
                    hint = _did_you_mean(target, ids) if len(problems) < _SUGGESTIONS else ""
                    problems.append((path, line, f"{what} unknown card {target!r}{hint}"))
        usable = {card_id: rowid for card_id, (rowid, *_) in first.items() if rowid not in bad}
        # Only the rows whose state changes are written: a row holds a whole
        # card, and rewriting 10,000 of them took longer than checking them.
        now_usable = set(usable.values())
        conn.executemany(
            "UPDATE card SET usable = ? WHERE rowid = ?",
            [
                (int(rowid in now_usable), rowid)
                for rowid, _, _, was, *_ in rows
                if bool(was) != (rowid in now_usable)
            ],
        )
        conn.execute("DELETE FROM name")
        # Ids and aliases: one holder each (a clash is a problem above). Titles:
        # every usable card's, as a lookup ranks id, then alias, then the
        # first title in bank order; so a new title is one row to replace.
        kinds = {"id": _ID, "alias": _ALIAS}
        conn.executemany(
            "INSERT INTO name VALUES (?, ?, ?, ?)",
            [
                (name, held[0], kinds[held[1]], ords[held[4]])
                for name, held in owner.items()
                if held[0] in usable
            ]
            + [
                (normalise_name(titles[rowid]), card_id, _TITLE, ords[rowid])
                for card_id, rowid in usable.items()
            ],
        )
        conn.execute("DELETE FROM cross_problem")
        conn.executemany("INSERT INTO cross_problem VALUES (?, ?, ?)", problems)

    # -- reading ---------------------------------------------------------------

    def problems(self) -> list[CardError]:
        found = list(self._scan_problems)
        for path, problems in self.conn.execute("SELECT path, problems FROM file WHERE problems != '[]'"):
            found.extend(CardError(Path(path), line, message) for line, message in json.loads(problems))
        for path, line, message in self.conn.execute("SELECT path, line, message FROM cross_problem"):
            found.append(CardError(Path(path), line, message))
        return sorted(found, key=lambda e: (str(e.path), e.line or 0))

    def summaries(self) -> dict[str, CardSummary]:
        tiers = list(Tier)
        tier_by_rank = {tier.rank: tier for tier in tiers}
        # "usable = 1", not "usable": only an equality lets SQLite read the
        # covering index in order instead of sorting.
        return {
            card_id: CardSummary(card_id, title, topic, tier_by_rank[tier], _split(tags), _split(aliases))
            for card_id, title, topic, tier, tags, aliases in self.conn.execute(
                "SELECT id, title, topic, tier, tags, aliases FROM card WHERE usable = 1 ORDER BY topic, tier, id"
            )
        }

    def card(self, card_id: str) -> Card | None:
        row = self.conn.execute("SELECT path, data FROM card WHERE id = ? AND usable", (card_id,)).fetchone()
        return card_from_data(_decode(row[1]), Path(row[0])) if row else None

    def cards(self, ids: Iterable[str]) -> dict[str, Card]:
        wanted = list(ids)
        found: dict[str, Card] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for path, data in self.conn.execute(
                f"SELECT path, data FROM card WHERE usable AND id IN ({marks})", chunk
            ):
                card = card_from_data(_decode(data), Path(path))
                found[card.id] = card
        return {card_id: found[card_id] for card_id in wanted if card_id in found}

    def name(self, normalised: str) -> str | None:
        row = self.conn.execute(
            "SELECT card_id FROM name WHERE name = ? ORDER BY kind, ord LIMIT 1", (normalised,)
        ).fetchone()
        return str(row[0]) if row else None

    def names(self) -> dict[str, str]:
        # Best holder last, so it is the one the dict keeps: id, then alias, then first title.
        return dict(self.conn.execute("SELECT name, card_id FROM name ORDER BY kind DESC, ord DESC"))

    # Lookups by words, initials and typos (search.find_card) and shell
    # completion ask SQLite for the few names that can fit, so a bank of
    # 10,000 cards never loads its 100,000 names into Python for one lookup.

    def names_matching(self, patterns: Sequence[str]) -> list[tuple[str, str]]:
        """(name, card id) of each name that matches any of the GLOB `patterns`.

        Names are normalised (lowercase), so GLOB's case-sensitivity is right.
        """
        if not patterns:
            return []
        where = " OR ".join(["name GLOB ?"] * len(patterns))
        rows = self.conn.execute(
            f"SELECT name, card_id FROM name WHERE ({where}) AND {_BEST_HOLDER}", tuple(patterns)
        )
        return [(str(name), str(card_id)) for name, card_id in rows]

    def names_sized(self, shortest: int, longest: int) -> list[tuple[str, str]]:
        """(name, card id) of each name from `shortest` to `longest` characters long."""
        rows = self.conn.execute(
            f"SELECT name, card_id FROM name WHERE length(name) BETWEEN ? AND ? AND {_BEST_HOLDER}",
            (shortest, longest),
        )
        return [(str(name), str(card_id)) for name, card_id in rows]

    def ids_starting(self, prefix: str) -> list[tuple[str, str]]:
        """(id, title) of each usable card whose id starts with `prefix`, in id order."""
        rows = self.conn.execute(
            "SELECT id, title FROM card WHERE usable AND substr(id, 1, ?) = ? ORDER BY id",
            (len(prefix), prefix),
        )
        return [(str(card_id), str(title)) for card_id, title in rows]

    def topics(self) -> list[str]:
        """The topics of the usable cards, each once, sorted."""
        rows = self.conn.execute("SELECT DISTINCT topic FROM card WHERE usable = 1 ORDER BY topic")
        return [str(topic) for (topic,) in rows]

    def listing(self) -> list[ListedCard]:
        """Every usable card as `prep list` shows it, in its order, read from the covering index alone.

        Summaries carry tags and aliases too; at 10,000 cards, splitting and
        wrapping those was a fifth of a piped `prep list`.
        """
        tier_by_rank = {tier.rank: tier for tier in Tier}
        return [
            ListedCard(card_id, title, topic, tier_by_rank[tier])
            for card_id, title, topic, tier in self.conn.execute(
                "SELECT id, title, topic, tier FROM card WHERE usable = 1 ORDER BY topic, tier, id"
            )
        ]

    def file_hashes(self) -> dict[str, str]:
        """Each indexed card file's path and the SHA-256 of the content it was parsed from."""
        return {path: sha for path, sha in self.conn.execute("SELECT path, sha256 FROM file")}

    def vocabulary(self) -> frozenset[str]:
        words: set[str] = set()
        for (text,) in self.conn.execute("SELECT vocabulary FROM card WHERE usable"):
            words.update(text.split())
        return frozenset(words)

    def search(self, query_terms: Sequence[str], limit: int) -> list[tuple[str, float]]:
        """Card ids and scores (higher is better) for pre-normalised terms, best first."""
        if not self.has_search:
            raise NoFullTextSearch
        if not query_terms:
            return []
        # Every term is quoted, so nothing the user typed is FTS syntax. Each
        # pair of neighbouring terms is also asked for as a phrase, so a card
        # that says "validation loss" beats one that says both words apart.
        quoted = ['"{}"'.format(t.replace('"', '""')) for t in query_terms]
        pairs = [f'"{a[1:-1]} {b[1:-1]}"' for a, b in itertools.pairwise(quoted)]
        match = " OR ".join(dict.fromkeys(quoted + pairs))
        weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
        rows = self.conn.execute(
            f"SELECT card.id, -bm25(search, {weights}) AS score FROM search"
            " JOIN card ON card.rowid = search.rowid"
            " WHERE search MATCH ? AND card.usable ORDER BY score DESC, card.id LIMIT ?",
            (match, limit),
        ).fetchall()
        return [(str(card_id), float(score)) for card_id, score in rows]

    def close(self) -> None:
        self.conn.close()


def _card_files(folders: Sequence[Path]) -> tuple[list[tuple[str, int, int, int]], list[CardError]]:
    """Every card file (path, folder number, size, mtime) and the problems of where they sit.

    os.scandir and plain strings: with 10,000 cards, sorting Path objects
    alone took longer than reading the index.
    """
    found: list[tuple[str, int, int, int]] = []
    problems: list[CardError] = []
    for number, folder in enumerate(folders):
        base = str(folder)
        try:
            entries = sorted(os.scandir(base), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_file() and entry.name.endswith(".yaml") and entry.name != "tracks.yaml":
                problems.append(
                    CardError(Path(entry.path), 1, "not loaded: cards live at <bank>/<topic>/<id>.yaml")
                )
                continue
            if not entry.is_dir():
                continue
            try:
                files = sorted(os.scandir(entry.path), key=lambda e: e.name)
            except OSError:
                # glob would skip a folder it cannot read without a word; say so instead.
                problems.append(
                    CardError(
                        Path(entry.path),
                        1,
                        "cannot read this folder (permission denied); its cards are not loaded",
                    )
                )
                continue
            for file in files:
                if file.name.startswith("."):
                    continue
                if file.name.endswith(".yml"):
                    problems.append(
                        CardError(Path(file.path), 1, "not loaded: cards live at <bank>/<topic>/<id>.yaml")
                    )
                    continue
                if not file.name.endswith(".yaml"):
                    continue
                try:
                    info = file.stat()
                except OSError as exc:
                    problems.append(CardError(Path(file.path), 1, f"cannot read: {exc.strerror}"))
                    continue
                found.append((file.path, number, info.st_size, info.st_mtime_ns))
    return found, problems


def open_index(folders: Sequence[Path], cache: Path | None) -> BankIndex:
    """The index of `folders`, brought up to date: in `cache` when it can be written, else in memory."""
    meta = {
        "schema": str(SCHEMA_VERSION),
        "prep": _version(),
        "folders": json.dumps([str(f.resolve()) for f in folders]),
    }
    conn = _open_file(index_path(cache, folders), meta) if cache is not None else None
    index = BankIndex(conn or _memory(meta), folders, on_disk=conn is not None)
    try:
        index.refresh()
        if conn is not None and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error:
        if not index.on_disk:
            raise
        # A file that broke while we read it (disk full, another writer
        # gone wrong): this command works from memory.
        index.close()
        index = BankIndex(_memory(meta), folders, on_disk=False)
        index.refresh()
    return index


def fresh_snippet(card: Card) -> Snippet | None:
    """The card's snippet as its file says now: code is never taken from the index."""
    from .bank import _build_card, _parse_yaml, read_card_file

    if card.path is None:
        return card.snippet
    try:
        fresh, _ = _build_card(card.path, _parse_yaml(card.path, read_card_file(card.path)))
    except (CardError, OSError):
        return None
    return fresh.snippet if fresh is not None and fresh.id == card.id else None

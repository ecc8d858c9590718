"""The bank index: a cache that is re-parsed only where files change, and never trusted blindly."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import zlib

import pytest

from interview_prep.bank import Bank, open_bank
from interview_prep.index import SCHEMA_VERSION, fresh_snippet, index_path, open_index

from .conftest import GOOD_BANK


@pytest.fixture
def bank_copy(tmp_path):
    folder = tmp_path / "bank"
    shutil.copytree(GOOD_BANK, folder)
    # Files just written are hashed again on every scan (their time may not
    # have ticked yet); these tests want files the index may trust by time.
    for path in folder.glob("*/*.yaml"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    return folder


def _touch_later(path, text):
    path.write_text(text)
    later = time.time_ns() + 5_000_000_000
    os.utime(path, ns=(later, later))


def test_a_warm_index_parses_nothing_and_an_edit_reparses_one_file(tmp_path, bank_copy):
    cache = tmp_path / "cache"
    first = open_index([bank_copy], cache)
    assert first.on_disk and first.files_read == len(list(bank_copy.glob("*/*.yaml")))
    first.close()

    # Old enough files are trusted by size and time: nothing is read again.
    assert open_index([bank_copy], cache).files_read == 0

    card = bank_copy / "toy" / "toy-mean.yaml"
    _touch_later(card, card.read_text().replace("The mean as a best guess", "The mean, edited"))
    again = open_index([bank_copy], cache)
    assert again.files_read == 1
    assert again.card("toy-mean").title == "The mean, edited"


def test_a_removed_card_leaves_the_index(tmp_path, bank_copy):
    cache = tmp_path / "cache"
    bank = open_bank([bank_copy], cache=cache)
    assert "toy-theory" in bank.cards
    (bank_copy / "toy" / "toy-theory.yaml").unlink()
    bank = open_bank([bank_copy], cache=cache)
    assert "toy-theory" not in bank.cards


def test_a_bad_card_is_skipped_and_the_good_ones_still_load(tmp_path, bank_copy):
    broken = bank_copy / "toy" / "toy-mean.yaml"
    broken.write_text(broken.read_text().replace("tier: core", "tier: basic"))
    bank = open_bank([bank_copy], cache=tmp_path / "cache")
    assert "toy-mean" not in bank.cards
    assert "toy-median" in bank.cards
    mine = [p for p in bank.problems if str(bank_copy) in str(p.path)]
    assert str(mine[0].path) == str(broken) and "tier 'basic'" in mine[0].message
    # Cards that link to it keep working; their links are reported, not them skipped.
    assert all("links to unknown card 'toy-mean'" in p.message for p in mine[1:])
    assert "3 card files have problems (a card that cannot load is skipped), first " in (
        bank.skipped_note() or ""
    )


def test_a_planted_pickle_is_never_loaded_and_old_pickles_are_removed(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from interview_prep.cli import app

    home = tmp_path / "home"
    old = home / "cache"
    old.mkdir(parents=True)
    marker = tmp_path / "pwned"
    import pickle

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    planted = old / "bank-0123456789abcdef.pickle"
    planted.write_bytes(pickle.dumps(Exploit()))
    monkeypatch.setenv("PREP_HOME", str(home))
    result = CliRunner().invoke(app, ["explain", "mse", "--no-run"])
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert not planted.exists()


def test_a_tampered_index_cannot_run_code(tmp_path, bank_copy):
    cache = tmp_path / "cache"
    open_index([bank_copy], cache).close()
    path = index_path(cache, [bank_copy])
    conn = sqlite3.connect(path)
    (stored,) = conn.execute("SELECT data FROM card WHERE id = 'toy-mean'").fetchone()
    data = zlib.decompress(stored).decode()
    forged = data.replace("print(", "import os; os.system('touch /tmp/pwned'); print(", 1)
    assert forged != data
    conn.execute("UPDATE card SET data = ? WHERE id = 'toy-mean'", (zlib.compress(forged.encode()),))
    conn.commit()
    conn.close()
    card = Bank(open_index([bank_copy], cache)).cards["toy-mean"]
    assert "os.system" in card.snippet.code  # what the index claims
    fresh = fresh_snippet(card)
    assert fresh is not None and "os.system" not in fresh.code  # what runs: the file's own


def test_a_corrupt_or_foreign_index_is_rebuilt(tmp_path, bank_copy):
    cache = tmp_path / "cache"
    cache.mkdir()
    path = index_path(cache, [bank_copy])
    path.write_bytes(b"this is not a database" * 100)
    index = open_index([bank_copy], cache)
    assert index.on_disk and index.card("toy-mean") is not None
    index.close()

    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
    conn.commit()
    conn.close()
    index = open_index([bank_copy], cache)
    assert index.files_read > 0  # rebuilt, not trusted
    index.close()

    os.chmod(path, 0o666)  # writable by anyone: not ours to trust
    index = open_index([bank_copy], cache)
    assert index.files_read > 0
    assert os.stat(path).st_mode & 0o077 == 0


def test_an_unwritable_cache_never_blocks_a_lookup(tmp_path, bank_copy):
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder should be")
    bank = open_bank([bank_copy], cache=cache / "sub")
    assert not bank.index.on_disk
    assert bank.cards["toy-mean"].title


def test_search_treats_query_syntax_as_plain_text(tmp_path):
    from interview_prep.search import search

    bank = open_bank([], cache=tmp_path / "cache")
    for query in ['"mse', "mse AND NOT mae", "mse*", "NEAR(mse mae)", "loss: -mse", "(", "'", "^", "col:mse"]:
        search(bank, query)  # no FTS syntax error reaches the user
    assert search(bank, 'why "mean squared error" for regression?')[0].card.id == "mse"


def test_editing_a_cards_text_keeps_it_usable_without_a_cross_check(tmp_path, bank_copy, monkeypatch):
    from interview_prep.index import BankIndex

    cache = tmp_path / "cache"
    open_index([bank_copy], cache).close()
    checks = []
    original = BankIndex._cross_check
    monkeypatch.setattr(BankIndex, "_cross_check", lambda self: checks.append(1) or original(self))

    card = bank_copy / "toy" / "toy-mean.yaml"
    _touch_later(card, card.read_text().replace("Which single number", "Which one number"))
    index = open_index([bank_copy], cache)
    assert checks == []  # only text changed
    assert index.card("toy-mean").question.startswith("Which one number")
    assert Bank(index).named("toy-mean") is not None

    _touch_later(card, card.read_text().replace("id: toy-mean", "id: toy-average"))
    open_index([bank_copy], cache)
    assert checks == [1]  # the id changed: names and links are checked again


def test_a_new_title_renames_the_card_without_a_cross_check(tmp_path, bank_copy, monkeypatch):
    from interview_prep.bank import normalise_name
    from interview_prep.index import BankIndex

    cache = tmp_path / "cache"
    before = open_index([bank_copy], cache)
    names_before = before.names()
    before.close()
    checks = []
    original = BankIndex._cross_check
    monkeypatch.setattr(BankIndex, "_cross_check", lambda self: checks.append(1) or original(self))

    card = bank_copy / "toy" / "toy-mean.yaml"
    _touch_later(card, card.read_text().replace("The mean as a best guess", "Averages under squared loss"))
    index = open_index([bank_copy], cache)
    assert checks == []
    assert index.name(normalise_name("Averages under squared loss")) == "toy-mean"
    assert index.name(normalise_name("The mean as a best guess")) is None
    # Every other name is as it was, and the result is what a full check gives.
    incremental = index.names()
    assert {k: v for k, v in incremental.items() if v != "toy-mean"} == {
        k: v for k, v in names_before.items() if v != "toy-mean"
    }
    index._cross_check()
    assert index.names() == incremental


def test_name_queries_give_each_name_to_its_best_holder_only(tmp_path, bank_copy):
    # A title that reads like another card's id still opens that card, never both.
    card = bank_copy / "toy" / "toy-median.yaml"
    _touch_later(card, card.read_text().replace("The median as a robust guess", "Toy mean"))
    index = open_index([bank_copy], tmp_path / "cache")
    best = index.names()
    assert best["toy mean"] == "toy-mean"  # the id outranks the other card's title
    assert sorted(index.names_matching(["*"])) == sorted(best.items())
    assert sorted(index.names_sized(0, 1000)) == sorted(best.items())


def test_the_listing_is_the_summaries_in_the_same_order_and_filters_alike():
    # prep list reads the covering index alone; it must show what the
    # summaries would, in their order, and check topic names the same way.
    from interview_prep.bank import bank_dirs, load_bank
    from interview_prep.errors import LookupFailed

    bank = load_bank(bank_dirs())
    summaries = bank.choose_summaries(allow_none=True)
    listing = bank.choose_listing()
    assert [(c.id, c.title, c.topic, c.tier) for c in listing] == [
        (c.id, c.title, c.topic, c.tier) for c in summaries
    ]
    some = bank.choose_listing(["loss", "sql"], ["deep"])
    assert [c.id for c in some] == [c.id for c in bank.choose_summaries(["loss", "sql"], ["deep"])]
    assert some and all(c.topic in ("loss", "sql") and c.tier.value == "deep" for c in some)
    with pytest.raises(LookupFailed, match="no topic 'los'"):
        bank.choose_listing(["los"])


def test_a_built_index_is_left_in_wal_mode_for_readers_beside_a_writer(tmp_path, bank_copy):
    cache = tmp_path / "cache"
    open_index([bank_copy], cache).close()
    conn = sqlite3.connect(index_path(cache, [bank_copy]))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_an_index_locked_by_another_writer_is_not_deleted_and_the_command_works_from_memory(
    tmp_path, bank_copy
):
    cache = tmp_path / "cache"
    open_index([bank_copy], cache).close()
    path = index_path(cache, [bank_copy])
    # What a first build elsewhere looks like: a writer holding the file.
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = DELETE")
    writer.execute("BEGIN EXCLUSIVE")
    try:
        index = open_index([bank_copy], cache)
        assert not index.on_disk
        assert index.card("toy-mean") is not None
        index.close()
        assert path.exists()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert open_index([bank_copy], cache).on_disk

"""`prep export anki`: a deck Anki can import, read back here as Anki would (a zip holding an
SQLite collection), whose notes keep their GUID when a card is edited."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import genanki
import pytest

from .conftest import GOOD_BANK

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SHIPPED_BANK = Path(__file__).resolve().parent.parent / "question_bank"

HOSTILE_CARD = """\
id: toy-html
title: Markup in a card
topic: toy
tier: deep
question: Is <b>this</b> bold & is <script>alert(1)</script> run?
short_answer: Neither; a < b and b > a are shown as typed.
key_points:
  - point: Text like <i>this</i> is shown, not rendered.
    keywords: [shown]
common_mistakes:
  - mistake: Trusting <img src=x onerror=alert(1)> to stay inert.
    correction: Escape it & show it.
snippet:
  code: |
    print("<b>&</b>")
  output: |
    <b>&</b>
"""


@dataclass
class Note:
    guid: str
    model_id: int
    modified: int
    tags: list[str]
    fields: dict[str, str]


@dataclass
class Deck:
    notes: dict[str, Note]  # by the Id field
    deck_names: list[str]
    model_names: list[str]


def read_deck(path: Path, work: Path) -> Deck:
    """The notes of an .apkg, field names taken from the note type stored in it, as Anki reads them."""
    with zipfile.ZipFile(path) as package:
        collection = work / f"{path.stem}.anki2"
        collection.write_bytes(package.read("collection.anki2"))
    conn = sqlite3.connect(collection)
    try:
        models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
        models = json.loads(models_json)
        decks = json.loads(decks_json)
        notes = {}
        for guid, mid, mod, tags, flds in conn.execute("SELECT guid, mid, mod, tags, flds FROM notes"):
            names = [f["name"] for f in models[str(mid)]["flds"]]
            fields = dict(zip(names, flds.split("\x1f"), strict=True))
            notes[fields["Id"]] = Note(guid, mid, mod, tags.split(), fields)
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        assert cards == len(notes), "one Anki card per note"
    finally:
        conn.close()
    return Deck(notes, sorted(d["name"] for d in decks.values()), sorted(m["name"] for m in models.values()))


@pytest.fixture
def pinned_now(monkeypatch):
    monkeypatch.setattr("interview_prep.cli.now", lambda: NOW)


@pytest.fixture
def own_bank(tmp_path, monkeypatch) -> Path:
    """A copy of the toy bank that a test may edit, loaded alone (indexing the shipped bank takes seconds)."""
    empty = tmp_path / "empty-bank"
    empty.mkdir()
    monkeypatch.setattr("interview_prep.bank.packaged_bank_dir", lambda: empty)
    bank = tmp_path / "own-bank"
    shutil.copytree(GOOD_BANK, bank)
    return bank


def test_export_writes_one_note_per_card_with_its_fields_and_tags(cli, tmp_path, pinned_now):
    from interview_prep.anki import DECK_ID, MODEL_ID

    out = tmp_path / "loss.apkg"
    result = cli("export", "anki", "--topic", "loss", "-o", str(out))
    assert result.exit_code == 0, result.output
    loss_cards = len(list((SHIPPED_BANK / "loss").glob("*.yaml")))
    assert result.stdout == f"wrote {loss_cards} cards to {out}\n"

    deck = read_deck(out, tmp_path)
    assert len(deck.notes) == loss_cards
    assert deck.deck_names == ["Default", "prep"]
    assert deck.model_names == ["prep card"]
    mse = deck.notes["mse"]
    assert mse.guid == genanki.guid_for("mse")
    assert mse.model_id == MODEL_ID
    assert mse.modified == int(NOW.timestamp())
    assert mse.tags == ["loss", "tier::core"]
    fields = mse.fields
    assert list(fields) == ["Id", "Topic", "Tier", "Question", "Answer", "KeyPoints", "Mistakes", "Example"]
    assert (fields["Topic"], fields["Tier"]) == ("loss", "core")
    assert fields["Question"] == (
        "Why is mean squared error the default loss for regression, and when is it the wrong choice?"
    )
    assert fields["Answer"].startswith("MSE averages the squared residuals, (y − ŷ)².")
    assert fields["KeyPoints"].count("<li>") == 5
    assert "<li>It is the maximum-likelihood loss under Gaussian noise.</li>" in fields["KeyPoints"]
    assert fields["Mistakes"].count("<li>") == 5
    assert (
        "<b>Calling MSE robust to outliers.</b> Squaring lets a single large residual" in fields["Mistakes"]
    )
    example = fields["Example"]
    assert example.startswith("<pre") and "<span style=" in example  # highlighted
    assert "numpy" in example and "best constant under MSE: 29.20  (mean = 29.20)</pre>" in example
    with sqlite3.connect(tmp_path / "loss.anki2") as conn:
        (deck_ids,) = conn.execute("SELECT group_concat(DISTINCT did) FROM cards").fetchone()
    assert deck_ids == str(DECK_ID)


@pytest.mark.usefixtures("toy_bank_only")
def test_the_tier_filter_chooses_the_notes(cli, tmp_path):
    out = tmp_path / "deep.apkg"
    result = cli("export", "anki", "--tier", "deep", "-o", str(out))
    assert result.exit_code == 0, result.output
    notes = read_deck(out, tmp_path).notes
    assert sorted(notes) == ["toy-theory"]
    assert notes["toy-theory"].tags == ["toy", "tier::deep"]
    assert notes["toy-theory"].fields["Example"] == ""  # no snippet: the back leaves the section out
    assert result.stdout == f"wrote 1 card to {out}\n"


def test_an_edited_card_keeps_its_guid_so_a_reimport_updates_it(cli, tmp_path, own_bank, monkeypatch):
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    monkeypatch.setattr("interview_prep.cli.now", lambda: NOW)
    assert cli("export", "anki", "--bank", str(own_bank), "-t", "toy", "-o", str(first)).exit_code == 0
    card_file = own_bank / "toy" / "toy-mean.yaml"
    text = card_file.read_text()
    card_file.write_text(text.replace("question: Which single number", "question: Which ONE number"))
    monkeypatch.setattr("interview_prep.cli.now", lambda: NOW + timedelta(days=1))
    assert cli("export", "anki", "--bank", str(own_bank), "-t", "toy", "-o", str(second)).exit_code == 0

    before, after = read_deck(first, tmp_path).notes, read_deck(second, tmp_path).notes
    assert before.keys() == after.keys() == {"toy-mean", "toy-median", "toy-theory"}
    assert before["toy-mean"].fields["Question"].startswith("Which single number")
    assert after["toy-mean"].fields["Question"].startswith("Which ONE number")
    assert after["toy-mean"].guid == before["toy-mean"].guid == genanki.guid_for("toy-mean")
    assert {n.guid for n in after.values()} == {n.guid for n in before.values()}
    # Anki updates a note only from a newer one: the second export must say it is.
    assert after["toy-mean"].modified > before["toy-mean"].modified


def test_html_in_card_text_is_shown_not_rendered(cli, tmp_path, own_bank):
    (own_bank / "toy" / "toy-html.yaml").write_text(HOSTILE_CARD)
    out = tmp_path / "html.apkg"
    result = cli("export", "anki", "--bank", str(own_bank), "--tier", "deep", "-t", "toy", "-o", str(out))
    assert result.exit_code == 0, result.output
    fields = read_deck(out, tmp_path).notes["toy-html"].fields
    assert fields["Question"] == (
        "Is &lt;b&gt;this&lt;/b&gt; bold &amp; is &lt;script&gt;alert(1)&lt;/script&gt; run?"
    )
    assert fields["Answer"] == "Neither; a &lt; b and b &gt; a are shown as typed."
    assert "&lt;i&gt;this&lt;/i&gt;" in fields["KeyPoints"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in fields["Mistakes"]
    assert "Escape it &amp; show it." in fields["Mistakes"]
    assert "&lt;b&gt;&amp;&lt;/b&gt;</pre>" in fields["Example"]  # the output
    for name, value in fields.items():
        for raw in ("<b>this", "<script", "<img", "<i>", '"<b>&</b>"'):
            assert raw not in value, (name, raw)


@pytest.mark.usefixtures("toy_bank_only")
def test_without_genanki_one_line_says_how_to_install_it(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "genanki", None)  # `import genanki` now fails
    out = tmp_path / "prep.apkg"
    result = cli("export", "anki", "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "prep: exporting to Anki needs genanki: pip install 'interview-prep[anki]'\n"
    assert not out.exists()


@pytest.mark.usefixtures("toy_bank_only")
def test_an_output_folder_that_does_not_exist_is_one_line(cli, tmp_path):
    out = tmp_path / "no-such-folder" / "prep.apkg"
    result = cli("export", "anki", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"prep: cannot write {out}: the folder {out.parent} does not exist\n"
    result = cli("export", "anki", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"prep: cannot write {tmp_path}: it is a folder")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.usefixtures("toy_bank_only")
def test_a_new_export_replaces_the_file_and_leaves_nothing_beside_it(cli, tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    out = folder / "prep.apkg"
    out.write_bytes(b"an old deck")
    result = cli("export", "anki", "--tier", "core", "--tier", "advanced", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["prep.apkg"]
    assert zipfile.is_zipfile(out)
    assert sorted(read_deck(out, tmp_path).notes) == ["toy-mean", "toy-median"]


@pytest.mark.usefixtures("toy_bank_only")
def test_the_default_output_is_prep_apkg_in_the_current_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("export", "anki")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote 3 cards to prep.apkg\n"
    assert len(read_deck(tmp_path / "prep.apkg", tmp_path).notes) == 3


@pytest.mark.usefixtures("toy_bank_only")
def test_an_unknown_topic_writes_nothing(cli, tmp_path):
    out = tmp_path / "prep.apkg"
    result = cli("export", "anki", "--topic", "no-such-topic", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith("prep: no topic 'no-such-topic'")
    assert not out.exists()


def test_export_alone_shows_its_help(cli):
    result = cli("export")
    assert result.exit_code == 0
    assert "anki" in result.stdout and "Usage: prep export" in result.stdout


def test_tags_never_hold_a_space():
    from interview_prep.anki import note_tags
    from interview_prep.cards import Card, KeyPoint, Tier

    card = Card("x", "X", "a topic", Tier.ADVANCED, "Q?", "A.", (KeyPoint("p", ("k",)),))
    assert note_tags(card) == ["a_topic", "tier::advanced"]
    assert note_tags(replace(card, topic="loss")) == ["loss", "tier::advanced"]

"""Anki decks from cards: one note per card, written as an .apkg file with genanki.

Anki recognises a note by its GUID. genanki's default GUID hashes the
fields, so an edited card would import as a second note; here the GUID comes
from the card id alone, and the model and deck ids are constants, so
importing a new export updates the notes already in Anki (and keeps their
review history) instead of duplicating them.

genanki is an optional extra, imported only inside the functions that write a
deck. The fields are HTML: every piece of card text is escaped here, so a card
that mentions `<b>` shows it rather than turning bold.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from .cards import Card
from .errors import PrepError

INSTALL_HINT = "pip install 'interview-prep[anki]'"

# Fixed for good: Anki matches an imported note type and deck by id. New ids
# on each export would make a second "prep" note type and deck beside the
# first, and notes with the old note type would no longer be updated. (Picked
# at random once, as genanki advises, in the range Anki itself uses.)
MODEL_ID = 1_718_204_537
DECK_ID = 1_718_204_561
MODEL_NAME = "prep card"
DECK_NAME = "prep"

# The order is part of the note type: Anki maps fields by position on import,
# so a new field goes at the end and none is ever removed or reordered.
FIELDS = ("Id", "Topic", "Tier", "Question", "Answer", "KeyPoints", "Mistakes", "Example")

FRONT = """\
<div class="meta">{{Topic}} · {{Tier}}</div>
<div class="question">{{Question}}</div>
"""
BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#KeyPoints}}<h4>Key points</h4>{{KeyPoints}}{{/KeyPoints}}
{{#Mistakes}}<h4>Common mistakes</h4>{{Mistakes}}{{/Mistakes}}
{{#Example}}<h4>Example</h4>{{Example}}{{/Example}}
<div class="meta">prep explain {{Id}}</div>
"""
CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; line-height: 1.4; }
.meta { font-size: 13px; color: #888; }
.question { font-size: 20px; margin: 0.5em 0; }
h4 { margin: 1em 0 0.3em; }
ul { margin: 0; padding-left: 1.2em; }
"""
# Inline, not in CSS: a field stays readable wherever it is shown (the card
# browser, a note type a user makes of their own), and in night mode too.
PRE_STYLE = (
    "background:#f6f8fa;color:#1f2328;padding:0.6em;border-radius:4px;"
    "font-size:14px;text-align:left;white-space:pre-wrap;overflow-x:auto"
)


# ---------------------------------------------------------------------------
# A card as note fields and tags: pure, no genanki


def text_html(text: str) -> str:
    """Card text as HTML: escaped, its line breaks kept."""
    # \x1f separates fields in Anki's database; the bank already refuses
    # control characters, and this keeps a card from ever shifting a field.
    return html.escape(text.replace("\x1f", "")).replace("\n", "<br>")


def list_html(items: Sequence[str]) -> str:
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{text_html(item)}</li>" for item in items) + "</ul>"


def mistakes_html(card: Card) -> str:
    if not card.common_mistakes:
        return ""
    items = (
        f"<li><b>{text_html(m.mistake)}</b> {text_html(m.correction)}".rstrip() + "</li>"
        for m in card.common_mistakes
    )
    return "<ul>" + "".join(items) + "</ul>"


def code_html(code: str) -> str:
    """Python code as escaped HTML, coloured with inline styles (pygments escapes every token)."""
    from pygments import highlight

    lexer, formatter = _highlighter()
    coloured: str = highlight(code.replace("\x1f", ""), lexer, formatter)
    return f'<pre style="{PRE_STYLE}"><code>{coloured.rstrip()}</code></pre>'


@functools.cache
def _highlighter() -> tuple[Any, Any]:
    """One lexer and formatter for the whole deck, not one per card."""
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return PythonLexer(), HtmlFormatter(noclasses=True, nowrap=True)


def example_html(card: Card) -> str:
    """The snippet, highlighted, and the output it prints (as stored: a deck never runs code)."""
    if card.snippet is None:
        return ""
    code = code_html(card.snippet.code.rstrip())
    output = html.escape(card.snippet.output.replace("\x1f", "").rstrip("\n"))
    return f'{code}<div class="meta">Output</div><pre style="{PRE_STYLE}">{output}</pre>'


def note_fields(card: Card) -> list[str]:
    """The card's fields in the order of FIELDS, each HTML."""
    return [
        html.escape(card.id),
        html.escape(card.topic),
        html.escape(card.tier.value),
        text_html(card.question),
        text_html(card.short_answer),
        list_html([p.point for p in card.key_points]),
        mistakes_html(card),
        example_html(card),
    ]


def note_tags(card: Card) -> list[str]:
    """The topic and `tier::core`: Anki splits tags at spaces, so none may hold one."""
    return ["_".join(card.topic.split()), f"tier::{card.tier.value}"]


# ---------------------------------------------------------------------------
# Writing a deck


def require_genanki() -> Any:
    """The genanki module, or one line saying how to install it."""
    try:
        import genanki
    except ImportError:
        raise PrepError(f"exporting to Anki needs genanki: {INSTALL_HINT}") from None
    return genanki


def note_guid(card_id: str) -> str:
    """The note's GUID: from the card id alone, so an edited card updates its note."""
    guid: str = require_genanki().guid_for(card_id)
    return guid


def build_package(cards: Sequence[Card]) -> Any:
    """A genanki Package: one deck, one note per card."""
    genanki = require_genanki()
    model = genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for card in cards:
        deck.add_note(
            genanki.Note(model=model, fields=note_fields(card), tags=note_tags(card), guid=note_guid(card.id))
        )
    return genanki.Package(deck)


def check_output(path: Path) -> None:
    """Refuse, in one line, a path the deck cannot be written to."""
    folder = path.parent
    if not folder.is_dir():
        raise PrepError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise PrepError(f"cannot write {path}: it is a folder; give a file name such as {path / 'prep.apkg'}")


def write_deck(cards: Sequence[Card], path: Path, now: datetime) -> int:
    """Write `cards` to `path` as an Anki package; the number of notes written.

    `now` stamps the notes: Anki updates a note on import only when the
    incoming one is newer, so a fixed stamp would make every re-import a no-op.
    The file is written beside `path` and moved into place, so a failed export
    never leaves half a deck where the last good one was.
    """
    check_output(path)
    package = build_package(cards)
    # Not mkstemp: its file is private (0600), and a deck is made to be shared.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        try:
            package.write_to_file(str(temporary), timestamp=now.timestamp())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise PrepError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(cards)

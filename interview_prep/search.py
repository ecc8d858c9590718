"""Finding cards: by name for `prep explain`, by free text for `prep search`."""

from __future__ import annotations

from dataclasses import dataclass

from .bank import Bank, normalise_name
from .cards import Card
from .errors import LookupFailed

# How close a typed name must be to a card's id, alias or title (difflib ratio).
NAME_MATCH_CUTOFF = 0.8
# Names scoring within this of the best are "equally good" and make a query ambiguous.
TIE_MARGIN = 0.02

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "between",
        "by",
        "can",
        "could",
        "do",
        "does",
        "did",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "explain",
        "tell",
        "describe",
        "difference",
        "vs",
        "versus",
        "us",
        "use",
        "used",
        "using",
    ]
)


@dataclass(frozen=True)
class Ambiguous:
    query: str
    candidates: tuple[Card, ...]


def find_card(bank: Bank, query: str) -> Card | Ambiguous:
    """The card whose id, alias or title the query names, allowing small typos."""
    wanted = normalise_name(query)
    if not wanted:
        raise LookupFailed("give the id, alias or title of a card, for example: prep explain mse")
    exact = bank.named(wanted)
    if exact is not None:
        return exact

    import difflib

    best_by_card: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(b=wanted, autojunk=False)
    for name, card_id in bank.names.items():
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < NAME_MATCH_CUTOFF or matcher.quick_ratio() < NAME_MATCH_CUTOFF:
            continue
        score = matcher.ratio()
        if score >= NAME_MATCH_CUTOFF and score > best_by_card.get(card_id, 0.0):
            best_by_card[card_id] = score
    if not best_by_card:
        hits = search(bank, query, limit=3)
        hint = f"; closest by content: {', '.join(h.card.id for h in hits)}" if hits else ""
        raise LookupFailed(f"no card is called {query!r}{hint}. Try: prep search {_shell_quote(query)}")
    best = max(best_by_card.values())
    tied = [cid for cid, score in best_by_card.items() if score >= best - TIE_MARGIN]
    if len(tied) == 1:
        return bank.cards[tied[0]]
    tied.sort(key=lambda cid: (-best_by_card[cid], cid))
    return Ambiguous(query, tuple(bank.cards[cid] for cid in tied))


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


# ---------------------------------------------------------------------------
# Free-text search: SQLite FTS5 over pre-normalised text (see index.py).


def terms(text: str) -> list[str]:
    # Words are what the grader calls words (text.py), so search and grading
    # never disagree on one; search then stems harder than grading may.
    # (Imported here: a lookup by name never needs it.)
    from .text import search_stem, words

    return [search_stem(w) for w in words(text) if w not in STOPWORDS]


@dataclass(frozen=True)
class Hit:
    card: Card
    score: float


def search(bank: Bank, text: str, limit: int = 10) -> list[Hit]:
    """Cards ranked by how well they answer `text`, best first (higher scores are better).

    Raises LookupFailed when this Python's SQLite lacks full-text search.
    """
    from .index import NoFullTextSearch

    try:
        ranked = bank.index.search(terms(text), limit)
    except NoFullTextSearch:
        raise LookupFailed(
            "search needs SQLite's FTS5, and this Python's sqlite3 was built without it"
        ) from None
    # A query that names a card outright puts that card first.
    named = bank.named(text)
    if named is not None:
        top = ranked[0][1] if ranked else 1.0
        ranked = [(named.id, top * 1.5)] + [(i, s) for i, s in ranked if i != named.id]
        ranked = ranked[:limit]
    cards = bank.cards.load([card_id for card_id, _ in ranked])
    return [Hit(cards[card_id], score) for card_id, score in ranked if card_id in cards]

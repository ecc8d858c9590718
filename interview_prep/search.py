"""Finding cards: by name for `prep explain`, by free text for `prep search`."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .bank import Bank, normalise_name
from .cards import Card
from .errors import LookupFailed
from .text import search_stem, words

# How close a typed name must be to a card's id, alias or title (difflib ratio).
NAME_MATCH_CUTOFF = 0.8
# Names scoring within this of the best are "equally good" and make a query ambiguous.
TIE_MARGIN = 0.02

# Field weights for free-text search: a hit in a card's names says more than one in its prose.
FIELD_WEIGHTS = {"title": 3.0, "aliases": 3.0, "tags": 2.0, "question": 1.5, "short_answer": 1.0}

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
    if wanted in bank.names:
        return bank.cards[bank.names[wanted]]

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
# Free-text search: BM25 over weighted fields.


def terms(text: str) -> list[str]:
    # Words are what the grader calls words (text.py), so search and grading
    # never disagree on one; search then stems harder than grading may.
    return [search_stem(w) for w in words(text) if w not in STOPWORDS]


@dataclass(frozen=True)
class Hit:
    card: Card
    score: float


def _card_terms(card: Card) -> dict[str, float]:
    bag: dict[str, float] = {}
    fields = {
        "title": card.title,
        "aliases": " ".join(card.aliases + (card.id,)),
        "tags": " ".join(card.tags),
        "question": card.question,
        "short_answer": card.short_answer,
    }
    for name, text in fields.items():
        for term in terms(text):
            bag[term] = bag.get(term, 0.0) + FIELD_WEIGHTS[name]
    return bag


def search(bank: Bank, text: str, limit: int = 10) -> list[Hit]:
    """Cards ranked by how well they answer `text`, best first (BM25 scores; higher is better)."""
    query = terms(text)
    if not query:
        return []
    docs = {card.id: _card_terms(card) for card in bank}
    if not docs:
        return []
    lengths = {cid: sum(bag.values()) for cid, bag in docs.items()}
    average = sum(lengths.values()) / len(lengths)
    n = len(docs)
    k1, b = 1.2, 0.75
    raw: dict[str, float] = {}
    for term in set(query):
        holders = [cid for cid, bag in docs.items() if term in bag]
        if not holders:
            continue
        idf = math.log(1 + (n - len(holders) + 0.5) / (len(holders) + 0.5))
        for cid in holders:
            tf = docs[cid][term]
            norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[cid] / average))
            raw[cid] = raw.get(cid, 0.0) + idf * norm
    # A query that names a card outright should put that card first.
    named = normalise_name(text)
    if named in bank.names:
        top = max(raw.values(), default=1.0)
        raw[bank.names[named]] = top * 1.5
    if not raw:
        return []
    hits = [Hit(bank.cards[cid], score) for cid, score in raw.items()]
    hits.sort(key=lambda h: (-h.score, h.card.id))
    return hits[:limit]

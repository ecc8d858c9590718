"""The hand-written BM25 that prep's search used before SQLite FTS5, kept only as a yardstick.

tests/test_search.py holds FTS5 search to at least this one's top-1, top-3
and MRR on tests/search/questions.yaml, over the same bank in the same run,
so a growing bank never turns the comparison into a stale number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from interview_prep.bank import Bank, normalise_name
from interview_prep.cards import Card
from interview_prep.search import terms

FIELD_WEIGHTS = {"title": 3.0, "aliases": 3.0, "tags": 2.0, "question": 1.5, "short_answer": 1.0}


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

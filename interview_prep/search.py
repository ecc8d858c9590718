"""Finding cards: by name for `prep explain`, by free text for `prep search`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .bank import Bank, normalise_name
from .cards import Card
from .errors import LookupFailed

# How close a typed name must be to a card's id, alias or title (difflib ratio).
NAME_MATCH_CUTOFF = 0.8
# Names scoring within this of the best are "equally good" and make a query ambiguous.
TIE_MARGIN = 0.02
# Two letters hold no typo worth correcting: "CE" is initials, not a slip for "ECE".
MIN_TYPO_LENGTH = 3

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
    # Cards that also fit but are not among the candidates (the picker shows the closest few).
    more: int = 0


# A picker longer than a screen helps nobody; `prep search` ranks the rest.
MAX_CANDIDATES = 10


def find_card(bank: Bank, query: str) -> Card | Ambiguous:
    """The card a name typed on the command line means.

    Case, '-', '_' and punctuation never matter. The rules are tried in
    order and the first that fits any card decides: when one card fits, it
    opens; when several do, they are Ambiguous, the closest first.

    1. Name: the query is a card's id, alias or title ("log loss").
    2. Id words: each word of the query is a word of the card's id
       ("softmax" -> softmax-cross-entropy).
    3. Name inside: some of the query's words are a card's id, alias or
       title, and its names hold the other words too; the longest such name
       wins ("mse loss" -> mse, not every card that mentions MSE and loss).
    4. Typos: a name at least NAME_MATCH_CUTOFF alike ("huberr" -> huber),
       for a query of MIN_TYPO_LENGTH characters or more.
    5. Initials: the query is the initials of words in a name ("CE" -> the
       cross-entropy cards, the expansion most cards share first).
    6. Starts: the query starts the card's id ("softm": a unique id prefix
       opens its card), or each of its words is, or starts, a word of the
       card's names ("leak" -> data-leakage and the other leakage cards).

    So a name the query spells exactly is never outranked by a typo, and a
    name nearly spelled out ("learning-rat") by a fragment of a word.
    Among several, a card whose id fits comes before one whose alias or
    title does, whole words before word starts, then the card with the
    shortest fitting name.
    """
    wanted = normalise_name(query)
    if not wanted:
        raise LookupFailed("give the id, alias or title of a card, for example: prep explain mse")
    exact = bank.named(wanted)
    if exact is not None:
        return exact
    words = wanted.split()
    starts = _names_by_word_starts(bank, words)
    # Each rule runs only when the ones before it found nothing.
    rules: list[Callable[[], _Fit | None]] = [
        lambda: _by_id_words(starts, words),
        lambda: _by_name_inside(starts, words),
        lambda: _by_typo(bank, wanted),
        lambda: _by_initials(bank, wanted),
        lambda: _by_starts(starts, wanted, words),
    ]
    for rule in rules:
        fit = rule()
        if fit is None:
            continue
        ranked, clear = fit
        if clear or len(ranked) == 1:
            return bank.cards[ranked[0]]
        shown = ranked[:MAX_CANDIDATES]
        cards = bank.cards.load(shown)
        return Ambiguous(query, tuple(cards[i] for i in shown if i in cards), len(ranked) - len(shown))
    hits = search(bank, query, limit=3)
    hint = f"; closest by content: {', '.join(h.card.id for h in hits)}" if hits else ""
    raise LookupFailed(f"no card is called {query!r}{hint}. Try: prep search {_shell_quote(query)}")


# What a rule found: card ids best first, and whether the first is a clear winner.
_Fit = tuple[list[str], bool]


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _names_by_word_starts(bank: Bank, words: list[str]) -> dict[str, list[str]]:
    """Each card whose names, together, have a word starting with each query word; and those names.

    One GLOB scan per query word in SQLite, the most telling (longest) word
    first, stopping as soon as no card is left.
    """
    found: dict[str, list[str]] | None = None
    for word in sorted(set(words), key=len, reverse=True):
        start = _glob_escape(word)
        with_word: dict[str, list[str]] = {}
        for name, card_id in bank.index.names_matching([f"{start}*", f"* {start}*"]):
            with_word.setdefault(card_id, []).append(name)
        if found is None:
            found = with_word
        else:
            found = {cid: names + with_word[cid] for cid, names in found.items() if cid in with_word}
        if not found:
            return {}
    return {cid: list(dict.fromkeys(names)) for cid, names in (found or {}).items()}


def _id_name(card_id: str) -> str:
    return card_id.replace("-", " ")


def _by_id_words(starts: dict[str, list[str]], words: list[str]) -> _Fit | None:
    fits = [cid for cid in starts if set(words) <= set(_id_name(cid).split())]
    return (sorted(fits, key=lambda cid: (len(cid), cid)), False) if fits else None


def _has_every_word(names: list[str], words: list[str]) -> bool:
    return set(words) <= {w for name in names for w in name.split()}


def _by_name_inside(starts: dict[str, list[str]], words: list[str]) -> _Fit | None:
    runs = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    longest: dict[str, int] = {}  # card -> words in its longest name spelled out in the query
    for cid, names in starts.items():
        inside = [len(name.split()) for name in names if name in runs]
        if inside and _has_every_word(names, words):
            longest[cid] = max(inside)
    if not longest:
        return None
    ranked = sorted(longest, key=lambda cid: (-longest[cid], len(cid), cid))
    clear = len(ranked) == 1 or longest[ranked[0]] > longest[ranked[1]]
    return ranked, clear


def _by_initials(bank: Bank, wanted: str) -> _Fit | None:
    if " " in wanted or len(wanted) < 2:
        return None
    letters = "* ".join(_glob_escape(c) for c in wanted)
    phrases: dict[str, set[str]] = {}  # phrase -> the cards that have it
    shortest: dict[str, int] = {}  # card -> its shortest name with such a phrase
    in_id: set[str] = set()  # cards whose id has such a phrase
    for name, card_id in bank.index.names_matching([f"{letters}*", f"* {letters}*"]):
        words = name.split()
        for i in range(len(words) - len(wanted) + 1):
            run = words[i : i + len(wanted)]
            if "".join(w[0] for w in run) == wanted:
                phrases.setdefault(" ".join(run), set()).add(card_id)
                shortest[card_id] = min(shortest.get(card_id, len(name)), len(name))
                if name == _id_name(card_id):
                    in_id.add(card_id)
    if not phrases:
        return None
    # "CE" is cross-entropy before it is counterfactual explanation: the
    # expansion most cards share is the likeliest meant. Each card is listed
    # with its commonest expansion, so the cards of one expansion stay together.
    commonest: dict[str, tuple[int, str]] = {}
    for phrase, cards in phrases.items():
        for cid in cards:
            key = (-len(cards), phrase)
            if cid not in commonest or key < commonest[cid]:
                commonest[cid] = key
    ranked = sorted(commonest, key=lambda cid: (commonest[cid], cid not in in_id, shortest[cid], cid))
    return ranked, False


def _by_starts(starts: dict[str, list[str]], wanted: str, words: list[str]) -> _Fit | None:
    if not starts:
        return None

    def order(cid: str) -> tuple[bool, bool, bool, int, str]:
        names = starts[cid]
        id_fits = all(any(w.startswith(q) for w in _id_name(cid).split()) for q in words)
        return (
            not _id_name(cid).startswith(wanted),
            not id_fits,
            not _has_every_word(names, words),
            min(map(len, names)),
            cid,
        )

    ranked = sorted(starts, key=order)
    prefix_of = [cid for cid in ranked[:2] if _id_name(cid).startswith(wanted)]
    return ranked, len(prefix_of) == 1 and prefix_of[0] == ranked[0]


def _by_typo(bank: Bank, wanted: str) -> _Fit | None:
    import difflib
    import math

    if len(wanted) < MIN_TYPO_LENGTH:
        return None

    # ratio = 2 * matches / (both lengths) can reach the cutoff only for a
    # name whose length is within these bounds: SQLite leaves out the rest.
    cutoff = NAME_MATCH_CUTOFF
    shortest = math.ceil(len(wanted) * cutoff / (2 - cutoff) - 1e-9)
    longest = math.floor(len(wanted) * (2 - cutoff) / cutoff + 1e-9)
    best_by_card: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(b=wanted, autojunk=False)
    for name, card_id in bank.index.names_sized(shortest, longest):
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        score = matcher.ratio()
        if score >= cutoff and score > best_by_card.get(card_id, 0.0):
            best_by_card[card_id] = score
    if not best_by_card:
        return None
    best = max(best_by_card.values())
    tied = sorted(
        (cid for cid, score in best_by_card.items() if score >= best - TIE_MARGIN),
        key=lambda cid: (-best_by_card[cid], cid),
    )
    return tied, len(tied) == 1


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

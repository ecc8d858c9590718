"""How much of a card's key points a typed answer covers.

A keyword matches when its words appear in the answer in order and next to
each other. Words are compared after normalisation (Unicode NFKC, case folded,
punctuation dropped, hyphens and underscores splitting words), singular and
plural count as the same word, and a word of five letters or more forgives one
typo. A keyword word ending in `*` matches any answer word that starts with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from interview_prep.cards import KeyPoint

# Ratings as plain ints: this module must not import the scheduler (and fsrs).
_AGAIN, _HARD, _GOOD = 1, 2, 3

# Typos are forgiven only in longer words: in short ones a single edit turns
# one real word into another (mae/mse, mean/meal).
TYPO_MIN_LENGTH = 5

# A word is a run of letters or digits. Combining marks stay inside words so
# an accent NFKC could not compose (y + U+0302) does not split "ŷ" in two.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"(?:[^\W_]|[{_COMBINING}])+"
_WORD_RE = re.compile(_WORD)
_KEYWORD_WORD_RE = re.compile(rf"({_WORD})(\*?)")
# Dropped rather than treated as a break, so "model's" reads as "models"
# (then singular "model") and "don't" as one word.
_APOSTROPHES_RE = re.compile(r"['\u2019\u02bc]")

# Plurals the suffix rules get wrong, mapped to the singular; the singulars
# are fixed points of the rules so both sides meet there.
_IRREGULAR_PLURALS = {
    "matrices": "matrix",
    "indices": "index",
    "vertices": "vertex",
    "appendices": "appendix",
    "hypotheses": "hypothesis",
    "analyses": "analysis",
    "parentheses": "parenthesis",
    "theses": "thesis",
    "axes": "axis",
    "criteria": "criterion",
    "phenomena": "phenomenon",
}
# "-es" is a plural ending only after these; elsewhere ("notes") the "e"
# belongs to the word and only the "s" goes.
_ES_AFTER = ("s", "x", "z", "ch", "sh", "o")
# Singular words ending in "s" whose "s" is not a plural ending.
_NOT_PLURAL_ENDINGS = ("ss", "us", "is")
# Stripping a plural ending must leave a real stem: "gas" is not "ga"s.
_MIN_STEM = 3


@dataclass(frozen=True)
class PointCoverage:
    point: KeyPoint
    covered: bool
    matched: str | None  # the keyword that matched, as written on the card


@dataclass(frozen=True)
class Coverage:
    points: tuple[PointCoverage, ...]

    @property
    def covered(self) -> int:
        return sum(1 for p in self.points if p.covered)

    @property
    def total(self) -> int:
        return len(self.points)

    @property
    def fraction(self) -> float:
        return self.covered / self.total if self.total else 0.0


def grade_answer(answer: str, key_points: Sequence[KeyPoint]) -> Coverage:
    """Which key points the answer covers, and by which keyword."""
    matcher = _AnswerMatcher(answer)
    return Coverage(tuple(_grade_point(matcher, point) for point in key_points))


def suggest_rating(coverage: Coverage, answered: bool) -> int:
    """A starting rating from coverage: 1 again, 2 hard, 3 good; never 4.

    Easy is a judgement about effort the words cannot show, so it stays the
    user's call. A card without key points gives nothing to measure, so an
    answer to it is not held against the user.
    """
    if not answered:
        return _AGAIN
    if coverage.total == 0:
        return _GOOD
    if coverage.fraction < 0.25:
        return _AGAIN
    if coverage.fraction < 0.5:
        return _HARD
    return _GOOD


def normalise_words(text: str) -> list[str]:
    """The words of `text`, NFKC-normalised and case folded."""
    return _WORD_RE.findall(_fold(text))


def _fold(text: str) -> str:
    # NFKC on both sides of casefold: folding can decompose, and NFKC maps
    # look-alikes (full-width letters, ligatures, "µ") onto ordinary ones.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return _APOSTROPHES_RE.sub("", folded)


def _grade_point(matcher: _AnswerMatcher, point: KeyPoint) -> PointCoverage:
    for keyword in point.keywords:
        if matcher.matches(keyword):
            return PointCoverage(point=point, covered=True, matched=keyword)
    return PointCoverage(point=point, covered=False, matched=None)


class _AnswerMatcher:
    """An answer indexed once so each keyword is a few dictionary lookups.

    Comparing every keyword word with every answer word by edit distance
    would cost keywords × words comparisons. Instead the singular forms of the
    answer's words, and their one-letter deletions, are indexed: two words
    within one edit always share such a key (symmetric-deletion lookup), so
    only the few answer words that do are checked exactly.
    """

    def __init__(self, answer: str):
        self.words = normalise_words(answer)
        self._positions_by_form: dict[str, set[int]] = {}
        for position, word in enumerate(self.words):
            for form in singular_forms(word):
                self._positions_by_form.setdefault(form, set()).add(position)
        self._forms_by_deletion: dict[str, list[str]] | None = None
        self._positions_cache: dict[str, frozenset[int]] = {}

    def matches(self, keyword: str) -> bool:
        words = _keyword_words(keyword)
        if not words:
            return False
        candidates: AbstractSet[int] = self.positions_of(words[0])
        for offset, word in enumerate(words[1:], start=1):
            if not candidates:
                return False
            following = self.positions_of(word)
            candidates = {p for p in candidates if p + offset in following}
        return bool(candidates)

    def positions_of(self, keyword_word: str) -> frozenset[int]:
        """Positions of the answer words that one keyword word matches."""
        cached = self._positions_cache.get(keyword_word)
        if cached is None:
            cached = frozenset(self._find(keyword_word))
            self._positions_cache[keyword_word] = cached
        return cached

    def _find(self, keyword_word: str) -> set[int]:
        if keyword_word.endswith("*"):
            stem = keyword_word[:-1]
            return {i for i, word in enumerate(self.words) if word.startswith(stem)}
        found: set[int] = set()
        for form in singular_forms(keyword_word):
            found |= self._positions_by_form.get(form, set())
            if len(keyword_word) >= TYPO_MIN_LENGTH and len(form) >= TYPO_MIN_LENGTH:
                found |= self._one_edit_from(form)
        return found

    def _one_edit_from(self, form: str) -> set[int]:
        forms_by_deletion = self._deletion_index()
        found: set[int] = set()
        for key in _deletion_keys(form):
            for answer_form in forms_by_deletion.get(key, ()):
                if within_one_edit(form, answer_form):
                    found |= self._positions_by_form[answer_form]
        return found

    def _deletion_index(self) -> dict[str, list[str]]:
        # Built only when a long keyword word first needs it.
        if self._forms_by_deletion is None:
            self._forms_by_deletion = {}
            for form in self._positions_by_form:
                # A typo may delete a letter from a five-letter word.
                if len(form) >= TYPO_MIN_LENGTH - 1:
                    for key in _deletion_keys(form):
                        self._forms_by_deletion.setdefault(key, []).append(form)
        return self._forms_by_deletion


@lru_cache(maxsize=4096)
def _keyword_words(keyword: str) -> tuple[str, ...]:
    """A keyword's normalised words; a stem keeps its trailing `*`."""
    return tuple(word + star for word, star in _KEYWORD_WORD_RE.findall(_fold(keyword)))


@lru_cache(maxsize=65536)
def singular_forms(word: str) -> frozenset[str]:
    """The word and every singular it could be the plural of.

    English plural endings are ambiguous ("biases" is bias+es, "causes" is
    cause+s), so rather than guess one stem, each reading is kept and two
    words match when their sets meet. "bias", "loss" and "gaussian" are left
    whole, so nothing turns them into a different word.
    """
    forms = {word}
    if word in _IRREGULAR_PLURALS:
        forms.add(_IRREGULAR_PLURALS[word])
        return frozenset(forms)
    if word.endswith("ies") and len(word) - 3 >= _MIN_STEM - 1:
        forms.add(word[:-3] + "y")  # penalties -> penalty
    if word.endswith("es") and len(word) - 2 >= _MIN_STEM:
        stem = word[:-2]
        if stem.endswith(_ES_AFTER):
            forms.add(stem)  # losses -> loss, biases -> bias, batches -> batch
    plural_s = word.endswith("s") and not word.endswith(_NOT_PLURAL_ENDINGS)
    if plural_s and len(word) - 1 >= _MIN_STEM:
        forms.add(word[:-1])  # outliers -> outlier, movies -> movie
    return frozenset(forms)


@lru_cache(maxsize=65536)
def _deletion_keys(word: str) -> frozenset[str]:
    return frozenset([word, *(word[:i] + word[i + 1 :] for i in range(len(word)))])


def within_one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of adjacent
    letters turns `a` into `b` (or they are equal)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    start = 0
    shorter = min(la, lb)
    while start < shorter and a[start] == b[start]:
        start += 1
    if la == lb:
        if a[start + 1 :] == b[start + 1 :]:
            return True  # substitution
        return (
            start + 1 < la
            and a[start] == b[start + 1]
            and a[start + 1] == b[start]
            and a[start + 2 :] == b[start + 2 :]
        )  # adjacent swap
    if la > lb:
        return a[start + 1 :] == b[start:]
    return a[start:] == b[start + 1 :]

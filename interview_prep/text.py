"""What a word is, and its normal form: one definition for search and grading.

Text is folded (Unicode NFKC, case), written-out symbols meet their ASCII and
spoken spellings (σ² / sigma^2 / sigma squared, ŷ / y_hat / yhat, √ / sqrt,
Σ / sum, ≤ / <=, p(y|x) / p of y given x, |x| / abs x), contractions expand
(doesn't → does not, it's → it is), and the words are the runs of letters and
digits left. Plural endings are handled by `singular_forms`, which keeps every
reading rather than guessing one stem, so grading never turns a word into
another word; search can afford a harder stem on top (`search_stem`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

# A word is a run of letters or digits. Combining marks stay inside words so
# an accent NFKC could not compose (y + U+0302) does not split "ŷ" in two.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = rf"(?:[^\W_]|[{_COMBINING}])+"
WORD_RE = re.compile(WORD)

# Letters with a hat or a bar are estimates and means: ŷ is "y hat", ȳ "y bar".
_ACCENTS_RE = re.compile(f"[{_COMBINING}]")
_HAT, _BAR = "\u0302", "\u0304"

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
# Symbols as the words a candidate would say for them. "≠" avoids "not", which
# would read as a negation.
_SYMBOLS = {
    "√": " sqrt ",
    "‖": " norm ",
    "∑": " sum ",
    "Σ": " sum ",
    "∏": " product ",
    "∇": " gradient ",
    "∂": " partial ",
    "∞": " infinity ",
    "≤": " at most ",
    "⩽": " at most ",
    "≥": " at least ",
    "⩾": " at least ",
    "≠": " unequal ",
    "≈": " approximately ",
    "∝": " proportional to ",
    "→": " to ",
    "⇒": " implies ",
    "∈": " in ",
    "×": " times ",
    "·": " times ",
    "−": "-",
    "–": "-",
    "—": " - ",
}
_TRANSLATION = str.maketrans({**{k: f" {v} " for k, v in _GREEK.items()}, **_SYMBOLS})
_SUPERSCRIPTS = {"²": " squared ", "³": " cubed ", "⁻¹": " inverse "}
# Any other exponent is written as one: "0.95²⁰" is "0.95^20", "10⁻³" is "10^-3".
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN_RE = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")


def _superscript(match: re.Match[str]) -> str:
    run = match.group()
    return _SUPERSCRIPTS.get(run) or f"^{run.translate(_SUPERSCRIPT_DIGITS)} "


# Each rule with a piece of text it cannot match without: testing for that
# first is what makes folding cheap, since a keyword or a clause of plain
# prose needs none of the thirty-odd substitutions.
_Rule = tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]]
_ASCII_SYMBOLS: list[_Rule] = [
    ("<=", re.compile(r"<="), " at most "),
    (">=", re.compile(r">="), " at least "),
    ("!=", re.compile(r"!="), " unequal "),
    ("~=", re.compile(r"~="), " approximately "),
    ("^", re.compile(r"\^\s*2\b"), " squared "),
    ("^", re.compile(r"\^\s*3\b"), " cubed "),
    ("^", re.compile(r"\^\s*-\s*1\b"), " inverse "),
    # y_hat, yhat, y-hat: written as the words "y hat". Without a separator
    # only x and y, or "that" and "what" would read as "t hat" and "w hat".
    ("hat", re.compile(r"\b([a-z])[_-]hat\b|\b([xy])hat\b"), lambda m: f"{m[1] or m[2]} hat"),
    ("bar", re.compile(r"\b([a-z])[_-]bar\b|\b([xy])bar\b"), lambda m: f"{m[1] or m[2]} bar"),
    # |x| is an absolute value; the pair is read before the lone bar of p(y|x).
    ("||", re.compile(r"\|\|([^|\n]{1,40}?)\|\|"), r" norm \1 "),
    ("|", re.compile(r"\|([^|()\n]{1,40}?)\|"), r" abs \1 "),
    ("|", re.compile(r"\|"), " given "),
    # p(y given x) and p of y given x: a single letter applied to something.
    ("(", re.compile(r"\b([a-z])\s*\("), r"\1 of ("),
    ("square root", re.compile(r"\bsquare root(?: of)?\b"), " sqrt "),
    ("absolute value", re.compile(r"\babsolute value(?: of)?\b"), " abs "),
    ("<", re.compile(r"(?<![a-z])<(?![a-z])"), " less than "),
    (">", re.compile(r"(?<![a-z])>(?![a-z])"), " greater than "),
    ("=", re.compile(r"="), " equals "),
    ("+", re.compile(r"\+"), " plus "),
]

# The words symbols are written out as: formula, not prose.
SYMBOL_WORDS = frozenset(
    " ".join([*_GREEK.values(), *_SYMBOLS.values(), *_SUPERSCRIPTS.values()]).split()
    + ["equals", "plus", "hat", "bar", "abs", "sqrt", "given", "less", "than", "greater"]
)

# Contractions expand so "doesn't" meets "does not" and a negation is seen.
_CONTRACTIONS: list[_Rule] = [
    ("'", re.compile(r"\bcan['’]t\b"), "can not"),
    ("cannot", re.compile(r"\bcannot\b"), "can not"),
    ("'", re.compile(r"\bwon['’]t\b"), "will not"),
    ("'", re.compile(r"\bshan['’]t\b"), "shall not"),
    ("'", re.compile(r"\bain['’]t\b"), "is not"),
    ("'", re.compile(r"n['’]t\b"), " not"),
    ("'", re.compile(r"\b(it|that|there|here|what|who|he|she|this)['’]s\b"), r"\1 is"),
    ("'", re.compile(r"\blet['’]s\b"), "let us"),
    ("'", re.compile(r"['’]re\b"), " are"),
    ("'", re.compile(r"['’]ve\b"), " have"),
    ("'", re.compile(r"['’]ll\b"), " will"),
    ("'", re.compile(r"\bi['’]m\b"), "i am"),
    # A possessive is the word itself: "NB's" is "nb", "Bayes's" is "bayes".
    ("'", re.compile(r"(?<=\w)['’]s\b"), ""),
    ("'", re.compile(r"['’]d\b"), " would"),
]
# What is left of an apostrophe is dropped, so "models'" reads as "models".
_APOSTROPHES_RE = re.compile(r"['\u2019\u02bc]")


def fold(text: str) -> str:
    """Unicode- and case-folded text with symbols and contractions written out."""
    if text.isascii():
        # NFKC and accents change nothing in ASCII, and casefold is lower.
        text = text.lower()
    else:
        # NFKC on both sides of casefold: folding can decompose, and NFKC maps
        # look-alikes (full-width letters, ligatures, "µ") onto ordinary ones.
        # Superscripts go first, since NFKC would turn "²" into a bare "2".
        text = _SUPERSCRIPT_RUN_RE.sub(_superscript, text)
        # Capital sigma is a sum; casefold would make it a small sigma.
        text = text.replace("Σ", " sum ").replace("∑", " sum ")
        # Symbols first: NFKC would take "≠" apart into "=" and an accent.
        text = text.translate(_TRANSLATION)
        text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        text = unicodedata.normalize("NFD", text)
        text = text.replace(_HAT, " hat ").replace(_BAR, " bar ")
        # Other accents go: "naïve" is "naive", as most people type it.
        text = _ACCENTS_RE.sub("", text)
        if not text.isascii():
            text = text.translate(_TRANSLATION)
    if "’" in text:
        text = text.replace("’", "'")  # one apostrophe, so each contraction needs one test
    for needs, pattern, replacement in (*_CONTRACTIONS, *_ASCII_SYMBOLS):
        if needs in text:
            text = pattern.sub(replacement, text)
    return _APOSTROPHES_RE.sub("", text) if "'" in text or "\u02bc" in text else text


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(fold(text)))


def words(text: str) -> list[str]:
    """The normalised words of `text` (memoised: the same clauses come back often)."""
    return list(_words(text))


def plain_words(text: str) -> list[str]:
    """The case-folded words of `text`, without the symbol rules: cheap, for large texts."""
    return WORD_RE.findall(_APOSTROPHES_RE.sub("", text.casefold()))


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


def singular(word: str) -> str:
    """One canonical form for search: the shortest reading of every reading.

    Following the readings to the end makes a word and its plural meet even
    where the shortest form is not a word ("bias" and "biases" both give
    "bia"); search indexes and queries this form, so that does not matter.
    """
    forms = set(singular_forms(word))
    frontier = set(forms)
    while frontier:
        frontier = {f for w in frontier for f in singular_forms(w)} - forms
        forms |= frontier
    return min(forms, key=lambda w: (len(w), w))


def search_stem(word: str) -> str:
    """The form search indexes and queries: the plural folded, nothing more.

    A harder stem (dropping -ing, -ed, -ation) was measured on the bank's
    search questions and ranked worse ("goes" and "going" pulled in unrelated
    cards), so search stems only as far as grading reads plurals.
    """
    return singular(word)


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


# ---------------------------------------------------------------------------
# The vocabulary: words that are real, so a one-letter slip never turns one
# into another ("based" is not a typo of "biased").

_WORDS_FILE = "english_words.txt"


@lru_cache(maxsize=1)
def _english_words_text() -> str:
    """The word list as one string, one word a line, with a newline on each side.

    Kept as text rather than a set: a typed answer has a handful of possible
    typos, and a substring search of 800 kB costs less than building a set of
    86,000 words in every process that grades.
    """
    path = Path(__file__).with_name("data") / _WORDS_FILE
    return "\n" + path.read_text(encoding="utf-8")


_lookups = 0
# After this many look-ups a set pays for itself (building one costs about
# as much as twenty searches of the text).
_SET_AFTER = 20


@lru_cache(maxsize=1)
def _english_words_set() -> frozenset[str]:
    return frozenset(_english_words_text().split())


@lru_cache(maxsize=65536)
def is_english_word(word: str) -> bool:
    """Whether `word` (normalised) is in the common-English list (SCOWL; see data/WORDS-LICENSE)."""
    global _lookups
    _lookups += 1
    if _lookups > _SET_AFTER:
        return word in _english_words_set()
    return f"\n{word}\n" in _english_words_text()


def english_words_in_memory() -> bool:
    """Whether looking a word up is now a set lookup (after the first few searches)."""
    return _english_words_set.cache_info().currsize > 0


def is_real_word(word: str, is_known: Callable[[str], bool] = lambda _: False) -> bool:
    """Whether `word` or a singular of it is English, or known to `is_known` (the bank's words)."""
    return any(is_english_word(form) or is_known(form) for form in singular_forms(word))

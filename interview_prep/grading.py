"""Assessing a typed answer: the key points it covers, contradicts or misses,
and the misconceptions it states.

The rules are documented for card authors in question_bank/README.md ("How
an answer is assessed"); in short:

- The answer is cut into clauses: at sentence ends, `;` and `:` followed by
  a space, commas outside brackets, long dashes, and before contrast words
  (but, whereas, unlike, however, although, …).
- A *phrase* (a keyword, or one part of a signal) matches when its words stand
  next to each other, after normalisation (`text.py`); determiners are
  ignored on both sides, singular and plural meet, a word ending in `*`
  matches any word that starts with it, and a word of five letters or more
  forgives one typo when the typed word is not itself a real word.
- A *signal* is phrases joined by ` ... `: each part in order, within one
  clause (an "if" clause and the next count as one), at most three words apart.
- A match is *negated* when a negation (not, no, never, without, instead of,
  rather than, …) stands up to four words before it, or between its parts,
  in its clause, and is not one of its own words: "not symmetric" as a
  keyword carries its own polarity.
- A clause that *reports* a belief in order to refute it ("a common mistake
  is…", "people think…", "it is a myth that…"), or asks a question, asserts
  nothing.
- A key point is covered by an asserted keyword; it is contradicted by an
  asserted `contradicts` signal, or when its keywords appear only negated.
  Words that all appear in the question earn nothing.
- A mistake is caught by an asserted signal; any caught mistake or
  contradicted point makes the suggestion "again".
"""

from __future__ import annotations

import enum
import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from .cards import Card, KeyPoint, Mistake
from .domain import Rating
from .text import english_words_in_memory, is_real_word, plain_words, singular_forms, within_one_edit, words

# Typos are forgiven only in longer words: in short ones a single edit turns
# one real word into another (mae/mse, mean/meal).
TYPO_MIN_LENGTH = 5
# How far apart the parts of a signal may stand, in words.
SIGNAL_GAP = 3
# How far before a match a negation still reaches, in words.
NEGATION_REACH = 4
SIGNAL_SEPARATOR = "..."

# Ignored on both sides, so "its mean" meets "the mean".
DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "my",
        "this",
        "these",
        "those",
        "that",
        "some",
    ]
)
NEGATIONS = frozenset(
    ["not", "no", "never", "neither", "nor", "none", "nothing", "without", "rather", "instead", "unlike"]
    + ["unable", "less", "hardly", "barely", "rarely", "seldom", "avoid", "avoids", "avoiding"]
)
# Words after which a negation is not one: "not only", "no matter", "less than".
_NOT_NEGATING_NEXT = {
    "not": frozenset(["only", "just", "merely"]),
    "no": frozenset(["matter", "more", "doubt"]),
    "less": frozenset(["than"]),
}
# Negations only in a pair: "instead of", "rather than".
_NEEDS_NEXT = {"instead": "of", "rather": "than"}
# A negation's reach ends at these: "not robust and it estimates the mean".
_SCOPE_ENDS = frozenset(["and", "so", "because", "which", "since", "then", "therefore", "thus", "hence"])
# Contrast words that open a new clause.
_CLAUSE_BREAK_WORDS = ["but", "whereas", "however", "although", "though", "while", "whilst", "yet", "unlike"]
# A clause opening with one of these is the "if" half of a conditional claim.
_CONDITIONAL_OPENERS = frozenset(["if", "when", "whenever", "once"])
# Phrases that mark a clause as reporting a belief in order to refute it; the
# parts of "people ... think*" may have words between ("people often think").
REFUTING_CUES = (
    *(
        "common mistake*",
        "classic mistake*",
        "typical mistake*",
        "frequent mistake*",
        "mistake to",
        "mistake is",
    ),
    *("is mistake", "mistaken*", "misconception*", "myth*", "fallac*", "wrongly", "incorrectly"),
    *("falsely", "misread*", "misinterpret*", "misunderst*", "confuse*", "confusing", "tempting"),
    *("is wrong", "be wrong", "not true", "is a trap", "often assumed", "often thought"),
    *("commonly believed", "commonly assumed", "mix* up"),
    *("common error*", "classic error*", "typical error*", "frequent error*"),
    *("common confusion", "common belief", "popular belief", "widely believed", "the trap", "pitfall*"),
    *(
        "people ... think*",
        "people ... treat*",
        "people ... read*",
        "people ... trust*",
        "people ... believe*",
        "people ... assume*",
        "people ... say",
        "people ... claim*",
        "people ... expect*",
        "people ... call*",
        *(
            f"{who} ... {verb}"
            for who in ("many", "candidates", "teams", "folks", "others", "beginners", "newcomers", "juniors")
            for verb in ("think*", "assume*", "believe*")
        ),
    ),
)
# A clause that is a verdict on the one before it ("..., which is a myth")
# reports that clause. Only a verdict: "which is why ... than people expect"
# holds a cue but judges nothing.
_VERDICT_ON_BEFORE_RE = re.compile(
    r"(?:which|that|this)\s+(?:is|was|would be|'s)\s+(?:also\s+)?(?:a\s+|an\s+)?"
    r"(?:(?:common|classic|popular|widespread|frequent|typical)\s+)?"
    r"(?:myth|misconception|mistake|fallacy|wrong|not true|false|incorrect|a trap|trap)\b",
    re.IGNORECASE,
)
# Cue words are matched exactly: no typo makes a clause a reported belief.
_CUE_WORDS = frozenset(w for cue in REFUTING_CUES for w in cue.split() if w != SIGNAL_SEPARATOR)
# Glue words of a sentence: an answer none of whose clauses has one is a list.
_SENTENCE_GLUE = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "does", "do", "did"]
    + ["can", "could", "will", "would", "should", "may", "might", "must"]
    + ["it", "they", "we", "you", "i", "he", "she", "which", "because", "so", "if", "when", "then"]
    + ["means", "gives", "makes", "becomes", "tends", "lets", "uses"]
    + ["by", "of", "to", "for", "with", "over", "on", "from", "into", "than", "per", "via"]
)
_MIN_SENTENCE_WORDS = 3

# Sentence ends and commas break a clause only when followed by a space, so
# "0.05", "nn.CrossEntropyLoss" and "1,000" stay whole; " - " is a minus, so
# only long dashes break.
_CLAUSE_SPLIT_RE = re.compile(
    r"[.!?;:](?=\s|$)|,(?=\s)|\n\s*\n|\n\s*[*•]\s|\n\s*-\s|\s[–—]\s|\s--\s|"
    # "after a while" is not a contrast: no break after an article.
    r"(?<!\ba )(?=\b(?:" + "|".join(_CLAUSE_BREAK_WORDS) + r")\b)",
    re.IGNORECASE,
)
_OPENING, _CLOSING = "([{", ")]}"
_QUESTION_END_RE = re.compile(r"\?\s*$")
# A keyword's trailing `*` survives normalisation as letters no word has.
_STAR_RE = re.compile(r"(?<=\w)\*")
_STAR_MARK = "qqstarqq"


class Status(str, enum.Enum):
    COVERED = "covered"
    MISSED = "missed"
    CONTRADICTED = "contradicted"


@dataclass(frozen=True)
class PointResult:
    point: KeyPoint
    status: Status
    # The phrase as written on the card, and the answer's words that matched.
    matched: str | None = None
    evidence: str | None = None

    @property
    def covered(self) -> bool:
        return self.status is Status.COVERED


@dataclass(frozen=True)
class CaughtMistake:
    number: int  # 1-based, as in the card's list
    mistake: Mistake
    evidence: str


@dataclass(frozen=True)
class Assessment:
    points: tuple[PointResult, ...]
    mistakes: tuple[CaughtMistake, ...] = ()
    answered: bool = True
    reads_as_sentences: bool = True

    @property
    def covered(self) -> int:
        return sum(1 for p in self.points if p.status is Status.COVERED)

    @property
    def contradicted(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if p.status is Status.CONTRADICTED)

    @property
    def total(self) -> int:
        return len(self.points)

    @property
    def fraction(self) -> float:
        return self.covered / self.total if self.total else 0.0

    @property
    def wrong_count(self) -> int:
        """Mistakes caught plus points contradicted: what makes an answer wrong."""
        return len(self.mistakes) + len(self.contradicted)

    @property
    def suggested(self) -> Rating:
        """A starting rating: again, hard or good; never easy.

        Any stated misconception means again, whatever else is covered.
        Easy is a judgement about effort the words cannot show, so it stays
        the user's call. A card without key points gives nothing to measure.
        """
        if not self.answered or self.wrong_count:
            return Rating.AGAIN
        if self.total == 0:
            rating = Rating.GOOD
        elif self.fraction < 0.25:
            rating = Rating.AGAIN
        elif self.fraction < 0.5:
            rating = Rating.HARD
        else:
            rating = Rating.GOOD
        if not self.reads_as_sentences:
            # A list of words shows vocabulary, not understanding.
            rating = min(rating, Rating.HARD)
        return rating


def assess(answer: str | ParsedAnswer, card: Card, known: Callable[[str], bool] | None = None) -> Assessment:
    """How `answer` measures against `card`'s key points and common mistakes.

    `known` tells the words beyond common English that are real words (the
    bank's own, see `BankWords`), so they are never read as typos of a
    keyword. An answer parsed once can be assessed against many cards.
    """
    if isinstance(answer, ParsedAnswer):
        parsed = answer
    elif not answer.strip():
        return Assessment(
            tuple(PointResult(p, Status.MISSED) for p in card.key_points),
            answered=False,
            reads_as_sentences=False,
        )
    else:
        parsed = ParsedAnswer(answer, known or BankWords([card]))
    echoes = question_forms(card.question)
    points = tuple(_assess_point(parsed, point, echoes) for point in card.key_points)
    caught = []
    for number, mistake in enumerate(card.common_mistakes, 1):
        for signal in mistake.signals:
            hit = parsed.find_asserted(signal)
            if hit:
                caught.append(CaughtMistake(number, mistake, hit))
                break
    return Assessment(points, tuple(caught), True, parsed.reads_as_sentences())


def _assess_point(parsed: ParsedAnswer, point: KeyPoint, echoes: frozenset[str]) -> PointResult:
    # An asserted opposite outweighs a keyword: "the MLE under Laplace noise"
    # says "MLE" and still contradicts "the MLE under Gaussian noise".
    for signal in point.contradicts:
        hit = parsed.find_asserted(signal)
        if hit:
            return PointResult(point, Status.CONTRADICTED, signal, hit)
    negated: tuple[str, str] | None = None
    for keyword in point.keywords:
        if is_echo(keyword, echoes):
            continue
        for match in parsed.find(keyword):
            if match.refuted:
                continue
            if not match.negated:
                return PointResult(point, Status.COVERED, keyword, match.evidence)
            negated = negated or (keyword, match.evidence)
    if negated:
        return PointResult(point, Status.CONTRADICTED, negated[0], negated[1])
    return PointResult(point, Status.MISSED)


@lru_cache(maxsize=4096)
def question_forms(question: str) -> frozenset[str]:
    """Every form of every word of a question, for the echo rule."""
    return frozenset(form for word in words(question) for form in singular_forms(word))


@lru_cache(maxsize=65536)
def is_echo(keyword: str, echoes: frozenset[str]) -> bool:
    """A keyword every word of which the question already says earns nothing."""
    kw = [w for w in phrase_words(keyword) if w not in DETERMINERS]
    return bool(kw) and all(
        (w.endswith("*") and any(e.startswith(w[:-1]) for e in echoes))
        or bool(singular_forms(w.rstrip("*")) & echoes)
        for w in kw
    )


def signal_problem(signal: str) -> str | None:
    """Why a signal cannot match anything, or None when it is well formed."""
    parts = [p.strip() for p in signal.split(SIGNAL_SEPARATOR)]
    if any(not p for p in parts) or not all(_content_words(p) for p in parts):
        return f"every part between '{SIGNAL_SEPARATOR}' needs a word that is not an article"
    return None


@lru_cache(maxsize=262144)
def phrase_words(phrase: str) -> tuple[str, ...]:
    """A phrase's normalised words; a word written with a trailing `*` keeps it."""
    marked = _STAR_RE.sub(_STAR_MARK, phrase)
    return tuple(w[: -len(_STAR_MARK)] + "*" if w.endswith(_STAR_MARK) else w for w in words(marked))


@lru_cache(maxsize=262144)
def _signal_parts(signal: str) -> list[tuple[str, ...]]:
    """A signal's parts as content words; empty when a part has none."""
    parts = [_content_words(p) for p in signal.split(SIGNAL_SEPARATOR)]
    return parts if all(parts) else []


@lru_cache(maxsize=262144)
def _content_words(phrase: str) -> tuple[str, ...]:
    return tuple(w for w in phrase_words(phrase) if w not in DETERMINERS)


class BankWords:
    """The words the cards use, as a test: real words to the typo rule though English lacks them.

    Searched as one text, built on the first question, because most answers
    never ask: only a typed word within one letter of a keyword, and not in
    the English list, does.
    """

    def __init__(self, cards: Iterable[Card]):
        # Not read until a word needs it: a bank from the index keeps each
        # card's words there, and reading 10,000 whole cards would be waste.
        self._cards = cards
        self._words: frozenset[str] | None = None

    def __call__(self, word: str) -> bool:
        return word in self.words()

    def words(self) -> frozenset[str]:
        """Every word the cards use (read once)."""
        if self._words is None:
            # A Bank's index (not a list's .index method) keeps the words.
            vocabulary = getattr(getattr(self._cards, "index", None), "vocabulary", None)
            if vocabulary is not None:
                self._words = vocabulary()
            else:
                # Case-folded words are enough here, and a full `fold` of a whole
                # bank's text would cost more than the rest of a `prep grade`.
                text = "\n".join(_card_text(card) for card in self._cards)
                self._words = frozenset(plain_words(text))
        return self._words


def _card_text(card: Card) -> str:
    texts = [card.question, card.short_answer, card.title, *card.aliases]
    for point in card.key_points:
        texts.extend((point.point, *point.keywords, *point.contradicts))
    for mistake in card.common_mistakes:
        texts.extend((mistake.mistake, mistake.correction, *mistake.signals))
    return "\n".join(texts)


def bank_vocabulary(cards: Iterable[Card]) -> BankWords:
    """The words of every card in a bank, for `assess(..., known=...)`."""
    return BankWords(cards)


# ---------------------------------------------------------------------------
# The answer, parsed once


@dataclass(frozen=True)
class Match:
    start: int  # word positions in the answer, end exclusive
    end: int
    clause: int
    negated: bool
    refuted: bool
    evidence: str


@dataclass
class _Clause:
    text: str
    start: int
    end: int
    refuted: bool = False
    question: bool = False
    antecedent: bool = False
    introduces: bool = False  # ends in ":", as in "a common mistake: ..."


class ParsedAnswer:
    """An answer cut into clauses and indexed so each phrase is a few lookups.

    Comparing every keyword word with every answer word by edit distance
    would cost keywords × words comparisons. Instead the singular forms of the
    answer's words are indexed, and a typo is looked for only among the words
    of similar length that are not real words.
    """

    def __init__(self, answer: str, known: Callable[[str], bool] = lambda _: False):
        self.words: list[str] = []
        self.clause_of: list[int] = []
        self.clauses: list[_Clause] = []
        self._known = known
        for raw in _split_clauses(answer):
            clause_words = [w for w in words(raw) if w not in DETERMINERS]
            if not clause_words:
                continue
            index = len(self.clauses)
            # The text quoted back as evidence; a colon kept to mark an
            # introducing clause is not part of what was said.
            text = raw.strip()
            clause = _Clause(
                text[:-1].rstrip() if text.endswith(":") else text,
                len(self.words),
                len(self.words) + len(clause_words),
            )
            clause.antecedent = clause_words[0] in _CONDITIONAL_OPENERS
            clause.question = bool(_QUESTION_END_RE.search(raw))
            clause.introduces = raw.rstrip().endswith(":")
            self.words.extend(clause_words)
            self.clause_of.extend([index] * len(clause_words))
            self.clauses.append(clause)
        self._positions_by_form: dict[str, set[int]] = {}
        for position, word in enumerate(self.words):
            for form in singular_forms(word):
                self._positions_by_form.setdefault(form, set()).add(position)
        self._cache: dict[str, frozenset[int]] = {}
        self._by_deletion: dict[str, set[str]] | None = None
        self._sorted_forms: list[str] | None = None
        for cue in REFUTING_CUES:
            parts = _signal_parts(cue)
            if all(self._positions(word) for part in parts for word in part):
                for start, _, _ in self._spans(parts):
                    self.clauses[self.clause_of[start]].refuted = True
        # "A common mistake: MSE is robust." The cue's clause only introduces
        # the belief; the clause after the colon is what is reported.
        for before, after in itertools.pairwise(self.clauses):
            if before.refuted and before.introduces:
                after.refuted = True
            # "MSE is robust, which is a myth": the verdict looks back.
            if _VERDICT_ON_BEFORE_RE.match(after.text):
                before.refuted = True

    # -- matching ----------------------------------------------------------

    def find(self, phrase: str) -> list[Match]:
        """Every place the phrase or signal matches, with its polarity."""
        parts = _signal_parts(phrase)
        # Most phrases of most cards are absent from most answers: a word
        # that is nowhere settles it before any span is built.
        if not parts or not all(self._positions(word) for part in parts for word in part):
            return []
        matches = []
        for start, end, own in self._spans(parts):
            clause_index = self.clause_of[start]
            clause = self.clauses[clause_index]
            matches.append(
                Match(
                    start,
                    end,
                    clause_index,
                    negated=self._negated(start, end, own, clause),
                    refuted=clause.refuted or clause.question,
                    evidence=clause.text,
                )
            )
        return matches

    def find_asserted(self, phrase: str) -> str | None:
        """The clause that asserts the phrase (matched, not negated, not reported), if any."""
        for match in self.find(phrase):
            if not match.negated and not match.refuted:
                return match.evidence
        return None

    def clause_words(self) -> list[list[str]]:
        return [self.words[c.start : c.end] for c in self.clauses]

    def reads_as_sentences(self) -> bool:
        """Whether the answer says something rather than lists words: it has a
        clause of a few words, and somewhere a verb, pronoun or preposition."""
        long_clause = any(c.end - c.start >= _MIN_SENTENCE_WORDS for c in self.clauses)
        return long_clause and bool(_SENTENCE_GLUE & set(self.words))

    def _spans(self, parts: list[tuple[str, ...]]) -> list[tuple[int, int, frozenset[int]]]:
        """(start, end, positions of the phrase's own words) for each match."""
        found = []
        for start in sorted(self._phrase_starts(parts[0])):
            end = start + len(parts[0])
            own = set(range(start, end))
            clause = self.clause_of[start]
            if self.clause_of[end - 1] != clause:
                continue  # a phrase never runs across a clause break
            # A signal may run from an "if ..." clause into the one after it:
            # "if the training loss goes up, that's overfitting" is one claim.
            reach = {clause, clause + 1} if self.clauses[clause].antecedent else {clause}
            ok = True
            for part in parts[1:]:
                nexts = [
                    s
                    for s in self._phrase_starts(part)
                    if end <= s <= end + SIGNAL_GAP
                    and self.clause_of[s] in reach
                    and self.clause_of[s + len(part) - 1] == self.clause_of[s]
                ]
                if not nexts:
                    ok = False
                    break
                end = min(nexts) + len(part)
                own |= set(range(min(nexts), end))
            if ok:
                found.append((start, end, frozenset(own)))
        return found

    def _phrase_starts(self, phrase: tuple[str, ...]) -> set[int]:
        candidates: AbstractSet[int] = self._positions(phrase[0])
        for offset, word in enumerate(phrase[1:], start=1):
            if not candidates:
                break
            following = self._positions(word)
            candidates = {p for p in candidates if p + offset in following}
        return set(candidates)

    def _negated(self, start: int, end: int, own: frozenset[int], clause: _Clause) -> bool:
        first = max(clause.start, start - NEGATION_REACH)
        for position in range(first, end):
            if position in own or not self._is_negation(position, own):
                continue
            # The match's own first word counts: "never negative because…"
            # stops at "because" even when "because" opens the match.
            between = self.words[position + 1 : start + 1]
            if position < start and _SCOPE_ENDS & set(between):
                continue
            return True
        return False

    def _is_negation(self, position: int, own: frozenset[int]) -> bool:
        word = self.words[position]
        if word not in NEGATIONS:
            return False
        following = self.words[position + 1] if position + 1 < len(self.words) else ""
        # "instead of X", "rather than X" deny X; "ridge instead shrinks" does not.
        if word in _NEEDS_NEXT:
            return following == _NEEDS_NEXT[word]
        # "not only X" asserts X; but a phrase that itself says "only X" is
        # what "not only" denies.
        if following in _NOT_NEGATING_NEXT.get(word, frozenset()):
            return position + 1 in own
        return True

    def _positions(self, word: str) -> frozenset[int]:
        cached = self._cache.get(word)
        if cached is None:
            cached = frozenset(self._find_word(word))
            self._cache[word] = cached
        return cached

    def _find_word(self, word: str) -> set[int]:
        if word.endswith("*"):
            # The forms that start with the stem sit together in sorted order.
            stem = word[:-1]
            if self._sorted_forms is None:
                self._sorted_forms = sorted(self._positions_by_form)
            found_star: set[int] = set()
            for form in self._sorted_forms[bisect_left(self._sorted_forms, stem) :]:
                if not form.startswith(stem):
                    break
                found_star |= self._positions_by_form[form]
            return found_star
        found: set[int] = set()
        for form in singular_forms(word):
            found |= self._positions_by_form.get(form, set())
        # A typo is looked for only where the word itself is absent: the
        # search costs more than everything else, and rarely adds a match.
        if not found and len(word) >= TYPO_MIN_LENGTH and word not in _CUE_WORDS:
            found |= self._typos_of(word)
        return found

    def _typos_of(self, word: str) -> set[int]:
        # Two words within one edit share a one-letter deletion (symmetric
        # deletion), so only answer words that share one are compared.
        if self._by_deletion is None:
            self._by_deletion = {}
            # A real word is never a typo. Once the word list is a set (after a
            # few look-ups, as in `prep check`), leaving real words out here is
            # cheaper than indexing them: most of an answer's words are real.
            skip_real = english_words_in_memory()
            for form in self._positions_by_form:
                if len(form) < TYPO_MIN_LENGTH - 1 or (skip_real and not self._is_typo(form)):
                    continue
                for key in _deletion_keys(form):
                    self._by_deletion.setdefault(key, set()).add(form)
        if not self._by_deletion:
            return set()
        found: set[int] = set()
        for form in singular_forms(word):
            if len(form) < TYPO_MIN_LENGTH:
                continue
            for key in _deletion_keys(form):
                for answer_form in self._by_deletion.get(key, ()):
                    if (
                        answer_form != form
                        and within_one_edit(form, answer_form)
                        and self._is_typo(answer_form)
                    ):
                        found |= self._positions_by_form[answer_form]
        return found

    def _is_typo(self, answer_word: str) -> bool:
        # A real word is what the user meant: "based" is not "biased" mistyped.
        return not is_real_word(answer_word, self._known)


@lru_cache(maxsize=65536)
def _deletion_keys(word: str) -> frozenset[str]:
    return frozenset([word, *(word[:i] + word[i + 1 :] for i in range(len(word)))])


def _split_clauses(answer: str) -> list[str]:
    pieces: list[str] = []
    last = 0
    depth_at = _bracket_depths(answer)
    for match in _CLAUSE_SPLIT_RE.finditer(answer):
        cut = match.start()
        if depth_at[cut] > 0 and match.group() == ",":
            continue  # "N(0, 1)" and "[-1, 1]" are one thing, not two clauses
        # Keep a "?" with its clause, so a question can be recognised, and a
        # ":" so a clause that introduces the next can be.
        keep = answer[last : match.end()] if match.group() in ("?", ":") else answer[last:cut]
        pieces.append(keep)
        last = match.end() if match.group() else cut
    pieces.append(answer[last:])
    return [p for p in pieces if p.strip()]


def _bracket_depths(text: str) -> list[int]:
    """How many brackets are open at each character (never below zero)."""
    if not any(ch in text for ch in _OPENING):
        return [0] * (len(text) + 1)
    depths, depth = [], 0
    for ch in text:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        depths.append(depth)
    depths.append(depth)
    return depths

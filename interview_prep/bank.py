"""Finding bank folders, loading and validating cards, and indexing them.

A bank is a folder of `<topic>/<id>.yaml` files. The packaged bank always
loads; `--bank DIR` and `PREP_BANK` add more. Loading never stops at the first
bad card: every problem is collected as a `CardError` with `path:line`, so
`prep check` can report them all at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cards import Card, FollowUp, GradingExamples, KeyPoint, Mistake, Snippet, Tier, WrongExample
from .errors import BankError, CardError, LookupFailed

if TYPE_CHECKING:
    from .index import BankIndex, CardSummary, ListedCard
    from .tracks import Track

BANK_ENV = "PREP_BANK"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

REQUIRED_FIELDS = ("id", "title", "topic", "tier", "question", "short_answer", "key_points")
OPTIONAL_FIELDS = (
    "aliases",
    "tags",
    "intuition",
    "math",
    "worked_example",
    "snippet",
    "follow_ups",
    "common_mistakes",
    "related",
    "answers",
)
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
STRING_FIELDS = (
    "id",
    "title",
    "topic",
    "tier",
    "question",
    "short_answer",
    "intuition",
    "math",
    "worked_example",
)
STRING_LIST_FIELDS = ("aliases", "tags", "related")


def packaged_bank_dir() -> Path:
    """The bank shipped with prep: inside the package in a wheel, beside it in a checkout."""
    here = Path(__file__).resolve().parent
    inside = here / "question_bank"
    if inside.is_dir():
        return inside
    return here.parent / "question_bank"


def bank_dirs(extra: Sequence[Path] = (), environ: Mapping[str, str] | None = None) -> list[Path]:
    """The packaged bank, then PREP_BANK's folders, then each --bank folder, without repeats."""
    environ = os.environ if environ is None else environ
    from_env = [Path(p) for p in environ.get(BANK_ENV, "").split(os.pathsep) if p.strip()]
    dirs: list[Path] = []
    seen: set[Path] = set()
    for source, path in (
        [("packaged", packaged_bank_dir())]
        + [(BANK_ENV, p) for p in from_env]
        + [("--bank", p) for p in extra]
    ):
        if not path.is_dir():
            raise BankError(f"{source} folder {str(path)!r} does not exist or is not a folder")
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            dirs.append(path)
    return dirs


# ---------------------------------------------------------------------------
# Parsing one file


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class _Parsed:
    data: object
    lines: dict[str, int]


def _parse_yaml(path: Path, raw: bytes) -> _Parsed:
    import yaml

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CardError(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    from .textsafe import UNSAFE_RE, first_control_character

    found = UNSAFE_RE.search(text.replace("\r\n", "\n"))
    if found:
        # Card text reaches the terminal: an escape sequence could retitle the
        # window, write the clipboard or hide text. (YAML would also refuse it,
        # less clearly and without a line.)
        line = text[: found.start()].count("\n") + 1
        shown = first_control_character(found.group())
        raise CardError(path, line, f"control character {shown} is not allowed in a card")
    loader = _yaml_loader()(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        problem = _index_lines(node, lines) if node is not None else None
        if problem:
            raise CardError(path, problem[0], problem[1])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "could not parse"
        raise CardError(path, line, f"not valid YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise CardError(path, 1, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return _Parsed(data, lines)


def _index_lines(node: Any, lines: dict[str, int]) -> tuple[int, str] | None:
    """Record the line of each field and list item; report a field given twice."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is None:
            continue
        if key in lines:
            return key_node.start_mark.line + 1, f"field {key!r} is given twice (first on line {lines[key]})"
        lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode):
            for i, item in enumerate(value_node.value):
                lines[f"{key}[{i}]"] = item.start_mark.line + 1
        elif isinstance(value_node, yaml.MappingNode):
            for sub_key, _ in value_node.value:
                if isinstance(sub_key, yaml.ScalarNode):
                    lines[f"{key}.{sub_key.value}"] = sub_key.start_mark.line + 1
    return None


# ---------------------------------------------------------------------------
# Validating one card's fields

# How a validator reports a problem: the field (for its line) and the message.
Report = Callable[[str | None, str], None]


def _type_name(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _build_card(path: Path, parsed: _Parsed) -> tuple[Card | None, list[CardError]]:
    data, lines = parsed.data, parsed.lines
    errors: list[CardError] = []

    def err(where: str | None, message: str) -> None:
        line = lines.get(where, None) if where else None
        errors.append(CardError(path, line or 1, message))

    if not isinstance(data, dict):
        err(None, f"a card must be a mapping of fields, not {_type_name(data)}")
        return None, errors

    for key, value in data.items():
        control = _control_character(value)
        if control:
            # Card text reaches the terminal; an escape sequence could retitle
            # the window, write the clipboard or hide text.
            err(str(key), f"control character {control} in field {key!r}")
    for key in data:
        if key not in ALL_FIELDS:
            err(str(key), f"unknown field {key!r}{_did_you_mean(str(key), ALL_FIELDS)}")
    for key in REQUIRED_FIELDS:
        if key not in data:
            err(None, f"missing required field {key!r}")

    for key in STRING_FIELDS:
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            err(key, f"field {key!r} must be non-empty text, not {_type_name(data[key])}")
    for key in STRING_LIST_FIELDS:
        if key in data and not _is_list_of_strings(data[key]):
            err(key, f"field {key!r} must be a list of text items, not {_type_name(data[key])}")

    card_id = data.get("id")
    if isinstance(card_id, str):
        if not ID_PATTERN.match(card_id):
            err("id", f"id {card_id!r} is not kebab-case (lowercase letters, digits and '-')")
        elif card_id != path.stem:
            err("id", f"id {card_id!r} does not match the file name {path.name!r}")
    topic = data.get("topic")
    if isinstance(topic, str) and topic != path.parent.name:
        err("topic", f"topic {topic!r} does not match the folder {path.parent.name!r}")
    tier_value = data.get("tier")
    tier = None
    if isinstance(tier_value, str):
        try:
            tier = Tier(tier_value)
        except ValueError:
            err("tier", f"tier {tier_value!r} is not one of {', '.join(Tier.names())}")

    key_points = _key_points(data.get("key_points"), err)
    snippet = _snippet(data.get("snippet"), err) if "snippet" in data else None
    follow_ups = _follow_ups(data.get("follow_ups", []), err)
    mistakes = _mistakes(data.get("common_mistakes", []), err)
    answers = _answers(data["answers"], len(mistakes), err) if "answers" in data else None

    if errors:
        return None, errors
    # Every check above passed, so these hold; the asserts tell the type checker.
    assert isinstance(card_id, str) and isinstance(topic, str) and tier is not None
    card = Card(
        id=card_id,
        title=data["title"].strip(),
        topic=topic,
        tier=tier,
        question=data["question"].strip(),
        short_answer=data["short_answer"].strip(),
        key_points=key_points,
        aliases=tuple(a.strip() for a in data.get("aliases", [])),
        tags=tuple(data.get("tags", [])),
        intuition=data.get("intuition", "").strip(),
        math=data.get("math", "").rstrip(),
        worked_example=data.get("worked_example", "").strip(),
        snippet=snippet,
        follow_ups=follow_ups,
        common_mistakes=mistakes,
        related=tuple(data.get("related", [])),
        answers=answers,
        path=path,
        lines=lines,
    )
    return card, errors


def _control_character(value: object) -> str | None:
    """The first control character (tab and newline allowed) anywhere in a field's text."""
    from .textsafe import first_control_character

    if isinstance(value, str):
        return first_control_character(value)
    if isinstance(value, list):
        return next((c for v in value if (c := _control_character(v))), None)
    if isinstance(value, dict):
        return next(
            (c for k, v in value.items() if (c := _control_character(k) or _control_character(v))), None
        )
    return None


def _is_list_of_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _key_points(value: object, err: Report) -> tuple[KeyPoint, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        err("key_points", f"field 'key_points' must be a non-empty list, not {_type_name(value)}")
        return ()
    points = []
    for i, item in enumerate(value):
        where = f"key_points[{i}]"
        if not isinstance(item, dict):
            err(where, f"key_points[{i}] must be a mapping with 'point' and 'keywords'")
            continue
        extra = sorted(set(item) - {"point", "keywords", "contradicts"})
        if extra:
            err(where, f"key_points[{i}] has unknown field {extra[0]!r}")
        point, keywords = item.get("point"), item.get("keywords")
        contradicts = item.get("contradicts", [])
        if not _is_list_of_strings(contradicts) or not _signals_ok(contradicts, err, where):
            if not _is_list_of_strings(contradicts):
                err(where, f"key_points[{i}].contradicts must be a list of signals")
            continue
        if not (isinstance(point, str) and point.strip()):
            err(where, f"key_points[{i}].point must be non-empty text")
            continue
        if not (_is_list_of_strings(keywords) and keywords):
            err(where, f"key_points[{i}].keywords must be a non-empty list of text items")
            continue
        points.append(
            KeyPoint(
                point.strip(),
                tuple(k.strip().lower() for k in keywords),
                tuple(c.strip() for c in contradicts),
            )
        )
    return tuple(points)


def _signals_ok(signals: list[str], err: Report, where: str) -> bool:
    from .grading import signal_problem

    ok = True
    for signal in signals:
        problem = signal_problem(signal)
        if problem:
            err(where, f"signal {signal!r}: {problem}")
            ok = False
    return ok


def _mistakes(value: object, err: Report) -> tuple[Mistake, ...]:
    """Plain strings (format 1) or {mistake, correction, signals} mappings."""
    if not isinstance(value, list):
        err("common_mistakes", f"field 'common_mistakes' must be a list, not {_type_name(value)}")
        return ()
    mistakes = []
    for i, item in enumerate(value):
        where = f"common_mistakes[{i}]"
        if isinstance(item, str) and item.strip():
            mistakes.append(Mistake(item.strip()))
            continue
        if not isinstance(item, dict):
            err(
                where,
                f"common_mistakes[{i}] must be text or a mapping with 'mistake', 'correction' and 'signals'",
            )
            continue
        extra = sorted(set(item) - {"mistake", "correction", "signals"})
        if extra:
            err(where, f"common_mistakes[{i}] has unknown field {extra[0]!r}")
        text, correction, signals = item.get("mistake"), item.get("correction", ""), item.get("signals", [])
        if not (isinstance(text, str) and text.strip()):
            err(where, f"common_mistakes[{i}].mistake must be non-empty text")
            continue
        if not isinstance(correction, str):
            err(where, f"common_mistakes[{i}].correction must be text")
            continue
        if not _is_list_of_strings(signals):
            err(where, f"common_mistakes[{i}].signals must be a list of signals")
            continue
        if not _signals_ok(signals, err, where):
            continue
        mistakes.append(Mistake(text.strip(), correction.strip(), tuple(s.strip() for s in signals)))
    return tuple(mistakes)


def _answers(value: object, mistakes: int, err: Report) -> GradingExamples | None:
    if not isinstance(value, dict):
        err("answers", f"field 'answers' must be a mapping with 'good' and 'wrong', not {_type_name(value)}")
        return None
    extra = sorted(set(value) - {"good", "wrong"})
    if extra:
        err(f"answers.{extra[0]}", f"answers has unknown field {extra[0]!r}")
    good = value.get("good", [])
    if not _is_list_of_strings(good):
        err("answers.good", "answers.good must be a list of answers (text)")
        good = []
    wrong: list[WrongExample] = []
    raw_wrong = value.get("wrong", [])
    if not isinstance(raw_wrong, list):
        err("answers.wrong", "answers.wrong must be a list of {text, mistake}")
        raw_wrong = []
    for i, item in enumerate(raw_wrong):
        text = item.get("text") if isinstance(item, dict) else None
        number = item.get("mistake") if isinstance(item, dict) else None
        if not (isinstance(text, str) and text.strip()) or set(item) - {"text", "mistake"}:
            err("answers.wrong", f"answers.wrong[{i}] must be a mapping with 'text' and 'mistake'")
            continue
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= mistakes:
            err(
                "answers.wrong",
                f"answers.wrong[{i}].mistake must be the number (1 to {mistakes}) of a common mistake",
            )
            continue
        wrong.append(WrongExample(text.strip(), number))
    return GradingExamples(tuple(g.strip() for g in good), tuple(wrong))


def _snippet(value: object, err: Report) -> Snippet | None:
    if not isinstance(value, dict):
        err("snippet", f"field 'snippet' must be a mapping with 'code' and 'output', not {_type_name(value)}")
        return None
    extra = sorted(set(value) - {"code", "output"})
    if extra:
        err(
            f"snippet.{extra[0]}",
            f"snippet has unknown field {extra[0]!r}{_did_you_mean(extra[0], ['code', 'output'])}",
        )
    code, output = value.get("code"), value.get("output")
    if not (isinstance(code, str) and code.strip()):
        err("snippet.code" if "code" in value else "snippet", "snippet.code must be non-empty text")
        return None
    if not isinstance(output, str):
        err(
            "snippet.output" if "output" in value else "snippet",
            "snippet.output must be text (what the code prints)",
        )
        return None
    return Snippet(code, output)


def _follow_ups(value: object, err: Report) -> tuple[FollowUp, ...]:
    if not isinstance(value, list):
        err("follow_ups", f"field 'follow_ups' must be a list, not {_type_name(value)}")
        return ()
    items = []
    for i, item in enumerate(value):
        where = f"follow_ups[{i}]"
        if not isinstance(item, dict):
            err(where, f"follow_ups[{i}] must be a mapping with 'question' and optional 'card'")
            continue
        extra = sorted(set(item) - {"question", "card"})
        if extra:
            err(where, f"follow_ups[{i}] has unknown field {extra[0]!r}")
        question, card = item.get("question"), item.get("card")
        if not (isinstance(question, str) and question.strip()):
            err(where, f"follow_ups[{i}].question must be non-empty text")
            continue
        if card is not None and not (isinstance(card, str) and card.strip()):
            err(where, f"follow_ups[{i}].card must be a card id")
            continue
        items.append(FollowUp(question.strip(), card.strip() if card else None))
    return tuple(items)


# ---------------------------------------------------------------------------
# The bank


# Punctuation a name may hold that never tells two names apart.
_NAME_PUNCTUATION = str.maketrans({ch: " " for ch in "-_()[]{},.:;!?\"'`"})


def normalise_name(text: str) -> str:
    """How ids, aliases, titles and queries are compared: case, '-', '_' and spacing ignored."""
    # A translation table rather than a regular expression: a first build
    # of 10,000 cards normalises 140,000 names.
    return " ".join(text.lower().translate(_NAME_PUNCTUATION).split())


class Bank:
    """The usable cards of the loaded bank folders, read from the bank index as needed.

    `summaries` (id, title, topic, tier, tags of every usable card) is read at
    once; a whole card is read only when asked for, so a lookup in a bank of
    10,000 cards reads one.
    """

    def __init__(self, index: BankIndex):
        self.index = index
        self.folders = index.folders
        self.problems = index.problems()
        self._summaries: dict[str, CardSummary] | None = None
        self.cards = _Cards(index, self)
        self._names: dict[str, str] | None = None

    @property
    def summaries(self) -> dict[str, CardSummary]:
        """Id, title, topic, tier, tags and aliases of every usable card, read on first use,
        in topic, tier rank and id order.

        A lookup by name never reads them: in a bank of 10,000 cards that is
        most of what a lookup would cost.
        """
        if self._summaries is None:
            self._summaries = self.index.summaries()
        return self._summaries

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def files_read(self) -> int:
        return self.index.files_read

    def __len__(self) -> int:
        return len(self.summaries)

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards.values())

    def get(self, card_id: str) -> Card | None:
        return self.cards.get(card_id)

    @property
    def names(self) -> dict[str, str]:
        """Every normalised id, alias and title, and the card it names."""
        if self._names is None:
            self._names = self.index.names()
        return self._names

    def named(self, query: str) -> Card | None:
        """The card whose id, alias or title `query` is exactly (after normalising)."""
        card_id = self.index.name(normalise_name(query))
        return self.cards.get(card_id) if card_id else None

    def topics(self) -> list[str]:
        return sorted({card.topic for card in self.summaries.values()})

    def tags(self) -> list[str]:
        return sorted({tag for card in self.summaries.values() for tag in card.tags})

    def select_summaries(
        self,
        topics: Sequence[str] = (),
        tiers: Sequence[Tier] = (),
        tags: Sequence[str] = (),
    ) -> list[CardSummary]:
        """Cards matching every filter given, in topic, tier, id order, without loading them.

        The index returns summaries in that order already (the SQL sorts by
        topic, tier rank and id, and UTF-8 byte order is code point order), so
        nothing is sorted again: at 10,000 cards that was a fifth of `prep list`.
        """
        if not (topics or tiers or tags):
            return list(self.summaries.values())
        wanted = set(tags)
        return [
            card
            for card in self.summaries.values()
            if (not topics or card.topic in topics)
            and (not tiers or card.tier in tiers)
            and (not tags or not wanted.isdisjoint(card.tags))
        ]

    def select(
        self,
        topics: Sequence[str] = (),
        tiers: Sequence[Tier] = (),
        tags: Sequence[str] = (),
    ) -> list[Card]:
        """Cards matching every filter given, in topic, tier, id order."""
        chosen = self.select_summaries(topics, tiers, tags)
        return list(self.cards.load([c.id for c in chosen]).values())

    def choose_summaries(
        self,
        topics: Sequence[str] = (),
        tiers: Sequence[str] = (),
        tags: Sequence[str] = (),
        *,
        allow_none: bool = False,
    ) -> list[CardSummary]:
        """What a user's --topic, --tier and --tag pick, each name checked.

        An unknown topic, tier or tag is a LookupFailed naming the choices;
        so is a selection that leaves no card, unless `allow_none`.
        """
        chosen = self.select_summaries(self.check_topics(topics), parse_tiers(tiers), self.check_tags(tags))
        if not chosen and not allow_none:
            raise LookupFailed("no cards match those filters; see: prep topics")
        return chosen

    def choose(
        self,
        topics: Sequence[str] = (),
        tiers: Sequence[str] = (),
        tags: Sequence[str] = (),
        *,
        allow_none: bool = False,
    ) -> list[Card]:
        """The cards a user's --topic, --tier and --tag pick (see choose_summaries)."""
        chosen = self.choose_summaries(topics, tiers, tags, allow_none=allow_none)
        return list(self.cards.load([c.id for c in chosen]).values())

    def choose_listing(self, topics: Sequence[str] = (), tiers: Sequence[str] = ()) -> list[ListedCard]:
        """What `prep list --topic … --tier …` shows, each name checked, in topic, tier, id order."""
        chosen_topics = set(self.check_topics(topics, self.index.topics()))
        chosen_tiers = set(parse_tiers(tiers))
        return [
            card
            for card in self.index.listing()
            if (not chosen_topics or card.topic in chosen_topics)
            and (not chosen_tiers or card.tier in chosen_tiers)
        ]

    def check_topics(self, topics: Sequence[str], known: list[str] | None = None) -> list[str]:
        known = self.topics() if known is None else known
        for topic in topics:
            if topic not in known:
                raise LookupFailed(
                    f"no topic {topic!r}{_did_you_mean(topic, known)}; topics are: {', '.join(known)}"
                )
        return list(topics)

    def check_tags(self, tags: Sequence[str]) -> list[str]:
        known = self.tags()
        for tag in tags:
            if tag not in known:
                raise LookupFailed(f"no card has the tag {tag!r}{_did_you_mean(tag, known)}")
        return list(tags)

    def tracks(self) -> tuple[dict[str, Track], list[CardError]]:
        """The tracks every loaded bank defines (tracks.yaml), and their problems."""
        from .tracks import load_tracks

        return load_tracks(self.folders, self.topics())

    def choose_topics(self, topics: Sequence[str], tracks: Sequence[str]) -> list[str]:
        """--topic, narrowed to the --track's topics when both are given (each name checked)."""
        from .tracks import track_topics

        chosen = self.check_topics(topics)
        if not tracks:
            return chosen
        in_tracks = track_topics(self.tracks()[0], tracks)
        if not chosen:
            return in_tracks
        both = [t for t in chosen if t in in_tracks]
        if not both:
            raise LookupFailed(f"topic {chosen[0]!r} is not in track {tracks[0]!r}; see: prep topics")
        return both

    def skipped_note(self) -> str | None:
        """One line for a command that runs on the good cards while some are skipped."""
        if not self.problems:
            return None
        count = len({str(p.path) for p in self.problems})
        files = "1 card file has problems" if count == 1 else f"{count} card files have problems"
        return (
            f"{files} (a card that cannot load is skipped), first {self.problems[0]};"
            " prep check lists them all"
        )


class _Cards(Mapping[str, Card]):
    """Whole cards by id, read from the index on first use and kept."""

    def __init__(self, index: BankIndex, bank: Bank):
        self._index = index
        self._bank = bank
        self._loaded: dict[str, Card] = {}

    def __getitem__(self, card_id: str) -> Card:
        card = self.get(card_id)
        if card is None:
            raise KeyError(card_id)
        return card

    def get(self, card_id: str, default: Card | None = None) -> Card | None:  # type: ignore[override]
        if card_id not in self._loaded:
            # One row by primary key: no need to read every summary first.
            card = self._index.card(card_id)
            if card is None:
                return default
            self._loaded[card_id] = card
        return self._loaded[card_id]

    def __contains__(self, card_id: object) -> bool:
        return isinstance(card_id, str) and self.get(card_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._bank.summaries)

    def __len__(self) -> int:
        return len(self._bank.summaries)

    def values(self) -> Any:
        return self.load(list(self._bank.summaries)).values()

    def load(self, ids: Sequence[str]) -> dict[str, Card]:
        """These cards, read in one query where not read before, in the order given."""
        missing = [i for i in ids if i not in self._loaded]
        if missing:
            self._loaded.update(self._index.cards(missing))
        return {i: self._loaded[i] for i in ids if i in self._loaded}


def parse_tiers(values: Sequence[str]) -> list[Tier]:
    tiers = []
    for value in values:
        try:
            tiers.append(Tier(value.strip().lower()))
        except ValueError:
            raise LookupFailed(f"no tier {value!r}; tiers are: {', '.join(Tier.names())}") from None
    return tiers


def load_bank(folders: Sequence[Path]) -> Bank:
    """Parse every card under `folders` now, into an index in memory; problems are collected, not raised."""
    from .index import open_index

    return Bank(open_index(folders, None))


# A card is a page of text; anything far larger is a mistake or an attack
# (a link to /dev/zero would otherwise be read until memory runs out).
MAX_CARD_BYTES = 256 * 1024


def read_card_file(path: Path) -> bytes:
    """A card file's bytes: only a regular file (a FIFO would hang the read), and not too large."""
    import stat

    info = path.stat()  # follows a link: what matters is what is read
    if not stat.S_ISREG(info.st_mode):
        raise CardError(path, 1, "not a regular file (a device, FIFO or socket is never read)")
    if info.st_size > MAX_CARD_BYTES:
        raise CardError(
            path, 1, f"card file is {info.st_size // 1024} KiB; the limit is {MAX_CARD_BYTES // 1024} KiB"
        )
    with open(path, "rb") as f:
        raw = f.read(MAX_CARD_BYTES + 1)
    if len(raw) > MAX_CARD_BYTES:  # it grew while we looked
        raise CardError(path, 1, f"card file is over the {MAX_CARD_BYTES // 1024} KiB limit")
    return raw


def open_bank(extra: Sequence[Path] = (), cache: Path | None = None) -> Bank:
    """The packaged bank and the user's, from the index in `cache` (kept up to date).

    Cards with problems are left out and listed in `bank.problems`; the
    caller decides whether that stops it (`prep check`) or is one line of
    warning (every other command).
    """
    from .index import open_index

    return Bank(open_index(bank_dirs(extra), cache))


class BankProblems(BankError):
    """One or more cards are invalid; each problem is one `path:line: message` line."""

    def __init__(self, problems: Sequence[CardError]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

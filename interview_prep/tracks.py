"""Tracks: the topics a role is interviewed on, defined by the banks themselves.

Each bank folder may hold a `tracks.yaml` beside its topic folders:

    data-scientist:
      description: Statistics, experiments, classic models, SQL.
      topics: [statistics, experiments, sql]

A user's bank can add a track or add topics to one the shipped bank defines;
the topics of a track are the union over every loaded bank. Read only when
a command asks for tracks, so a lookup never pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CardError, LookupFailed

TRACKS_FILE = "tracks.yaml"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Track:
    name: str
    description: str = ""
    topics: list[str] = field(default_factory=list)


def load_tracks(
    folders: Sequence[Path], known_topics: Sequence[str]
) -> tuple[dict[str, Track], list[CardError]]:
    """Every track of every folder, merged, and the problems found (path:line)."""
    import yaml

    from .bank import _did_you_mean, read_card_file

    tracks: dict[str, Track] = {}
    problems: list[CardError] = []
    for folder in folders:
        path = folder / TRACKS_FILE
        if not path.exists():
            continue
        try:
            text = read_card_file(path).decode("utf-8")
            node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, CardError) as exc:
            problems.append(CardError(path, getattr(exc, "line", None) or 1, f"cannot read tracks: {exc}"))
            continue
        lines = {
            key.value: key.start_mark.line + 1
            for key, _ in (node.value if isinstance(node, yaml.MappingNode) else [])
            if isinstance(key, yaml.ScalarNode)
        }
        if not isinstance(data, dict):
            problems.append(CardError(path, 1, "tracks.yaml must map each track's name to its topics"))
            continue
        for name, spec in data.items():
            line = lines.get(str(name), 1)
            if not (isinstance(name, str) and _NAME.match(name)):
                problems.append(CardError(path, line, f"track name {name!r} is not kebab-case"))
                continue
            if not isinstance(spec, dict) or set(spec) - {"description", "topics"}:
                problems.append(
                    CardError(path, line, f"track {name!r} must have 'topics' and may have 'description'")
                )
                continue
            topics = spec.get("topics")
            if not (isinstance(topics, list) and topics and all(isinstance(t, str) for t in topics)):
                problems.append(
                    CardError(path, line, f"track {name!r}: 'topics' must be a list of topic names")
                )
                continue
            unknown = [t for t in topics if t not in known_topics]
            if unknown:
                problems.append(
                    CardError(
                        path,
                        line,
                        f"track {name!r} names unknown topic {unknown[0]!r}{_did_you_mean(unknown[0], known_topics)}",
                    )
                )
            track = tracks.setdefault(name, Track(name))
            if isinstance(spec.get("description"), str) and not track.description:
                track.description = spec["description"].strip()
            track.topics += [t for t in topics if t in known_topics and t not in track.topics]
    return tracks, problems


def track_topics(tracks: dict[str, Track], names: Sequence[str]) -> list[str]:
    """The topics of the named tracks; an unknown name is a LookupFailed naming the choices."""
    from .bank import _did_you_mean

    topics: list[str] = []
    for name in names:
        if name not in tracks:
            choices = ", ".join(sorted(tracks)) or "none are defined"
            raise LookupFailed(f"no track {name!r}{_did_you_mean(name, tracks)}; tracks are: {choices}")
        topics += [t for t in tracks[name].topics if t not in topics]
    return topics


def tracks_of(tracks: dict[str, Track]) -> dict[str, list[str]]:
    """Each topic's tracks, for `prep topics`."""
    belongs: dict[str, list[str]] = {}
    for track in sorted(tracks.values(), key=lambda t: t.name):
        for topic in track.topics:
            belongs.setdefault(topic, []).append(track.name)
    return belongs

"""Run card snippets and write what they print into the cards' `output` blocks.

    python scripts/refresh_outputs.py mse huber                  # cards by id
    python scripts/refresh_outputs.py question_bank/loss/mse.yaml [more.yaml ...]
    python scripts/refresh_outputs.py --check question_bank     # report, change nothing

A stored output must be what the snippet printed; this is the one way a card
author should fill it in. The file is edited as text, so comments and layout
elsewhere in the card stay as written. A snippet that fails is reported and
its card is left alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interview_prep.bank import bank_dirs
from interview_prep.runner import outputs_match, run_snippet


def yaml_block(key_indent: int, text: str) -> list[str]:
    lines = [line.rstrip() for line in text.rstrip("\n").split("\n")]
    pad = " " * (key_indent + 2)
    first = next((line for line in lines if line), "")
    # A block whose first line starts with a space needs an explicit indent.
    header = "|2" if first.startswith(" ") else "|"
    out = [" " * key_indent + f"output: {header}\n"]
    out += [(pad + line if line else "") + "\n" for line in lines]
    return out


def rewrite_output(path: Path, new_output: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    snippet_at = next((i for i, line in enumerate(lines) if line.rstrip() == "snippet:"), None)
    if snippet_at is None:
        raise SystemExit(f"{path}: no top-level `snippet:` key")
    # The snippet mapping ends at the next top-level key.
    end = next(
        (i for i in range(snippet_at + 1, len(lines)) if lines[i][:1] not in (" ", "\n", "")),
        len(lines),
    )
    out_at = next((i for i in range(snippet_at + 1, end) if lines[i].lstrip().startswith("output:")), None)
    if out_at is None:
        indent = 2
        new = yaml_block(indent, new_output)
        lines[end:end] = new
    else:
        indent = len(lines[out_at]) - len(lines[out_at].lstrip())
        stop = out_at + 1
        while stop < end and (not lines[stop].strip() or _indent(lines[stop]) > indent):
            stop += 1
        # Keep blank lines that separate the snippet from the next key.
        while stop > out_at + 1 and not lines[stop - 1].strip():
            stop -= 1
        lines[out_at:stop] = yaml_block(indent, new_output)
    path.write_text("".join(lines), encoding="utf-8")


def card_file(card_id: str) -> Path | None:
    """The file of the card with this id, in any loaded bank (PREP_BANK included)."""
    for folder in bank_dirs():
        for path in folder.glob(f"*/{card_id}.yaml"):
            return path
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def main(argv: list[str] | None = None) -> int:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="card ids, card files or folders of cards")
    parser.add_argument("--check", action="store_true", help="only report cards whose output differs")
    args = parser.parse_args(argv)

    files: list[Path] = []
    for given in args.paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(path.rglob("*.yaml"))
        elif path.is_file():
            files.append(path)
        else:
            found = card_file(given)
            if found is None:
                print(f"refresh_outputs: {given!r} is neither a file nor the id of a card", file=sys.stderr)
                return 2
            files.append(found)

    status = 0
    for path in files:
        try:
            card = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            print(f"{path}: cannot be read as a card ({type(exc).__name__})", file=sys.stderr)
            status = 2
            continue
        if not isinstance(card, dict):
            print(f"{path}: not a card", file=sys.stderr)
            status = 2
            continue
        snippet = (card or {}).get("snippet")
        if not snippet:
            continue
        result = run_snippet(snippet["code"])
        if not result.ok:
            print(f"{path}: snippet {result.summary()}")
            if result.stderr.strip():
                print(result.stderr.rstrip())
            status = 1
            continue
        if outputs_match(snippet.get("output", ""), result.stdout):
            continue
        if args.check:
            print(f"{path}: stored output differs from what the snippet prints")
            status = 1
        else:
            rewrite_output(path, result.stdout)
            print(f"{path}: output rewritten")
    return status


if __name__ == "__main__":
    raise SystemExit(main())

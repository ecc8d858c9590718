"""How well `prep search` finds the card that answers an interview question.

Reads tests/search/questions*.yaml (questions written the way interviewers
ask them, independently of the cards' wording, each with the card that
answers it) and prints top-1, top-3 and mean reciprocal rank over the
shipped bank. `-v` lists the questions whose card is not in the top 3.

    python scripts/search_quality.py [-v] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interview_prep.bank import bank_dirs, load_bank
from interview_prep.search import search

QUESTIONS = ROOT / "tests" / "search"


def load_questions() -> list[dict[str, str]]:
    """Every questions*.yaml: the first 163 on the original topics, then 129 on part four's."""
    import yaml

    found: list[dict[str, str]] = []
    for path in sorted(QUESTIONS.glob("questions*.yaml")):
        found += yaml.safe_load(path.read_text(encoding="utf-8"))
    return found


def figures(
    questions: list[dict[str, str]], verbose: bool = False, search: Callable[..., list[Any]] = search
) -> dict[str, float]:
    bank = load_bank(bank_dirs())
    top1 = top3 = 0
    reciprocal = 0.0
    for item in questions:
        ids = [hit.card.id for hit in search(bank, item["question"], limit=10)]
        rank = ids.index(item["card"]) + 1 if item["card"] in ids else None
        top1 += rank == 1
        top3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        if verbose and (rank is None or rank > 3):
            print(f"  rank {rank or '>10'}: {item['card']}: {item['question'][:90]}  -> {ids[:3]}")
    n = len(questions)
    return {"questions": n, "top1": top1 / n, "top3": top3 / n, "mrr": reciprocal / n}


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--bm25", action="store_true", help="measure the hand-written BM25 that FTS5 replaced (the yardstick)"
    )
    args = parser.parse_args()
    questions = load_questions()
    if args.bm25:
        from tests.search import bm25_reference

        result = figures(questions, args.verbose, search=bm25_reference.search)
    else:
        result = figures(questions, args.verbose)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['questions']} questions: top-1 {result['top1']:.1%}, "
            f"top-3 {result['top3']:.1%}, MRR {result['mrr']:.3f}"
        )


if __name__ == "__main__":
    main()

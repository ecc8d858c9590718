"""How far the grading can be trusted, measured over the whole bank.

    python scripts/grading_report.py            # every figure, with the cost of assessing
    python scripts/grading_report.py --no-cost  # skip the timing runs
    python scripts/grading_report.py -v         # also list every failing card (not the held-out answers)

Prints: good examples credited, wrong examples caught, parrots (the question
typed back) scoring zero, short answers complete, cross-card confusion, the
buzzword paragraphs, the held-out figures (tests/heldout/answers*.yaml), and
what assessing costs: `prep grade` against `prep explain ID --no-run`, as a
median ratio of paired runs in fresh processes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interview_prep import grading_quality as quality
from interview_prep.bank import bank_dirs, load_bank

HELD_OUT = sorted((ROOT / "tests" / "heldout").glob("answers*.yaml"))
COST_CARD = "mse"
COST_ANSWER = "MSE is robust to outliers, and it is the maximum likelihood loss under Laplace noise."


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "0/0"


class CannotTime(Exception):
    """prep does not run as a command with this Python, so there is nothing to time."""


def cost_ratio(runs: int) -> tuple[float, float, float]:
    """Median seconds of `prep grade` and of `explain --no-run`, and the median of paired ratios."""
    env = dict(os.environ, NO_COLOR="1")
    base = [sys.executable, "-m", "interview_prep"]
    with tempfile.TemporaryDirectory() as home:
        env["PREP_HOME"] = home
        grade = base + ["grade", COST_CARD, "--answer", COST_ANSWER]
        explain = base + ["explain", COST_CARD, "--no-run"]

        def timed(command: list[str]) -> float:
            start = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            return time.perf_counter() - start

        # Warm the bank cache and the disk, and make sure prep runs at all: with
        # a Python that lacks prep's dependencies there is nothing to time.
        warm = subprocess.run(explain, env=env, capture_output=True, text=True, check=False)
        if warm.returncode != 0:
            last = (warm.stderr.strip().splitlines() or ["no output"])[-1]
            raise CannotTime(last)
        grades, explains, ratios = [], [], []
        for i in range(runs):
            # Alternate which goes first, so neither always runs on a warmer machine.
            if i % 2:
                e, g = timed(explain), timed(grade)
            else:
                g, e = timed(grade), timed(explain)
            grades.append(g)
            explains.append(e)
            ratios.append(g / e)
    return statistics.median(grades), statistics.median(explains), statistics.median(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cost", action="store_true", help="skip the timing runs")
    parser.add_argument("--runs", type=int, default=15, help="paired timing runs (default 15)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every failing card")
    parser.add_argument(
        "--held-out-details",
        action="store_true",
        help="also list the held-out answers that fail (spoils the set for whoever reads it: "
        "never show it to someone tuning cards)",
    )
    args = parser.parse_args()

    bank = load_bank(bank_dirs())
    cards = list(bank)
    print(f"bank: {len(cards)} cards")

    examples = quality.example_figures(cards)
    with_answers = sum(1 for c in cards if c.answers is not None)
    print(f"cards with grading examples:   {pct(with_answers, len(cards))}")
    print(f"good examples credited:        {pct(examples.good_credited, examples.good)}")
    print(f"wrong examples caught:         {pct(examples.wrong_caught, examples.wrong)}")
    parrots = quality.parrots(cards)
    print(f"parrots scoring zero:          {pct(len(cards) - len(parrots), len(cards))}")
    incomplete = quality.incomplete_short_answers(cards)
    print(f"short answers complete:        {pct(len(cards) - len(incomplete), len(cards))}")
    confusion = quality.cross_card_confusion(cards)
    print(
        f"cross-card confusion:          {pct(len(confusion.confused_cards), len(cards))} of cards rate an"
        f" unlinked card's short answer good ({len(confusion.pairs)} pairs)"
    )
    buzz = [quality.rated_good(paragraph, cards) for paragraph in quality.BUZZWORD_PARAGRAPHS]
    print(f"buzzword paragraphs rated good: {sum(map(len, buzz))} card ratings over {len(buzz)} paragraphs")
    if args.verbose:
        for name, items in (("parrots", parrots), ("incomplete", incomplete)):
            if items:
                print(f"  {name}: {', '.join(items)}")
        for grader, other in confusion.pairs:
            print(f"  confusion: {grader} rates {other}'s short answer good")
        for paragraph, ids in zip(quality.BUZZWORD_PARAGRAPHS, buzz):
            if ids:
                print(f"  buzzwords {paragraph[:30]!r}… good on: {', '.join(ids)}")

    for held_out in HELD_OUT:
        held = quality.held_out_figures(quality.load_held_out(held_out), bank.cards)
        n = held.cards
        print(f"held-out set: {n} cards, 3 answers each ({held_out.relative_to(ROOT)})")
        print(
            f"  wrong answers caught or suggested again: {pct(held.wrong_flagged, n)}"
            f" (a mistake named in {pct(held.wrong_caught, n)})"
        )
        print(f"  correct answers suggested good, no mistake: {pct(held.correct_good_clean, n)}")
        print(f"  correct answers with a mistake caught:    {pct(held.correct_with_mistake, n)}")
        print(
            f"  partial answers below good: {pct(held.partial_not_good, n)};"
            f" with a mistake caught: {pct(held.partial_with_mistake, n)}"
        )
        if args.held_out_details:
            for failure in held.failures:
                print(f"  {failure}")

    if not args.no_cost:
        try:
            g, e, ratio = cost_ratio(args.runs)
        except CannotTime as exc:
            print(
                f"cost: not measured: prep does not run with {sys.executable} ({exc});"
                " run this script with the project's virtual environment's Python"
            )
            return 1
        print(
            f"cost: prep grade {COST_CARD} {g * 1000:.0f} ms, explain --no-run {e * 1000:.0f} ms;"
            f" median paired ratio {ratio:.2f} (target at most 1.10)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

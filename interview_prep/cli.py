"""The `prep` command line: parse arguments, call the library, render the result.

Kept thin on purpose, and kept fast: `prep --help` must not import numpy,
yaml, sqlite3, fsrs or rich.markdown, so every import of the library's heavier
parts happens inside the command that needs it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .errors import ExitCode, PrepError

HELP = """Interview practice for data science and machine learning.

A bank of question cards, each with a short model answer, the key points a
strong answer covers, follow-ups an interviewer would ask, common mistakes and
a worked example you can run.

\b
Examples:
  prep quiz --topic loss        an interview-style session on one topic
  prep drill --tier advanced    spaced-repetition review of what is due
  prep explain mse              one card in full, its example run live
  prep search "why not mse for classification"
  prep topics                   what the bank covers
"""


class PrepGroup(TyperGroup):
    """Routes every way out through one place: one line on stderr, a named exit code."""

    ORDER = ("quiz", "drill", "stats", "explain", "grade", "search", "list", "topics", "run", "check")

    def list_commands(self, ctx):
        # Help lists what a learner reaches for first, not the order of definition.
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: self.ORDER.index(n) if n in self.ORDER else len(self.ORDER))

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from typer._click import exceptions as click_exceptions

        try:
            result = super().main(
                args=args, prog_name="prep", complete_var=complete_var,
                standalone_mode=False, **extra,
            )
            code = result if isinstance(result, int) else ExitCode.OK
        except click_exceptions.NoArgsIsHelpError as exc:
            # `prep` alone: the help is the answer, not an error.
            typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            code = ExitCode.OK
        except click_exceptions.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "prep"
            _error(f"{exc.format_message()} (see '{command} --help')")
            code = ExitCode.USAGE
        except click_exceptions.ClickException as exc:
            _error(exc.format_message())
            code = exc.exit_code
        except PrepError as exc:
            _error(_shorten(str(exc)))
            code = exc.exit_code
        except (KeyboardInterrupt, typer.Abort):
            _error("interrupted")
            code = ExitCode.INTERRUPTED
        if standalone_mode:
            sys.exit(int(code))
        return int(code)


def _error(message: str) -> None:
    lines = message.splitlines() or [""]
    # Card problems arrive as `path:line: message` lines; print them as they are.
    for line in lines:
        prefix = "" if _looks_located(line) else "prep: "
        typer.echo(f"{prefix}{line}", err=True)


MAX_PROBLEM_LINES = 10


def _shorten(message: str) -> str:
    """A broken bank can hold hundreds of problems; `prep check` is where to read them all."""
    lines = message.splitlines()
    if len(lines) <= MAX_PROBLEM_LINES:
        return message
    rest = len(lines) - MAX_PROBLEM_LINES
    return "\n".join(lines[:MAX_PROBLEM_LINES] + [f"… and {rest} more problems; prep check lists them all"])


def _looks_located(line: str) -> bool:
    head = line.split(": ", 1)[0]
    return ":" in head and head.rsplit(":", 1)[-1].isdigit()


app = typer.Typer(
    cls=PrepGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

BankOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--bank",
        metavar="DIR",
        help="Also load cards from DIR (<topic>/<id>.yaml); repeatable. PREP_BANK adds more.",
        show_default=False,
    ),
]
TopicOption = Annotated[
    Optional[list[str]], typer.Option("--topic", "-t", metavar="TOPIC", help="Only this topic; repeatable.", show_default=False)
]
TierOption = Annotated[
    Optional[list[str]],
    typer.Option("--tier", metavar="TIER", help="Only this tier: core, advanced or deep; repeatable.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"prep {version('interview-prep')}")
        except PackageNotFoundError:
            typer.echo("prep (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    pass


def console(stderr: bool = False):
    from rich.console import Console

    class PlainWhenPiped(Console):
        """A console that drops the padding rich adds at line ends when nobody sees colours.

        Rich pads wrapped text to a block's width; in a terminal that is invisible,
        but in a pipe or a file it leaves trailing spaces on every line.
        """

        def print(self, *objects, **kwargs):
            if self.is_terminal or self.record:
                return super().print(*objects, **kwargs)
            with self.capture() as captured:
                super().print(*objects, **kwargs)
            text = "\n".join(line.rstrip() for line in captured.get().split("\n"))
            self.file.write(text)
            self.file.flush()

    # highlight=False: rich would otherwise colour numbers in answers and outputs at random.
    return PlainWhenPiped(stderr=stderr, highlight=False)


def _bank(extra: Optional[list[Path]]):
    from .bank import open_bank
    from .paths import cache_dir

    return open_bank(extra or [], cache=cache_dir())


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


# ---------------------------------------------------------------------------
# Reading the bank


@app.command()
def explain(
    query: Annotated[str, typer.Argument(help="A card's id, alias or title; typos are forgiven.")],
    run: Annotated[bool, typer.Option("--run/--no-run", help="Run the snippet live, or show its stored output.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds the snippet may run.", min=0.1)] = 10.0,
    bank: BankOption = None,
) -> None:
    """Show one card in full and run its worked example live.

    \b
    Examples:
      prep explain mse
      prep explain "cross entropy"
      prep explain huberr --no-run
    """
    from .search import Ambiguous, find_card

    cards = _bank(bank)
    found = find_card(cards, query)
    if isinstance(found, Ambiguous):
        found = _pick(found)
    _show_card(found, run=run, timeout=timeout)


def _pick(ambiguous):
    from . import render

    out = console()
    out.print(f"Several cards fit {ambiguous.query!r}:")
    out.print(render.candidates_table(ambiguous.candidates))
    if not _interactive():
        out.print("Run again with one of these ids, for example: "
                  f"prep explain {ambiguous.candidates[0].id}")
        raise typer.Exit(ExitCode.FAILED)
    choices = [str(i) for i in range(1, len(ambiguous.candidates) + 1)]
    picked = typer.prompt(f"Which one? [1-{len(choices)}]", type=typer.Choice(choices), show_choices=False)
    return ambiguous.candidates[int(picked) - 1]


def _show_card(card, *, run: bool, timeout: float) -> None:
    from . import render

    out = console()
    out.print(render.card_top(card))
    if card.snippet:
        out.print(render.snippet_code(card))
        if run:
            result = _run_with_status(out, card, timeout)
            out.print(render.run_output(card, result))
        else:
            out.print(render.stored_output(card))
    out.print(render.card_bottom(card))


def _run_with_status(out, card, timeout: float):
    from .runner import run_snippet

    if out.is_terminal:
        with out.status("running the snippet…"):
            return run_snippet(card.snippet.code, timeout=timeout)
    return run_snippet(card.snippet.code, timeout=timeout)


@app.command("run")
def run_card(
    card_id: Annotated[str, typer.Argument(metavar="CARD", help="A card's id, alias or title.")],
    timeout: Annotated[float, typer.Option(help="Seconds the snippet may run.", min=0.1)] = 10.0,
    bank: BankOption = None,
) -> None:
    """Run one card's snippet and compare it with the stored output.

    Exits 0 when it prints the stored output, 1 with a diff when it does not.

    \b
    Examples:
      prep run mse
      prep run bce-from-logits --timeout 30
    """
    from .runner import output_diff, outputs_match, run_snippet
    from .search import Ambiguous, find_card

    found = find_card(_bank(bank), card_id)
    if isinstance(found, Ambiguous):
        found = _pick(found)
    if not found.snippet:
        raise PrepError(f"card {found.id!r} has no snippet to run")
    result = run_snippet(found.snippet.code, timeout=timeout)
    sys.stdout.write(result.stdout)
    sys.stdout.flush()
    err = console(stderr=True)
    if not result.ok:
        if result.stderr.strip():
            sys.stderr.write(result.stderr if result.stderr.endswith("\n") else result.stderr + "\n")
        err.print(f"✗ {found.id}: the snippet {result.summary()}", style="bold red")
        raise typer.Exit(ExitCode.FAILED)
    if not outputs_match(found.snippet.output, result.stdout):
        err.print(f"✗ {found.id}: output differs from the stored output", style="bold red")
        for line in output_diff(found.snippet.output, result.stdout):
            err.print(line, style="red" if line.startswith("-") else "green" if line.startswith("+") else None,
                      markup=False)
        raise typer.Exit(ExitCode.FAILED)
    err.print(f"✓ {found.id}: output matches ({result.summary()})", style="green")


@app.command(short_help="Assess an answer to one card, as a quiz would.")
def grade(
    card_id: Annotated[str, typer.Argument(metavar="CARD", help="A card's id, alias or title.")],
    answer: Annotated[Optional[str], typer.Option("--answer", "-a", help="The answer [default: read from standard input].", show_default=False)] = None,
    as_json: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """Assess an answer: key points covered, missed or contradicted, mistakes caught.

    The answer comes from --answer, or from standard input (in a terminal,
    the question is shown and the answer typed as in a quiz). Nothing is
    recorded.

    \b
    Examples:
      prep grade mse --answer "MSE is robust to outliers"
      echo "the p-value is the chance the null is true" | prep grade p-value --json
    """
    from . import render
    from .grading import assess, bank_vocabulary
    from .search import Ambiguous, find_card

    cards = _bank(bank)
    found = find_card(cards, card_id)
    if isinstance(found, Ambiguous):
        found = _pick(found)
    out = console()
    if answer is None:
        if sys.stdin.isatty():
            from .terminal import TerminalIO

            out.print(render.card_header(found))
            answer = TerminalIO(out, interactive=True).read_answer(optional=False) or ""
        else:
            answer = sys.stdin.read()
    assessment = assess(answer, found, bank_vocabulary(cards))
    if as_json:
        _print_json(render.assessment_json(found, assessment))
        return
    out.print(render.assessment_view(assessment))


@app.command()
def topics(bank: BankOption = None) -> None:
    """Count the cards in each topic and tier.

    \b
    Example:
      prep topics
    """
    from . import render

    console().print(render.topics_table(list(_bank(bank))))


@app.command("list")
def list_cards(
    topic: TopicOption = None,
    tier: TierOption = None,
    json_out: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """List cards, optionally only some topics or tiers.

    \b
    Examples:
      prep list --topic loss --tier deep
      prep list --json
    """
    from .bank import parse_tiers

    cards = _bank(bank)
    chosen = cards.select(cards.check_topics(topic or []), parse_tiers(tier or []))
    if json_out:
        _print_json([
            {"id": c.id, "title": c.title, "topic": c.topic, "tier": c.tier.value, "aliases": list(c.aliases)}
            for c in chosen
        ])
        return
    from . import render

    out = console()
    out.print(render.card_table(chosen))
    if not chosen:
        out.print("no cards match", style="dim")


@app.command("search")
def search_cards(
    text: Annotated[str, typer.Argument(help="Words or a whole interview question.")],
    limit: Annotated[int, typer.Option("-n", "--limit", help="How many results at most.", min=1)] = 10,
    json_out: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """Find the cards that answer a question, best match first.

    \b
    Examples:
      prep search "why do we use cross entropy instead of mse for classification"
      prep search outliers -n 5 --json
    """
    from .search import search

    hits = search(_bank(bank), text, limit=limit)
    if json_out:
        _print_json([
            {"id": h.card.id, "title": h.card.title, "topic": h.card.topic, "tier": h.card.tier.value,
             "score": round(h.score, 3)}
            for h in hits
        ])
        return
    from . import render

    out = console()
    if not hits:
        out.print(f"no card matches {text!r}")
        raise typer.Exit(ExitCode.FAILED)
    out.print(render.search_table(hits))


def _print_json(data) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command(short_help="Validate every card, its grading and its snippet.")
def check(
    card_ids: Annotated[Optional[list[str]], typer.Argument(metavar="[CARD]...", help="Only these card ids [default: every card].", show_default=False)] = None,
    run: Annotated[bool, typer.Option("--run/--no-run", help="Run the snippets, or check the cards and their grading only.")] = True,
    jobs: Annotated[Optional[int], typer.Option("-j", "--jobs", help="Snippets run at once [default: one per core].", min=1, show_default=False)] = None,
    timeout: Annotated[float, typer.Option(help="Seconds each snippet may run.", min=0.1)] = 10.0,
    bank: BankOption = None,
) -> None:
    """Validate every card, grade its example answers, run its snippet.

    Checks every bank (the shipped one, PREP_BANK and --bank): each card's
    fields; that its good answers are credited, its wrong answers caught,
    its short answer complete and its question, typed back, worth nothing;
    and that each snippet prints its stored output. Prints one
    `path:line: message` line per problem and exits 1 if there is any.

    \b
    Examples:
      prep check
      prep check mse huber --no-run
      prep check --bank ./my-cards -j 4
    """
    from rich.table import Table

    from .bank import bank_dirs, load_bank
    from .checker import check_bank

    cards = load_bank(bank_dirs(bank or []))
    only = set(card_ids or [])
    unknown = sorted(only - set(cards.cards))
    if unknown:
        raise PrepError(f"no card with the id {unknown[0]!r}")
    out = console()
    with _progress(out, sum(1 for c in cards if c.snippet and run and (not only or c.id in only))) as advance:
        report = check_bank(cards, jobs=jobs, timeout=timeout, on_done=lambda _: advance(), only=only, run=run)
    for line in report.problems:
        typer.echo(line, err=True)

    failed_snippets = sum(1 for s in report.snippets if not s.ok)
    table = Table(title="prep check", show_header=False, title_justify="left")
    table.add_column()
    table.add_column(justify="right")
    table.add_row("bank folders", str(len(cards.folders)))
    table.add_row("card files", str(cards.files_read))
    table.add_row("valid cards", str(len(cards)))
    table.add_row("card problems", _count(len(cards.problems)))
    table.add_row("grading problems", _count(len(report.grading)))
    table.add_row("snippets run", str(len(report.snippets)))
    table.add_row("snippets matching", str(len(report.snippets) - failed_snippets))
    table.add_row("snippets failing", _count(failed_snippets))
    out.print(table)
    if not report.ok:
        raise typer.Exit(ExitCode.FAILED)
    what = "every card is valid, grades its examples as labelled"
    out.print(f"✓ {what} and every snippet prints its stored output" if run else f"✓ {what}", style="green")


def _count(n: int) -> str:
    return f"[bold red]{n}[/]" if n else "0"


class _progress:
    """A progress bar on a terminal; nothing when piped."""

    def __init__(self, out, total: int):
        self.out, self.total, self.bar = out, total, None

    def __enter__(self):
        if not self.out.is_terminal or not self.total:
            return lambda: None
        from rich.progress import Progress

        self.bar = Progress(console=self.out, transient=True)
        self.bar.start()
        task = self.bar.add_task("running snippets", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()
        return False


# ---------------------------------------------------------------------------
# Studying

DataDirOption = Annotated[
    Optional[Path],
    typer.Option("--data-dir", metavar="DIR", help="Where progress is kept [default: PREP_HOME, else your user data folder].",
                 show_default=False),
]
TagOption = Annotated[
    Optional[list[str]], typer.Option("--tag", metavar="TAG", help="Only cards with this tag; repeatable.", show_default=False)
]


def _open_store(data_dir: Optional[Path]):
    from .store import ReviewStore, progress_path, resolve_data_dir

    return ReviewStore(progress_path(resolve_data_dir(data_dir)))


def _study(cards_to_ask, bank, mode: str, data_dir, *, offer_follow_ups: bool, timeout: float) -> None:
    from . import render
    from .session import StudySession
    from .terminal import TerminalIO

    out = console()
    with _open_store(data_dir) as store:
        io = TerminalIO(out, interactive=_interactive())
        session = StudySession(cards_to_ask, bank, io, store, mode=mode, offer_follow_ups=offer_follow_ups,
                               snippet_timeout=timeout)
        result = session.run()
    out.print(render.session_summary(result))
    if result.ended == "interrupted":
        raise typer.Exit(ExitCode.INTERRUPTED)


@app.command(short_help="An interview-style session: answer, reveal, rate.")
def quiz(
    topic: TopicOption = None,
    tier: TierOption = None,
    tag: TagOption = None,
    n: Annotated[int, typer.Option("-n", "--number", help="How many questions.", min=1)] = 10,
    order: Annotated[
        Optional[str],
        typer.Option(help="mock: core, then advanced, then deep, with follow-ups offered, as in an interview "
                          "[default with --topic]; shuffle: mixed [default otherwise].", show_default=False,
                     metavar="mock|shuffle"),
    ] = None,
    seed: Annotated[Optional[int], typer.Option(help="Make the choice and order of questions repeatable.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a snippet may run.", min=0.1)] = 10.0,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """An interview-style session: answer, then see what a strong answer covers.

    For each question, type your answer (a blank line finishes; Enter alone just
    reveals). Then rate yourself with 1-4 (again, hard, good, easy), or press
    e to explain, r to run the example, f to take a follow-up, s to skip, q to quit.
    Every rating is saved at once. Input from a pipe is read line by line.

    \b
    Examples:
      prep quiz --topic loss
      prep quiz --tier deep -n 5 --order shuffle --seed 7
      printf 'squared errors\\n\\n3\\n' | prep quiz --topic loss -n 1
    """
    from .bank import parse_tiers
    from .session import plan_quiz

    if order not in (None, "mock", "shuffle"):
        raise PrepError(f"no order {order!r}; orders are: mock, shuffle")
    cards = _bank(bank)
    chosen = cards.select(cards.check_topics(topic or []), parse_tiers(tier or []), cards.check_tags(tag or []))
    if not chosen:
        raise PrepError("no cards match those filters; see: prep topics")
    order = order or ("mock" if topic else "shuffle")
    questions = plan_quiz(chosen, n, order, seed)
    _study(questions, cards, "quiz", data_dir, offer_follow_ups=order == "mock", timeout=timeout)


@app.command()
def drill(
    tier: TierOption = None,
    topic: TopicOption = None,
    n: Annotated[Optional[int], typer.Option("-n", "--number", help="Stop after this many cards [default: all due].", min=1, show_default=False)] = None,
    new: Annotated[int, typer.Option("--new", help="New cards to start per day, at most.", min=0)] = 10,
    timeout: Annotated[float, typer.Option(help="Seconds a snippet may run.", min=0.1)] = 10.0,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """Spaced-repetition review of the cards due now, then new ones.

    Due cards come first, most overdue first, then cards never seen, at most
    --new a day.
    Typing an answer is optional: Enter alone reveals the model answer. Rate
    with 1-4 (again, hard, good, easy); FSRS schedules the card's next review.

    \b
    Examples:
      prep drill
      prep drill --tier advanced
      prep drill --topic loss --new 5 -n 20
    """
    from datetime import datetime, timedelta, timezone

    from .bank import parse_tiers
    from .scheduler import next_due, plan_drill

    cards = _bank(bank)
    chosen = cards.select(cards.check_topics(topic or []), parse_tiers(tier or []))
    if not chosen:
        raise PrepError("no cards match those filters; see: prep topics")
    now = datetime.now(timezone.utc)
    ids = [c.id for c in chosen]
    with _open_store(data_dir) as store:
        memories = store.memories()
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        started_today = store.new_cards_started_between(day_start, day_start + timedelta(days=1))
    plan = plan_drill(ids, memories, now, limit=n, new_limit=max(0, new - started_today))
    if not plan:
        out = console()
        upcoming = next_due(ids, memories)
        out.print("Nothing is due now.", style="bold")
        if upcoming:
            out.print(f"The next card falls due {_when(upcoming, now)}.")
        if any(cid not in memories for cid in ids):
            out.print(f"New cards: {started_today} started today (at most {new} a day; change it with --new).")
        return
    _study([cards.get(cid) for cid in plan], cards, "drill", data_dir, offer_follow_ups=False, timeout=timeout)


def _when(moment, now) -> str:
    seconds = (moment - now).total_seconds()
    local = moment.astimezone().strftime("%a %d %b %H:%M")
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min ({local})"
    if seconds < 86400:
        return f"in {seconds / 3600:.0f} h ({local})"
    return f"in {seconds / 86400:.0f} days ({local})"


@app.command()
def stats(
    topic: TopicOption = None,
    weeks: Annotated[int, typer.Option(help="How many weeks of history to draw.", min=1, max=52)] = 12,
    days: Annotated[int, typer.Option(help="How many days of due forecast.", min=1, max=30)] = 7,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """Your progress: reviews per day, retention, what falls due.

    Also cards seen per topic and tier, and your current streak.
    \b
    Examples:
      prep stats
      prep stats --topic loss --weeks 4
    """
    from datetime import datetime, timezone

    from . import render
    from .scheduler import due_forecast
    from .stats import current_streak, reviews_per_day, topic_tier_table

    cards = _bank(bank)
    chosen = cards.select(cards.check_topics(topic or []))
    chosen_ids = {c.id for c in chosen}
    now = datetime.now(timezone.utc)
    today = now.date()
    with _open_store(data_dir) as store:
        reviews = [r for r in store.reviews() if r.card_id in chosen_ids]
        memories = store.memories()
    out = console()
    if not reviews:
        out.print("No reviews yet. Start with: prep quiz --topic loss   or   prep drill")
        return
    out.print(render.stats_view(
        reviews_per_day(reviews, today, weeks), today, topic_tier_table(chosen, reviews),
        due_forecast([c.id for c in chosen], memories, now, days), current_streak(reviews, today), len(reviews),
    ))

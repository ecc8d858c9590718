"""The `prep` command line: declarations only. Each command parses its
options, calls the library, and renders what comes back.

Kept fast: `prep --help` must not import numpy, yaml, sqlite3, fsrs or
rich.markdown, so every import of the library happens inside the command
that needs it. `now()` is the one place the clock is read.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .errors import ExitCode, PrepError

if TYPE_CHECKING:
    from .bank import Bank
    from .cards import Card
    from .domain import Mode, Order
    from .store import ReviewStore
    from .trust import TrustPolicy

HELP = """Interview practice for data science and machine learning.

A bank of question cards, each with a short model answer, the key points a
strong answer covers, follow-ups an interviewer would ask, common mistakes and
a worked example you can run.

\b
Examples:
  prep quiz --topic loss        an interview-style session on one topic
  prep drill --tier advanced    spaced-repetition review of what is due
  prep explain mse              one card in full, its example run live
  prep grade mse --answer "MSE is robust to outliers"
  prep search "why not mse for classification"
  prep topics                   what the bank covers
"""
DEBUG_ENV = "PREP_DEBUG"
MAX_PROBLEM_LINES = 10


def now() -> datetime:
    """The current time: the one place prep reads the clock (tests replace it)."""
    return datetime.now(timezone.utc)


def stopwatch() -> float:
    """Seconds for timing answers (tests replace it, so transcripts are exact)."""
    import time

    return time.monotonic()


class PrepGroup(TyperGroup):
    """Routes every way out through one place: one line on stderr, a named exit code."""

    ORDER = (
        "quiz",
        "drill",
        "plan",
        "stats",
        "history",
        "explain",
        "grade",
        "search",
        "list",
        "topics",
        "run",
        "check",
        "trust",
        "export",
        "examiner",
    )

    def list_commands(self, ctx: Any) -> list[str]:
        # Help lists what a learner reaches for first, not the order of definition.
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: self.ORDER.index(n) if n in self.ORDER else len(self.ORDER))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        import signal

        # SIGTERM ends prep as Ctrl-C does: through the same path, so a
        # running snippet is killed and the session's summary is printed.
        try:
            previous = signal.signal(signal.SIGTERM, _terminated)
        except ValueError:  # not the main thread: leave signals alone
            previous = None
        try:
            result = super().main(args, "prep", complete_var, False, windows_expand_args, **extra)
            # typer turns Ctrl-C into a bare exit status 130; say it once, here.
            code = result if isinstance(result, int) else ExitCode.OK
            if code == ExitCode.INTERRUPTED:
                _error("interrupted")
        except PrepError as exc:
            _error(_shorten(str(exc)))
            code = exc.exit_code
        except typer.Exit as exc:
            code = exc.exit_code
            if code == ExitCode.INTERRUPTED:
                _error("interrupted")
        except (KeyboardInterrupt, typer.Abort):
            _error("interrupted")
            code = ExitCode.INTERRUPTED
        except typer.TyperException as exc:
            # Click's usage and parameter errors, as typer raises them.
            code = _usage_error(exc)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _error(f"internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for the traceback)")
            code = ExitCode.INTERNAL
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if standalone_mode:
            sys.exit(int(code))
        return int(code)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _usage_error(exc: Any) -> int:
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if ctx is not None:
        _error(f"{message} (see '{ctx.command_path} --help')")
    else:
        _error(message)
    return int(getattr(exc, "exit_code", ExitCode.USAGE) or ExitCode.USAGE)


def _error(message: str) -> None:
    from .textsafe import for_terminal

    # Card problems arrive as `path:line: message` lines; print them as they are.
    for line in message.splitlines() or [""]:
        prefix = "" if _looks_located(line) else "prep: "
        typer.echo(for_terminal(f"{prefix}{line}"), err=True)


def _warn(message: str) -> None:
    from .textsafe import for_terminal

    typer.echo(for_terminal(f"prep: warning: {message}"), err=True)


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
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


# ---------------------------------------------------------------------------
# Options shared by several commands


def _seconds(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise typer.BadParameter(f"{value} is not a number of seconds above zero")
    return value


BankOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank",
        metavar="DIR",
        show_default=False,
        help="Also load cards from DIR (<topic>/<id>.yaml); repeatable. PREP_BANK adds more.",
    ),
]
TopicOption = Annotated[
    list[str] | None,
    typer.Option("--topic", "-t", metavar="TOPIC", help="Only this topic; repeatable.", show_default=False),
]
TrackOption = Annotated[
    list[str] | None,
    typer.Option(
        "--track",
        metavar="TRACK",
        show_default=False,
        help="Only the topics of this role's track (data-scientist, ml-engineer; see prep topics); repeatable.",
    ),
]
TierOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tier",
        metavar="TIER",
        show_default=False,
        help="Only this tier: core, advanced or deep; repeatable.",
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="TAG", help="Only cards with this tag; repeatable.", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
TimeoutOption = Annotated[float, typer.Option(help="Seconds a snippet may run.", callback=_seconds, max=3600)]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        metavar="DIR",
        show_default=False,
        help="Where progress is kept [default: PREP_HOME, else your user data folder].",
    ),
]
CardArgument = Annotated[
    str, typer.Argument(metavar="CARD", help="A card's id, alias or title; typos are forgiven.")
]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"prep {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        # `prep` alone: the help is the answer, not an error.
        typer.echo(ctx.get_help())


# ---------------------------------------------------------------------------
# Helpers: where the bank and the store come from, finding one card


def _bank(extra: list[Path] | None, data_dir: Path | None = None) -> Bank:
    """The bank from its index; cards with problems are skipped with one line on stderr."""
    from .bank import open_bank
    from .index import remove_old_pickles
    from .paths import cache_dir, resolve_data_dir

    remove_old_pickles(resolve_data_dir(data_dir))
    bank = open_bank(extra or [], cache=cache_dir(data_dir))
    note = bank.skipped_note()
    if note:
        _warn(note)
    return bank


def _find(bank: Bank, query: str, command: str) -> Card:
    from .search import Ambiguous, find_card
    from .terminal import console, pick

    found = find_card(bank, query)
    if not isinstance(found, Ambiguous):
        return found
    out = console()
    picked = pick(out, found.candidates, found.query)
    if picked is None:
        out.print(f"Run again with one of these ids, for example: prep {command} {found.candidates[0].id}")
        raise typer.Exit(ExitCode.FAILED)
    return picked


def _store(data_dir: Path | None) -> ReviewStore:
    from .paths import resolve_data_dir
    from .store import ReviewStore, progress_path

    return ReviewStore(progress_path(resolve_data_dir(data_dir)))


def _policy(bank: Bank) -> TrustPolicy:
    from .bank import packaged_bank_dir
    from .paths import resolve_data_dir
    from .trust import TrustPolicy

    return TrustPolicy(resolve_data_dir(None), packaged_bank_dir(), bank.folders)


def _print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------------------
# Studying


def _study(
    cards: Sequence[Card],
    bank: Bank,
    mode: Mode,
    store: ReviewStore,
    *,
    offer_follow_ups: bool,
    timeout: float,
) -> None:
    from . import render
    from .domain import Ended
    from .runner import SnippetWorker
    from .session import StudySession
    from .terminal import TerminalIO, console, interactive

    out = console()
    io = TerminalIO(out, interactive=interactive())
    # One warm worker for the session, started at the first reveal: it imports
    # numpy while the user reads the model answer, and `r` then costs a fork.
    worker = SnippetWorker()
    session = StudySession(
        cards,
        bank,
        io,
        store,
        mode=mode,
        offer_follow_ups=offer_follow_ups,
        snippet_timeout=timeout,
        now=now,
        clock=stopwatch,
        may_run=_policy(bank).refusal,
        run_snippet=worker.run,
        warm_up=worker.start,
    )
    with worker:
        result = session.run()
    out.print(render.session_summary(result))
    if result.ended is Ended.INTERRUPTED:
        raise typer.Exit(ExitCode.INTERRUPTED)


@app.command(short_help="An interview-style session: answer, reveal, rate.")
def quiz(
    topic: TopicOption = None,
    track: TrackOption = None,
    tier: TierOption = None,
    tag: TagOption = None,
    n: Annotated[int, typer.Option("-n", "--number", help="How many questions.", min=1, max=1000)] = 10,
    order: Annotated[
        str | None,
        typer.Option(
            metavar="mock|shuffle",
            show_default=False,
            help="mock: core, then advanced, then deep, with follow-ups offered, as in an interview "
            "[default with --topic]; shuffle: mixed [default otherwise].",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Make the choice and order of questions repeatable.")
    ] = None,
    timeout: TimeoutOption = 10.0,
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
    from .domain import Mode
    from .planning import plan_quiz

    cards = _bank(bank, data_dir)
    chosen = cards.choose(cards.choose_topics(topic or [], track or []), tier or [], tag or [])
    plan = plan_quiz(chosen, n, _order(order), seed, one_topic=bool(topic))
    with _store(data_dir) as store:
        _study(plan.cards, cards, Mode.QUIZ, store, offer_follow_ups=plan.offer_follow_ups, timeout=timeout)


def _order(value: str | None) -> Order | None:
    from .domain import Order

    if value is None:
        return None
    try:
        return Order(value)
    except ValueError:
        raise PrepError(f"no order {value!r}; orders are: mock, shuffle") from None


@app.command()
def drill(
    tier: TierOption = None,
    topic: TopicOption = None,
    track: TrackOption = None,
    n: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--number",
            min=1,
            max=10000,
            show_default=False,
            help="Stop after this many cards [default: all due].",
        ),
    ] = None,
    new: Annotated[
        int, typer.Option("--new", help="New cards to start per day, at most.", min=0, max=1000)
    ] = 10,
    timeout: TimeoutOption = 10.0,
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
    from . import render
    from .domain import Mode
    from .planning import plan_drill, today_window
    from .terminal import console

    cards = _bank(bank, data_dir)
    chosen = cards.choose_summaries(cards.choose_topics(topic or [], track or []), tier or [])
    moment = now()
    with _store(data_dir) as store:
        started = store.new_cards_started_between(*today_window(moment))
        plan = plan_drill(chosen, store.memories(), started, moment, limit=n, new_per_day=new)
        if not plan.cards:
            console().print(render.nothing_due(plan, moment))
            return
        planned = cards.cards.load([card.id for card in plan.cards])
        _study(list(planned.values()), cards, Mode.DRILL, store, offer_follow_ups=False, timeout=timeout)


@app.command()
def stats(
    topic: TopicOption = None,
    track: TrackOption = None,
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
    from . import render
    from .stats import summary_from_store
    from .terminal import console

    cards = _bank(bank, data_dir)
    chosen = cards.choose_summaries(cards.choose_topics(topic or [], track or []))
    with _store(data_dir) as store:
        figures = summary_from_store(chosen, store, now(), weeks=weeks, days=days)
    out = console()
    if not figures.total_reviews:
        out.print("No reviews yet. Start with: prep quiz --topic loss   or   prep drill")
        return
    out.print(render.stats_view(figures))


# ---------------------------------------------------------------------------
# Reading the bank


@app.command()
def explain(
    query: CardArgument,
    run: Annotated[
        bool, typer.Option("--run/--no-run", help="Run the snippet live, or show its stored output.")
    ] = True,
    timeout: TimeoutOption = 10.0,
    bank: BankOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Show one card in full and run its worked example live.

    \b
    Examples:
      prep explain mse
      prep explain "cross entropy"
      prep explain huberr --no-run
    """
    from . import render
    from .index import fresh_snippet
    from .runner import start_snippet
    from .terminal import console, with_status

    cards = _bank(bank, data_dir)
    card = _find(cards, query, "explain")
    refusal = _policy(cards).refusal(card)
    waiting = None
    if run and card.snippet and not refusal:
        # The code comes from the card file itself, never from the index,
        # and starts now so that it runs while the card is drawn.
        snippet = fresh_snippet(card)
        if snippet is None:
            raise PrepError(f"{card.path}: the card changed and is no longer valid; see: prep check")
        waiting = start_snippet(snippet.code, timeout=timeout)
    out = console()
    out.print(render.card_top(card))
    if card.snippet:
        out.print(render.snippet_code(card, highlight=out.is_terminal and not out.no_color))
        if run and refusal:
            out.print(render.stored_output(card))
            out.print(f"  {refusal[0].upper()}{refusal[1:]}.", style="yellow", markup=False)
        elif waiting is not None:
            out.print(render.run_output(card, with_status(out, "running the snippet…", waiting)))
        else:
            out.print(render.stored_output(card))
    out.print(render.card_bottom(card))


@app.command(short_help="Assess an answer to one card, as a quiz would.")
def grade(
    card_id: CardArgument,
    answer: Annotated[
        str | None,
        typer.Option(
            "--answer", "-a", show_default=False, help="The answer [default: read from standard input]."
        ),
    ] = None,
    as_json: JsonOption = False,
    bank: BankOption = None,
    data_dir: DataDirOption = None,
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
    from .terminal import TerminalIO, console

    cards = _bank(bank, data_dir)
    card = _find(cards, card_id, "grade")
    out = console()
    if answer is None and sys.stdin.isatty():
        out.print(render.card_header(card))
        answer = TerminalIO(out, interactive=True).read_answer(optional=False) or ""
    elif answer is None:
        answer = sys.stdin.read()
    assessment = assess(answer, card, bank_vocabulary(cards))
    if as_json:
        _print_json(render.assessment_json(card, assessment))
    else:
        out.print(render.assessment_view(assessment))


@app.command("search")
def search_cards(
    text: Annotated[str, typer.Argument(help="Words or a whole interview question.")],
    limit: Annotated[
        int, typer.Option("-n", "--limit", help="How many results at most.", min=1, max=1000)
    ] = 10,
    json_out: JsonOption = False,
    bank: BankOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Find the cards that answer a question, best match first.

    \b
    Examples:
      prep search "why do we use cross entropy instead of mse for classification"
      prep search outliers -n 5 --json
    """
    from . import render
    from .search import search
    from .terminal import console

    hits = search(_bank(bank, data_dir), text, limit=limit)
    if json_out:
        _print_json(render.hits_json(hits))
        return
    out = console()
    if not hits:
        out.print(f"no card matches {text!r}", markup=False)
        raise typer.Exit(ExitCode.FAILED)
    out.print(render.search_table(hits))


@app.command("list")
def list_cards(
    topic: TopicOption = None,
    tier: TierOption = None,
    json_out: JsonOption = False,
    bank: BankOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List cards, optionally only some topics or tiers.

    \b
    Examples:
      prep list --topic loss --tier deep
      prep list --json
    """
    from . import render
    from .terminal import console

    cards = _bank(bank, data_dir)
    chosen = cards.choose_summaries(topic or [], tier or [], allow_none=True)
    if json_out:
        _print_json(render.cards_json(chosen))
        return
    out = console()
    if not chosen:
        out.print("no cards match", style="dim")
    elif out.is_terminal:
        out.print(render.card_table(chosen))
    else:
        # A pipe gets plain lines: a table of 10,000 rows takes rich seconds.
        from .textsafe import for_terminal

        sys.stdout.write(for_terminal(render.card_lines(chosen)))


@app.command()
def topics(track: TrackOption = None, bank: BankOption = None, data_dir: DataDirOption = None) -> None:
    """Count the cards in each topic and tier, and show each topic's tracks.

    \b
    Examples:
      prep topics
      prep topics --track ml-engineer
    """
    from . import render
    from .terminal import console
    from .tracks import tracks_of

    cards = _bank(bank, data_dir)
    tracks, problems = cards.tracks()
    if problems:
        _warn(f"{problems[0]}; prep check lists every problem")
    shown = cards.choose_topics([], track or [])
    listed = [c for c in cards.summaries.values() if not track or c.topic in shown]
    console().print(render.topics_table(listed, tracks_of(tracks)))


@app.command("run")
def run_card(
    card_id: CardArgument,
    timeout: TimeoutOption = 10.0,
    bank: BankOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Run one card's snippet and compare it with the stored output.

    Exits 0 when it prints the stored output, 1 with a diff when it does not.

    \b
    Examples:
      prep run mse
      prep run bce-from-logits --timeout 30
    """
    import dataclasses

    from . import render
    from .index import fresh_snippet
    from .runner import outputs_match, run_snippet
    from .terminal import console
    from .textsafe import for_terminal

    cards = _bank(bank, data_dir)
    card = _find(cards, card_id, "run")
    if not card.snippet:
        raise PrepError(f"card {card.id!r} has no snippet to run")
    refusal = _policy(cards).refusal(card)
    if refusal:
        raise PrepError(refusal)
    snippet = fresh_snippet(card)
    if snippet is None:
        raise PrepError(f"{card.path}: the card changed and is no longer valid; see: prep check")
    card = dataclasses.replace(card, snippet=snippet)
    result = run_snippet(snippet.code, timeout=timeout)
    sys.stdout.write(for_terminal(result.stdout))
    sys.stdout.flush()
    console(stderr=True).print(render.run_verdict(card, result))
    if not (result.ok and outputs_match(snippet.output, result.stdout)):
        raise typer.Exit(ExitCode.FAILED)


@app.command(short_help="Validate every card, its grading and its snippet.")
def check(
    card_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CARD]...", show_default=False, help="Only these card ids [default: every card]."
        ),
    ] = None,
    run: Annotated[
        bool,
        typer.Option("--run/--no-run", help="Run the snippets, or check the cards and their grading only."),
    ] = True,
    jobs: Annotated[
        int | None,
        typer.Option(
            "-j",
            "--jobs",
            min=1,
            max=64,
            show_default=False,
            help="Snippets run at once [default: one per core].",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds each snippet may run.", callback=_seconds, max=3600)
    ] = 10.0,
    bank: BankOption = None,
    data_dir: DataDirOption = None,
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
    from . import render
    from .bank import bank_dirs, load_bank
    from .checker import check_bank, snippets_to_run
    from .terminal import console, progress

    cards = load_bank(bank_dirs(bank or []))
    only = set(card_ids or [])
    unknown = sorted(only - set(cards.cards))
    if unknown:
        raise PrepError(f"no card with the id {unknown[0]!r}")
    out = console()
    policy = _policy(cards)
    to_run = [c for c in snippets_to_run(cards, only, run) if policy.untrusted_bank(c) is None]
    with progress(out, len(to_run), "running snippets") as advance:
        report = check_bank(
            cards,
            jobs=jobs,
            timeout=timeout,
            on_done=lambda _: advance(),
            only=only,
            run=run,
            untrusted=policy.untrusted_bank,
        )
    _, track_problems = cards.tracks()
    for line in [*report.problems, *(str(p) for p in track_problems)]:
        _error(line)
    out.print(render.check_summary(report))
    if not report.ok or track_problems:
        raise typer.Exit(ExitCode.FAILED)
    what = "every card is valid, grades its examples as labelled"
    out.print(f"✓ {what} and every snippet prints its stored output" if run else f"✓ {what}", style="green")


@app.command()
def trust(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR", show_default=False, help="A bank folder whose snippets you trust to run."
        ),
    ] = None,
    forget: Annotated[bool, typer.Option("--forget", help="Stop trusting DIR.")] = False,
) -> None:
    """Let a bank's snippets run: a shared bank is code, so it runs only once you trust it.

    The shipped bank is always trusted. Banks from --bank or PREP_BANK are
    read, checked and graded without it, but their snippets do not run until
    you trust them here. Without DIR, lists the trusted folders.

    \b
    Examples:
      prep trust ./team-cards
      prep trust ./team-cards --forget
      prep trust
    """
    from .paths import resolve_data_dir
    from .terminal import console
    from .trust import forget as forget_folder
    from .trust import trust as trust_folder
    from .trust import trusted_folders

    data_dir = resolve_data_dir(None)
    out = console()
    if folder is None:
        folders = trusted_folders(data_dir)
        for trusted in folders:
            out.print(str(trusted), markup=False)
        if not folders:
            out.print("No bank is trusted besides the shipped one.", style="dim")
        return
    if forget:
        if not forget_folder(data_dir, folder):
            raise PrepError(f"{folder} was not trusted")
        out.print(f"{folder.resolve()}: no longer trusted; its snippets will not run.", markup=False)
        return
    recorded = trust_folder(data_dir, folder)
    out.print(f"{recorded}: trusted; its snippets will run.", markup=False)

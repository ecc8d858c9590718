"""The `prep` command line: declarations only. Each command parses its
options, calls the library, and renders what comes back.

Kept fast: `prep --help` must not import numpy, yaml, sqlite3, fsrs or
rich.markdown, so every import of the library happens inside the command
that needs it. `now()` is the one place the clock is read.

No `from __future__ import annotations` here: Typer reads every command's
annotations on every run, and evaluating them from strings (compiling each
one) cost a third of `prep --help`. Names imported only for type checking
are quoted instead.
"""

import inspect
import math
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from .errors import ExitCode, PrepError

if TYPE_CHECKING:
    from .bank import Bank
    from .cards import Card
    from .domain import Mode, Order
    from .examiner import ExaminerConfig
    from .runner import SnippetWorker
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

    # Building a command's click parameters means inspecting its signature
    # and every annotation: for all of prep's commands that was a fifth of
    # `prep --help` and of every command's start. So the commands are declared
    # on `commands` and each is built only when it is asked for by name; help
    # lists them from their declarations.

    def _declared(self) -> dict[str, Any]:
        return {_command_name(info): info for info in commands.registered_commands}

    def _build(self, name: str) -> None:
        info = self._declared().get(name)
        if info is not None and name not in self.commands:
            self.commands[name] = typer.main.get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._build(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        # Help lists what a learner reaches for first, not the order of definition.
        names = set(self.commands) | set(self._declared())
        return sorted(names, key=lambda n: (self.ORDER.index(n) if n in self.ORDER else len(self.ORDER), n))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and args[0] not in self._declared():
            # A mistyped name: "did you mean" needs every command's name built in.
            for name in self._declared():
                self._build(name)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from typer.core import TyperCommand

        rows = []
        declared = self._declared()
        for name in self.list_commands(ctx):
            if name in self.commands:
                command = self.commands[name]
            else:
                # A stand-in with the declaration's help: all that a help row reads.
                info = declared[name]
                help_text = info.help if info.help is not None else inspect.getdoc(info.callback)
                command = TyperCommand(name, help=help_text, short_help=info.short_help, hidden=info.hidden)
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])

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


# prep's own commands, declared here and built one at a time by PrepGroup.
commands = typer.Typer()


def _command_name(info: Any) -> str:
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


app = typer.Typer(
    cls=PrepGroup,
    help=HELP,
    # --install-completion and --show-completion: typer's, for bash, zsh, fish and PowerShell.
    add_completion=True,
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


# Shell completion: what Tab offers. The bank opens only when the shell asks,
# from the same index as every command (PREP_HOME, PREP_BANK, and --bank or
# --data-dir if already typed); anything that goes wrong offers nothing, since
# a traceback or a warning would land in the middle of the user's command line.


def _completing(offer: Callable[[], list[Any]]) -> list[Any]:
    try:
        return offer()
    except Exception:
        if os.environ.get(DEBUG_ENV):
            raise
        return []


def _completion_bank(ctx: typer.Context) -> "Bank":
    from .bank import open_bank
    from .paths import cache_dir

    # Values as click parsed them: typer makes them Paths only for the command itself.
    extra = [Path(folder) for folder in ctx.params.get("bank") or []]
    data_dir = ctx.params.get("data_dir")
    return open_bank(extra, cache=cache_dir(Path(data_dir) if data_dir else None))


def _complete_card(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from .completion import card_ids

    return _completing(lambda: card_ids(_completion_bank(ctx), incomplete))


def _complete_topic(ctx: typer.Context, incomplete: str) -> list[str]:
    from .completion import topics

    return _completing(lambda: topics(_completion_bank(ctx), incomplete))


def _complete_track(ctx: typer.Context, incomplete: str) -> list[str]:
    from .completion import tracks

    return _completing(lambda: tracks(_completion_bank(ctx), incomplete))


def _complete_tier(incomplete: str) -> list[str]:
    from .completion import tiers

    return _completing(lambda: tiers(incomplete))


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
    typer.Option(
        "--topic",
        "-t",
        metavar="TOPIC",
        help="Only this topic; repeatable.",
        show_default=False,
        autocompletion=_complete_topic,
    ),
]
TrackOption = Annotated[
    list[str] | None,
    typer.Option(
        "--track",
        metavar="TRACK",
        show_default=False,
        help="Only the topics of this role's track (data-scientist, ml-engineer; see prep topics); repeatable.",
        autocompletion=_complete_track,
    ),
]
TierOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tier",
        metavar="TIER",
        show_default=False,
        help="Only this tier: core, advanced or deep; repeatable.",
        autocompletion=_complete_tier,
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
    str,
    typer.Argument(
        metavar="CARD", help="A card's id, alias or title; typos are forgiven.", autocompletion=_complete_card
    ),
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


def _bank(extra: list[Path] | None, data_dir: Path | None = None) -> "Bank":
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


def _find(bank: "Bank", query: str, command: str) -> "Card":
    from .search import Ambiguous, find_card
    from .terminal import console, pick

    found = find_card(bank, query)
    if not isinstance(found, Ambiguous):
        return found
    out = console()
    picked = pick(out, found.candidates, found.query)
    if picked is None:
        if found.more:
            out.print(f"… and {found.more} more; a longer name narrows the list.")
        out.print(f"Run again with one of these ids, for example: prep {command} {found.candidates[0].id}")
        raise typer.Exit(ExitCode.FAILED)
    return picked


def _store(data_dir: Path | None) -> "ReviewStore":
    from .paths import resolve_data_dir
    from .store import ReviewStore, progress_path

    return ReviewStore(progress_path(resolve_data_dir(data_dir)))


def _policy(bank: "Bank") -> "TrustPolicy":
    from .bank import packaged_bank_dir
    from .paths import resolve_data_dir
    from .trust import TrustPolicy

    return TrustPolicy(resolve_data_dir(None), packaged_bank_dir(), bank.folders)


def _print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------------------
# Studying


KEEP_ANSWERS_SETTING = "keep_answers"


def _study(
    cards: "Sequence[Card]",
    bank: "Bank",
    mode: "Mode",
    store: "ReviewStore",
    *,
    offer_follow_ups: bool,
    timeout: float,
    time_limit: float | None = None,
    keep_answers: bool = True,
    examiner: "ExaminerConfig | None" = None,
) -> None:
    from . import render
    from .domain import Ended, Mode
    from .planning import drill_outlook
    from .runner import SnippetWorker
    from .session import StudySession
    from .stats import study_next
    from .terminal import TerminalIO, console, input_is_typed

    out = console()
    # A person typing gets the editor and single keys even when the output
    # is piped (`prep quiz | tee log`); piped input is read line by line.
    io = TerminalIO(out, interactive=input_is_typed())
    # One warm worker for the session, started at the first reveal: it imports
    # numpy while the user reads the model answer, and `r` then costs a fork.
    worker = SnippetWorker()
    keep = keep_answers and store.setting(KEEP_ANSWERS_SETTING) != "off"
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
        time_limit=time_limit,
        keep_answers=keep,
        previous_answer=store.last_answer,
        examiner=examiner,
    )
    if examiner is not None:
        # Before the first answer: say where answers will go.
        out.print(render.examiner_banner(examiner))
    with worker:
        result = session.run()
    moment = now()
    outlook = weakest = None
    if result.rated:
        # What to do next, from the whole history; a session that rated
        # nothing changed nothing, and its summary says only that.
        everything = list(bank.summaries.values())
        if mode is Mode.DRILL:
            outlook = drill_outlook([card.id for card in everything], store.memories(), moment)
        weakest = study_next(everything, store.card_figures(card.id for card in everything))
    out.print(render.session_summary(result, weakest, outlook, moment))
    if result.ended is Ended.INTERRUPTED:
        raise typer.Exit(ExitCode.INTERRUPTED)


KeepAnswersOption = Annotated[
    bool,
    typer.Option(
        "--keep-answers/--no-keep-answers",
        help="Keep what you type with each review (see prep history) [default: keep, unless turned off there].",
    ),
]


@commands.command(short_help="An interview-style session: answer, reveal, rate.")
def quiz(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CARD]...",
            show_default=False,
            help="Ask exactly these cards (ids, aliases or names, as explain finds them).",
            autocompletion=_complete_card,
        ),
    ] = None,
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
    answer_time: Annotated[
        str | None,
        typer.Option(
            "--time",
            metavar="TIME",
            show_default=False,
            help="Time for each answer, with a countdown: 90s, 2m, 1m30s or seconds; 0 for none "
            "[default: 2m in mock order typed at a terminal, else none].",
        ),
    ] = None,
    no_time: Annotated[
        bool, typer.Option("--no-time", help="No time limit, not even in mock order.")
    ] = False,
    use_examiner: Annotated[
        bool | None,
        typer.Option(
            "--examiner/--no-examiner",
            show_default=False,
            help="Have the examiner you configured (prep examiner) grade each answer too "
            "[default: on once one is configured].",
        ),
    ] = None,
    timeout: TimeoutOption = 10.0,
    keep_answers: KeepAnswersOption = True,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """An interview-style session: answer, then see what a strong answer covers.

    For each question, type your answer (Enter on an empty line finishes, or
    Esc-Enter anywhere; a paste keeps its blank lines; Enter alone just
    reveals). Then rate yourself with 1-4 (again, hard, good, easy), or press
    e to explain, r to run the example, f to take a follow-up, s to skip, q to quit;
    with an examiner (prep examiner), a to have it ask one more question.
    Every rating is saved at once. Input from a pipe is read line by line.
    Typed in mock order, each answer has 2 minutes, with a countdown (--time, --no-time).

    \b
    Examples:
      prep quiz --topic loss
      prep quiz mse huber
      prep quiz --tier deep -n 5 --order shuffle --seed 7
      printf 'squared errors\\n\\n3\\n' | prep quiz --topic loss -n 1
    """
    from .domain import Mode, Order
    from .durations import answer_time_limit
    from .planning import plan_quiz

    cards = _bank(bank, data_dir)
    mock = False
    if names:
        if topic or track or tier or tag:
            raise PrepError("name cards, or choose them with --topic/--track/--tier/--tag, not both")
        # Exactly the cards named, in the order named, each once.
        named = {card.id: card for card in (_find(cards, name, "quiz") for name in names)}
        asked: Sequence[Card] = list(named.values())
        follow_ups = False
    else:
        chosen = cards.choose(cards.choose_topics(topic or [], track or []), tier or [], tag or [])
        plan = plan_quiz(chosen, n, _order(order), seed, one_topic=bool(topic))
        asked, follow_ups = plan.cards, plan.offer_follow_ups
        mock = plan.order is Order.MOCK
    try:
        time_limit = answer_time_limit(answer_time, off=no_time, mock=mock, typed=sys.stdin.isatty())
    except ValueError as exc:
        raise PrepError(f"--time: {exc}") from None
    examiner = _examiner(use_examiner)
    with _store(data_dir) as store:
        _study(
            asked,
            cards,
            Mode.QUIZ,
            store,
            offer_follow_ups=follow_ups,
            timeout=timeout,
            time_limit=time_limit,
            keep_answers=keep_answers,
            examiner=examiner,
        )


def _examiner(wanted: bool | None) -> "ExaminerConfig | None":
    """The configured examiner unless the user said --no-examiner; --examiner without one is an error."""
    if wanted is False:
        return None
    from .examiner import load_config
    from .paths import config_dir

    config = load_config(config_dir(), os.environ)
    if config is None and wanted:
        raise PrepError("no examiner is configured; set one with: prep examiner set --url URL --model NAME")
    return config


def _order(value: str | None) -> "Order | None":
    from .domain import Order

    if value is None:
        return None
    try:
        return Order(value)
    except ValueError:
        raise PrepError(f"no order {value!r}; orders are: mock, shuffle") from None


@commands.command()
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
    interview: Annotated[
        str | None,
        typer.Option(
            "--interview",
            metavar="YYYY-MM-DD",
            show_default=False,
            help="Every card, lowest predicted recall on this interview day first, due or not "
            "[default: the date saved with prep plan --save, until it comes].",
        ),
    ] = None,
    timeout: TimeoutOption = 10.0,
    keep_answers: KeepAnswersOption = True,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """Spaced-repetition review of the cards due now, then new ones.

    Due cards come first, most overdue first, then cards never seen, at most
    --new a day.
    With an interview date (--interview, or one saved with prep plan --save),
    every chosen card comes instead, lowest predicted recall on that day first:
    cards never seen (at most --new a day), then the seen ones, due or not.
    Typing an answer is optional: Enter alone reveals the model answer. Rate
    with 1-4 (again, hard, good, easy); FSRS schedules the card's next review.

    \b
    Examples:
      prep drill
      prep drill --tier advanced
      prep drill --topic loss --new 5 -n 20
      prep drill --interview 2026-12-15 -n 20
    """
    from . import render
    from .domain import Mode
    from .interview import SETTING_KEY, parse_interview_date, plan_interview_drill, saved_interview
    from .planning import plan_drill, today_window
    from .terminal import console

    moment = now()
    # A date given is checked before the bank loads: a typo is the answer at once.
    day = parse_interview_date(interview, moment) if interview is not None else None
    cards = _bank(bank, data_dir)
    chosen = cards.choose_summaries(cards.choose_topics(topic or [], track or []), tier or [])
    with _store(data_dir) as store:
        started = store.new_cards_started_between(*today_window(moment))
        day = day or saved_interview(store.setting(SETTING_KEY), moment)
        if day is None:
            plan = plan_drill(chosen, store.memories(), started, moment, limit=n, new_per_day=new)
        else:
            plan = plan_interview_drill(chosen, store.memories(), started, day, limit=n, new_per_day=new)
        if not plan.cards:
            console().print(render.nothing_due(plan, moment))
            return
        if day is not None:
            left = (day - moment.astimezone().date()).days
            console().print(
                f"Drilling for your interview on {day:%a %d %b %Y} ({left} day{'' if left == 1 else 's'}"
                " left): lowest predicted recall on the day first.",
                style="dim",
                markup=False,
            )
        planned = cards.cards.load([card.id for card in plan.cards])
        _study(
            list(planned.values()),
            cards,
            Mode.DRILL,
            store,
            offer_follow_ups=False,
            timeout=timeout,
            keep_answers=keep_answers,
        )


@commands.command()
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
    from .interview import SETTING_KEY, plan_from_store, saved_interview
    from .stats import summary_from_store
    from .terminal import console

    cards = _bank(bank, data_dir)
    chosen = cards.choose_summaries(cards.choose_topics(topic or [], track or []))
    moment = now()
    with _store(data_dir) as store:
        figures = summary_from_store(chosen, store, moment, weeks=weeks, days=days)
        day = saved_interview(store.setting(SETTING_KEY), moment)
        interview = plan_from_store(chosen, store, day, moment) if day else None
    out = console()
    if not figures.total_reviews:
        out.print("No reviews yet. Start with: prep quiz --topic loss   or   prep drill")
    else:
        out.print(render.stats_view(figures))
    if interview is not None:
        out.print(render.interview_line(interview))


@commands.command()
def plan(
    interview: Annotated[
        str | None,
        typer.Option(
            "--interview",
            metavar="YYYY-MM-DD",
            show_default=False,
            help="The day of the interview [default: the date saved with --save].",
        ),
    ] = None,
    topic: TopicOption = None,
    track: TrackOption = None,
    target: Annotated[
        float,
        typer.Option(
            "--target",
            min=0.5,
            max=0.99,
            help="Recall to reach on the day: cards predicted below it are planned for review.",
        ),
    ] = 0.9,
    new: Annotated[
        int,
        typer.Option("--new", help="New cards to start per day, at most, as in prep drill.", min=0, max=1000),
    ] = 10,
    save: Annotated[
        bool,
        typer.Option("--save", help="Remember the date: prep drill and prep stats use it until it comes."),
    ] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Forget the saved date.")] = False,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """What to study each day until an interview, and your weakest cards on the day.

    FSRS predicts how well you will recall each card you have seen at the
    interview (taken as 09:00 on its day). The cards predicted below --target
    are spread evenly over the days left, today included, with the cards
    never seen, at most --new a day. The weakest cards are listed: those
    below target first, core before advanced before deep. Without
    --interview, shows the plan for the saved date.

    \b
    Examples:
      prep plan --interview 2026-12-15
      prep plan --interview 2026-12-15 --topic loss --target 0.95 --save
      prep plan
      prep plan --clear
    """
    from . import render
    from .interview import SETTING_KEY, parse_interview_date, plan_from_store, saved_interview
    from .terminal import console

    if clear and (interview is not None or save):
        raise PrepError("--clear forgets the saved date: give it alone, without --interview or --save")
    if save and interview is None:
        raise PrepError("--save needs a date: prep plan --interview YYYY-MM-DD --save")
    moment = now()
    # A date given is checked before the bank loads: a typo is the answer at once.
    day = parse_interview_date(interview, moment) if interview is not None else None
    out = console()
    if clear:
        with _store(data_dir) as store:
            forgotten = store.setting(SETTING_KEY)
            store.set_setting(SETTING_KEY, None)
        if forgotten is None:
            out.print("No interview date was saved.", markup=False)
        else:
            out.print(
                f"Forgot your interview date ({forgotten}): prep drill is back to what is due.", markup=False
            )
        return
    cards = _bank(bank, data_dir)
    chosen = cards.choose_summaries(cards.choose_topics(topic or [], track or []))
    with _store(data_dir) as store:
        saved = store.setting(SETTING_KEY)
        if day is None:
            day = saved_interview(saved, moment)
            if day is None:
                out.print(
                    f"Your interview on {saved} has passed. Plan for the next one:\n"
                    "  prep plan --interview YYYY-MM-DD --save\nor forget it: prep plan --clear"
                    if saved
                    else "No interview date is saved. Plan for one:\n"
                    "  prep plan --interview YYYY-MM-DD\nand add --save to remember it.",
                    markup=False,
                )
                return
        elif save:
            store.set_setting(SETTING_KEY, day.isoformat())
            saved = day.isoformat()
        figures = plan_from_store(chosen, store, day, moment, target=target, new_per_day=new)
    out.print(render.interview_view(figures, saved=saved == day.isoformat()))


@commands.command()
def history(
    card_query: Annotated[
        str | None,
        typer.Argument(
            metavar="[CARD]", show_default=False, help="The card whose answers to show or forget."
        ),
    ] = None,
    forget: Annotated[
        bool, typer.Option("--forget", help="Delete the kept answer text (of CARD, or of every card).")
    ] = False,
    keep: Annotated[
        str | None,
        typer.Option(
            "--keep-answers",
            metavar="on|off",
            show_default=False,
            help="Keep typed answers from now on (on, the default) or stop keeping them (off).",
        ),
    ] = None,
    data_dir: DataDirOption = None,
    bank: BankOption = None,
) -> None:
    """Your past answers to a card: when, how you rated them, the key points covered, what you typed.

    Each review keeps the answer you typed, unless you turn it off (here, or
    for one session with --no-keep-answers). Forgetting deletes the text;
    the ratings and your schedule stay.

    \b
    Examples:
      prep history mse
      prep history mse --forget
      prep history --forget
      prep history --keep-answers off
    """
    from . import render
    from .terminal import console

    out = console()
    with _store(data_dir) as store:
        if keep is not None:
            if keep not in ("on", "off"):
                raise PrepError(f"--keep-answers takes on or off, not {keep!r}")
            store.set_setting(KEEP_ANSWERS_SETTING, None if keep == "on" else "off")
            out.print(
                "Typed answers will be kept." if keep == "on" else "Typed answers will no longer be kept."
            )
            if card_query is None and not forget:
                return
        card = None if card_query is None else _find(_bank(bank, data_dir), card_query, "history")
        card_id = None if card is None else card.id
        if forget:
            count = store.forget_answers(card_id)
            where = f"of {card_id}" if card_id else "of every card"
            out.print(f"Forgot {count} kept answer{'s' if count != 1 else ''} {where}.", markup=False)
            return
        if card is None:
            raise PrepError("name a card: prep history CARD (or --forget, or --keep-answers on|off)")
        reviews = store.answers(card.id)
        kept = store.setting(KEEP_ANSWERS_SETTING) != "off"
    if not reviews:
        out.print(f"No answers to {card.id} yet. Try: prep quiz {card.id}", markup=False)
        return
    out.print(render.history_view(card, reviews, keeping=kept))


# ---------------------------------------------------------------------------
# Reading the bank


@commands.command()
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
    from .runner import SnippetWorker, adopt_early_worker

    # The worker starts first (at launch, when prep is run as a command): its
    # interpreter imports numpy on the other core while this one opens the
    # bank, finds the card and draws it.
    worker = adopt_early_worker() or SnippetWorker()
    if run:
        worker.start()
    with worker:
        _explain(query, run, timeout, bank, data_dir, worker)


def _explain(
    query: str,
    run: bool,
    timeout: float,
    bank: list[Path] | None,
    data_dir: Path | None,
    worker: "SnippetWorker",
) -> None:
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
        waiting = start_snippet(snippet.code, runner=worker.run, timeout=timeout)
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


@commands.command(short_help="Assess an answer to one card, as a quiz would.")
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
        if answer.strip().lower() == "q":
            return  # the prompt says q quits, here as in a quiz
    elif answer is None:
        answer = sys.stdin.read()
    assessment = assess(answer, card, bank_vocabulary(cards))
    if as_json:
        _print_json(render.assessment_json(card, assessment))
    else:
        out.print(render.assessment_view(assessment))


@commands.command("search")
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


@commands.command("list")
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
    if json_out:
        _print_json(render.cards_json(cards.choose_summaries(topic or [], tier or [], allow_none=True)))
        return
    chosen = cards.choose_listing(topic or [], tier or [])
    out = console()
    if not chosen:
        out.print("no cards match", style="dim")
    elif out.is_terminal:
        out.print(render.card_table(chosen))
    else:
        # A pipe gets plain lines: a table of 10,000 rows takes rich seconds.
        from .textsafe import for_terminal

        sys.stdout.write(for_terminal(render.card_lines(chosen)))


@commands.command()
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


@commands.command("run")
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


@commands.command(short_help="Validate every card, its grading and its snippet.")
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
    from .checker import GradingCache, check_bank, snippets_to_run
    from .paths import cache_dir
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
            cache=GradingCache(cache_dir(data_dir) / "check-grading.json"),
        )
    _, track_problems = cards.tracks()
    for line in [*report.problems, *(str(p) for p in track_problems)]:
        _error(line)
    out.print(render.check_summary(report))
    if not report.ok or track_problems:
        raise typer.Exit(ExitCode.FAILED)
    what = "every card is valid, grades its examples as labelled"
    out.print(f"✓ {what} and every snippet prints its stored output" if run else f"✓ {what}", style="green")


@commands.command()
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


# ---------------------------------------------------------------------------
# The examiner (optional): a language model the user chooses grades answers

examiner_app = typer.Typer(add_completion=False, rich_markup_mode=None)
app.add_typer(
    examiner_app,
    name="examiner",
    short_help="An optional language model that grades answers; off unless set.",
)


@examiner_app.callback(invoke_without_command=True)
def examiner(ctx: typer.Context) -> None:
    """An optional examiner: a language model you choose, local or hosted, that reads typed answers.

    It is any OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp,
    LM Studio, a hosted API). Nothing is sent anywhere unless one is set here
    or with PREP_EXAMINER_URL and PREP_EXAMINER_MODEL.

    \b
    Examples:
      prep examiner set --url http://localhost:11434/v1 --model llama3.1
      prep examiner test
      prep examiner show --payload mse
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def _optional_seconds(value: float | None) -> float | None:
    return None if value is None else _seconds(value)


def _read_key() -> str:
    """The API key from a hidden prompt, or the first line of standard input: never an argument."""
    if sys.stdin.isatty():
        import getpass

        key = getpass.getpass("API key (not shown): ")
    else:
        key = sys.stdin.readline()
    if not key.strip():
        raise PrepError("no key was given; nothing was changed")
    return key.strip()


@examiner_app.command("set", short_help="Choose the examiner: its URL, its model, a key if it needs one.")
def examiner_set(
    url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            show_default=False,
            help="The OpenAI-compatible base URL, e.g. http://localhost:11434/v1 for Ollama;"
            " https:// unless it is localhost.",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option(metavar="NAME", show_default=False, help="The model, e.g. llama3.1.")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            metavar="SECONDS",
            callback=_optional_seconds,
            max=600,
            show_default=False,
            help="Seconds one reply may take, in all [default: 30].",
        ),
    ] = None,
    ask_key: Annotated[
        bool,
        typer.Option(
            "--ask-key", help="Read an API key from a hidden prompt (or standard input's first line)."
        ),
    ] = False,
    forget_key: Annotated[bool, typer.Option("--forget-key", help="Remove the stored API key.")] = False,
) -> None:
    """Choose the examiner: its URL and model, and an API key if it needs one.

    The settings go to examiner.json in your config folder, readable by you
    only. The key is never taken on the command line (it would stay in your
    shell's history): --ask-key reads it, or set PREP_EXAMINER_KEY.
    PREP_EXAMINER_URL, PREP_EXAMINER_MODEL and PREP_EXAMINER_KEY override
    the file. Nothing is sent until a session or `prep examiner test` asks.

    \b
    Examples:
      prep examiner set --url http://localhost:11434/v1 --model llama3.1
      prep examiner set --url https://api.openai.com/v1 --model gpt-4o-mini --ask-key
      prep examiner set --timeout 60
    """
    from .examiner import DEFAULT_TIMEOUT, ENV_NAMES, ExaminerConfig, file_settings, save_config
    from .paths import config_dir
    from .terminal import console
    from .textsafe import for_terminal

    if ask_key and forget_key:
        raise PrepError("--ask-key and --forget-key do not go together")
    if url is None and model is None and timeout is None and not ask_key and not forget_key:
        raise PrepError("nothing to set: give --url, --model, --timeout, --ask-key or --forget-key")
    folder = config_dir()
    current = file_settings(folder)
    chosen_url, chosen_model = url or current.get("url"), model or current.get("model")
    if not chosen_url or not chosen_model:
        raise PrepError(
            "give both --url and --model the first time, for example:"
            " prep examiner set --url http://localhost:11434/v1 --model llama3.1"
        )
    config = ExaminerConfig(
        url=chosen_url,
        model=chosen_model,
        key=_read_key() if ask_key else None if forget_key else current.get("key"),
        timeout=timeout if timeout is not None else current.get("timeout", DEFAULT_TIMEOUT),
    )
    path = save_config(folder, config)
    out = console()
    out.print(for_terminal(f"Saved to {path} (readable by you only)."), markup=False)
    out.print(
        for_terminal(f"Examiner: {config.where}; key: {'set' if config.key else 'not set'}"), markup=False
    )
    overriding = [name for name in ENV_NAMES if os.environ.get(name, "").strip()]
    if overriding:
        _warn(
            f"{', '.join(overriding)}, set in the environment, override{'s' * (len(overriding) == 1)} the file"
        )
    out.print("See that it answers, and how fast: prep examiner test", style="dim")


@examiner_app.command("show", short_help="Show the settings (never the key), or what a grading sends.")
def examiner_show(
    payload_card: Annotated[
        str | None,
        typer.Option(
            "--payload",
            metavar="CARD",
            show_default=False,
            help="Print exactly what grading CARD would send, as JSON (nothing is sent).",
        ),
    ] = None,
    answer: Annotated[
        str, typer.Option("--answer", metavar="TEXT", help="The sample answer in --payload.")
    ] = "(your typed answer)",
    bank: BankOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Show the examiner's settings and where each comes from; never the key itself.

    With --payload CARD, print the body a grading of CARD would POST (the
    card's question, key points, common mistakes and corrections, and the
    answer) on standard output, and the request line on standard error.

    \b
    Examples:
      prep examiner show
      prep examiner show --payload mse --answer "MSE is robust to outliers"
    """
    from . import render
    from .examiner import config_origins, config_path, load_config, payload
    from .paths import config_dir
    from .terminal import console
    from .textsafe import for_terminal

    folder = config_dir()
    config = load_config(folder, os.environ)
    if payload_card is None:
        path = config_path(folder)
        console().print(
            render.examiner_settings(config, config_origins(folder, os.environ), str(path), path.exists())
        )
        return
    card = _find(_bank(bank, data_dir), payload_card, "examiner show --payload")
    body = payload(card, answer, config.model if config else "MODEL")
    if config is None:
        _warn("no examiner is configured: this is what would be sent once one is; nothing is sent now")
    else:
        request = [f"POST {config.endpoint}", "Content-Type: application/json"]
        if config.key:
            request.append("Authorization: Bearer (your key, not shown)")
        typer.echo(for_terminal("\n".join(request)), err=True)
    import json

    typer.echo(for_terminal(json.dumps(body, indent=2, ensure_ascii=False)))


@examiner_app.command("test", short_help="Send one tiny grading: is it up, how long, structured output.")
def examiner_test() -> None:
    """Send the examiner one tiny grading: does it answer, how long does it take, does structured output work.

    The one request is a one-point card and a one-line answer, nothing of
    yours. The time printed is measured, the whole request included.

    \b
    Examples:
      prep examiner test
      PREP_EXAMINER_MODEL=qwen2.5:7b prep examiner test
    """
    from .examiner import ExaminerFailure, load_config, trial
    from .paths import config_dir
    from .terminal import console, with_status
    from .textsafe import for_terminal

    config = load_config(config_dir(), os.environ)
    if config is None:
        raise PrepError(
            "no examiner is configured, so nothing was sent;"
            " set one with: prep examiner set --url URL --model NAME"
        )
    out = console()
    out.print(for_terminal(f"Asking {config.where} to grade one tiny answer."), markup=False)
    outcome = with_status(out, "waiting for the examiner…", lambda: trial(config))
    if isinstance(outcome, ExaminerFailure):
        after = f" (after {outcome.seconds:.1f} s)" if outcome.seconds is not None else ""
        out.print(for_terminal(f"✗ {outcome.reason}{after}", keep_newlines=False), style="red", markup=False)
        raise typer.Exit(ExitCode.FAILED)
    out.print(
        f"✓ it answered in {outcome.seconds:.2f} s (measured: one grading, start to end)", style="green"
    )
    if outcome.structured:
        out.print("structured output: works (the server took the reply's JSON schema)")
    else:
        out.print(
            "structured output: not supported (the server refused a JSON schema;"
            " prep asks with an instruction and checks the reply)"
        )
    if outcome.covered == outcome.total_points and outcome.rating >= 3:
        out.print(f"grading: it credited a plainly right answer (rating: {outcome.rating.label})")
    else:
        out.print(
            f"grading: it did not credit a plainly right answer (rating: {outcome.rating.label});"
            " this model's grading may not be worth the wait",
            style="yellow",
        )
    for note in outcome.notes:
        out.print(for_terminal(f"note: {note}"), style="dim", markup=False)


@examiner_app.command("clear", short_help="Forget the examiner and its key.")
def examiner_clear() -> None:
    """Forget the examiner: remove its settings file, and the key in it.

    \b
    Examples:
      prep examiner clear
    """
    from .examiner import ENV_NAMES, clear_config, config_path
    from .paths import config_dir
    from .terminal import console
    from .textsafe import for_terminal

    folder = config_dir()
    removed = clear_config(folder)
    path = config_path(folder)
    out = console()
    if removed:
        out.print(for_terminal(f"Removed {path}."), markup=False)
    else:
        out.print(for_terminal(f"There was no examiner settings file ({path})."), markup=False)
    still = [name for name in ENV_NAMES if os.environ.get(name, "").strip()]
    if still:
        _warn(
            f"{', '.join(still)} still set in the environment; unset {'it' if len(still) == 1 else 'them'} too"
        )
    else:
        out.print("No examiner is configured: nothing leaves this machine.")


# ---------------------------------------------------------------------------
# Exporting

export_app = typer.Typer(add_completion=False, rich_markup_mode=None)
app.add_typer(export_app, name="export", help="Write cards to a file for another tool: an Anki deck.")


@export_app.callback(invoke_without_command=True)
def export(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        # `prep export` alone: the help is the answer, not an error.
        typer.echo(ctx.get_help())


@export_app.command("anki")
def export_anki(
    topic: TopicOption = None,
    track: TrackOption = None,
    tier: TierOption = None,
    tag: TagOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="The deck file to write.")
    ] = Path("prep.apkg"),
    bank: BankOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write cards to an Anki deck (.apkg): one note per card, tagged by topic and tier.

    Each note keeps its card's id, so importing a newer export into Anki
    updates the notes (and keeps their reviews) instead of adding copies.
    Needs the anki extra: pip install 'interview-prep[anki]'.

    \b
    Examples:
      prep export anki -o prep.apkg
      prep export anki --topic loss --tier core -o loss-core.apkg
      prep export anki --track ml-engineer -o ml.apkg
    """
    from .anki import check_output, require_genanki, write_deck
    from .textsafe import for_terminal

    # Both before the bank loads: a missing extra or folder is the answer at once.
    require_genanki()
    check_output(output)
    cards = _bank(bank, data_dir)
    chosen = cards.choose(cards.choose_topics(topic or [], track or []), tier or [], tag or [])
    count = write_deck(chosen, output, now())
    typer.echo(for_terminal(f"wrote {count} card{'' if count == 1 else 's'} to {output}"))

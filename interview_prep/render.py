"""Rich renderables for cards, snippet runs, tables and summaries.

Nothing here reads input or decides anything; the CLI and the session call
these and print what they return. Pygments (through rich.syntax) loads only
when a snippet is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .cards import Card, Listed, Tier
from .domain import Ended, Mode, Rating
from .runner import RunResult, output_diff, outputs_match
from .textsafe import for_terminal

if TYPE_CHECKING:
    from datetime import date, datetime

    from .checker import CheckReport
    from .grading import Assessment
    from .planning import DrillPlan
    from .search import Hit
    from .session import SessionResult
    from .stats import StatsSummary

TIER_STYLE = {Tier.CORE: "green", Tier.ADVANCED: "yellow", Tier.DEEP: "magenta"}


def tier_text(tier: Tier) -> Text:
    return Text(tier.value, style=TIER_STYLE[tier])


def heading(title: str) -> Text:
    return Text(title, style="bold cyan")


def body(text: str) -> Padding:
    return Padding(Text(text), (0, 0, 0, 2), expand=False)


def section(title: str, content: RenderableType) -> Group:
    return Group(Text(""), heading(title), content)


def marked_rows(rows: Sequence[tuple[Text, RenderableType]]) -> Padding:
    """A marker column and a text column, so wrapped lines hang under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for marker, item in rows:
        grid.add_row(marker, item)
    return Padding(grid, (0, 0, 0, 2), expand=False)


def bullet_list(items: Sequence[str], marker: str = "•", style: str = "") -> Padding:
    return marked_rows([(Text(marker, style=style or "bold"), Text(item)) for item in items])


def card_header(card: Card, position: str | None = None) -> Panel:
    subtitle = Text.assemble((card.topic, "bold"), " · ", tier_text(card.tier), " · ", (card.id, "dim"))
    if position:
        subtitle = Text.assemble((position, "bold"), "  ", subtitle)
    return Panel(
        Text(card.question, style="bold"),
        title=Text(card.title, style="bold"),
        title_align="left",
        subtitle=subtitle,
        subtitle_align="left",
        border_style=TIER_STYLE[card.tier],
    )


def card_top(card: Card) -> Group:
    """Everything in `prep explain` above the snippet."""
    parts: list[RenderableType] = [card_header(card)]
    parts.append(section("Short answer", body(card.short_answer)))
    parts.append(section("Key points", bullet_list([kp.point for kp in card.key_points])))
    parts.extend(_explanation_parts(card))
    return Group(*parts)


def _explanation_parts(card: Card) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if card.intuition:
        parts.append(section("Intuition", body(card.intuition)))
    if card.math:
        parts.append(section("Math", Padding(Text(card.math, style="italic"), (0, 0, 0, 4), expand=False)))
    if card.worked_example:
        parts.append(section("Worked example", body(card.worked_example)))
    return parts


def snippet_code(card: Card, highlight: bool = True) -> RenderableType:
    """The snippet's code, highlighted only where colour shows: building the
    Python lexer costs more than the rest of a lookup, and is wasted on a pipe."""
    assert card.snippet is not None
    if not highlight:
        return section("Snippet", Padding(Text(card.snippet.code.rstrip()), (0, 0, 0, 2), expand=False))
    from rich.syntax import Syntax

    code = Syntax(card.snippet.code.rstrip(), "python", theme="ansi_dark", line_numbers=False, word_wrap=True)
    return section("Snippet", Padding(code, (0, 0, 0, 2), expand=False))


def stored_output(card: Card) -> RenderableType:
    assert card.snippet is not None
    return section(
        "Output (stored; not run)",
        Padding(Text(card.snippet.output.rstrip("\n")), (0, 0, 0, 2), expand=False),
    )


def run_output(card: Card, result: RunResult) -> RenderableType:
    """A live run's output, marked clearly when it is not what the card stores."""
    assert card.snippet is not None
    parts: list[RenderableType] = []
    if result.ok:
        parts.append(Padding(Text(for_terminal(result.stdout.rstrip("\n"))), (0, 0, 0, 2), expand=False))
        if outputs_match(card.snippet.output, result.stdout):
            status = Text(f"✓ matches the stored output ({result.summary()})", style="green")
        else:
            status = Text("✗ differs from the stored output:", style="bold red")
            parts.append(Padding(status, (1, 0, 0, 2), expand=False))
            parts.append(diff_text(card.snippet.output, result.stdout))
            return section("Output (run live)", Group(*parts))
        parts.append(Padding(status, (0, 0, 0, 2), expand=False))
    else:
        if result.stdout.strip():
            parts.append(Padding(Text(for_terminal(result.stdout.rstrip("\n"))), (0, 0, 0, 2), expand=False))
        parts.append(
            Padding(Text(f"✗ the snippet {result.summary()}", style="bold red"), (0, 0, 0, 2), expand=False)
        )
        if result.verdict.value == "error" and result.stderr.strip():
            parts.append(
                Padding(Text(for_terminal(result.stderr.rstrip()), style="red"), (0, 0, 0, 4), expand=False)
            )
    return section("Output (run live)", Group(*parts))


def diff_text(expected: str, actual: str) -> Padding:
    lines = Text()
    for i, line in enumerate(output_diff(expected, actual)):
        if i:
            lines.append("\n")
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
        lines.append(for_terminal(line), style=style)
    return Padding(lines, (0, 0, 0, 4), expand=False)


def follow_ups(card: Card) -> RenderableType:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=False)
    table.add_column(style="cyan", no_wrap=True)
    for item in card.follow_ups:
        table.add_row("→", Text(item.question), f" prep explain {item.card}" if item.card else "")
    return section("Follow-ups", Padding(table, (0, 0, 0, 2), expand=False))


def card_bottom(card: Card) -> Group:
    """Everything in `prep explain` below the snippet."""
    parts: list[RenderableType] = []
    if card.answers and card.answers.wrong:
        from .grading import assess

        parts.append(weak_example(card, assess(card.answers.wrong[0].text, card)))
    if card.follow_ups:
        parts.append(follow_ups(card))
    if card.common_mistakes:
        parts.append(common_mistakes(card))
    if card.related:
        parts.append(
            section(
                "Related", Padding(Text(", ".join(card.related), style="cyan"), (0, 0, 0, 2), expand=False)
            )
        )
    return Group(*parts)


def card_table(cards: Sequence[Listed]) -> Table:
    """Cards grouped under their topic, so the title keeps room to read in 80 columns."""
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("tier", no_wrap=True)
    table.add_column("title")
    topic = None
    for card in cards:
        if card.topic != topic:
            topic = card.topic
            table.add_row(Text(topic, style="bold"), "", "", end_section=False)
        table.add_row(f"  {card.id}", tier_text(card.tier), card.title)
    return table


def card_lines(cards: Sequence[Listed]) -> str:
    """The card list as plain text for a pipe: the table's layout, without its cost."""
    width = max((len(card.id) for card in cards), default=2) + 2
    tier_width = max(len(t.value) for t in Tier)
    lines = [f"{'id':<{width + 1}} {'tier':<{tier_width}}  title"]
    topic = None
    for card in cards:
        if card.topic != topic:
            topic = card.topic
            lines.append(topic)
        lines.append(f"  {card.id:<{width - 1}} {card.tier.value:<{tier_width}}  {card.title}")
    return "\n".join(lines) + "\n"


def topics_table(cards: Sequence[Listed], tracks: Mapping[str, Sequence[str]] | None = None) -> Table:
    counts: dict[str, dict[Tier, int]] = {}
    for card in cards:
        counts.setdefault(card.topic, {t: 0 for t in Tier})[card.tier] += 1
    table = Table(header_style="bold", show_footer=True)
    table.add_column("topic", footer="all topics")
    for tier in Tier:
        table.add_column(
            tier.value,
            justify="right",
            style=TIER_STYLE[tier],
            footer=str(sum(c[tier] for c in counts.values())),
        )
    table.add_column("cards", justify="right", style="bold", footer=str(len(cards)))
    if tracks:
        table.add_column("tracks", style="dim")
    for topic in sorted(counts):
        row = counts[topic]
        cells = [topic, *(str(row[t]) for t in Tier), str(sum(row.values()))]
        if tracks:
            cells.append(", ".join(tracks.get(topic, [])))
        table.add_row(*cells)
    return table


def search_table(hits: Sequence[Hit]) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("tier", no_wrap=True)
    table.add_column("question")
    for hit in hits:
        table.add_row(f"{hit.score:.2f}", hit.card.id, tier_text(hit.card.tier), hit.card.question)
    return table


def candidates_table(cards: Sequence[Card]) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("title")
    for i, card in enumerate(cards, 1):
        table.add_row(str(i), card.id, card.title)
    return table


# ---------------------------------------------------------------------------
# Study sessions

RATING_STYLE = {Rating.AGAIN: "red", Rating.HARD: "yellow", Rating.GOOD: "green", Rating.EASY: "cyan"}


def common_mistakes(card: Card) -> Group:
    rows = []
    for mistake in card.common_mistakes:
        item = Text(mistake.mistake)
        if mistake.correction:
            item.append(f" {mistake.correction}", style="dim")
        rows.append((Text("✗", style="red"), item))
    return section("Common mistakes", marked_rows(rows))


# How each key point's status is marked, in colour and in words for a pipe.
POINT_MARKS = {
    "covered": ("✓", "bold green"),
    "missed": ("✗", "bold red"),
    "contradicted": ("⚠", "bold magenta"),
}


def quoted(evidence: str, limit: int = 90) -> str:
    """Words from the user's answer, quoted; control characters made visible."""
    text = for_terminal(" ".join(evidence.split()))
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def assessment_parts(assessment: Assessment) -> list[RenderableType]:
    """Caught mistakes first, then each key point with the words that earned or lost it."""
    parts: list[RenderableType] = []
    if assessment.mistakes or assessment.contradicted:
        rows = []
        for caught in assessment.mistakes:
            item = Text.assemble(
                ("You said ", "bold"), quoted(caught.evidence), "\n", (caught.mistake.mistake, "red")
            )
            if caught.mistake.correction:
                item.append(f"\n{caught.mistake.correction}", style="green")
            rows.append((Text("✗", style="bold red"), item))
        for point in assessment.contradicted:
            item = Text.assemble(
                ("You said ", "bold"),
                quoted(point.evidence or ""),
                "\n",
                ("That contradicts: ", "red"),
                (point.point.point, "green"),
            )
            rows.append((Text("⚠", style="bold magenta"), item))
        count = assessment.wrong_count
        parts.append(section(f"What you got wrong ({count})", marked_rows(rows)))
    rows = []
    for result in assessment.points:
        mark, style = POINT_MARKS[result.status.value]
        item = Text(result.point.point)
        if result.status.value == "covered":
            item.append(f"  {quoted(result.evidence or '', 60)}", style="dim")
        elif result.status.value == "contradicted":
            item.append("  (contradicted)", style="magenta")
        rows.append((Text(mark, style=style), item))
    title = f"Key points: you covered {assessment.covered} of {assessment.total}"
    if assessment.contradicted:
        title += f", contradicted {len(assessment.contradicted)}"
    parts.append(section(title, marked_rows(rows)))
    if assessment.answered and not assessment.reads_as_sentences:
        parts.append(
            Padding(
                Text("A list of words is not an answer: say why, in sentences.", style="yellow"),
                (1, 0, 0, 2),
                expand=False,
            )
        )
    return parts


def assessment_view(assessment: Assessment) -> Group:
    """What `prep grade` prints."""
    rating = assessment.suggested
    verdict = Text.assemble("\nSuggested rating: ", (f"{int(rating)} {rating.label}", RATING_STYLE[rating]))
    return Group(*assessment_parts(assessment), verdict)


def assessment_json(card: Card, assessment: Assessment) -> dict[str, object]:
    """The assessment as one object, for scripts and editors (documented in the README)."""
    mistakes = [
        {"mistake": c.mistake.mistake, "correction": c.mistake.correction, "evidence": c.evidence}
        for c in assessment.mistakes
    ] + [
        {"mistake": f"contradicts: {p.point.point}", "correction": p.point.point, "evidence": p.evidence}
        for p in assessment.contradicted
    ]
    return {
        "card": card.id,
        "covered": assessment.covered,
        "total": assessment.total,
        "suggested": assessment.suggested.label,
        "points": [
            {"point": p.point.point, "status": p.status.value, "evidence": p.evidence}
            for p in assessment.points
        ],
        "mistakes": mistakes,
    }


def weak_example(card: Card, assessment: Assessment) -> RenderableType:
    """A card's wrong example answer and its live assessment: "a weak answer, and why"."""
    assert card.answers is not None and card.answers.wrong
    example = card.answers.wrong[0]
    return section(
        "A weak answer, and why",
        Group(
            Padding(Text(example.text, style="italic"), (0, 0, 0, 2), expand=False),
            *assessment_parts(assessment),
        ),
    )


def reveal(
    card: Card, assessment: Assessment | None, seconds: float, suggested: Rating | None, mode: Mode
) -> Group:
    """The model answer, and how the typed answer compares with it."""
    parts: list[RenderableType] = [
        section("Model answer", body(card.short_answer)),
    ]
    if assessment is not None:
        parts.extend(assessment_parts(assessment))
    else:
        parts.append(section("Key points", bullet_list([kp.point for kp in card.key_points])))
    if mode is Mode.QUIZ:
        if card.common_mistakes:
            parts.append(common_mistakes(card))
        if card.follow_ups:
            parts.append(follow_ups(card))
    timing = Text.assemble("\n", (f"{seconds:.0f} s", "bold"), " on this answer")
    if suggested:
        timing.append(" · suggested rating: ")
        timing.append(f"{int(suggested)} {suggested.label}", RATING_STYLE[suggested])
    parts.append(timing)
    return Group(*parts)


def explanation(card: Card) -> Group:
    """What `e` shows in a session: the parts of a card the reveal leaves out."""
    parts = _explanation_parts(card)
    if card.answers and card.answers.wrong:
        from .grading import assess

        parts.append(weak_example(card, assess(card.answers.wrong[0].text, card)))
    if not parts:
        parts.append(Text("This card has no further explanation.", style="dim"))
    return Group(*parts)


def session_summary(result: SessionResult) -> Group:
    table = Table(title=f"{result.mode.capitalize()} summary", title_justify="left", header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("card", style="cyan")
    table.add_column("tier")
    table.add_column("rating")
    table.add_column("key points", justify="right")
    table.add_column("time", justify="right")
    for i, outcome in enumerate(result.outcomes, 1):
        name = outcome.card.id if not outcome.follow_up_of else f"↳ {outcome.card.id}"
        rating = Text(outcome.label, style=RATING_STYLE[outcome.rating] if outcome.rating else "dim")
        table.add_row(
            str(i),
            name,
            tier_text(outcome.card.tier),
            rating,
            f"{outcome.covered}/{outcome.total}",
            f"{outcome.seconds:.0f} s",
        )
    parts: list[RenderableType] = [Text("")]
    if result.outcomes:
        parts.append(table)
    ended = {
        Ended.DONE: "Session complete.",
        Ended.QUIT: "Session ended early.",
        Ended.END_OF_INPUT: "Input ended; session closed.",
        Ended.INTERRUPTED: "Interrupted; every rating so far is saved.",
    }[result.ended]
    rated = result.rated
    parts.append(Text(f"{ended} {len(rated)} card{'s' if len(rated) != 1 else ''} rated.", style="bold"))
    weakest = result.weakest()
    if weakest:
        topic, tier = weakest
        parts.append(
            Text.assemble(
                "Study next: ",
                (topic, "bold cyan"),
                " (weakest topic), ",
                (tier, "bold"),
                " questions (weakest tier).",
            )
        )
        parts.append(Text.assemble("  ", (f"prep quiz --topic {topic} --tier {tier}", "cyan")))
    return Group(*parts)


def heatmap(per_day: dict[date, int], today: date) -> Table:
    """A GitHub-style calendar: one column per week, one row per weekday."""
    days = list(per_day)
    first = days[0]
    # Start the grid on a Monday so rows are weekdays.
    from datetime import timedelta

    start = first - timedelta(days=first.weekday())
    weeks = (today - start).days // 7 + 1
    most = max(per_day.values()) or 1
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style="dim")
    for _ in range(weeks):
        grid.add_column()
    for weekday, name in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        row: list[RenderableType] = [name]
        for week in range(weeks):
            day = start + timedelta(days=week * 7 + weekday)
            count = per_day.get(day)
            if count is None or day > today:
                row.append(Text(" "))
            elif count == 0:
                row.append(Text("·", style="dim"))
            else:
                level = min(3, 1 + (3 * count - 1) // most)
                row.append(Text("▪■█"[level - 1], style=("green4", "green3", "bold green1")[level - 1]))
        grid.add_row(*row)
    return grid


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def stats_view(summary: StatsSummary) -> Group:
    per_day, today, table_rows = summary.per_day, summary.today, summary.table
    forecast, streak, total_reviews = summary.forecast, summary.streak, summary.total_reviews
    parts: list[RenderableType] = []
    days_active = sum(1 for c in per_day.values() if c)
    parts.append(heading(f"Reviews, last {len(per_day) // 7} weeks"))
    parts.append(Padding(heatmap(per_day, today), (0, 0, 0, 2), expand=False))
    parts.append(
        Padding(
            Text(
                f"{plural(sum(per_day.values()), 'review')} on {plural(days_active, 'day')} · "
                f"streak: {plural(streak, 'day')} · "
                f"{plural(total_reviews, 'review')} in all",
                style="dim",
            ),
            (0, 0, 0, 2),
            expand=False,
        )
    )

    table = Table(title="By topic and tier", title_justify="left", header_style="bold")
    table.add_column("topic")
    table.add_column("tier")
    table.add_column("seen", justify="right")
    table.add_column("reviews", justify="right")
    table.add_column("avg rating", justify="right")
    table.add_column("retention", justify="right")
    # Topics not yet started would fill the table with zeros; name them in one line instead.
    started = {row.topic for row in table_rows if row.seen_cards}
    for row in table_rows:
        if row.topic not in started:
            continue
        table.add_row(
            row.topic,
            tier_text(row.tier),
            f"{row.seen_cards}/{row.total_cards}",
            str(row.reviews),
            "–" if row.average_rating is None else f"{row.average_rating:.1f}",
            "–" if row.retention is None else f"{row.retention:.0%}",
        )
    parts.append(Text(""))
    parts.append(table)
    not_started = sorted({row.topic for row in table_rows} - started)
    if not_started:
        parts.append(Text(f"Not started yet: {', '.join(not_started)}", style="dim"))

    due = Table(title="Due", title_justify="left", header_style="bold")
    for day, _ in forecast:
        due.add_column("today" if day == today else day.strftime("%a %d"), justify="right")
    due.add_row(*(str(count) for _, count in forecast))
    parts.append(Text(""))
    parts.append(due)
    return Group(*parts)


# ---------------------------------------------------------------------------
# Small views the commands print


def run_verdict(card: Card, result: RunResult) -> Group:
    """What `prep run` says on stderr after the snippet's own output."""
    parts: list[RenderableType] = []
    if not result.ok:
        if result.stderr.strip():
            parts.append(Text(for_terminal(result.stderr.rstrip("\n"))))
        parts.append(Text(f"✗ {card.id}: the snippet {result.summary()}", style="bold red"))
        return Group(*parts)
    assert card.snippet is not None
    if outputs_match(card.snippet.output, result.stdout):
        return Group(Text(f"✓ {card.id}: output matches ({result.summary()})", style="green"))
    parts.append(Text(f"✗ {card.id}: output differs from the stored output", style="bold red"))
    for line in output_diff(card.snippet.output, result.stdout):
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else ""
        parts.append(Text(for_terminal(line), style=style))
    return Group(*parts)


def when(moment: datetime, now: datetime) -> str:
    """How far off `moment` is, in words, with the local time."""
    seconds = (moment - now).total_seconds()
    local = moment.astimezone().strftime("%a %d %b %H:%M")
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min ({local})"
    if seconds < 86400:
        return f"in {seconds / 3600:.0f} h ({local})"
    return f"in {seconds / 86400:.0f} days ({local})"


def nothing_due(plan: DrillPlan, now: datetime) -> Group:
    parts: list[RenderableType] = [Text("Nothing is due now.", style="bold")]
    if plan.next_due:
        parts.append(Text(f"The next card falls due {when(plan.next_due, now)}."))
    if plan.has_unseen:
        parts.append(
            Text(
                f"New cards: {plan.started_today} started today "
                f"(at most {plan.new_per_day} a day; change it with --new)."
            )
        )
    return Group(*parts)


def _count(n: int) -> Text:
    return Text(str(n), style="bold red" if n else "")


def check_summary(report: CheckReport) -> Table:
    bank = report.bank
    failed = sum(1 for s in report.snippets if not s.ok)
    table = Table(title="prep check", show_header=False, title_justify="left")
    table.add_column()
    table.add_column(justify="right")
    table.add_row("bank folders", str(len(bank.folders)))
    table.add_row("card files", str(bank.files_read))
    table.add_row("valid cards", str(len(bank)))
    table.add_row("card problems", _count(len(bank.problems)))
    table.add_row("grading problems", _count(len(report.grading)))
    table.add_row("snippets run", str(len(report.snippets)))
    table.add_row("snippets matching", str(len(report.snippets) - failed))
    table.add_row("snippets failing", _count(failed))
    return table


def cards_json(cards: Sequence[Listed]) -> list[dict[str, object]]:
    return [
        {"id": c.id, "title": c.title, "topic": c.topic, "tier": c.tier.value, "aliases": list(c.aliases)}
        for c in cards
    ]


def hits_json(hits: Sequence[Hit]) -> list[dict[str, object]]:
    return [
        {
            "id": h.card.id,
            "title": h.card.title,
            "topic": h.card.topic,
            "tier": h.card.tier.value,
            "score": round(h.score, 3),
        }
        for h in hits
    ]

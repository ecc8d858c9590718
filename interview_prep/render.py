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
    from .domain import Review
    from .examiner import ExaminerConfig, ExaminerFailure, ExaminerReport, Turn
    from .grading import Assessment
    from .interview import InterviewPlan
    from .planning import DrillOutlook, DrillPlan
    from .search import Hit
    from .session import Revealed, SessionResult
    from .stats import StatsSummary, StudyNext

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


def question_header(card: Card, number: str, total: int) -> Panel:
    """The question as a session asks it: topic, tier and position, but neither
    the title nor the id, which can give the answer away (both show at the reveal)."""
    head, _, again = number.partition(" ")
    position = f"{head}/{total}" + (f" {again}" if again else "")
    subtitle = Text.assemble((position, "bold"), "  ", (card.topic, "bold"), " · ", tier_text(card.tier))
    return Panel(
        Text(card.question, style="bold"),
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


def reveal(card: Card, shown: Revealed) -> Group:
    """The model answer, and how the typed answer compares with it."""
    parts: list[RenderableType] = [
        Text.assemble(("\n" + card.title, "bold"), "  ", (card.id, "cyan")),
        section("Model answer", body(card.short_answer)),
    ]
    if shown.assessment is not None:
        parts.extend(assessment_parts(shown.assessment))
    else:
        parts.append(section("Key points", bullet_list([kp.point for kp in card.key_points])))
    if shown.mode is Mode.QUIZ:
        if card.common_mistakes:
            parts.append(common_mistakes(card))
        if card.follow_ups:
            parts.append(follow_ups(card))
    if shown.previous is not None:
        parts.append(previous_answer(shown.previous, shown.previous.reviewed_at))
    timing = Text.assemble("\n", (duration(shown.seconds), "bold"), " on this answer")
    if shown.over_time and shown.time_limit is not None:
        timing.append(f" (over the {duration(shown.time_limit)} allowed)", style="bold yellow")
    elif shown.time_limit is not None:
        timing.append(f" of {duration(shown.time_limit)} allowed")
    if shown.suggested:
        timing.append(" · suggested rating: ")
        timing.append(f"{int(shown.suggested)} {shown.suggested.label}", RATING_STYLE[shown.suggested])
    parts.append(timing)
    return Group(*parts)


def duration(seconds: float) -> str:
    """42 s, 1 min 30 s: how long an answer took, to the second."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def previous_answer(review: Review, when_given: datetime) -> Group:
    """The user's last kept answer to this card and how it was assessed, to compare."""
    verdict = Text.assemble(
        (when_given.astimezone().strftime("%Y-%m-%d"), "dim"),
        " · rated ",
        (review.rating.label, RATING_STYLE[review.rating]),
        f" · {review.covered}/{review.total_points} key points",
    )
    if review.mistakes:
        verdict.append(f" · {plural(review.mistakes, 'mistake')} caught", style="red")
    return section("Your previous answer", Group(Padding(verdict, (0, 0, 0, 4)), body(review.answer or "")))


def explanation(card: Card) -> Group:
    """What `e` shows in a session: the parts of a card the reveal leaves out."""
    parts = _explanation_parts(card)
    if card.answers and card.answers.wrong:
        from .grading import assess

        parts.append(weak_example(card, assess(card.answers.wrong[0].text, card)))
    if not parts:
        parts.append(Text("This card has no further explanation.", style="dim"))
    return Group(*parts)


def session_summary(
    result: SessionResult,
    study_next: StudyNext | None = None,
    outlook: DrillOutlook | None = None,
    now: datetime | None = None,
) -> Group:
    table = Table(title=f"{result.mode.capitalize()} summary", title_justify="left", header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("card", style="cyan")
    table.add_column("tier")
    table.add_column("rating")
    table.add_column("key points", justify="right")
    table.add_column("time", justify="right")
    for outcome in result.in_order:
        name = outcome.card.id if not outcome.follow_up_of else f"↳ {outcome.card.id}"
        rating = Text(outcome.label, style=RATING_STYLE[outcome.rating] if outcome.rating else "dim")
        table.add_row(
            outcome.number,
            name,
            tier_text(outcome.card.tier),
            rating,
            f"{outcome.covered}/{outcome.total}",
            Text(
                duration(outcome.seconds) + (" over" if outcome.over_time else ""),
                style="yellow" if outcome.over_time else "",
            ),
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
    if outlook is not None and now is not None:
        parts.append(drill_outlook(outlook, now))
    if study_next is not None:
        parts.append(
            Text.assemble(
                "Study next: ",
                (study_next.topic, "bold cyan"),
                " · ",
                tier_text(study_next.tier),
                f", your weakest so far (average rating {study_next.average:.1f}"
                f" over {plural(study_next.reviews, 'review')}).",
            )
        )
        parts.append(Text.assemble("  ", (study_next.command, "cyan")))
    return Group(*parts)


def history_view(card: Card, reviews: Sequence[Review], *, keeping: bool) -> Group:
    """Every review of one card, oldest first, with the answer typed when it was kept."""
    parts: list[RenderableType] = [
        Text(f"{card.id} · {card.title}", style="bold"),
        Text(card.question, style="dim"),
    ]
    for review in reviews:
        line = Text.assemble(
            "\n",
            (review.reviewed_at.astimezone().strftime("%Y-%m-%d %H:%M"), "bold"),
            f" · {review.mode.value} · rated ",
            (review.rating.label, RATING_STYLE[review.rating]),
            f" · {review.covered}/{review.total_points} key points",
        )
        if review.mistakes:
            line.append(f" · {plural(review.mistakes, 'mistake')} caught", style="red")
        line.append(f" · {duration(review.seconds)}")
        if review.over_time:
            line.append(" (over time)", style="yellow")
        parts.append(line)
        if review.answer:
            parts.append(body(review.answer))
        else:
            parts.append(Padding(Text("(no answer kept)", style="dim"), (0, 0, 0, 4)))
        if review.examiner:
            parts.append(Padding(examiner_record_view(review.examiner), (0, 0, 0, 4)))
    if not keeping:
        parts.append(Text("\nKeeping answers is off: prep history --keep-answers on", style="dim"))
    return Group(*parts)


def drill_outlook(outlook: DrillOutlook, now: datetime) -> Text:
    """When the drill's next card falls due, and how many tomorrow."""
    text = Text()
    if outlook.next_due is None:
        text.append("No card is scheduled yet.")
    elif outlook.next_due <= now:
        text.append("More cards are due now: run prep drill again.")
    else:
        text.append(f"The next card falls due {when(outlook.next_due, now)}.")
    text.append(f" Due tomorrow: {outlook.due_tomorrow}.")
    return text


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
# An interview date


def interview_view(plan: InterviewPlan, *, saved: bool) -> Group:
    """What `prep plan` prints: cards a day until the interview, then the weakest cards on the day."""
    target = f"{plan.target:.0%}"
    parts: list[RenderableType] = [
        Text.assemble(
            ("Interview on ", "bold"),
            (plan.interview.strftime("%a %d %b %Y"), "bold cyan"),
            (f" at {plan.moment:%H:%M}", "bold"),
            f": {plural(plan.days_left, 'day')} left to study, today included",
        ),
        Text(
            f"{plural(plan.cards, 'card')} chosen: {plan.seen} seen ({plan.below_target} predicted "
            f"below {target} recall on the day), {plan.unseen} never seen.",
            style="dim",
        ),
        Text(""),
    ]
    if not plan.below_target and not plan.new_planned:
        parts.append(Text(f"Nothing to study: every card you chose is predicted at {target} or above."))
    else:
        days = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
        days.add_column("day")
        days.add_column("reviews", justify="right")
        days.add_column("new", justify="right")
        days.add_column("cards", justify="right", style="bold")
        # The counts are even splits, so runs of days alike read better as one row.
        run: list[date] = []
        for i, study_day in enumerate(plan.days):
            run.append(study_day.day)
            following = plan.days[i + 1] if i + 1 < len(plan.days) else None
            if following and (following.reviews, following.new) == (study_day.reviews, study_day.new):
                continue
            first, last = run[0], run[-1]
            label = "today" if first == plan.today else first.strftime("%a %d %b")
            if last != first:
                label += f" – {last.strftime('%a %d %b')} ({plural((last - first).days + 1, 'day')})"
            days.add_row(label, str(study_day.reviews), str(study_day.new), str(study_day.total))
            run = []
        parts.append(heading("Cards a day until the interview"))
        parts.append(Padding(days, (0, 0, 0, 2), expand=False))
        parts.append(
            Padding(
                Text(
                    f"reviews: cards predicted below {target} on the day; "
                    f"new: cards never seen, at most {plan.new_per_day} a day",
                    style="dim",
                ),
                (0, 0, 0, 2),
                expand=False,
            )
        )
    if plan.new_left_out:
        parts.append(
            Text(
                f"{plural(plan.unseen, 'card')} never seen cannot all be started in time: at "
                f"{plan.new_per_day} new a day, {plan.new_left_out} stay unseen. "
                "Raise --new, or narrow the plan with --topic or --track.",
                style="yellow",
            )
        )
    parts.append(Text(""))
    if plan.weakest:
        weakest = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
        weakest.add_column("recall", justify="right", no_wrap=True)
        weakest.add_column("id", style="cyan", no_wrap=True)
        weakest.add_column("tier", no_wrap=True)
        weakest.add_column("title")
        for outlook in plan.weakest:
            # Rounded down, so a card below the target never shows as reaching it.
            shown = f"{int(outlook.recall * 100)}%"
            below = outlook.recall < plan.target
            weakest.add_row(
                Text(shown, style="red" if below else "green"),
                outlook.card.id,
                tier_text(outlook.card.tier),
                outlook.card.title,
            )
        parts.append(heading("Weakest on the day: predicted recall, core first"))
        parts.append(Padding(weakest, (0, 0, 0, 2), expand=False))
    else:
        parts.append(Text("No card seen yet, so none has a prediction: every card is new.", style="dim"))
    parts.append(Text(""))
    if saved:
        parts.append(
            Text("Saved: prep drill drills for this date until it comes; prep plan --clear forgets it.")
        )
    else:
        parts.append(
            Text(
                f"Drill for it: prep drill --interview {plan.interview.isoformat()}\n"
                "Or add --save here, and plain prep drill drills for it until it comes."
            )
        )
    return Group(*parts)


def interview_line(plan: InterviewPlan) -> Group:
    """The interview in `prep stats`: days left, cards below target on the day, today's share."""
    today = plan.today_share
    line = (
        f"{plan.interview.strftime('%a %d %b %Y')}: {plural(plan.days_left, 'day')} left · "
        f"{plural(plan.below_target, 'card')} below {plan.target:.0%} on the day · "
        f"today: {plural(today.reviews, 'review')} + {today.new} new · see prep plan"
    )
    return Group(Text(""), heading("Interview"), Padding(Text(line), (0, 0, 0, 2), expand=False))


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


# ---------------------------------------------------------------------------
# The examiner (optional). Everything it says is outside text: it goes into
# Text objects (never parsed as markup) with control characters made visible.


def _outside(text: str, style: str = "") -> Text:
    return Text(for_terminal(text), style=style)


def examiner_banner(config: ExaminerConfig) -> Text:
    """The line a session starts with when an examiner is on: where the answers go."""
    return Text.assemble(
        ("Examiner: ", "bold"),
        for_terminal(config.where),
        ("  (your answers are sent there; --no-examiner to skip)", "dim"),
    )


def examiner_view(report: ExaminerReport, builtin: Assessment | None = None) -> Group:
    """The examiner's grading: per-point verdicts with quotes, misconceptions heard,
    feedback, and where it and the built-in assessment differ (both shown)."""
    from .examiner import combine, disagreements

    rows: list[tuple[Text, RenderableType]] = []
    for number in range(1, report.total_points + 1):
        verdict = report.verdict_on(number)
        if verdict is not None:
            mark, style = POINT_MARKS[verdict.verdict.value]
            item = Text(verdict.point)
            if verdict.quote:
                item.append(f"  {quoted(verdict.quote, 80)}", style="dim")
            if verdict.verdict.value == "contradicted":
                item.append("  (contradicted)", style="magenta")
            rows.append((Text(mark, style=style), item))
        else:
            known = builtin is not None and number <= len(builtin.points)
            text = (
                builtin.points[number - 1].point.point
                if builtin is not None and known
                else f"key point {number}"
            )
            rows.append((Text("?", style="dim"), Text.assemble(text, ("  (not judged)", "dim"))))
    who = f"The examiner ({for_terminal(report.model)})" if report.model else "The examiner"
    title = f"{who}: you covered {report.covered} of {report.total_points}"
    parts: list[RenderableType] = [section(title, marked_rows(rows))]
    if report.misconceptions:
        heard = []
        for misconception in report.misconceptions:
            item = Text.assemble(("You said ", "bold"), quoted(misconception.quote), "\n")
            item.append(for_terminal(misconception.what), style="red")
            if misconception.number:
                item.append(f"  (common mistake {misconception.number})", style="dim")
            heard.append((Text("✗", style="bold red"), item))
        parts.append(section("Misconceptions the examiner heard", marked_rows(heard)))
    if report.feedback:
        parts.append(
            section("The examiner's feedback", Padding(_outside(report.feedback), (0, 0, 0, 2), expand=False))
        )
    if builtin is not None:
        differ = disagreements(builtin, report)
        if differ:
            lines = [
                (
                    Text("≠", style="bold yellow"),
                    Text.assemble(
                        (for_terminal(d.what), ""),
                        "\n",
                        ("built-in: ", "dim"),
                        d.builtin,
                        ("   examiner: ", "dim"),
                        d.examiner,
                    ),
                )
                for d in differ
            ]
            parts.append(section("Where the two assessments differ", marked_rows(lines)))
    for note in report.notes:
        parts.append(Padding(_outside(f"note: {note}", "dim"), (0, 0, 0, 2), expand=False))
    suggestion = Text.assemble("\nThe examiner suggests ", (report.rating.label, RATING_STYLE[report.rating]))
    if builtin is not None:
        taken = combine(builtin.suggested, builtin, report)
        suggestion.append(f" · built-in: {builtin.suggested.label} · Enter takes the lower: ")
        suggestion.append(f"{int(taken)} {taken.label}", RATING_STYLE[taken])
    parts.append(suggestion)
    return Group(*parts)


def examiner_failure_line(failure: ExaminerFailure) -> Text:
    """One line: why there is no examiner's grading; the built-in assessment stands."""
    return Text.assemble(
        ("Examiner: ", "bold yellow"),
        for_terminal(failure.reason, keep_newlines=False),
        ("; the built-in assessment stands.", "yellow"),
    )


def examiner_question(question: str) -> Text:
    """A probing follow-up, as the examiner asks it."""
    return Text.assemble(("\nThe examiner asks: ", "bold"), for_terminal(question))


def examiner_response(response: str) -> Padding:
    return Padding(
        Text.assemble(("The examiner: ", "bold"), for_terminal(response)), (0, 0, 0, 2), expand=False
    )


def exchange_view(turns: Sequence[Turn]) -> Group:
    """The follow-up questions the examiner asked, the replies and its responses."""
    parts: list[RenderableType] = []
    for turn in turns:
        parts.append(examiner_question(turn.question))
        if turn.reply:
            parts.append(
                Padding(
                    Text.assemble(("You: ", "bold"), for_terminal(turn.reply)), (0, 0, 0, 2), expand=False
                )
            )
        if turn.response:
            parts.append(examiner_response(turn.response))
    return Group(*parts)


def examiner_record_view(record: str) -> Group:
    """A review's stored examiner record (`Review.examiner`), for `prep history`."""
    from .examiner import ExaminerFailure, read_record

    outcome, turns = read_record(record)
    head: RenderableType = (
        examiner_failure_line(outcome) if isinstance(outcome, ExaminerFailure) else examiner_view(outcome)
    )
    return Group(head, exchange_view(turns))


def examiner_settings(
    config: ExaminerConfig | None, origins: Mapping[str, str], path: str, file_exists: bool
) -> Group:
    """What `prep examiner show` prints: the settings in use and where each comes from; never the key."""
    from .examiner import DEFAULT_TIMEOUT, ENV_NAMES

    file_note = Text(f"config file: {for_terminal(path)}{'' if file_exists else ' (none)'}", style="dim")
    if config is None:
        return Group(
            Text("No examiner is configured: prep works offline and sends nothing anywhere.", style="bold"),
            Text("Set one with:"),
            Text("  prep examiner set --url http://localhost:11434/v1 --model llama3.1"),
            Text(f"or the environment variables {', '.join(ENV_NAMES)}.", style="dim"),
            file_note,
        )
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_column(style="dim")

    def origin(name: str, default: str = "") -> str:
        return f"(from {origins[name]})" if name in origins else default

    grid.add_row("url", _outside(config.url), origin("url"))
    grid.add_row("model", _outside(config.model), origin("model"))
    grid.add_row("key", "set" if config.key else "not set", origin("key") if config.key else "")
    grid.add_row(
        "timeout",
        f"{config.timeout:g} s",
        origin("timeout", "(default)" if config.timeout == DEFAULT_TIMEOUT else ""),
    )
    grid.add_row("sends to", _outside(f"POST {config.endpoint}"), "")
    return Group(
        Text(
            "An examiner is configured: each typed answer and the card's text are sent to it.", style="bold"
        ),
        grid,
        file_note,
    )

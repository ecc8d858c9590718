"""Rich renderables for cards, snippet runs, tables and summaries.

Nothing here reads input or decides anything; the CLI and the session call
these and print what they return. Pygments (through rich.syntax) loads only
when a snippet is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .cards import Card, Tier
from .runner import RunResult, output_diff, outputs_match

TIER_STYLE = {Tier.CORE: "green", Tier.ADVANCED: "yellow", Tier.DEEP: "magenta"}


def tier_text(tier: Tier) -> Text:
    return Text(tier.value, style=TIER_STYLE[tier])


def heading(title: str) -> Text:
    return Text(title, style="bold cyan")


def body(text: str) -> Padding:
    return Padding(Text(text), (0, 0, 0, 2), expand=False)


def section(title: str, content: RenderableType) -> Group:
    return Group(Text(""), heading(title), content)


def bullet_list(items: Sequence[str], marker: str = "•", style: str = "") -> Padding:
    lines = Text()
    for i, item in enumerate(items):
        if i:
            lines.append("\n")
        lines.append(f"{marker} ", style=style or "bold")
        lines.append(item)
    return Padding(lines, (0, 0, 0, 2), expand=False)


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
    if card.intuition:
        parts.append(section("Intuition", body(card.intuition)))
    if card.math:
        parts.append(section("Math", Padding(Text(card.math, style="italic"), (0, 0, 0, 4), expand=False)))
    if card.worked_example:
        parts.append(section("Worked example", body(card.worked_example)))
    return Group(*parts)


def snippet_code(card: Card) -> RenderableType:
    from rich.syntax import Syntax

    assert card.snippet is not None
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
        parts.append(Padding(Text(result.stdout.rstrip("\n")), (0, 0, 0, 2), expand=False))
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
            parts.append(Padding(Text(result.stdout.rstrip("\n")), (0, 0, 0, 2), expand=False))
        parts.append(Padding(Text(f"✗ the snippet {result.summary()}", style="bold red"), (0, 0, 0, 2), expand=False))
        if result.verdict.value == "error" and result.stderr.strip():
            parts.append(Padding(Text(result.stderr.rstrip(), style="red"), (0, 0, 0, 4), expand=False))
    return section("Output (run live)", Group(*parts))


def diff_text(expected: str, actual: str) -> Padding:
    lines = Text()
    for i, line in enumerate(output_diff(expected, actual)):
        if i:
            lines.append("\n")
        style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
        lines.append(line, style=style)
    return Padding(lines, (0, 0, 0, 4), expand=False)


def follow_ups(card: Card) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=False)
    table.add_column(style="cyan", no_wrap=True)
    for item in card.follow_ups:
        table.add_row(f"→ {item.question}", f"prep explain {item.card}" if item.card else "")
    return section("Follow-ups", Padding(table, (0, 0, 0, 2), expand=False))


def card_bottom(card: Card) -> Group:
    """Everything in `prep explain` below the snippet."""
    parts: list[RenderableType] = []
    if card.follow_ups:
        parts.append(follow_ups(card))
    if card.common_mistakes:
        parts.append(section("Common mistakes", bullet_list(card.common_mistakes, "✗", "red")))
    if card.related:
        parts.append(section("Related", Padding(Text(", ".join(card.related), style="cyan"), (0, 0, 0, 2), expand=False)))
    return Group(*parts)


def card_table(cards: Sequence[Card]) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("topic", no_wrap=True)
    table.add_column("tier", no_wrap=True)
    table.add_column("title")
    for card in cards:
        table.add_row(card.id, card.topic, tier_text(card.tier), card.title)
    return table


def topics_table(cards: Sequence[Card]) -> Table:
    counts: dict[str, dict[Tier, int]] = {}
    for card in cards:
        counts.setdefault(card.topic, {t: 0 for t in Tier})[card.tier] += 1
    table = Table(header_style="bold", show_footer=True)
    table.add_column("topic", footer="all topics")
    for tier in Tier:
        table.add_column(tier.value, justify="right", style=TIER_STYLE[tier],
                         footer=str(sum(c[tier] for c in counts.values())))
    table.add_column("cards", justify="right", style="bold", footer=str(len(cards)))
    for topic in sorted(counts):
        row = counts[topic]
        table.add_row(topic, *(str(row[t]) for t in Tier), str(sum(row.values())))
    return table


def search_table(hits) -> Table:
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

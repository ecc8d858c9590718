"""What Tab offers in a shell: card ids, topics, tracks and tiers.

The shell asks on every Tab press, so nothing here loads whole cards or
every card's summary: ids and topics are each one query of the bank index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cards import Tier

if TYPE_CHECKING:
    from .bank import Bank


def card_ids(bank: Bank, typed: str) -> list[tuple[str, str]]:
    """(id, title) of each card whose id starts with what was typed, in id order."""
    return bank.index.ids_starting(typed.lower())


def topics(bank: Bank, typed: str) -> list[str]:
    return [topic for topic in bank.index.topics() if topic.startswith(typed)]


def tracks(bank: Bank, typed: str) -> list[str]:
    from .tracks import load_tracks

    found, _ = load_tracks(bank.folders, bank.index.topics())
    return sorted(name for name in found if name.startswith(typed))


def tiers(typed: str) -> list[str]:
    return [tier for tier in Tier.names() if tier.startswith(typed.lower())]

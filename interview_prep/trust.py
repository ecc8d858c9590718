"""Which banks may run code: a shared bank is code, and runs only once trusted.

The bank shipped with prep is trusted. Any other folder (from --bank or
PREP_BANK) is trusted only after `prep trust DIR`, remembered by its resolved
path in the data folder, as direnv's `allow` does. Until then its cards are
read and graded, and their stored output is shown, but no snippet runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .cards import Card
from .errors import StoreError

TRUST_FILE = "trusted-banks.json"


def _trust_file(data_dir: Path) -> Path:
    return data_dir / TRUST_FILE


def trusted_folders(data_dir: Path) -> list[Path]:
    """The folders the user has trusted; a missing or unreadable list trusts nothing."""
    try:
        entries = json.loads(_trust_file(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [Path(entry) for entry in entries if isinstance(entry, str)]


def _save(data_dir: Path, folders: list[Path]) -> None:
    target = _trust_file(data_dir)
    temp = target.with_suffix(".tmp")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps(sorted({str(f) for f in folders}), indent=2) + "\n", encoding="utf-8")
        os.replace(temp, target)
    except OSError as exc:
        raise StoreError(f"{target}: cannot record trusted banks ({exc.strerror})") from exc


def trust(data_dir: Path, folder: Path) -> Path:
    """Trust `folder` (resolved); returns the path recorded."""
    resolved = folder.resolve()
    if not resolved.is_dir():
        raise StoreError(f"{folder}: not a folder")
    _save(data_dir, [*trusted_folders(data_dir), resolved])
    return resolved


def forget(data_dir: Path, folder: Path) -> bool:
    """Stop trusting `folder`; False when it was not trusted."""
    resolved = folder.resolve()
    current = trusted_folders(data_dir)
    if resolved not in current:
        return False
    _save(data_dir, [f for f in current if f != resolved])
    return True


class TrustPolicy:
    """Answers, for a card, whether its snippet may run: None, or the untrusted bank it comes from."""

    def __init__(self, data_dir: Path, packaged: Path, folders: list[Path]):
        self.allowed = [packaged.resolve(), *trusted_folders(data_dir)]
        self.folders = [folder.resolve() for folder in folders]

    def untrusted_bank(self, card: Card) -> Path | None:
        if card.path is None:
            return None
        resolved = card.path.resolve()
        if any(resolved.is_relative_to(folder) for folder in self.allowed):
            return None
        return next((f for f in self.folders if resolved.is_relative_to(f)), resolved.parent.parent)

    def refusal(self, card: Card) -> str | None:
        """None when the card's snippet may run; else one line saying why not and what to do."""
        bank = self.untrusted_bank(card)
        if bank is None:
            return None
        return (
            f"this card comes from {bank}, a bank you have not trusted, so its snippet does not run;"
            f" if you trust its code: prep trust {bank}"
        )

"""Domain errors and the exit codes the CLI turns them into.

The core raises these; only the CLI prints them (one line on stderr) and exits.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    # A check did not pass: a snippet's output differs, a card is invalid
    # under `prep check`, a query matched several cards without a terminal.
    FAILED = 1
    # The user's arguments or a bank could not be used.
    USAGE = 2
    # A bug in prep itself: one line, or the traceback with PREP_DEBUG=1.
    INTERNAL = 70
    INTERRUPTED = 130


class PrepError(Exception):
    """An error a user can act on; its message is one line."""

    exit_code = ExitCode.USAGE


class BankError(PrepError):
    """A bank folder or a card in it cannot be loaded."""


class CardError(BankError):
    """One card is invalid. `path` and `line` locate it."""

    def __init__(self, path: object, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")


class LookupFailed(PrepError):
    """No card, topic or tier answers to what the user typed."""


class StoreError(PrepError):
    """The progress database cannot be opened, read or written."""

"""The `prep` command's entry point: one look at the command line before anything loads.

`prep explain CARD` runs the card's snippet in a worker whose interpreter
must start and import numpy. Started here, before typer and the rest of prep
are imported, that happens on the other core while prep itself loads, so the
output is ready when the card is drawn (`explain` adopts the worker).
"""

from __future__ import annotations

import sys


def main() -> None:
    if _explains_with_a_live_run(sys.argv[1:]):
        from .runner import start_early_worker

        start_early_worker()
    from .cli import app

    app(prog_name="prep")


def _explains_with_a_live_run(args: list[str]) -> bool:
    return bool(args) and args[0] == "explain" and not {"--no-run", "-h", "--help"} & set(args)

"""Text from outside prep, made safe to show in a terminal.

Card text, typed answers, snippet output and any reply from elsewhere may hold
control characters or escape sequences that would set the window title (OSC
0), write the clipboard (OSC 52), clear the screen or hide text. Before such
text reaches the terminal, every control character is shown as a visible
escape instead (`\\x1b`), so nothing is interpreted and nothing is hidden.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 controls (0x80–0x9f, which
# include the 8-bit CSI and OSC), plus the bidirectional overrides that can
# make text read differently from what it is.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_OR_NEWLINE_RE = re.compile(f"[{_UNSAFE}\n]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str, keep_newlines: bool = True) -> str:
    """`text` with every control character (but tab, and newline unless told) made visible."""
    pattern = UNSAFE_RE if keep_newlines else _UNSAFE_OR_NEWLINE_RE
    return pattern.sub(_visible, text)


def first_control_character(text: str) -> str | None:
    """The first control character in `text` (tab and newline allowed), shown as an escape; None if none."""
    match = UNSAFE_RE.search(text)
    return _visible(match) if match else None

"""Whole numbers typed by people or sent in query strings, read one way everywhere.

``str.isdigit()`` accepts characters ``int()`` refuses (``"²"``) and ``int()`` accepts
digits of any script (``"٣"``) and thousands of them: both reached 500s. Only ASCII digits,
with an optional sign, of a bounded length count here.
"""

import re

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def parse_whole_number(text: str) -> int | None:
    """``text`` (surrounding spaces allowed) as an int, or None if it is not a whole number
    written in ASCII digits (at most 18 of them)."""
    text = text.strip()
    return int(text) if _WHOLE.fullmatch(text) else None

"""Lead times as text: VTEX's ``DD.HH:MM:SS`` (or plain days ``DD``), used by the API and
the spreadsheet template alike."""

import re
from datetime import timedelta

_LEAD_TIME = re.compile(r"^(?:(\d{1,4})\.)?(\d{1,2}):(\d{2}):(\d{2})$")
_DAYS = re.compile(r"^\d{1,4}$")

INVALID_LEAD_TIME = "{value!r} is not a lead time: use DD.HH:MM:SS or a number of days."


def parse_lead_time(value: str) -> timedelta:
    """``"1.12:00:00"`` → 1 day 12 hours, ``"3"`` → 3 days; ``ValueError`` otherwise."""
    text = value.strip()
    if _DAYS.match(text):
        return timedelta(days=int(text))
    match = _LEAD_TIME.match(text)
    if not match:
        raise ValueError(INVALID_LEAD_TIME.format(value=value))
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(INVALID_LEAD_TIME.format(value=value))
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def format_lead_time(value: timedelta) -> str:
    """``timedelta(days=1, hours=12)`` → ``"01.12:00:00"`` (VTEX's shape)."""
    total = int(value.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{days:02d}.{hours:02d}:{minutes:02d}:{seconds:02d}"

"""Strict JSON fields: a wrong type is an error naming the field, never silently coerced
(DRF's defaults accept ``"5"`` for an integer and ``"yes"`` for a boolean)."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.inventory.durations import parse_lead_time

NOT_AN_INTEGER = "Must be a whole number (a JSON integer), got {type}."
NOT_WHOLE = "Must be a whole number, got {value}."
NOT_A_BOOLEAN = "Must be true or false, got {type}."
NOT_A_STRING = "Must be a string, got {type}."
INVALID_LEAD_TIME = (
    "{value!r} is not a lead time: use DD.HH:MM:SS (e.g. 1.12:00:00) or a number of days."
)
INVALID_DATE = (
    "{value!r} is not a date and time: use ISO 8601, e.g. 2024-06-13T00:52:16Z "
    "(no offset means UTC)."
)
DATE_IN_FUTURE = "{value!r} is more than {minutes} minutes in the future."

FUTURE_TOLERANCE = timedelta(minutes=10)
"""How far ahead of this server's clock an as-of time may be (clock skew). Within it the
time counts as "now" (the moment the row is locked), so a fast ERP clock never makes later
undated counts look stale; further ahead it is refused, as a date nobody meant."""

NOT_GIVEN = datetime.min
""".NET's ``default(DateTime)``, ``0001-01-01T00:00:00``: what an ERP that never sets the
field sends. It means "not given" (now), whatever offset it carries."""

LEAD_TIME_PATTERN = (
    r"^(\d{1,4}"  # days
    r"|(\d{1,4}\.)?([01]?\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,7})?"  # [d.]hh:mm:ss[.fffffff]
    r"|\d{1,4}:([01]\d|2[0-3]):[0-5]\d)$"  # days:hours:minutes (.NET, see below)
)
# .NET's TimeSpan reads "78:00:00" as 78 days (d:hh:mm) when it is not a valid hh:mm:ss;
# VTEX documents that behaviour, so ERPs relying on it keep working.
_DOTNET_DAYS = re.compile(r"^(\d{1,4}):(\d{2}):(\d{2})$")
# .NET prints a TimeSpan's fraction of a second after the seconds: "1.02:03:04.5000000".
_DOTNET_FRACTION = re.compile(r"^(.*:\d{2})\.(\d{1,7})$")


def _json_type(value) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        Decimal: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


MAX_DIGITS = 18
"""Numbers written with a fraction or an exponent are turned into integers only below this
many digits (larger ones exceed every range anyway, and ``1e999999999`` would take
gigabytes as an integer)."""


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer; a number written with a fraction or an exponent counts when it is
    whole (``5.0``, ``1e3``: what .NET's ``decimal`` and spreadsheet exports write) and is
    refused by name otherwise (``5.5``)."""

    def to_internal_value(self, data):
        if isinstance(data, Decimal):
            data = self._whole_number(data)
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(
                NOT_AN_INTEGER.format(type=_json_type(data)), code="invalid"
            )
        return super().to_internal_value(data)

    def _whole_number(self, value: Decimal) -> int:
        if not value.is_finite() or value != value.to_integral_value():
            raise serializers.ValidationError(NOT_WHOLE.format(value=value), code="invalid")
        if value and value.adjusted() >= MAX_DIGITS:  # out of range: no huge int is built
            if value > 0:
                self.fail("max_value", max_value=self.max_value)
            self.fail("min_value", min_value=self.min_value)
        return int(value)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(
                NOT_A_BOOLEAN.format(type=_json_type(data)), code="invalid"
            )
        return data


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(
                NOT_A_STRING.format(type=_json_type(data)), code="invalid"
            )
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "pattern": LEAD_TIME_PATTERN,
        "example": "1.00:00:00",
        "description": "DD.HH:MM:SS or a number of days (DD).",
    }
)
class LeadTimeField(serializers.Field):
    """VTEX's lead time: ``DD.HH:MM:SS``, ``HH:MM:SS`` or ``DD``; shown as .NET prints a
    TimeSpan (``00:00:00``, ``1.12:00:00``). An empty string is malformed (VTEX: 400)."""

    def to_internal_value(self, data) -> timedelta:
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_A_STRING.format(type=_json_type(data)))
        return parse_vtex_lead_time(data)

    def to_representation(self, value: timedelta) -> str:
        return format_vtex_lead_time(value)


def parse_vtex_lead_time(text: str) -> timedelta:
    fraction = _DOTNET_FRACTION.match(text.strip())
    if fraction:
        whole, digits = fraction.groups()
        microseconds = round(int(digits) * 10 ** (6 - len(digits)))
        return parse_vtex_lead_time(whole) + timedelta(microseconds=microseconds)
    try:
        return parse_lead_time(text)
    except ValueError:
        pass
    match = _DOTNET_DAYS.match(text.strip())
    if match:
        days, hours, minutes = (int(part) for part in match.groups())
        if hours <= 23 and minutes <= 59:
            return timedelta(days=days, hours=hours, minutes=minutes)
    raise serializers.ValidationError(INVALID_LEAD_TIME.format(value=text))


def format_vtex_lead_time(value: timedelta) -> str:
    """``timedelta(0)`` → ``"00:00:00"``, 1 day 12 h → ``"1.12:00:00"`` (VTEX's responses)."""
    total = int(value.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days}.{clock}" if days else clock


@extend_schema_field(
    {
        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "enum": [""]}],
        "description": (
            "ISO 8601 date and time; without an offset it is UTC (VTEX's example "
            "2024-06-13T00:52:16 works). Empty or null means now."
        ),
        "example": "2024-06-13T00:52:16Z",
    }
)
class BalanceDateField(serializers.Field):
    """An ISO 8601 date and time; without an offset it is UTC (VTEX's ``…OnBalanceSystem``
    times are UTC); ``t`` and ``z`` may be lower case. Empty, null, .NET's
    ``0001-01-01T00:00:00`` or a time up to ``FUTURE_TOLERANCE`` ahead mean "now" (the time
    the row is locked, validated as ``None``); further ahead is refused."""

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip():
            data = None
        return super().validate_empty_values(data)

    @staticmethod
    def parse(text: str) -> datetime | None:
        """The time in UTC (``NOT_GIVEN`` for .NET's default), or None if ``text`` is not an
        ISO 8601 date and time."""
        text = text.strip().upper()
        if not text.isascii():
            return None
        try:
            value = parse_datetime(text)
            if value is None:
                return None
            if value.replace(tzinfo=None) == NOT_GIVEN:
                return NOT_GIVEN.replace(tzinfo=UTC)
            if timezone.is_naive(value):
                value = value.replace(tzinfo=UTC)
            return value.astimezone(UTC)
        except (ValueError, OverflowError):
            return None

    def to_internal_value(self, data) -> datetime | None:
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_A_STRING.format(type=_json_type(data)))
        value = self.parse(data)
        if value is None:
            raise serializers.ValidationError(INVALID_DATE.format(value=data))
        now = timezone.now()
        if value > now + FUTURE_TOLERANCE:
            raise serializers.ValidationError(
                DATE_IN_FUTURE.format(
                    value=data, minutes=int(FUTURE_TOLERANCE.total_seconds() / 60)
                )
            )
        if value > now or value.replace(tzinfo=None) == NOT_GIVEN:
            return None
        return value

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()

"""Reading the counts typed in the admin's *Update count* column.

The changelist posts one ``count-<inventory pk>`` field per row (empty when nothing was typed);
the preview page posts them back with ``version-<inventory pk>``, the version the user saw.
Malformed values become row errors here, so the services only ever see whole numbers.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from apps.core.numbers import parse_whole_number

COUNT_PREFIX = "count-"
VERSION_PREFIX = "version-"
NOT_A_WHOLE_NUMBER = "“{value}” is not a whole number."
NOT_PREVIEWED = "Preview the count before saving it."


@dataclass(frozen=True)
class TypedCount:
    """What was typed for one inventory row: a whole number, or why it is not one."""

    inventory_id: int
    value: str
    quantity: int | None = None
    version: int | None = None
    error: str = ""


def typed_counts(data: Mapping[str, str], *, require_version: bool = False) -> list[TypedCount]:
    """The non-empty ``count-<pk>`` fields of ``data``, in inventory-id order.

    Negative whole numbers are passed on: the count service refuses them with its own message.
    With ``require_version`` (saving), a count without a valid ``version-<pk>`` is an error.
    """
    counts = []
    for name, raw in data.items():
        row, value = name.removeprefix(COUNT_PREFIX), raw.strip()
        pk = parse_whole_number(row)
        if not name.startswith(COUNT_PREFIX) or pk is None or pk < 1 or not value:
            continue
        version = parse_whole_number(data.get(f"{VERSION_PREFIX}{row}", ""))
        quantity = parse_whole_number(value)
        if quantity is None:
            counts.append(TypedCount(pk, value, error=NOT_A_WHOLE_NUMBER.format(value=value)))
        elif require_version and (version is None or version < 0):
            counts.append(TypedCount(pk, value, error=NOT_PREVIEWED))
        else:
            counts.append(TypedCount(pk, value, quantity=quantity, version=version))
    return sorted(counts, key=lambda count: count.inventory_id)

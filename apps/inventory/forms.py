"""Reading the counts typed in the admin's *Update count* column.

The changelist posts one ``count-<inventory pk>`` field per row (empty when nothing was typed);
the preview page posts them back with ``version-<inventory pk>``, the version the user saw.
Malformed values become row errors here, so the services only ever see whole numbers.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

COUNT_PREFIX = "count-"
VERSION_PREFIX = "version-"
NOT_A_WHOLE_NUMBER = "“{value}” is not a whole number."
NOT_PREVIEWED = "Preview the count before saving it."

_INTEGER = re.compile(r"[+-]?\d+")


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
        pk, value = name.removeprefix(COUNT_PREFIX), raw.strip()
        if not name.startswith(COUNT_PREFIX) or not pk.isdigit() or not value:
            continue
        version = data.get(f"{VERSION_PREFIX}{pk}", "")
        if not _INTEGER.fullmatch(value):
            counts.append(TypedCount(int(pk), value, error=NOT_A_WHOLE_NUMBER.format(value=value)))
        elif require_version and not version.isdigit():
            counts.append(TypedCount(int(pk), value, error=NOT_PREVIEWED))
        else:
            counts.append(
                TypedCount(
                    int(pk),
                    value,
                    quantity=int(value),
                    version=int(version) if version.isdigit() else None,
                )
            )
    return sorted(counts, key=lambda count: count.inventory_id)

"""The seam through which stock changes free reservation items (SPEC §3.2, §4).

The inventory app does not know about reservations. The reservations app registers an
implementation at start-up; until one is registered nothing is held.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from apps.inventory.planning import HeldItem


class ReservationHolds(Protocol):
    def held_items(
        self, inventory_ids: Collection[int], *, now: datetime, including: Collection[int] = ()
    ) -> dict[int, list[HeldItem]]:
        """Per inventory id, the items still holding stock that a change may free: those of
        acknowledged reservations, overdue authorized ones, and the ``including`` item ids."""

    def settle(
        self, *, fulfilled: Collection[HeldItem], freed: Collection[HeldItem], at: datetime
    ) -> None:
        """Record that a change freed these items (``fulfilled``: counted out, §3.2)."""

    def reserved_by_inventory(self) -> dict[int, int]:
        """Units held by active reservation items, per inventory id (for integrity checks)."""


class NothingHeld:
    def held_items(self, inventory_ids, *, now, including=()):
        return {}

    def settle(self, *, fulfilled, freed, at):
        return None

    def reserved_by_inventory(self):
        return {}


_registered: ReservationHolds = NothingHeld()


def register(holds: ReservationHolds) -> None:
    global _registered
    _registered = holds


def registered() -> ReservationHolds:
    return _registered

"""Admin pagination for tables too big to count on every page load.

Django's paginator runs ``SELECT COUNT(*)`` over the filtered queryset for every page; on a
million inventory rows (or a larger ledger) that count costs more than the page itself.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000
"""Filtered lists are counted exactly up to this many rows; pages beyond it are not offered."""


class LargeTablePaginator(Paginator):
    """Counts cheaply: PostgreSQL's row estimate for a whole big table, else a capped count.

    ``count_label`` says how exact the count is ("about 1,000,000", "more than 10,000").
    """

    qualifier = ""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not queryset.query.where:
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate > COUNT_LIMIT:
                self.qualifier = "about"
                return estimate
        count = queryset.order_by()[: COUNT_LIMIT + 1].count()
        if count > COUNT_LIMIT:
            self.qualifier = "more than"
            return COUNT_LIMIT
        return count

    @property
    def count_label(self) -> str:
        return f"{self.qualifier} {self.count:,}".lstrip()


def _estimated_rows(queryset) -> int | None:
    """The planner's row estimate for the queryset's table (PostgreSQL only; None if unknown)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None

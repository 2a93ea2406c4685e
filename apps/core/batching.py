"""Filtering by large sets of values.

A plain ``field__in=values`` breaks or crawls on big sets: SQLite caps bound parameters per
statement, and psycopg spends seconds parsing a query with 100,000 placeholders. On
PostgreSQL the set goes in as one array parameter (``field = ANY(%s)``, the ``in_array``
lookup); elsewhere it is split into chunks of ``CHUNK_SIZE``.
"""

from collections.abc import Collection, Iterable, Iterator
from itertools import islice

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, QuerySet

CHUNK_SIZE = 5000


@ForeignObject.register_lookup
@Field.register_lookup
class InArray(Lookup):
    """``field = ANY(%s)`` with the values as one PostgreSQL array parameter."""

    lookup_name = "in_array"
    prepare_rhs = False  # each value is prepared below, not the list as one value

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(field.get_prep_value(v), connection) for v in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def chunked(values: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def filter_in(queryset: QuerySet, field: str, values: Collection) -> Iterator[QuerySet]:
    """Querysets that together select the rows whose ``field`` is in ``values``: one on
    PostgreSQL, one per chunk elsewhere. Sorted values keep row locks in a global order."""
    values = sorted(values)
    if not values:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(**{f"{field}__in_array": values})
        return
    for chunk in chunked(values):
        yield queryset.filter(**{f"{field}__in": chunk})

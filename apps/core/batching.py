"""Filtering by large sets of values.

A plain ``field__in=values`` breaks or crawls on big sets: SQLite caps bound parameters per
statement, and psycopg spends seconds parsing a query with 100,000 placeholders. On
PostgreSQL the set goes in as one parameter (the ``in_array`` lookup); elsewhere it is split
into chunks of ``CHUNK_SIZE``.
"""

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import islice
from typing import TypeVar

import psycopg
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, ForeignObject, Lookup, QuerySet

T = TypeVar("T")

CHUNK_SIZE = 5000
JSON_FROM = 2000
"""From this many values, ``in_array`` sends them as JSON text (see ``InArray``)."""


@ForeignObject.register_lookup
@Field.register_lookup
class InArray(Lookup):
    """``field = ANY(%s)`` with the values (ids or text) as one array parameter.

    A large set goes in as JSON text instead: Django's psycopg cursors quote parameters
    into the SQL, which for an array of 100,000 values takes most of a second in Python,
    where ``json.dumps`` takes milliseconds. Not for small sets: the planner cannot see
    how many values a JSON array holds and may then scan instead of using an index.
    """

    lookup_name = "in_array"
    prepare_rhs = False  # each value is prepared below, not the list as one value

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        prepared = [field.get_db_prep_value(field.get_prep_value(v), connection) for v in value]
        if len(prepared) < JSON_FROM:
            return "%s", [prepared]
        element = field.cast_db_type(connection)
        return f"ARRAY(SELECT jsonb_array_elements_text(%s::jsonb))::{element}[]", [
            json.dumps(prepared)
        ]

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


def execute_binary(sql: str, params: Sequence) -> list[tuple]:
    """Run ``sql`` on PostgreSQL with its parameters sent apart and in binary (``%b``);
    return its rows, if any. Django's psycopg cursors bind client-side: quoting arrays of
    100,000 values into the SQL text takes seconds. The server-side cursor is wrapped by
    Django like its own, so execute wrappers (APM), the query log (``connection.queries``,
    ``django_assert_num_queries``) and Django's database errors apply to it as to any query.
    """
    connection.ensure_connection()
    with connection._prepare_cursor(psycopg.Cursor(connection.connection)) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def execute_through(cursor: CursorWrapper, sql: str, run: Callable[[], T]) -> T:
    """Do ``run``, raw-cursor work Django's wrapper has no method for (``COPY``), as the
    statement ``sql`` of Django's ``cursor``: execute wrappers (APM) see it, the query log
    records it and database errors are Django's, as for any other query."""

    def executor(sql, params, many, context):
        with cursor.db.wrap_database_errors:
            return run()

    logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
    with logged:
        return cursor._execute_with_wrappers(sql, None, False, executor)

"""The served OpenAPI schema, fuzzed with schemathesis: no 500s, and every response (status,
content type, headers, body) matches what the schema says; schema-valid requests are
accepted and invalid ones refused."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.api.serializers.fields import FUTURE_TOLERANCE, BalanceDateField
from tests.factories import SKUFactory, WarehouseFactory, stocked

api_schema = schemathesis.pytest.from_fixture("served_schema")


@pytest.fixture
def served_schema(db):
    # The real WSGI handler closes "old" connections around each request; in a test that is
    # the test's own transaction (PostgreSQL). Django's test client unhooks it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def stock(db):
    """The ids the schema gives as examples, so fuzzed requests also reach the happy paths."""
    return stocked(
        5,
        sku=SKUFactory(sku_id="25"),
        warehouse=WarehouseFactory(warehouse_id="store-warehouse"),
    )


def _in_the_future(body) -> bool:
    """An as-of time beyond the clock-skew tolerance: schema-valid, refused by a rule the
    schema cannot express (it would make every later count look stale). VTEX's PUT carries
    it as ``dateUtcOnBalanceSystem``, the v1 bulk records as ``as_of``."""
    if not isinstance(body, dict):
        return False
    records = body.get("records") if isinstance(body.get("records"), list) else [body]
    dates = [
        record.get(name)
        for record in records
        if isinstance(record, dict)
        for name in ("dateUtcOnBalanceSystem", "as_of")
    ]
    parsed = [BalanceDateField.parse(date) for date in dates if isinstance(date, str)]
    return any(date is not None and date > timezone.now() + FUTURE_TOLERANCE for date in parsed)


STOCK_RULE_REFUSALS = {422, 409}
"""Documented answers to well-formed requests that the stock refuses (insufficient_stock,
invalid_transition, …): whether they happen depends on the data, not the request's shape."""


@pytest.mark.django_db
@api_schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_fuzzed_requests_get_documented_responses(case, write_key, stock):
    headers = {"X-VTEX-API-AppKey": write_key.key.app_key, "X-VTEX-API-AppToken": write_key.token}
    response = case.call(headers=headers)
    refused_by_stock = response.status_code in STOCK_RULE_REFUSALS
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=[positive_data_acceptance]
        if refused_by_stock or _in_the_future(case.body)
        else [],
        transport_kwargs={"headers": dict(headers)},
    )

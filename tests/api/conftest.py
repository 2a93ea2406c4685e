import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.api.services import api_key_create
from tests.api.live_server import gunicorn_server  # noqa: F401 (a fixture for tests here)
from tests.factories import SKUFactory, WarehouseFactory, stocked


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


def key_client(issued) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_X_VTEX_API_APPKEY=issued.key.app_key, HTTP_X_VTEX_API_APPTOKEN=issued.token
    )
    return client


@pytest.fixture
def write_key(db):
    return api_key_create(name="ERP", can_read=True, can_write=True)


@pytest.fixture
def read_key(db):
    return api_key_create(name="Reporting", can_read=True, can_write=False)


@pytest.fixture
def api(write_key) -> APIClient:
    """A client authenticated with a read and write key, as an ERP is."""
    return key_client(write_key)


@pytest.fixture
def reader(read_key) -> APIClient:
    return key_client(read_key)


@pytest.fixture
def row(db):
    """SKU 25 in warehouse wh, counted at 10 units (one movement)."""
    return stocked(10, sku=SKUFactory(sku_id="25"), warehouse=WarehouseFactory(warehouse_id="wh"))

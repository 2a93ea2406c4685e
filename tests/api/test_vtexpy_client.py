"""PyPI's VTEX client ``vtexpy`` (its defaults: JSON bodies, 10 retries of 407/408/409/425/
429/5xx) driven against a real gunicorn serving the test database: inventory, warehouses and
reservations through the client's own request machinery, and a permanent refusal it does not
retry. The client builds ``https://<account>.vtexcommercestable.com.br`` URLs; a transport
sends its requests to the live server instead (plain HTTP, nothing else changed)."""

import httpx
import pytest
from vtex import VTEX, VTEXConfig, VTEXPaginatedItemsResponse, VTEXResponseError

from apps.api.services import api_key_create
from apps.inventory.models import Inventory, Movement
from apps.reservations.models import Reservation

pytestmark = pytest.mark.django_db(transaction=True)

ENVIRONMENT = "vtexcommercestable"
INVENTORY = "/api/logistics/pvt/inventory/skus/25/warehouses/wh"


class ToLiveServer(httpx.HTTPTransport):
    """Sends every request to the live server, recording (method, path) of each."""

    def __init__(self, live):
        super().__init__()
        self.live = live
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host=self.live.host, port=self.live.port)
        request.headers["Host"] = f"{self.live.host}:{self.live.port}"
        self.sent.append((request.method, request.url.path))
        return super().handle_request(request)


@pytest.fixture
def transport(gunicorn_server, monkeypatch):
    transport = ToLiveServer(gunicorn_server)
    monkeypatch.setattr(
        "vtex._api.base.Client",
        lambda timeout: httpx.Client(timeout=timeout, transport=transport),
    )
    return transport


@pytest.fixture
def client(transport):
    issued = api_key_create(name="vtexpy", can_read=True, can_write=True)
    config = VTEXConfig(
        account_name="shop",
        app_key=issued.key.app_key,
        app_token=issued.token,
        log_retries=False,
        log_2xx=False,
        log_4xx=False,
    )
    return VTEX(config)


def call(client, method: str, path: str, **kwargs):
    return client.custom.request(method, path, environment=ENVIRONMENT, **kwargs)


def test_inventory_put_and_read_through_vtexpy(client, row):
    put = call(
        client,
        "PUT",
        INVENTORY,
        json={"quantity": 7, "unlimitedQuantity": False, "leadTime": "1.00:00:00"},
    )
    read = client.logistics.get_sku_inventories("25")

    assert (put.status_code, put.data) == (200, True)
    balance = read.data["balance"][0]
    assert (balance["warehouse_id"], balance["total_quantity"]) == ("wh", 7)
    assert Inventory.objects.get(pk=row.pk).total_quantity == 7
    ledger = Movement.objects.filter(inventory=row).order_by("pk")
    assert list(ledger.values_list("total_after", flat=True)) == [10, 7]


def test_warehouses_through_vtexpy(client, row):
    saved = call(
        client,
        "POST",
        "/api/logistics/pvt/configuration/warehouses",
        json={"id": "north", "name": "North", "priority": 2, "warehouseDocks": []},
    )
    listed = call(client, "GET", "/api/logistics/pvt/configuration/warehouses")

    assert saved.data["id"] == "north"
    assert [warehouse["id"] for warehouse in listed.data] == ["north", "wh"]


def test_reservations_through_vtexpy_with_vtex_paging(client, row):
    created = call(
        client,
        "POST",
        "/api/logistics/pvt/inventory/reservations",
        json={
            "salesChannel": "1",
            "lockId": "order-1",
            "deliveryItemOptions": [{"item": {"id": "25", "quantity": 3}, "wareHouseId": "wh"}],
        },
    )
    listed = call(
        client,
        "GET",
        "/api/logistics/pvt/inventory/reservations/wh/25",
        response_class=VTEXPaginatedItemsResponse,
    )

    assert created.data["lock_id"] == "order-1"
    assert [item["lock_id"] for item in listed.items] == ["order-1"]
    paging = listed.pagination
    assert (paging.total, paging.page, paging.pages, paging.page_size) == (1, 1, 1, 50)
    assert Reservation.objects.get(reservation_id="order-1").items.get().quantity == 3
    assert Inventory.objects.get(pk=row.pk).reserved_quantity == 3


def test_a_stale_balance_is_final_for_vtexpy_one_request_no_retries(client, transport, row):
    with pytest.raises(VTEXResponseError) as refused:
        call(
            client,
            "PUT",
            INVENTORY,
            json={"quantity": 1, "dateUtcOnBalanceSystem": "2020-01-01T00:00:00Z"},
        )

    assert refused.value.status_code == 422
    assert transport.sent == [("PUT", INVENTORY)]  # vtexpy retries 409; 422 is final
    assert Inventory.objects.get(pk=row.pk).total_quantity == 10
    assert Movement.objects.filter(inventory=row).count() == 1

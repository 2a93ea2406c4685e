"""API routes. VTEX's paths are mirrored exactly (case included; a trailing slash is
tolerated, see ``errors.api_not_found``); path parameters keep VTEX's names (``skuId``,
``warehouseId``) so the schema reads like VTEX's.

Any other path under /api/ answers the JSON 404 (``errors.api_not_found``), added last by
the root URLconf.
"""

from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.api.views import (
    v1_inventory,
    v1_reservations,
    vtex_inventory,
    vtex_reservations,
    vtex_warehouses,
)


class IdConverter:
    """An SKU or warehouse id in a path: no slash, no control characters, at most 64
    characters (longer ids cannot exist); anything else is a 404."""

    regex = r"[^/\x00-\x1f\x7f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")

INVENTORY = "logistics/pvt/inventory"
WAREHOUSES = "logistics/pvt/configuration/warehouses"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        f"{INVENTORY}/skus/<id:skuId>/warehouses/<id:warehouseId>",
        vtex_inventory.InventoryBySkuAndWarehouse.as_view(),
        name="vtex-inventory",
    ),
    path(
        f"{INVENTORY}/skus/<id:skuId>/warehouses/<id:warehouseId>/quantity",
        vtex_inventory.InventoryQuantity.as_view(),
        name="vtex-inventory-quantity",
    ),
    path(
        f"{INVENTORY}/skus/<id:skuId>/warehouses/<id:warehouseId>/lead-time",
        vtex_inventory.InventoryLeadTime.as_view(),
        name="vtex-inventory-lead-time",
    ),
    path(
        f"{INVENTORY}/skus/<id:skuId>",
        vtex_inventory.InventoryBySku.as_view(),
        name="vtex-inventory-by-sku",
    ),
    path(
        f"{INVENTORY}/items/<id:skuId>/warehouses/<id:warehouseId>",
        vtex_inventory.InventoryPerWarehouse.as_view(),
        name="vtex-inventory-item",
    ),
    # The transitions come before the list by warehouse and SKU: VTEX's paths overlap
    # (…/reservations/{warehouseId}/confirm), and a reservation's POST must reach its view.
    path(
        f"{INVENTORY}/reservations",
        vtex_reservations.Reservations.as_view(),
        name="vtex-reservations",
    ),
    path(
        f"{INVENTORY}/reservations/<id:reservationId>",
        vtex_reservations.ReservationDetail.as_view(),
        name="vtex-reservation",
    ),
    path(
        f"{INVENTORY}/reservations/<id:reservationId>/confirm",
        vtex_reservations.ConfirmReservation.as_view(),
        name="vtex-reservation-confirm",
    ),
    path(
        f"{INVENTORY}/reservations/<id:reservationId>/acknowledge",
        vtex_reservations.AcknowledgeReservation.as_view(),
        name="vtex-reservation-acknowledge",
    ),
    path(
        f"{INVENTORY}/reservations/<id:reservationId>/cancel",
        vtex_reservations.CancelReservation.as_view(),
        name="vtex-reservation-cancel",
    ),
    path(
        f"{INVENTORY}/reservations/<id:warehouseId>/<id:skuId>",
        vtex_reservations.ReservationsByWarehouseAndSku.as_view(),
        name="vtex-reservations-by-warehouse-and-sku",
    ),
    path(WAREHOUSES, vtex_warehouses.Warehouses.as_view(), name="vtex-warehouses"),
    path(
        f"{WAREHOUSES}/<id:warehouseId>",
        vtex_warehouses.WarehouseDetail.as_view(),
        name="vtex-warehouse",
    ),
    path(
        f"{WAREHOUSES}/<id:warehouseId>/activation",
        vtex_warehouses.WarehouseActivation.as_view(),
        name="vtex-warehouse-activation",
    ),
    path(
        f"{WAREHOUSES}/<id:warehouseId>/deactivation",
        vtex_warehouses.WarehouseDeactivation.as_view(),
        name="vtex-warehouse-deactivation",
    ),
    # Native API v1 (SPEC §5.2)
    path("v1/skus", v1_inventory.SkuList.as_view(), name="api-v1-skus"),
    path("v1/warehouses", v1_inventory.WarehouseList.as_view(), name="api-v1-warehouses"),
    path("v1/inventories", v1_inventory.InventoryList.as_view(), name="api-v1-inventories"),
    path(
        "v1/inventories/<id:sku_id>/<id:warehouse_id>",
        v1_inventory.InventoryDetail.as_view(),
        name="api-v1-inventory",
    ),
    path(
        "v1/inventories/<id:sku_id>/<id:warehouse_id>/transactions",
        v1_inventory.Transactions.as_view(),
        name="api-v1-transactions",
    ),
    path("v1/inventories/bulk", v1_inventory.Bulk.as_view(), name="api-v1-bulk"),
    path("v1/jobs/<uuid:job_id>", v1_inventory.JobDetail.as_view(), name="api-v1-job"),
    path("v1/movements", v1_inventory.MovementList.as_view(), name="api-v1-movements"),
    path("v1/reservations", v1_reservations.Reservations.as_view(), name="api-v1-reservations"),
    path(
        "v1/reservations/<id:reservation_id>",
        v1_reservations.ReservationDetail.as_view(),
        name="api-v1-reservation",
    ),
    path(
        "v1/reservations/<id:reservation_id>/confirm",
        v1_reservations.ConfirmReservation.as_view(),
        name="api-v1-reservation-confirm",
    ),
    path(
        "v1/reservations/<id:reservation_id>/acknowledge",
        v1_reservations.AcknowledgeReservation.as_view(),
        name="api-v1-reservation-acknowledge",
    ),
    path(
        "v1/reservations/<id:reservation_id>/cancel",
        v1_reservations.CancelReservation.as_view(),
        name="api-v1-reservation-cancel",
    ),
]

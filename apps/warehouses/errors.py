"""Why a warehouse change was refused. Message templates are constants tests assert on."""

from apps.core.errors import Unprocessable

WAREHOUSE_HAS_STOCK = (
    "Warehouse '{warehouse_id}' still holds stock ({rows} inventory row(s) with units counted "
    "or reserved); count them to 0 and settle their reservations before deleting it."
)
WAREHOUSE_HAS_HISTORY = (
    "Warehouse '{warehouse_id}' has stock history ({rows} inventory row(s) in the ledger, which "
    "is kept forever); deactivate it instead of deleting it."
)


class WarehouseHasStock(Unprocessable):  # final: clients must not retry (see README)
    code = "warehouse_has_stock"


class WarehouseHasHistory(Unprocessable):
    code = "warehouse_has_history"

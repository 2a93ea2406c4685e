"""Why a stock change was refused. Message templates are constants tests assert on."""

from apps.core.errors import ApplicationError, Conflict, NotFound, Unprocessable

UNKNOWN_SKU = "SKU '{sku_id}' does not exist."
UNKNOWN_WAREHOUSE = "Warehouse '{warehouse_id}' does not exist."
NOT_AN_INTEGER = "{field} must be a whole number, got {value!r}."
NEGATIVE_QUANTITY = "{field} cannot be negative, got {value}."
NOT_POSITIVE = "{field} must be greater than zero, got {value}."
TOO_LARGE = "{field} cannot exceed {limit}, got {value}."
NEGATIVE_LEAD_TIME = "lead_time cannot be negative."
NOTHING_TO_CHANGE = "Give unlimited or lead_time to change."
QUANTITY_NOT_USED = "quantity is not used by {operation}; leave it out."
NEGATIVE_TOTAL = "Total of {sku_id} @ {warehouse_id} would be {total}; it cannot go below 0."
INSUFFICIENT_STOCK = (
    "Insufficient stock for {sku_id} @ {warehouse_id}: "
    "requested {requested}, available {available}."
)
EXCEEDS_ALLOCATED = (
    "Cannot deallocate {requested} of {sku_id} @ {warehouse_id}: only {allocated} allocated."
)
STALE_BALANCE = (
    "Balance of {sku_id} @ {warehouse_id} as of {as_of} is older than the current one "
    "({balance_as_of}); it was not applied."
)
STALE_COUNT = (
    "{sku_id} @ {warehouse_id} changed since you saw it (version {expected}, now {current}); "
    "review it again."
)


class UnknownSku(NotFound):
    code = "unknown_sku"


class UnknownWarehouse(NotFound):
    code = "unknown_warehouse"


class InvalidQuantity(ApplicationError):
    code = "invalid_quantity"


class NegativeTotal(Unprocessable):
    code = "negative_total"


class InsufficientStock(Unprocessable):
    code = "insufficient_stock"


class ExceedsAllocated(Unprocessable):
    code = "exceeds_allocated"


class StaleBalance(Unprocessable):  # final: clients must not retry (see README)
    code = "stale_balance"


class StaleCount(Conflict):
    code = "stale_count"

"""Why a reservation operation was refused. Message templates are constants tests assert on."""

from apps.core.errors import ApplicationError, NotFound, Unprocessable

RESERVATION_NOT_FOUND = "Reservation '{reservation_id}' does not exist."
RESERVATION_EXISTS = "Reservation '{reservation_id}' already exists."
INVALID_TRANSITION = "Reservation '{reservation_id}' is {status}; it cannot be {action}."
NO_ITEMS = "A reservation needs at least one item."
INVALID_ITEM_QUANTITY = "items[{index}].quantity must be a whole number above 0, got {value!r}."
SHORT_ITEMS = "Insufficient stock for {count} item(s): {items}."
SHORT_ITEM = "{sku_id} @ {warehouse_id} (requested {requested}, available {available})"
INVALID_TTL = "ttl must be a positive duration."


class ReservationNotFound(NotFound):
    code = "reservation_not_found"


class ReservationExists(Unprocessable):  # final: clients must not retry (see README)
    code = "reservation_exists"


class InvalidTransition(Unprocessable):  # final: clients must not retry
    code = "invalid_transition"


class InvalidReservation(ApplicationError):
    code = "invalid_reservation"

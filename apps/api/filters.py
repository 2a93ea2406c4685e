"""Query filters of the native API's lists (django-filter), strict: a filter given twice, or
with a value of the wrong type (an empty date or choice included), is a 400 naming it, never
silently ignored. An empty text filter means no filter."""

from datetime import UTC

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from apps.catalog.models import SKU
from apps.inventory.models import Inventory, Movement, MovementKind, Source, StockState
from apps.reservations.models import Reservation, ReservationStatus
from apps.warehouses.models import Warehouse

EMPTY = "Give a value, or leave the filter out."
REPEATED = "Give this filter once."
NOT_BOOLEAN = "Must be true or false."
OUT_OF_RANGE = "This time is out of range."


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time, compared in UTC (the database refuses odd offsets like +19:09)."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                raise ValidationError({self.field_name: [OUT_OF_RANGE]}) from None
        return super().filter(qs, value)


@extend_schema_field({"type": "string", "pattern": "^[^\\x00]*$"})
class TextFilter(django_filters.CharFilter):
    """A text filter; the schema says what Django refuses anyway: no NUL character."""


class StrictFilterSet(django_filters.FilterSet):
    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, declared in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(values) > 1:
                self.form.add_error(name, REPEATED)
            elif values == [""] and not isinstance(declared, django_filters.CharFilter):
                self.form.add_error(name, EMPTY)
            elif (
                values
                and isinstance(declared, django_filters.BooleanFilter)
                and values[0] not in ("true", "false")
            ):
                self.form.add_error(name, NOT_BOOLEAN)
        return valid and not self.form.errors


class ActiveFilter(StrictFilterSet):
    is_active = django_filters.BooleanFilter(widget=django_filters.widgets.BooleanWidget())


class SkuFilter(ActiveFilter):
    class Meta:
        model = SKU
        fields = ["is_active"]


class WarehouseFilter(ActiveFilter):
    class Meta:
        model = Warehouse
        fields = ["is_active"]


class InventoryFilter(StrictFilterSet):
    sku_id = TextFilter(field_name="sku__sku_id")
    warehouse_id = TextFilter(field_name="warehouse__warehouse_id")
    state = django_filters.ChoiceFilter(choices=StockState.choices, method="in_state")
    changed_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Inventory
        fields = ["sku_id", "warehouse_id", "state", "changed_since"]

    def in_state(self, queryset, name, value):
        return queryset.in_state(value)


class MovementFilter(StrictFilterSet):
    sku_id = TextFilter(field_name="inventory__sku__sku_id")
    warehouse_id = TextFilter(field_name="inventory__warehouse__warehouse_id")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    since = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Movement
        fields = ["sku_id", "warehouse_id", "source", "kind", "since", "until"]


class ReservationFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=ReservationStatus.choices)
    reference = TextFilter()
    sku_id = TextFilter(field_name="items__inventory__sku__sku_id", distinct=True)
    warehouse_id = TextFilter(field_name="items__inventory__warehouse__warehouse_id", distinct=True)

    class Meta:
        model = Reservation
        fields = ["status", "reference", "sku_id", "warehouse_id"]

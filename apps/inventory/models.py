"""Stock per SKU per warehouse, and the immutable ledger of every change to it.

Rows are written only by ``apps.inventory.services``; these classes hold structure,
constraints and read helpers, no business rules.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from apps.catalog.models import SKU
from apps.warehouses.models import Warehouse

UNLIMITED_SENTINEL = 1_000_000
"""What VTEX reports as total and available quantity for unlimited inventory."""


class StockState(models.TextChoices):
    NEGATIVE = "negative", "Negative (oversold)"
    OUT_OF_STOCK = "out_of_stock", "Out of stock"
    LOW = "low", "Low"
    IN_STOCK = "in_stock", "In stock"
    UNLIMITED = "unlimited", "Unlimited"


class InventoryQuerySet(models.QuerySet):
    def with_related(self) -> "InventoryQuerySet":
        return self.select_related("sku", "warehouse")

    def in_state(self, state: str) -> "InventoryQuerySet":
        """Inventories in a stock state; "low" means 1 to ``INVENTORY_LOW_STOCK`` available."""
        low = settings.INVENTORY_LOW_STOCK
        finite = self.filter(unlimited=False)
        match state:
            case StockState.UNLIMITED:
                return self.filter(unlimited=True)
            case StockState.NEGATIVE:
                return finite.filter(available_quantity__lt=0)
            case StockState.OUT_OF_STOCK:
                return finite.filter(available_quantity=0)
            case StockState.LOW:
                return finite.filter(available_quantity__gt=0, available_quantity__lte=low)
            case StockState.IN_STOCK:
                return finite.filter(available_quantity__gt=low)
        raise ValueError(f"Unknown stock state {state!r}")


class Inventory(models.Model):
    """The stock of one SKU in one warehouse.

    ``reserved_quantity`` is the sum of active reservation items plus ``allocated_quantity``
    (stock held without an order, Elastic Path's allocations). ``available_quantity`` is a
    stored generated column, ``total - reserved``; it may be negative (oversold).
    """

    # No single-column indexes on the keys: the unique (sku, warehouse) and the (warehouse,
    # sku) index serve every lookup, and each index is written on every stock change.
    sku = models.ForeignKey(
        SKU, on_delete=models.PROTECT, related_name="inventories", db_index=False
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="inventories", db_index=False
    )
    total_quantity = models.BigIntegerField(default=0)
    reserved_quantity = models.BigIntegerField(default=0)
    allocated_quantity = models.BigIntegerField(default=0)
    available_quantity = models.GeneratedField(
        expression=F("total_quantity") - F("reserved_quantity"),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )
    unlimited = models.BooleanField(default=False)
    lead_time = models.DurationField(default=timedelta(0))
    balance_as_of = models.DateTimeField(
        null=True, blank=True, help_text="As-of time of the last accepted count."
    )
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = InventoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "inventories"
        permissions = [
            ("update_count", "Can update stock counts"),
            ("import_inventory", "Can import inventory spreadsheets"),
            ("export_inventory", "Can export inventory spreadsheets"),
        ]
        ordering = ["sku__sku_id", "warehouse__warehouse_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sku", "warehouse"], name="inventory_unique_sku_warehouse"
            ),
            models.CheckConstraint(
                condition=Q(total_quantity__gte=0), name="inventory_total_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved_quantity__gte=0), name="inventory_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(allocated_quantity__gte=0)
                & Q(allocated_quantity__lte=F("reserved_quantity")),
                name="inventory_allocated_within_reserved",
            ),
        ]
        indexes = [
            models.Index(fields=["warehouse", "sku"], name="inventory_warehouse_sku"),
            models.Index(fields=["available_quantity"], name="inventory_available"),
        ]

    def __str__(self) -> str:
        return f"{self.sku.sku_id} @ {self.warehouse.warehouse_id}"


class MovementKind(models.TextChoices):
    COUNT = "count", "Count"
    SET_AVAILABLE = "set_available", "Set available"
    ADJUST = "adjust", "Adjust"
    INCREMENT = "increment", "Increment"
    DECREMENT = "decrement", "Decrement"
    ALLOCATE = "allocate", "Allocate"
    DEALLOCATE = "deallocate", "Deallocate"
    RESERVE = "reserve", "Reserve"
    RELEASE = "release", "Release"
    SETTINGS = "settings", "Unlimited / lead time"
    RECONCILE = "reconcile", "Reconcile"


class Source(models.TextChoices):
    ADMIN = "admin", "Admin"
    IMPORT = "import", "Import"
    API = "api", "API"
    BULK = "bulk", "Bulk"
    SYSTEM = "system", "System"


class ImmutableLedgerError(Exception):
    """Movements are append-only: they are never edited or deleted."""


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableLedgerError("Movements cannot be edited.")

    def delete(self):
        raise ImmutableLedgerError("Movements cannot be deleted.")


class Movement(models.Model):
    """One change of an inventory's total, reserved, unlimited flag or lead time (SPEC §6).

    ``delta`` is the change of ``total_quantity``, so a row's deltas sum to its total.
    Append-only: the model, its queryset and database triggers refuse edits and deletes.
    """

    inventory = models.ForeignKey(Inventory, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = models.CharField(max_length=150, blank=True, help_text='e.g. "user:alice", "key:AK12".')
    total_before = models.BigIntegerField()
    total_after = models.BigIntegerField()
    reserved_before = models.BigIntegerField()
    reserved_after = models.BigIntegerField()
    delta = models.BigIntegerField()
    unlimited_after = models.BooleanField()
    lead_time_after = models.DurationField()
    reason = models.TextField(blank=True)
    reference = models.CharField(max_length=255, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)
    as_of = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delta=F("total_after") - F("total_before")),
                name="movement_delta_matches_totals",
            ),
        ]
        indexes = [
            models.Index(fields=["inventory", "created_at"], name="movement_inventory_time"),
            models.Index(fields=["source", "created_at"], name="movement_source_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delta:+d} on inventory {self.inventory_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableLedgerError("Movements cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLedgerError("Movements cannot be deleted.")

"""factory-boy factories; stock is always set through the services so the ledger agrees."""

import factory

from apps.catalog.models import SKU
from apps.inventory.bulk_jobs import inventory_bulk_submit
from apps.inventory.models import Inventory, Source
from apps.inventory.planning import StockChange
from apps.inventory.services import inventory_change_apply
from apps.jobs.models import Job
from apps.warehouses.models import Warehouse


class SKUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SKU
        django_get_or_create = ("sku_id",)

    sku_id = factory.Sequence(lambda n: str(1000 + n))
    name = factory.Faker("catch_phrase")
    product_name = factory.LazyAttribute(lambda o: o.name.split()[0])
    ean = factory.Sequence(lambda n: f"{7890000000000 + n}")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("warehouse_id",)

    warehouse_id = factory.Sequence(lambda n: f"wh-{n}")
    name = factory.LazyAttribute(lambda o: f"Warehouse {o.warehouse_id}")


def stocked(
    quantity: int = 10,
    *,
    sku: SKU | None = None,
    warehouse: Warehouse | None = None,
    **change,
) -> Inventory:
    """An inventory row with ``quantity`` counted through the count service."""
    sku = sku or SKUFactory()
    warehouse = warehouse or WarehouseFactory()
    inventory_change_apply(
        change=StockChange(sku.sku_id, warehouse.warehouse_id, quantity=quantity, **change),
        source=Source.SYSTEM,
        actor="test",
    )
    return Inventory.objects.select_related("sku", "warehouse").get(sku=sku, warehouse=warehouse)


def bulk_count_job(inventory: Inventory, on_hand: int) -> Job:
    """A queued bulk job counting ``on_hand`` units of one inventory row."""
    return inventory_bulk_submit(
        records=[
            {
                "sku_id": inventory.sku.sku_id,
                "warehouse_id": inventory.warehouse.warehouse_id,
                "on_hand": on_hand,
            }
        ]
    )

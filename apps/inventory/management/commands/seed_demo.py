"""Demo data for the quick start: 3 warehouses, a few hundred SKUs, varied stock."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.catalog.models import SKU
from apps.inventory.models import Source
from apps.inventory.planning import StockChange
from apps.inventory.services import inventory_changes_apply
from apps.warehouses.models import Warehouse

WAREHOUSES = [
    ("central-dc", "Central distribution center", 10),
    ("store-downtown", "Downtown store", 5),
    ("outlet-north", "North outlet", 1),
]
PRODUCTS = [
    "Organic Cotton T-Shirt",
    "Merino Wool Sweater",
    "Slim Fit Chinos",
    "Denim Jacket",
    "Trail Running Shoes",
    "Leather Chelsea Boots",
    "Canvas Sneakers",
    "Linen Shirt",
    "Waterproof Parka",
    "Fleece Hoodie",
    "Yoga Leggings",
    "Cashmere Scarf",
    "Stainless Water Bottle",
    "Ceramic Coffee Mug",
    "Cast Iron Skillet",
    "Bamboo Cutting Board",
    "Wireless Earbuds",
    "USB-C Charger 65W",
    "Mechanical Keyboard",
    "Noise Cancelling Headphones",
    "Hiking Backpack 30L",
    "Travel Duffel Bag",
    "Sunglasses Polarized",
    "Analog Wristwatch",
]
COLORS = ["Black", "White", "Navy", "Olive", "Sand", "Burgundy"]
SIZES = ["XS", "S", "M", "L", "XL", "One size"]


def ean13(number: int) -> str:
    digits = f"789{number:09d}"
    checksum = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return digits + str(checksum)


class Command(BaseCommand):
    help = "Load demo warehouses, SKUs and stock (does nothing if SKUs already exist)."

    def add_arguments(self, parser):
        parser.add_argument("--skus", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, skus: int, seed: int, **options):
        if SKU.objects.exists():
            self.stdout.write("Demo data: SKUs already exist, nothing loaded.")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            Warehouse.objects.bulk_create(
                [Warehouse(warehouse_id=w, name=n, priority=p) for w, n, p in WAREHOUSES]
            )
            SKU.objects.bulk_create(self._skus(skus, rng))
            changes = [
                self._stock(str(number), warehouse_id, rng)
                for number in range(1, skus + 1)
                for warehouse_id, _, _ in WAREHOUSES
                if rng.random() < 0.9
            ]
            inventory_changes_apply(
                changes=changes, source=Source.SYSTEM, actor="system:seed_demo", reason="Demo data"
            )
        self.stdout.write(
            f"Demo data: {len(WAREHOUSES)} warehouses, {skus} SKUs, {len(changes)} inventories."
        )

    def _skus(self, count: int, rng: random.Random) -> list[SKU]:
        result = []
        for number in range(1, count + 1):
            product = PRODUCTS[(number - 1) % len(PRODUCTS)]
            color, size = rng.choice(COLORS), rng.choice(SIZES)
            result.append(
                SKU(
                    sku_id=str(number),
                    name=f"{product} – {color}, {size}",
                    product_name=product,
                    ean=ean13(number),
                    ref_id=f"REF-{number:05d}",
                    is_active=rng.random() > 0.05,
                )
            )
        return result

    def _stock(self, sku_id: str, warehouse_id: str, rng: random.Random) -> StockChange:
        roll = rng.random()
        if roll < 0.05:
            return StockChange(sku_id, warehouse_id, quantity=0, unlimited=True)
        quantity = 0 if roll < 0.15 else rng.randint(1, 6) if roll < 0.3 else rng.randint(7, 250)
        lead_time = timedelta(days=rng.choice([0, 0, 1, 2, 5]))
        return StockChange(sku_id, warehouse_id, quantity=quantity, lead_time=lead_time)

"""Management commands: the integrity check and the quick start's demo data."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.catalog.models import SKU
from apps.inventory.models import Inventory, Movement
from apps.inventory.selectors import inventory_discrepancies
from tests.factories import stocked

pytestmark = pytest.mark.django_db


def test_check_inventory_passes_on_service_written_stock(capsys):
    stocked(5)

    call_command("check_inventory")

    assert "OK: every inventory matches its ledger and reservations." in capsys.readouterr().out


def test_check_inventory_reports_a_total_changed_behind_the_ledger(capsys):
    inventory = stocked(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_inventory SET total_quantity = 9 WHERE id = %s", [inventory.pk]
        )

    with pytest.raises(CommandError, match="1 inventories break an invariant"):
        call_command("check_inventory")

    assert f"inventory {inventory.pk}: total 9, ledger sums to 5" in capsys.readouterr().out


def test_check_inventory_repair_appends_a_reconcile_movement_and_keeps_the_total():
    inventory = stocked(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_inventory SET total_quantity = 9 WHERE id = %s", [inventory.pk]
        )

    call_command("check_inventory", "--repair")

    inventory.refresh_from_db()
    assert inventory.total_quantity == 9
    reconcile = Movement.objects.get(inventory=inventory, kind="reconcile")
    assert (reconcile.total_before, reconcile.total_after, reconcile.delta) == (5, 9, 4)
    assert inventory_discrepancies() == []


def test_seed_demo_loads_varied_stock_once(capsys):
    call_command("seed_demo", "--skus", "60")
    call_command("seed_demo", "--skus", "60")

    assert SKU.objects.count() == 60
    assert Inventory.objects.filter(unlimited=True).exists()
    assert Inventory.objects.filter(total_quantity=0, unlimited=False).exists()
    assert Inventory.objects.filter(total_quantity__gt=6).exists()
    assert inventory_discrepancies() == []
    assert "SKUs already exist, nothing loaded" in capsys.readouterr().out

"""Update count: preview (writes nothing), save (through the count service), stale rows,
invalid input and the permission the custom views check themselves."""

import re

import pytest
from django.urls import reverse

from apps.inventory.admin_counts import NOTHING_TYPED
from apps.inventory.forms import NOT_PREVIEWED
from apps.inventory.models import Inventory, Movement, Source
from apps.inventory.planning import Operation, StockChange
from apps.inventory.services import inventory_change_apply
from apps.reservations.services import (
    ItemRequest,
    reservation_acknowledge,
    reservation_confirm,
    reservation_create,
)
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:inventory_inventory_changelist")
PREVIEW = reverse("admin:inventory_inventory_preview_counts")
APPLY = reverse("admin:inventory_inventory_apply_counts")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def save_form(preview) -> dict[str, str]:
    """The hidden fields the preview page's Save form would post."""
    html = preview.content.decode()
    form = html[html.index('action="' + APPLY) :]
    return dict(re.findall(r'type="hidden" name="((?:count|version)-\d+)" value="([^"]*)"', form))


def totals(*inventories) -> list[int]:
    return [Inventory.objects.get(pk=inv.pk).total_quantity for inv in inventories]


def test_preview_shows_current_to_new_and_writes_nothing(clerk):
    first, second = stocked(10), stocked(4)
    movements = Movement.objects.count()

    response = clerk.post(PREVIEW, {f"count-{first.pk}": "12", f"count-{second.pk}": "1"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 counts changed, 0 skipped (unchanged). Nothing has been saved yet." in html
    assert "10 → 12" in html and "+2" in html
    assert "4 → 1" in html and "-3" in html
    assert totals(first, second) == [10, 4]
    assert Movement.objects.count() == movements
    assert save_form(response) == {
        f"count-{first.pk}": "12",
        f"version-{first.pk}": str(first.version),
        f"count-{second.pk}": "1",
        f"version-{second.pk}": str(second.version),
    }


def test_preview_lists_unchanged_rows_as_skipped_and_ignores_empty_inputs(clerk):
    same, changed, untouched = stocked(7), stocked(3), stocked(9)

    response = clerk.post(
        PREVIEW,
        {f"count-{same.pk}": "7", f"count-{changed.pk}": "5", f"count-{untouched.pk}": " "},
    )

    html = response.content.decode()
    assert "1 count changed, 1 skipped (unchanged)." in html
    skipped = html[html.index("Skipped — same as the current count") :]
    assert same.sku.sku_id in skipped and untouched.sku.sku_id not in html


def test_preview_warns_when_available_would_go_negative(clerk):
    inventory = stocked(10)
    inventory_change_apply(
        change=StockChange(
            inventory.sku.sku_id, inventory.warehouse.warehouse_id, Operation.ALLOCATE, 6
        ),
        source=Source.API,
    )

    response = clerk.post(PREVIEW, {f"count-{inventory.pk}": "4"})

    html = response.content.decode()
    assert "Available would be -2: more is reserved than counted." in html
    assert '<strong class="stock-negative">-2</strong>' in html


def test_preview_shows_acknowledged_reservations_the_count_will_clear(clerk):
    inventory = stocked(10)
    reservation = reservation_create(
        items=[ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 3)],
        reservation_id="order-77",
    )
    reservation_confirm(reservation_id=reservation.reservation_id)
    reservation_acknowledge(reservation_id=reservation.reservation_id)

    response = clerk.post(PREVIEW, {f"count-{inventory.pk}": "7"})

    html = response.content.decode()
    assert "3 units (order-77)" in html
    assert "3 → 0" in html  # reserved before → after


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "“abc” is not a whole number."),
        ("2.5", "“2.5” is not a whole number."),
        ("1e3", "“1e3” is not a whole number."),
        ("-1", "quantity cannot be negative, got -1."),
    ],
)
def test_preview_lists_invalid_entries_as_errors_that_will_not_be_applied(clerk, typed, reason):
    bad, good = stocked(5), stocked(5)

    response = clerk.post(PREVIEW, {f"count-{bad.pk}": typed, f"count-{good.pk}": "6"})

    html = response.content.decode()
    errors = html[html.index("Errors — these rows") : html.index('class="module preview-changes"')]
    assert reason in errors and bad.sku.sku_id in errors
    assert "1 count changed, 0 skipped (unchanged), 1 not applied." in html
    assert set(save_form(response)) == {f"count-{good.pk}", f"version-{good.pk}"}
    assert totals(bad, good) == [5, 5]


def test_save_applies_counts_writes_movements_and_reports(clerk):
    first, second, same = stocked(10), stocked(4), stocked(2)
    preview = clerk.post(
        PREVIEW, {f"count-{first.pk}": "12", f"count-{second.pk}": "0", f"count-{same.pk}": "2"}
    )

    response = clerk.post(APPLY, save_form(preview), follow=True)

    assert totals(first, second, same) == [12, 0, 2]
    movement = Movement.objects.filter(inventory=first).first()
    assert (movement.kind, movement.delta, movement.source, movement.actor) == (
        "count",
        2,
        Source.ADMIN,
        "user:clerk",
    )
    assert Movement.objects.filter(inventory=same).count() == 1  # only the stocking one
    assert messages_of(response) == ["2 counts changed, 1 skipped (unchanged)."]
    assert response.redirect_chain[-1][0] == CHANGELIST


def test_save_does_not_apply_rows_changed_since_the_preview_and_says_why(clerk):
    theirs, mine = stocked(10), stocked(10)
    preview = clerk.post(PREVIEW, {f"count-{theirs.pk}": "8", f"count-{mine.pk}": "9"})
    stocked(15, sku=theirs.sku, warehouse=theirs.warehouse)  # someone else counts meanwhile

    response = clerk.post(APPLY, save_form(preview), follow=True)

    assert totals(theirs, mine) == [15, 9]
    key = f"{theirs.sku.sku_id} @ {theirs.warehouse.warehouse_id}"
    assert messages_of(response) == [
        "1 count changed, 0 skipped (unchanged), 1 not applied.",
        f"Not applied: {key} changed since you saw it (version 1, now 2); review it again.",
    ]


def test_save_refuses_counts_that_were_not_previewed(clerk):
    inventory = stocked(10)

    response = clerk.post(APPLY, {f"count-{inventory.pk}": "3"}, follow=True)

    assert totals(inventory) == [10]
    assert f"Not applied: {inventory}: {NOT_PREVIEWED}" in messages_of(response)


def test_back_and_save_return_to_the_filtered_list(clerk):
    warehouse = WarehouseFactory()
    inventory = stocked(10, warehouse=warehouse)
    filters = f"warehouse__id__exact={warehouse.pk}&q={inventory.sku.sku_id}"
    changelist = clerk.get(f"{CHANGELIST}?{filters}")
    action = re.search(
        r'<form id="update-counts" method="post" action="([^"]+)"', changelist.content.decode()
    )[1]

    preview = clerk.post(action.replace("&amp;", "&"), {f"count-{inventory.pk}": "11"})
    html = preview.content.decode()
    apply_action = re.search(r'action="([^"]*apply[^"]*)"', html)[1].replace("&amp;", "&")
    response = clerk.post(apply_action, save_form(preview))

    filtered = f"{CHANGELIST}?{filters}"
    assert f'href="{filtered.replace("&", "&amp;")}" class="button cancel-link">Back' in html
    assert response.status_code == 302 and response.url == filtered


def test_preview_with_nothing_typed_goes_back_with_a_message(clerk):
    stocked(10)

    response = clerk.post(PREVIEW, {}, follow=True)

    assert messages_of(response) == [NOTHING_TYPED]


def test_save_only_accepts_post(clerk):
    assert clerk.get(APPLY).status_code == 405


@pytest.mark.parametrize("url", [PREVIEW, APPLY])
def test_count_views_need_the_update_count_permission(staff, url):
    client = staff("view_inventory", "change_inventory", username="viewer")
    inventory = stocked(10)

    response = client.post(url, {f"count-{inventory.pk}": "3", f"version-{inventory.pk}": "1"})

    assert response.status_code == 403
    assert totals(inventory) == [10]


def test_view_only_staff_see_the_list_without_count_inputs(staff):
    client = staff("view_inventory", username="viewer")
    inventory = stocked(10)

    html = client.get(CHANGELIST).content.decode()

    assert inventory.sku.sku_id in html
    assert f'name="count-{inventory.pk}"' not in html
    assert 'id="update-counts"' not in html and "Update count" not in html


def test_clerks_see_an_update_count_input_on_every_row(clerk):
    inventories = [stocked(n) for n in range(3)]

    html = clerk.get(CHANGELIST).content.decode()

    assert 'id="update-counts"' in html
    for inventory in inventories:
        assert f'name="count-{inventory.pk}" form="update-counts"' in html


def test_counts_for_unknown_inventories_are_row_errors(clerk):
    sku = SKUFactory()

    response = clerk.post(PREVIEW, {"count-999999": "4", f"count-x{sku.pk}": "1"})

    html = response.content.decode()
    assert "This inventory no longer exists." in html
    assert "0 counts changed, 0 skipped (unchanged), 1 not applied." in html


def test_update_count_without_view_permission_is_not_enough(staff):
    client = staff("update_count", username="blind")
    inventory = stocked(10)

    response = client.post(PREVIEW, {f"count-{inventory.pk}": "3"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    "fields",
    [
        {"count-²": "3"},
        {"count-{pk}": "²"},
        {"count-{pk}": "٣"},
        {"count-{pk}": "9" * 5000},
        {"count-{pk}": "3", "version-{pk}": "²"},
    ],
)
def test_unicode_digits_and_huge_numbers_in_count_forms_are_row_errors_not_500s(clerk, fields):
    inventory = stocked(5)
    data = {name.format(pk=inventory.pk): value.format() for name, value in fields.items()}

    preview = clerk.post(PREVIEW, data)
    save = clerk.post(APPLY, data, follow=True)

    assert preview.status_code in (200, 302) and save.status_code == 200
    assert totals(inventory) == [5]

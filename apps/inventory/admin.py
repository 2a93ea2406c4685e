"""Inventory management for merchants (SPEC §7) and the read-only ledger.

Quantities are never edited through model forms: counts go through the *Update count*
column, its preview and its save (``admin_counts``), which call the count service.
"""

from datetime import timedelta

from django.contrib import admin
from django.db.models import F, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.catalog.models import SKU
from apps.core.admin import ReadOnlyAdminMixin
from apps.inventory.admin_counts import UpdateCountViews
from apps.inventory.admin_templates import TemplateViews
from apps.inventory.charts import stock_chart
from apps.inventory.forms import COUNT_PREFIX
from apps.inventory.models import Inventory, Movement, StockState
from apps.inventory.pagination import LargeTablePaginator

HISTORY_ROWS = 20
CHART_POINTS = 100


class StockStateFilter(admin.SimpleListFilter):
    title = "stock state"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return StockState.choices

    def queryset(self, request, queryset):
        return queryset.in_state(self.value()) if self.value() in StockState.values else queryset


class ActiveSkuFilter(admin.SimpleListFilter):
    title = "active SKU"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Active"), ("no", "Inactive")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(sku__is_active=self.value() == "yes")
        return queryset


def lead_time_text(lead_time: timedelta) -> str:
    if not lead_time:
        return "—"
    return f"{lead_time.days} d" if lead_time == timedelta(days=lead_time.days) else str(lead_time)


@admin.register(Inventory)
class InventoryAdmin(ReadOnlyAdminMixin, UpdateCountViews, TemplateViews, admin.ModelAdmin):
    """The *Inventory management* changelist: fast at a million rows, no full count."""

    list_display = (
        "sku_code",
        "sku_name",
        "warehouse_code",
        "total",
        "reserved",
        "available",
        "lead",
        "last_change",
        "update_count",
    )
    list_filter = ("warehouse", StockStateFilter, ActiveSkuFilter)
    search_fields = ("sku__sku_id", "sku__ean", "sku__ref_id", "sku__name")  # see below
    search_help_text = "An exact SKU id, EAN or reference id, or part of the SKU name."
    list_select_related = ("sku", "warehouse")
    sortable_by = ("sku_code", "available", "last_change")
    list_per_page = 100
    # Index order (the unique (sku, warehouse) index): SKUs in catalogue order, then
    # warehouses. Sorting by the SKU code instead costs 0.9 s on a deep page of 1M rows.
    ordering = ("sku_id", "warehouse_id")
    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None
    autocomplete_fields = ("sku", "warehouse")
    fields = (
        ("sku", "warehouse"),
        ("total_quantity", "reserved_quantity", "allocated_quantity", "available_quantity"),
        ("unlimited", "lead_time"),
        ("balance_as_of", "updated_at", "version"),
    )
    readonly_fields = [name for row in fields for name in row]

    class Media:
        css = {"all": ["inventory/admin.css"]}

    @admin.display(description="SKU id", ordering="sku__sku_id")
    def sku_code(self, inventory):
        return inventory.sku.sku_id

    @admin.display(description="SKU name")
    def sku_name(self, inventory):
        return inventory.sku.name

    @admin.display(description="warehouse")
    def warehouse_code(self, inventory):
        return inventory.warehouse.warehouse_id

    @admin.display(description="total")
    def total(self, inventory):
        return inventory.total_quantity

    @admin.display(description="reserved")
    def reserved(self, inventory):
        """The reserved figure links to the active reservations holding it."""
        if not inventory.reserved_quantity:
            return 0
        return format_html(
            '<a href="{}?items__inventory__id__exact={}&amp;active=yes" title="{}">{}</a>',
            reverse("admin:reservations_reservation_changelist"),
            inventory.pk,
            "Active reservations on this SKU and warehouse",
            inventory.reserved_quantity,
        )

    @admin.display(description="available", ordering="available_quantity")
    def available(self, inventory):
        if inventory.unlimited:
            return mark_safe('<span class="stock-unlimited">Unlimited</span>')
        if inventory.available_quantity < 0:
            return format_html(
                '<strong class="stock-negative" title="Oversold">{}</strong>',
                inventory.available_quantity,
            )
        return inventory.available_quantity

    @admin.display(description="lead time")
    def lead(self, inventory):
        return lead_time_text(inventory.lead_time)

    @admin.display(description="last change", ordering="updated_at")
    def last_change(self, inventory):
        return f"{timezone.localtime(inventory.updated_at):%Y-%m-%d %H:%M}"

    @admin.display(description="Update count")
    def update_count(self, inventory):
        return format_html(
            '<input type="number" name="{}{}" form="update-counts" min="0" step="1" '
            'inputmode="numeric" class="count-input" aria-label="New count for {}">',
            COUNT_PREFIX,
            inventory.pk,
            inventory,
        )

    def get_search_results(self, request, queryset, search_term):
        """An exact SKU id, EAN or reference id (indexed lookups) if one matches; otherwise
        part of the SKU name. One extra query, instead of scanning every SKU for each term."""
        term = search_term.strip()
        if not term:
            return queryset, False
        exact = SKU.objects.filter(Q(sku_id=term) | Q(ean=term) | Q(ref_id=term))
        if exact.exists():
            return queryset.filter(sku__in=exact), False
        return queryset.filter(sku__name__icontains=term), False

    def get_list_display(self, request):
        if self.can_update_counts(request):
            return self.list_display
        return tuple(name for name in self.list_display if name != "update_count")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": "Inventory management",
            **(extra_context or {}),
            "can_update_counts": self.can_update_counts(request),
            "can_import": self.can_import(request),
            "can_export": self.can_export(request),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The read-only inventory page, with its latest movements and a chart of them."""
        latest = (
            Movement.objects.filter(inventory=obj)
            .annotate(available_after=F("total_after") - F("reserved_after"))
            .order_by("-created_at", "-id")
        )
        movements = list(latest[:CHART_POINTS])
        oldest = movements[-1] if movements else None
        points = [(m.created_at, m.total_after, m.available_after) for m in reversed(movements)]
        if oldest:  # start from the state before the oldest movement shown
            before = oldest.total_before - oldest.reserved_before
            points.insert(0, (oldest.created_at, oldest.total_before, before))
        context.update(
            movements=movements[:HISTORY_ROWS],
            chart=stock_chart(points),
            all_movements_url=reverse("admin:inventory_movement_changelist")
            + f"?inventory__id__exact={obj.pk}",
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        wrap, name = self.admin_site.admin_view, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("counts/preview/", wrap(self.preview_counts_view), name=f"{name}_preview_counts"),
            path("counts/apply/", wrap(self.apply_counts_view), name=f"{name}_apply_counts"),
            path(
                "template/<str:file_format>/",
                wrap(self.download_template_view),
                name=f"{name}_download_template",
            ),
            path("import/", wrap(self.import_template_view), name=f"{name}_import_template"),
            path(
                "import/<uuid:job_id>/confirm/",
                wrap(self.import_confirm_view),
                name=f"{name}_import_confirm",
            ),
            path(
                "import/<uuid:job_id>/", wrap(self.import_status_view), name=f"{name}_import_status"
            ),
            *super().get_urls(),
        ]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The ledger, read-only for everyone (movements are append-only, SPEC §6)."""

    list_display = (
        "created_at",
        "inventory",
        "kind",
        "delta",
        "total_before",
        "total_after",
        "reserved_before",
        "reserved_after",
        "source",
        "actor",
        "reference",
    )
    list_filter = ("kind", "source")
    search_fields = ("=inventory__sku__sku_id", "=reference", "=actor")
    list_select_related = ("inventory__sku", "inventory__warehouse")
    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

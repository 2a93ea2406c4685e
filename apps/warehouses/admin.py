from django.contrib import admin

from apps.warehouses.models import Warehouse


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    """Warehouses: searchable (also by other admins' autocomplete widgets) and filterable."""

    list_display = ("warehouse_id", "name", "priority", "is_active")
    list_filter = ("is_active",)
    search_fields = ("warehouse_id", "name")
    readonly_fields = ("created_at", "updated_at")

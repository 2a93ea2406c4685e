from django.contrib import admin

from apps.catalog.models import SKU


@admin.register(SKU)
class SKUAdmin(admin.ModelAdmin):
    """SKUs: searchable (also by other admins' autocomplete widgets) and filterable."""

    list_display = ("sku_id", "name", "product_name", "ean", "ref_id", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("=sku_id", "name", "=ean", "=ref_id")
    search_help_text = "SKU id, EAN or reference id (exact), or part of the name."
    readonly_fields = ("created_at", "updated_at")
    show_full_result_count = False

"""Reservations in the admin: list, filter, search, and lifecycle actions with confirmation.

Nothing is edited through forms: status changes go through the lifecycle services, which
refuse invalid transitions; the message says what changed and what was refused.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse

from apps.core.errors import ApplicationError
from apps.inventory.models import Source
from apps.reservations.models import ACTIVE_STATUSES, Reservation, ReservationItem
from apps.reservations.services import (
    reservation_acknowledge,
    reservation_cancel,
    reservation_confirm,
)


class ActiveFilter(admin.SimpleListFilter):
    title = "holding stock"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Active (authorized, confirmed, acknowledged)"), ("no", "Closed")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=ACTIVE_STATUSES)
        if self.value() == "no":
            return queryset.exclude(status__in=ACTIVE_STATUSES)
        return queryset


class ReservationItemInline(admin.TabularInline):
    model = ReservationItem
    fields = ("sku_id", "warehouse_id", "quantity", "released_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("inventory__sku", "inventory__warehouse")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="SKU")
    def sku_id(self, item):
        return item.inventory.sku.sku_id

    @admin.display(description="warehouse")
    def warehouse_id(self, item):
        return item.inventory.warehouse.warehouse_id


def _lifecycle_action(service, verb: str, past: str):
    """An admin action that asks for confirmation, then applies ``service`` to each row."""

    def action(modeladmin, request, queryset):
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/reservations/confirm_action.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "title": f"Are you sure you want to {verb} these reservations?",
                    "verb": verb,
                    "past": past,
                    "action": request.POST["action"],
                    "reservations": queryset.annotate(item_count=Count("items")),
                    "opts": modeladmin.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done, refused = [], []
        actor = f"user:{request.user.get_username()}"
        for reservation in queryset:
            try:
                service(reservation_id=reservation.reservation_id, source=Source.ADMIN, actor=actor)
                done.append(reservation.reservation_id)
            except ApplicationError as error:
                refused.append(error.message)
        if done:
            modeladmin.message_user(
                request, f"{len(done)} reservation(s) {past}: {', '.join(done)}.", messages.SUCCESS
            )
        if refused:
            modeladmin.message_user(
                request,
                " ".join(f"Refused: {message}" for message in refused),
                messages.ERROR,
            )
        return None

    action.__name__ = f"{verb}_reservations"
    action.short_description = f"{verb.capitalize()} selected reservations"
    action.allowed_permissions = ("change",)
    return action


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = (
        "reservation_id",
        "reference",
        "status",
        "sales_channel",
        "created_at",
        "expires_at",
        "acknowledged_at",
    )
    list_filter = ("status", ActiveFilter, "sales_channel", "created_at")
    search_fields = ("reservation_id", "reference", "items__inventory__sku__sku_id")
    readonly_fields = [f.name for f in Reservation._meta.fields]
    inlines = [ReservationItemInline]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = [
        _lifecycle_action(reservation_confirm, "confirm", "confirmed"),
        _lifecycle_action(reservation_acknowledge, "acknowledge", "acknowledged"),
        _lifecycle_action(reservation_cancel, "cancel", "cancelled"),
    ]

    def lookup_allowed(self, lookup, value, request=None):
        """Allow the inventory list's link to the reservations holding one inventory."""
        return lookup == "items__inventory__id__exact" or super().lookup_allowed(
            lookup, value, request
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""API keys in the admin, for superusers only (SPEC §7). The token is shown once, in a
message after the key is created; only its hash is kept."""

from django.contrib import admin, messages
from django.utils.html import format_html

from apps.api.models import ApiKey
from apps.api.services import api_key_create, api_keys_revoke

TOKEN_SHOWN_ONCE = (
    "API key {app_key} created. Its token is shown only now; copy it into the ERP: {token}"
)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("app_key", "name", "scopes_display", "is_active", "last_used_at", "created_at")
    list_filter = ("is_active", "can_read", "can_write")
    search_fields = ("app_key", "name")
    actions = ["revoke"]
    fields = ("app_key", "name", "can_read", "can_write")
    readonly_fields = (
        "token_hint",
        "is_active",
        "created_by",
        "created_at",
        "revoked_at",
        "last_used_at",
    )

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.fields + self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("app_key", *self.readonly_fields)

    # Superusers only, whatever model permissions staff users were given.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the ledger names keys in its actor column

    @admin.display(description="scopes")
    def scopes_display(self, key: ApiKey) -> str:
        return ", ".join(key.scopes) or "—"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_key_create(
            name=obj.name,
            can_read=obj.can_read,
            can_write=obj.can_write,
            created_by=request.user,
            app_key=obj.app_key,
        )
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued.key, field.attname))
        obj._state.adding = False
        obj._state.db = issued.key._state.db
        messages.warning(
            request,
            format_html(
                TOKEN_SHOWN_ONCE.replace("{token}", "<code>{token}</code>"),
                app_key=issued.key.app_key,
                token=issued.token,
            ),
        )

    @admin.action(description="Revoke selected API keys (permanent)")
    def revoke(self, request, queryset):
        count = api_keys_revoke(keys=queryset)
        self.message_user(request, f"Revoked {count} API key(s).", messages.SUCCESS)

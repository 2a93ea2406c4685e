"""Scopes: safe methods need the read scope, writes the write scope (SPEC §5.3).

Staff users logged in to the admin may use the browsable API with their session: reads need
only staff status, writes also the model permissions a view lists in
``session_write_permissions`` (superusers have them all).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.api.models import ApiKey

MISSING_READ_SCOPE = "This API key does not have the read scope."
MISSING_WRITE_SCOPE = "This API key does not have the write scope."
NOT_STAFF = "Only staff users may use the API with a session; use an API key."
MISSING_PERMISSION = "Your user lacks the permission for this change: {perms}."


class HasScope(BasePermission):
    code = "missing_scope"

    def has_permission(self, request, view) -> bool:
        write = request.method not in SAFE_METHODS
        key = request.auth
        if isinstance(key, ApiKey):
            if write and not key.can_write:
                self.message = MISSING_WRITE_SCOPE
                return False
            if not write and not key.can_read:
                self.message = MISSING_READ_SCOPE
                return False
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 (not authenticated)
        if not user.is_staff:
            self.message, self.code = NOT_STAFF, "staff_only"
            return False
        perms = getattr(view, "session_write_permissions", ())
        if write and not user.has_perms(perms):
            self.message, self.code = MISSING_PERMISSION.format(perms=", ".join(perms)), "forbidden"
            return False
        return True

"""Scopes: safe methods need the read scope, writes the write scope (SPEC §5.3).

Staff users logged in to the admin may use the browsable API with their session, with the
same model permissions as in the admin: reads need those a view lists in
``session_read_permissions`` (e.g. ``inventory.view_inventory``; a view listing none is not
readable with a session), writes those in ``session_write_permissions`` (superusers have
them all).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.api.models import ApiKey

MISSING_READ_SCOPE = "This API key does not have the read scope."
MISSING_WRITE_SCOPE = "This API key does not have the write scope."
NOT_STAFF = "Only staff users may use the API with a session; use an API key."
MISSING_PERMISSION = "Your user lacks the permission for this change: {perms}."
MISSING_VIEW_PERMISSION = "Your user lacks the permission to see this: {perms}."
NO_SESSION_READS = "This endpoint is not readable with a session; use an API key."


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
        if write:
            perms = getattr(view, "session_write_permissions", ())
            message = MISSING_PERMISSION
        else:
            perms = getattr(view, "session_read_permissions", None)
            message = MISSING_VIEW_PERMISSION
            if perms is None:
                self.message, self.code = NO_SESSION_READS, "forbidden"
                return False
        if not user.has_perms(perms):
            self.message, self.code = message.format(perms=", ".join(perms)), "forbidden"
            return False
        return True

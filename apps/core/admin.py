"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """No add, change or delete for anyone, superusers included: the model is written only
    by services (view permission still shows it)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

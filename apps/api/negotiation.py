"""The browsable API is for staff logged in to the admin; everyone else gets JSON, also
when a browser asks for HTML (so anonymous visitors never get an HTML page)."""

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer


class StaffBrowsableNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        # The session user: lazy, and no query at all without a session cookie.
        user = getattr(request._request, "user", None)
        if not (user is not None and user.is_authenticated and user.is_staff):
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        return super().select_renderer(request, renderers, format_suffix)

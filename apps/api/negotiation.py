"""What the API reads and answers, whatever the client's headers say.

It speaks JSON only, so no request is refused for its headers: a body is read as JSON
whatever its ``Content-Type`` (missing, ``text/plain``, VTEX's
``application/vnd.vtex.ds.v10+json``… as Java's and Node's HTTP clients and ``fetch`` send by
default), and the answer is JSON whatever ``Accept`` asks for (VTEX's clients send
``application/vnd.vtex.ds.v10+json``; ``*/*``, none, ``text/plain`` or ``application/xml``
get JSON too, never a 406). The browsable API is for staff logged in to the admin; everyone
else gets JSON, also when a browser asks for HTML.
"""

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer


class JsonWhateverTheHeaders(DefaultContentNegotiation):
    def select_parser(self, request, parsers):
        return super().select_parser(request, parsers) or parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        # The session user: lazy, and no query at all without a session cookie.
        user = getattr(request._request, "user", None)
        if not (user is not None and user.is_authenticated and user.is_staff):
            renderers = [r for r in renderers if not isinstance(r, BrowsableAPIRenderer)]
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except (NotAcceptable, Http404):  # an Accept or ?format= it has no renderer for
            return renderers[0], renderers[0].media_type

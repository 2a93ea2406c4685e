"""Root URLs: the admin (merchants) and the API (ERPs).

Under /api/ (in any case) every answer is JSON: unknown paths hit ``api_not_found`` and the
error handlers below answer JSON there (Django's pages elsewhere).
"""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from apps.api.errors import api_not_found
from apps.core.views import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("api/", include("apps.api.urls")),
    re_path(r"^[aA][pP][iI]/", api_not_found),
]

handler400 = "apps.api.errors.bad_request_handler"
handler403 = "apps.api.errors.permission_denied_handler"
handler404 = "apps.api.errors.not_found_handler"
handler500 = "apps.api.errors.server_error_handler"

"""The admin's spreadsheet template: download it for the current filter, upload it back,
preview, confirm, and follow a large import's progress (SPEC §7).

The views only move files and pages around; reading, checking, planning and applying live
in ``apps.inventory.spreadsheets`` and ``apps.inventory.imports``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.inventory.imports import KIND, inventory_import_confirm, inventory_import_preview
from apps.inventory.spreadsheets import check_upload_size, export_template
from apps.jobs.models import Job, JobStatus
from apps.jobs.selectors import job_activity

IMPORT_PERMISSION = "inventory.import_inventory"
EXPORT_PERMISSION = "inventory.export_inventory"
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHOWN_ROWS = 200
NO_FILE = "Choose the filled-in template (.csv or .xlsx) to upload."


class TemplateViews:
    """ModelAdmin mixin: template download and import views, each checking its permission."""

    def can_import(self, request) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    def can_export(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def _url(self, name: str, *args) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(
            request,
            f"admin/inventory/inventory/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def download_template_view(self, request, file_format: str):
        """The template for the rows the changelist shows now (its filters and search)."""
        if not self.can_export(request):
            raise PermissionDenied
        if file_format not in FORMATS:
            return HttpResponse(status=404)
        rows = self.get_changelist_instance(request).get_queryset(request)
        content = export_template(rows, file_format)
        response = HttpResponse(content, content_type=FORMATS[file_format])
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="inventory-{stamp}.{file_format}"'
        return response

    def import_template_view(self, request):
        """GET: the upload form. POST: check and preview the file; nothing is written."""
        if not self.can_import(request):
            raise PermissionDenied
        upload = request.FILES.get("template") if request.method == "POST" else None
        if request.method == "POST" and upload is None:
            messages.error(request, NO_FILE)
        if upload is None:
            return self._page(request, "import_template.html", "Import the inventory template")
        try:
            check_upload_size(upload.size)  # before the file is read into memory
            preview = inventory_import_preview(
                content=upload.read(),
                file_name=upload.name,
                actor=f"user:{request.user.get_username()}",
            )
        except ApplicationError as refused:
            messages.error(request, f"{refused.message} ({upload.name})")
            return self._page(request, "import_template.html", "Import the inventory template")
        return self._page(
            request,
            "import_preview.html",
            f"Preview of {upload.name}",
            preview=preview,
            errors=preview.errors[:SHOWN_ROWS],
            changed=preview.changed[:SHOWN_ROWS],
            shown=SHOWN_ROWS,
            confirm_url=self._url("import_confirm", preview.job.pk) if preview.job else None,
        )

    def import_confirm_view(self, request, job_id):
        """POST only: apply the previewed import (small: now; large: in a worker)."""
        if not self.can_import(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = get_object_or_404(Job, pk=job_id, kind=KIND)
        try:
            job = inventory_import_confirm(job=job)
        except ApplicationError as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(self._url("changelist"))
        if job.status == JobStatus.QUEUED:
            return HttpResponseRedirect(self._url("import_status", job.pk))
        if job.status == JobStatus.SUCCEEDED:
            messages.success(
                request, f"{job.succeeded_count} count(s) applied from {job.reference}."
            )
            return HttpResponseRedirect(self._url("changelist"))
        return HttpResponseRedirect(self._url("import_status", job.pk))

    def import_status_view(self, request, job_id):
        """A running import's progress bar, then its result (``?format=json`` for polling)."""
        if not self.can_import(request):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=job_id, kind=KIND)
        if request.GET.get("format") == "json":
            return JsonResponse(
                {
                    "status": job.status,
                    "activity": job_activity(job),
                    "processed": job.processed,
                    "total": job.total,
                    "percent": job.progress_percent,
                }
            )
        return self._page(
            request,
            "import_status.html",
            f"Import of {job.reference}",
            job=job,
            activity=job_activity(job),
            refused=job.results[:SHOWN_ROWS],
            shown=SHOWN_ROWS,
            changelist_url=self._url("changelist"),
        )

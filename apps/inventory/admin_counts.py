"""The admin's *Update count* flow: preview the typed counts, then save them (SPEC §7).

Both views run the counts through the count service's plan; neither holds stock logic.
The preview writes nothing. Saving recomputes everything and trusts only what the user
typed and the version of each row the preview showed, so a row changed by someone else
meanwhile is refused (``stale_count``) and reported rather than overwritten.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from apps.inventory.forms import TypedCount, typed_counts
from apps.inventory.models import Inventory, Source
from apps.inventory.planning import ChangeStatus, Plan, PlannedChange, StockChange
from apps.inventory.selectors import inventory_changes_plan
from apps.inventory.services import inventory_changes_apply

UPDATE_COUNT_PERMISSION = "inventory.update_count"
NOTHING_TYPED = "Type a new count in at least one row, then preview."
INVENTORY_GONE = "This inventory no longer exists."
MAX_ERROR_MESSAGES = 20


@dataclass(frozen=True)
class CountRow:
    """One typed count: its inventory row and what the count service did or would do."""

    typed: TypedCount
    inventory: Inventory | None
    outcome: PlannedChange | None = None

    @property
    def status(self) -> ChangeStatus:
        return self.outcome.status if self.outcome else ChangeStatus.ERROR

    @property
    def error(self) -> str:
        if self.typed.error:
            return self.typed.error
        if self.outcome is None:
            return INVENTORY_GONE
        return self.outcome.error.message if self.outcome.error else ""

    @property
    def label(self) -> str:
        return str(self.inventory) if self.inventory else f"inventory {self.typed.inventory_id}"


def count_rows(typed: Sequence[TypedCount], run: Callable[[list[StockChange]], Plan]):
    """Run the well-formed counts through ``run`` (plan or apply) and pair each with its row."""
    inventories = Inventory.objects.with_related().in_bulk([t.inventory_id for t in typed])
    valid = [t for t in typed if not t.error and t.inventory_id in inventories]
    changes = [
        StockChange(
            inventories[t.inventory_id].sku.sku_id,
            inventories[t.inventory_id].warehouse.warehouse_id,
            quantity=t.quantity,
            expected_version=t.version,
        )
        for t in valid
    ]
    plan = run(changes) if changes else Plan()
    outcomes = {t.inventory_id: o for t, o in zip(valid, plan.outcomes, strict=True)}
    return [
        CountRow(t, inventories.get(t.inventory_id), outcomes.get(t.inventory_id)) for t in typed
    ]


def summary(rows: Sequence[CountRow]) -> str:
    """E.g. "3 counts changed, 1 skipped (unchanged), 1 not applied."."""
    changed, unchanged, refused = (
        sum(row.status is status for row in rows) for status in ChangeStatus
    )
    text = f"{changed} count{'' if changed == 1 else 's'} changed, {unchanged} skipped (unchanged)"
    return text + (f", {refused} not applied." if refused else ".")


def refusal(row: CountRow) -> str:
    """Which row was not applied and why (service messages already name their row)."""
    reason = row.error
    return reason if reason.startswith(row.label) else f"{row.label}: {reason}"


class UpdateCountViews:
    """ModelAdmin mixin: the preview and save views, each checking the update permission."""

    def can_update_counts(self, request) -> bool:
        """Its own permission, not just staff status (and seeing inventories at all)."""
        return request.user.has_perm(UPDATE_COUNT_PERMISSION) and self.has_view_permission(request)

    def _check_update_permission(self, request) -> None:
        if not self.can_update_counts(request):
            raise PermissionDenied

    def _changelist_url(self, request) -> str:
        opts = self.model._meta
        return add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": opts},
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        )

    def preview_counts_view(self, request):
        """Show what the typed counts would do; writes nothing (GET or POST)."""
        self._check_update_permission(request)
        data = request.POST if request.method == "POST" else request.GET
        typed = typed_counts(data)
        if not typed:
            self.message_user(request, NOTHING_TYPED, messages.WARNING)
            return HttpResponseRedirect(self._changelist_url(request))
        rows = count_rows(typed, lambda changes: inventory_changes_plan(changes=changes))
        by_status = {status: [r for r in rows if r.status is status] for status in ChangeStatus}
        opts = self.model._meta
        apply_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_apply_counts")
        preserved = self.get_preserved_filters(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": "Preview count updates",
            "summary": summary(rows),
            "errors": by_status[ChangeStatus.ERROR],
            "changed": by_status[ChangeStatus.CHANGED],
            "unchanged": by_status[ChangeStatus.UNCHANGED],
            "to_save": by_status[ChangeStatus.CHANGED] + by_status[ChangeStatus.UNCHANGED],
            "apply_url": f"{apply_url}?{preserved}" if preserved else apply_url,
            "changelist_url": self._changelist_url(request),
            "preserved_filters": preserved,
        }
        return TemplateResponse(request, "admin/inventory/inventory/preview_counts.html", context)

    def apply_counts_view(self, request):
        """Save the previewed counts in one transaction; report what changed and what did not."""
        self._check_update_permission(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        typed = typed_counts(request.POST, require_version=True)
        if not typed:
            self.message_user(request, NOTHING_TYPED, messages.WARNING)
            return HttpResponseRedirect(self._changelist_url(request))
        actor = f"user:{request.user.get_username()}"
        rows = count_rows(
            typed,
            lambda changes: inventory_changes_apply(
                changes=changes, source=Source.ADMIN, actor=actor, all_or_nothing=False
            ),
        )
        refused = [row for row in rows if row.status is ChangeStatus.ERROR]
        level = messages.WARNING if refused else messages.SUCCESS
        self.message_user(request, summary(rows), level)
        for row in refused[:MAX_ERROR_MESSAGES]:
            self.message_user(request, f"Not applied: {refusal(row)}", messages.ERROR)
        if len(refused) > MAX_ERROR_MESSAGES:
            more = len(refused) - MAX_ERROR_MESSAGES
            self.message_user(request, f"… and {more} more not applied.", messages.ERROR)
        return HttpResponseRedirect(self._changelist_url(request))

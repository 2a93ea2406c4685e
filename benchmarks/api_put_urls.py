"""URLs for ``api_put.py``: the real site plus one minimal plain-Django view (the
baseline), served by the same gunicorn in the same run. Benchmark use only."""

import json

from django.db.models import F
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from apps.inventory.models import Inventory
from inventory_site.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def plain_update(request, sku_id: str, warehouse_id: str) -> HttpResponse:
    """The floor: parse the body, one UPDATE, answer ``true``. No auth, no ledger."""
    quantity = json.loads(request.body)["quantity"]
    Inventory.objects.filter(sku__sku_id=sku_id, warehouse__warehouse_id=warehouse_id).update(
        total_quantity=quantity, version=F("version") + 1
    )
    return HttpResponse(b"true", content_type="application/json")


urlpatterns = [
    path("bench/plain/<str:sku_id>/<str:warehouse_id>", plain_update),
    *site_urlpatterns,
]

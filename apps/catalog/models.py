from django.db import models


class SKU(models.Model):
    """A stock keeping unit. ``sku_id`` is the identifier used in URLs, files and the API."""

    sku_id = models.CharField("SKU id", max_length=64, unique=True)
    name = models.CharField(max_length=255)
    product_name = models.CharField(max_length=255, blank=True)
    ean = models.CharField("EAN", max_length=32, blank=True, db_index=True)
    ref_id = models.CharField("reference id", max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SKU"
        verbose_name_plural = "SKUs"
        ordering = ["sku_id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sku_id=""), name="sku_id_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} · {self.name}"

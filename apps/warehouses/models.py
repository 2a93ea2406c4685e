from django.db import models


class Warehouse(models.Model):
    """A place that holds stock; ``warehouse_id`` is chosen by the client ("store-warehouse")."""

    warehouse_id = models.CharField("warehouse id", max_length=64, unique=True)
    name = models.CharField(max_length=255)
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "warehouse_id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(warehouse_id=""), name="warehouse_id_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id} · {self.name}"

from django.apps import AppConfig


class WarehousesConfig(AppConfig):
    name = "apps.warehouses"
    verbose_name = "Warehouses"

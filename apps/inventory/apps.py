from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "apps.inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from apps.inventory import bulk_jobs, imports
        from apps.jobs.runner import register_handler

        register_handler(bulk_jobs.KIND, bulk_jobs.process_bulk_job)
        register_handler(imports.KIND, imports.process_import_job, atomic=False)

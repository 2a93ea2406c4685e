"""django-tasks' ``db_worker`` with a heartbeat (``apps.jobs.heartbeat``): while it runs,
its jobs are known to be alive; once it is killed, they are seen as stalled within
``JOBS_STALLED_AFTER`` and retried."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from apps.jobs.heartbeat import beating
from apps.jobs.services import jobs_retry_lost


class Command(DatabaseWorkerCommand):
    def handle(self, *args, worker_id: str, reload: bool, **options) -> None:
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # the reloader's parent only restarts the real worker, which beats itself
            return super().handle(*args, worker_id=worker_id, reload=reload, **options)
        with beating(worker_id, after_beat=jobs_retry_lost):
            super().handle(*args, worker_id=worker_id, reload=reload, **options)

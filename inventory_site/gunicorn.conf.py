"""gunicorn settings: ``gunicorn -c inventory_site/gunicorn.conf.py inventory_site.wsgi``.

Environment: ``PORT`` (8000), ``WEB_CONCURRENCY`` (worker processes, default 2 per core + 1),
``GUNICORN_THREADS`` (1), ``GUNICORN_TIMEOUT`` (30 s).
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then, jittered so they do not all restart at once
max_requests_jitter = 500
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'

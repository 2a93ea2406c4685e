"""Settings for the inventory back-office, read from environment variables.

Development defaults (SQLite, debug on) make the quick start work with nothing set.
With ``DJANGO_DEBUG`` off there is no default for secrets: the process refuses to start
without ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get(
        "DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production"
    )
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "apps.core",
    "apps.catalog",
    "apps.warehouses",
    "apps.inventory",
    "apps.reservations",
    "apps.jobs",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "apps.api",
]

MIDDLEWARE = [
    "apps.core.request_id.RequestIdMiddleware",
    "apps.core.database_busy.DatabaseBusyMiddleware",
    "apps.api.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "inventory_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "inventory_site.wsgi.application"

# --- Database ---------------------------------------------------------------------------
# SQLite by default. WAL, IMMEDIATE transactions and a busy timeout make concurrent writers
# wait for each other instead of failing with "database is locked"; a request that waits
# longer than DJANGO_SQLITE_TIMEOUT seconds gets a clear 503 (apps.core.database_busy).
# PostgreSQL (production) through DATABASE_URL, e.g. postgres://user:pass@host:5432/inventory.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("DJANGO_SQLITE_TIMEOUT", 30),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are served by the app itself (WhiteNoise): compressed, cache-busting names,
# from STATIC_ROOT (``collectstatic``) in production, straight from the apps in development.
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (production: DJANGO_DEBUG off) ----------------------------------------------
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# One line per record on stderr; JSON (with the request id) unless DJANGO_LOG_FORMAT=plain.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "apps.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Inventory rules --------------------------------------------------------------------
# Largest quantity any single count or transaction may carry (guards against typos and
# integer overflow in spreadsheets and ERPs).
INVENTORY_MAX_QUANTITY = env_int("INVENTORY_MAX_QUANTITY", 1_000_000_000)
# Default lifetime of an authorized reservation before it expires.
RESERVATION_DEFAULT_TTL = timedelta(seconds=env_int("RESERVATION_DEFAULT_TTL_SECONDS", 3600))
# Available quantity at or below which a row counts as "low" stock in filters.
INVENTORY_LOW_STOCK = env_int("INVENTORY_LOW_STOCK", 5)
# Spreadsheet imports: upload size, expanded size of a workbook, rows; above the background
# threshold the confirmed import runs in a worker with a progress bar.
INVENTORY_IMPORT_MAX_BYTES = env_int("INVENTORY_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
INVENTORY_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int(
    "INVENTORY_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024
)
INVENTORY_IMPORT_MAX_ROWS = env_int("INVENTORY_IMPORT_MAX_ROWS", 200_000)
INVENTORY_IMPORT_BACKGROUND_ROWS = env_int("INVENTORY_IMPORT_BACKGROUND_ROWS", 2_000)

# --- Background jobs ----------------------------------------------------------------------
# django-tasks with its database backend: the queue lives in the same database (SQLite or
# PostgreSQL), so a job and its queue entry are committed together. Workers:
# ``python manage.py db_worker``.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A job whose handler raises is retried after JOBS_RETRY_BACKOFF_SECONDS, doubling each time
# (at most 15 minutes), and fails for good, with the reason, after JOBS_MAX_ATTEMPTS.
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 5)
JOBS_RETRY_BACKOFF = timedelta(seconds=env_int("JOBS_RETRY_BACKOFF_SECONDS", 10))
# Each worker records a heartbeat every JOBS_HEARTBEAT_SECONDS; one silent for
# JOBS_STALLED_AFTER_SECONDS is lost and its job is retried.
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 2)
JOBS_STALLED_AFTER = timedelta(seconds=env_int("JOBS_STALLED_AFTER_SECONDS", 20))
# Retention, enforced by run_periodic: import previews never confirmed (whole files as JSON)
# and finished queue entries (django-tasks results) are deleted after these.
JOBS_PREVIEW_RETENTION = timedelta(hours=env_int("JOBS_PREVIEW_RETENTION_HOURS", 24))
JOBS_TASK_RESULT_RETENTION = timedelta(days=env_int("JOBS_TASK_RESULT_RETENTION_DAYS", 7))

# --- Cache ------------------------------------------------------------------------------
# Rate-limit counters (and any other cached value) live here. With REDIS_URL (e.g.
# redis://cache:6379/0) every process on every machine shares Redis, so limits hold across
# them; without it, each process keeps its own in memory (the quick start, tests).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "inventory"),
        }
    }

# --- HTTP API (Django REST framework) -----------------------------------------------------
# API keys (VTEX's X-VTEX-API-AppKey/AppToken headers or a bearer token) or a staff session
# (browsable API); read scope for GET, write scope otherwise; one JSON error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.JsonParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.api.negotiation.JsonWhateverTheHeaders",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Under /api/ even a CSRF failure answers the JSON error shape.
CSRF_FAILURE_VIEW = "apps.api.errors.csrf_failure_handler"
# Requests per API key (or staff user), shared by all processes with REDIS_URL, per process
# without it; empty turns the limit off.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "6000/min")
# Failed authentication attempts per client address (REMOTE_ADDR); past it the address gets
# 429 until the window ends. Empty turns it off.
API_AUTH_FAILURE_RATE = os.environ.get("API_AUTH_FAILURE_RATE", "30/min")
# How long the first answer to an Idempotency-Key is kept and replayed.
API_IDEMPOTENCY_TTL = timedelta(hours=env_int("API_IDEMPOTENCY_TTL_HOURS", 24))

SPECTACULAR_SETTINGS = {
    "TITLE": "Inventory back-office API",
    "DESCRIPTION": (
        "VTEX-compatible Logistics API (inventory and warehouses) for ERPs. Authenticate "
        "with X-VTEX-API-AppKey + X-VTEX-API-AppToken (or Authorization: Bearer <token>). "
        'Errors: {"code", "message", "details"}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # VTEX's PATCHes have required fields, not partial bodies
    "SCHEMA_PATH_PREFIX": r"/api/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.api.schema.require_a_known_field",
    ],
}

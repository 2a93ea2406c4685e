import pytest
from django.conf import settings

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
POSTGRES_SKIP_REASON = (
    "needs PostgreSQL (row locks and real concurrent connections); "
    "run with DATABASE_URL=postgres://… as .ci/run does"
)


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason=POSTGRES_SKIP_REASON)
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (not Django's in-memory default), so a real
    gunicorn started by a test (``tests/api/live_server.py``) serves the same database."""
    from django.db import connections

    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = str(path)

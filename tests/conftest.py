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

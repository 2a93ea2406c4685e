"""Settings for ``api_put.py``: the real settings, with ``api_put_urls`` as URLconf."""

from inventory_site.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.api_put_urls"

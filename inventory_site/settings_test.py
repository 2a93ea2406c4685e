"""Settings for the test suite (``pyproject.toml`` points pytest here): production settings
with only what costs time and tests nothing changed.

- Passwords are hashed with MD5 instead of PBKDF2 (~1,000,000 iterations): logging in and
  creating users dominated the admin tests. Password checks still run, only cheaper.
"""

from inventory_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Security checks (issue 6). Where each one lives, here or in the tests it builds on:

1. Anonymous API calls: ``test_api_anonymous`` walks the URL resolver and expects 401 and the
   JSON error shape on every method of every endpoint but the schema and its docs (the only
   public ones), and checks that an idempotent replay needs the key's token, not only its
   public app key. Wrong, incomplete and revoked credentials, scopes and staff sessions:
   ``tests/api/test_auth.py``.
2. The admin's own views: ``test_admin_permissions`` finds them from the admin's URL
   patterns; staff missing any one permission get 403 and nothing is written, staff with
   exactly those permissions get in, anonymous users go to the login page. Behaviour of each
   view: ``tests/admin/test_update_counts.py``, ``tests/admin/test_templates.py``. API keys
   in the admin are for superusers only: ``tests/api/test_api_key_admin.py``.
3. CSRF on the admin's POST views: ``test_admin_csrf``. On API writes with a session:
   ``tests/api/test_auth.py::test_session_writes_need_a_csrf_token``.
4. Uploads over the size limit and zip bombs, through the admin: ``test_uploads``. The
   reader's checks (size, expanded size, row count, file type): ``tests/inventory/test_imports.py``.
5. Formula escaping of every OWASP prefix in the CSV and XLSX downloads:
   ``test_formula_escaping`` (a leading "=" in the exporter: ``tests/inventory/test_imports.py``).
6. No secret or traceback in 500s (every API endpoint, the middleware, an admin view) and an
   API key's token shown once only: ``test_no_leaks``. The 500 shape with DEBUG on:
   ``tests/api/test_errors.py``; tokens stored hashed: ``tests/api/test_auth.py``,
   ``tests/api/test_api_key_admin.py``.

Shared fixtures and helpers are in ``conftest.py`` (the API and admin fixtures are imported
from ``tests/api/conftest.py`` and ``tests/admin/conftest.py``); the endpoint walk is in
``api_endpoints.py``.
"""

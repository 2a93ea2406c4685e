"""The repository's nginx config in front of gunicorn: a client that declares a body and
never sends it does not hold the only sync worker; straight to gunicorn it does."""

import socket
import urllib.request

import pytest

from tests.servers import gunicorn, nginx

STALLED_CLIENTS = 3
PATIENCE_SECONDS = 5  # far below gunicorn's 30 s worker timeout


def _stall(port: int) -> socket.socket:
    """Send a form POST's headers announcing a body, then one byte of it (with a CSRF
    cookie, the CSRF check reads the form, so the app waits for the rest)."""
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(
        b"POST /admin/login/ HTTP/1.1\r\nHost: localhost\r\nCookie: csrftoken="
        + b"a" * 32
        + b"\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nu"
    )
    return client


def _served(port: int) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/healthz", timeout=PATIENCE_SECONDS
        ) as response:
            return response.status == 200
    except OSError:  # timed out behind the stalled clients
        return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clients_that_never_send_their_body_do_not_hold_the_sync_worker(tmp_path):
    with gunicorn({}, workers=1) as app, nginx(tmp_path, upstreams=[app]) as proxy:
        through_proxy = [_stall(proxy) for _ in range(STALLED_CLIENTS)]
        served_through_proxy = _served(proxy)
        direct = [_stall(app) for _ in range(STALLED_CLIENTS)]
        served_direct = _served(app)
        for client in through_proxy + direct:
            client.close()

    assert served_through_proxy
    assert not served_direct  # the premise: without the proxy the worker is held

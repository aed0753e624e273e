"""The production set-up in deploy/ (nginx + gunicorn on loopback) and `directory serve`
hold up to slow clients, and send HSTS and the security headers over HTTPS."""

import http.client
import shutil
import socket
import ssl
import statistics
import sys
import threading
import time
import warnings

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
from local import LocalSite  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed: make test-system")

NORMAL = "/services/form-friends"
HSTS = "max-age=63072000; includeSubDomains"
ATTACK_SECONDS = 25


@pytest.fixture
def environment(instance_dir, database_template):
    shutil.copy(database_template, instance_dir / "directory.sqlite3")
    return {"DIRECTORY_INSTANCE_DIR": str(instance_dir), "DIRECTORY_CONTENT_DIR": str(ROOT / "content")}


def _connection(site, timeout=10):
    if site.nginx:
        return http.client.HTTPSConnection("127.0.0.1", site.https_port, timeout=timeout,
                                           context=site.ssl_context())
    return http.client.HTTPConnection("127.0.0.1", site.app_port, timeout=timeout)


def _timed_get(site, path=NORMAL):
    started = time.perf_counter()
    connection = _connection(site, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = None
    finally:
        connection.close()
    return status, time.perf_counter() - started


def _p95_under_slow_clients(site, clients=4, seconds=ATTACK_SECONDS):
    stop, held = threading.Event(), []
    threads = [threading.Thread(target=site.slow_client, args=(NORMAL, stop, held), daemon=True)
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    results = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            results.append(_timed_get(site))
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    assert len(held) >= clients                         # the attack really ran
    times = [elapsed for _, elapsed in results]
    return statistics.quantiles(times, n=20)[18], [s for s, _ in results if s != 200]


def test_behind_nginx_slow_clients_do_not_slow_pages(environment):
    with LocalSite(environment) as site:
        baseline = [_timed_get(site) for _ in range(20)]
        assert all(status == 200 for status, _ in baseline)
        p95, failed = _p95_under_slow_clients(site)
        assert not failed
        assert p95 < 1.0, f"p95 {p95:.2f} s under 4 slow clients behind nginx"


def test_directory_serve_alone_holds_up_to_slow_clients(environment):
    """`make run`'s own server: gthread workers, so a slow client holds a thread, not a process."""
    with LocalSite(environment, nginx=False) as site:
        p95, failed = _p95_under_slow_clients(site)
        assert not failed
        assert p95 < 1.0, f"p95 {p95:.2f} s under 4 slow clients on directory serve"
        assert "Print packs are made by the pack worker" in site.log(tail=None)


def test_https_sends_hsts_and_the_security_headers(environment):
    with LocalSite(environment) as site:
        status, headers, _ = site.get("/")
        assert status == 200
        assert headers.get_all("Strict-Transport-Security") == [HSTS]   # once, not twice
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        stylesheet = next(name for name in (ROOT / "static" / "build").iterdir()
                          if name.suffix == ".css")
        status, headers, body = site.get(f"/static/{stylesheet.name}")
        assert status == 200 and b"{" in body
        assert headers["Strict-Transport-Security"] == HSTS
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "Access-Control-Allow-Origin" not in headers
        assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
        # The nginx snippet sends the same policy as the app.
        from directory.responses import CONTENT_SECURITY_POLICY
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY

        with socket.create_connection(("127.0.0.1", site.https_port)) as raw:
            with site.ssl_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                assert tls.version() in ("TLSv1.2", "TLSv1.3")
        old = site.ssl_context()
        old.set_ciphers("DEFAULT:@SECLEVEL=0")        # so our side can offer TLS 1.1 at all
        with warnings.catch_warnings():                # TLS 1.1 is deprecated: that is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            old.minimum_version = ssl.TLSVersion.TLSv1_1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version"):   # nginx refuses
            with socket.create_connection(("127.0.0.1", site.https_port)) as raw:
                old.wrap_socket(raw, server_hostname="127.0.0.1")

        plain = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=10)
        plain.request("GET", "/search?q=carer")
        redirect = plain.getresponse()
        assert redirect.status == 301
        assert redirect.headers["Location"] == f"https://127.0.0.1:{site.https_port}/search?q=carer"
        plain.close()


def test_nginx_limits_bursts_of_searches(environment):
    with LocalSite(environment) as site:
        statuses = [site.get(f"/search?q=carer{number}")[0] for number in range(40)]
        assert statuses[0] == 200
        assert 429 in statuses                          # burst of 20, then 2 a second


def test_a_pack_is_made_by_the_worker_directory_serve_starts(environment):
    with LocalSite(environment, nginx=False) as site:
        path = "/pack.pdf?s=form-friends&s=housing-options"
        status, headers, body = site.get(path)
        assert status == 202 and b'http-equiv="refresh"' in body
        deadline = time.monotonic() + 90
        while status == 202 and time.monotonic() < deadline:
            time.sleep(1)
            status, headers, body = site.get(path)
        assert status == 200 and body.startswith(b"%PDF")

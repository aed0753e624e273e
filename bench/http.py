"""Benchmark: the site under concurrent load, served by gunicorn as in production.

Not a test.  Starts `directory serve` on 127.0.0.1 with the sample content, then
for the home page, a service page and (as a same-run baseline) /healthz, runs
N concurrent clients for a fixed time and prints requests per second, client
latency p50/p95/p99, the app's own time per request (from Server-Timing) and
the bytes transferred for each page with its CSS and JS, gzipped.

Budget (issue 2): a service page weighs at most 100 KB transferred with all its
assets, and its server time p95 is under 20 ms at 8 concurrent clients.

    .venv/bin/python bench/http.py [--clients 8] [--seconds 10] [--workers N]
"""

import os
import sys

# bench/http.py would shadow the standard library's http package for scripts in bench/:
# look in bench/ last, after the standard library, for benchlib.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]

import benchlib  # noqa: E402

import argparse  # noqa: E402
import datetime  # noqa: E402
import gzip  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "baseline /healthz": "/healthz",
    "home page": "/",
    "service page": "/services/brackenford-carers-centre",
    "category page": "/categories/carers",
}
PAGE_BUDGET_BYTES = 100 * 1024
SERVER_P95_BUDGET_MS = 20.0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, path, headers=None):
    """One GET; returns (status, headers, body, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, response, body, elapsed


def transferred(port, path):
    """Bytes on the wire (headers and gzipped bodies) for a page and its CSS, JS and icons."""
    status, response, body, _ = request(port, path)
    assert status == 200, (path, status)
    html = gzip.decompress(body).decode() if response.getheader("Content-Encoding") == "gzip" else body.decode()
    total = {"page": len(body) + len(str(response.headers))}
    for asset in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="(/(?:static|pictures)/[^"]+)"', html):
        status, response, body, _ = request(port, asset)
        assert status == 200, (asset, status)
        total[asset] = len(body) + len(str(response.headers))
    return total


def load(port, path, clients, seconds):
    """Run clients concurrently for seconds; return client and server timings in ms."""
    latencies, server, errors = [], [], []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        mine, theirs = [], []
        while time.monotonic() < stop:
            try:
                status, response, _, elapsed = request(port, path)
            except OSError as error:
                errors.append(str(error))
                continue
            if status != 200:
                errors.append(status)
            mine.append(elapsed * 1000)
            timing = re.search(r"dur=([0-9.]+)", response.getheader("Server-Timing") or "")
            if timing:
                theirs.append(float(timing.group(1)))
        with lock:
            latencies.extend(mine)
            server.extend(theirs)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, server, errors, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    port = free_port()
    command = [str(Path(sys.executable).parent / "directory"), "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    env = {**os.environ, "DIRECTORY_CONTENT_DIR": str(ROOT / "content")}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.2)

        print(f"Machine: {benchlib.machine()}")
        print(f"Date: {datetime.datetime.now().isoformat(timespec='minutes')}")
        print(f"Load: {args.clients} concurrent clients, {args.seconds:g} s per page, "
              f"gunicorn workers: {args.workers or 'default (2 per core + 1)'}")
        print()
        results = {}
        for name, path in PAGES.items():
            load(port, path, args.clients, 1.0)  # warm up every worker
            latencies, server_ms, errors, elapsed = load(port, path, args.clients, args.seconds)
            sizes = transferred(port, path) if path != "/healthz" else {"page": 0}
            results[name] = {
                "path": path,
                "requests": len(latencies),
                "errors": len(errors),
                "requests_per_second": len(latencies) / elapsed,
                "client_ms": benchlib.percentiles(latencies),
                "server_ms": benchlib.percentiles(server_ms),
                "transferred_bytes": sizes,
                "transferred_total": sum(sizes.values()),
            }
        header = (f"{'page':<20}{'req/s':>8}{'client p50':>12}{'p95':>8}{'p99':>8}"
                  f"{'server p50':>12}{'p95':>8}{'p99':>8}{'KB with assets':>16}")
        print(header)
        for name, r in results.items():
            c, s = r["client_ms"], r["server_ms"]
            print(f"{name:<20}{r['requests_per_second']:>8.0f}{c['p50']:>12.1f}{c['p95']:>8.1f}"
                  f"{c['p99']:>8.1f}{s['p50']:>12.2f}{s['p95']:>8.2f}{s['p99']:>8.2f}"
                  f"{r['transferred_total'] / 1024:>16.1f}")
        print()
        service = results["service page"]
        for asset, size in service["transferred_bytes"].items():
            print(f"  service page {asset}: {size / 1024:.1f} KB")
        ok_size = service["transferred_total"] <= PAGE_BUDGET_BYTES
        ok_time = service["server_ms"]["p95"] < SERVER_P95_BUDGET_MS
        print(f"Budget: service page {service['transferred_total'] / 1024:.1f} KB "
              f"(<= 100 KB: {'met' if ok_size else 'MISSED'}); server p95 "
              f"{service['server_ms']['p95']:.2f} ms (< 20 ms: {'met' if ok_time else 'MISSED'}); "
              f"client p95 {service['client_ms']['p95']:.1f} ms")
        errors = sum(r["errors"] for r in results.values())
        print(f"Errors: {errors}")
        if args.json:
            Path(args.json).write_text(json.dumps({"machine": benchlib.machine(), "results": results}, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

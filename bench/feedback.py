"""Benchmark: residents' feedback and reviewers' reviews written under load, nothing lost.

Not a test.  Makes a fresh instance folder (database migrated with `directory db
upgrade`, N reviewer accounts), starts `directory serve` (gunicorn) on 127.0.0.1, then
runs 50 concurrent clients for 30 s: half post feedback on service pages in every
language, half are signed-in reviewers posting reviews.  Afterwards it counts the rows
in the database and compares them with the writes the server accepted (a redirect
after the POST).  Prints requests per second, p50/p95/p99 latency of the posts, and
every status other than the expected ones.  Goal (issue 6): every accepted write is in
the database, and no 5xx.

The per-address feedback limit is raised for the run (every client is 127.0.0.1);
each feedback form's token is fetched first and used after the form's minimum time.

    .venv/bin/python bench/feedback.py [--clients 50] [--seconds 30] [--workers N]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]

import benchlib  # noqa: E402

import argparse  # noqa: E402
import datetime  # noqa: E402
import http.client  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password 2026"
RUN = secrets.token_hex(3)   # this run's accounts, apart from any in a shared DATABASE_URL
LANGUAGES = ["", "/bn", "/ur", "/pl", "/ro", "/ar"]
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="([^"]*)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One keep-alive connection with its own cookie, like one browser."""

    def __init__(self, port):
        self.port, self.cookies, self.connection = port, {}, None

    def send(self, method, path, form=None):
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                seconds = time.perf_counter() - started
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection = None   # the server closed a kept-alive connection: open another
                if attempt:
                    raise
        for header, value in response.getheaders():   # the session and any other cookie
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data.decode("utf-8", "replace"), seconds


def make_instance(instance, reviewers):
    """A migrated database with reviewer accounts, and the search index beside it."""
    env = {**os.environ, "DIRECTORY_INSTANCE_DIR": str(instance)}
    subprocess.run([str(ROOT / ".venv/bin/directory"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    code = f"""
from pathlib import Path
from directory import create_app, auth
from directory.db import db
from directory.models import User
app = create_app({{"INSTANCE_DIR": Path({str(instance)!r})}})
with app.app_context():
    hashed = auth.hash_password({PASSWORD!r})
    for number in range({reviewers}):
        db.session.add(User(email=f"reviewer{{number}}.{RUN}@example.org", name=f"Reviewer {{number}}",
                            role="reviewer", skills="ur", password_hash=hashed,
                            session_token=auth.new_token()))
    db.session.commit()
"""
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", code], env=env, check=True, capture_output=True)


def count_rows(instance):
    """Rows of feedback and reviews in the database the site used: DATABASE_URL, or SQLite."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text

    from directory.db import database_url

    engine = create_engine(database_url({"DATABASE_URL": os.environ.get("DATABASE_URL"), "INSTANCE_DIR": instance}))
    try:
        with engine.connect() as connection:
            return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("feedback", "reviews")}
    finally:
        engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    reviewers = args.clients // 2
    residents = args.clients - reviewers

    work = Path(tempfile.mkdtemp(prefix="bench-feedback-"))
    instance = work / "instance"
    instance.mkdir()
    if (ROOT / "instance" / "index").exists():
        shutil.copytree(ROOT / "instance" / "index", instance / "index", symlinks=True)
    # A shared DATABASE_URL needs the same secret key in every process (and may hold
    # rows from before): one key for the run, and rows counted before and after.
    os.environ.setdefault("DIRECTORY_SECRET_KEY", secrets.token_hex(32))
    make_instance(instance, reviewers)
    before = count_rows(instance)
    port = free_port()
    env = {**os.environ, "DIRECTORY_INSTANCE_DIR": str(instance), "DIRECTORY_FEEDBACK_PER_HOUR": "100000000"}
    command = [str(ROOT / ".venv/bin/directory"), "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                Client(port).send("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)

        slugs = sorted(p.name for p in (ROOT / "content" / "services").iterdir()
                       if (p / "translations" / "ur.yaml").exists())
        services = sorted(p.name for p in (ROOT / "content" / "services").iterdir())

        # Residents: one form token per page they will post on.
        resident_clients = []
        for number in range(residents):
            client = Client(port)
            language = LANGUAGES[number % len(LANGUAGES)]
            slug = services[number % len(services)]
            status, page, _ = client.send("GET", f"{language}/services/{slug}")
            assert status == 200, (status, slug)
            resident_clients.append((client, f"{language}/services/{slug}/feedback", TOKEN.search(page).group(1)))
        # Reviewers: signed in, with their CSRF token.
        reviewer_clients = []
        for number in range(reviewers):
            client = Client(port)
            _, page, _ = client.send("GET", "/sign-in")
            status, _, _ = client.send("POST", "/sign-in", {"csrf_token": CSRF.search(page).group(1),
                                                            "email": f"reviewer{number}.{RUN}@example.org",
                                                            "password": PASSWORD})
            assert status == 302, f"sign-in refused ({status})"
            _, page, _ = client.send("GET", f"/review/{slugs[0]}/web/ur")
            reviewer_clients.append((client, CSRF.search(page).group(1)))
        # The version of each item's files, as the review page shows it to a reviewer.
        versions = {}
        for slug in slugs:
            _, page, _ = reviewer_clients[0][0].send("GET", f"/review/{slug}/web/ur")
            versions[slug] = VERSION.search(page).group(1)
        time.sleep(3.1)   # the feedback form's minimum time

        # Baseline, same run and same clients: GET /healthz (no database, no template) for 5 s.
        baseline = []
        baseline_stop = time.perf_counter() + 5

        def health(client):
            while time.perf_counter() < baseline_stop:
                baseline.append(client.send("GET", "/healthz")[2])

        waiting = [threading.Thread(target=health, args=(c,)) for c, *_ in resident_clients + reviewer_clients]
        for thread in waiting:
            thread.start()
        for thread in waiting:
            thread.join()

        accepted, statuses, timings = Counter(), Counter(), {"feedback": [], "review": []}
        lock = threading.Lock()
        stop = time.perf_counter() + args.seconds

        def resident(client, path, token, number):
            sent = 0
            while time.perf_counter() < stop:
                sent += 1
                status, _, seconds = client.send("POST", path, {
                    "token": token, "message": f"Benchmark message {number}-{sent}: the bus stop has moved.",
                    "website": ""})
                with lock:
                    statuses[("feedback", status)] += 1
                    timings["feedback"].append(seconds)
                    if status == 302:
                        accepted["feedback"] += 1

        def reviewer(client, token, number):
            sent = 0
            while time.perf_counter() < stop:
                slug = slugs[(number + sent) % len(slugs)]
                sent += 1
                status, _, seconds = client.send("POST", f"/review/{slug}/web/ur", {
                    "csrf_token": token, "version": versions[slug], "answer_same": "yes", "answer_natural": "yes",
                    "decision": "approved" if sent % 3 else "changes",
                    "comments": f"Benchmark review {number}-{sent}."})
                with lock:
                    statuses[("review", status)] += 1
                    timings["review"].append(seconds)
                    if status == 302:
                        accepted["review"] += 1

        threads = [threading.Thread(target=resident, args=(*c, n)) for n, c in enumerate(resident_clients)]
        threads += [threading.Thread(target=reviewer, args=(*c, n)) for n, c in enumerate(reviewer_clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = {table: count - before[table] for table, count in count_rows(instance).items()}
    print(f"Machine: {benchlib.machine()}")
    print(f"Date: {datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"{args.clients} clients ({residents} residents posting feedback, {reviewers} reviewers posting "
          f"reviews) for {elapsed:.1f} s against gunicorn on 127.0.0.1; "
          f"{'DATABASE_URL (' + os.environ['DATABASE_URL'].partition(':')[0] + ')' if os.environ.get('DATABASE_URL') else 'SQLite in WAL mode'}")
    print()
    server_errors = sum(n for (_, status), n in statuses.items() if status >= 500)
    for kind in ("feedback", "review"):
        figures = benchlib.percentiles(timings[kind])
        sent = sum(n for (k, _), n in statuses.items() if k == kind)
        print(f"{kind:<9} sent {sent:>6,}  accepted {accepted[kind]:>6,}  in the database {rows[kind if kind == 'feedback' else 'reviews']:>6,}  "
              f"{sent / elapsed:6.0f}/s  p50 {figures['p50'] * 1000:5.1f} ms  p95 {figures['p95'] * 1000:5.1f} ms  "
              f"p99 {figures['p99'] * 1000:5.1f} ms")
    figures = benchlib.percentiles(baseline)
    print(f"baseline  GET /healthz, same clients, 5 s: {len(baseline) / 5:6.0f}/s  p50 {figures['p50'] * 1000:5.1f} ms  "
          f"p95 {figures['p95'] * 1000:5.1f} ms")
    others = {f"{k} {s}": n for (k, s), n in statuses.items() if s != 302}
    print(f"Statuses other than 302: {others or 'none'}")
    lost = accepted["feedback"] - rows["feedback"] + accepted["review"] - rows["reviews"]
    print()
    print(f"Goals: every accepted write in the database: {'met' if lost == 0 else f'MISSED ({lost} lost)'}; "
          f"no 5xx: {'met' if server_errors == 0 else f'MISSED ({server_errors})'}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Two web servers on one PostgreSQL database, as a council running two machines would.

Two real gunicorn processes, each with its own instance folder, share one database
(on the throwaway cluster conftest.py starts) and one DIRECTORY_SECRET_KEY.  What one
server hands out (a session, a CSRF token, a feedback form's token) the other accepts;
rate limits, searches that found nothing and the latest check results are shared.
"""

import http.client
import os
import re
import subprocess
import time
import urllib.parse

import pytest
from sqlalchemy import func, select

from directory.checks.model import Finding, Report
from directory.checks.report import save_latest
from directory.db import db
from directory.models import Feedback

from .conftest import ROOT, dispose, make_app
from .workflow import PASSWORD, add_user

KEY = "a key every web server of this site shares, 0123456789abcdef"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


class Browser:
    """One person's browser: its own cookies, sent to whichever server it talks to."""

    def __init__(self):
        self.cookies = {}

    def send(self, server, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def get(self, server, path):
        return self.send(server, "GET", path)

    def post(self, server, path, form):
        return self.send(server, "POST", path, form)


class Server:
    """`gunicorn 'directory:create_app()'` on a free loopback port."""

    def __init__(self, name, instance, env):
        self.name, self.port = name, _free_port()
        self.log = instance.parent / f"{name}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                 "--timeout", "60", "directory:create_app()"],
                cwd=ROOT, env={**env, "DIRECTORY_INSTANCE_DIR": str(instance)},
                stdout=subprocess.DEVNULL, stderr=log)

    def wait(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} stopped: {self.log.read_text()[-3000:]}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/accessibility")
                connection.getresponse().read()
                return self
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
        raise AssertionError(f"{self.name} did not start: {self.log.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTORY_") and k != "DATABASE_URL"}
    return {**env, "DATABASE_URL": url, "DIRECTORY_CONTENT_DIR": str(ROOT / "content"), **extra}


@pytest.fixture(scope="module")
def site(postgres, postgres_template, sample_index, tmp_path_factory):
    """Two gunicorn servers, a and b, on one fresh PostgreSQL database; and an app for checks."""
    name = postgres.new_database(template=postgres_template)
    folder = tmp_path_factory.mktemp("two-servers")
    instances = []
    for server in ("a", "b"):
        instance = folder / server / "instance"
        instance.mkdir(parents=True)
        (instance / "index").symlink_to(sample_index, target_is_directory=True)
        instances.append(instance)
    env = _environment(postgres.url(name), DIRECTORY_SECRET_KEY=KEY, DIRECTORY_FEEDBACK_PER_HOUR="5")
    servers = [Server(n, i, env) for n, i in zip("ab", instances)]
    app = make_app(ROOT / "content", INSTANCE_DIR=folder / "checker", DATABASE_URL=postgres.url(name),
                   SECRET_KEY=KEY)
    try:
        a, b = (server.wait() for server in servers)
        yield a, b, app
    finally:
        for server in servers:
            server.stop()
        dispose(app)
        postgres.drop_database(name)
    for instance in instances:   # neither server made a key of its own
        assert not (instance / "secret_key").exists()


def test_a_session_and_csrf_token_from_one_server_are_accepted_by_the_other(site):
    a, b, app = site
    add_user(app, "officer@example.org", "staff")
    browser = Browser()
    status, page = browser.get(a, "/sign-in")
    token = CSRF.search(page).group(1)
    status, page = browser.post(b, "/sign-in", {"csrf_token": token, "email": "officer@example.org",
                                               "password": PASSWORD})
    assert status == 302, page[:1000]
    assert browser.get(a, "/staff")[0] == 200 and browser.get(b, "/staff")[0] == 200
    token = CSRF.search(browser.get(b, "/staff/requests")[1]).group(1)
    status, page = browser.post(a, "/staff/requests", {"csrf_token": token, "entry": "form-friends",
                                                      "format": "large-print", "language": "pl",
                                                      "note": "Asked on server b, sent to a."})
    assert status == 302, page[:1000]
    # A stranger's browser, with no session, gets neither page.
    assert Browser().get(a, "/staff")[0] in (302, 303)


def test_feedback_tokens_cross_servers_and_the_rate_limit_counts_on_both(site):
    a, b, app = site
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Feedback))
    browser = Browser()
    tokens = []
    for number in range(10):   # forms shown by a and b in turn ...
        status, page = browser.get((a, b)[number % 2], "/pl/services/form-friends")
        tokens.append(TOKEN.search(page).group(1))
    time.sleep(3.2)   # ... sent no sooner than a person could type (feedback.MIN_SECONDS)
    statuses = [browser.post((b, a)[number % 2], "/pl/services/form-friends/feedback",   # ... to the other
                             {"token": token, "message": f"Message {number}", "website": ""})[0]
                for number, token in enumerate(tokens)]
    assert statuses == [302] * 5 + [429] * 5   # a limit of 5 an hour, counted across both servers
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Feedback)) == before + 5
    assert "Set-Cookie" not in browser.cookies   # residents still get no cookie
    assert browser.cookies == {}


def test_searches_that_found_nothing_and_check_results_are_seen_by_both(site):
    a, b, app = site
    browser = Browser()
    for server in (a, a, b):
        assert browser.get(server, "/search?q=quuxwibble")[0] == 200
    report = Report()
    report.findings = [Finding("easy_read_long_sentence", "form-friends", "easy-read", "en", "20 words")]
    report.coverage = {("form-friends", "easy-read", "en"): "failing", ("form-friends", "web", "pl"): "passing"}
    with app.app_context(), app.test_request_context("/"):
        save_latest(report)   # as `directory check` does, from a third machine
    add_user(app, "second@example.org", "staff")
    staff = Browser()
    token = CSRF.search(staff.get(a, "/sign-in")[1]).group(1)
    assert staff.post(a, "/sign-in", {"csrf_token": token, "email": "second@example.org",
                                      "password": PASSWORD})[0] == 302
    for server in (a, b):
        page = staff.get(server, "/staff")[1]
        assert re.search(r">quuxwibble</td>\s*<td[^>]*>3</td>", page), server.name   # 2 on a + 1 on b
        statement = browser.get(server, "/accessibility")[1]
        assert "partially compliant" in statement and "A sentence has more than 15 words (1)" in statement


def test_a_server_on_a_shared_database_will_not_start_without_the_key(postgres, postgres_template, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    server = Server("keyless", instance, _environment(postgres.url(postgres_template)))
    try:
        assert server.process.wait(timeout=60) != 0
    finally:
        server.stop()
    assert "DIRECTORY_SECRET_KEY is not set" in server.log.read_text()
    assert not (instance / "secret_key").exists()

"""Expensive requests are limited per address, counted in the database by every worker."""

import shutil
from datetime import timedelta

import pytest

from directory.models import Attempt

from .conftest import ROOT, make_app

MINUTE = timedelta(minutes=1)


@pytest.fixture
def limited(instance_dir, database_template):
    """Make apps (several 'workers') on one fresh database, with small limits."""
    shutil.copy(database_template, instance_dir / "directory.sqlite3")

    def make(**config):
        config.setdefault("RATE_LIMITS", {"search": (3, MINUTE), "leaflet": (1, MINUTE),
                                          "pack": (1, MINUTE)})
        return make_app(ROOT / "content", INSTANCE_DIR=instance_dir, **config)

    return make


def _attempts(app):
    with app.app_context():
        from directory.db import db

        return db.session.query(Attempt).count()


def test_expensive_searches_are_limited_per_address_across_workers(limited):
    first, second = limited(SLOW_SEARCH=0), limited(SLOW_SEARCH=0)   # every search counts
    one, other = first.test_client(), second.test_client()
    for word in ["carers", "dementai", "foodbnak"]:
        assert one.get(f"/search?q={word}").status_code == 200
    refused = other.get("/search?q=housing")              # another worker, the same count
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "You have asked for too much at once" in refused.get_data(as_text=True)
    polish = other.get("/pl/search?q=housing")
    assert polish.status_code == 429 and "Wysłano zbyt wiele próśb naraz" in polish.get_data(as_text=True)
    assert one.get("/search?q=housing", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert one.get("/").status_code == 200                # other pages are not limited


def test_cheap_searches_are_not_counted(limited):
    app = limited(SLOW_SEARCH=60)
    client = app.test_client()
    for _ in range(8):
        assert client.get("/search?q=carers").status_code == 200
    assert _attempts(app) == 0                            # and nothing was written


def test_only_leaflets_still_to_be_rendered_are_limited(limited):
    client = limited().test_client()
    with client.get("/services/form-friends/standard.pdf") as made:
        assert made.status_code == 200                    # rendered: counted
    with client.get("/services/form-friends/standard.pdf") as cached:
        assert cached.status_code == 200                  # from the cache: free
    refused = client.get("/services/housing-options/standard.pdf")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    with client.get("/services/housing-options/standard.pdf",
                    environ_base={"REMOTE_ADDR": "192.0.2.8"}) as elsewhere:
        assert elsewhere.status_code == 200


def test_print_packs_are_limited_per_address(limited):
    client = limited().test_client()
    assert client.get("/pack.pdf?s=form-friends&s=housing-options").status_code == 202
    assert client.get("/pack.pdf?s=form-friends&s=housing-options").status_code == 202  # waiting: free
    refused = client.get("/ro/pack.pdf?s=brackenford-foodbank")
    assert refused.status_code == 429
    assert 'lang="ro"' in refused.get_data(as_text=True)


def test_a_refused_client_is_refused_again_without_asking_the_database(limited):
    app = limited(SLOW_SEARCH=0)
    client = app.test_client()
    for _ in range(3):
        client.get("/search?q=carers")
    assert client.get("/search?q=carers").status_code == 429
    with app.app_context():
        from directory.db import db

        db.session.query(Attempt).delete()
        db.session.commit()
    from sqlalchemy import event

    queries = []

    def seen(connection, cursor, statement, *args):
        queries.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get("/search?q=carers").status_code == 429   # remembered for a few seconds
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert not [q for q in queries if "attempts" in q]             # no count was asked for
    assert limited(SLOW_SEARCH=0).test_client().get("/search?q=carers").status_code == 200


def test_requests_sent_at_once_cannot_pass_the_limit_together(limited):
    """The attack: 25 packs at once from one address each saw a count of 0 and all queued."""
    import threading

    from directory import limits

    app = limited(RATE_LIMITS={"pack": (3, MINUTE)})
    allowed, start = [], threading.Barrier(10)

    def one():
        with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
            start.wait()
            allowed.append(limits.take("pack"))

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(allowed) == 10 and allowed.count(True) <= 3
    assert _attempts(app) == 10                          # every one was counted
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.10"}):
        assert [limits.take("pack") for _ in range(5)] == [True] * 3 + [False] * 2


def test_ipv6_clients_are_counted_by_their_64_bit_prefix(limited):
    from directory import throttle

    app = limited()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}):
        first = throttle.client_address()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2:bbbb::77"}):
        assert throttle.client_address() == first == "2001:db8:1:2::/64"
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.5"}):
        assert throttle.client_address() == "203.0.113.5"


def test_the_apis_search_shares_the_allowance_of_slow_searches(limited):
    app = limited(SLOW_SEARCH=0)                         # every search counts as slow
    client = app.test_client()
    answers = [client.get("/api/oruk/v3/services", query_string={"search": f"carers {n}"})
               for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].get_json()["error"] == "Too Many Requests"
    assert answers[-1].headers["Retry-After"] == "60"
    assert client.get("/api/oruk/v3/services").status_code == 200   # listing is not a search

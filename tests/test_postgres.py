"""The database on PostgreSQL as well as SQLite: driver, migrations, NUL characters, errors.

Every test taking `db_app` runs on both (conftest.py starts a throwaway cluster).
"""

import os
import re
import subprocess
import sys

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from directory import NoSecretKey, create_app, environment
from directory.db import database_url, db
from directory.models import Feedback, Review, User, ZeroResultSearch

from .conftest import ROOT, dispose, make_app
from .test_feedback import form_token
from .workflow import PASSWORD, add_user, csrf_token, signed_in


def test_plain_postgresql_urls_use_the_installed_driver():
    assert database_url({"DATABASE_URL": "postgresql://u:p@db.example/site"}) == \
        "postgresql+psycopg://u:p@db.example/site"
    assert database_url({"DATABASE_URL": "postgres://u@/site?host=/run/pg"}) == \
        "postgresql+psycopg://u@/site?host=/run/pg"
    assert database_url({"DATABASE_URL": "postgresql+psycopg://x/y"}) == "postgresql+psycopg://x/y"
    assert database_url({"DATABASE_URL": None, "INSTANCE_DIR": "/srv/i"}) == "sqlite:////srv/i/directory.sqlite3"
    import psycopg   # declared in setup.cfg

    assert psycopg.__version__.startswith("3.")


def test_the_app_talks_to_postgresql_through_a_plain_url(postgres, postgres_template, instance_dir):
    name = postgres.new_database(template=postgres_template)
    try:
        app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, DATABASE_URL=postgres.url(name),
                       SECRET_KEY="k")
        assert postgres.url(name).startswith("postgresql://")
        with app.app_context():
            assert db.engine.dialect.name == "postgresql" and db.engine.driver == "psycopg"
            db.engine.dispose()
    finally:
        postgres.drop_database(name)


def test_migrations_match_the_models(db_app):
    result = db_app.test_cli_runner().invoke(args=["db", "check"])   # exits 1 on any drift
    assert result.exit_code == 0, result.output
    with db_app.app_context(), db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "12d_shared_stores"


def test_migrations_go_down_and_up_again(db_app):
    runner = db_app.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "12a_accounts"]).exit_code == 0
    with db_app.app_context():
        assert "zero_result_searches" not in db.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_a_nul_in_feedback_is_taken_out_and_the_rest_kept(db_app):
    client = db_app.test_client()
    token = form_token(client, "/pl/services/form-friends")
    response = client.post("/pl/services/form-friends/feedback",
                           data={"token": token, "message": "Zły\x00 numer\x00", "website": ""})
    assert response.status_code == 302
    with db_app.app_context():
        assert db.session.scalars(select(Feedback.message)).all() == ["Zły numer"]


def test_a_nul_in_the_sign_in_address_is_no_error(db_app):
    add_user(db_app, "s@example.org", "staff")
    client = db_app.test_client()
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "email": "nobody\x00@example.org",
                                             "password": "x\x00"})
    assert response.status_code in (200, 400) and "problem" in response.get_data(as_text=True)
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "email": "s@exa\x00mple.org",
                                             "password": PASSWORD})
    assert response.status_code == 302


def test_a_nul_in_a_review_comment_is_taken_out(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", skills="ur")
    page = reviewer.get("/review/form-friends/web/ur").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = reviewer.post("/review/form-friends/web/ur", data={
        "csrf_token": token, "version": version, "decision": "changes", "answer_same": "no",
        "answer_natural": "yes", "comments": "The phone\x00 number is old.", "assistive_technology": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with db_app.app_context():
        assert db.session.scalars(select(Review.comments)).all() == ["The phone number is old."]


def test_a_nul_in_a_search_is_counted_without_it(db_app):
    client = db_app.test_client()
    assert client.get("/search?q=zz%00qqxx").status_code == 200
    with db_app.app_context():
        assert db.session.scalars(select(ZeroResultSearch.query)).all() == ["zzqqxx"]


def test_after_a_failed_write_the_error_page_still_shows_who_is_signed_in(db_app):
    db_app.config["PROPAGATE_EXCEPTIONS"] = False   # as in production: the 500 page, not a traceback

    @db_app.route("/test-failed-flush")
    def failed_flush():
        db.session.add(User(email="s@example.org", name="Twin", role="staff", session_token="x"))
        db.session.flush()   # the same address twice: IntegrityError, the session needs a rollback
        return "not reached"

    staff = signed_in(db_app, "s@example.org", "staff")
    response = staff.get("/test-failed-flush")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "Signed in as S" in page


def test_a_failed_write_on_a_form_gives_back_what_was_typed(db_app, monkeypatch):
    db_app.config["PROPAGATE_EXCEPTIONS"] = False
    reviewer = signed_in(db_app, "r@example.org", "reviewer", skills="ur")
    page = reviewer.get("/review/form-friends/web/ur").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def refuse(*args, **kwargs):
        raise IntegrityError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db.session, "commit", refuse)
    response = reviewer.post("/review/form-friends/web/ur", data={
        "csrf_token": token, "version": version, "decision": "changes", "answer_same": "no",
        "answer_natural": "yes", "comments": "The opening hours are wrong & old.", "assistive_technology": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "What you sent could not be saved" in page
    assert "The opening hours are wrong &amp; old.</textarea>" in page
    shown = re.findall(r"<textarea[^>]*readonly>([^<]*)</textarea>", page)
    assert shown == ["Changes", "no", "yes", "The opening hours are wrong &amp; old."] or \
        "The opening hours are wrong &amp; old." in shown and not any(token in text for text in shown)


def test_database_url_in_the_environment_is_never_used_by_the_tests(tmp_path):
    """conftest.py takes DATABASE_URL out before any app is made: no test migrates or empties it."""
    code = ("import os, tests.conftest as c; from directory.config import Config; "
            "print(os.environ.get('DATABASE_URL'), Config().DATABASE_URL)")
    env = {**os.environ, "DATABASE_URL": "postgresql://council@/live", "DIRECTORY_SECRET_KEY": "live"}
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=True).stdout
    assert output.split() == ["None", "None"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    shared = {"CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": instance}
    with pytest.raises(NoSecretKey, match="DIRECTORY_SECRET_KEY"):
        create_app({**shared, "DIRECTORY_ENV": "production"})
    with pytest.raises(NoSecretKey):   # a database server means several web servers may share it
        create_app({**shared, "DATABASE_URL": "postgresql://db.invalid/site"})
    assert not (instance / "secret_key").exists()
    assert environment({"DATABASE_URL": "postgresql://db.invalid/site"}) == "production"
    assert environment({"INSTANCE_DIR": instance}) == "development"
    # Configured: it starts, with that key; not with a short key or the example's placeholder.
    strong = "9f" * 32
    app = create_app({**shared, "DIRECTORY_ENV": "production", "SECRET_KEY": strong})
    assert app.config["SECRET_KEY"] == strong
    for weak in ("shared", "replace-with-64-hex-characters"):
        with pytest.raises(NoSecretKey, match="too weak"):
            create_app({**shared, "DIRECTORY_ENV": "production", "SECRET_KEY": weak})
    # Development (`make run`: SQLite in the instance folder): a key made once and kept.
    first = create_app(shared).config["SECRET_KEY"]
    assert (instance / "secret_key").read_text() == first == create_app(shared).config["SECRET_KEY"]
    # The setting, read from the environment as a council would set it.
    monkeypatch.setenv("DIRECTORY_ENV", "production")
    monkeypatch.setenv("DIRECTORY_INSTANCE_DIR", str(instance))
    with pytest.raises(NoSecretKey):
        create_app({"CONTENT_DIR": ROOT / "content"})


def test_the_migration_brings_in_what_the_instance_folder_held(tmp_path):
    """Searches counted in insight.sqlite3 and check-latest.json move into the database."""
    import json
    import sqlite3
    from contextlib import closing

    from flask_migrate import upgrade

    from directory.db import MIGRATIONS
    from directory.models import CheckResult

    instance = tmp_path / "instance"
    instance.mkdir()
    with closing(sqlite3.connect(instance / "insight.sqlite3")) as old, old:
        old.execute("CREATE TABLE zero_result_searches (query TEXT PRIMARY KEY, count INTEGER, last_seen TEXT)")
        old.execute("INSERT INTO zero_result_searches VALUES ('xylophone lessons', 7, '2026-11-30')")
    (instance / "check-latest.json").write_text(json.dumps({"generated": "2026-11-30T09:00:00+00:00",
                                                            "findings": []}))
    app = make_app(ROOT / "content", INSTANCE_DIR=instance)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        assert db.session.execute(select(ZeroResultSearch.query, ZeroResultSearch.count)).all() == \
            [("xylophone lessons", 7)]
        assert db.session.get(CheckResult, "latest").generated == "2026-11-30T09:00:00+00:00"
    dispose(app)

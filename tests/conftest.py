"""Fixtures: app -> client -> runner, as in Flask's tutorial; every page fetched is checked.

Database tests (the `db_app` fixture) run twice: on SQLite, and on a throwaway
PostgreSQL cluster that this file starts (initdb in a temporary folder, its own port
and unix socket there, stopped and removed at the end of the run even when tests
fail).  DIRECTORY_TEST_DATABASES=sqlite runs them on SQLite alone.  A DATABASE_URL,
DIRECTORY_SECRET_KEY or DIRECTORY_ENV in the environment is ignored: tests never
migrate or empty a database they did not make.
"""

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from directory import create_app
from directory.content import load_directory
from directory.pagecheck import check_page
from directory.search import build, index_root

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
for _name in ("DATABASE_URL", "DIRECTORY_SECRET_KEY", "DIRECTORY_ENV"):
    os.environ.pop(_name, None)
DATABASES = [name for name in os.environ.get("DIRECTORY_TEST_DATABASES", "sqlite,postgresql").split(",")
             if name in ("sqlite", "postgresql")] or ["sqlite"]


class CheckedClient(FlaskClient):
    """A test client that runs the page check on every HTML page it fetches."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if (response.mimetype == "text/html" and not response.is_streamed
                and not 300 <= response.status_code < 400
                and not response.headers.get("Content-Encoding")):
            problems = check_page(response.get_data())
            assert not problems, f"page check failed for {response.request.path}: {problems}"
        return response


def make_app(content_dir, **config):
    """A fresh app on a content folder (with no search index unless INSTANCE_DIR has one)."""
    config.setdefault("INSTANCE_DIR", Path(content_dir).parent / "instance")
    app = create_app({"TESTING": True, "CONTENT_DIR": Path(content_dir), **config})
    app.test_client_class = CheckedClient
    return app


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """A search index of the sample content, built once for the whole test run."""
    instance = tmp_path_factory.mktemp("sample-instance")
    build(load_directory(ROOT / "content"), index_root(instance))
    return index_root(instance)


@pytest.fixture
def instance_dir(tmp_path, sample_index):
    """A fresh instance folder for one test, sharing the sample search index."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "index").symlink_to(sample_index, target_is_directory=True)
    return instance


@pytest.fixture
def app(instance_dir, database_template):
    """The app on the sample content that ships in content/ (with a SQLite database)."""
    shutil.copy(database_template, instance_dir / "directory.sqlite3")
    return make_app(ROOT / "content", INSTANCE_DIR=instance_dir)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def fixture_content(tmp_path):
    """A copy of the small test content folder that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A database with every migration applied, made once and copied for each test."""
    from flask_migrate import upgrade

    from directory.db import MIGRATIONS, db

    folder = tmp_path_factory.mktemp("database")
    app = make_app(ROOT / "content", INSTANCE_DIR=folder)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()   # the last connection closing folds the write-ahead log in
    return folder / "directory.sqlite3"


class PostgresCluster:
    """A PostgreSQL cluster of our own: initdb in a temporary folder, run as `postgres`.

    Tests run as root, which PostgreSQL refuses, so the server runs as the `postgres`
    user; it listens on no TCP address, only on a unix socket in its own folder.
    """

    def __init__(self):
        self.bin = _postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="directory-test-pg-"))
        self.data = self.folder / "data"
        with socket.socket() as probe:   # a port nobody uses, for the socket's name
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.names = itertools.count(1)

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def stop(self):
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name="postgres"):
        """A plain postgresql:// URL, as a council would set DATABASE_URL."""
        return f"postgresql://postgres@/{name}?host={self.folder}&port={self.port}"

    def execute(self, sql):
        import psycopg

        with psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(sql)

    def new_database(self, template=None):
        """The name of a new, empty (or copied from template) database."""
        name = f"test_{os.getpid()}_{next(self.names)}"
        self.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def drop_database(self, name):
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _postgres_bin():
    """The folder of Debian's PostgreSQL server programs (package postgresql, `make test-system`)."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists():
            return folder
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    pytest.fail("PostgreSQL is not installed: run 'make test-system' (Debian package postgresql)")


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for the whole run, stopped and removed at its end."""
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres):
    """A PostgreSQL database with every migration applied, copied for each test."""
    from flask_migrate import upgrade

    from directory.db import MIGRATIONS, db

    name = postgres.new_database()
    app = make_app(ROOT / "content", INSTANCE_DIR=Path(postgres.folder) / "no-instance",
                   DATABASE_URL=postgres.url(name), SECRET_KEY="template")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()
    return name


def dispose(app):
    """Close the app's database connections (so its database can be dropped)."""
    from directory.db import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


DB_TEST_CONFIG = {"SIGN_IN_LIMITS": (5, 30), "FEEDBACK_PER_HOUR": 10, "FEEDBACK_MIN_SECONDS": 0}


class SharedDatabase:
    """One PostgreSQL database for the tests, emptied after each (faster than a new one).

    Emptied with TRUNCATE (ids start at 1 again); a test that changed the schema (a
    downgrade) gets the database made afresh from the migrated template.
    """

    def __init__(self, cluster, template):
        self.cluster, self.template = cluster, template
        self.name = cluster.new_database(template=template)
        self.tables, self.version = self._schema()

    def _schema(self):
        import psycopg

        with psycopg.connect(host=str(self.cluster.folder), port=self.cluster.port, user="postgres",
                             dbname=self.name, autocommit=True) as connection:
            tables = sorted(row[0] for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))
            version = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
            return tables, version

    def empty(self):
        import psycopg

        if self._schema() != (self.tables, self.version):
            self.cluster.drop_database(self.name)
            self.name = self.cluster.new_database(template=self.template)
            return
        try:
            with psycopg.connect(host=str(self.cluster.folder), port=self.cluster.port, user="postgres",
                                 dbname=self.name, autocommit=True) as connection:
                connection.execute("SET lock_timeout = '5s'")   # a connection a test left open
                connection.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in self.tables)
                                   + " RESTART IDENTITY CASCADE")
        except psycopg.errors.LockNotAvailable:
            self.cluster.drop_database(self.name)
            self.name = self.cluster.new_database(template=self.template)


@pytest.fixture(scope="session")
def postgres_database(postgres, postgres_template):
    return SharedDatabase(postgres, postgres_template)


@pytest.fixture(params=DATABASES)
def database_url(request, instance_dir, database_template):
    """A fresh, migrated database for one test: a SQLite file, or an emptied PostgreSQL one."""
    if request.param == "sqlite":
        shutil.copy(database_template, instance_dir / "directory.sqlite3")
        yield None
        return
    shared = request.getfixturevalue("postgres_database")
    try:
        yield shared.cluster.url(shared.name)
    finally:
        shared.empty()   # after db_app has closed its connections


@pytest.fixture
def db_app(instance_dir, database_url):
    """The app on the sample content with a fresh, migrated database of its own."""
    config = dict(DB_TEST_CONFIG)
    if database_url:
        config.update(DATABASE_URL=database_url, SECRET_KEY="test key shared by every server")
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, **config)
    yield app
    dispose(app)

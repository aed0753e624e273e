"""The relational database: accounts, reviews, resident feedback and the audit log.

SQLAlchemy through Flask-SQLAlchemy, with the schema kept by Alembic migrations in
directory/migrations (Flask-Migrate: `directory db upgrade`, run by `make run` and
`make test`).  SQLite in the instance folder by default; any SQLAlchemy URL through
DATABASE_URL (for example postgresql://...).  Every request that writes commits once,
at its end; a request that fails is rolled back, so the database never holds half a
change.
"""

import logging
import os
import time
from pathlib import Path
from urllib.parse import quote

from flask import Request as FlaskRequest
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool
from sqlalchemy.orm import DeclarativeBase
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
READ_ONLY_SECONDS = 5
log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(MIGRATIONS))


def database_url(config):
    """DATABASE_URL if set, else SQLite in the instance folder.

    A plain postgresql:// (or Heroku-style postgres://) URL is given the psycopg 3
    driver that setup.cfg installs; SQLAlchemy would otherwise look for psycopg2.
    """
    url = config.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(config['INSTANCE_DIR']) / 'directory.sqlite3'}"
    scheme, separator, rest = url.partition("://")
    if separator and scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def is_shared(url):
    """True for a database server that several web servers can share (not SQLite)."""
    return not str(url).startswith("sqlite")


class _WithoutNul(ImmutableMultiDict):
    """Form fields and query parameters with NUL characters taken out.

    PostgreSQL's text cannot hold U+0000 (SQLite can), so a NUL typed or pasted into
    any field (feedback, a sign-in address, a review comment) made a 500 there.  No
    person means a NUL, no browser sends one from the keyboard, and taking it out
    keeps everything else they typed, so it is removed from every field of every
    request, on both databases alike, before any view or form sees it.
    """

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        super().__init__([(key.replace("\x00", "") if isinstance(key, str) else key,
                           value.replace("\x00", "") if isinstance(value, str) else value)
                          for key, value in iter_multi_items(mapping)])


class Request(FlaskRequest):
    parameter_storage_class = _WithoutNul


def init_app(app):
    app.request_class = Request
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app.config))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)


@event.listens_for(Engine, "do_connect")
def _sqlite_connect(dialect, record, cargs, cparams):
    """SQLite: when the disk is read-only or full, read the database as it is.

    In write-ahead-log mode every connection, even one that only reads, must make the
    -shm file beside the database.  On a read-only or full disk it cannot, so every
    connection failed ("unable to open database file", "disk I/O error") and with it
    every signed-in page, which reads the account.  When the write-ahead log is empty
    or gone, the database file holds every committed change, so it is
    opened read-only and immutable: pages read, and a write fails cleanly ("readonly
    database"); the pages that write say so and keep what was typed (views/errors.py,
    views/feedback.py).  Such a connection is used for a few seconds only, then the
    pool tries a normal one again (_retry_normal).
    """
    if dialect.name != "sqlite" or cparams.get("uri"):
        return None
    path = cargs[0] if cargs else cparams.get("database")
    if not path or path == ":memory:" or not os.path.exists(path):
        return None
    connection = dialect.loaded_dbapi.connect(*cargs, **cparams)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()   # opens the -shm file
        return connection
    except dialect.loaded_dbapi.OperationalError:
        connection.close()
        if os.path.exists(f"{path}-wal") and os.path.getsize(f"{path}-wal") > 0:
            raise   # changes not yet in the database file: it must not be read alone
    log.warning("%s cannot be opened for writing (read-only or full disk): reading it as it is", path)
    options = {key: value for key, value in cparams.items() if key != "database"}
    record.info["read_only_until"] = time.monotonic() + READ_ONLY_SECONDS
    record.info["read_only_folder"] = os.path.dirname(os.path.abspath(path))
    return dialect.loaded_dbapi.connect(f"file:{quote(os.path.abspath(path))}?mode=ro&immutable=1",
                                        uri=True, **options)


@event.listens_for(Pool, "checkout")
def _retry_normal(dbapi_connection, record, proxy):
    """A read-only fallback connection is dropped once there is room, or after READ_ONLY_SECONDS."""
    until = record.info.get("read_only_until")
    if until is None:
        return
    folder = record.info["read_only_folder"]
    if time.monotonic() > until or _has_room(folder):
        raise DisconnectionError("try a normal connection again")


def _has_room(folder):
    """Whether folder can be written and has a megabyte free."""
    try:
        free = os.statvfs(folder)
    except OSError:
        return False
    return os.access(folder, os.W_OK) and free.f_bavail * free.f_frsize >= 1 << 20


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection, record):
    """SQLite: write-ahead log (readers never wait for a writer), wait for locks, keys on."""
    if type(connection).__module__.startswith("sqlite3"):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

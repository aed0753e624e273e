"""The relational database: accounts, reviews, resident feedback and the audit log.

SQLAlchemy through Flask-SQLAlchemy, with the schema kept by Alembic migrations in
directory/migrations (Flask-Migrate: `directory db upgrade`, run by `make run` and
`make test`).  SQLite in the instance folder by default; any SQLAlchemy URL through
DATABASE_URL (for example postgresql://...).  Every request that writes commits once,
at its end; a request that fails is rolled back, so the database never holds half a
change.
"""

from pathlib import Path

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


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


def init_app(app):
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app.config))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)


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

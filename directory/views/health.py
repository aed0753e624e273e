"""/healthz: can this server do its work?  Each check's state; 503 naming what failed.

Polled by load balancers and monitoring, so it is cheap and writes nothing but its
own temporary file: the search index is checked by the engine (a directory listing,
checksums only when the files have changed), the database answers one query, the
loaded content is counted, and the instance folder must take a new file.
"""

import logging
import os
import tempfile

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .. import current_directory
from ..db import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _public(message):
    """A message without the server's folders in it (the page is public)."""
    for name in ("INSTANCE_DIR", "CONTENT_DIR"):
        message = message.replace(str(current_app.config[name]), f"<{name.lower()}>")
    return message


def check_index():
    """The search index opens and its files match their checksums."""
    ok, detail = current_app.extensions["search"].status()
    return ok, _public(detail)


def check_database():
    """The database answers (SQLite: its file is a database)."""
    try:
        with db.engine.connect() as connection:
            sql = "PRAGMA schema_version" if connection.dialect.name == "sqlite" else "SELECT 1"
            connection.execute(text(sql))
    except Exception as error:  # any driver's error: the check reports, never raises
        log.error("health check: the database does not answer: %s", error)
        return False, f"the database does not answer ({type(error).__name__})"
    return True, "answers"


def check_content():
    """The content was loaded: services to show, and how many entries were left out."""
    directory = current_directory()
    detail = f"{len(directory.services)} services, {len(directory.errors)} content errors"
    return bool(directory.services), detail if directory.services else f"no services loaded ({detail})"


def check_instance():
    """The instance folder takes a new file (a full or read-only disk does not)."""
    try:
        with tempfile.NamedTemporaryFile(dir=current_app.config["INSTANCE_DIR"], prefix=".healthz-") as file:
            file.write(b"ok")
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        log.error("health check: the instance folder cannot be written: %s", error)
        return False, _public(f"cannot be written ({error.strerror or type(error).__name__})")
    return True, "writable"


CHECKS = {"index": check_index, "database": check_database, "content": check_content,
          "instance": check_instance}


@bp.route("/healthz")
def healthz():
    """Run every check: 200 if all pass, else 503 naming the ones that failed."""
    checks = {}
    for name, check in CHECKS.items():
        ok, detail = check()
        checks[name] = {"ok": ok, "detail": detail}
    failing = [name for name, state in checks.items() if not state["ok"]]
    directory = current_directory()
    response = jsonify(
        status="failing: " + ", ".join(failing) if failing else "ok",
        failing=failing,
        checks=checks,
        services=len(directory.services),
        categories=len(directory.categories),
        content_errors=len(directory.errors),
    )
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if failing else 200

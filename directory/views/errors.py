"""Error pages that explain what happened and how to get help, in the reader's language."""

import logging

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from ..db import db
from ..i18n import DEFAULT

log = logging.getLogger(__name__)


def init_app(app):
    """Register the 404 and 500 pages."""

    @app.errorhandler(404)
    def not_found(error):
        _language_from_path(app)
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def not_allowed(error):
        _language_from_path(app)
        return render_template("errors/404.html"), 405

    @app.errorhandler(403)
    def forbidden(error):
        _language_from_path(app)
        return render_template("errors/403.html"), 403

    @app.errorhandler(413)
    def too_large(error):
        _language_from_path(app)
        return render_template("errors/400.html", reason="too-large"), 413

    @app.errorhandler(CSRFError)
    def form_expired(error):
        _language_from_path(app)
        return render_template("errors/400.html", reason="csrf"), 400

    @app.errorhandler(400)
    def bad_request(error):
        _language_from_path(app)
        return render_template("errors/400.html", reason="bad"), 400

    @app.errorhandler(SQLAlchemyError)
    @app.errorhandler(OSError)
    def write_failed(error):
        page = _not_saved(app, error)
        if page is None:   # reading failed: on to the ordinary 500 page
            raise error
        return page

    @app.errorhandler(500)
    def server_error(error):
        log.exception("error serving %s", request.path)
        _language_from_path(app)
        # A failed flush or query leaves the session unusable until it is rolled back,
        # and the page's header reads the signed-in account from it.
        _rollback()
        try:
            return render_template("errors/500.html"), 500
        except Exception:   # the database itself is down: show the page as signed out
            log.exception("the error page could not be made with the account; showing it without")
            _rollback()
            g.user = None
            return render_template("errors/500.html"), 500


# Fields never shown back: secrets, and the forms' own machinery.
_NOT_TYPED = ("csrf_token", "token", "website", "password", "new_password", "confirm", "password_again")


def typed_fields():
    """[(field name, value)] of what the person typed in the form just posted."""
    return [(name.replace("_", " ").capitalize(), value)
            for name, value in request.form.items(multi=True)
            if value.strip() and name not in _NOT_TYPED and "password" not in name]


def _not_saved(app, error):
    """A write that failed (database or disk): say so and give back what was typed."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    log.exception("could not save %s %s", request.method, request.path)
    _language_from_path(app)
    _rollback()
    try:
        typed = typed_fields()
    except Exception:   # the body itself could not be read
        typed = []
    for attempt in range(2):
        try:
            return render_template("errors/not_saved.html", typed=typed), 503
        except Exception:
            if attempt:
                raise
            log.exception("the page could not be made with the account; showing it without")
            _rollback()
            g.user = None


def _rollback():
    """Roll the session back after a failed write or query, whatever state it is in."""
    try:
        db.session.rollback()
    except Exception:   # the connection itself is gone: the session starts afresh
        log.exception("could not roll back")
        db.session.remove()


def _language_from_path(app):
    """For pages no route matched, take the language from the address if it names one."""
    if "lang" in g:
        return
    first = request.path.strip("/").split("/", 1)[0]
    g.lang = first if first in app.extensions["languages"] else DEFAULT

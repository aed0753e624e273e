"""Error pages that explain what happened and how to get help, in the reader's language."""

import logging

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError

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

    @app.errorhandler(500)
    def server_error(error):
        log.exception("error serving %s", request.path)
        _language_from_path(app)
        return render_template("errors/500.html"), 500


def _language_from_path(app):
    """For pages no route matched, take the language from the address if it names one."""
    if "lang" in g:
        return
    first = request.path.strip("/").split("/", 1)[0]
    g.lang = first if first in app.extensions["languages"] else DEFAULT

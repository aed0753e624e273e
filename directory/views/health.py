"""/healthz: is the site up, and how much content did it load."""

from flask import Blueprint, jsonify

from .. import current_directory

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Report that the app is serving, with counts of loaded content and its problems."""
    directory = current_directory()
    return jsonify(
        status="ok",
        services=len(directory.services),
        categories=len(directory.categories),
        content_errors=len(directory.errors),
    )

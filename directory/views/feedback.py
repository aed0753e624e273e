"""Residents tell us what is wrong with a page, or hard to use: no account, no cookie."""

import logging
from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _
from sqlalchemy.exc import SQLAlchemyError

from .. import current_directory, throttle
from ..db import db
from ..feedback import MAX_LENGTH, Refused, check_token, form_token
from ..i18n import current_language, route
from ..models import Feedback

bp = Blueprint("feedback", __name__)
log = logging.getLogger(__name__)
HOUR = timedelta(hours=1)


def _service(slug):
    service = current_directory().services.get(slug)
    if service is None:
        abort(404)
    return service


@route(bp, "/services/<slug>/feedback", methods=["GET", "POST"])
def send(slug):
    service = _service(slug)
    code = current_language().code
    if request.method == "GET":
        return render_template("feedback.html", service=service, message="", error=None,
                               token=form_token(slug, code))
    message = (request.form.get("message") or "").replace("\r\n", "\n").strip()
    error, status = None, 400
    try:
        check_token(request.form.get("token"), slug, code)
    except Refused as refused:
        error = {"forged": _("This form could not be sent. Check your message, then send it again."),
                 "expired": _("This page was open for a long time. Check your message, then send it again."),
                 "too-fast": _("Check your message, then send it again.")}[str(refused)]
    if error is None:
        if request.form.get("website"):
            error = _("This form could not be sent. Check your message, then send it again.")
        elif not message:
            error = _("Enter what is wrong or hard to use")
        elif len(message) > MAX_LENGTH:
            error = _("Enter %(max)s characters or fewer", max=format_decimal(MAX_LENGTH))
        else:
            try:
                # Count this post first, and commit it, so that posts sent at once all count.
                throttle.record("feedback", throttle.client_address())
                db.session.commit()
                if throttle.count("feedback", throttle.client_address(), HOUR) > current_app.config["FEEDBACK_PER_HOUR"]:
                    error, status = _("You have sent a lot of messages. Wait an hour, or phone us."), 429
                else:
                    db.session.add(Feedback(entry=slug, language=code, message=message))
                    db.session.commit()
            except (SQLAlchemyError, OSError):
                # A full or read-only disk, or the database gone: the resident's words must
                # not be lost, so the form comes back with them, saying what to do.
                log.exception("feedback on %s could not be saved", slug)
                db.session.rollback()
                error, status = _("Your message could not be saved because of a problem on our side. "
                                  "It is still in the box below. Copy it if you want to keep it, "
                                  "then try again later, or phone us."), 503
    if error:
        return render_template("feedback.html", service=service, message=message, error=error,
                               token=form_token(slug, code)), status
    return redirect(url_for("feedback.thanks", slug=slug))


@route(bp, "/services/<slug>/feedback/sent")
def thanks(slug):
    return render_template("feedback_sent.html", service=_service(slug))

"""Signing in and out, and accepting an invite (in every language: reviewers use these)."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import audit, auth, throttle
from ..db import db
from ..forms import SetPasswordForm, SignInForm
from ..i18n import route
from ..models import Invite, User, now

bp = Blueprint("account", __name__)
WINDOW = timedelta(minutes=15)


def home_for(user):
    return url_for("staff.dashboard_page") if user.can("staff") else url_for("review.queue")


@route(bp, "/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    status = 200
    if g.user is not None and request.method == "GET":
        return redirect(home_for(g.user))
    if form.validate_on_submit():
        email = auth.normal_email(form.email.data)
        address = throttle.client_address()
        per_email, per_address = current_app.config["SIGN_IN_LIMITS"]
        # Count this attempt first, and commit it, so that attempts sent at once all count.
        throttle.record("sign-in-email", email)
        throttle.record("sign-in-address", address)
        db.session.commit()
        # Only an address is kept in the log: what is typed as one may be a password.
        logged = email if "@" in email else "(not an email address)"
        if (throttle.count("sign-in-email", email, WINDOW) > per_email
                or throttle.count("sign-in-address", address, WINDOW) > per_address):
            audit.log("sign-in-failed", f"{logged}: too many attempts")
            db.session.commit()
            form.email.errors = [_("You have tried to sign in too many times. Wait 15 minutes, then try again.")]
            status = 429
        else:
            user = db.session.scalar(select(User).where(User.email == email))
            if auth.check_password(user, form.password.data) and user.active:
                throttle.forget("sign-in-email", email)
                auth.sign_in(user)
                audit.log("sign-in", email, actor=user)
                db.session.commit()
                return redirect(auth.safe_next(request.args.get("next")) or home_for(user))
            audit.log("sign-in-failed", logged)
            db.session.commit()
            form.email.errors = [_("Enter a correct email address and password")]
    return render_template("account/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if g.user is not None:
        audit.log("sign-out", g.user.email)
        auth.sign_out(g.user)
        db.session.commit()
    else:
        auth.sign_out(None)
    return redirect(url_for("pages.home"))


def _usable_invite(token):
    """The invite for token, or (None, reason) with a status for the page."""
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == auth.token_hash(token)))
    if invite is None:
        return None, "unknown"
    if invite.used_at is not None:
        return invite, "used"
    if invite.expires_at < now():
        return invite, "expired"
    return invite, None


@route(bp, "/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    if len(token) > 100:
        abort(404)
    invite, reason = _usable_invite(token)
    if reason:
        if invite is not None:   # made-up links are not worth a line in the log
            audit.log("invite-refused", f"{reason}: invite {invite.id} for {invite.email}")
            db.session.commit()
        return render_template("account/invite_refused.html", reason=reason), 410 if invite else 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        # Single use, even if two requests arrive at once: only one can mark it used.
        claimed = db.session.execute(update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None))
                                     .values(used_at=now())).rowcount
        if claimed != 1:
            db.session.rollback()
            return render_template("account/invite_refused.html", reason="used"), 410
        user = db.session.scalar(select(User).where(User.email == invite.email))
        if user is None:
            user = User(email=invite.email, name=invite.name, role=invite.role, skills=invite.skills)
            db.session.add(user)
        elif not user.active:
            # An admin turned this account off: an invite never turns it back on.
            db.session.rollback()
            return render_template("account/invite_refused.html", reason="inactive"), 410
        # An invite for an existing account sets a new password; it never changes the role.
        user.password_hash = auth.hash_password(form.password.data)
        user.session_token = auth.new_token()
        try:
            db.session.flush()
        except IntegrityError:   # the same e-mail's account made at the same moment
            db.session.rollback()
            return render_template("account/invite_refused.html", reason="used"), 410
        audit.log("invite-accepted", f"{invite.email} as {invite.role}", actor=user)
        db.session.commit()
        auth.sign_in(user)
        return redirect(home_for(user))
    return render_template("account/set_password.html", form=form, invite=invite)

"""Signing in and out, and accepting an invite (in every language: reviewers use these)."""

from datetime import timedelta
from urllib.parse import urlsplit

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


# Browsers keep a Secure cookie over plain HTTP only for these hosts (secure contexts).
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def _needs_https():
    """A page saying why signing in cannot work here, or None when it can.

    The session cookie is Secure, so over plain HTTP on any host but this machine the
    browser drops it and every sign-in ended in "The page was open for too long, or it
    came from another website".  Say what is wrong before anyone types a password.
    """
    if not current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure:
        return None
    host = urlsplit(request.host_url).hostname or ""
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return None
    secure = "https://" + (f"[{host}]" if ":" in host else host) + request.full_path.rstrip("?")
    return render_template("account/needs_https.html", secure_url=secure), 400


@route(bp, "/sign-in", methods=["GET", "POST"])
def sign_in():
    refused = _needs_https()
    if refused:
        return refused
    form = SignInForm()
    status = 200
    if g.user is not None and request.method == "GET":
        return redirect(home_for(g.user))
    if form.validate_on_submit():
        email = auth.normal_email(form.email.data)
        hidden = auth.hidden_characters(form.email.data)
        address = throttle.client_address()
        per_email, per_address = current_app.config["SIGN_IN_LIMITS"]
        per_device = current_app.config.get("SIGN_IN_DEVICE_LIMIT", auth.DEVICE_LIMIT)
        user = None if hidden else db.session.scalar(select(User).where(User.email == email))
        # A browser that signed in to this account before is counted on its own (its
        # device cookie), so guesses from elsewhere cannot lock the owner out.
        nonce = auth.device_nonce(user)
        trusted = False
        # Count this attempt first, and commit it, so that attempts sent at once all count.
        if nonce is not None:
            throttle.record("sign-in-device", nonce)
            db.session.commit()
            trusted = throttle.count("sign-in-device", nonce, WINDOW) <= per_device
        if not trusted:
            throttle.record("sign-in-email", email)
            throttle.record("sign-in-address", address)
            db.session.commit()
        # Only an address is kept in the log: what is typed as one may be a password.
        logged = email if "@" in email else "(not an email address)"
        if hidden:
            logged = f"(an address with hidden characters: {' '.join(hidden)})"
        if not trusted and (throttle.count("sign-in-email", email, WINDOW) > per_email
                            or throttle.count("sign-in-address", address, WINDOW) > per_address):
            audit.log("sign-in-failed", f"{logged}: too many attempts")
            db.session.commit()
            form.email.errors = [_("You have tried to sign in too many times. Wait 15 minutes, then try again.")]
            status = 429
        elif auth.check_password(user, form.password.data) and user.active:
            if not trusted:
                throttle.forget("sign-in-email", email)
            auth.sign_in(user)
            audit.log("sign-in", email + (" (known browser)" if trusted else ""), actor=user)
            db.session.commit()
            response = redirect(auth.safe_next(request.args.get("next")) or home_for(user))
            return auth.set_device_cookie(response, user)
        else:
            audit.log("sign-in-failed", logged + (" (known browser)" if trusted else ""))
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
    return invite, auth.invite_problem(invite)


def _refused(invite, reason):
    audit.log("invite-refused", f"{reason}: invite {invite.id} for {invite.email}")
    db.session.commit()
    return render_template("account/invite_refused.html", reason=reason), 410


@route(bp, "/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    refused = _needs_https()
    if refused:
        return refused
    if len(token) > 100:
        abort(404)
    invite, reason = _usable_invite(token)
    if reason:
        if invite is None:   # made-up links are not worth a line in the log
            return render_template("account/invite_refused.html", reason=reason), 404
        return _refused(invite, reason)
    form = SetPasswordForm()
    if form.validate_on_submit():
        # Single use, even if two requests arrive at once: only one can mark it used.
        claimed = db.session.execute(update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None),
                                                          Invite.revoked_at.is_(None))
                                     .values(used_at=now(), pending_email=None)).rowcount
        if claimed != 1:
            db.session.rollback()
            return render_template("account/invite_refused.html", reason="used"), 410
        user = db.session.scalar(select(User).where(User.email == invite.email))
        if invite.for_user_id is None:
            # An invite makes a new account; it never sets the password of one that exists.
            if user is not None:
                db.session.rollback()
                return _refused(invite, "account-exists")
            user = User(email=invite.email, name=invite.name, role=invite.role, skills=invite.skills)
            db.session.add(user)
            done = f"{invite.email}: new {invite.role} account"
        elif user is None or user.id != invite.for_user_id:
            db.session.rollback()
            return _refused(invite, "withdrawn")
        elif not user.active:
            # An admin turned this account off: an invite never turns it back on.
            db.session.rollback()
            return _refused(invite, "inactive")
        else:
            # An admin's reset sets a new password; it never changes the role.
            done = f"{invite.email}: new password for their {user.role} account"
        user.password_hash = auth.hash_password(form.password.data)
        user.session_token = auth.new_token()
        try:
            db.session.flush()
        except IntegrityError:   # the same e-mail's account made at the same moment
            db.session.rollback()
            return render_template("account/invite_refused.html", reason="used"), 410
        maker = invite.created_by.email if invite.created_by else "the command line"
        audit.log("invite-accepted", f"{done} (invite {invite.id} from {maker})", actor=user)
        db.session.commit()
        auth.sign_in(user)
        return auth.set_device_cookie(redirect(home_for(user)), user)
    return render_template("account/set_password.html", form=form, invite=invite)

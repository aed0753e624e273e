"""Who is signed in, and what they may do.

Passwords are hashed with Argon2id (argon2-cffi).  A signed-in person's session is
Flask's signed cookie (Secure, HttpOnly, SameSite=Lax) holding their account id and
the account's session token; changing the token (a new password, an account turned
off) signs them out everywhere.  Residents never sign in and are never sent a cookie.
"""

import functools
import hashlib
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, g, redirect, request, session, url_for

from .db import db
from .models import User, now

_hasher = PasswordHasher()
# Checked against when no account has the e-mail, so both cases take as long.
_NOBODY = _hasher.hash(secrets.token_urlsafe(16))
INVITE_LIFETIME = timedelta(days=7)
# However active, a session ends this long after signing in.
SESSION_LIMIT = timedelta(hours=8)
MINIMUM_PASSWORD = 12


def hash_password(password):
    return _hasher.hash(password)


def check_password(user, password):
    """True if password is the account's; a hash made with older settings is renewed."""
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _NOBODY, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None or not user.password_hash:
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def new_token():
    """A random secret for an invite link or a session token."""
    return secrets.token_urlsafe(32)


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normal_email(email):
    return (email or "").strip().lower()


def init_app(app):
    @app.before_request
    def load_user():
        g.user = None
        # Only look at the session when the browser sent a cookie: residents never have one.
        if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return
        user_id, token, since = session.get("user"), session.get("token"), session.get("since", 0)
        if user_id is None:
            return
        if time.time() - since > SESSION_LIMIT.total_seconds():
            session.clear()
            return
        user = db.session.get(User, user_id)
        if user is None or not user.active or not secrets.compare_digest(user.session_token, token or ""):
            session.clear()
            return
        g.user = user

    @app.context_processor
    def signed_in():
        return {"current_user": g.get("user")}


def sign_in(user):
    """Start a fresh session for user (a new session, so an old one cannot be reused)."""
    session.clear()
    session["user"] = user.id
    session["token"] = user.session_token
    session["since"] = int(time.time())
    session.permanent = True


def sign_out(user):
    """End every session of user (a copied cookie stops working too)."""
    if user is not None:
        user.session_token = new_token()
    session.clear()


def requires(role):
    """A view decorator: signed in with role (or a higher one), else sign-in or 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = g.get("user")
            if user is None:
                return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))
            if not user.can(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorator


def safe_next(target):
    """Only go on to a path on this site after signing in (never another host)."""
    if not target or any(ord(c) < 33 or ord(c) == 127 for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target


def expired(invite):
    return invite.used_at is not None or invite.expires_at < now()

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
import unicodedata
from datetime import timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, redirect, request, session, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from . import audit
from .db import db
from .models import Invite, User, now

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


# Characters that draw nothing (or reorder what is drawn) but are not in category Cc or Cf:
# combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian selectors,
# variation selectors.  With them, two addresses that look the same would be two accounts.
_INVISIBLE = set(range(0x180B, 0x1810)) | set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0)) | {
    0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0}


def normal_email(email):
    """An address as it is stored and looked up: Unicode NFKC, trimmed, case folded.

    NFKC makes full-width and other compatibility forms (＠, ｅ, ﬁ) their plain letters,
    so an address cannot be made to look like another one.
    """
    return unicodedata.normalize("NFKC", (email or "").strip()).strip().casefold()


def hidden_characters(email):
    """The invisible or control characters in an address (after trimming), as U+XXXX names."""
    text = unicodedata.normalize("NFKC", (email or "").strip())
    return [f"U+{ord(c):04X}" for c in text
            if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs") or ord(c) in _INVISIBLE]


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


# --- Invites (issue 12, item 1) -------------------------------------------------------------
# An invite either makes a new account (it can never set the password of an account that
# exists) or is an admin's reset of one named account (Invite.for_user_id).  At most one
# invite per address is live (Invite.pending_email is unique): an admin's new invite
# replaces the old one; staff may replace only a reviewer invite and are told to ask an
# admin about any other.  An invite works only while its maker could still make it.

def may_grant(user, role, reset=False):
    """May user make an invite for role (reset: a new password for an existing account)?"""
    if user is None or not user.active:
        return False
    if reset or role != "reviewer":
        return user.can("admin")
    return user.can("staff")


def visible_invite(user, invite):
    """Is invite one that user may see in the list of pending invites (one they could make)?"""
    return may_grant(user, invite.role, reset=invite.for_user_id is not None)


def live_invites(email=None):
    """Invites that can still be used (of one address), newest first."""
    query = select(Invite).where(Invite.pending_email.is_not(None), Invite.used_at.is_(None),
                                 Invite.revoked_at.is_(None), Invite.expires_at > now())
    if email is not None:
        query = query.where(Invite.pending_email == email)
    return db.session.scalars(query.order_by(Invite.created_at.desc(), Invite.id.desc())).all()


class InviteRefused(Exception):
    """An invite that may not be made, with the reason to show the person making it."""


def make_invite(maker, email, name, role, skills=()):
    """Make a live invite for email, replacing the live one there was; returns (invite, token).

    maker None is the `directory invite` command (whoever runs it can reach the server).
    An existing account gets an admin's reset of its password, never a new role.
    Raises InviteRefused if maker may not.
    """
    existing = db.session.scalar(select(User).where(User.email == email))
    if maker is not None and not may_grant(maker, role, reset=existing is not None):
        if existing is not None:
            raise InviteRefused("There is already an account with this email address. Ask an admin "
                                "if they need a new password.")
        raise InviteRefused("You cannot invite someone with this role.")
    # An expired or used invite no longer holds the address.
    db.session.execute(update(Invite).where(Invite.pending_email == email, or_(
        Invite.expires_at <= now(), Invite.used_at.is_not(None), Invite.revoked_at.is_not(None)))
        .values(pending_email=None))
    for old in live_invites(email):
        if maker is not None and not visible_invite(maker, old):
            raise InviteRefused("An invite for this email address is already waiting, made by an admin. "
                                "Ask an admin if it needs to be made again.")
        # Staff replace only their own invites (a lost link): another person's invite names
        # someone they chose, and replacing it would let staff hold that person's account.
        if maker is not None and not maker.can("admin") and old.created_by_id != maker.id:
            raise InviteRefused("An invite for this email address is already waiting, made by someone "
                                "else. Ask them or an admin if it needs to be made again.")
        old.revoked_at, old.pending_email = now(), None
        audit.log("invite-revoked", f"{email}: invite {old.id} as {old.role} replaced by a new one", actor=maker)
    db.session.flush()
    token = new_token()
    invite = Invite(token_hash=token_hash(token), email=email, pending_email=email, name=name,
                    role=existing.role if existing else role, skills="" if existing else " ".join(skills),
                    created_by_id=maker.id if maker else None, for_user_id=existing.id if existing else None,
                    expires_at=now() + INVITE_LIFETIME)
    db.session.add(invite)
    try:
        db.session.flush()
    except IntegrityError:   # another invite for the address made at the same moment
        db.session.rollback()
        raise InviteRefused("An invite for this email address was made at the same moment. "
                            "Look at the invites not used yet, then try again if you need to.") from None
    if existing:
        audit.log("invite", f"{email}: new password for their {existing.role} account (invite {invite.id})",
                  actor=maker)
    else:
        audit.log("invite", f"{email} as {role}: new account (invite {invite.id})"
                            + (" (command line)" if maker is None else ""), actor=maker)
    return invite, token


def invite_problem(invite):
    """Why invite cannot be used now (used, revoked, expired, withdrawn, account-exists, inactive), or None."""
    if invite.used_at is not None:
        return "used"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at < now():
        return "expired"
    # Made by someone since switched off, or who could no longer make it.
    if invite.created_by_id is not None and not may_grant(invite.created_by, invite.role,
                                                          reset=invite.for_user_id is not None):
        return "withdrawn"
    account = db.session.scalar(select(User).where(User.email == invite.email))
    if invite.for_user_id is None:
        return "account-exists" if account is not None else None
    if account is None or account.id != invite.for_user_id:
        return "withdrawn"
    return None if account.active else "inactive"


# --- The device cookie (issue 12, item 4; OWASP's "device cookies") -------------------------
# After a successful sign-in the browser gets a signed cookie naming the account and a
# random nonce.  A sign-in from a browser whose cookie names that account is counted per
# device (DEVICE_LIMIT tries in the window), not per account, so someone guessing
# elsewhere cannot lock the owner out; past its limit the cookie is no longer trusted
# and the browser is back to the per-account limit.  Residents never sign in, so never
# get it.
DEVICE_COOKIE = "directory_device"
DEVICE_LIFETIME = timedelta(days=365)
DEVICE_LIMIT = 5      # tries per window from one trusted browser


def _device_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def _device_epoch(user):
    """A short digest of the account's password hash: a new password (an admin's reset)
    makes every device cookie made before it worthless, so cookies collected by someone
    who once knew the old password give no guesses past the per-account limit."""
    return hashlib.sha256((user.password_hash or "").encode("utf-8")).hexdigest()[:16]


def device_cookie(user):
    """A new signed device cookie value for user's account."""
    return _device_serializer().dumps({"u": user.id, "n": secrets.token_urlsafe(16),
                                       "p": _device_epoch(user)})


def set_device_cookie(response, user):
    """Give the browser a device cookie for user (HttpOnly, Secure, SameSite=Strict, a year)."""
    response.set_cookie(DEVICE_COOKIE, device_cookie(user), max_age=int(DEVICE_LIFETIME.total_seconds()),
                        path="/", secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                        samesite="Strict")
    return response


def device_nonce(user):
    """The nonce of this browser's device cookie if it is genuine and for user's account, else None."""
    value = request.cookies.get(DEVICE_COOKIE)
    if user is None or not value or len(value) > 300:
        return None
    try:
        data = _device_serializer().loads(value, max_age=int(DEVICE_LIFETIME.total_seconds()))
    except BadData:
        return None
    if (not isinstance(data, dict) or data.get("u") != user.id or not isinstance(data.get("n"), str)
            or not secrets.compare_digest(str(data.get("p", "")), _device_epoch(user))):
        return None
    return data["n"]

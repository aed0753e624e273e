"""Rate limits kept in the database, so every server process counts the same attempts.

Keys are keyed hashes of an address or an e-mail, never the address itself, and
attempts older than a day are deleted as new ones are counted.
"""

import hashlib
import hmac
import ipaddress
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from .db import db
from .models import Attempt, now

KEEP = timedelta(days=1)


def key(kind, value):
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(secret, str(value).encode("utf-8"), hashlib.sha256).hexdigest()[:40]
    return f"{kind}:{digest}"


def client_address():
    """The client's network address as limits count it: an IPv6 address by its /64 prefix
    (one household or one attacker is usually given a whole /64), IPv4 as it is."""
    address = request.remote_addr or "unknown"
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            return address
    return address


def count(kind, value, window):
    since = now() - window
    return db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.key == key(kind, value), Attempt.at > since))


def record(kind, value):
    db.session.execute(delete(Attempt).where(Attempt.at < now() - KEEP))
    db.session.add(Attempt(key=key(kind, value)))


def forget(kind, value):
    db.session.execute(delete(Attempt).where(Attempt.key == key(kind, value)))

"""Rate limits on the expensive requests, per network address, shared by every worker.

Counted in the database (`throttle.py`'s attempts), so every gunicorn worker and every
server on one database counts the same requests.  Only the work that costs counts: a
search that took long, a leaflet that had to be rendered, a print pack that had to be
queued; cheap requests never write.  In production nginx limits the same endpoints
first (deploy/nginx/directory.conf); this is the limit for `make run` and behind
any proxy.  A limited client gets a 429 page in their language with Retry-After.
"""

import logging
import math
import time
from datetime import timedelta

from flask import current_app, render_template

from . import throttle
from .db import db

log = logging.getLogger(__name__)

# kind: (requests that cost, per window); the setting RATE_LIMITS overrides any of them.
LIMITS = {
    "search": (30, timedelta(minutes=1)),    # searches that took over SLOW_SEARCH seconds
    "leaflet": (20, timedelta(minutes=1)),   # leaflets rendered (not from the cache)
    "pack": (6, timedelta(minutes=1)),       # print packs queued
}
SLOW_SEARCH = 0.15


def slow_search():
    """Seconds after which a search counts as expensive (setting SLOW_SEARCH)."""
    return current_app.config.get("SLOW_SEARCH", SLOW_SEARCH)


def _limit(kind):
    return {**LIMITS, **(current_app.config.get("RATE_LIMITS") or {})}[kind]


# Each app (each worker process) keeps (kind, address) -> time.monotonic() until which it
# answers 429 without asking the database again: a client hammering after its 429 costs
# a dictionary look-up, not a query.  Short, so the shared count stays the judge.
REMEMBER = 5.0


def over(kind):
    """Whether this client has used up kind's allowance; False when it cannot be counted."""
    return not _judge(kind, record=False)


def take(kind):
    """Count one expensive request of kind for this client, then judge it: True if allowed.

    The request is counted (and committed) before the count is read, as sign-in does, so
    requests sent at the same moment all see one another: a burst of 25 packs from one
    address gets its allowance and 429s, not 25 jobs.
    """
    return _judge(kind, record=True)


def _judge(kind, record):
    """True if this client may go on; with record, this request is counted first."""
    allowed, window = _limit(kind)
    address = throttle.client_address()
    refused_until = current_app.extensions.setdefault("limits-refused", {})
    until = refused_until.get((kind, address))
    if until is not None and time.monotonic() < until:
        return False
    try:
        if record:
            throttle.record(kind, address)
            db.session.commit()
        used = throttle.count(kind, address, window)
    except Exception:  # no database (yet): expensive requests are then only nginx's to limit
        db.session.rollback()
        log.warning("rate limit %r not counted: the database is unavailable", kind)
        return True
    refused = used > allowed if record else used >= allowed
    if refused:
        if len(refused_until) > 10000:
            refused_until.clear()
        refused_until[(kind, address)] = time.monotonic() + min(REMEMBER, window.total_seconds())
    else:
        refused_until.pop((kind, address), None)
    return not refused


def client_key():
    """A keyed hash naming this client (for the pack queue's per-client cap), never the address."""
    return throttle.key("client", throttle.client_address())


def spend(kind):
    """Count one expensive request of kind for this client (committed at once)."""
    try:
        throttle.record(kind, throttle.client_address())
        db.session.commit()
    except Exception:  # a full or read-only disk must not stop the request itself
        db.session.rollback()
        log.warning("rate limit %r not recorded: the database is unavailable", kind)


def too_many(kind):
    """The 429 page for kind, saying when to try again (and Retry-After for programs)."""
    seconds = math.ceil(_limit(kind)[1].total_seconds())
    response = current_app.make_response(
        (render_template("too_many.html", kind=kind, minutes=max(1, math.ceil(seconds / 60))), 429))
    response.headers["Retry-After"] = str(seconds)
    return response

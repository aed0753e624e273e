"""Resident feedback: anonymous, short, and hard for a program to send in bulk.

Residents get no cookie, so the form cannot carry a session's CSRF token.  Instead it
carries a token signed with the site's secret that names the page and the time it was
shown: a post without a valid token for that page is refused, as is one sent sooner
than a person could type (MIN_SECONDS) or from a page shown more than a day ago.  A
hidden field that people never see or hear (it is inside a `hidden` element) must stay
empty.  Posts are counted per address (a keyed hash, not the address) and refused above
FEEDBACK_PER_HOUR.  No CAPTCHA: nothing here asks a person to prove anything.
"""

import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_LENGTH = 1200
MIN_SECONDS = 3
MAX_AGE = 24 * 3600


class Refused(Exception):
    """Feedback not accepted; the message says why, for the resident."""


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="feedback")


def form_token(entry, language):
    return _serializer().dumps([entry, language])


def check_token(token, entry, language):
    """Raise Refused(reason) unless token was made for this page, long enough ago."""
    try:
        (signed_entry, signed_language), made = _serializer().loads(
            token or "", max_age=MAX_AGE, return_timestamp=True)
    except SignatureExpired:
        raise Refused("expired") from None
    except (BadSignature, ValueError, TypeError):
        raise Refused("forged") from None
    if (signed_entry, signed_language) != (entry, language):
        raise Refused("forged")
    if time.time() - made.timestamp() < current_app.config.get("FEEDBACK_MIN_SECONDS", MIN_SECONDS):
        raise Refused("too-fast")

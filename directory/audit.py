"""The audit log: sign-ins, invites, reviews and status changes, who and when."""

from flask import g

from .db import db
from .models import AuditEvent

ACTIONS = {
    "sign-in": "Signed in",
    "sign-in-failed": "Sign-in refused",
    "sign-out": "Signed out",
    "invite": "Invited someone",
    "invite-accepted": "Accepted an invite",
    "invite-refused": "Invite link refused",
    "invite-revoked": "Withdrew an invite",
    "review": "Reviewed",
    "review-withdrawn": "Withdrew a review",
    "review-request": "Asked for a review",
    "feedback-status": "Changed feedback status",
    "account-changed": "Changed an account",
}


def log(action, detail="", actor=None):
    """Add an event to the current transaction (it is kept only if the request commits)."""
    assert action in ACTIONS, action
    actor = actor if actor is not None else g.get("user")
    db.session.add(AuditEvent(action=action, detail=detail[:2000],
                              actor_id=actor.id if actor is not None else None))

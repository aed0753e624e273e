"""The tables: who may sign in, what they reviewed, what residents told us, what happened."""

from datetime import datetime, timezone

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import db

ROLES = ("reviewer", "staff", "admin")
# What a reviewer can do, to match them with review items (reviews.py); labels.py names them.
SKILLS = ("easy-read", "bsl", "assistive-technology", "en", "bn", "ur", "pl", "ro", "ar")
DECISIONS = ("approved", "changes")
FEEDBACK_STATES = ("new", "in-progress", "done", "no-action")


def now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    skills: Mapped[str] = mapped_column(String(200), default="")      # space-separated SKILLS keys
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Changing it signs the account out everywhere (password set, account turned off).
    session_token: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    @property
    def skill_list(self):
        return self.skills.split()

    def can(self, role):
        """Does this account have role or a higher one?"""
        return self.active and ROLES.index(self.role) >= ROLES.index(role)


class Invite(db.Model):
    """A single-use link to set a password; only a hash of its secret is kept."""

    __tablename__ = "invites"
    __table_args__ = (UniqueConstraint("pending_email", name="uq_invites_pending_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    skills: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # An admin's reset of one account's password; empty: the invite makes a new account
    # and can never set the password of one that exists.
    for_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_invites_for_user_id_users"))
    revoked_at: Mapped[datetime | None]
    # The address while the invite can be used, emptied when it is used, revoked or
    # replaced: at most one live invite per address, even for two made at once.
    pending_email: Mapped[str | None] = mapped_column(String(254))

    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    for_user: Mapped["User | None"] = relationship(foreign_keys=[for_user_id])


class Review(db.Model):
    """A reviewer's decision on one entry x format x language, at one version of its files."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_item", "entry", "format", "language", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    version: Mapped[str] = mapped_column(String(32))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(20))
    answers: Mapped[str] = mapped_column(Text, default="{}")      # JSON: question key -> yes/no/unsure
    assistive_technology: Mapped[str] = mapped_column(String(200), default="")
    comments: Mapped[str] = mapped_column(Text, default="")
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)

    reviewer: Mapped[User] = relationship()


class ReviewRequest(db.Model):
    """Staff asking for a person to look at something the checks did not list."""

    __tablename__ = "review_requests"
    __table_args__ = (UniqueConstraint("entry", "format", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Feedback(db.Model):
    """What a resident told us about a page: anonymous, no personal details asked for."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry: Mapped[str] = mapped_column(String(100), index=True)
    language: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    staff_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped["User | None"] = relationship()


class Attempt(db.Model):
    """One counted attempt (a failed sign-in, a feedback post) for rate limits.

    The key is a keyed hash (of an address or an e-mail), never the address itself.
    """

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=now)


class CoverageDay(db.Model):
    """How many entry x format x language cells were in each state on a day."""

    __tablename__ = "coverage_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)    # YYYY-MM-DD
    counts: Mapped[str] = mapped_column(Text)                        # JSON: state -> count


class ZeroResultSearch(db.Model):
    """A search that found nothing, with how often it was made (insight.py).

    The query is redacted (no e-mail addresses, long numbers or full postcodes) before
    it is stored; nothing says who searched.
    """

    __tablename__ = "zero_result_searches"

    query: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_seen: Mapped[str] = mapped_column(String(10))                 # YYYY-MM-DD


class CheckResult(db.Model):
    """The report of the latest whole `directory check` run, as its JSON.

    Read by the accessibility statement and the staff dashboard on every web server.
    """

    __tablename__ = "check_results"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)   # "latest"
    generated: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)

"""Searches that found nothing, counted so staff can add synonyms and entries.

Only the query text and a count are kept, never who searched or when exactly.
E-mail addresses and long numbers are blanked and a full postcode is cut to its
district, so a resident who types their own details does not leave them here.
Stored in the database (table zero_result_searches), so every web server sharing
DATABASE_URL counts into, and shows, the same figures.  Counting is best effort: a
database that cannot be written (a full or read-only disk) never stops a search.
"""

import logging
import re
from contextlib import nullcontext
from datetime import date

from flask import has_app_context

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from .db import db
from .models import ZeroResultSearch

log = logging.getLogger(__name__)
MAX_LENGTH = 100


def redact(text):
    """The query with personal details blanked, lower-cased, at most 100 characters."""
    text = text.replace("\x00", "")
    text = re.sub(r"\S+@\S+", "[email]", text)
    text = re.sub(r"\+?\d[\d ]{4,}\d", "[number]", text)
    text = re.sub(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*\d[A-Za-z]{2}\b", r"\1", text)
    return " ".join(text.casefold().split())[:MAX_LENGTH]


class Insight:
    """The store of searches that found nothing, in app's database."""

    def __init__(self, app):
        self.app = app

    def _context(self):
        return nullcontext() if has_app_context() else self.app.app_context()

    def record_zero_results(self, query):
        """Count one search for query that found nothing, in a transaction of its own."""
        text = redact(query)
        if not text:
            return
        table = ZeroResultSearch.__table__
        with self._context():
            insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(table).values(query=text, count=1, last_seen=date.today().isoformat())
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.query],
            set_={"count": table.c.count + 1, "last_seen": statement.excluded.last_seen})
        try:
            with self._context(), db.engine.begin() as connection:
                connection.execute(statement)
        except SQLAlchemyError as error:
            log.warning("a search that found nothing was not counted: %s", error)

    def zero_results(self, limit=100):
        """The searches that found nothing, most frequent first: [(query, count, last_seen)]."""
        query = (select(ZeroResultSearch.query, ZeroResultSearch.count, ZeroResultSearch.last_seen)
                 .order_by(ZeroResultSearch.count.desc(), ZeroResultSearch.query).limit(limit))
        with self._context():
            return [tuple(row) for row in db.session.execute(query)]

"""Searches that found nothing, counted so staff can add synonyms and entries.

Only the query text and a count are kept, never who searched or when exactly.
E-mail addresses and long numbers are blanked and a full postcode is cut to its
district, so a resident who types their own details does not leave them here.
Stored in SQLite in the instance folder; safe with several gunicorn workers.
"""

import re
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS zero_result_searches (
    query TEXT PRIMARY KEY,
    count INTEGER NOT NULL DEFAULT 0,
    last_seen TEXT NOT NULL
)
"""
MAX_LENGTH = 100


def redact(text):
    """The query with personal details blanked, lower-cased, at most 100 characters."""
    text = re.sub(r"\S+@\S+", "[email]", text)
    text = re.sub(r"\+?\d[\d ]{4,}\d", "[number]", text)
    text = re.sub(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*\d[A-Za-z]{2}\b", r"\1", text)
    return " ".join(text.casefold().split())[:MAX_LENGTH]


class Insight:
    """The store of searches that found nothing."""

    def __init__(self, path):
        self.path = Path(path)

    def _connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(SCHEMA)
        return connection

    def record_zero_results(self, query):
        """Count one search for query that found nothing."""
        text = redact(query)
        if not text:
            return
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT INTO zero_result_searches (query, count, last_seen) VALUES (?, 1, ?) "
                "ON CONFLICT(query) DO UPDATE SET count = count + 1, last_seen = excluded.last_seen",
                (text, date.today().isoformat()))

    def zero_results(self, limit=100):
        """The searches that found nothing, most frequent first: [(query, count, last_seen)]."""
        with closing(self._connect()) as connection:
            return connection.execute(
                "SELECT query, count, last_seen FROM zero_result_searches "
                "ORDER BY count DESC, query LIMIT ?", (limit,)).fetchall()

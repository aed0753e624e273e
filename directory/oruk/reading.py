"""Reading one record's values as the content format's kinds, noting what had to change.

A value is cleaned (clean.py), then checked by the kind content/schema.py has for
its field, so what the importer writes always loads.  A value that cannot be used is
left out and a note says so, with where it was in the record.
"""

import math
import re

from ..content.schema import INVALID, URL, Email, Phone
from .clean import description_text, fit, has_html, plain_text

DESCRIPTION_LIMIT = 5000


def silent(*args, **kwargs):
    """A report function for checks whose message the importer words itself."""


class Reader:
    """Reads a record's values as the content format's kinds, noting what it had to change."""

    def __init__(self, out):
        self.out = out

    def text(self, obj, key, limit, where=None, multiline=False):
        """obj[key] as plain text within limit characters (multiline: paragraphs kept)."""
        where = where or key
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is not None and not isinstance(value, (str, int, float)):
            self.out.note(where, "should be text; left out")
            return None
        if has_html(value):
            self.out.note(where, "had HTML in a plain text field; the tags were removed")
        text = description_text(value) if multiline and isinstance(value, str) else plain_text(value)
        if text and len(text) > limit:
            self.out.note(where, f"was longer than {limit} characters; cut at a sentence or word")
            text = fit(text, limit)
        return text

    def description(self, value):
        """A description in the content's text format, within 5,000 characters."""
        if value is not None and not isinstance(value, str):
            self.out.note("description", "should be text; left out")
            return None
        text = description_text(value)
        if text and len(text) > DESCRIPTION_LIMIT:
            self.out.note("description", f"was longer than {DESCRIPTION_LIMIT:,} characters; cut "
                          "at a paragraph or sentence end")
            text = fit(text, DESCRIPTION_LIMIT)
        return text

    def url(self, value, where):
        """A web address (https:// added to a bare www.x.org), or None."""
        text = self._text_only(value, where)
        if not text:
            return None
        if not re.match(r"https?://", text, re.I) and re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/\S*)?", text, re.I):
            text = "https://" + text
        checked = URL().check(text, (), silent)
        if checked is INVALID:
            self.out.note(where, "is not a web address; left out")
            return None
        return checked

    def email(self, value, where):
        """An e-mail address, or None."""
        text = self._text_only(value, where)
        if not text:
            return None
        checked = Email().check(text.removeprefix("mailto:"), (), silent)
        if checked is INVALID:
            self.out.note(where, "is not an e-mail address; left out")
            return None
        return checked

    def _text_only(self, value, where):
        if value is not None and not isinstance(value, str):
            self.out.note(where, "should be text; left out")
            return None
        return plain_text(value)

    def phone(self, value, where):
        """A UK phone number as the content writes it, or None."""
        text = plain_text(value)
        if not text:
            return None
        checked = Phone().check(text, (), silent)
        if checked is INVALID:
            self.out.note(where, "is not a UK phone number; left out")
            return None
        return checked

    def number(self, value, where):
        """A number, from a number or text, or None."""
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, bool) or value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number):  # NaN, Infinity and 1e999 parse, but are no number
            self.out.note(where, "is not a number; left out")
            return None
        return number


def items(value):
    """A list of objects from a field that should hold one (anything else is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

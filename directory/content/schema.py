"""The content format, declared once: every field, its kind, and whether it is required.

Each kind checks a value read from YAML and returns it in its normal form, or
reports what is wrong and returns INVALID.  A Record turns a mapping into an
Entry with every declared field present (missing optional fields get their
default), so templates never meet an undefined value.  The loader adds checks
that need more than one file (categories, areas, duplicate slugs).
"""

import datetime
import difflib
import re
import types

INVALID = object()


class Entry(types.SimpleNamespace):
    """A checked record from a content file; fields are attributes."""

    def as_dict(self):
        """The entry as plain dicts and lists, for JSON and tests."""
        return {key: _plain(value) for key, value in vars(self).items()}


def _plain(value):
    if isinstance(value, Entry):
        return value.as_dict()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _kind_of(value):
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return "a date"
    if value is None:
        return "nothing"
    return "text"


class Kind:
    """A kind of value; subclasses check and normalise one value."""

    description = "a value"

    def check(self, value, path, report):
        raise NotImplementedError

    def wrong_type(self, value, path, report):
        report(path, f"should be {self.description}, not {_kind_of(value)}")
        return INVALID


class Text(Kind):
    """A line or block of text, trimmed, within a length."""

    description = "text"

    def __init__(self, max_length=None, multiline=False, pattern=None, pattern_help=None):
        self.max_length = max_length
        self.multiline = multiline
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_help = pattern_help

    def check(self, value, path, report):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return self.wrong_type(value, path, report)
        text = str(value).strip()
        if not text:
            report(path, "is empty: write something or leave the field out")
            return INVALID
        if not self.multiline and "\n" in text:
            report(path, "should be on one line")
            return INVALID
        if self.max_length and len(text) > self.max_length:
            report(path, f"is {len(text)} characters long; keep it to {self.max_length}")
            return INVALID
        markup = MARKUP.search(text)
        if markup:
            report(path, f"has HTML or other markup ('{_snippet(text, markup.start())}'): write "
                         "plain text; the site sets out every page itself")
            return INVALID
        if self.pattern and not self.pattern.fullmatch(text):
            report(path, f"'{text}' {self.pattern_help}")
            return INVALID
        return text


# What a browser would take for the start of a tag, a comment or a processing instruction:
# "<" followed at once by a letter, "/", "!" or "?".  "under 5s (<5)" and "a < b" are text.
MARKUP = re.compile(r"<[A-Za-z/!?]")


def _snippet(text, start):
    """A short piece of text from start, for a message (at most 30 characters)."""
    piece = text[start:start + 30]
    return piece if len(text) <= start + 30 else piece + "..."


class Slug(Text):
    """A short lower-case name used in web addresses: home-care."""

    description = "a short name in lower case with hyphens (like home-care)"

    def __init__(self):
        super().__init__(
            max_length=80,
            pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*",
            pattern_help="is not a valid short name: use lower-case letters, numbers and hyphens",
        )


POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})")


def normal_postcode(text):
    """A UK postcode in capitals with one space (BK1 4TR), or None if it is not one."""
    match = POSTCODE.fullmatch(re.sub(r"\s+", "", str(text).upper()))
    return f"{match.group(1)} {match.group(2)}" if match else None


class Postcode(Kind):
    """A UK postcode, written in capitals with one space."""

    description = "a postcode"

    def check(self, value, path, report):
        if not isinstance(value, str):
            return self.wrong_type(value, path, report)
        postcode = normal_postcode(value)
        if postcode is None:
            report(path, f"'{value}' is not a valid UK postcode (like BK1 4TR)")
            return INVALID
        return postcode


class Phone(Kind):
    """A UK phone number: 0121 496 0000, 0800 ..., 116 123, or Relay UK 18001 ..."""

    description = "a phone number"

    def check(self, value, path, report):
        if not isinstance(value, str):
            report(path, "should be a phone number in quotes, like \"0121 496 0000\"")
            return INVALID
        text = " ".join(value.split())
        digits = re.sub(r"[ ]", "", text)
        if digits.startswith("+44"):
            digits = "0" + digits[3:]
        if digits.startswith("18001"):
            digits = digits[5:]
        if not digits.isdigit() or not (
            (digits.startswith("0") and len(digits) in (10, 11))
            or (digits[0] in "19" and 3 <= len(digits) <= 6)
        ):
            report(path, f"'{value}' is not a UK phone number (like 0121 496 0000)")
            return INVALID
        return text


# An address as people write them (RFC 5322's dot-atom, no quoted local parts or IP
# literals): letters, digits and !#$%&'*+/=?^_`{|}~- in dot-separated parts before the @,
# then a host name of letters, digits and hyphens ending in a top-level domain of letters.
EMAIL = (r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
         r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


class Email(Text):
    """An e-mail address."""

    description = "an e-mail address"

    def __init__(self):
        super().__init__(
            max_length=254,
            pattern=EMAIL,
            pattern_help="is not an e-mail address (like advice@example.org)",
        )


class URL(Text):
    """A web address starting https:// or http://."""

    description = "a web address"

    def __init__(self):
        super().__init__(
            max_length=500,
            pattern=r"https?://[^\s/]+\.[^\s]+",
            pattern_help="is not a web address starting https://",
        )


class Integer(Kind):
    """A whole number within a range."""

    description = "a whole number"

    def __init__(self, minimum=None, maximum=None):
        self.minimum = minimum
        self.maximum = maximum

    def check(self, value, path, report):
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong_type(value, path, report)
        if self.minimum is not None and value < self.minimum:
            report(path, f"{value} is too small: it must be at least {self.minimum}")
            return INVALID
        if self.maximum is not None and value > self.maximum:
            report(path, f"{value} is too big: it must be at most {self.maximum}")
            return INVALID
        return value


class Number(Kind):
    """A number (whole or decimal) within a range."""

    description = "a number"

    def __init__(self, minimum, maximum):
        self.minimum = minimum
        self.maximum = maximum

    def check(self, value, path, report):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong_type(value, path, report)
        if not self.minimum <= value <= self.maximum:
            report(path, f"{value} is out of range ({self.minimum} to {self.maximum})")
            return INVALID
        return float(value)


class Boolean(Kind):
    """yes or no."""

    description = "yes or no"

    def check(self, value, path, report):
        if not isinstance(value, bool):
            return self.wrong_type(value, path, report)
        return value


class Date(Kind):
    """A date written 2026-09-14."""

    description = "a date written like 2026-09-14"

    def check(self, value, path, report):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        report(path, f"'{value}' is not a date written like 2026-09-14")
        return INVALID


class Time(Kind):
    """A time of day on the 24-hour clock: 09:00, 17:30."""

    description = "a time like 09:00"

    def check(self, value, path, report):
        text = str(value).strip() if isinstance(value, str) else ""
        match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])", text)
        if not match:
            report(path, f"'{value}' is not a time on the 24-hour clock (like 09:00 or 17:30)")
            return INVALID
        return f"{int(match.group(1)):02d}:{match.group(2)}"


class Choice(Kind):
    """One of a fixed set of words."""

    def __init__(self, *values):
        self.values = tuple(values)
        self.description = "one of: " + ", ".join(self.values)

    def check(self, value, path, report):
        if not isinstance(value, str):
            return self.wrong_type(value, path, report)
        word = value.strip()
        if word not in self.values:
            close = difflib.get_close_matches(word, self.values, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            report(path, f"'{word}' is not allowed here; use {self.description}.{hint}")
            return INVALID
        return word


class ListOf(Kind):
    """A list of values of one kind."""

    def __init__(self, item, min_items=0, unique=False):
        self.item = item
        self.min_items = min_items
        self.unique = unique
        self.description = f"a list of {item.description}"

    def check(self, value, path, report):
        if not isinstance(value, list):
            if isinstance(value, (str, dict)) and not isinstance(self.item, ListOf):
                report(path, "should be a list: start each item on its own line with '- '")
                return INVALID
            return self.wrong_type(value, path, report)
        if len(value) < self.min_items:
            report(path, f"needs at least {self.min_items} item(s)")
            return INVALID
        result, ok, seen = [], True, set()
        for index, item in enumerate(value):
            checked = self.item.check(item, path + (index,), report)
            if checked is INVALID:
                ok = False
                continue
            if self.unique and not isinstance(checked, Entry):
                if checked in seen:
                    report(path + (index,), f"'{checked}' is listed twice")
                    ok = False
                seen.add(checked)
            result.append(checked)
        return result if ok else INVALID


class Translations(Kind):
    """Text fields in other languages, by language code: {pl: {name: ...}, ur: {...}}."""

    description = "translations by language code"

    def __init__(self, record):
        self.record = record

    def check(self, value, path, report):
        if not isinstance(value, dict):
            return self.wrong_type(value, path, report)
        result, ok = {}, True
        for code, fields in value.items():
            if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,3}", code):
                report(path + (code,), f"'{code}' is not a language code like pl or ur")
                ok = False
                continue
            checked = self.record.check(fields, path + (code,), report)
            if checked is INVALID:
                ok = False
            else:
                result[code] = checked
        return result if ok else INVALID


class Field:
    """A field of a record: its kind, whether it is required, and its default."""

    def __init__(self, kind, required=False, default=None, help=""):
        self.kind = kind
        self.required = required
        self.default = default
        self.help = help

    def empty(self):
        """The value of this field when the file leaves it out."""
        if self.default is not None:
            return self.default
        return [] if isinstance(self.kind, ListOf) else None


class Record(Kind):
    """A group of named fields; unknown names are reported with a suggestion."""

    def __init__(self, description, fields, check_whole=None):
        self.description = description
        self.fields = fields
        self.check_whole = check_whole

    def check(self, value, path, report):
        if not isinstance(value, dict):
            return self.wrong_type(value, path, report)
        ok = True
        for key in value:
            if key not in self.fields:
                close = difflib.get_close_matches(str(key), list(self.fields), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                report(path + (key,), f"is not a field of {self.description}{hint}")
                ok = False
        result = {}
        for name, field in self.fields.items():
            raw = value.get(name)
            if raw is None or raw == [] or raw == "":
                if field.required:
                    report(path + (name,), "is required but missing" if raw is None
                           else "is required but empty")
                    ok = False
                result[name] = field.empty()
                continue
            checked = field.kind.check(raw, path + (name,), report)
            if checked is INVALID:
                ok = False
            result[name] = checked
        if not ok:
            return INVALID
        entry = Entry(**result)
        if self.check_whole and not self.check_whole(entry, path, report):
            return INVALID
        return entry

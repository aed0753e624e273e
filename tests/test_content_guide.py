"""docs/content-guide.md documents every field the format declares."""

import re

from directory.content import bsl, fields
from directory.content.schema import ListOf, Record, Translations

from .conftest import ROOT

GUIDE = (ROOT / "docs" / "content-guide.md").read_text()
DOCUMENTED = set(re.findall(r"`([a-z_0-9]+)`", GUIDE))


def _field_names(record):
    for name, field in record.fields.items():
        yield name
        kind = field.kind.item if isinstance(field.kind, ListOf) else field.kind
        kind = kind.record if isinstance(kind, Translations) else kind
        if isinstance(kind, Record):
            yield from _field_names(kind)


def test_every_field_is_documented():
    declared = set()
    for record in (fields.SERVICE, fields.SITE, fields.CATEGORY, bsl.BSL):
        declared |= set(_field_names(record))
    assert declared - DOCUMENTED == set()


def test_every_accessibility_word_is_documented():
    for word, label in fields.ACCESSIBILITY.items():
        assert f"| `{word}` | {label._args[0]} |" in GUIDE

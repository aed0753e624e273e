"""Translations of an entry's text, kept beside the English in the entry's folder.

    content/services/<slug>/translations/<code>.yaml

Each file records which version of the English it translates: `source` is a
hash of the English text fields (`source_hash`), so a translation is stale
exactly when the English has changed since; a comparison, not a guess.  Its
`fields` map each translatable field's path (`name`, `phones[0].label`,
`locations[1].directions`, ...) to the translated text.
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field

from . import yamlsource
from .problems import ERROR, WARNING, Problem
from .schema import INVALID, Boolean, Date, Entry, Text

SOURCE_LENGTH = 16


@dataclass
class Translation:
    """One language's version of an entry's text."""

    language: str
    file: str
    fields: dict
    source: str
    current_source: str
    reviewed: bool = False
    reviewed_by: str | None = None
    reviewed_on: object = None
    missing: list = field(default_factory=list)

    @property
    def stale(self):
        """The English has changed since this was translated."""
        return self.source != self.current_source

    @property
    def complete(self):
        return not self.missing

    # Search documents read these three directly.
    @property
    def name(self):
        return self.fields.get("name", "")

    @property
    def summary(self):
        return self.fields.get("summary", "")

    @property
    def description(self):
        return self.fields.get("description", "")


def source_texts(service):
    """Every translatable English text of a service, by field path, in page order."""
    texts = {}

    def put(path, value):
        if value:
            texts[path] = value

    for name in ("name", "summary", "description", "how_to_use", "eligibility"):
        put(name, getattr(service, name))
    put("cost.description", service.cost.description)
    for i, phone in enumerate(service.phones):
        put(f"phones[{i}].label", phone.label)
    for i, contact in enumerate(service.contacts):
        put(f"contacts[{i}].role", contact.role)
    for i, location in enumerate(service.locations):
        put(f"locations[{i}].directions", location.directions)
        put(f"locations[{i}].accessibility_notes", location.accessibility_notes)
        for j, schedule in enumerate(location.schedules):
            put(f"locations[{i}].schedules[{j}].note", schedule.note)
    for i, schedule in enumerate(service.schedules):
        put(f"schedules[{i}].note", schedule.note)
    return texts


def source_hash(service):
    """A short hash of the English texts a translation is made from."""
    data = json.dumps(source_texts(service), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:SOURCE_LENGTH]


def load_translation(path, relative, service, code, problems):
    """Read and check one translation file; add its problems; return a Translation or None."""
    def report(where, message, severity=ERROR, line=None):
        line = line or (located.line(where) if located else 1)
        problems.append(Problem(relative, line, ".".join(map(str, where)), message, severity))

    located = None
    try:
        located = yamlsource.load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        report((), "is not saved as UTF-8 text")
        return None
    except yamlsource.YAMLError as error:
        problems.append(Problem(relative, error.line, error.field, error.message))
        return None
    data = located.value
    if not isinstance(data, dict):
        report((), "should have 'source' and 'fields'")
        return None
    for key in data:
        if key not in ("source", "reviewed", "reviewed_by", "reviewed_on", "fields"):
            report((key,), "is not a field of a translation")
    source = data.get("source")
    if not isinstance(source, str) or len(source) != SOURCE_LENGTH:
        report(("source",), "should be the source hash printed by 'directory translation-template'")
        return None
    reviewed = Boolean().check(data.get("reviewed", False), ("reviewed",), report)
    reviewed_on = data.get("reviewed_on")
    if reviewed_on is not None:
        reviewed_on = Date().check(reviewed_on, ("reviewed_on",), report)
    fields = data.get("fields")
    if not isinstance(fields, dict):
        report(("fields",), "should list the translated fields")
        return None
    english = source_texts(service)
    translated = {}
    for key, value in fields.items():
        if key not in english:
            report(("fields", key), f"'{key}' is not a field of the English entry with text in it")
            continue
        text = Text(multiline=True, max_length=6000).check(value, ("fields", key), report)
        if text is not INVALID:
            translated[key] = text
    missing = [key for key in english if key not in translated]
    translation = Translation(
        language=code, file=relative, fields=translated, source=source,
        current_source=source_hash(service), reviewed=reviewed is True,
        reviewed_by=data.get("reviewed_by"), reviewed_on=reviewed_on, missing=missing)
    if missing:
        report(("fields",), f"is not complete: no translation of {', '.join(missing)}", WARNING)
    if translation.stale:
        report(("source",), "is out of date: the English has changed since this was translated",
               WARNING)
    return translation


_LOCALISED = {}


def localise(service, translation):
    """A copy of service with the translated texts in place; and the paths left in English.

    Kept for the next page or leaflet of the same entry and language (a deep copy of the
    entry was a fifth of the time of making a leaflet's HTML), under the objects
    themselves, which live as long as the loaded directory; a few dozen are kept.  The
    copy is shared: callers read it and never change it.
    """
    key = (id(service), id(translation))
    kept = _LOCALISED.get(key)
    if kept is None or kept[0] is not service or kept[1] is not translation:
        if len(_LOCALISED) >= 48:
            _LOCALISED.clear()
        if translation is None:
            made = service, frozenset(source_texts(service))
        else:
            local = copy.deepcopy(service)
            for path, text in translation.fields.items():
                _set(local, path, text)
            made = local, frozenset(translation.missing)
        kept = _LOCALISED[key] = (service, translation, made)
    return kept[2]


def _set(entry, path, value):
    target = entry
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else getattr(target, part)
    setattr(target, parts[-1], value)


def template(service, code):
    """A translation file to fill in: the source hash and the English to translate."""
    lines = [f"# {code} translation of '{service.name}'. Replace the English under 'fields'.",
             f"source: {source_hash(service)}", "reviewed: false", "fields:"]
    for path, text in source_texts(service).items():
        if "\n" in text:
            lines.append(f"  {path}: |")
            lines += [f"    {line}" if line else "" for line in text.splitlines()]
        else:
            lines.append(f"  {path}: {json.dumps(text, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


__all__ = ["Translation", "source_texts", "source_hash", "load_translation", "localise",
           "template", "Entry"]

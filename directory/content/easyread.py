"""Easy read versions of entries: short sentences, each point with a picture.

    content/services/<slug>/easy-read.yaml                  the English easy read
    content/services/<slug>/translations/<code>.easy-read.yaml   a translation of it

The English easy read records which version of the entry it was written from
(`source`, the same hash translations use), so it goes stale when the entry
changes; a translated easy read records which version of the English easy read
it translates.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

from . import yamlsource
from .problems import ERROR, WARNING, Problem
from .schema import INVALID, Text

# Sentence ends in the scripts we publish in: . ! ? and the Bengali dari, Urdu and Arabic marks.
SENTENCE_END = re.compile(r"(?<=[.!?।۔؟])\s+|\n+")


def sentences(text):
    """The sentences of a point's text."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


@dataclass
class Point:
    """One picture and the words beside it."""

    picture: object
    alt: str
    text: str
    line: int

    @property
    def sentences(self):
        return sentences(self.text)


@dataclass
class EasyRead:
    """An easy read version of an entry, in one language."""

    language: str
    file: str
    title: str
    points: list
    source: str
    current_source: str
    translations: dict = field(default_factory=dict)

    @property
    def stale(self):
        return self.source != self.current_source

    def fingerprint(self):
        """A hash of the words, which translations of this easy read record."""
        data = json.dumps([self.title, [(p.alt, p.text) for p in self.points]], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _read(path, relative, problems):
    try:
        return yamlsource.load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(relative, 1, "", "is not saved as UTF-8 text"))
    except yamlsource.YAMLError as error:
        problems.append(Problem(relative, error.line, error.field, error.message))
    return None


def load_easy_read(path, relative, source_hash, pictures, problems, code="en", english=None):
    """Read and check an easy read file; add problems; return EasyRead or None if broken.

    For a translation, pass the English EasyRead as english: pictures come from it.
    """
    before = len(problems)

    def report(where, message, severity=ERROR):
        problems.append(Problem(relative, located.line(where), _name(where), message, severity))

    located = _read(path, relative, problems)
    if located is None:
        return None
    data = located.value
    if not isinstance(data, dict):
        problems.append(Problem(relative, 1, "", "should have 'source', 'title' and 'points'"))
        return None
    for key in data:
        if key not in ("source", "title", "points"):
            report((key,), "is not a field of an easy read file")
    source = data.get("source")
    if not isinstance(source, str) or len(source) != 16:
        report(("source",), "should be the source hash printed by 'directory translation-template'")
    title = Text(max_length=120).check(data.get("title", ""), ("title",), report)
    points_data = data.get("points")
    if not isinstance(points_data, list) or not points_data:
        report(("points",), "should be a list of points, each with a picture, alt and text")
        return None
    if english is not None and len(points_data) != len(english.points):
        report(("points",), f"has {len(points_data)} points but the English easy read has "
                            f"{len(english.points)}; translate each point in order")
    points = []
    for index, item in enumerate(points_data):
        where = ("points", index)
        if not isinstance(item, dict):
            report(where, "should have a picture, alt and text")
            continue
        allowed = ("alt", "text") if english is not None else ("picture", "alt", "text")
        for key in item:
            if key not in allowed:
                report(where + (key,), "is not a field of a point" + (
                    " (a translation reuses the English pictures)" if key == "picture" else ""))
        if english is not None:
            picture = english.points[index].picture if index < len(english.points) else None
        else:
            reference = item.get("picture")
            picture = pictures.find(reference) if reference and pictures else None
            if not reference:
                report(where + ("picture",), "is required: every point has a picture")
            elif pictures is None:
                report(where + ("picture",), "cannot be checked: the picture library is not installed")
            elif picture is None:
                report(where + ("picture",), f"'{reference}' is not a picture in the OpenMoji set "
                                             "(use its name, like 'telephone receiver', or code, like 1F4DE)")
        alt = Text(max_length=150).check(item.get("alt", ""), where + ("alt",), report)
        text = Text(max_length=600, multiline=True).check(item.get("text", ""), where + ("text",), report)
        if INVALID not in (alt, text):
            points.append(Point(picture=picture, alt=alt, text=text, line=located.line(where)))
    if any(p.severity == ERROR for p in problems[before:]):
        return None
    current = english.fingerprint() if english is not None else source_hash
    easy = EasyRead(language=code, file=relative, title=title, points=points, source=source,
                    current_source=current)
    if easy.stale:
        report(("source",), "is out of date: " + ("the English easy read" if english else "the entry")
               + " has changed since this was written", WARNING)
    return easy


def _name(where):
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text

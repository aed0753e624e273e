"""Importing a feed: plan every entry, write them all aside, then move them into place.

1. The entries already in content/services are found by `feed_id`, read as text
   only, so a re-import of thousands of entries takes seconds.  An entry with no
   `feed_id` was written by hand and is never overwritten: a record with its `id`
   is skipped.
2. Each record is mapped (mapping.py) and written out as text (yamlwrite.py); the
   same bytes as the file already there is "unchanged", and nothing is written.
3. New and changed service.yaml files go into a temporary folder in the content
   folder first; only when every one is written are they moved into place, each
   with one rename.  An import that dies leaves the content as it was, or (if it
   dies while moving) each entry either old or new, never half-written.

Only service.yaml is ever written: easy-read.yaml, translations/ and bsl/ are left
alone, and go stale by their `source` hash when the English changes (the report
lists them, from the loader's own checks).  Entries
whose feed_id is no longer in the feed are reported, never deleted.
"""

import datetime
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..content import load_directory
from ..content.loader import ID_NAMESPACE
from ..runlock import run_lock
from .feed import read_feed
from .mapping import Context, Mapped, entry_id, feed_id_of, map_record
from .yamlwrite import dump_service

STAGING_PREFIX = ".import-"
IMPORT_LOCK = ".import.lock"   # in the content folder, held while an import runs (runlock.py)
SHOWN = 10  # records listed under each kind of problem in the report
_TOP_LEVEL = re.compile(rb"^(id|feed_id|last_reviewed):[ \t]*(.*?)[ \t]*$", re.M)
_INDEX = re.compile(r"\[\d+\]")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ImportRefused(Exception):
    """An import that cannot start: the content's own site files are broken."""


@dataclass
class Existing:
    """An entry already in the content folder, read as text until more is needed."""

    slug: str
    path: Path
    raw: bytes
    id: str | None = None
    feed_id: str | None = None
    reviewed: str | None = None
    _data: dict | None = None

    def data(self):
        """The whole file as YAML (parsed only when needed: it is the slow part)."""
        if self._data is None:
            try:
                loaded = yaml.load(self.raw, Loader=_YAML_LOADER)
            except yaml.YAMLError:
                loaded = None
            self._data = loaded if isinstance(loaded, dict) else {}
        return self._data

    def previous_slugs(self):
        """The entry's old slugs, which an import keeps (the feed has no such field)."""
        if b"previous_slugs:" not in self.raw:
            return []
        value = self.data().get("previous_slugs")
        return [str(slug) for slug in value] if isinstance(value, list) else []

    def categories(self):
        """The entry's categories, kept when no taxonomy term of the feed maps to one."""
        value = self.data().get("categories")
        return [str(slug) for slug in value] if isinstance(value, list) else []

    def last_reviewed(self):
        """The entry's last_reviewed date, kept when the feed gives none."""
        try:
            return datetime.date.fromisoformat(self.reviewed) if self.reviewed else None
        except ValueError:
            return None


def scan_content(services):
    """Every entry in a services folder, by slug, with its id and feed_id read as text."""
    found = {}
    for path in sorted(services.glob("*/service.yaml")) if services.is_dir() else []:
        raw = path.read_bytes()
        entry = Existing(path.parent.name, path, raw)
        for key, value in _TOP_LEVEL.findall(raw):
            text = _unquote(value.decode("utf-8", "replace"))
            setattr(entry, {b"id": "id", b"feed_id": "feed_id", b"last_reviewed": "reviewed"}[key],
                    text)
        entry.id = (entry.id or str(uuid.uuid5(ID_NAMESPACE, entry.slug))).lower()
        found[entry.slug] = entry
    return found


def _unquote(text):
    """A top-level value as YAML reads it: quotes and escapes (\\" \\\\ \\t) undone, a comment
    after a plain value dropped."""
    if text[:1] in ("\"", "'"):
        try:
            value = yaml.load(text, Loader=_YAML_LOADER)
        except yaml.YAMLError:
            value = None
        if isinstance(value, str):
            return value
        if len(text) >= 2 and text[0] == text[-1]:
            return text[1:-1]
    return re.sub(r"\s+#.*$", "", text)


@dataclass
class Planned:
    """One entry to write: created, updated or unchanged."""

    kind: str
    slug: str
    text: str
    mapped: object


@dataclass
class Summary:
    """What an import did (or would do), and every problem it met."""

    feed: object
    planned: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    gone: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    formats: list = field(default_factory=list)  # problems of the other formats of updated entries
    dry_run: bool = False

    def of(self, kind):
        """The planned entries of one kind: created, updated or unchanged."""
        return [p for p in self.planned if p.kind == kind]

    @property
    def counts(self):
        """Created, updated, unchanged, skipped and gone, as numbers."""
        counts = {kind: len(self.of(kind)) for kind in ("created", "updated", "unchanged")}
        return {**counts, "skipped": len(self.skipped), "gone": len(self.gone)}

    def lines(self):
        """The report printed at the end of an import."""
        feed, counts = self.feed, self.counts
        lines = [f"Read {len(feed.records)} record(s): {feed.shape}, imported as {feed.format}."]
        lines += [f"Note: {note}" for note in self.notes]
        lines.append(f"{'Would create' if self.dry_run else 'Created'} {counts['created']}, "
                     f"{'update' if self.dry_run else 'updated'} {counts['updated']}, "
                     f"unchanged {counts['unchanged']}, skipped {counts['skipped']}, "
                     f"gone from the feed {counts['gone']}.")
        for kind in ("created", "updated"):
            planned = self.of(kind)
            if planned:
                lines.append(f"{kind.capitalize()}:")
                lines += [f"  content/services/{p.slug}: {_who(p.mapped)}" for p in planned[:50]]
                if len(planned) > 50:
                    lines.append(f"  and {len(planned) - 50} more")
        if self.skipped:
            lines.append("Skipped (nothing written for these records):")
            for mapped in self.skipped:
                lines.append(f"  {_who(mapped)}: {'; '.join(mapped.skipped)}")
        if self.gone:
            lines.append("Gone from the feed (not deleted: remove the folder if the service "
                         "has closed):")
            lines += [f"  content/services/{e.slug} (feed id {_shown(e.feed_id)})"
                      for e in self.gone]
        problems, unknown = {}, {}
        for mapped in self.skipped + [p.mapped for p in self.planned]:
            for where, message in mapped.notes:
                kind = f"{_INDEX.sub('[]', where)}: {message}"
                problems.setdefault(kind, []).append((mapped, where))
            for name in mapped.unknown:
                unknown.setdefault(name, []).append((mapped, None))
        if problems:
            lines.append("Problems worked round (the value was cleaned or left out):")
            for message, found in sorted(problems.items()):
                lines.append(f"  {message}: {_records(found)}")
        if unknown:
            lines.append("Unknown fields, ignored:")
            for name, found in sorted(unknown.items()):
                lines.append(f"  {name}: {_records(found)}")
        if self.formats:
            lines.append("Easy read, translations and BSL of updated entries to bring up to "
                         "date (the import never changes them):")
            lines += [f"  {problem}" for problem in self.formats]
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _who(mapped):
    where = f"record {mapped.position}"
    return f"{where} (id {_shown(mapped.feed_id)})" if mapped.feed_id else where


def _shown(feed_id):
    """An id as the report prints it: quoted when it holds tabs, line breaks or the like."""
    return feed_id if feed_id.isprintable() else json.dumps(feed_id, ensure_ascii=False)


def _records(found):
    """'2 record(s): record 1 (id a) at phones[0], phones[2], record 4 (id b)'."""
    records = {}
    for mapped, where in found:  # one record with the problem in several places is one record
        places = records.setdefault(id(mapped), (mapped, []))[1]
        if where and "[" in where:
            places.append(where)
    shown = [_who(mapped) + (f" at {', '.join(places)}" if places else "")
             for mapped, places in list(records.values())[:SHOWN]]
    more = f" and {len(records) - SHOWN} more" if len(records) > SHOWN else ""
    return f"{len(records)} record(s): {', '.join(shown)}{more}"


def plan_import(feed, services, context):
    """Map every record of feed against the entries in services; write nothing."""
    existing = scan_content(services)
    by_feed_id = {e.feed_id: e for e in existing.values() if e.feed_id}
    by_id = {e.id: e for e in existing.values()}
    taken = set(existing) | {old for e in existing.values() for old in e.previous_slugs()}
    summary = Summary(feed, notes=list(feed.notes))
    first, claimed = {}, {}
    for position, record in enumerate(feed.records, 1):
        feed_id = feed_id_of(record)
        if feed_id is not None and feed_id in first:
            summary.skipped.append(Mapped(position, feed_id, skipped=[
                f"has the same id as record {first[feed_id]}; only the first is imported"]))
            continue
        if feed_id is not None:
            first[feed_id] = position
        match = by_feed_id.get(feed_id) if feed_id else None
        same_id = by_id.get(entry_id(feed_id)) if feed_id and match is None else None
        mapped = map_record(record, position, feed.format, context, match)
        if same_id is not None:  # never overwrite an entry the feed did not write
            mapped.skipped.append(_id_taken(same_id))
        if match is not None and match.slug in claimed:
            mapped.skipped.append(f"is the same entry (content/services/{match.slug}) as record "
                                  f"{claimed[match.slug]}")
        if mapped.skipped:
            summary.skipped.append(mapped)
            continue
        if match is None:
            slug = _new_slug(_slug_source(mapped), taken)
            taken.add(slug)
            summary.planned.append(Planned("created", slug, dump_service(mapped.fields), mapped))
            continue
        claimed[match.slug] = position
        text = dump_service(mapped.fields)
        kind = "unchanged" if text.encode("utf-8") == match.raw else "updated"
        summary.planned.append(Planned(kind, match.slug, text, mapped))
    summary.gone = [e for e in existing.values() if e.feed_id and e.feed_id not in first]
    return summary


def _id_taken(entry):
    """Why a record whose id is an entry's that has another feed_id, or none, is skipped."""
    where = f"content/services/{entry.slug}"
    if entry.feed_id is None:
        return (f"has the id of {where}, which was written by hand and is never overwritten "
                f"by an import: to let this feed update it, add 'feed_id: {entry.id}' to its "
                "service.yaml; if it is another service, the feed must give it another id")
    return (f"has the id of {where}, which was imported from feed id {_shown(entry.feed_id)}: "
            "only one of them can have it")


def _slug_base(name):
    """A folder name's letters from a name: lower case, a to z and 0 to 9 (é is e)."""
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    return base[:72].rsplit("-", 1)[0] if len(base) > 72 else base


def _slug_source(mapped):
    """What a new entry's folder is named after: its name, else (a name in Bengali, Arabic
    or another script with no letters a to z) its organisation's, else its id."""
    name, organisation = mapped.fields["name"], mapped.fields["organisation"]["name"]
    if _slug_base(name):
        return name
    mapped.note("name", "has no letters a to z to name the folder by, so the folder is named "
                "after the organisation (or the id); you may rename the folder: see "
                "previous_slugs in docs/content-guide.md")
    return organisation if _slug_base(organisation) else f"service {mapped.id[:8]}"


def _new_slug(name, taken):
    base = _slug_base(name) or "service"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def write_import(summary, content_root):
    """Write every created and updated entry aside, then move each into place."""
    services = Path(content_root) / "services"
    services.mkdir(parents=True, exist_ok=True)
    changes = [p for p in summary.planned if p.kind in ("created", "updated")]
    if not changes:
        return
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=content_root))
    try:
        for planned in changes:
            (staging / planned.slug).mkdir()
            _write_file(staging / planned.slug / "service.yaml", planned.text)
        for planned in changes:  # from here on, only renames
            if planned.kind == "created":
                _move(staging / planned.slug, services / planned.slug)
            else:
                _move(staging / planned.slug / "service.yaml",
                      services / planned.slug / "service.yaml")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_file(path, text):
    with open(path, "wb") as handle:
        handle.write(text.encode("utf-8"))


def _move(source, target):
    """Put a folder or file in place in one step (the same file system: the content folder)."""
    if source.is_file():
        os.replace(source, target)
    else:
        os.rename(source, target)


def import_feed(path, content_root, format="auto", default_category=None, today=None,
                dry_run=False):
    """Import the feed at path into content_root; return the Summary.

    Raises FeedError if the feed cannot be read, ImportRefused if the content's
    site.yaml or taxonomy.yaml has errors.
    """
    content_root = Path(content_root)
    feed = read_feed(path, format)
    site = load_directory(content_root, only=".no-service-", pictures=False)
    broken = sorted({p.file for p in site.errors})
    if broken:
        raise ImportRefused(f"{', '.join(broken)} must be fixed first (directory content-check)")
    if default_category is not None and default_category not in site.categories:
        raise ImportRefused(f"--default-category '{default_category}' is not a category in "
                          "taxonomy.yaml")
    context = Context(site.site, site.categories, site.postcodes,
                      today or datetime.date.today(), default_category)
    if dry_run:
        summary = plan_import(feed, content_root / "services", context)
        summary.dry_run = True
        return summary
    # One import at a time (raises runlock.Busy naming the one running): a second one
    # would plan against files the first is changing, and take its staging folder
    # for a leftover and remove it.
    with run_lock(content_root / IMPORT_LOCK, "import"):
        leftovers = sorted(content_root.glob(STAGING_PREFIX + "*"))   # only a stopped import's
        summary = plan_import(feed, content_root / "services", context)
        summary.dry_run = False
        for leftover in leftovers:  # from an import that was killed
            shutil.rmtree(leftover, ignore_errors=True)
            summary.notes.append(f"removed {leftover.name}, left by an import that was stopped")
        write_import(summary, content_root)
        summary.formats = other_formats(summary, content_root, context.today)
    return summary


OTHER_FORMATS = ("easy-read.yaml", "translations", "bsl")


def _in_other_format(file, slug):
    parts = Path(file).parts
    return any(parts[i:i + 2] == ("services", slug) and parts[i + 2] in OTHER_FORMATS
               for i in range(len(parts) - 2))


def other_formats(summary, content_root, today):
    """The problems, now, of the easy read, translations and BSL of the updated entries.

    The import never touches them, so they go out of date (a warning), and a translation
    of a field the feed no longer has (a phone label, say) no longer loads (an error).
    """
    found = []
    loader_log = logging.getLogger(load_directory.__module__)
    quiet, loader_log.disabled = loader_log.disabled, True  # the report says it once
    try:
        for planned in summary.of("updated"):
            folder = Path(content_root) / "services" / planned.slug
            if not any((folder / name).exists() for name in OTHER_FORMATS):
                continue
            directory = load_directory(content_root, today=today, only=planned.slug)
            found += [problem for problem in directory.problems
                      if _in_other_format(problem.file, planned.slug)]
    finally:
        loader_log.disabled = quiet
    return found

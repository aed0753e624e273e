"""Importing a feed: plan every entry, write them all aside, then move them into place.

1. The entries already in content/services are found by `feed_id` (or `id`), read
   as text only, so a re-import of thousands of entries takes seconds.
2. Each record is mapped (mapping.py) and written out as text (yamlwrite.py); the
   same bytes as the file already there is "unchanged", and nothing is written.
3. New and changed service.yaml files go into a temporary folder in the content
   folder first; only when every one is written are they moved into place, each
   with one rename.  An import that dies leaves the content as it was, or (if it
   dies while moving) each entry either old or new, never half-written.

Only service.yaml is ever written: easy-read.yaml, translations/ and bsl/ are left
alone, and go stale by their `source` hash when the English changes.  Entries
whose feed_id is no longer in the feed are reported, never deleted.
"""

import datetime
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
from .feed import read_feed
from .mapping import Context, Mapped, entry_id, feed_id_of, map_record
from .yamlwrite import dump_service

STAGING_PREFIX = ".import-"
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
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
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
            lines += [f"  content/services/{e.slug} (feed id {e.feed_id})" for e in self.gone]
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
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _who(mapped):
    where = f"record {mapped.position}"
    return f"{where} (id {mapped.feed_id})" if mapped.feed_id else where


def _records(found):
    shown = [_who(mapped) + (f" at {where}" if where and "[" in where else "")
             for mapped, where in found[:SHOWN]]
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return f"{len(found)} record(s): {', '.join(shown)}{more}"


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
        match = (by_feed_id.get(feed_id) or by_id.get(entry_id(feed_id))) if feed_id else None
        mapped = map_record(record, position, feed.format, context, match)
        if match is not None and match.slug in claimed:
            mapped.skipped.append(f"is the same entry (content/services/{match.slug}) as record "
                                  f"{claimed[match.slug]}")
        if mapped.skipped:
            summary.skipped.append(mapped)
            continue
        if match is None:
            slug = _new_slug(mapped.fields["name"], taken)
            taken.add(slug)
            summary.planned.append(Planned("created", slug, dump_service(mapped.fields), mapped))
            continue
        claimed[match.slug] = position
        text = dump_service(mapped.fields)
        kind = "unchanged" if text.encode("utf-8") == match.raw else "updated"
        summary.planned.append(Planned(kind, match.slug, text, mapped))
    summary.gone = [e for e in existing.values() if e.feed_id and e.feed_id not in first]
    return summary


def _new_slug(name, taken):
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    base = (base[:72].rsplit("-", 1)[0] if len(base) > 72 else base) or "service"
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
    leftovers = sorted(content_root.glob(STAGING_PREFIX + "*"))
    context = Context(site.site, site.categories, site.postcodes,
                      today or datetime.date.today(), default_category)
    summary = plan_import(feed, content_root / "services", context)
    summary.dry_run = dry_run
    if not dry_run:
        for leftover in leftovers:  # from an import that was killed
            shutil.rmtree(leftover, ignore_errors=True)
            summary.notes.append(f"removed {leftover.name}, left by an import that was stopped")
        write_import(summary, content_root)
    return summary

"""The search index on disk: built whole into a new folder and swapped in, or updated.

Layout under <instance>/index/:
    builds/<name>/     one complete Whoosh index each, with meta.json
    current            a symbolic link to the build in use

`build` writes a new build and only then points `current` at it (an atomic
rename), so searches keep working during a rebuild and a rebuild that dies
leaves the old index serving.  `update_service` changes one service's documents
in the current index in place (Whoosh writes a new segment; readers see it
when they refresh).
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec import whoosh3

from .analysis import stemmed_languages
from .documents import PLACEHOLDER, SCHEMA_VERSION, make_schema, service_documents

INDEX_NAME = "services"


def _cached_reader(self, fieldname, column, _original=whoosh3.W3PerDocReader._cached_reader):
    # Whoosh caches a segment's length column once found, but asks the disk again on every
    # call when a field has none (a field no document in the segment uses): at commit
    # that is one stat() per posting, a fifth of the build.  Remember the answer either way.
    if fieldname not in self._readers:
        self._readers[fieldname] = _original(self, fieldname, column)
    return self._readers[fieldname]


whoosh3.W3PerDocReader._cached_reader = _cached_reader


class IndexUnavailable(Exception):
    """The index is missing or was built by another version: says what to run."""


def index_root(instance_dir):
    """Where the index lives inside the instance folder."""
    return Path(instance_dir) / "index"


def offered_codes(directory):
    """Language codes the site offers, from site.yaml."""
    return [language.code for language in directory.site.languages]


def build(directory, root, progress=None, procs=None):
    """Build a complete index of directory into a new folder and swap it in; return its path."""
    root = Path(root)
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=builds))
    offered = offered_codes(directory)
    stems = stemmed_languages(offered)
    ix = whoosh_index.create_in(target, make_schema(stems), indexname=INDEX_NAME)
    # Two processes share the work; a batch is a whole number of service blocks, so every
    # segment keeps document d in language slot d % len(offered) (see documents.py).
    if procs is None:
        procs = min(2, os.cpu_count() or 1) if len(directory.services) > 200 else 1
    writer = ix.writer(limitmb=256, procs=procs, batchsize=len(offered) * 200,
                       multisegment=True) if procs > 1 else ix.writer(limitmb=256)
    count = 0
    try:
        for service in directory.services.values():
            for document in service_documents(service, directory, offered, stems):
                writer.add_document(**document)
                count += document["language"] != PLACEHOLDER
            if progress:
                progress(service.slug)
        writer.commit(optimize=procs == 1)
    except BaseException:
        writer.cancel()
        shutil.rmtree(target, ignore_errors=True)
        raise
    meta = {"schema_version": SCHEMA_VERSION, "languages": offered, "stemmed": stems,
            "documents": count, "services": len(directory.services),
            "built": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (target / "meta.json").write_text(json.dumps(meta, indent=2))
    _point_current_at(root, target)
    _remove_old_builds(builds, keep=target)
    return target


def _point_current_at(root, target):
    link = root / "current"
    temporary = root / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(Path("builds") / target.name, temporary)
    os.replace(temporary, link)


def _remove_old_builds(builds, keep):
    for folder in builds.iterdir():
        if folder != keep and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def current_path(root):
    """The folder of the index in use, or None if there is none."""
    link = Path(root) / "current"
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def open_index(root):
    """Open the current index and its metadata; raise IndexUnavailable with what to run."""
    path = current_path(root)
    if path is None or not whoosh_index.exists_in(path, indexname=INDEX_NAME):
        raise IndexUnavailable(f"there is no search index in {root}: run 'directory index'")
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (OSError, ValueError):
        raise IndexUnavailable(f"the search index in {path} is incomplete: run 'directory index'") from None
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"the search index in {path} was built by another version "
            f"(schema {meta.get('schema_version')}, this version uses {SCHEMA_VERSION}): "
            "run 'directory index'")
    try:
        ix = whoosh_index.open_dir(path, indexname=INDEX_NAME)
    except Exception as error:  # Whoosh raises many kinds for damaged files
        raise IndexUnavailable(f"the search index in {path} cannot be opened ({error}): "
                               "run 'directory index'") from None
    return ix, meta


def update_service(root, directory, slug):
    """Re-index one service in the current index (or remove it if it is gone); return doc count."""
    ix, meta = open_index(root)
    offered = meta["languages"]
    stems = meta["stemmed"]
    writer = ix.writer(timeout=10)
    try:
        writer.delete_by_term("slug", slug)
        documents = []
        service = directory.services.get(slug)
        if service is not None:
            documents = service_documents(service, directory, offered, stems)
            for document in documents:   # the whole block, placeholders too
                writer.add_document(**document)
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise
    return sum(d["language"] != PLACEHOLDER for d in documents)

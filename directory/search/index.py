"""The search index on disk: built whole into a new folder and swapped in.

Layout under <instance>/index/:
    builds/<name>/     one complete Whoosh index each, with meta.json
    current            a symbolic link to the build in use
    previous           a symbolic link to the good build before it, kept to fall back on
    build.lock         held by the one build or update running (runlock.py)

`build` writes a new build and only then points `current` at it (an atomic
rename), so searches keep working during a rebuild and a rebuild that dies
leaves the old index serving.  `update_service` copies the current build,
changes one service's documents in the copy and swaps it in the same way.

meta.json records every file's size and SHA-256.  A build is opened only if its
files match (`open_index`); if the current one does not, the previous one is
served, or IndexUnavailable says what to run.  Files are read with read(), never
mapped into memory: a truncated file must be an error, not SIGBUS in the worker.
"""

import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

from ..runlock import run_lock

from .analysis import stemmed_languages
from .documents import PLACEHOLDER, SCHEMA_VERSION, make_schema, service_documents

INDEX_NAME = "services"
META = "meta.json"
STAGING = ".staging-"       # a marker in a build still being written: .staging-<pid>


@contextmanager
def _length_columns_remembered():
    """While writing, remember that a segment has no length column for a field.

    Whoosh caches a segment's length column once found, but asks the disk again on
    every call when a field has none (a field no document in the segment uses): at
    commit that is one stat() per posting, a fifth of the build (3,000 services:
    29.8 s with this, 36.6 s without).  Only builds and updates change Whoosh's
    reader, and only while they write; searches use Whoosh as it is.
    """
    original = whoosh3.W3PerDocReader._cached_reader

    def cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            self._readers[fieldname] = original(self, fieldname, column)
        return self._readers[fieldname]

    whoosh3.W3PerDocReader._cached_reader = cached_reader
    try:
        yield
    finally:
        whoosh3.W3PerDocReader._cached_reader = original


class IndexUnavailable(Exception):
    """The index is missing, damaged or was built by another version: says what to run."""


class IndexDamaged(IndexUnavailable):
    """A build's files do not match the sizes and checksums it recorded."""


@dataclass
class Opened:
    """A build opened for searching, and why it is not the current one if it is not."""

    ix: object
    meta: dict
    path: Path
    problem: str | None = None


def index_root(instance_dir):
    """Where the index lives inside the instance folder."""
    return Path(instance_dir) / "index"


def offered_codes(directory):
    """Language codes the site offers, from site.yaml."""
    return [language.code for language in directory.site.languages]


class _ReadWholeStorage(FileStorage):
    """Whoosh's file storage, but a file opened for reading is read whole into memory.

    Whoosh maps segment files into memory by default, and a segment file truncated
    under a running search then kills the worker with SIGBUS.  Reading through file
    handles instead (supports_mmap=False alone) made a search 5 times slower; reading
    each file once when the build is opened is as fast as mmap and immune to whatever
    happens to the file afterwards (the engine notices that and reopens).  The cost is
    memory: a worker holds its build's files (Whoosh copies every part of a mapped
    file into memory too).
    """

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as handle:
            return BufferFile(handle.read(), name=name)


def storage(path):
    """Whoosh's storage for one build: no mmap, so damage can never SIGBUS a worker."""
    return _ReadWholeStorage(str(path), supports_mmap=False)


def build_lock(root):
    """The lock one build or update of the index at root holds (see runlock.py)."""
    return run_lock(Path(root) / "build.lock", "search index build")


def build(directory, root, progress=None, procs=None):
    """Build a complete index of directory into a new folder and swap it in; return its path."""
    root = Path(root)
    with build_lock(root), _length_columns_remembered():
        target = _new_build(root)
        offered = offered_codes(directory)
        stems = stemmed_languages(offered)
        try:
            ix = storage(target).create_index(make_schema(stems), indexname=INDEX_NAME)
            # Two processes share the work; a batch is a whole number of service blocks, so
            # every segment keeps document d in language slot d % len(offered) (documents.py).
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
                raise
            _finish(target, {"schema_version": SCHEMA_VERSION, "languages": offered,
                             "stemmed": stems, "documents": count,
                             "services": len(directory.services)})
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        _swap_in(root, target)
    return target


def _new_build(root):
    builds = Path(root) / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=builds))
    (target / f"{STAGING}{os.getpid()}").touch()
    return target


def _finish(target, meta):
    """Record every file's size and checksum in meta.json: the build is complete."""
    for marker in target.glob(f"{STAGING}*"):
        marker.unlink()
    files = {file.name: {"size": file.stat().st_size, "sha256": _sha256(file)}
             for file in sorted(target.iterdir()) if _is_index_file(file)}
    meta = {**meta, "built": time.strftime("%Y-%m-%dT%H:%M:%S"), "files": files}
    temporary = target / f".{META}.tmp"
    temporary.write_text(json.dumps(meta, indent=2))
    os.replace(temporary, target / META)


def _is_index_file(file):
    return file.is_file() and file.name != META and not file.name.startswith(".") \
        and not file.name.endswith("LOCK")   # Whoosh's services_WRITELOCK


def _sha256(file):
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _swap_in(root, target):
    """Point `current` at target; the good build it replaces becomes `previous`."""
    root = Path(root)
    replaced = current_path(root)
    if replaced is not None and replaced != target and not damage(replaced):
        _point(root, "previous", replaced)
    _point(root, "current", target)
    _remove_old_builds(root)


def _point(root, name, target):
    temporary = root / f".{name}-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(Path("builds") / target.name, temporary)
    os.replace(temporary, root / name)


def _remove_old_builds(root):
    """Remove builds that are neither current nor previous, nor being written by a live run."""
    keep = {_linked(root, "current"), _linked(root, "previous")}
    for folder in (Path(root) / "builds").iterdir():
        if folder.is_dir() and folder.resolve() not in keep and not _being_written(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _being_written(folder):
    for marker in folder.glob(f"{STAGING}*"):
        pid = marker.name[len(STAGING):]
        if pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                continue
            except PermissionError:
                pass
            return True
    return False


def _linked(root, name):
    link = Path(root) / name
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def current_path(root):
    """The folder of the index in use, or None if there is none."""
    return _linked(root, "current")


def previous_path(root):
    """The folder of the good build before the current one, or None."""
    return _linked(root, "previous")


def signature(path):
    """A cheap fingerprint of a build's files (names, sizes, times): it changes when they do."""
    if path is None:
        return None
    try:
        return tuple(sorted((entry.name, stat.st_size, stat.st_mtime_ns, stat.st_ino)
                            for entry in os.scandir(path) for stat in [entry.stat()]))
    except OSError:
        return ()


def _read_meta(path):
    try:
        return json.loads((path / META).read_text())
    except (OSError, ValueError):
        raise IndexUnavailable(f"the search index in {path} is incomplete: run 'directory index'") from None


def damage(path, meta=None):
    """What is wrong with a build's files, measured against its meta.json ([] if nothing)."""
    try:
        meta = meta if meta is not None else _read_meta(path)
    except IndexUnavailable:
        return ["meta.json cannot be read"]
    files = meta.get("files")
    if not isinstance(files, dict) or not files:
        return ["meta.json records no checksums (built by an older version)"]
    problems = []
    for name, expected in sorted(files.items()):
        file = path / name
        if Path(name).name != name:
            problems.append(f"meta.json names a file outside the build: {name!r}")
            continue
        try:
            size = file.stat().st_size
        except OSError:
            problems.append(f"{name} is missing")
            continue
        if size != expected.get("size"):
            problems.append(f"{name} is {size} bytes, not {expected.get('size')}")
        elif _sha256(file) != expected.get("sha256"):
            problems.append(f"{name} does not match its checksum")
    return problems


def open_build(path):
    """Open one build after checking its version and every file's checksum; return (ix, meta)."""
    path = Path(path)
    meta = _read_meta(path)
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"the search index in {path} was built by another version "
            f"(schema {meta.get('schema_version')}, this version uses {SCHEMA_VERSION}): "
            "run 'directory index'")
    problems = damage(path, meta)
    if problems:
        raise IndexDamaged(f"the search index in {path} is damaged ({'; '.join(problems[:3])}): "
                           "run 'directory index'")
    try:
        ix = storage(path).open_index(INDEX_NAME)
    except Exception as error:  # Whoosh raises many kinds for damaged files
        raise IndexUnavailable(f"the search index in {path} cannot be opened ({error}): "
                               "run 'directory index'") from None
    return ix, meta


def open_index(root):
    """Open the current build, or the previous one if the current one is damaged.

    Returns an Opened (its `problem` says why the current build is not the one
    opened); raises IndexUnavailable with what to run if neither can be used.
    """
    path = current_path(root)
    if path is None:
        raise IndexUnavailable(f"there is no search index in {root}: run 'directory index'")
    try:
        ix, meta = open_build(path)
        return Opened(ix, meta, path)
    except IndexDamaged as damaged:
        fallback = previous_path(root)
        if fallback is None or fallback == path:
            raise
        try:
            ix, meta = open_build(fallback)
        except IndexUnavailable:
            raise damaged from None
        return Opened(ix, meta, fallback, f"{damaged}; serving the previous build")


def update_service(root, directory, slug):
    """Re-index one service in a copy of the current build (or remove it) and swap it in."""
    root = Path(root)
    with build_lock(root), _length_columns_remembered():
        path = current_path(root)
        if path is None:
            raise IndexUnavailable(f"there is no search index in {root}: run 'directory index'")
        open_build(path)   # refuse to copy a damaged build
        meta = _read_meta(path)
        offered, stems = meta["languages"], meta["stemmed"]
        target = _new_build(root)
        try:
            for name in meta["files"]:
                shutil.copy2(path / name, target / name)
            ix = storage(target).open_index(INDEX_NAME)
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
            ix.close()
            _finish(target, {key: value for key, value in meta.items() if key != "files"})
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        _swap_in(root, target)
    return sum(d["language"] != PLACEHOLDER for d in documents)

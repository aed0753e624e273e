"""A folder of made PDFs, each under the key of everything it was made from.

Written atomically (a temporary file renamed into place), so a reader never
sees half a PDF; a changed entry, format, language or template gives a new key,
so an old PDF is simply never asked for again (`prune` removes old ones).  With a size
cap, every write evicts the least recently used PDFs until the folder fits (a PDF read
from the cache is touched, so its time is its last use).  Next to a
PDF the accessibility checks keep what they read from it (`get_facts`, `put_facts`), so
a second run reads only the PDFs that changed.
"""

import hashlib
import os
import tempfile
import time
from pathlib import Path

# A PDF read from the cache is touched at most once a minute (its time is its last use).
TOUCH_AFTER = 60


def make_key(*parts):
    """A cache key (and ETag) from the things a PDF depends on."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


class PdfCache:
    """PDFs on disk in the instance folder."""

    def __init__(self, folder, max_bytes=None):
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def path(self, key):
        return self.folder / f"{key}.pdf"

    def get(self, key):
        """The cached file for key, or None."""
        path = self.path(key)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        if time.time() - stat.st_mtime > TOUCH_AFTER:
            try:   # its time is its last use, for eviction; a read-only disk only loses that
                os.utime(path)
            except OSError:
                pass
        return path

    def put(self, key, data):
        """Store data under key atomically; return the path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, self.path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        if self.max_bytes is not None:
            self.evict(self.max_bytes, spare=key)
        return self.path(key)

    def evict(self, max_bytes, spare=None):
        """Remove the least recently used PDFs (and their facts) until the PDFs fit in
        max_bytes; the PDF under spare (the one just written) stays."""
        files = []
        for path in self.folder.glob("*.pdf"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files, key=lambda f: f[0]):
            if total <= max_bytes:
                break
            key = path.name.split(".")[0]
            if key == spare:
                continue
            path.unlink(missing_ok=True)
            for facts in self.folder.glob(f"{key}.facts-*.json"):
                facts.unlink(missing_ok=True)
            total -= size

    def _facts_path(self, key, reader):
        return self.folder / f"{key}.facts-{reader}.json"

    def get_facts(self, key, reader):
        """The facts reader version `reader` read from the PDF under key, as JSON text, or None."""
        try:
            return self._facts_path(key, reader).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def put_facts(self, key, reader, text):
        """Remember what reader read from the PDF under key (atomically)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, self._facts_path(key, reader))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get_or_make(self, key, make):
        """The cached PDF for key, made with make() -> bytes if it is not there."""
        return self.get(key) or self.put(key, make())

    def prune(self, keep, older_than=86400):
        """Remove cached PDFs (and remembered facts, and left-over temporary files) whose
        key is not in keep and that are older than older_than seconds.

        The age spares a PDF the site has just made for a reader (under a key the caller
        may not know: another SITE_URL, a booklet) and one being sent as this runs.
        """
        cutoff = time.time() - older_than
        for path in [*self.folder.glob("*.pdf"), *self.folder.glob("*.facts-*.json"),
                     *self.folder.glob("*.part")]:
            try:
                if path.name.split(".")[0] not in keep and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except FileNotFoundError:
                pass

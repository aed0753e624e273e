"""A folder of made PDFs, each under the key of everything it was made from.

Written atomically (a temporary file renamed into place), so a reader never
sees half a PDF; a changed entry, format, language or template gives a new key,
so an old PDF is simply never asked for again (`prune` removes old ones).
"""

import hashlib
import os
import tempfile
from pathlib import Path


def make_key(*parts):
    """A cache key (and ETag) from the things a PDF depends on."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


class PdfCache:
    """PDFs on disk in the instance folder."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def path(self, key):
        return self.folder / f"{key}.pdf"

    def get(self, key):
        """The cached file for key, or None."""
        path = self.path(key)
        return path if path.exists() else None

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
        return self.path(key)

    def get_or_make(self, key, make):
        """The cached PDF for key, made with make() -> bytes if it is not there."""
        return self.get(key) or self.put(key, make())

    def prune(self, keep):
        """Remove every cached PDF whose key is not in keep."""
        for path in self.folder.glob("*.pdf"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)

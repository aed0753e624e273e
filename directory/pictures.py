"""Pictures for easy read: the OpenMoji symbol set, installed from the npm registry.

OpenMoji (https://openmoji.org) is licensed CC BY-SA 4.0, which asks for
credit: every page and leaflet that shows one of its pictures says so
(CREDIT).  A picture is named in content by its OpenMoji name ("telephone
receiver") or code ("1F4DE").
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import ROOT

DEFAULT_LIBRARY = ROOT / "node_modules" / "openmoji"
LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
CREDIT = "Pictures: OpenMoji, the open-source emoji and icon project. Licence: CC BY-SA 4.0."


@dataclass(frozen=True)
class Picture:
    """One picture: its code, its name, and the SVG file."""

    code: str
    name: str
    path: Path
    author: str

    @property
    def licence(self):
        return LICENCE


class PictureLibraryMissing(Exception):
    """The picture set is not installed."""


class Library:
    """The pictures we can use, found by name or code."""

    def __init__(self, root=DEFAULT_LIBRARY):
        self.root = Path(root)
        data = self.root / "data" / "openmoji.json"
        if not data.exists():
            raise PictureLibraryMissing(f"the OpenMoji pictures are not installed in {self.root}: "
                                        "run 'make' to install them")
        self.by_key = {}
        for item in json.loads(data.read_text(encoding="utf-8")):
            if item.get("skintone"):
                continue
            picture = Picture(code=item["hexcode"], name=item["annotation"],
                              path=self.root / "color" / "svg" / f"{item['hexcode']}.svg",
                              author=item.get("openmoji_author") or "OpenMoji")
            self.by_key.setdefault(item["hexcode"].lower(), picture)
            self.by_key.setdefault(item["annotation"].lower(), picture)

    def find(self, reference):
        """The picture a content file names, or None."""
        picture = self.by_key.get(str(reference).strip().lower())
        return picture if picture and picture.path.exists() else None


@lru_cache(maxsize=4)
def library(root=DEFAULT_LIBRARY):
    """The picture library at root, read once."""
    return Library(root)

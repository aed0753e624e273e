"""What earlier check runs found, so that a run redoes only what changed.

A leaflet's facts (what pikepdf read from it) are kept next to the PDF in the PDF
cache, under the PDF's own key: everything it is made from (`pdf/cache.py`).  A web
page's findings are kept in one file in the instance folder under a key made from the
rules' own source and the page's HTML in every language (`page_rules.versions_key`), so
a changed template, entry or rule gives a new key and the page is checked again.  What
the first step of the leaflet checks found in a leaflet's print HTML (its paths, the
findings on its words) is kept under the PDF's key too, in one file; leaflets share
paths, so each set of paths is written once.
"""

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from .model import Finding

PAGES_FILE = "check-pages.json"
LEAFLETS_FILE = "check-leaflets.json"


def _source_version(*modules):
    import hashlib

    return hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in modules)).hexdigest()[:12]


def pdf_facts(text):
    """Facts remembered as JSON, or None if there are none or they cannot be read."""
    from ..pdf.inspect import PdfFacts

    try:
        return None if text is None else PdfFacts.from_json(text)
    except (ValueError, TypeError, KeyError):  # a damaged file: read the PDF again
        return None


def load_pages(instance_dir):
    """{key: [Finding]} from the last runs; empty if there is no file or it is damaged."""
    try:
        saved = json.loads((Path(instance_dir) / PAGES_FILE).read_text(encoding="utf-8"))
        return {key: [Finding(**finding) for finding in found] for key, found in saved.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_pages(instance_dir, pages):
    """Write {key: [Finding]} atomically."""
    from dataclasses import asdict

    _write(Path(instance_dir) / PAGES_FILE,
           {key: [asdict(f) for f in found] for key, found in pages.items()})


def load_leaflets(instance_dir):
    """{PDF key: (paths, [Finding], needs its own PDF)}; empty if missing or damaged."""
    try:
        saved = json.loads((Path(instance_dir) / LEAFLETS_FILE).read_text(encoding="utf-8"))
        if saved["version"] != leaflets_version():
            return {}
        shapes = {name: frozenset(paths) for name, paths in saved["paths"].items()}
        return {key: (shapes[name], [Finding(**finding) for finding in found], bool(own))
                for key, (name, found, own) in saved["leaflets"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


def save_leaflets(instance_dir, leaflets):
    """Write {PDF key: (paths, [Finding], own)} atomically, each set of paths once."""
    from dataclasses import asdict

    names, saved = {}, {}
    for key, (paths, found, own) in leaflets.items():
        name = names.setdefault(paths, str(len(names)))
        saved[key] = [name, [asdict(f) for f in found], own]
    _write(Path(instance_dir) / LEAFLETS_FILE,
           {"paths": {name: sorted(paths) for paths, name in names.items()}, "leaflets": saved,
            "version": leaflets_version()})


@lru_cache(maxsize=1)
def leaflets_version():
    """What the first step found is only good for the code that found it (read once, so
    a file edited while a run goes on cannot make the run disown its own findings)."""
    from .. import fonts
    from ..pdf import documents, shapes
    from . import runner

    return _source_version(shapes, documents, fonts, runner)


def _write(path, data):
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

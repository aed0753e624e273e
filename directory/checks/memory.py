"""What earlier check runs found, so that a run redoes only what changed.

A leaflet's facts (what pikepdf read from it) are kept next to the PDF in the PDF
cache, under the PDF's own key: everything it is made from (`pdf/cache.py`).  A web
page's findings are kept in one file in the instance folder under a key made from the
rules' own source and the page's HTML in every language (`page_rules.versions_key`), so
a changed template, entry or rule gives a new key and the page is checked again.
"""

import json
import os
import tempfile
from pathlib import Path

from .model import Finding

PAGES_FILE = "check-pages.json"


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

    folder = Path(instance_dir)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({key: [asdict(f) for f in found] for key, found in pages.items()},
                      ensure_ascii=False, sort_keys=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, folder / PAGES_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""HTML to PDF/UA-1 with WeasyPrint."""

import hashlib
import re
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from .tagging import actual_text, finish

_fonts = FontConfiguration()
# A PDF made by other code is another PDF: part of the PDF cache's key (documents.pdf_key).
# documents.py chooses how a leaflet ends and runs.py marks its runs, so they count too.
RENDER_VERSION = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes()
    for name in ("render.py", "tagging.py", "documents.py", "runs.py"))).hexdigest()[:12]
_RIGHT_TO_LEFT = re.compile(r"<html[^>]*\sdir=[\"']?rtl", re.I)


class MissingGlyphs(Exception):
    """Text in a script that no installed font can draw."""


def render_pdf(html, base_url, readable=True):
    """A tagged PDF/UA-1 document from print HTML, as bytes.

    readable=False gives WeasyPrint's own output, without the text and tags that
    `tagging.py` adds (for the checks' tests: a PDF made the way it was before).
    """
    document = weasyprint.HTML(string=html, base_url=str(base_url))
    if not readable:
        return document.write_pdf(pdf_variant="pdf/ua-1", font_config=_fonts, uncompressed_pdf=False)
    with actual_text("rtl" if _RIGHT_TO_LEFT.search(html[:2000]) else "ltr"):
        data = document.write_pdf(pdf_variant="pdf/ua-1", font_config=_fonts, uncompressed_pdf=False)
    return finish(data)

"""HTML to PDF/UA-1 with WeasyPrint."""

import weasyprint
from weasyprint.text.fonts import FontConfiguration

_fonts = FontConfiguration()


class MissingGlyphs(Exception):
    """Text in a script that no installed font can draw."""


def render_pdf(html, base_url):
    """A tagged PDF/UA-1 document from print HTML, as bytes."""
    document = weasyprint.HTML(string=html, base_url=str(base_url))
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=_fonts, uncompressed_pdf=False)

"""Printed formats: standard, easy read and large print leaflets, and booklets of several.

The way from an entry to a PDF: `documents.py` renders the entry with the print
templates (templates/print/) into HTML in the reader's language; `render.py`
turns the HTML into a tagged PDF/UA-1 file with WeasyPrint; `cache.py` keeps
each PDF under a key made from the entry's content, the format, the language
and the template version, so a PDF is only made again when one of them changes.
"""

FORMATS = ("standard", "easy-read", "large-print")

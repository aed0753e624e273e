"""Print HTML with its numbers and addresses kept whole and clickable: left-to-right runs
isolated in right-to-left text, phone numbers and postcodes never broken across lines,
and phone numbers, e-mail and web addresses in the words made links.

WeasyPrint has no bidirectional algorithm across elements, but lays out each piece of
text with Pango, which honours `dir` on an inline element: with `<bdi dir="ltr">` around
"0121 496 0308" in an Urdu sentence the groups stay in order, and read back from the PDF
they come out in order too (tests/test_print_layout.py).  The templates mark the values
they know (phone numbers, addresses, with bidi.py's `ltr`); this pass finds the rest in
every text a leaflet prints, translated prose, easy read sentences, the interface's
messages and dates alike, so that none is missed.  The runs are bidi.py's, the ones the
page check looks for.
"""

import re

import lxml.html

from ..bidi import RUN
from ..content.schema import EMAIL
from ..templating import tel_href

# A UK phone number as entries write them (0121 496 0308, 0808 157 0330, 116 123,
# 18001 0121 496 0000, +44 121 496 0308), a postcode (BK1 2XS), an e-mail address and a
# web address.  Numbers and postcodes are kept on one line; all but postcodes are links.
_PHONE = (r"(?<![\w+])(?:18001 )?(?:\+44 ?|0)\d{2,4}(?: ?\d{3,4}){1,2}(?!\w)"
          r"|(?<![\w+])1\d{2} ?\d{3}(?!\w)")
_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b"
_WEB = r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)]|\bwww\.[^\s<>\"]+[^\s<>\".,;:!?)]"
FOUND = re.compile(rf"(?P<email>{EMAIL})|(?P<web>{_WEB})|(?P<phone>{_PHONE})|(?P<postcode>{_POSTCODE})")
_SKIP = {"head", "style", "script", "title", "bdi"}


def finish(html, rtl):
    """html (a print document, str) with every left-to-right run in right-to-left text in
    `<bdi dir="ltr">` (rtl: the document's direction), each phone number and postcode in
    an element of class "number", and phone numbers and addresses in links."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    _walk(body, rtl, linked=False)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode")


def _walk(element, rtl, linked):
    if element.get("dir") in ("ltr", "rtl"):
        rtl = element.get("dir") == "rtl"
    if element.tag in _SKIP or "number" in (element.get("class") or "").split():
        return
    linked = linked or element.tag == "a"
    for child in list(element):
        if isinstance(child.tag, str):
            _walk(child, rtl, linked)
        if child.tail:
            pieces = _pieces(child.tail, rtl, linked)
            if pieces is not None:
                child.tail = pieces[0]
                at = element.index(child) + 1
                for offset, piece in enumerate(pieces[1:]):
                    element.insert(at + offset, piece)
    if element.text:
        pieces = _pieces(element.text, rtl, linked)
        if pieces is not None:
            element.text = pieces[0]
            for offset, piece in enumerate(pieces[1:]):
                element.insert(offset, piece)


def _pieces(text, rtl, linked):
    """None if text needs nothing, else [leading text, element (with its tail), ...]."""
    found = [_balanced(text, m.span()) for m in RUN.finditer(text)] if rtl else \
        [(m.start(), m.end(), m.lastgroup) for m in FOUND.finditer(text)]
    if not found:
        return None
    head, made = text[:found[0][0]], []
    for index, (start, end, kind) in enumerate(found):
        run = text[start:end]
        if rtl:
            element = lxml.html.Element("bdi", dir="ltr")
            inner = _pieces(run, False, linked)
            element.text = run if inner is None else inner[0]
            for child in (inner or [None])[1:]:
                element.append(child)
        else:
            element = _value(run, kind, linked)
        following = found[index + 1][0] if index + 1 < len(found) else len(text)
        element.tail = text[end:following] or None
        made.append(element)
    return [head, *made]


def _value(text, kind, linked):
    """A phone number, postcode or address found in the words, as an element."""
    href = None if linked else {"phone": tel_href, "email": "mailto:".__add__,
                                "web": lambda url: url if "://" in url else "https://" + url}.get(kind)
    element = lxml.html.Element("a" if href else "span", {"class": "url" if kind in ("email", "web") else "number"})
    if href:
        element.set("href", href(text))
    element.text = text
    return element


def _balanced(text, span):
    """(start, end, None) of a run, with the "(" before it when it ends with the ")" that
    closes it ("(Dementia Adviser Service)"): a bracket apart from its pair is drawn the
    wrong way round.  An unmatched ")" at its end is left outside."""
    start, end = span
    run = text[start:end]
    if run.endswith(")") and run.count(")") > run.count("("):
        if start and text[start - 1] == "(":
            start -= 1
        else:
            end -= 1
    return start, end, None

"""The shape of a leaflet: the paths through its print HTML, without the words.

What the PDF rules read from a leaflet (fonts and their sizes, italics, serifs,
alignment, figures and their alternative text) is decided for each piece of text by the
stylesheet and the path from the root of the print HTML to it: the elements with their
classes, languages and directions, and whether each is the first or last of its kind
among its siblings (`:first-of-type`).  The print stylesheets keep to selectors that see
no more than that (no sibling combinators, no `:nth-child`: a test holds them to it), and
the stylesheet itself is in every leaflet's HTML, so it is part of the paths.

So if one real PDF has been made and read for every path some leaflet of a format and
language has, every style any of those leaflets uses has been checked (`checks/runner.py`).
What the paths leave out is the words, which the checks look at in every leaflet
themselves: can its fonts draw them, has it a title (`checks/pdf_rules.text_findings`).
"""

import hashlib
import re

import lxml.html

# Attributes whose values are words or addresses, not layout: only whether they are
# empty is part of a path.  Every other attribute is kept with its value.
_WORDS = {"alt", "title", "content", "aria-label"}
_ADDRESSES = {"id", "href", "src", "datetime"}
_MEDIA_TYPE = re.compile(r"^data:([^;,]*)|\.([A-Za-z0-9]+)$")


def paths(html):
    """The paths of an HTML document (str), each as a 64-bit number."""
    found = set()
    _walk(lxml.html.document_fromstring(html), "", found)
    return frozenset(int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest(), "big")
                     for path in found)


def _walk(element, path, found):
    step = f"{path}/{_element(element)}"
    found.add(step)
    if element.tag == "style":     # the stylesheet is layout: all of it is in the path
        found.add(f"{step}{element.text}")
        return
    children = [child for child in element if isinstance(child.tag, str)]
    names = [child.tag for child in children]
    for index, child in enumerate(children):
        first = " first" if child.tag not in names[:index] else ""
        last = " last" if child.tag not in names[index + 1:] else ""
        _walk(child, f"{step}[{first}{last}]", found)
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        found.add(f"{step}/#words")


def _element(element):
    attributes = []
    for key, value in sorted(element.attrib.items()):
        if key in _WORDS:
            value = "words" if value.strip() else ""
        elif key == "src":
            found = _MEDIA_TYPE.search(value)
            value = (found.group(1) or found.group(2)).lower() if found else "?"
        elif key in _ADDRESSES:
            value = "." if value else ""
        attributes.append(f" {key}={value!r}")
    return element.tag + "".join(attributes)

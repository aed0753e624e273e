"""Read where a made PDF puts its words: pages, lines and words with their boxes, and links.

The words and their boxes come from poppler's `pdftotext -bbox-layout` (what a reader
of the printed page sees, left to right), the clickable areas from the /Link annotations
(pikepdf).  Lines are made again from the words' boxes, not taken from pdftotext, which
splits a line of Nastaliq into a "line" per glyph.  Boxes are in points from the top
left of the page; a word's box runs from its font's ascent to its descent.
"""

import hashlib
import json
import re
import subprocess
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

# Facts remembered for a PDF are only good for the reader that read them.
READER_VERSION = "layout-1-" + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
MM = 72 / 25.4
# Nothing of the body is drawn nearer the edge than the smallest print margin (18 mm at
# the top, 22 mm at the foot, print/*.css); a word whose middle is nearer is in the margin.
TOP_MARGIN, FOOT_MARGIN = 18 * MM, 20 * MM
NEARLY_EMPTY = 3    # lines of body text a page holds at most to be nearly empty
_XHTML = "{http://www.w3.org/1999/xhtml}"
_ACTUAL_TEXT = re.compile(rb"/ActualText\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))")


@dataclass
class Page:
    """One page: its size, its words [text, x0, y0, x1, y1] and links [x0, y0, x1, y1, uri]."""

    width: float
    height: float
    words: list = field(default_factory=list)
    links: list = field(default_factory=list)
    top: float = TOP_MARGIN     # where the body starts: lower on pages with a running head

    @cached_property
    def _margin_ids(self):
        """The words in the margins: every line whose middle is there and, where the top
        margin is not known (a PDF read without it), the lines set close under a running
        head (one that wraps to a second line)."""
        found, above, guess = set(), None, self.top == TOP_MARGIN
        for line in lines(self.words):
            top, bottom = min(w[2] for w in line), max(w[4] for w in line)
            middle = (top + bottom) / 2
            if (middle < self.top or middle > self.height - FOOT_MARGIN
                    or (guess and above is not None and top - above < 0.25 * (bottom - top))):
                found.update(id(word) for word in line)
                above = bottom if middle < self.height - FOOT_MARGIN else None
            else:
                above = None
        return found

    def in_margin(self, word):
        return id(word) in self._margin_ids

    @property
    def body(self):
        """The words of the body text (not the running head or page number)."""
        return [word for word in self.words if not self.in_margin(word)]

    @property
    def margin(self):
        return [word for word in self.words if self.in_margin(word)]

    def lines(self, words=None):
        """The words in lines, top to bottom, each line's words left to right."""
        return lines(self.body if words is None else words)


@dataclass
class Layout:
    """What a PDF looks like on paper: its title, pages, and the labels of its print HTML."""

    title: str = ""
    pages: list = field(default_factory=list)
    labels: list = field(default_factory=list)   # the text of every heading and <dt>
    read_back: list = field(default_factory=list)   # [Page] as its text reads back, if not as drawn

    def nearly_empty_pages(self):
        """The numbers (from 1) of the pages of a PDF of several whose body holds no more than
        NEARLY_EMPTY lines: a QR code with its caption, the picture credit.  The one measure,
        for the check (`print_nearly_empty_page`) and for choosing a leaflet's ending."""
        if len(self.pages) < 2:
            return []
        return [number for number, page in enumerate(self.text_pages, 1)
                if len(page.lines()) <= NEARLY_EMPTY]

    @property
    def text_pages(self):
        """The pages as their text reads back (to a screen reader, a search)."""
        return self.read_back or self.pages

    def to_json(self):
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text):
        facts = json.loads(text)
        facts["pages"] = [Page(**page) for page in facts["pages"]]
        facts["read_back"] = [Page(**page) for page in facts["read_back"]]
        return cls(**facts)


def lines(words):
    """Words grouped into lines by their middles, top to bottom and left to right.

    A word joins a line when its middle is within 0.45 of the line's first word's height
    of that word's middle (Nastaliq's letters step down along a line by less).
    """
    found = []
    for word in sorted(words, key=lambda w: (w[2] + w[4]) / 2):
        middle = (word[2] + word[4]) / 2
        if found:
            first = found[-1][0]
            if abs(middle - (first[2] + first[4]) / 2) <= 0.45 * max(first[4] - first[2], 1):
                found[-1].append(word)
                continue
        found.append([word])
    return [sorted(line, key=lambda w: w[1]) for line in found]


def text_of(words):
    return " ".join(word[0] for word in words)


def letters(text):
    """The letters and digits of text, normalised, in order (spaces, marks and stops dropped)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _words(path):
    """[(title, [Page])] of the PDF at path, from pdftotext -bbox-layout."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                           check=True, timeout=60).stdout
    root = ElementTree.fromstring(xhtml)
    pages = [Page(float(page.get("width")), float(page.get("height")), [
        [word.text or "", *(round(float(word.get(k)), 2) for k in ("xMin", "yMin", "xMax", "yMax"))]
        for word in page.iter(f"{_XHTML}word")]) for page in root.iter(f"{_XHTML}page")]
    return (root.findtext(f"{_XHTML}head/{_XHTML}title") or "").strip(), pages


def _split(word):
    """A run of text read back whole (its /ActualText) as words, each given the share of
    the run's box its characters take, in the order written."""
    text, x0, y0, x1, y1 = word
    share = (x1 - x0) / max(len(text), 1)
    return [[match.group(), round(x0 + match.start() * share, 2), y0,
             round(x0 + match.end() * share, 2), y1] for match in re.finditer(r"\S+", text)]


def read_layout(path, labels=(), top=None):
    """The Layout of the PDF at path (labels: the headings and <dt> of its print HTML;
    top: the top margin in mm of its pages after the first, above which is the running
    head, from `pdf.documents.top_margin`).

    Where the text carries /ActualText (`tagging.py`), pdftotext reads each run back
    whole, in the order it was written: that is `read_back`; `pages` is then read from a
    copy without it, glyph by glyph where each is drawn.
    """
    title, read_back = _words(path)
    layout = Layout(title=title, labels=list(labels))
    with pikepdf.open(path) as pdf:
        actual = False
        for page in pdf.pages:
            contents = page.obj.get("/Contents")
            for stream in [contents] if isinstance(contents, pikepdf.Stream) else contents or ():
                data = stream.read_bytes()
                if b"/ActualText" in data:
                    actual = True
                    stream.write(_ACTUAL_TEXT.sub(b"", data))
        for number, page in enumerate(pdf.pages[:len(read_back)]):
            read_back[number].links = _links(page, read_back[number].height)
        if actual:
            with tempfile.NamedTemporaryFile(suffix=".pdf") as drawn:
                pdf.save(drawn.name, compress_streams=False)
                layout.pages = _words(drawn.name)[1]
            for page, back in zip(layout.pages, read_back):
                page.links = back.links
                back.words = [part for word in back.words for part in _split(word)]
            layout.read_back = read_back
        else:
            layout.pages = read_back
    if top is not None:
        for page in layout.pages[1:] + layout.read_back[1:]:
            page.top = max(top * MM, TOP_MARGIN)
    return layout


def _links(page, height):
    """[x0, y0, x1, y1, uri] of every /Link annotation on a pikepdf page, from the top left."""
    found = []
    for annotation in page.get("/Annots", []):
        if annotation.get("/Subtype") != "/Link" or "/Rect" not in annotation:
            continue
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        action = annotation.get("/A", {})
        target = str(action.get("/URI", "")) if "/URI" in action else "#internal"
        found.append([round(min(x0, x1), 2), round(height - max(y0, y1), 2),
                      round(max(x0, x1), 2), round(height - min(y0, y1), 2), target])
    return found


def html_labels(html):
    """The text of every heading and <dt> of print HTML, in order."""
    import lxml.html

    document = lxml.html.document_fromstring(html)
    return [re.sub(r"\s+", " ", element.text_content()).strip()
            for element in document.iter("h1", "h2", "h3", "h4", "h5", "h6", "dt")
            if element.text_content().strip()]

"""Plain text from what feeds send: HTML sanitised away, entities decoded, spaces tidied.

A description becomes the content's own text format (docs/content-guide.md):
paragraphs separated by a blank line and lists of `- ` lines.  Every other field is
one line of plain text.  HTML is first sanitised by nh3 (Rust's ammonia), which
drops scripts and styles with their content; only then is what is left read.
"""

import html
import math
import re
from html.parser import HTMLParser

import nh3

_BLOCKS = {"p", "div", "section", "article", "header", "footer", "aside", "main",
           "address", "blockquote", "pre", "table", "tr", "dl", "dt", "dd", "figure",
           "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "hr"}
_KEPT = _BLOCKS | {"li", "br", "a", "strong", "b", "em", "i", "u", "span", "td", "th",
                   "tbody", "thead", "small", "sup", "sub", "abbr", "cite", "q", "mark"}

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>|<!--")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029\x85\v\f]")
# Control characters, zero-width and soft hyphens, lone surrogates and non-characters: none
# of them is text a resident reads, and YAML cannot hold some of them.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200d\u2060\ufeff"
                        "\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BULLET = re.compile(r"^(?:[-*\u2022\u00b7\u25e6\u25aa\u2013\u2043]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# Text is read only this far: 40 times the longest field (a description, 5,000), so a
# feed with a 50 MB description imports in a moment, not a minute.
READ_LIMIT = 200_000


def has_html(value):
    """Whether text holds HTML tags, as sent or escaped once (&lt;p&gt;)."""
    if not isinstance(value, str):
        return False
    value = value[:READ_LIMIT]
    return bool(_TAG.search(value) or _TAG.search(_decode(value)))


def _decode(text):
    """Decode entities, and those escaped twice (&amp;nbsp;), as feeds often have them."""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def _tidy_line(text):
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def _blocks_of(text):
    """Paragraphs and list items, [('p'|'li', text)], from text that may be HTML."""
    text = _LINE_BREAK.sub("\n", text)
    for _ in range(3):  # HTML escaped once (&lt;p&gt;) is read as HTML too
        if not _TAG.search(text):
            decoded = _decode(text)
            if decoded == text or not _TAG.search(decoded):
                break
            text = decoded
        reader = _HTMLBlocks()
        reader.feed(nh3.clean(text, tags=_KEPT, attributes={"a": {"href"}}, link_rel=None))
        reader.close()
        text = "\n".join(("- " + item if kind == "li" else item) for kind, item in reader.flush())
    return _text_blocks(_decode(text))


def _text_blocks(text):
    """Blocks from plain text: a line is a paragraph, bullets and numbers are list items."""
    blocks = []
    for line in text.split("\n"):
        line = _tidy_line(line)
        if not line:
            continue
        bullet = _BULLET.match(line)
        if bullet and len(line) > bullet.end():
            blocks.append(("li", line[bullet.end():]))
        else:
            blocks.append(("p", line))
    return blocks


class _HTMLBlocks(HTMLParser):
    """Reads sanitised HTML into paragraphs and list items; a link keeps its address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.parts, self.kind, self.links = [], [], "p", []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS or tag in ("li", "br"):
            self.flush()
        if tag == "li":
            self.kind = "li"
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.parts[start:])
            if href.startswith(("http://", "https://", "mailto:")):
                address = href.removeprefix("mailto:")
                if address.rstrip("/") not in label:
                    self.parts.append(f" ({address})")
        if tag in _BLOCKS or tag == "li":
            self.flush()
        if tag == "li":
            self.kind = "p"

    def handle_data(self, data):
        self.parts.append(data.replace("\n", " "))

    def flush(self):
        text = _tidy_line("".join(self.parts))
        if text:
            self.blocks.append((self.kind, text))
        self.parts = []
        return self.blocks


def description_text(value):
    """A description in the content's text format: paragraphs and `- ` lists, or None."""
    if not isinstance(value, str):
        return None
    lines, previous = [], None
    for kind, text in _blocks_of(value[:READ_LIMIT]):
        text = _decode(text)
        if lines and not (kind == previous == "li"):
            lines.append("")
        lines.append(f"- {text}" if kind == "li" else text)
        previous = kind
    return "\n".join(lines) or None


def plain_text(value):
    """One line of plain text from a feed's value (HTML removed), or None if empty."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):  # NaN, Infinity
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value[:READ_LIMIT]
    if "<" in value or "&" in value or "\n" in value or "\r" in value:
        value = " ".join(text for _, text in _blocks_of(value))
    return _tidy_line(value) or None


def fit(text, limit):
    """text cut to at most limit characters at a paragraph, sentence or word end."""
    if text is None or len(text) <= limit:
        return text
    head = text[:limit + 1]
    for boundary in ("\n\n", ". ", " "):
        cut = head.rfind(boundary, 0, limit)
        if cut > limit // 2:
            return head[:cut + (1 if boundary == ". " else 0)].rstrip()
    return text[:limit].rstrip()


def first_sentence(text, limit):
    """The first sentence of a description's first paragraph, within limit characters."""
    if not text:
        return None
    paragraph = next((p for p in text.split("\n\n") if not p.startswith("- ")),
                     text.split("\n\n")[0]).removeprefix("- ")
    sentence = _SENTENCE_END.split(paragraph.replace("\n", " "), maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence.rfind(" ", 0, limit - 1)
    return sentence[:cut if cut > limit // 2 else limit - 1].rstrip(" ,;:-") + "\u2026"

"""The page check every page must pass: parses, one h1, title, unique ids, lang and dir.

Used by the test client on every page the tests fetch, and by the
accessibility checks for every page they report on (8,400 pages at 1,000
services, so it must be quick).  Pages are parsed by html5ever, the parser of the
Servo browser engine, through markupever: a parse error in the sense of the HTML
standard fails the page; lxml then walks the tree for the rest.  html5lib, thirty
times slower, is asked only when a page fails to parse, because its messages say what.
"""

import re

import html5lib
import lxml.etree
import lxml.html
import markupever

from .bidi import runs

# exact_errors: every parse error of the standard, tokenizer errors too (a quote missing
# round an attribute value); without it html5ever reports only tree-building errors.
_OPTIONS = markupever.HtmlOptions(exact_errors=True)


RTL_LANGUAGES = ("ar", "ur", "fa", "he", "ps", "yi")


def check_page(html, rtl_languages=RTL_LANGUAGES):
    """Return a list of the problems with an HTML page (str or bytes; empty when it passes)."""
    return page_problems(html, rtl_languages, bidi=False)[0]


def page_problems(html, rtl_languages=RTL_LANGUAGES, bidi=True):
    """(page check problems, check_bidi problems) of a page, parsed once."""
    parser = markupever.Parser(_OPTIONS)
    parser.process(html)
    parser.finish()
    errors = parser.errors()
    if errors:
        return [f"HTML does not parse: {_explain(html, errors)}"], []
    # A page html5ever parses without an error has one tree any parser agrees on: lxml
    # walks it several times faster than markupever's Python objects.
    root = lxml.html.document_fromstring(html)
    return _structure(root, rtl_languages), check_bidi(root, rtl_languages) if bidi else []


def _structure(root, rtl_languages):
    problems = []

    lang, direction = root.get("lang"), root.get("dir")
    if not lang:
        problems.append("<html> has no lang attribute")
    if direction not in ("ltr", "rtl"):
        problems.append(f"<html> dir is {direction!r}, not ltr or rtl")
    elif lang and (direction == "rtl") != (lang.split("-")[0] in rtl_languages):
        problems.append(f"<html lang={lang!r}> has the wrong direction dir={direction!r}")

    elements = {}
    for element in root.iter(lxml.etree.Element):
        elements.setdefault(element.tag, []).append(element)
    headings = [_text(h) for h in elements.get("h1", [])]
    if len(headings) != 1:
        problems.append(f"the page has {len(headings)} <h1> headings, not 1")
    titles = [_text(t) for t in root.findall("head/title")]   # not an SVG's <title>
    if len(titles) != 1 or not titles[0]:
        problems.append("the page has no <title>")
    elif headings and not titles[0].startswith(headings[0]):
        problems.append(f"<title> {titles[0]!r} does not start with the <h1> {headings[0]!r}")

    seen = set()
    for element in root.iterfind(".//*[@id]"):
        identifier = element.get("id")
        if identifier in seen:
            problems.append(f"id {identifier!r} is used more than once")
        seen.add(identifier)
    for element in root.iterfind(".//*[@aria-describedby]"):
        for reference in element.get("aria-describedby").split():
            if reference not in seen:
                problems.append(f"aria-describedby points to a missing id {reference!r}")
    for label in elements.get("label", []):
        label_for = label.get("for")
        if label_for and label_for not in seen:
            problems.append(f"<label for={label_for!r}> points to a missing id")
    for form in elements.get("form", []):
        if not form.get("action"):
            problems.append("a <form> has no action")
    for image in elements.get("img", []):
        if image.get("alt") is None:
            problems.append(f"<img src={image.get('src')!r}> has no alt attribute")
    for link in elements.get("a", []):
        if not link.get("href"):
            problems.append(f"a link {_text(link)!r} has no href")
        if not _text(link) and not link.get("aria-label"):
            problems.append(f"a link to {link.get('href')!r} has no text")
    return problems


def _explain(html, errors):
    """What is wrong and where, in html5lib's words when it sees the error too."""
    try:
        html5lib.HTMLParser(strict=True).parse(html)
    except html5lib.html5parser.ParseError as error:
        return str(error)
    return "; ".join(dict.fromkeys(errors))


def _text(element):
    return " ".join(element.text_content().split())


# Elements whose text is not laid out as text of the page, or cannot hold an isolate.
_NOT_TEXT = {"head", "script", "style", "template", "svg", "math", "textarea", "select", "noscript"}
# A single separator between two digits (9:30, 2.5, 1,000, 18-25) joins them into one
# number (rules W4 and W5 of the Unicode bidirectional algorithm), so it cannot reorder.
_JOINED = re.compile(r"(?<=[0-9])[.,:/+\-](?=[0-9])")


def reorders(run):
    """Whether a left-to-right run would be reordered inside right-to-left text.

    A lone word or number ("NHS", "0121", "9:30") is laid out whole, left to right,
    whatever surrounds it; a run with a space or punctuation inside ("0121 496 0308",
    "14 Chapel Street", "BK1 2XS", "Relay UK") is not: numbers swap places with their
    neighbours and its fonts come from the text around it.  A closing bracket at its
    end is the run's own and is mirrored right (rule N0).
    """
    core = _JOINED.sub("", run[:-1] if run.endswith(")") else run)
    return any(not (char.isalnum()) for char in core)


def check_bidi(html, rtl_languages=RTL_LANGUAGES):
    """Left-to-right text inside right-to-left text that is not isolated: a list of problems.

    Inside an element whose direction is right to left (dir="rtl", from <html> down),
    every element in a left-to-right language (lang="en") must carry dir, and every
    run of Latin letters or digits that reorders (see `reorders`) must be inside an
    isolate: an element with dir (which HTML isolates) or <bdi>, below the
    right-to-left element.  Attributes (alt, aria-label), the <head> and hidden
    elements are not laid out as page text and are not looked at.
    """
    root = html if isinstance(html, lxml.etree._Element) else lxml.html.document_fromstring(html)
    problems = []

    def describe(element):
        return f"<{element.tag}{' lang=' + repr(element.get('lang')) if element.get('lang') else ''}>"

    def look(text, element):
        for _, _, run in runs(text or ""):
            if reorders(run):
                problems.append(f"{run!r} in {describe(element)} inside right-to-left text is not "
                                "isolated (wrap it in <bdi dir=\"ltr\"> or give its element dir)")

    def walk(element, rtl):
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT or element.get("hidden") is not None:
            return
        direction = element.get("dir")
        if element.tag == "bdi" or direction in ("ltr", "rtl", "auto"):
            rtl = direction == "rtl"
        elif rtl:
            lang = element.get("lang")
            if lang and lang.split("-")[0].lower() not in rtl_languages:
                problems.append(f"{describe(element)} inside right-to-left text has no dir: "
                                f"{' '.join(element.text_content().split())[:60]!r}")
                return
        if rtl:
            look(element.text, element)
        for child in element:
            walk(child, rtl)
            if rtl:
                look(child.tail, element)

    walk(root, False)
    return problems

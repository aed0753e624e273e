"""The page check every page must pass: parses, one h1, title, unique ids, lang and dir.

Used by the test client on every page the tests fetch, and by the
accessibility checks for every page they report on (8,400 pages at 1,000
services, so it must be quick).  Pages are parsed by html5ever, the parser of the
Servo browser engine, through markupever: a parse error in the sense of the HTML
standard fails the page; lxml then walks the tree for the rest.  html5lib, thirty
times slower, is asked only when a page fails to parse, because its messages say what.
"""

import html5lib
import lxml.etree
import lxml.html
import markupever

# exact_errors: every parse error of the standard, tokenizer errors too (a quote missing
# round an attribute value); without it html5ever reports only tree-building errors.
_OPTIONS = markupever.HtmlOptions(exact_errors=True)


def check_page(html, rtl_languages=("ar", "ur", "fa", "he", "ps", "yi")):
    """Return a list of the problems with an HTML page (str or bytes; empty when it passes)."""
    parser = markupever.Parser(_OPTIONS)
    parser.process(html)
    parser.finish()
    errors = parser.errors()
    if errors:
        return [f"HTML does not parse: {_explain(html, errors)}"]
    # A page html5ever parses without an error has one tree any parser agrees on: lxml
    # walks it several times faster than markupever's Python objects.
    root = lxml.html.document_fromstring(html)
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

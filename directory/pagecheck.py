"""The page check every page must pass: parses, one h1, title, unique ids, lang and dir.

Used by the test client on every page the tests fetch, and by the
accessibility checks for every page they report on (8,400 pages at 1,000
services, so it must be quick).  Pages are parsed by html5ever, the parser of the
Servo browser engine, through markupever: a parse error in the sense of the HTML
standard fails the page.  html5lib, thirty times slower, is asked only when a page
fails to parse, because its messages say where and what.
"""

import html5lib
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
    dom = parser.into_dom()
    problems = []

    root = dom.select_one("html")
    lang, direction = root.attrs.get("lang"), root.attrs.get("dir")
    if not lang:
        problems.append("<html> has no lang attribute")
    if direction not in ("ltr", "rtl"):
        problems.append(f"<html> dir is {direction!r}, not ltr or rtl")
    elif lang and (direction == "rtl") != (lang.split("-")[0] in rtl_languages):
        problems.append(f"<html lang={lang!r}> has the wrong direction dir={direction!r}")

    headings = [_text(h) for h in dom.select("h1")]
    if len(headings) != 1:
        problems.append(f"the page has {len(headings)} <h1> headings, not 1")
    titles = [_text(t) for t in dom.select("title")]
    if len(titles) != 1 or not titles[0]:
        problems.append("the page has no <title>")
    elif headings and not titles[0].startswith(headings[0]):
        problems.append(f"<title> {titles[0]!r} does not start with the <h1> {headings[0]!r}")

    seen = set()
    for element in dom.select("[id]"):
        identifier = element.attrs.get("id")
        if identifier in seen:
            problems.append(f"id {identifier!r} is used more than once")
        seen.add(identifier)
    for element in dom.select("[aria-describedby]"):
        for reference in element.attrs.get("aria-describedby").split():
            if reference not in seen:
                problems.append(f"aria-describedby points to a missing id {reference!r}")
    for label in dom.select("label[for]"):
        label_for = label.attrs.get("for")
        if label_for and label_for not in seen:
            problems.append(f"<label for={label_for!r}> points to a missing id")
    for form in dom.select("form"):
        if not form.attrs.get("action"):
            problems.append("a <form> has no action")
    for image in dom.select("img"):
        if image.attrs.get("alt") is None:
            problems.append(f"<img src={image.attrs.get('src')!r}> has no alt attribute")
    for link in dom.select("a"):
        if not link.attrs.get("href"):
            problems.append(f"a link {_text(link)!r} has no href")
        if not _text(link) and not link.attrs.get("aria-label"):
            problems.append(f"a link to {link.attrs.get('href')!r} has no text")
    return problems


def _explain(html, errors):
    """What is wrong and where, in html5lib's words when it sees the error too."""
    try:
        html5lib.HTMLParser(strict=True).parse(html)
    except html5lib.html5parser.ParseError as error:
        return str(error)
    return "; ".join(dict.fromkeys(errors))


def _text(element):
    return " ".join(element.text().split())

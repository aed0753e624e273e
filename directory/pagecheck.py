"""The page check every page must pass: parses, one h1, title, unique ids, lang and dir.

Used by the test client on every page the tests fetch, and by the
accessibility checks for every page they report on.
"""

import html5lib

XHTML = "{http://www.w3.org/1999/xhtml}"


def check_page(html, rtl_languages=("ar", "ur", "fa", "he", "ps", "yi")):
    """Return a list of the problems with an HTML page (empty when it passes)."""
    problems = []
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    try:
        root = parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        return [f"HTML does not parse: {error}"]

    def find(tag):
        return root.iter(XHTML + tag)

    lang, direction = root.get("lang"), root.get("dir")
    if not lang:
        problems.append("<html> has no lang attribute")
    if direction not in ("ltr", "rtl"):
        problems.append(f"<html> dir is {direction!r}, not ltr or rtl")
    elif lang and (direction == "rtl") != (lang.split("-")[0] in rtl_languages):
        problems.append(f"<html lang={lang!r}> has the wrong direction dir={direction!r}")

    headings = [_text(h) for h in find("h1")]
    if len(headings) != 1:
        problems.append(f"the page has {len(headings)} <h1> headings, not 1")
    titles = [_text(t) for t in find("title")]
    if len(titles) != 1 or not titles[0]:
        problems.append("the page has no <title>")
    elif headings and not titles[0].startswith(headings[0]):
        problems.append(f"<title> {titles[0]!r} does not start with the <h1> {headings[0]!r}")

    seen = set()
    for element in root.iter():
        identifier = element.get("id")
        if identifier is not None:
            if identifier in seen:
                problems.append(f"id {identifier!r} is used more than once")
            seen.add(identifier)
    for element in root.iter():
        for reference in (element.get("aria-describedby") or "").split():
            if reference not in seen:
                problems.append(f"aria-describedby points to a missing id {reference!r}")
        label_for = element.get("for")
        if element.tag == XHTML + "label" and label_for and label_for not in seen:
            problems.append(f"<label for={label_for!r}> points to a missing id")
    for form in find("form"):
        if not form.get("action"):
            problems.append("a <form> has no action")
    for image in find("img"):
        if image.get("alt") is None:
            problems.append(f"<img src={image.get('src')!r}> has no alt attribute")
    for link in find("a"):
        if not link.get("href"):
            problems.append(f"a link {_text(link)!r} has no href")
        if not _text(link) and not link.get("aria-label"):
            problems.append(f"a link to {link.get('href')!r} has no text")
    return problems


def _text(element):
    return " ".join("".join(element.itertext()).split())

"""Rules on how a printed leaflet lies on paper, read back from the PDF (`pdf/layout.py`).

Each rule looks at what a reader of the printed pages sees: where the words are, which
lines they are on and in what order, what each page holds, and where the links are.
"""

import collections
import itertools
import re
import unicodedata

from ..pdf.layout import letters, lines, text_of
from .model import ERROR, Finding, rule

PRINT = "RNIB / UKAAF clear and large print guidance"
rule("print_lines_overlap", "pdf", ERROR, "Two lines of printed text overlap",
     PRINT + "; WCAG 2.2 1.4.12 (text spacing)",
     "Give each script a line-height at least its font's ascent plus descent (Noto Nastaliq "
     "Urdu needs about 2.5) in the print CSS.")
rule("print_phone_order", "pdf", ERROR,
     "A phone number or postcode is printed with its parts in the wrong order",
     "WCAG 2.2 1.3.2 (meaningful sequence); Unicode bidirectional algorithm (UAX 9)",
     "Isolate left-to-right runs inside right-to-left text (dir=\"ltr\" or <bdi>, "
     "unicode-bidi: isolate), and mark English text with dir=\"ltr\" as well as lang=\"en\".")
rule("print_broken_number", "pdf", ERROR, "A phone number or postcode is broken across lines",
     PRINT, "Keep numbers and postcodes on one line (white-space: nowrap, or non-breaking spaces).")
rule("print_nearly_empty_page", "pdf", ERROR,
     "A printed page holds only a few lines (a QR code, the picture credit)", PRINT,
     "Keep the QR code and the credit with the text before them (break-before: avoid), or "
     "let the leaflet end a page earlier.")
rule("print_split_label", "pdf", ERROR, "A heading or label is at the foot of a page and its value on the next",
     PRINT + "; WCAG 2.2 1.3.1 (info and relationships)",
     "Keep headings and <dt> with what follows them (break-after: avoid) in the print CSS.")
rule("print_running_head", "pdf", ERROR, "A page after the first does not name the service in its margin",
     PRINT + " (every page says what it is about)",
     "Put the service's name in a page-margin box of every page after the first (string-set).")
rule("print_link_not_clickable", "pdf", ERROR,
     "A web or e-mail address or phone number in the PDF is not a link",
     "PDF/UA-1 (ISO 14289-1) 7.18.5; WCAG 2.2 2.4.4",
     "Print addresses and numbers as <a href> (mailto:, tel:, https:) so the PDF has a /Link over them.")

# Few enough lines that the page is nothing but a QR code, the picture credit or the tail
# of a paragraph (a QR code's words are two or three lines).
_URLISH = re.compile(r"://|www\.|@[\w-]+\.|\.(org|uk|com|net|gov)\b", re.I)
_DIGITS = re.compile(r"\W*(\d+)\W*")


def _numbers(service, site):
    """The phone numbers and postcodes the leaflet may print: [(kind, text)]."""
    phones = [p.number for p in service.phones or ()]
    phones += [p.number for c in service.contacts or () for p in c.phones or ()]
    phones += [n for n in (getattr(site, "phone", None), getattr(site, "textphone", None)) if n]
    postcodes = [loc.address.postcode for loc in service.locations or ()
                 if loc.address and loc.address.postcode]
    if getattr(site, "address", None) and site.address.postcode:
        postcodes.append(site.address.postcode)
    return ([("phone number", n) for n in dict.fromkeys(phones)]
            + [("postcode", p) for p in dict.fromkeys(postcodes)])


def _token(word, kind):
    if kind == "phone number":
        match = _DIGITS.fullmatch(word[0])
        return match.group(1) if match else None
    return letters(word[0]).upper() or None


def _find(page_lines, kind, number, taken):
    """Where number is printed: [(words, line indexes, in order)], each place once.

    taken: the ids of words already found in order as part of a number; a number is not
    found out of order in words that are another number read rightly.
    """
    wanted = re.sub(r"\W", "", number).upper()
    stream = [(index, word, _token(word, kind)) for index, line in enumerate(page_lines) for word in line]
    stream = [item for item in stream if item[2]]
    found, used = [], set()
    for in_order_only in (True, False):
        for start in range(len(stream)):
            window, length = [], 0
            for item in stream[start:]:
                window.append(item)
                length += len(item[2])
                if length >= len(wanted):
                    break
            parts = [item[2] for item in window]
            span = range(start, start + len(window))
            if length != len(wanted) or len(parts) > 6 or used.intersection(span):
                continue
            in_order = "".join(parts) == wanted and len({item[0] for item in window}) == 1
            if in_order_only and not in_order:
                continue
            if not in_order and (any(id(item[1]) in taken for item in window)
                                 or sorted("".join(parts)) != sorted(wanted) or not any(
                    "".join(p) == wanted for p in itertools.permutations(parts))):
                continue
            used.update(span)
            if in_order:
                taken.update(id(item[1]) for item in window)
            found.append(([item[1] for item in window], {item[0] for item in window},
                          "".join(parts) == wanted))
    return found


def _shown(words, limit=60):
    """Words as a finding shows them: without bidi controls, cut short."""
    text = "".join(c for c in text_of(words) if unicodedata.category(c) != "Cf")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _covered(word, links):
    x, y = (word[1] + word[3]) / 2, (word[2] + word[4]) / 2
    return any(x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1 for x0, y0, x1, y1, _ in links)


def _band(line):
    """The line's box: the middle of its glyphs' tops and bottoms, left to right extent.

    The middle, not the extremes: Nastaliq moves letters up and down along a line (its
    cascade), each with its whole ascent-to-descent box, and these stray boxes are not
    where the line's glyphs are."""
    tops, bottoms = sorted(w[2] for w in line), sorted(w[4] for w in line)
    return (min(w[1] for w in line), tops[len(tops) // 2], max(w[3] for w in line),
            bottoms[len(bottoms) // 2])


def _overlaps(page):
    """Lines whose boxes (each its font's ascent to descent) overlap the next line's:
    [(upper line, lower line, by how much)].  Lines of fewer than five letters are left
    out: a stray Nastaliq letter or two would be taken for a line of its own.  An overlap
    of a twentieth of a line's box or less (at least 1pt) is within what the middle of
    cascading letters' boxes can say about where a line is."""
    found, above = [], None
    for line in lines([w for w in page.words if w[3] - w[1] > 0.5]):   # not marks drawn apart
        if len(letters(text_of(line))) < 5:
            continue
        band = _band(line)
        if above is not None:
            (x0, _, x1, bottom), upper = above
            least = max(1.0, 0.05 * min(bottom - above[0][1], band[3] - band[1]))
            if min(x1, band[2]) - max(x0, band[0]) > 0.5 and bottom - band[1] > least:
                found.append((upper, line, bottom - band[1]))
        above = band, line
    return found


def layout_findings(slug, format, code, layout, service, site, file=""):
    """Findings for one leaflet from its Layout (format: standard, large-print, easy-read)."""
    from .pdf_rules import FORMAT_NAMES

    shown, found = FORMAT_NAMES[format], []

    def add(rule_id, message):
        finding = Finding(rule_id, slug, shown, code, message, str(file))
        if finding not in found:
            found.append(finding)

    pages, text_pages = layout.pages, layout.text_pages
    title = collections.Counter(c for c in letters(layout.title) if not c.isdigit())
    labels = {"".join(sorted(letters(label))) for label in layout.labels if letters(label)}
    numbers = _numbers(service, site)
    nearly_empty = layout.nearly_empty_pages()
    for number, (page, text_page) in enumerate(zip(pages, text_pages), 1):
        where = f"page {number} of {len(pages)}"
        overlaps = _overlaps(page)
        if overlaps:
            upper, lower, by = max(overlaps, key=lambda o: o[2])
            add("print_lines_overlap", f"{where}: {len(overlaps)} line(s) overlap the line below, by up "
                f"to {by:.1f}pt: {_shown(upper)!r} and {_shown(lower)!r}")
        for seen, shown_as in ((page, "is printed as"), (text_page, "reads back as")):
            if seen is text_page and text_page is page and shown_as == "reads back as":
                continue
            body, taken = seen.lines(), set()
            for kind, printed in numbers:   # first note every number read rightly, then look
                _find(body, kind, printed, taken)
            for kind, printed in numbers:
                for words, on_lines, in_order in _find(body, kind, printed, taken):
                    read = " / ".join(_shown([w for w in words if w in body[i]]) for i in sorted(on_lines))
                    if not in_order:
                        add("print_phone_order", f"{where}: the {kind} {printed} {shown_as} {read!r}")
                    if len(on_lines) > 1 and seen is page:
                        add("print_broken_number", f"{where}: the {kind} {printed} is broken: {read!r}")
                    if (kind == "phone number" and in_order and len(on_lines) == 1 and seen is page
                            and not all(_covered(w, page.links) for w in words)):
                        add("print_link_not_clickable",
                            f"{where}: the phone number {printed} is not a tel: link")
        for word in page.body:
            if _URLISH.search(word[0]) and not _covered(word, page.links):
                add("print_link_not_clickable", f"{where}: {word[0]!r} is not a link")
        body = text_page.lines()
        if number in nearly_empty:
            add("print_nearly_empty_page", f"{where} holds only {len(body)} line(s): "
                + " / ".join(repr(_shown(line)) for line in body))
        if number < len(pages) and body:
            for count in (1, 2, 3):
                tail = "".join(sorted(letters(" ".join(text_of(line) for line in body[-count:]))))
                if tail in labels:
                    add("print_split_label", f"{where} ends with {_shown(body[-count])!r}; what it "
                        f"labels is on page {number + 1}")
                    break
        if number > 1 and title:
            margin = collections.Counter(letters(text_of(text_page.margin)))
            if margin & title != title:
                head = _shown(lines(text_page.margin)[0]) if text_page.margin else ""
                add("print_running_head", f"{where}: no running head names {layout.title!r}" if not
                    margin & title else f"{where}: the running head {head!r} holds only part of "
                    f"{layout.title!r} (the rest is cut off or runs into the body)")
    return found

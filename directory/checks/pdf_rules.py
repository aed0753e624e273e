"""Rules on the printed PDFs, read back from the files themselves with pikepdf."""

import re

from .model import ERROR, Finding, rule

PDFUA = "PDF/UA-1 (ISO 14289-1)"
rule("pdf_ua_identifier", "pdf", ERROR, "The PDF does not say it is PDF/UA", PDFUA,
     "Make it with pdf_variant='pdf/ua-1' (the print templates do).")
rule("pdf_not_tagged", "pdf", ERROR, "The PDF is not tagged (no MarkInfo or structure tree)", PDFUA,
     "Make it with pdf_variant='pdf/ua-1'.")
rule("pdf_title", "pdf", ERROR, "The PDF has no title shown as its title", PDFUA + " 7.1",
     "Give the print HTML a <title>.")
rule("pdf_lang", "pdf", ERROR, "The PDF does not say its language", PDFUA + " 7.2",
     "Set lang on the print HTML's <html>.")
rule("pdf_figure_without_alt", "pdf", ERROR, "A picture in the PDF has no alternative text",
     PDFUA + " 7.3; WCAG 2.2 1.1.1", "Give every <img> in the print templates an alt.")
rule("pdf_font_not_embedded", "pdf", ERROR, "A font is not embedded", PDFUA + " 7.21.4.1",
     "Use installed fonts that can be embedded.")
rule("pdf_missing_glyphs", "pdf", ERROR, "Text is drawn with a missing-glyph box", PDFUA + " 7.21.7",
     "Choose a font for the language in site.yaml that covers its script.")
rule("large_print_font_size", "pdf", ERROR, "Large print text is smaller than 18 point",
     "RNIB / UKAAF clear and large print guidance", "Keep large-print.css at 18pt or more.")
rule("easy_read_font_size", "pdf", ERROR, "Easy read text is smaller than 16 point",
     "Mencap easy read guidance", "Keep easy-read.css at 16pt or more.")
rule("print_italics", "pdf", ERROR, "Large print or easy read text is in italics",
     "RNIB / UKAAF clear and large print guidance", "Remove italic styles from the print CSS.")
rule("print_serif", "pdf", ERROR, "Large print or easy read text is in a serif font",
     "RNIB / UKAAF clear and large print guidance; Mencap easy read guidance",
     "Use a sans serif face (the language's font in site.yaml, with Noto Sans).")
rule("print_alignment", "pdf", ERROR, "Printed text is justified, centred or lined up on the wrong side",
     "RNIB / UKAAF clear and large print guidance (left aligned, ragged right)",
     "Keep text-align: start in the print CSS; never justify or centre paragraphs.")
rule("pdf_text_readback", "pdf", ERROR,
     "The PDF's text does not read back as it was written (copied, searched or read aloud)",
     PDFUA + " 7.2 and ISO 32000-1 14.9.4 (ActualText); WCAG 2.2 1.3.2",
     "Make the PDF with render_pdf (pdf/tagging.py marks every run of text with its "
     "ActualText); if it still fails, see which paragraph, and what came back instead.")
rule("pdf_untagged_content", "pdf", ERROR,
     "Content in the PDF is neither in the structure tree nor an artifact",
     PDFUA + " 7.1 (content shall be tagged or marked as an artifact)",
     "Make the PDF with render_pdf (pdf/tagging.py marks page numbers and running heads "
     "as pagination artifacts).")
rule("pdf_figure_bbox", "pdf", ERROR, "A figure's bounding box is not where the picture is drawn",
     PDFUA + " 7.3 (ISO 32000-1 14.8.5.4.3 BBox)",
     "Make the PDF with render_pdf (pdf/tagging.py sets each Figure's BBox from where it is drawn).")
rule("pdf_unreadable", "pdf", ERROR, "The PDF cannot be made or opened",
     "Directory content policy", "See the message.")

MINIMUM = {"large-print": (18.0, "large_print_font_size"), "easy-read": (16.0, "easy_read_font_size")}
FORMAT_NAMES = {"large-print": "large-print", "easy-read": "easy-read", "standard": "standard-print"}


BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption",
          "figcaption", "blockquote", "address", "pre", "div", "section", "article", "header",
          "footer", "main", "nav", "aside", "ul", "ol", "dl", "table", "tr", "body", "figure"}
UNPRINTED = {"head", "script", "style", "template", "title"}


def source_paragraphs(html):
    """The text of each block element of a leaflet's print HTML, plain() (`pdf/inspect.py`):
    what its PDF must give back."""
    import lxml.html

    from ..pdf.inspect import plain

    paragraphs, current = [], []

    def close():
        text = plain("".join(current))
        if text:
            paragraphs.append(text)
        current.clear()

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in UNPRINTED:
            return
        block = tag in BLOCKS
        if block:
            close()
        if tag == "br":
            current.append(" ")
        current.append(element.text or "")
        for child in element:
            walk(child)
            current.append(child.tail or "")
        if block:
            close()

    walk(lxml.html.document_fromstring(html))
    close()
    return paragraphs


def readback_problem(paragraphs, facts):
    """'pdftotext gives back ...' for the first paragraph that does not come back, or None."""
    pages = []
    for number, page in enumerate(facts.pdftotext.split("\f")):
        page = _unbroken(page)
        heads = [_unbroken(text) for text in (facts.artifacts[number] if number < len(facts.artifacts) else [])]
        heads = [head for head in heads if head]
        while heads:    # the page number and running head, before or after the page's text, once each
            head = next((h for h in heads if page.startswith(h) or page.endswith(h)), None)
            if head is None:
                break
            heads.remove(head)
            page = page[len(head):] if page.startswith(head) else page[:-len(head)]
        pages.append(page)
    for reader, joined in (("pdftotext", "".join(pages)), ("the tagged text", _unbroken(facts.tagged_text))):
        text = facts.pdftotext if reader == "pdftotext" else facts.tagged_text
        for paragraph in paragraphs:
            if _unbroken(paragraph) not in joined:
                return (f"{reader} does not give back {_quote(paragraph)}; nearest: "
                        f"{_quote(_nearest(paragraph, text))}")
    return None


def _unbroken(text):
    """Text without the spaces and hyphens a line break adds or takes away (pdftotext joins
    "brackenford-" and "deaf" as "brackenforddeaf", and a web address broken with no
    hyphen gets a space): the letters, digits and signs, in their order, are compared."""
    return _BREAKS.sub("", text)


_BREAKS = re.compile(r"[\s\-\u2010]+")


def _quote(text, limit=80):
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _nearest(paragraph, text):
    """The stretch of text most like paragraph (from where its longest start is found)."""
    for length in range(min(len(paragraph), 40), 0, -1):
        at = text.find(paragraph[:length])
        if at >= 0:
            return text[at:at + len(paragraph) + 5]
    return text[:len(paragraph)]


def pdf_findings(slug, format, code, facts=None, error=None, file="", paragraphs=None):
    """Findings for one PDF from the facts read out of it (or the error making it).

    paragraphs: the leaflet's source_paragraphs(), for the read-back rule; without them the
    rule takes what was found when the PDF was read (facts.readback)."""
    shown = FORMAT_NAMES[format]
    if error is not None:
        return [Finding("pdf_unreadable", slug, shown, code, error, file)]
    found = []

    def add(rule_id, message):
        found.append(Finding(rule_id, slug, shown, code, message, file))

    if facts.pdfua_part != "1":
        add("pdf_ua_identifier", "no pdfuaid:part 1 in the XMP metadata")
    if not (facts.marked and facts.has_structure_tree):
        add("pdf_not_tagged", "MarkInfo /Marked is not true or there is no StructTreeRoot")
    if not facts.title or not facts.display_doc_title:
        add("pdf_title", "dc:title is empty or DisplayDocTitle is not set")
    if facts.lang != code:
        add("pdf_lang", f"/Lang is {facts.lang!r}, not {code!r}")
    if facts.figures_without_alt:
        add("pdf_figure_without_alt", f"{facts.figures_without_alt} of {facts.figures} figures have no /Alt")
    missing = [name for name, embedded in facts.fonts.items() if not embedded]
    if missing:
        add("pdf_font_not_embedded", ", ".join(missing))
    if facts.missing_glyphs:
        add("pdf_missing_glyphs", f"{facts.missing_glyphs} glyphs are .notdef")
    if format in MINIMUM:
        minimum, rule_id = MINIMUM[format]
        if facts.smallest_font_size is not None and facts.smallest_font_size < minimum:
            add(rule_id, f"smallest text is {facts.smallest_font_size:g}pt")
        if facts.italic_fonts:
            add("print_italics", ", ".join(facts.italic_fonts))
        if facts.serif_fonts:
            add("print_serif", ", ".join(facts.serif_fonts))
    if facts.misaligned:
        add("print_alignment", "; ".join(facts.misaligned))
    problem = readback_problem(paragraphs, facts) if paragraphs is not None else facts.readback
    if problem:
        add("pdf_text_readback", problem)
    if facts.untagged:
        add("pdf_untagged_content", "; ".join(facts.untagged))
    if facts.figure_boxes:
        add("pdf_figure_bbox", "; ".join(facts.figure_boxes))
    return found

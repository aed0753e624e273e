"""Rules on the printed PDFs, read back from the files themselves with pikepdf."""

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
rule("pdf_unreadable", "pdf", ERROR, "The PDF cannot be made or opened",
     "Directory content policy", "See the message.")

MINIMUM = {"large-print": (18.0, "large_print_font_size"), "easy-read": (16.0, "easy_read_font_size")}
FORMAT_NAMES = {"large-print": "large-print", "easy-read": "easy-read", "standard": "standard-print"}


def pdf_findings(slug, format, code, facts=None, error=None, file=""):
    """Findings for one PDF from the facts read out of it (or the error making it)."""
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
    return found

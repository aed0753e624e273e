"""Issue 13 item 4: every leaflet's text reads back, in the order it is read, with the
real readers: poppler's pdftotext and a walk of the structure tree (what a screen reader
reads).  The flagged fixtures are real leaflets made the way WeasyPrint makes them alone
(render_pdf(readable=False)); the passing ones are render_pdf's own."""

import subprocess
import sys

import pytest

from directory.checks.pdf_rules import pdf_findings, readback_problem, source_paragraphs
from directory.pdf.documents import TEMPLATES, in_language, leaflet_html
from directory.pdf.inspect import plain, read_pdf
from directory.pdf.render import render_pdf


def leaflet(app, slug, format, code, readable=True):
    """(source paragraphs, facts) of a real leaflet, rendered now."""
    with in_language(app, code):
        html = leaflet_html(app.extensions["directory"].services[slug], format)
    return source_paragraphs(html), read_pdf(render_pdf(html, TEMPLATES, readable=readable))


def written_in(paragraphs, script):
    """The paragraphs with letters of a script ('BENGALI', 'ARABIC')."""
    import unicodedata

    return [p for p in paragraphs if any(unicodedata.name(c, "").startswith(script) for c in p)]


@pytest.mark.parametrize("slug, code, script, words", [
    ("brackenford-foodbank", "bn", "BENGALI", "বিপদে"),
    ("brackenford-community-advice", "ur", "ARABIC", "(مفت مشورہ مرکز)"),
])
def test_weasyprint_alone_gives_back_broken_text_and_the_rule_says_so(app, slug, code, script, words):
    paragraphs, facts = leaflet(app, slug, "standard", code, readable=False)
    sentences = [p for p in written_in(paragraphs, script) if len(p.split()) > 3]
    assert len(sentences) >= 3 and words in " ".join(paragraphs)
    back = [p for p in sentences if p in facts.pdftotext or p in facts.tagged_text]
    assert back == []                                  # not one sentence comes back
    assert words not in facts.pdftotext and words not in facts.tagged_text
    found = pdf_findings(slug, "standard", code, facts, paragraphs=paragraphs)
    readback = [f for f in found if f.rule == "pdf_text_readback"]
    assert len(readback) == 1 and "pdftotext does not give back" in readback[0].message


@pytest.mark.parametrize("slug, code, script, words", [
    ("brackenford-foodbank", "bn", "BENGALI", "বিপদে"),
    ("safeguarding-adults-team", "bn", "BENGALI", "বিপদে"),
    ("brackenford-community-advice", "ur", "ARABIC", "(مفت مشورہ مرکز)"),
    ("adult-social-care-contact-team", "ur", "ARABIC", None),
    ("adult-social-care-contact-team", "ar", "ARABIC", None),
    ("adult-social-care-contact-team", "en", "LATIN", None),
    ("brackenford-foodbank", "pl", "LATIN", None),
    ("brackenford-foodbank", "ro", "LATIN", None),
])
def test_leaflets_read_back_paragraph_by_paragraph(app, slug, code, script, words):
    paragraphs, facts = leaflet(app, slug, "standard", code)
    assert readback_problem(paragraphs, facts) is None
    for paragraph in written_in(paragraphs, script):
        # Each paragraph word for word in both readers (where a line ends is a space).
        assert paragraph in facts.pdftotext.replace("\f", " ") or \
            paragraph.replace(" ", "") in facts.pdftotext.replace(" ", "")
        assert paragraph in facts.tagged_text.replace("\n", " ") or \
            paragraph.replace(" ", "") in facts.tagged_text.replace(" ", "")
    if words:
        assert words in facts.pdftotext and words in facts.tagged_text
    assert not [f for f in pdf_findings(slug, "standard", code, facts, paragraphs=paragraphs)
                if f.rule == "pdf_text_readback"]


def test_the_rule_names_the_paragraph_and_what_came_back(app):
    paragraphs, facts = leaflet(app, "brackenford-foodbank", "standard", "bn")
    facts.pdftotext = facts.pdftotext.replace("বিপদে", "বপ দে")     # what WeasyPrint alone gave
    problem = readback_problem(paragraphs, facts)
    assert problem.startswith("pdftotext does not give back '") and "বিপদে" in problem
    assert "বপ দে" in problem.split("nearest:")[1]


def test_source_paragraphs_are_the_block_elements_text():
    html = ('<!DOCTYPE html><html lang="ur" dir="rtl"><head><title>T</title><style>p{}</style></head>'
            '<body><h1>Name <bdi dir="ltr">BK1 2XS</bdi></h1><p>One\n  two<br>three</p>'
            '<ul><li>A <strong>b</strong></li><li>\u200fC\u00ad</li></ul></body></html>')
    assert source_paragraphs(html) == ["Name BK1 2XS", "One two three", "A b", "C"]
    assert plain(" a\u202b\u00adb \n c ") == "ab c"


def test_tagging_refuses_another_weasyprint():
    code = ("import weasyprint; weasyprint.__version__ = '71.0'\n"
            "try:\n    import directory.pdf.tagging\nexcept ImportError as e:\n    print('refused', e)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("refused") and "70.0" in result.stdout

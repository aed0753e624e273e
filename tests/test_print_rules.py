"""The rules on how a leaflet lies on paper (checks/print_rules.py), read from real PDFs.

Every PDF here is a sample entry's real print HTML (directory/templates/print) made by
render_pdf, as the site makes it.  For each rule the fault is put in by one stylesheet
or markup change added to that HTML (the fault seen in the leaflets of 5 December 2026),
and the passing case is the same leaflet with the fault's fix; so the cases hold whatever
the print templates do today.
"""

import re

import pytest

from directory.checks import runner
from directory.checks.print_rules import layout_findings
from directory.pdf import layout as layout_module
from directory.pdf.documents import TEMPLATES, in_language, leaflet_html
from directory.pdf.layout import Layout, html_labels, read_layout
from directory.pdf.render import render_pdf

from .conftest import ROOT, make_app

DEMENTIA = "dementia-adviser-service"
MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom",
                "bottom-left-corner", "bottom-left", "bottom-right", "bottom-right-corner")
# Today's right-to-left fault: English in an Urdu or Arabic leaflet laid out right to left,
# with nothing isolated.
ENGLISH_RIGHT_TO_LEFT = ("[lang=en], [lang=en] * { direction: rtl !important; "
                         "unicode-bidi: normal !important; }")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(ROOT / "content", INSTANCE_DIR=tmp_path_factory.mktemp("instance"))


def leaflet(app, tmp_path, slug, format, code, style="", change=None):
    """(Layout, findings) of the leaflet's PDF, made from its print HTML with style added
    at the end of its stylesheet and change(html) applied."""
    directory = app.extensions["directory"]
    service = directory.services[slug]
    with in_language(app, code):
        html = leaflet_html(service, format)
    html = html.replace("</head>", f"<style>{style}</style></head>", 1)
    if change:
        html = change(html)
    path = tmp_path / f"{slug}-{format}-{code}.pdf"
    path.write_bytes(render_pdf(html, TEMPLATES))
    layout = read_layout(path, html_labels(html))
    return layout, layout_findings(slug, format, code, layout, service, directory.site)


def messages(findings, rule):
    return [f.message for f in findings if f.rule == rule]


def test_lines_of_nastaliq_at_one_and_a_half_overlap(app, tmp_path):
    """Item 6: Noto Nastaliq Urdu's glyphs reach about 2.5 em, so at line-height 1.5 lines collide."""
    tight = "body, body * { line-height: 1.5 !important; }"
    _, found = leaflet(app, tmp_path, DEMENTIA, "large-print", "ur", tight)
    assert messages(found, "print_lines_overlap"), found
    assert all(m.startswith("page ") for m in messages(found, "print_lines_overlap"))
    spaced = "body, body * { line-height: 2.7 !important; } @page { margin-top: 30mm; }"
    _, found = leaflet(app, tmp_path, DEMENTIA, "large-print", "ur", spaced)
    assert messages(found, "print_lines_overlap") == []
    # Latin at 1.5 is not flagged: the rule measures, it does not flag every tall line.
    _, found = leaflet(app, tmp_path, DEMENTIA, "large-print", "en", tight)
    assert messages(found, "print_lines_overlap") == []


@pytest.mark.parametrize("code", ["ur", "ar"])
def test_a_phone_number_read_right_to_left_is_flagged(app, tmp_path, code):
    """Item 1: English easy read in an Urdu or Arabic pack laid out right to left prints
    "0121 496 0308" as "0308 496 0121"."""
    _, found = leaflet(app, tmp_path, DEMENTIA, "easy-read", code, ENGLISH_RIGHT_TO_LEFT)
    wrong = messages(found, "print_phone_order")
    assert any("0121 496 0308" in m for m in wrong), found
    isolated = "[lang=en] { direction: ltr !important; unicode-bidi: isolate !important; }"
    _, found = leaflet(app, tmp_path, DEMENTIA, "easy-read", code, isolated)
    assert messages(found, "print_phone_order") == []


def test_a_phone_number_broken_across_lines_is_flagged(app, tmp_path):
    """Item 7: "0808 157 / 0330": a number broken where a line ends."""
    narrow = "dd, dd * { white-space: normal !important; } dd { width: 20mm; }"
    _, found = leaflet(app, tmp_path, DEMENTIA, "standard", "en", narrow)
    assert any("0121 496 0308" in m for m in messages(found, "print_broken_number")), found
    kept = narrow + " dd, dd * { white-space: nowrap !important; }"
    _, found = leaflet(app, tmp_path, DEMENTIA, "standard", "en", kept)
    assert messages(found, "print_broken_number") == []


def test_a_postcode_broken_across_lines_is_flagged(app, tmp_path):
    """Item 7: "BK1 / 2XS"."""
    service = app.extensions["directory"].services["brackenford-carers-centre"]
    postcode = service.locations[0].address.postcode
    narrow = ".address, .address * { white-space: normal !important; }"

    def break_before_inward(html):
        outward, inward = postcode.split()
        return html.replace(postcode, f"{outward}<br>{inward}")

    _, found = leaflet(app, tmp_path, "brackenford-carers-centre", "standard", "en", narrow, break_before_inward)
    assert any(postcode in m for m in messages(found, "print_broken_number")), found
    _, found = leaflet(app, tmp_path, "brackenford-carers-centre", "standard", "en")
    assert messages(found, "print_broken_number") == []


def test_a_page_with_only_the_picture_credit_or_a_qr_code_is_flagged(app, tmp_path):
    """Item 7: Arabic easy read page 4 of 4 held only the picture credit."""
    _, found = leaflet(app, tmp_path, DEMENTIA, "easy-read", "ar", ".credit { break-before: page !important; }")
    assert any("OpenMoji" in m for m in messages(found, "print_nearly_empty_page")), found
    _, found = leaflet(app, tmp_path, DEMENTIA, "large-print", "en", ".qr { break-before: page !important; }")
    assert any("Scan the code" in m for m in messages(found, "print_nearly_empty_page")), found
    kept = ".qr, .credit, .end { break-before: avoid !important; break-inside: avoid !important; }"
    _, found = leaflet(app, tmp_path, DEMENTIA, "easy-read", "ar", kept)
    assert messages(found, "print_nearly_empty_page") == []


def test_a_heading_at_the_foot_of_a_page_is_flagged(app, tmp_path):
    """Item 7: a label on one page and its value on the next."""
    layout, found = leaflet(app, tmp_path, DEMENTIA, "standard", "en", "dl { break-before: page !important; }")
    assert any("'Contact'" in m for m in messages(found, "print_split_label")), found
    _, found = leaflet(app, tmp_path, DEMENTIA, "standard", "en", "h2 { break-before: page !important; }")
    assert messages(found, "print_split_label") == []


@pytest.mark.parametrize("code", ["en", "ur"])
def test_a_page_that_does_not_name_the_service_is_flagged(app, tmp_path, code):
    """Item 7: a loose page must say which service it is about."""
    no_head = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES) + " }"
    layout, found = leaflet(app, tmp_path, DEMENTIA, "large-print", code, no_head)
    assert len(layout.pages) > 1 and len(messages(found, "print_running_head")) == len(layout.pages) - 1
    assert messages(found, "print_running_head")[0].startswith("page 2 of")
    head = '@page { @top-center { content: "%s"; } }' % layout.title.replace('"', '\\"')
    _, found = leaflet(app, tmp_path, DEMENTIA, "large-print", code, head)
    assert messages(found, "print_running_head") == []


def test_an_address_printed_without_a_link_is_flagged(app, tmp_path):
    """Item 7: no clickable links in the PDFs."""
    service = app.extensions["directory"].services[DEMENTIA]

    def unlinked(html):
        return re.sub(r"</?a\b[^>]*>", "", html)

    def linked(html):
        html = unlinked(html)
        for text, href in [(service.email, f"mailto:{service.email}"),
                           *[(p.number, "tel:" + p.number.replace(" ", "")) for p in service.phones]]:
            html = re.sub(f"(?<=>){re.escape(text)}(?=<)", f'<a href="{href}">{text}</a>', html)
        return re.sub(r"(?<=>)(https?://[^<\s]+)(?=<)", r'<a href="\1">\1</a>', html)

    _, found = leaflet(app, tmp_path, DEMENTIA, "standard", "en", change=unlinked)
    flagged = messages(found, "print_link_not_clickable")
    assert any(service.email in m for m in flagged) and any("brackenfordmemory.example.org/advisers" in m
                                                            for m in flagged), found
    assert any("0121 496 0308" in m for m in flagged)
    _, found = leaflet(app, tmp_path, DEMENTIA, "standard", "en", change=linked)
    assert messages(found, "print_link_not_clickable") == []


def test_the_layout_is_read_once_and_remembered(app, monkeypatch):
    """A repeat check reads the layout from the cache, not from the PDF."""
    job = (DEMENTIA, "standard", "en")
    runner._use_app(app)
    first = runner._check_print_layout(job)

    def no_reading(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(layout_module, "read_layout", no_reading)
    assert runner._check_print_layout(job) == first
    with in_language(app, "en"):
        from directory.pdf.documents import pdf_cache, pdf_key

        service = app.extensions["directory"].services[DEMENTIA]
        remembered = pdf_cache().get_facts(pdf_key([service], "standard", "en"), layout_module.READER_VERSION)
    assert Layout.from_json(remembered).pages[0].words

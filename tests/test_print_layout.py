"""Printed leaflets as a care worker would hand them over, read back from real PDFs.

Each leaflet is the sample's, made through the print templates and WeasyPrint
(`render_pdf`), and read back with poppler (`pdftotext -bbox`, the glyphs where they
are drawn, via `pdf/layout.py`) or from WeasyPrint's own layout of the same HTML.
"""

import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import lxml.html
import pikepdf
import pytest
import weasyprint

from directory.i18n import current_language
from directory.pdf import documents
from directory.pdf.documents import TEMPLATES, booklet_html, in_language, leaflet_html
from directory.pdf.layout import MM, lines, read_layout, text_of
from directory.pdf.render import render_pdf
from directory.pdf.runs import finish
from directory.templating import clock, tel_href

from .conftest import ROOT, make_app

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

DEMENTIA = "dementia-adviser-service"      # phone numbers in its easy read sentences
CARERS = "brackenford-carers-centre"       # an address with a postcode, an e-mail address
FOLDER = Path(tempfile.mkdtemp(prefix="print-layout-"))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(ROOT / "content", INSTANCE_DIR=tmp_path_factory.mktemp("instance"))


@lru_cache(maxsize=None)
def _made(app, format, code, slugs):
    with in_language(app, code):
        services = [app.extensions["directory"].services[slug] for slug in slugs]
        html = leaflet_html(services[0], format) if len(services) == 1 else booklet_html(services, format)
    path = FOLDER / f"{'+'.join(slugs)}-{format}-{code}.pdf"
    path.write_bytes(render_pdf(html, TEMPLATES))
    return html, path


def made(app, format, code, *slugs):
    """(print HTML, PDF path) of a leaflet (one slug) or a pack (several)."""
    return _made(app, format, code, slugs)


def drawn_lines(path):
    """[(page number, line text)] of the body of each page, as drawn, left to right."""
    found = []
    for number, page in enumerate(read_layout(path).pages, 1):
        found += [(number, text_of(line)) for line in lines(page.body)]
    return found


def phone_numbers(service):
    return [phone.number for phone in service.phones]


# --- Items 1 and 2: left-to-right text inside right-to-left leaflets ---------------------------

@pytest.mark.parametrize("code", ["ur", "ar"])
@pytest.mark.parametrize("format", ["standard", "easy-read"])
def test_every_phone_number_in_an_rtl_leaflet_is_drawn_in_order_on_one_line(app, format, code):
    """ "0121 496 0308" once printed as "0121" then ".0308 496" on the next line in Urdu."""
    html, path = made(app, format, code, DEMENTIA)
    service = app.extensions["directory"].services[DEMENTIA]
    numbers = set(phone_numbers(service))
    numbers |= {m.group() for m in re.finditer(r"\b0\d{3} \d{3} \d{4}\b",
                                               lxml.html.document_fromstring(html).text_content())}
    text = "\n".join(line for _, line in drawn_lines(path))
    for number in numbers:
        groups = number.split()
        assert " ".join(groups) in text, f"{number} is not drawn in order on one line in {format}/{code}"
        assert " ".join(reversed(groups)) not in text
        assert not re.search(rf"(^|\n){re.escape(groups[-1])}\b", text), f"{number} is split"


@pytest.mark.parametrize("code", ["ur", "ar"])
def test_english_in_an_rtl_leaflet_is_marked_left_to_right_and_keeps_its_full_stops(app, code):
    html, path = made(app, "easy-read", code, CARERS)    # this easy read is in English only
    document = lxml.html.document_fromstring(html)
    english = document.xpath("//body//*[@lang='en']")
    assert english and all(e.get("dir") == "ltr" for e in english)
    drawn = [line for _, line in drawn_lines(path) if re.fullmatch(r"[\x20-\x7e’–]+", line)]
    assert drawn, "the English of the easy read is drawn"
    assert not [line for line in drawn if re.match(r"[.?,!]\w", line)], "a full stop at the start"
    assert any(line.endswith((".", "?")) for line in drawn)


def test_without_dir_english_in_urdu_is_laid_out_right_to_left():
    """What the test above would catch: lang="en" alone puts the full stop at the start."""
    html = ('<html lang="ur" dir="rtl"><body style="font-family: Noto Sans; width: 15cm">'
            '<p lang="en">Do you look after someone?</p></body></html>')
    path = FOLDER / "no-dir.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf())
    assert [line for _, line in drawn_lines(path)] == ["?Do you look after someone"]


def test_addresses_postcodes_and_values_are_isolated_and_kept_whole(app):
    html, path = made(app, "large-print", "ur", CARERS)
    document = lxml.html.document_fromstring(html)
    service = app.extensions["directory"].services[CARERS]
    address = service.locations[0].address
    # Each value in a <bdi dir="ltr">, and phone numbers and postcodes on one line.
    values = document.xpath("//bdi[@dir='ltr']")
    assert any(address.line1 in v.text_content() and address.postcode in v.text_content() for v in values)
    numbers = {e.text_content() for e in document.xpath("//*[contains(@class, 'number')]")}
    assert address.postcode in numbers and set(phone_numbers(service)) <= numbers
    text = "\n".join(line for _, line in drawn_lines(path))
    assert address.line1 in text and address.postcode in text      # "14 Chapel Street" in order
    for number in phone_numbers(service):
        assert number in text


def test_latin_letters_and_digits_in_urdu_are_in_the_latin_face(app):
    """Not digits from Nastaliq and letters from Noto Sans ("BK1 2XS")."""
    html, _ = made(app, "large-print", "ur", CARERS)
    faces = {}
    for page in weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render().pages:
        for box in _text_boxes(page._page_box):
            for run in re.findall(r"[A-Za-z0-9]+", box.text):
                faces.setdefault(box.style["font_family"][0], set()).add(run)
    assert set(faces) == {"Noto Sans"}, {face: sorted(runs)[:5] for face, runs in faces.items()}


def test_the_pass_isolates_runs_only_in_right_to_left_text():
    rtl = finish('<html dir="rtl"><body><p>فون 0121 496 0308 اور (Relay UK)۔</p></body></html>', True)
    assert '<bdi dir="ltr"><a class="number" href="tel:+441214960308">0121 496 0308</a></bdi>' in rtl
    assert '<bdi dir="ltr">(Relay UK)</bdi>' in rtl
    ltr = finish("<html><body><p>Phone 0121 496 0308, BK1 2XS.</p></body></html>", False)
    assert "<bdi" not in ltr and '<span class="number">BK1 2XS</span>' in ltr


def test_times_are_written_in_each_languages_own_way(app):
    seen = {}
    for code in ("en", "ur", "ar", "bn", "pl"):
        with in_language(app, code):
            seen[code] = clock("09:00"), clock("17:30")
    assert seen["en"] == ("9am", "5:30pm")
    assert seen["ur"] == ("9:00 صبح", "5:30 سہ پہر")
    assert seen["ar"] == ("9:00 ص", "5:30 م")
    assert seen["pl"] == ("09:00", "17:30")
    assert not any("AM" in t or "PM" in t for times in seen.values() for t in times)


# --- Item 6: each script as large as Latin, lines that do not collide -------------------------

def _text_boxes(box):
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def _line_boxes(box):
    if type(box).__name__ == "LineBox":
        yield box
    else:
        for child in getattr(box, "children", ()):
            yield from _line_boxes(child)


def overlapping_lines(html):
    """Lines whose glyph boxes (each font's ascent to descent, as Pango sets them) reach into
    those of a line below them, in WeasyPrint's layout of html: [(by how much, text, text)].
    The running head and page number are lines too."""
    found = []
    for page in weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render().pages:
        spans = []
        for line in _line_boxes(page._page_box):
            boxes = [b for b in _text_boxes(line) if b.text.strip()]
            if boxes:
                spans.append((min(b.position_x for b in boxes), max(b.position_x + b.width for b in boxes),
                              min(b.position_y for b in boxes), max(b.position_y + b.height for b in boxes),
                              "".join(b.text for b in boxes)))
        for x0, x1, top, bottom, text in spans:
            for x2, x3, top2, _, text2 in spans:
                if top2 > top + 1 and min(x1, x3) > max(x0, x2) and bottom - top2 > 0.5:
                    found.append((round(bottom - top2, 1), text[:20], text2[:20]))
    return found


@pytest.mark.parametrize("format", ["standard", "large-print", "easy-read"])
@pytest.mark.parametrize("code", ["ur", "ar", "bn"])
def test_no_two_lines_overlap(app, format, code):
    html, _ = made(app, format, code, DEMENTIA)
    assert overlapping_lines(html) == []


def test_urdu_at_latin_line_height_would_overlap_and_is_set_larger(app):
    """The flagged case: Nastaliq at line-height 1.5 collides; site.yaml sizes it instead."""
    html, _ = made(app, "standard", "ur", DEMENTIA)
    assert "--least: 2.6" in html and "--scale: 1.3" in html
    squeezed = html.replace("--least: 2.6", "--least: 1.0")
    assert overlapping_lines(squeezed)
    sizes = {box.style["font_size"] for page in weasyprint.HTML(string=html, base_url=str(TEMPLATES))
             .render().pages for body in page._page_box.children[:1] for box in _text_boxes(body)
             if re.search("[\u0600-\u06ff]", box.text)}
    assert min(sizes) >= 12 * 1.3 * 96 / 72 - 0.01      # 12pt text, 1.3 times as large


# --- Item 7: pages a care worker would hand over ----------------------------------------------

@pytest.mark.parametrize("format, code, slugs", [
    ("easy-read", "ar", (DEMENTIA,)),           # page 4 of 4 held only the QR code
    ("easy-read", "ur", (DEMENTIA, CARERS)),    # the last page held only the QR codes
    ("large-print", "en", (DEMENTIA, CARERS, "safeguarding-adults-team")),
])
def test_no_page_holds_only_a_qr_code_or_the_picture_credit(app, format, code, slugs):
    _, path = made(app, format, code, *slugs)
    pages = read_layout(path).pages
    for number, page in enumerate(pages, 1):
        assert len(lines(page.body)) > 3, f"page {number} of {len(pages)} is nearly empty"


def test_the_qr_code_and_credit_stay_with_the_text_before_them(app):
    html, _ = made(app, "easy-read", "ar", DEMENTIA)
    end = lxml.html.document_fromstring(html).find_class("end")
    assert len(end) == 1 and end[0].find_class("credit") and end[0].find_class("qr")
    assert ".end { break-inside: avoid; break-before: avoid; }" in html


@pytest.mark.parametrize("code", ["en", "pl", "ar"])
def test_every_page_after_the_first_names_its_service(app, code):
    _, path = made(app, "large-print", code, CARERS)
    pages = read_layout(path).pages
    assert len(pages) > 1
    with in_language(app, code):
        name = documents._entry(app.extensions["directory"].services[CARERS], "large-print", code)["title"]
    latin = re.findall(r"[A-Za-z]\w+", name)
    for page in pages[1:]:
        head = text_of([w for w in page.margin if w[2] < 20 * MM])
        assert latin and all(word in head for word in latin), f"{head!r} does not name {name!r}"
    assert not [w for w in pages[0].margin if w[2] < 20 * MM], "the first page has its title instead"


def test_a_pack_names_each_service_on_its_own_pages(app):
    _, path = made(app, "standard", "en", DEMENTIA, CARERS)
    heads = [text_of([w for w in page.margin if w[2] < 20 * MM]) for page in read_layout(path).pages]
    assert "Dementia Adviser Service" in heads and "Brackenford Carers Centre" in heads
    assert heads.index("Brackenford Carers Centre") > heads.index("Dementia Adviser Service")


@pytest.mark.parametrize("format, code", [("large-print", "en"), ("large-print", "ur"), ("standard", "ar")])
def test_no_page_ends_with_a_label_whose_value_is_on_the_next(app, format, code):
    html, path = made(app, format, code, DEMENTIA, CARERS, "safeguarding-adults-team")
    labels = {re.sub(r"\s+", " ", e.text_content()).strip()
              for e in lxml.html.document_fromstring(html).iter("h2", "h3", "dt")}
    pages = read_layout(path).pages
    for number, page in enumerate(pages[:-1], 1):
        last = text_of(lines(page.body)[-1])
        assert last not in labels, f"page {number} ends with the label {last!r}"


def test_addresses_and_numbers_are_links_in_the_pdf(app):
    html, path = made(app, "standard", "ar", CARERS)
    service = app.extensions["directory"].services[CARERS]
    with pikepdf.open(path) as pdf:
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if a.get("/Subtype") == "/Link" and "/A" in a}
    assert f"mailto:{service.email}" in uris
    assert {tel_href(number) for number in phone_numbers(service)} <= uris
    assert any(uri.startswith("http") and "/ar/services/" + CARERS in uri for uri in uris)


def test_phone_numbers_in_easy_read_sentences_are_tel_links(app):
    html, _ = made(app, "easy-read", "en", DEMENTIA)
    links = lxml.html.document_fromstring(html).xpath("//div[@class='point']//a[starts-with(@href, 'tel:')]")
    assert [a.text_content() for a in links]
    assert all(" " not in a.get("href") for a in links)


def test_booklet_contents_put_the_page_number_beside_the_name(app):
    html, path = made(app, "standard", "en", DEMENTIA, CARERS)
    assert "leader(" not in html
    page = read_layout(path).pages[0]         # the cover, with the contents below it
    contents = [line for line in lines(page.body) if re.match(r"\d\.", text_of(line))]
    assert [text_of(line) for line in contents] == ["1. Dementia Adviser Service 2",
                                                    "2. Brackenford Carers Centre 4"]
    for line in contents:
        gap = line[-1][1] - line[-2][3]
        assert gap < 30, f"{text_of(line)!r}: the page number is {gap:.0f}pt from the name"


@pytest.mark.parametrize("code", ["en", "ar"])
def test_booklet_contents_links_are_described_by_the_service_names(app, code):
    """WeasyPrint describes a link within the PDF by the id it goes to (/Contents)."""
    services = [app.extensions["directory"].services[slug] for slug in (DEMENTIA, CARERS)]
    with in_language(app, code):
        path, _ = documents.booklet_pdf(services, "standard")
        names = [documents._entry(s, "standard", code)["title"] for s in services]
    with pikepdf.open(path) as pdf:
        described = [str(a.Contents) for page in pdf.pages for a in page.get("/Annots", [])
                     if a.get("/Subtype") == "/Link" and "/Dest" in a]
    assert described and set(described) == set(names)
    assert not [d for d in described if d.startswith("service-")]



def test_a_leaflet_whose_last_pages_fall_badly_is_made_with_another_ending(app):
    """Urdu large print of the deaf centre: ended the usual way, its languages are left
    alone on a page before the QR codes; leaflet_pdf makes it with an ending that fits."""
    service = app.extensions["directory"].services["brackenford-deaf-centre"]
    with in_language(app, "ur"):
        usual = render_pdf(leaflet_html(service, "large-print"), TEMPLATES)
        path, _ = documents.leaflet_pdf(service, "large-print")
        assert documents._nearly_empty_page(usual, "large-print")
        assert not documents._nearly_empty_page(path.read_bytes(), "large-print")
        top = documents.top_margin("large-print", current_language())
    for number, page in enumerate(read_layout(path, top=top).pages, 1):
        assert len(lines(page.body)) > 3, f"page {number} is nearly empty"

"""Issue 13 item 5: page numbers and running heads are pagination artifacts, not marked
content hanging off the structure tree, and each Figure's BBox is where its picture is
drawn.  Flagged fixtures: real leaflets as WeasyPrint alone makes them
(render_pdf(readable=False)); passing: render_pdf's own."""

import io

import pikepdf
import pytest

from directory.checks.pdf_rules import pdf_findings
from directory.pdf.documents import TEMPLATES, in_language, leaflet_html
from directory.pdf.inspect import _number_tree, drawn_boxes, read_pdf
from directory.pdf.render import render_pdf
from directory.pdf.tagging import reachable

SLUG = "adult-social-care-contact-team"


def made(app, code="en", format="standard", readable=True):
    with in_language(app, code):
        html = leaflet_html(app.extensions["directory"].services[SLUG], format)
    return render_pdf(html, TEMPLATES, readable=readable)


def rules(data, code="en"):
    return {f.rule: f.message for f in pdf_findings(SLUG, "standard", code, read_pdf(data))}


@pytest.fixture(scope="module")
def leaflets(request):
    """(WeasyPrint's own, render_pdf's) English standard leaflet, made once."""
    from .conftest import ROOT, make_app

    tmp = request.getfixturevalue("tmp_path_factory").mktemp("tags")
    app = make_app(ROOT / "content", INSTANCE_DIR=tmp / "instance")
    return made(app, readable=False), made(app)


def test_weasyprint_alone_leaves_page_numbers_off_the_tree(leaflets):
    old, _ = leaflets
    found = rules(old)
    assert "pdf_untagged_content" in found and "belongs to no structure element" in found["pdf_untagged_content"]
    with pikepdf.open(io.BytesIO(old)) as pdf:
        tree = reachable(pdf.Root.StructTreeRoot)
        owners = _number_tree(pdf.Root.StructTreeRoot.ParentTree)[0]
        dangling = [mcid for mcid, owner in enumerate(owners) if owner.objgen not in tree]
        assert dangling                                  # the "1 / 3" at the foot of page 1


def test_page_numbers_are_pagination_artifacts(leaflets):
    _, new = leaflets
    assert "pdf_untagged_content" not in rules(new)
    with pikepdf.open(io.BytesIO(new)) as pdf:
        pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, 1):
            artifacts = [operands[1] for operands, op in pikepdf.parse_content_stream(page)
                         if str(op) == "BDC" and operands[0] == pikepdf.Name.Artifact]
            texts = [str(a.get("/ActualText", "")) for a in artifacts if a.get("/Type") == "/Pagination"]
            assert f"{number} / {pages}" in texts
        owners = _number_tree(pdf.Root.StructTreeRoot.ParentTree)
        tree = reachable(pdf.Root.StructTreeRoot)
        assert all(owner.objgen in tree for array in owners.values() if isinstance(array, pikepdf.Array)
                   for owner in array if isinstance(owner, pikepdf.Dictionary))


def qr_figures(data):
    """[(BBox the Figure says, where its marked content is drawn)] on every page."""
    figures = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        parents = _number_tree(pdf.Root.StructTreeRoot.ParentTree)
        for page in pdf.pages:
            boxes = drawn_boxes(page)
            owners = parents[int(page.StructParents)]
            figures += [([float(v) for v in owner.A.BBox], boxes[mcid]) for mcid, owner in enumerate(owners)
                        if isinstance(owner, pikepdf.Dictionary) and owner.get("/S") == "/Figure"
                        and mcid in boxes]
    return figures


def test_weasyprint_alone_writes_figure_boxes_in_css_pixels_from_the_top(leaflets):
    old, _ = leaflets
    figures = qr_figures(old)
    assert figures
    said, drawn = figures[0]
    assert abs(said[0] - drawn[0]) > 2                     # x in CSS px, not pt
    assert "pdf_figure_bbox" in rules(old)


def test_figure_boxes_are_where_the_pictures_are_drawn(leaflets):
    _, new = leaflets
    figures = qr_figures(new)
    assert figures
    for said, drawn in figures:
        assert max(abs(a - b) for a, b in zip(said, drawn)) <= 2
        width, height = said[2] - said[0], said[3] - said[1]
        assert 85 < width < 95 and 85 < height < 95        # 32 mm is 90.7 pt
        assert 0 < said[1] < said[3] < 842                 # from the bottom of an A4 page
    assert "pdf_figure_bbox" not in rules(new)


@pytest.mark.parametrize("code, format", [("bn", "standard"), ("ur", "standard"), ("ur", "easy-read")])
def test_leaflets_in_bengali_and_urdu_pass_the_tag_rules(app, code, format):
    slug = "brackenford-community-advice"
    with in_language(app, code):
        html = leaflet_html(app.extensions["directory"].services[slug], format)
    found = {f.rule for f in pdf_findings(slug, format, code, read_pdf(render_pdf(html, TEMPLATES)))}
    assert not found & {"pdf_untagged_content", "pdf_figure_bbox", "pdf_not_tagged", "pdf_ua_identifier"}

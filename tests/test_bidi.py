"""Left-to-right text inside Urdu and Arabic pages and leaflets is isolated (issue 13 items 1-3).

The rule `bidi_not_isolated` (pagecheck.check_bidi) is tried on real pages and real
leaflets' print HTML: made by the templates as they are (it passes), and made by the
same templates with isolating switched off, as they were before (it is flagged).
"""

import pytest
from markupsafe import Markup, escape

from directory.bidi import isolate
from directory.checks import runner
from directory.checks.page_rules import page_paths, versions_findings
from directory.pagecheck import check_bidi, reorders
from directory.pdf.documents import in_language, leaflet_html

from .conftest import make_app
from .test_leaflet_checks import small_content

RTL = ("ur", "ar")
UNTRANSLATED = "blue-badge-scheme"          # no Urdu or Arabic translation: shown in English


@pytest.mark.parametrize("run, reordered", [
    ("NHS", False), ("0121", False), ("9:30", False), ("2.5", False), ("18-25", False),
    ("BSL)", False),                         # its own closing bracket, mirrored by rule N0
    ("0121 496 0308", True), ("14 Chapel Street", True), ("BK1 2XS", True), ("9:00 AM", True),
    ("Relay UK", True), ("care@brackenford.example.org", True),
])
def test_which_runs_can_be_reordered(run, reordered):
    assert reorders(run) is reordered


def page(body, lang="ur", direction="rtl"):
    return f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><title>T</title></head><body>{body}</body></html>'


@pytest.mark.parametrize("body, flagged", [
    ('<p lang="en">You need to go.</p>', "has no dir"),
    ('<p>فون 0121 496 0308</p>', "'0121 496 0308'"),
    ('<p>پتہ: <span>14 Chapel Street</span></p>', "'14 Chapel Street'"),
    ('<div dir="ltr"><p>ok</p></div><p>BK1 2XS</p>', "'BK1 2XS'"),
])
def test_unisolated_runs_and_english_without_dir_are_flagged(body, flagged):
    problems = check_bidi(page(body))
    assert any(flagged in problem for problem in problems), problems


@pytest.mark.parametrize("body", [
    '<p lang="en" dir="ltr">You need to go. 0121 496 0308</p>',
    '<p>فون <bdi dir="ltr">0121 496 0308</bdi>، NHS، 9:30</p>',
    '<p>فون <a href="tel:x" dir="ltr">0121 496 0308</a></p>',
    '<div hidden><label>Leave this empty</label></div>',
    '<p>فون <bdi>0121 496 0308</bdi></p>',
])
def test_isolated_runs_pass(body):
    assert check_bidi(page(body)) == []


def test_left_to_right_pages_are_not_looked_at():
    assert check_bidi(page('<p>0121 496 0308 <span lang="ur">فون</span></p>', "en", "ltr")) == []


def test_isolate_wraps_only_in_right_to_left_and_keeps_markup():
    assert isolate("Call 0121 496 0308", rtl=False) == escape("Call 0121 496 0308")
    assert str(isolate("فون 0121 496 0308 <>", rtl=True)) == 'فون <bdi dir="ltr">0121 496 0308</bdi> &lt;&gt;'
    marked = isolate(Markup("نتیجہ <mark>Relay UK</mark>"), rtl=True)
    assert str(marked) == 'نتیجہ <mark><bdi dir="ltr">Relay UK</bdi></mark>'


def every_rtl_page(client, directory):
    for entry, format, path in page_paths(directory):
        for code in RTL:
            response = client.get(f"/{code}{path}")
            yield f"/{code}{path}", response.status_code, response.get_data(as_text=True)


def test_every_page_in_urdu_and_arabic_passes(app):
    """The passing fixture: every page of every entry (and the site's pages) as served."""
    client, pages = app.test_client(), 0
    for url, status, html in every_rtl_page(client, app.extensions["directory"]):
        if status == 200:
            pages += 1
            assert check_bidi(html) == [], url
    assert pages > 150


def test_every_leaflets_print_html_in_urdu_and_arabic_passes(app):
    directory = app.extensions["directory"]
    jobs = [job for job in runner.pdf_jobs(directory, list(app.extensions["languages"])) if job[2] in RTL]
    assert len(jobs) > 100
    for slug, format, code in jobs:
        with in_language(app, code):
            assert check_bidi(leaflet_html(directory.services[slug], format)) == [], (slug, format, code)


def test_the_untranslated_entry_in_urdu_is_english_laid_out_left_to_right(client):
    html = client.get(f"/ur/services/{UNTRANSLATED}").get_data(as_text=True)
    assert '<h1 class="govuk-heading-xl" lang="en" dir="ltr">' in html
    assert '<p class="govuk-body-l" lang="en" dir="ltr">' in html
    assert '<bdi dir="ltr">' in html                 # its address lines and postcode


def without_isolating(app):
    """The app with the templates' isolating switched off: the pages as they were made before."""
    app.jinja_env.filters.update(isolate=lambda text, rtl=None: escape(text or ""), ltr=escape,
                                 typed=escape)
    return app


def test_a_page_made_without_isolating_is_flagged(app):
    """The flagged fixture: the real service page, made without isolating, fails the rule."""
    without_isolating(app)
    html = app.test_client().get("/ur/services/brackenford-deaf-centre").get_data(as_text=True)
    html = html.replace(' lang="en" dir="ltr"', ' lang="en"')     # and lang="en" as it was, without dir
    versions = [("ur", "/ur/services/brackenford-deaf-centre", 200, html)]
    found = [f for f in versions_findings(versions, "brackenford-deaf-centre", "web", "/services/x")
             if f.rule == "bidi_not_isolated"]
    messages = " ".join(f.message for f in found)
    assert "'31 Priory Walk'" in messages and "'BK1 3XE'" in messages


def test_an_untranslated_page_without_dir_is_flagged(app):
    html = app.test_client().get(f"/ar/services/{UNTRANSLATED}").get_data(as_text=True)
    assert check_bidi(html) == []
    problems = check_bidi(html.replace(' lang="en" dir="ltr"', ' lang="en"'))
    assert any("<h1 lang='en'> inside right-to-left text has no dir" in p for p in problems), problems


def test_directory_check_flags_pages_and_leaflets_made_without_isolating(tmp_path):
    app = without_isolating(make_app(small_content(tmp_path), INSTANCE_DIR=tmp_path / "instance"))
    report = runner.run(app, slug="form-friends", jobs=1, browser=False)
    where = {(f.format, f.language) for f in report.findings if f.rule == "bidi_not_isolated"}
    assert ("web", "ur") in where and ("web", "ar") in where
    assert {format for format, code in where if code in RTL} >= {"web", "standard-print", "large-print"}, where
    assert not {code for format, code in where} - set(RTL)


def test_the_accessibility_statement_with_problems_listed_passes_in_urdu_and_arabic(db_app):
    """The statement lists the last check's problems by their English titles: they were laid
    out right to left on /ur/ and /ar/ (found by `directory check`, not by the pages above,
    which were made before any check had been saved)."""
    from directory.checks.model import Finding, Report
    from directory.cli import _save_latest

    report = Report()
    report.findings = [Finding("print_nearly_empty_page", "form-friends", "large-print", "ur", "page 2"),
                       Finding("pdf_text_readback", "form-friends", "standard-print", "ur", "x")]
    with db_app.app_context():
        _save_latest(db_app, report)
    client = db_app.test_client()
    for code in ("ur", "ar"):
        html = client.get(f"/{code}/accessibility").get_data(as_text=True)
        assert "A printed page holds only a few lines" in html
        assert check_bidi(html) == [], code

"""Every page of every entry, in every language, fits a 320 px window (issue 13 item 10).

The browser rules used to load one page of each type, and so never saw the six easy read
pages whose long e-mail and web addresses pushed them sideways.  Now every page of every
entry is loaded at 320 px in Chromium (`reflow_paths`), and each of those six is checked
as served (it fits) and with the style that lets it wrap taken away (it is flagged).
"""

import pytest

from directory.checks import browser_rules
from directory.checks.page_rules import page_paths

WERE_TOO_WIDE = ["safeguarding-adults-team", "brackenford-carers-centre", "polish-community-centre",
                 "shared-lives-brackenford", "brackenford-autism-hub", "brackenford-deaf-centre"]
# What the stylesheet did before: an easy read's words as wide as their longest word.
AS_BEFORE = (b"<style>.app-easy-read__words { min-width: auto !important }"
             b" .govuk-body-l { overflow-wrap: normal !important }</style></head>")


@pytest.fixture(scope="module")
def browser():
    browser = browser_rules.Browser()
    yield browser
    browser.close()


def pages(served, paths, languages):
    return [(served.url + (path if code == "en" else f"/{code}{path}"), entry, format, code, f"/{code}{path}")
            for entry, format, path in paths for code in languages]


def test_every_page_of_every_entry_is_loaded_at_320_px(app):
    directory = app.extensions["directory"]
    loaded = {path for _, _, path in browser_rules.browser_paths(directory) + browser_rules.reflow_paths(directory)}
    every = {path for entry, _, path in page_paths(directory) if entry}
    assert every <= loaded
    assert {f"/services/{slug}/easy-read" for slug in WERE_TOO_WIDE} <= loaded


def test_every_page_in_every_language_fits_320_px(app):
    """The passing fixture, all of it: every page of the sample, in all six languages.

    (Before the module's browser is started: one Playwright at a time in a thread.)"""
    languages = list(app.extensions["languages"])
    assert len(languages) == 6
    found = browser_rules.browser_findings(app, languages)
    assert [f for f in found if f.rule in ("page_reflow_320", "page_timeout")] == []


def test_the_six_easy_read_pages_fit_and_are_flagged_with_the_old_style(app, browser):
    """The flagged fixture is the same real page with the stylesheet as it was."""
    @app.after_request
    def as_before(response):
        from flask import request

        if request.args.get("as") == "before" and response.mimetype == "text/html":
            response.set_data(response.get_data().replace(b"</head>", AS_BEFORE, 1))
        return response

    served = browser_rules.Served(app)
    try:
        paths = [(slug, "easy-read", f"/services/{slug}/easy-read") for slug in WERE_TOO_WIDE]
        assert browser.reflow_many(pages(served, paths, ["en", "ur", "ar"])) == []
        before = [(slug, format, path + "?as=before") for slug, format, path in paths]
        found = browser.reflow_many(pages(served, before, ["en", "ur"]))
        assert {(f.rule, f.entry, f.language) for f in found} == {
            ("page_reflow_320", slug, code) for slug in WERE_TOO_WIDE for code in ("en", "ur")}, found
    finally:
        served.close()


def test_phone_numbers_on_easy_read_pages_are_tel_links(client):
    html = client.get("/services/brackenford-deaf-centre/easy-read").get_data(as_text=True)
    assert ('<a class="govuk-link" href="tel:+441214960318" dir="ltr">'
            '<span class="app-nowrap">0121 496 0318</span></a>') in html
    assert 'href="tel:1800101214960318" dir="ltr">18001 <span class="app-nowrap">0121 496 0318</span></a>' in html
    urdu = client.get("/ur/services/brackenford-deaf-centre/easy-read").get_data(as_text=True)
    assert 'href="tel:+447700900318" dir="ltr"><span class="app-nowrap">07700 900318</span></a>' in urdu


def test_the_accessibility_statement_listing_problems_fits_320_px_in_urdu_and_arabic(db_app, browser):
    """Its English problem titles were list items with dir=ltr in a right-to-left list:
    their bullets hung past the left edge (326 px); found by `directory check`, after a
    run had saved results for the statement to list."""
    from directory.checks.model import Finding, Report
    from directory.cli import _save_latest

    report = Report()
    report.findings = [Finding(rule, "form-friends", "large-print", "ur", "x")
                       for rule in ("print_nearly_empty_page", "pdf_text_readback", "print_lines_overlap")]
    with db_app.app_context():
        _save_latest(db_app, report)
    served = browser_rules.Served(db_app)
    try:
        assert browser.reflow_many(pages(served, [("", "web", "/accessibility")], ["ur", "ar", "en"])) == []
    finally:
        served.close()

"""The accessibility statement, made from the latest check results."""

from directory.checks.model import Finding, Report
from directory.checks.report import save_latest


def _write_results(instance_dir, app):
    report = Report()
    report.findings = [Finding("bsl_sample", "x", "bsl", "bfi", "sample"),
                       Finding("easy_read_long_sentence", "y", "easy-read", "en", "20 words")]
    report.coverage = {("x", "easy-read", "en"): "missing", ("y", "easy-read", "en"): "failing",
                       ("x", "bsl", "bfi"): "passing", ("y", "bsl", "bfi"): "missing",
                       ("x", "web", "pl"): "missing", ("y", "web", "pl"): "stale"}
    with app.app_context():
        save_latest(report)


def test_statement_before_any_check(client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert "Accessibility statement" in page
    assert "has not been checked yet" in page
    assert "0121 496 0100" in page and "Equality and Human Rights Commission" in page


def test_statement_lists_what_is_not_accessible(app, client, instance_dir):
    _write_results(instance_dir, app)
    page = client.get("/accessibility").get_data(as_text=True)
    assert "partially compliant" in page
    assert "We last checked all 2 services on" in page
    assert "A sentence has more than 15 words (1)" in page
    assert "1 service does not have an easy read version yet." in page
    assert "1 service does not have a British Sign Language (BSL) video yet." in page
    assert "1 British Sign Language video is a sample" in page
    assert "1 page is not translated yet" in page
    assert "1 translation or other format may be out of date." in page


def test_statement_in_urdu_and_linked_from_every_page(client):
    page = client.get("/ur/accessibility").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in page
    assert 'href="/ur/accessibility"' in client.get("/ur/").get_data(as_text=True)

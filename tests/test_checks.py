"""The accessibility checker: for every rule, a case that must be flagged and one that must pass."""

import json
import shutil

import pytest
import weasyprint

from directory.checks import content_rules, page_rules, pdf_rules
from directory.checks.model import RULES
from directory.cli import main
from directory.content.easyread import EasyRead, Point
from directory.content.problems import Problem
from directory.content.translations import Translation
from directory.pdf.inspect import PdfFacts, read_pdf
from directory.pictures import library

from .conftest import ROOT, make_app

PICTURE = library().find("telephone receiver")
JARGON, ALLOWED = {"assessment", "respite"}, {"UK"}


def easy(texts, language="en", alt="A telephone", source="a" * 16, current="a" * 16):
    points = [Point(PICTURE, alt, text, 3 + i) for i, text in enumerate(texts)]
    return EasyRead(language, "content/services/x/easy-read.yaml", "Title", points, source, current)


class Service:
    """Just enough of an entry for the content rules."""

    def __init__(self, easy_read=None, translations=None, bsl=None):
        self.slug, self.source = "x", "content/services/x/service.yaml"
        self.easy_read, self.translations, self.bsl = easy_read, translations or {}, bsl
        self.name, self.summary = "Riverside Advice Centre", "Free advice on benefits, debt and bills."
        self.description, self.how_to_use, self.eligibility = "We help with benefits.", None, None
        self.cost = type("Cost", (), {"description": None})()
        self.phones, self.contacts, self.locations, self.schedules = [], [], [], []


def rules_of(findings):
    return sorted({f.rule for f in findings})


EASY_READ_CASES = {
    "easy_read_long_sentence": (
        ["You can phone us on any weekday morning and we will find someone who can help you today."],
        ["Phone us in the morning.", "We will help you."]),
    "easy_read_picture_alt": (["Phone us."], ["Phone us."]),
    "easy_read_jargon": (["We do an assessment."],
                         ["We do an assessment.\nThis is a meeting about the help you need."]),
    "easy_read_initials": (["Ask for a BSL interpreter."], ["Ask for a British Sign Language interpreter.\nPhone Relay UK."]),
    "easy_read_readability": (["Comprehensive multidisciplinary interventions strengthen independence considerably."],
                              ["We help you at home.", "It is free."]),
}


@pytest.mark.parametrize("rule", sorted(EASY_READ_CASES))
def test_easy_read_rule(rule):
    flagged, passing = EASY_READ_CASES[rule]
    alt = "" if rule == "easy_read_picture_alt" else "A telephone"
    found = content_rules.easy_read_findings(Service(easy(flagged, alt=alt)), JARGON, ALLOWED)
    assert rule in rules_of(found)
    assert rule not in rules_of(content_rules.easy_read_findings(Service(easy(passing)), JARGON, ALLOWED))


def test_easy_read_stale():
    stale = Service(easy(["Phone us."], source="b" * 16))
    assert "easy_read_stale" in rules_of(content_rules.easy_read_findings(stale, JARGON, ALLOWED))
    fresh = Service(easy(["Phone us."]))
    assert content_rules.easy_read_findings(fresh, JARGON, ALLOWED) == []


def translation(fields, missing=(), source="a" * 16, current="a" * 16):
    return Translation("pl", "content/services/x/translations/pl.yaml", fields, source, current,
                       missing=list(missing))


@pytest.mark.parametrize("rule, flagged, passing", [
    ("translation_incomplete", translation({"name": "Porady"}, missing=["summary"]),
     translation({"name": "Porady", "summary": "Bezpłatne porady."})),
    ("translation_stale", translation({"name": "Porady"}, source="b" * 16), translation({"name": "Porady"})),
    ("translation_untranslated", translation({"summary": "Free advice on benefits, debt and bills."}),
     translation({"summary": "Bezpłatne porady dotyczące zasiłków."})),
])
def test_translation_rules(rule, flagged, passing):
    assert rule in rules_of(content_rules.translation_findings(Service(translations={"pl": flagged})))
    assert rule not in rules_of(content_rules.translation_findings(Service(translations={"pl": passing})))


def _catalogue(tmp_path, text):
    folder = tmp_path / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        + text, encoding="utf-8")
    return content_rules.catalogue_findings(tmp_path)


def test_catalogue_incomplete(tmp_path):
    assert rules_of(_catalogue(tmp_path, 'msgid "Search"\nmsgstr ""\n')) == ["catalogue_incomplete"]


def test_catalogue_placeholders(tmp_path):
    found = _catalogue(tmp_path, '#, python-format\nmsgid "Phone %(council)s"\nmsgstr "Zadzwoń do %(urzad)s"\n')
    assert "catalogue_placeholders" in rules_of(found)


def test_catalogue_that_passes(tmp_path):
    assert _catalogue(tmp_path, '#, python-format\nmsgid "Phone %(council)s"\nmsgstr "Zadzwoń: %(council)s"\n') == []


def test_real_catalogues_pass():
    assert content_rules.catalogue_findings(ROOT / "translations") == []


class Directory:
    def __init__(self, problems):
        self.problems = problems


@pytest.mark.parametrize("rule, problem", [
    ("vtt_invalid", Problem("content/services/x/bsl/captions.vtt", 4, "", "the cue ends before it starts")),
    ("bsl_files", Problem("content/services/x/bsl/bsl.yaml", 2, "video", "the file 'video.mp4' is missing")),
    ("content_problem", Problem("content/services/x/service.yaml", 3, "summary", "is required but missing")),
])
def test_content_problems_become_findings(rule, problem):
    found = content_rules.problem_findings(Directory([problem]))
    assert [(f.rule, f.entry, f.file, f.line) for f in found] == [(rule, "x", problem.file, problem.line)]
    assert content_rules.problem_findings(Directory([])) == []


def test_bsl_sample():
    sample = type("Bsl", (), {"sample": True, "file": "content/services/x/bsl/bsl.yaml"})()
    real = type("Bsl", (), {"sample": False, "file": "content/services/x/bsl/bsl.yaml"})()
    assert rules_of(content_rules.bsl_findings(Service(bsl=sample))) == ["bsl_sample"]
    assert content_rules.bsl_findings(Service(bsl=real)) == []


# --- PDFs ------------------------------------------------------------------------------

GOOD = dict(pdfua_part="1", marked=True, has_structure_tree=True, title="Leaflet",
            display_doc_title=True, lang="en", figures=1, figures_without_alt=0,
            fonts={"Noto-Sans": True}, font_sizes=[(18.0, "Noto-Sans")], italic_fonts=[],
            serif_fonts=[], missing_glyphs=0, pages=1, misaligned=[])


@pytest.mark.parametrize("rule, change, format", [
    ("pdf_ua_identifier", {"pdfua_part": None}, "standard"),
    ("pdf_not_tagged", {"has_structure_tree": False}, "standard"),
    ("pdf_title", {"display_doc_title": False}, "standard"),
    ("pdf_lang", {"lang": "pl"}, "standard"),
    ("pdf_figure_without_alt", {"figures_without_alt": 1}, "standard"),
    ("pdf_font_not_embedded", {"fonts": {"Arial": False}}, "standard"),
    ("pdf_missing_glyphs", {"missing_glyphs": 2}, "standard"),
    ("large_print_font_size", {"font_sizes": [(12.0, "Noto-Sans")]}, "large-print"),
    ("easy_read_font_size", {"font_sizes": [(14.0, "Noto-Sans")]}, "easy-read"),
    ("print_italics", {"italic_fonts": ["Noto-Sans-Italic"]}, "large-print"),
    ("print_serif", {"serif_fonts": ["Noto-Serif"]}, "easy-read"),
    ("print_alignment", {"misaligned": ["page 1: a paragraph of 4 lines is justified"]}, "standard"),
])
def test_pdf_rule(rule, change, format):
    flagged = pdf_rules.pdf_findings("x", format, "en", PdfFacts(**{**GOOD, **change}))
    assert rule in rules_of(flagged)
    assert pdf_rules.pdf_findings("x", format, "en", PdfFacts(**GOOD)) == []


def test_pdf_rules_on_a_real_untagged_pdf_without_alt(tmp_path):
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p style="font-size:9pt">'
            f'Hello</p><img src="{PICTURE.path.as_uri()}"></body></html>')
    facts = read_pdf(weasyprint.HTML(string=html).write_pdf())
    found = rules_of(pdf_rules.pdf_findings("x", "large-print", "en", facts))
    assert {"pdf_ua_identifier", "pdf_not_tagged", "pdf_title", "pdf_lang",
            "large_print_font_size"} <= set(found)


SAY = ("Ask us for help with your care. We can visit you at home, talk on the phone, or meet "
       "you at a place near you. We will listen and help you find what you need to stay safe. ")
URDU = ("ہم آپ کی مدد کر سکتے ہیں۔ ہم آپ کے گھر آ سکتے ہیں، فون پر بات کر سکتے ہیں، یا آپ کے "
        "قریب کسی جگہ مل سکتے ہیں۔ ہم سنیں گے اور آپ کی مدد کریں گے۔ ")


def printed(style, text=SAY, lang="en", direction="ltr", font="Noto Sans"):
    """What pikepdf reads from a real PDF: paragraphs of 3 and 6 lines, and a list."""
    html = (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><title>T</title><style>'
            f'body {{ font-family: "{font}"; font-size: 18pt }} p {{ {style} }}</style></head><body>'
            f"<p>{text}</p><p>{text * 2}</p><ul><li>{text}</li></ul>"
            f'<p dir="ltr">0121 496 0100, 0121 496 0101, 0121 496 0102, 0121 496 0103</p></body></html>')
    return read_pdf(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))


@pytest.mark.parametrize("case, style, expected", [
    ("print_left_aligned", "", ""),
    ("print_justified", "text-align: justify", "justified"),
    ("print_centred", "text-align: center", "centred"),
    ("print_right_aligned", "text-align: right", "on the right"),
])
def test_alignment_is_read_from_the_pdf(case, style, expected):
    facts = printed(style)
    found = pdf_rules.pdf_findings("x", "large-print", "en", facts)
    if expected:
        assert rules_of(found) == ["print_alignment"] and expected in found[0].message, found
    else:
        assert found == [] and facts.misaligned == []


@pytest.mark.parametrize("case, style, expected", [
    ("print_urdu_lined_up_right", "", ""),
    ("print_urdu_justified", "text-align: justify", "justified"),
    ("print_urdu_centred", "text-align: center", "centred"),
])
def test_right_to_left_text_is_lined_up_on_the_right(case, style, expected):
    facts = printed(style, URDU * 2, "ur", "rtl", "Noto Nastaliq Urdu")
    messages = "; ".join(facts.misaligned)
    assert (expected in messages) if expected else messages == ""


@pytest.mark.parametrize("case, body", [
    ("print_centred_strong", "<p><strong>{}</strong></p>"),
    ("print_centred_mixed_languages", '<p>Free. <span lang="pl">{}</span></p>'),
])
def test_alignment_of_text_inside_inline_elements_is_judged(case, body):
    html = (f'<!DOCTYPE html><html lang="en"><head><title>T</title><style>body {{ font-family: '
            f'"Noto Sans"; font-size: 18pt }} p {{ text-align: center }}</style></head><body>'
            f"{body.format(SAY * 2)}</body></html>")
    facts = read_pdf(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    assert any("centred" in problem for problem in facts.misaligned), facts.misaligned


def test_serif_font_is_read_from_the_pdf():
    assert rules_of(pdf_rules.pdf_findings("x", "large-print", "en", printed("", font="Noto Serif"))) \
        == ["print_serif"]
    assert printed("").serif_fonts == []


def test_pdf_unreadable():
    found = pdf_rules.pdf_findings("x", "standard", "en", error="PdfError: not a PDF")
    assert rules_of(found) == ["pdf_unreadable"]


def test_corrupt_pdf_is_a_clear_error(tmp_path):
    import pikepdf

    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not really a PDF")
    with pytest.raises(pikepdf.PdfError):
        read_pdf(tmp_path / "broken.pdf")


def test_pdf_facts_survive_being_remembered(tmp_path):
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head><body>'
            '<p style="font-size:9pt">Hello</p><p style="font-size:20pt">Big</p></body></html>')
    facts = read_pdf(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    again = PdfFacts.from_json(facts.to_json())
    assert again.smallest_font_size == facts.smallest_font_size == 9
    assert pdf_rules.pdf_findings("x", "large-print", "en", again) == \
        pdf_rules.pdf_findings("x", "large-print", "en", facts)


def test_a_second_check_reads_only_the_leaflets_that_changed(tmp_path, monkeypatch):
    from directory.checks import runner as check_runner
    from directory.pdf import inspect

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    read = []
    real_read = inspect.read_pdf
    monkeypatch.setattr(inspect, "read_pdf", lambda path: read.append(path) or real_read(path))
    first = check_runner.run(app, slug="form-friends", jobs=1, browser=False)
    assert len(read) == len(check_runner.pdf_jobs(app.extensions["directory"],
                                                  list(app.extensions["languages"]), "form-friends"))
    read.clear()
    again = check_runner.run(app, slug="form-friends", jobs=1, browser=False)
    assert read == [] and again.findings == first.findings

    # A remembered file that is damaged is read again, not trusted or reported.
    damaged = next((tmp_path / "instance" / "pdf-cache").glob("*.facts-[0-9a-f]*.json"))   # not a layout one
    damaged.write_text("{not json")
    check_runner.run(app, slug="form-friends", jobs=1, browser=False)
    assert len(read) == 1

    # Changing the entry gives its leaflets new keys: every one is made and read again.
    read.clear()
    service = content / "services" / "form-friends" / "service.yaml"
    service.write_text(service.read_text().replace("Form Friends", "Form Friends Brackenford", 1))
    changed = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    check_runner.run(changed, slug="form-friends", jobs=1, browser=False)
    assert len(read) == len(check_runner.pdf_jobs(changed.extensions["directory"],
                                                  list(changed.extensions["languages"]), "form-friends"))


# --- Pages --------------------------------------------------------------------------------

def test_page_rules_pass_and_flag(client):
    assert page_rules.page_findings(client, ["en", "pl"], "form-friends", "web",
                                    "/services/form-friends") == []
    missing = page_rules.page_findings(client, ["en"], "", "web", "/services/no-such-service")
    assert rules_of(missing) == ["page_error"]


def test_page_structure_and_hreflang_flagged(app, client):
    @app.route("/broken")
    def broken():
        return '<!DOCTYPE html><html lang="en" dir="ltr"><head><title>x</title></head><body><p>no heading</p></body></html>'

    found = page_rules.page_findings(app.test_client(), ["en"], "", "web", "/broken")
    # No h1, and no hreflang links at all (not even to itself).
    assert rules_of(found) == ["hreflang_not_reciprocal", "page_structure"]


def test_every_rule_has_a_test():
    tested = set(EASY_READ_CASES) | {
        "easy_read_stale", "translation_incomplete", "translation_stale", "translation_untranslated",
        "catalogue_incomplete", "catalogue_placeholders", "vtt_invalid", "bsl_files",
        "content_problem", "bsl_sample", "site_url_loopback", "pdf_ua_identifier", "pdf_not_tagged", "pdf_title",
        "pdf_lang", "pdf_figure_without_alt", "pdf_font_not_embedded", "pdf_missing_glyphs",
        "large_print_font_size", "easy_read_font_size", "print_italics", "pdf_unreadable",
        "print_serif", "print_alignment", "easy_read_one_idea",
        "page_structure", "hreflang_not_reciprocal", "page_error", "page_axe", "page_reflow_320",
        "page_text_200", "page_timeout", "browser_unavailable"}
    tested |= {"print_lines_overlap", "print_phone_order", "print_broken_number", "print_nearly_empty_page",
               "print_split_label", "print_running_head", "print_link_not_clickable"}
    tested |= {"pdf_text_readback", "pdf_untagged_content", "pdf_figure_bbox"}   # test_pdf_readback, test_pdf_tags
    tested |= {"bidi_not_isolated"}   # test_bidi
    assert set(RULES) == tested


# --- The command -------------------------------------------------------------------------

def test_check_command_on_one_entry_writes_reports(runner, tmp_path):
    result = runner.invoke(main, ["check", "--entry", "form-friends", "--json", str(tmp_path / "r.json"),
                                  "--html", str(tmp_path / "r.html"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["schema_version"] == 1 and report["summary"]["errors"] == 0
    assert {"web", "easy-read", "large-print", "bsl"} <= {c["format"] for c in report["coverage"]}
    assert any(item["skill"] == "reads ur" for item in report["review"])
    html = (tmp_path / "r.html").read_text()
    from directory.pagecheck import check_page
    assert check_page(html) == []


def test_check_command_fails_on_a_broken_entry(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    easy_read = content / "services" / "form-friends" / "easy-read.yaml"
    easy_read.write_text(easy_read.read_text().replace(
        "Do you need help to fill in a form?",
        "Do you need someone kind and patient to help you fill in a long and complicated form today?"))
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    result = app.test_cli_runner().invoke(main, ["check", "--entry", "form-friends", "--jobs", "1"])
    assert result.exit_code == 1
    assert "easy_read_long_sentence" in result.output and "easy-read.yaml" in result.output


# --- In the browser ------------------------------------------------------------------------

from flask import Flask  # noqa: E402

from directory.checks import browser_rules  # noqa: E402

PAGE = ('<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Case</title></head>'
        '<body><main><h1>Case</h1>{}</main></body></html>')
CASES = {
    "page_passes": '<p style="color:#0b0c0c;background:#fff">Plenty of contrast.</p>',
    "page_low_contrast": '<p style="color:#bbbbbb;background:#ffffff">Pale grey on white.</p>',
    "page_too_wide": '<div style="width:600px">A box that is always 600 pixels wide.</div>',
    "page_nowrap_text": '<p style="white-space:nowrap;font-size:1.5rem">' + "Words that never wrap " * 4 + "</p>",
}


@pytest.fixture(scope="module")
def cases_server():
    app = Flask("cases")
    for name, body in CASES.items():
        app.add_url_rule(f"/{name}", name, lambda body=body: PAGE.format(body))

    @app.route("/page_slow")
    def slow():
        import time
        time.sleep(3)
        return PAGE.format("<p>Late.</p>")

    served = browser_rules.Served(app)
    browser = browser_rules.Browser()
    yield served, browser
    browser.close()
    served.close()


@pytest.mark.parametrize("case, rule", [
    ("page_low_contrast", "page_axe"), ("page_too_wide", "page_reflow_320"),
    ("page_nowrap_text", "page_text_200"),
])
def test_browser_rule_flags(cases_server, case, rule):
    served, browser = cases_server
    found = browser.check(f"{served.url}/{case}", "", "web", "en")
    assert rule in rules_of(found), found
    if rule == "page_axe":
        assert "color-contrast" in found[0].message


def test_browser_rules_find_the_same_whichever_width_a_tab_was_left_at(cases_server):
    """A tab starts each page at the width its last check ended at (wide, then narrow)."""
    served, browser = cases_server
    pages = [(f"{served.url}/{case}", case, "web", "en", None)
             for case in ("page_too_wide", "page_nowrap_text", "page_low_contrast") for _ in range(3)]
    found = browser.check_many(pages)
    for case, rule in (("page_too_wide", "page_reflow_320"), ("page_nowrap_text", "page_text_200"),
                       ("page_low_contrast", "page_axe")):
        assert [f.rule for f in found if f.entry == case and f.rule == rule] == [rule] * 3, found


def test_browser_rules_pass_a_good_page(cases_server):
    served, browser = cases_server
    assert browser.check(f"{served.url}/page_passes", "", "web", "en") == []


def test_page_that_times_out(cases_server, monkeypatch):
    served, browser = cases_server
    monkeypatch.setattr(browser_rules, "TIMEOUT_MS", 500)
    assert rules_of(browser.check(f"{served.url}/page_slow", "", "web", "en")) == ["page_timeout"]


def test_missing_browser_is_a_finding(app, monkeypatch):
    monkeypatch.setattr(browser_rules, "CHROMIUM", "/nowhere/chromium")
    found = browser_rules.browser_findings(app, ["en"])
    assert rules_of(found) == ["browser_unavailable"]
    assert "/nowhere/chromium" in found[0].message


def test_site_pages_pass_the_browser_rules_in_urdu(app, cases_server):
    _, browser = cases_server   # one Playwright per thread: share the module's browser
    served = browser_rules.Served(app)
    try:
        for path in ["/ur/", "/ur/services/form-friends", "/ur/services/form-friends/easy-read",
                     "/ur/accessibility"]:
            assert browser.check(served.url + path, "", "web", "ur") == [], path
    finally:
        served.close()


def test_page_memory_ignores_form_tokens(app):
    client = app.test_client()
    first = page_rules.fetch_versions(client, ["en"], "/services/form-friends")
    import time
    time.sleep(1.1)   # the feedback form's token names the second it was made
    again = page_rules.fetch_versions(client, ["en"], "/services/form-friends")
    assert first[0][3] != again[0][3]
    assert page_rules.versions_key("/x", first) == page_rules.versions_key("/x", again)

"""The leaflet checks: every style is read from a real PDF without making every PDF.

See checks/runner.py and pdf/shapes.py for why that is enough, and these tests for what
happens when it is not (a broken style in some leaflets, words no font can draw, words
only another font can draw).
"""

import os
import re
import shutil
import time

import jinja2
import pytest

from directory.checks import runner
from directory.checks.model import RULES, Finding
from directory.fonts import uncovered
from directory.pdf import shapes
from directory.pdf.documents import TEMPLATES

from .conftest import ROOT, make_app

KEEP = ("form-friends", "memory-cafe-millbrook", "blue-badge-scheme")
WITH_EMAIL = {"form-friends", "blue-badge-scheme"}                     # memory-cafe-millbrook has none


def small_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for folder in (content / "services").iterdir():
        if folder.name not in KEEP:
            shutil.rmtree(folder)
    return content


def where(findings, rule=None):
    """Where the leaflet rules (or one of them) found something."""
    return {(f.entry, f.format, f.language) for f in findings
            if RULES[f.rule].family == "pdf" and (rule is None or f.rule == rule)}


def page(body, lang="en"):
    return (f'<!DOCTYPE html><html lang="{lang}" dir="ltr"><head><title>T</title>'
            f"<style>p {{ font-size: 18pt }}</style></head><body>{body}</body></html>")


# --- Shapes ------------------------------------------------------------------------------------

def test_words_and_repeats_do_not_change_a_shape():
    one = page('<h1 id="service-a">Help at home</h1><ul><li>One</li><li>Two</li><li>Three</li></ul>')
    other = page('<h1 id="service-b">Другое</h1><ul><li>Alpha</li><li>Beta</li><li>Gamma</li>'
                 "<li>Delta</li><li>Epsilon</li></ul>")
    assert shapes.paths(one) == shapes.paths(other)


@pytest.mark.parametrize("change", [
    ("<p>", '<p style="font-size: 9pt">'),        # a style of its own
    ("<p>", '<p class="notice">'),                # another class
    ("<p>", '<p lang="en">'),                     # another language, so another font
    ("<p>Words</p>", "<p><em>Words</em></p>"),     # another element
    ('alt="A phone"', 'alt=""'),                  # a picture without words for it
    ("18pt", "12pt"),                             # another stylesheet
])
def test_what_changes_a_style_changes_the_shape(change):
    one = page('<p>Words</p><img src="phone.svg" alt="A phone">')
    assert shapes.paths(one) != shapes.paths(one.replace(*change))


def test_print_stylesheets_use_only_selectors_the_shapes_see():
    """No sibling combinators or positions other than first or last of a type."""
    allowed = {"lang", "first-of-type", "last-of-type", "only-of-type"}
    for path in [*TEMPLATES.glob("*.css"), TEMPLATES / "base.html"]:
        text = re.sub(r"/\*.*?\*/|\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "", path.read_text(), flags=re.S)
        if path.suffix == ".html":
            text = "".join(re.findall(r"<style>(.*?)</style>", text, flags=re.S))
        while re.search(r"\{[^{}]*\}", text):          # leave only the selectors
            text = re.sub(r"\{[^{}]*\}", ";", text)
        for selector in re.split(r"[;,]", text):
            selector = re.sub(r"@[a-z-]+[^;]*", "", selector)
            # no sibling combinators, no attribute selectors (the paths drop addresses)
            assert not re.search(r"[+~\[]", selector), f"{path.name}: {selector.strip()}"
            for pseudo in re.findall(r"(?<!:):([a-z-]+)", selector):
                assert pseudo in allowed, f"{path.name}: {selector.strip()} uses :{pseudo}"
            for element in re.findall(r"::([a-z-]+)", selector):   # not ::first-line
                assert element in ("before", "after", "marker"), f"{path.name}: {selector.strip()}"


def test_chosen_leaflets_have_every_path():
    looked = [(("a", "standard", "en"), "k1", frozenset({1, 2}), [], False),
              (("b", "standard", "en"), "k2", frozenset({2, 3, 4}), [], False),
              (("c", "standard", "en"), "k3", frozenset({1, 6}), [], False),
              (("d", "standard", "en"), "k4", frozenset({5}),
               [Finding("pdf_missing_glyphs", "d", "standard-print", "en", "x")], False),
              (("e", "standard", "en"), "k5", frozenset({1}), [], True),
              (("a", "standard", "pl"), "k6", frozenset({1, 2}), [], False)]
    chosen = runner.choose_leaflets(looked)
    # e (its words need another font) has 1; b and c have the rest; d cannot be made
    assert chosen == [("a", "standard", "pl"), ("b", "standard", "en"),
                      ("c", "standard", "en"), ("e", "standard", "en")]
    assert len(runner.choose_leaflets(looked, every_leaflet=True)) == 5


# --- Whole runs --------------------------------------------------------------------------------

def test_a_style_only_some_leaflets_have_is_found_in_each_of_them(tmp_path):
    """A template change makes contact lines 12pt only where there is an e-mail address."""
    override = tmp_path / "templates" / "print"
    override.mkdir(parents=True)
    original = (TEMPLATES / "_service.html").read_text()
    changed = original.replace("{% if service.email %}<dt>", '{% if service.email %}<dt style="font-size: 12pt">')
    assert changed != original
    (override / "_service.html").write_text(changed)

    def app_with_override(instance):
        app = make_app(small_content(tmp_path / instance), INSTANCE_DIR=tmp_path / instance / "instance")
        app.jinja_env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(tmp_path / "templates"),
                                                   app.jinja_env.loader])
        return app

    app = app_with_override("chosen")
    languages = list(app.extensions["languages"])
    report = runner.run(app, jobs=1, browser=False)
    expected = {(slug, "large-print", code) for slug in WITH_EMAIL for code in languages}
    assert where(report.findings, "large_print_font_size") == expected
    assert all("12pt" in f.message for f in report.findings if f.rule == "large_print_font_size")
    # The broken style sent the check to every large print leaflet, and only those.
    large = {job for job in runner.pdf_jobs(app.extensions["directory"], languages) if job[1] == "large-print"}
    assert large <= set(report.made)

    every = runner.run(app_with_override("every"), jobs=1, browser=False, every_leaflet=True)
    assert where(every.findings) == where(report.findings)
    assert len(every.made) > len(report.made)


def test_the_sample_needs_few_pdfs_and_a_second_run_makes_no_print_html(tmp_path, monkeypatch):
    from directory.pdf import documents

    app = make_app(small_content(tmp_path), INSTANCE_DIR=tmp_path / "instance")
    first = runner.run(app, jobs=1, browser=False)
    jobs = runner.pdf_jobs(app.extensions["directory"], list(app.extensions["languages"]))
    assert where(first.findings, None) == set()
    assert len(first.made) < len(jobs)
    made = []
    monkeypatch.setattr(documents, "leaflet_html", lambda *a, **k: made.append(a) or "")
    again = runner.run(app, jobs=1, browser=False)
    assert made == [] and again.findings == first.findings and again.made == first.made


def test_words_no_font_can_draw_are_named_and_that_leaflet_is_not_made(tmp_path):
    content = small_content(tmp_path)
    private = "\ue000\ue001"      # private use: no font has these
    assert uncovered(private)
    service = content / "services" / "memory-cafe-millbrook" / "service.yaml"
    text = service.read_text()
    service.write_text(re.sub(r"(?m)^summary: (.*)$", rf"summary: \1 {private}", text, count=1))
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    report = runner.run(app, jobs=1, browser=False)
    glyphs = [f for f in report.findings if f.rule == "pdf_missing_glyphs"]
    assert {f.entry for f in glyphs} == {"memory-cafe-millbrook"}
    assert all(f.file.endswith("service.yaml") and "summary" in f.message and "U+E000" in f.message
               for f in glyphs)
    assert not [job for job in report.made if job[0] == "memory-cafe-millbrook"]
    assert not [f for f in report.findings if f.rule == "pdf_unreadable"]


def test_words_only_another_font_can_draw_get_their_own_pdf(tmp_path):
    candidates = "☎♿⚕✆☏⌚⏰🕿ℹ"
    other = next((c for c in candidates if not uncovered(c) and uncovered(c, "Noto Sans")), None)
    if other is None:
        pytest.skip("every candidate is in Noto Sans or in no font here")
    content = small_content(tmp_path)
    service = content / "services" / "blue-badge-scheme" / "service.yaml"
    service.write_text(re.sub(r"(?m)^summary: (.*)$", rf"summary: \1 {other}", service.read_text(), count=1))
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    report = runner.run(app, jobs=1, browser=False)
    languages = list(app.extensions["languages"])
    assert {("blue-badge-scheme", f, code) for f in ("standard", "large-print") for code in languages} \
        <= set(report.made)


def test_an_entrys_pages_are_made_again_only_when_what_they_are_made_from_changes(tmp_path, monkeypatch):
    from directory.checks import page_rules

    content = small_content(tmp_path)
    fetched = []
    real_fetch = page_rules.fetch_versions
    monkeypatch.setattr(page_rules, "fetch_versions",
                        lambda client, languages, path: fetched.append(path) or real_fetch(client, languages, path))
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    first = runner.run(app, jobs=1, browser=False)
    entry_pages = {path for entry, _, path in page_rules.page_paths(app.extensions["directory"]) if entry}
    assert entry_pages <= set(fetched)

    fetched.clear()
    again = runner.run(make_app(content, INSTANCE_DIR=tmp_path / "instance"), jobs=1, browser=False)
    assert not entry_pages & set(fetched) and again.findings == first.findings

    service = content / "services" / "memory-cafe-millbrook" / "service.yaml"
    service.write_text(service.read_text().replace("Memory Café", "Memory Cafe", 1))
    fetched.clear()
    runner.run(make_app(content, INSTANCE_DIR=tmp_path / "instance"), jobs=1, browser=False)
    assert entry_pages & set(fetched) == {p for p in entry_pages if p.startswith("/services/memory-cafe-millbrook")}


def test_a_whole_run_removes_pdfs_of_entries_as_they_no_longer_are(tmp_path):
    content = small_content(tmp_path)
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    first = runner.run(app, jobs=1, browser=False)
    cache = tmp_path / "instance" / "pdf-cache"
    old = {path.name for path in cache.glob("*.pdf")}
    assert len(old) == len(first.made)

    service = content / "services" / "memory-cafe-millbrook" / "service.yaml"
    service.write_text(service.read_text().replace("Memory Café", "Memory Cafe", 1))
    made_today = cache / "0123456789abcdef0123456789abcdef.pdf"   # a PDF the site made just now
    made_today.write_bytes(b"%PDF-1.7")
    for path in cache.iterdir():   # everything else was made two days ago
        if path != made_today:
            os.utime(path, (time.time() - 2 * 86400,) * 2)
    again = runner.run(make_app(content, INSTANCE_DIR=tmp_path / "instance"), jobs=1, browser=False)
    assert made_today.exists()
    made_today.unlink()
    now = {path.name for path in cache.glob("*.pdf")}
    # The changed entry's old PDFs are gone (with what was read from them); the rest stay.
    assert now - old and old - now and len(now) == len(again.made)
    assert {p.name.split(".")[0] for p in cache.glob("*.json")} <= {name.split(".")[0] for name in now}


def test_every_printed_field_is_checked_for_the_fonts(app):
    """Names and addresses, phone numbers and the like are printed too, not only prose."""
    from directory.pdf.documents import in_language, printed_texts

    service = app.extensions["directory"].services["memory-cafe-millbrook"]
    with in_language(app, "ur"):
        fields = {field for _, field, _ in printed_texts(service, "ur")}
    assert {"name", "locations[0].name", "locations[0].address.line1", "phones[0].number",
            "fields.name"} <= fields

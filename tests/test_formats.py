"""Every entry in every format: translations, easy read, BSL video, PDFs, packs, and bad input."""

import re
import shutil
import subprocess

import pytest
import yaml

from directory.cli import main
from directory.content import load_directory
from directory.content.bsl import parse_webvtt
from directory.content.translations import source_hash
from directory.pdf.inspect import read_pdf

from .conftest import ROOT, make_app

LANGUAGES = ["en", "bn", "ur", "pl", "ro", "ar"]
RTL = {"ur", "ar"}
TRANSLATED = "form-friends"          # translated into every language, with easy read and pl easy read
WITH_BSL = "brackenford-deaf-centre"
UNTRANSLATED = "blue-badge-scheme"


def prefix(code):
    return "" if code == "en" else f"/{code}"


def test_every_language_is_offered(app):
    assert list(app.extensions["languages"]) == LANGUAGES


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("path", ["/", f"/services/{TRANSLATED}", f"/services/{UNTRANSLATED}",
                                  f"/services/{TRANSLATED}/easy-read", f"/services/{WITH_BSL}/bsl",
                                  "/categories/carers", "/search?q=carer", "/pack?s=form-friends",
                                  "/services/no-such-thing"])
def test_every_page_in_every_language(client, code, path):
    response = client.get(prefix(code) + path)
    assert response.status_code in (200, 404)
    page = response.get_data(as_text=True)
    direction = "rtl" if code in RTL else "ltr"
    assert f'<html lang="{code}" dir="{direction}"' in page
    for other in LANGUAGES:
        assert f'hreflang="{other}"' in page or response.status_code == 404


def test_switcher_names_each_language_in_its_own_script(client):
    page = client.get("/ur/").get_data(as_text=True)
    for code, endonym in [("bn", "বাংলা"), ("ur", "اردو"), ("pl", "Polski"), ("ro", "Română"), ("ar", "العربية")]:
        assert f'lang="{code}"' in page and endonym in page
    assert 'aria-current="true">اردو' in page


def test_hreflang_alternates_are_reciprocal(client):
    links = {}
    for code in LANGUAGES:
        page = client.get(f"{prefix(code)}/services/{TRANSLATED}").get_data(as_text=True)
        links[code] = page
    for code in LANGUAGES:
        for other in LANGUAGES:
            assert f'hreflang="{other}" href="{prefix(other)}/services/{TRANSLATED}"' in links[code]


def test_translated_entry_is_shown_in_the_readers_language(app, client):
    translation = app.extensions["directory"].services[TRANSLATED].translations["pl"]
    page = client.get(f"/pl/services/{TRANSLATED}").get_data(as_text=True)
    assert translation.name in page and translation.summary in page
    assert "ten przekład" in page.lower() or "community reviewer" not in page  # interface is Polish
    assert 'lang="en"' not in page.split('id="main-content"')[1].split("</main>")[0].replace(
        'hreflang="en"', "")


def test_untranslated_entry_says_so_and_shows_english(app, client):
    page = client.get(f"/ur/services/{UNTRANSLATED}").get_data(as_text=True)
    service = app.extensions["directory"].services[UNTRANSLATED]
    assert f'<h1 class="govuk-heading-xl" lang="en" dir="ltr">{service.name}</h1>' in page
    assert "app-translation-notice" in page and "0121 496 0100" in page


def test_stale_translation_is_shown_with_a_notice(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    service_file = content / "services" / TRANSLATED / "service.yaml"
    service_file.write_text(service_file.read_text().replace("Form Friends can help.",
                                                             "Form Friends can help you."))
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    directory = app.extensions["directory"]
    assert directory.services[TRANSLATED].translations["pl"].stale
    stale = [p for p in directory.warnings if "out of date" in p.message]
    assert {p.file for p in stale} >= {f"content/services/{TRANSLATED}/translations/{c}.yaml"
                                       for c in LANGUAGES[1:]}
    page = app.test_client().get(f"/pl/services/{TRANSLATED}").get_data(as_text=True)
    assert f'href="/services/{TRANSLATED}" hreflang="en"' in page
    assert "app-translation-notice" in page


def test_sample_content_has_enough_translations_and_easy_read(app):
    services = app.extensions["directory"].services.values()
    full = [s for s in services if set(s.translations) == set(LANGUAGES[1:])
            and all(t.complete for t in s.translations.values())]
    assert len(full) >= 15
    assert all(not t.reviewed for s in full for t in s.translations.values())
    assert len([s for s in services if s.easy_read]) >= 20
    assert len([s for s in services if s.bsl and s.bsl.sample]) >= 5


def test_easy_read_page(client, app):
    page = client.get(f"/services/{TRANSLATED}/easy-read").get_data(as_text=True)
    easy = app.extensions["directory"].services[TRANSLATED].easy_read
    for point in easy.points:
        assert f'alt="{point.alt}"' in page
        assert point.sentences[0] in re.sub(r'<a class="govuk-link" href="tel:[^"]*" dir="ltr">|<span class="app-nowrap">|</span></a>', "", page)
    assert "OpenMoji" in page and "CC BY-SA 4.0" in page
    with client.get(f"/pictures/{easy.points[0].picture.code}.svg") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_easy_read_sentences_are_short_with_pictures(app):
    for service in app.extensions["directory"].services.values():
        if service.easy_read:
            for version in [service.easy_read, *service.easy_read.translations.values()]:
                for point in version.points:
                    assert point.picture is not None and point.alt
                    assert all(len(s.split()) <= 15 for s in point.sentences), (version.file, point.text)


def test_translated_easy_read_is_used(client, app):
    page = client.get(f"/pl/services/{TRANSLATED}/easy-read").get_data(as_text=True)
    polish = app.extensions["directory"].services[TRANSLATED].easy_read.translations["pl"]
    assert polish.points[0].sentences[0] in page
    english_only = client.get(f"/ro/services/{TRANSLATED}/easy-read").get_data(as_text=True)
    assert 'class="app-easy-read" lang="en"' in english_only


def test_missing_easy_read_is_a_helpful_404(client):
    response = client.get(f"/pl/services/{UNTRANSLATED}/easy-read")
    assert response.status_code == 404
    assert '<html lang="pl"' in response.get_data(as_text=True)


def test_bsl_page(client, app):
    bsl = app.extensions["directory"].services[WITH_BSL].bsl
    page = client.get(f"/services/{WITH_BSL}/bsl").get_data(as_text=True)
    assert "<video" in page and "controls" in page
    assert f'<track kind="captions" srclang="en" label="English" src="/services/{WITH_BSL}/bsl/{bsl.captions}" default>' in page
    assert f'poster="/services/{WITH_BSL}/bsl/{bsl.poster}"' in page
    assert "not real British Sign Language" in page
    assert bsl.transcript.splitlines()[1] in page
    assert "NRCPD" in page
    service_page = client.get(f"/services/{WITH_BSL}").get_data(as_text=True)
    assert "Watch in British Sign Language (BSL)" in service_page


def test_bsl_video_answers_range_requests(client, app):
    bsl = app.extensions["directory"].services[WITH_BSL].bsl
    url = f"/services/{WITH_BSL}/bsl/{bsl.video}"
    size = bsl.media["bytes"]
    with client.get(url, headers={"Range": "bytes=0-99"}) as partial:
        assert partial.status_code == 206
        assert partial.headers["Content-Range"] == f"bytes 0-99/{size}"
        assert len(partial.get_data()) == 100
    with client.get(url, headers={"Range": f"bytes={size - 10}-"}) as tail:
        assert tail.status_code == 206 and len(tail.get_data()) == 10
    with client.get(url, headers={"Range": f"bytes={size + 10}-"}) as beyond:
        assert beyond.status_code == 416
    with client.get(url) as whole:
        assert whole.headers["Accept-Ranges"] == "bytes" and len(whole.get_data()) == size
    with client.get(f"/services/{WITH_BSL}/bsl/service.yaml") as other:
        assert other.status_code == 404


def test_bsl_clip_media_facts(app):
    for service in app.extensions["directory"].services.values():
        if service.bsl:
            assert service.bsl.media["codec"] == "h264"
            assert 5 < service.bsl.media["duration"] < 60
            assert service.bsl.cues and service.bsl.transcript


# --- PDFs ---------------------------------------------------------------------------------

MINIMUM_SIZE = {"standard": 11.0, "large-print": 18.0, "easy-read": 16.0}


@pytest.mark.parametrize("format", ["large-print", "easy-read", "standard"])
@pytest.mark.parametrize("code", ["en", "ur", "bn", "ar", "pl"])
def test_pdf_is_tagged_and_readable(client, format, code):
    with client.get(f"{prefix(code)}/services/{TRANSLATED}/{format}.pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        facts = read_pdf(response.get_data())
    assert facts.pdfua_part == "1"
    assert facts.marked and facts.has_structure_tree
    assert facts.lang == code
    assert facts.title and facts.display_doc_title
    assert facts.figures >= 1 and facts.figures_without_alt == 0
    assert facts.all_fonts_embedded
    assert facts.missing_glyphs == 0
    assert facts.smallest_font_size >= MINIMUM_SIZE[format]
    assert not facts.italic_fonts


def test_pdf_fonts_follow_the_language(client):
    fonts = {}
    for code in ["ur", "ar", "bn"]:
        with client.get(f"/{code}/services/{TRANSLATED}/large-print.pdf") as response:
            fonts[code] = " ".join(read_pdf(response.get_data()).fonts)
    assert "Noto-Nastaliq-Urdu" in fonts["ur"]
    assert "Noto-Naskh-Arabic" in fonts["ar"]
    assert "Noto-Sans-Bengali" in fonts["bn"]


def test_pdf_text_is_the_translation_and_has_qr_links(client, app, tmp_path):
    translation = app.extensions["directory"].services[WITH_BSL].translations["pl"]
    with client.get(f"/pl/services/{WITH_BSL}/large-print.pdf",
                    base_url="https://directory.example.gov.uk") as response:
        (tmp_path / "leaflet.pdf").write_bytes(response.get_data())
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "leaflet.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert translation.name.split(" (")[0] in text
    squeezed = "".join(text.split())  # long addresses wrap across lines on the page
    # The QR codes and links point where the leaflet came from (issue 13, item 8).
    assert f"https://directory.example.gov.uk/pl/services/{WITH_BSL}" in squeezed
    assert f"https://directory.example.gov.uk/pl/services/{WITH_BSL}/bsl" in squeezed
    assert "127.0.0.1" not in squeezed


def test_pdf_cache_etag_and_invalidation(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    app = make_app(content, INSTANCE_DIR=tmp_path / "instance")
    client = app.test_client()
    url = f"/services/{UNTRANSLATED}/large-print.pdf"
    with client.get(url) as first:
        etag = first.headers["ETag"]
        assert "max-age" in first.headers["Cache-Control"]
    cached = list((tmp_path / "instance" / "pdf-cache").glob("*.pdf"))
    assert len(cached) == 1
    made_at = cached[0].stat().st_mtime_ns
    with client.get(url) as second:
        assert second.headers["ETag"] == etag
    assert cached[0].stat().st_mtime_ns == made_at  # served from the cache, not made again
    with client.get(url, headers={"If-None-Match": etag}) as not_modified:
        assert not_modified.status_code == 304
    with client.get(f"/pl/services/{UNTRANSLATED}/large-print.pdf") as polish:
        assert polish.headers["ETag"] != etag  # the language is part of the key
    # Changing the entry changes the key: a new PDF is made.
    service_file = content / "services" / UNTRANSLATED / "service.yaml"
    service_file.write_text(service_file.read_text().replace("Blue Badge", "Blue Badge parking", 1))
    changed = make_app(content, INSTANCE_DIR=tmp_path / "instance").test_client()
    with changed.get(url) as third:
        assert third.headers["ETag"] != etag
    assert not list((tmp_path / "instance" / "pdf-cache").glob("*.part"))


def test_template_version_is_part_of_the_key(app):
    from directory.pdf import documents

    with app.test_request_context("/"):
        service = app.extensions["directory"].services[UNTRANSLATED]
        key = documents.pdf_key([service], "standard", "en")
        old = documents.TEMPLATE_VERSION
        documents.TEMPLATE_VERSION = "changed"
        try:
            assert documents.pdf_key([service], "standard", "en") != key
        finally:
            documents.TEMPLATE_VERSION = old


def test_booklet_order_and_contents(client, app, tmp_path):
    slugs = ["housing-options", TRANSLATED, "brackenford-foodbank"]
    query = "&".join(f"s={s}" for s in slugs)
    assert client.get(f"/pack.pdf?{query}&format=large-print").status_code == 202  # queued
    from directory.packs import work_once   # the pack worker makes it (tests/test_packs.py)
    assert work_once(app)
    with client.get(f"/pack.pdf?{query}&format=large-print") as response:
        assert response.status_code == 200
        (tmp_path / "booklet.pdf").write_bytes(response.get_data())
    facts = read_pdf(tmp_path / "booklet.pdf")
    assert facts.smallest_font_size >= 18 and facts.lang == "en"
    services = app.extensions["directory"].services
    pages = []
    for number in range(1, facts.pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(tmp_path / "booklet.pdf"), "-"],
            capture_output=True, text=True, check=True).stdout
        pages.append(text if number == 1 else " ".join(text.split()))
    assert "Care and support services" in pages[0]       # the cover
    contents = pages[0]                                  # below it (issue 13 item 7)
    assert "Contents" in contents
    names = [services[s].name for s in slugs]
    positions = [contents.index(name.split(" (")[0][:20]) for name in names]
    assert positions == sorted(positions)                # in the order staff chose
    for name in names:                                   # the page number in the contents is right
        line = next(l for l in contents.splitlines() if name.split(" (")[0][:20] in l)
        page_number = int(line.rstrip(". ").split()[-1])
        assert name.split(" (")[0][:20] in pages[page_number - 1]


def test_pack_page_links_keep_the_pack(client):
    page = client.get("/pack?s=form-friends&s=housing-options&q=food").get_data(as_text=True)
    assert "2 services in this pack" in page
    assert 'href="/pack?s=housing-options&amp;format=standard"' in page           # remove form friends
    assert "s=form-friends&amp;s=housing-options&amp;s=brackenford-foodbank" in page  # add the food bank
    assert 'action="/pack.pdf"' in page


def test_pack_ignores_unknown_services_and_formats(client):
    assert client.get("/pack?s=nothing&s=../../etc").status_code == 200
    assert client.get("/pack.pdf?s=nothing").status_code == 404
    assert client.get("/pack.pdf?s=form-friends&format=braille").status_code == 404


@pytest.mark.parametrize("path", ["/services/form-friends/braille.pdf", "/xx/services/form-friends",
                                  "/services/form-friends/large-print.docx"])
def test_unknown_format_or_language_is_404(client, path):
    assert client.get(path).status_code == 404


def test_unknown_format_404_is_in_the_readers_language(client):
    response = client.get("/ur/services/form-friends/braille.pdf")
    assert response.status_code == 404
    assert '<html lang="ur" dir="rtl"' in response.get_data(as_text=True)


# --- Bad input in content files ---------------------------------------------------------------

@pytest.fixture
def content_with_bsl(fixture_content):
    """The test content with a working BSL video copied in for its one service."""
    service = load_directory(fixture_content).services["riverside-advice-centre"]
    folder = fixture_content / "services" / "riverside-advice-centre" / "bsl"
    shutil.copytree(ROOT / "content" / "services" / WITH_BSL / "bsl", folder)
    data = yaml.safe_load((folder / "bsl.yaml").read_text())
    data["source"] = source_hash(service)
    (folder / "bsl.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert load_directory(fixture_content).problems == []
    return fixture_content


def _problems(content):
    directory = load_directory(content)
    return directory, [str(p) for p in directory.errors]


def test_missing_video_file(content_with_bsl):
    folder = content_with_bsl / "services/riverside-advice-centre/bsl"
    (folder / "video.mp4").unlink()
    line = (folder / "bsl.yaml").read_text().splitlines().index("video: video.mp4") + 1
    directory, errors = _problems(content_with_bsl)
    assert errors == [f"content/services/riverside-advice-centre/bsl/bsl.yaml:{line}: video: the file "
                      "'video.mp4' is missing from content/services/riverside-advice-centre/bsl"]
    assert directory.services["riverside-advice-centre"].bsl is None   # the entry stays
    client = make_app(content_with_bsl).test_client()
    assert client.get("/services/riverside-advice-centre/bsl").status_code == 404
    assert client.get("/services/riverside-advice-centre").status_code == 200


def test_corrupt_video_file(content_with_bsl):
    (content_with_bsl / "services/riverside-advice-centre/bsl/video.mp4").write_bytes(b"not a video" * 100)
    _, errors = _problems(content_with_bsl)
    assert len(errors) == 1 and "video: 'video.mp4' cannot be played" in errors[0]


def test_malformed_webvtt(content_with_bsl):
    captions = content_with_bsl / "services/riverside-advice-centre/bsl/captions.vtt"
    captions.write_text("WEBVTT\n\n1\n00:00:05.000 --> 00:00:02.000\nBackwards\n\n"
                        "2\n00:00:01.000 --> 00:00:03.000\n\n3\n00:00:xx --> soon\nBad\n")
    _, errors = _problems(content_with_bsl)
    where = "content/services/riverside-advice-centre/bsl/captions.vtt"
    assert f"{where}:4: the cue ends before it starts" in errors
    assert any(e.startswith(f"{where}:8:") and "in time order" in e for e in errors)
    assert any(e.startswith(f"{where}:8:") and "no text" in e for e in errors)
    assert any(e.startswith(f"{where}:11:") and "is not a cue timing" in e for e in errors)


def test_file_that_is_not_webvtt():
    cues, problems = parse_webvtt("1\n00:00:01.000 --> 00:00:02.000\nHello\n")
    assert cues == [] and problems == [(1, "is not WebVTT: the first line must be WEBVTT")]


def test_picture_that_does_not_exist(fixture_content):
    service = load_directory(fixture_content).services["riverside-advice-centre"]
    (fixture_content / "services/riverside-advice-centre/easy-read.yaml").write_text(
        f"source: {source_hash(service)}\ntitle: Riverside Advice Centre\npoints:\n"
        "  - picture: telephone receiver\n    alt: A telephone\n    text: Phone us.\n"
        "  - picture: flying spaghetti\n    alt: Nothing\n    text: This picture is not real.\n")
    directory, errors = _problems(fixture_content)
    assert errors == ["content/services/riverside-advice-centre/easy-read.yaml:7: "
                      "points[1].picture: 'flying spaghetti' is not a picture in the OpenMoji set "
                      "(use its name, like 'telephone receiver', or code, like 1F4DE)"]
    assert directory.services["riverside-advice-centre"].easy_read is None


def test_text_no_font_can_draw(fixture_content, tmp_path):
    service_file = fixture_content / "services/riverside-advice-centre/service.yaml"
    service_file.write_text(service_file.read_text().replace(
        "We help with benefits, debts and bills.", "We help with benefits \ue000\ue001."))
    app = make_app(fixture_content, INSTANCE_DIR=tmp_path / "instance")
    client = app.test_client()
    response = client.get("/services/riverside-advice-centre/large-print.pdf")
    assert response.status_code == 503
    assert client.get("/services/riverside-advice-centre").status_code == 200
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["pdf", "riverside-advice-centre", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert ("content/services/riverside-advice-centre/service.yaml: description: "
            "'\ue000' U+E000, '\ue001' U+E001 cannot be printed") in result.output


def test_cli_pdf_and_booklet(runner, tmp_path):
    result = runner.invoke(main, ["pdf", TRANSLATED, "--format", "easy-read", "--lang", "pl",
                                  "-o", str(tmp_path / "leaflet.pdf")])
    assert result.exit_code == 0, result.output
    assert read_pdf(tmp_path / "leaflet.pdf").lang == "pl"
    result = runner.invoke(main, ["booklet", TRANSLATED, "housing-options", "--format", "standard",
                                  "--lang", "ar", "-o", str(tmp_path / "booklet.pdf")])
    assert result.exit_code == 0, result.output
    assert read_pdf(tmp_path / "booklet.pdf").lang == "ar"
    result = runner.invoke(main, ["pdf", TRANSLATED, "--lang", "xx", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "not an offered language" in result.output
    result = runner.invoke(main, ["pdf", UNTRANSLATED, "--format", "easy-read", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "has no easy read version" in result.output


def test_cli_pdf_all(fixture_content, tmp_path):
    app = make_app(fixture_content, INSTANCE_DIR=tmp_path / "instance")
    result = app.test_cli_runner().invoke(main, ["pdf", "--all"])
    assert result.exit_code == 0, result.output
    # 1 service x (standard, large print) x 2 languages (no interface catalogue for ur here: en only)
    made = len(list((tmp_path / "instance" / "pdf-cache").glob("*.pdf")))
    assert f"{made} PDFs made or already up to date" in result.output and made >= 2

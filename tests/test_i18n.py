"""Language plumbing: which languages are offered, URLs per language, lang and dir."""

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from .conftest import make_app


def _compile_catalogue(translations, code, messages):
    catalog = Catalog(locale=code)
    for source, translation in messages.items():
        catalog.add(source, translation)
    folder = translations / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)


def test_only_english_is_offered_without_catalogues(fixture_content, tmp_path):
    app = make_app(fixture_content, TRANSLATIONS_DIR=tmp_path / "translations")
    assert list(app.extensions["languages"]) == ["en"]
    assert app.test_client().get("/ur/").status_code == 404


def test_a_translated_right_to_left_language_is_served_under_its_prefix(fixture_content, tmp_path):
    translations = tmp_path / "translations"
    _compile_catalogue(translations, "ur", {"Skip to main content": "مرکزی مواد پر جائیں"})
    app = make_app(fixture_content, TRANSLATIONS_DIR=translations)
    client = app.test_client()
    page = client.get("/ur/services/riverside-advice-centre").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in page
    assert "مرکزی مواد پر جائیں" in page
    # Links stay in the reader's language; alternates point at every language.
    assert 'href="/ur/categories/benefits-and-money"' in page
    assert '<link rel="alternate" hreflang="en" href="/services/riverside-advice-centre">' in page
    assert '<link rel="alternate" hreflang="ur" href="/ur/services/riverside-advice-centre">' in page
    english = client.get("/services/riverside-advice-centre").get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in english
    not_found = client.get("/ur/services/nothing-here")
    assert not_found.status_code == 404
    assert 'lang="ur" dir="rtl"' in not_found.get_data(as_text=True)

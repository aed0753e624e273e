"""Languages of the interface: which are offered, the one in use, and its direction.

The language is part of the address: English pages have no prefix
(/services/x), other languages do (/pl/services/x).  A language is offered
when site.yaml lists it and its interface is translated (a compiled catalogue
in translations/<code>/).  Templates get `lang` (code, endonym, direction) and
`alternates` (the same page in every offered language) from here.
"""

import re

from flask import current_app, g, request, url_for
from flask_babel import Babel, get_translations
from werkzeug.routing import BaseConverter

DEFAULT = "en"


class LanguageConverter(BaseConverter):
    """Matches the code of an offered language other than English in a URL."""

    def __init__(self, url_map):
        super().__init__(url_map)
        codes = [re.escape(code) for code in url_map.language_codes if code != DEFAULT]
        # With English alone, match nothing: /xx/ is then simply not found.
        self.regex = f"(?:{'|'.join(codes)})" if codes else "(?!)"


def offered_languages(site, translations_dir):
    """The languages of site.yaml whose interface has a compiled translation, English first."""
    offered = {}
    for language in site.languages:
        catalogue = translations_dir / language.code / "LC_MESSAGES" / "messages.mo"
        if language.code == DEFAULT or catalogue.exists():
            offered[language.code] = language
    return offered


def route(blueprint, rule, **options):
    """Register a view at rule (English) and /<lang>/rule (every other offered language)."""

    def decorator(view):
        blueprint.add_url_rule(rule, view_func=view, defaults={"lang": DEFAULT}, **options)
        blueprint.add_url_rule(f"/<language:lang>{rule}", view_func=view, **options)
        return view

    return decorator


def _catalogue():
    """The current language's translations, looked up once a request."""
    code = g.get("lang", DEFAULT)
    catalogues = g.get("_catalogues")
    if catalogues is None:
        catalogues = g._catalogues = {}
    if code not in catalogues:
        catalogues[code] = get_translations()
    return catalogues[code]


def current_language():
    """The language of this request (English outside one)."""
    languages = current_app.extensions["languages"]
    return languages.get(g.get("lang", DEFAULT)) or languages[DEFAULT]


def alternates():
    """The current page in each offered language, for hreflang links and the switcher."""
    if request.url_rule is None or request.endpoint is None:
        return []
    if not current_app.url_map.is_endpoint_expecting(request.endpoint, "lang"):
        return []   # staff pages are in English only
    arguments = {k: v for k, v in (request.view_args or {}).items() if k != "lang"}
    return [
        (language, url_for(request.endpoint, lang=code, **arguments))
        for code, language in current_app.extensions["languages"].items()
    ]


def init_app(app, site):
    """Set up Flask-Babel and language-prefixed URLs for the languages site.yaml offers."""
    app.extensions["languages"] = offered_languages(site, app.config["TRANSLATIONS_DIR"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(app.config["TRANSLATIONS_DIR"])
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.url_map.language_codes = list(app.extensions["languages"])
    app.url_map.converters["language"] = LanguageConverter
    # One Babel per app: Flask-Babel caches catalogues on the Babel object.
    Babel(app, locale_selector=lambda: g.get("lang", DEFAULT))
    # The templates' _() asked Flask-Babel for the catalogue each time, walking the
    # request context three times: a fifth of the time of making a page.  The locale is
    # g.lang (the selector above), so the catalogue is kept in g under it.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n))

    @app.url_value_preprocessor
    def take_language(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def add_language(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.get("lang", DEFAULT)

    @app.context_processor
    def language_context():
        return {"lang": current_language(), "alternates": alternates}

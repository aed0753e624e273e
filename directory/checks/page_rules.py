"""Rules on the web pages, in every language: the shared page check, and hreflang."""

import hashlib
import importlib.metadata
import re
from pathlib import Path

import govuk_frontend_jinja

from .. import pagecheck
from ..pagecheck import page_problems
from ..siteurl import LOCAL, configured
from .model import ERROR, Finding, rule

rule("page_structure", "web pages", ERROR, "The page fails the page check",
     "WCAG 2.2 1.3.1, 2.4.2, 3.1.1, 4.1.1", "See the message: one h1, a title, unique ids, lang and dir.")
rule("hreflang_not_reciprocal", "web pages", ERROR, "A language version does not link back",
     "Directory policy (search engines need reciprocal hreflang)",
     "Every language version must list every other one.")
rule("bidi_not_isolated", "web pages", ERROR, "Left-to-right text inside right-to-left text is not isolated",
     "WCAG 2.2 1.3.2 Meaningful Sequence, 3.1.2 Language of Parts",
     "Give an element in a left-to-right language dir=\"ltr\" beside its lang, and wrap a phone "
     "number, postcode, address, time, e-mail or web address, or any Latin words with spaces or "
     "punctuation, in <bdi dir=\"ltr\"> (the templates' `ltr` and `isolate` filters).")
rule("page_error", "web pages", ERROR, "The page does not load", "WCAG 2.2 4.1",
     "See the message.")

_ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">')
# What these rules found on a page is only good for the rules that found it.
RULES_VERSION = hashlib.sha256(Path(__file__).read_bytes()
                               + Path(pagecheck.__file__).read_bytes()).hexdigest()[:12]


def page_paths(directory, slug=None):
    """Every page type to check: (entry, format, path without a language prefix)."""
    services = [directory.services[slug]] if slug else list(directory.services.values())
    paths = []
    if slug is None:
        paths += [("", "web", "/"), ("", "web", "/search?q=carer"), ("", "web", "/pack"),
                  ("", "web", "/search?q=zzzz"), ("", "web", "/accessibility"), ("", "web", "/sign-in")]
        paths += [("", "web", f"/categories/{c}") for c in list(directory.categories)[:3]]
        paths += [("", "web", f"/services/{s}/feedback") for s in list(directory.services)[:1]]
    for service in services:
        paths.append((service.slug, "web", f"/services/{service.slug}"))
        if service.easy_read:
            paths.append((service.slug, "easy-read", f"/services/{service.slug}/easy-read"))
        if service.bsl:
            paths.append((service.slug, "bsl", f"/services/{service.slug}/bsl"))
    return paths


PACKAGE = Path(__file__).resolve().parent.parent


def inputs_version(app):
    """A hash of everything an entry's pages are made from besides the entry's own files.

    The site's code, templates and stylesheets, GOV.UK Frontend's macros, the interface
    catalogues, the built assets' names, the content's shared files (site, categories,
    areas), the versions of the libraries that make and parse pages, and the rules:
    with the entry's fingerprint it keys what the rules found on its pages, so a repeat
    run need not make the pages again to know nothing changed.
    """
    digest = hashlib.sha256(RULES_VERSION.encode())
    folders = [(PACKAGE, ("*.py", "*.html", "*.css")),
               (Path(app.config["TRANSLATIONS_DIR"]), ("*.mo",)),
               (Path(app.config["STATIC_DIR"]), ("manifest.json",)),
               (PACKAGE.parent / "node_modules" / "govuk-frontend", ("package.json",)),
               (Path(govuk_frontend_jinja.__file__).parent, ("*.html",)),
               (Path(app.config["CONTENT_DIR"]), ("site.yaml", "taxonomy.yaml", "postcodes.csv",
                                                  "synonyms.yaml", "easy-read-words.yaml"))]
    for folder, patterns in folders:
        files = sorted({path for pattern in patterns for path in folder.rglob(pattern)
                        if "services" not in path.relative_to(folder).parts})
        for path in files:
            digest.update(str(path.relative_to(folder)).encode() + b"\x1f" + path.read_bytes())
    digest.update(" ".join(app.extensions["languages"]).encode())
    # The libraries that make and parse pages, by version.
    for name in ("Flask", "Jinja2", "Babel", "flask-babel", "govuk-frontend-jinja", "markupever", "lxml"):
        digest.update(f"{name}={importlib.metadata.version(name)}".encode())
    digest.update(f"{configured(app.config) or LOCAL}".encode())
    return digest.hexdigest()[:16]


def entry_key(inputs, path, service):
    """What the rules found on an entry's page is keyed by the page, the entry and the rest."""
    from ..pdf.documents import fingerprint

    return hashlib.sha256(f"{inputs}\x1f{path}\x1f{fingerprint(service)}".encode()).hexdigest()[:32]


def fetch_versions(client, languages, path):
    """The page at path in every language: (language, url, HTTP status, HTML)."""
    versions = []
    for code in languages:
        url = path if code == "en" else f"/{code}{path}"
        # A request made inside an app context (a command's) shares it, and Flask-Babel keeps
        # the locale it first worked out there: the Urdu page got English dates. Each its own.
        with client.application.app_context():
            response = client.get(url)
        versions.append((code, url, response.status_code,
                         response.get_data(as_text=True) if response.status_code == 200 else ""))
    return versions


# Form tokens differ every time a page is made; they change nothing the rules look at.
_TOKENS = re.compile(r'(name="(?:csrf_)?token"(?: type="hidden")? value=")[^"]*"')


def versions_key(path, versions):
    """A key for what the rules would find on exactly these pages."""
    digest = hashlib.sha256(f"{RULES_VERSION}\x1f{path}".encode())
    for code, _, status, html in versions:
        html = _TOKENS.sub(r'\1"', html)
        digest.update(f"\x1f{code}\x1f{status}\x1f".encode() + html.encode("utf-8"))
    return digest.hexdigest()[:32]


def versions_findings(versions, entry, format, path):
    """The page check on each language version, and that they link each other."""
    found, links = [], {}
    for code, url, status, html in versions:
        if status != 200:
            found.append(Finding("page_error", entry, format, code, f"{url}: HTTP {status}"))
            continue
        structure, bidi = page_problems(html)
        for problem in structure:
            found.append(Finding("page_structure", entry, format, code, f"{url}: {problem}"))
        for problem in bidi:
            found.append(Finding("bidi_not_isolated", entry, format, code, f"{url}: {problem}"))
        links[code] = dict(_ALTERNATE.findall(html))
    for code, alternates in links.items():
        for other in links:
            if other not in alternates:
                found.append(Finding("hreflang_not_reciprocal", entry, format, code,
                                     f"{path} in {code} has no hreflang link to {other}"))
    return found


def page_findings(client, languages, entry, format, path):
    """Check one page in every language, and that its language versions link each other."""
    return versions_findings(fetch_versions(client, languages, path), entry, format, path)

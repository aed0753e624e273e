"""Entries rendered as print HTML, in the reader's language, ready for WeasyPrint.

Every function here needs an app context with the reader's language set (a
request for /pl/..., or `in_language(app, "pl")` from the command line).
"""

import base64
import datetime
import hashlib
import io
import os
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pikepdf
import segno
from flask import current_app, g, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..content.translations import localise
from ..fonts import describe, uncovered
from ..i18n import DEFAULT, current_language
from ..siteurl import LOCAL, site_url
from . import FORMATS
from .cache import PdfCache, make_key
from .render import RENDER_VERSION, MissingGlyphs, render_pdf
from .runs import finish

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "print"


def _template_version():
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update((Path(__file__).parent / "runs.py").read_bytes())   # it changes the HTML too
    return digest.hexdigest()[:12]


TEMPLATE_VERSION = _template_version()


class NotAvailable(Exception):
    """The entry has no version in this format (no easy read, say)."""


@contextmanager
def in_language(app, code, site=None):
    """An app context whose interface language is code, for the command line and workers.

    site: the public address what is made should point to (a queued pack's); without
    it, DIRECTORY_SITE_URL or siteurl.LOCAL.
    """
    with app.test_request_context("/", base_url=site or LOCAL), force_locale(code):
        g.lang = code
        g.offline = site is None
        yield


@lru_cache(maxsize=256)   # a leaflet's page and BSL links come up again in its other formats
def qr_data_uri(url):
    """A QR code for url as an SVG data: URI, black on white."""
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000000", light="#ffffff", border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _site_url(path):
    return site_url() + path


def _entry(service, format, code):
    """Everything the print templates need for one entry in one format and language."""
    from flask import url_for

    translation = service.translations.get(code) if code != DEFAULT else None
    local, english_fields = (service, set()) if code == DEFAULT else localise(service, translation)
    notice, easy = None, None
    if format == "easy-read":
        if service.easy_read is None:
            raise NotAvailable(f"'{service.slug}' has no easy read version")
        easy = service.easy_read.translations.get(code, service.easy_read) if code != DEFAULT \
            else service.easy_read
        if easy.language != code:
            notice = _("This easy read is not in %(language)s yet, so it is in English. "
                       "Phone us to ask for an interpreter.", language=current_language().endonym)
        title = easy.title
    else:
        title = local.name
        if code != DEFAULT and translation is None:
            notice = _("This information has not been translated into %(language)s yet, so it is "
                       "shown in English. Phone us to ask for an interpreter.",
                       language=current_language().endonym)
    page = "formats.easy_read" if format == "easy-read" else "pages.service"
    bsl = getattr(service, "bsl", None)
    return {
        "service": local, "english_fields": english_fields, "notice": notice, "easy": easy,
        "title": title,
        "page_url": _site_url(url_for(page, slug=service.slug, lang=code)),
        "bsl_url": _site_url(url_for("formats.bsl", slug=service.slug, lang=code)) if bsl else None,
    }


def _context(format, title, description, qr=qr_data_uri):
    directory = current_app.extensions["directory"]
    languages = current_app.extensions["languages"]
    lang = current_language()
    return {"site": directory.site, "format": format, "title": title, "description": description,
            "qr": qr, "lang": lang, "today": datetime.date.today(),
            "direction_of": lambda code: languages[code].direction if code in languages else "ltr",
            "latin_font": languages[DEFAULT].font, **_sizes(format, lang)}


# The running head of each format: its size (pt, print/*.css) and the least top margin (mm).
RUNNING_HEAD = {"standard": (11, 20), "easy-read": (16, 20), "large-print": (18, 26)}


def top_margin(format, lang):
    """The top margin (mm) of a leaflet's pages after the first: room for two lines of its
    running head in the language's script (print_line_height in site.yaml; Noto Sans is
    1.36 em tall), 5 mm above them, and at least the format's usual margin.  Everything
    above it on a page is the running head (for the checks: `pdf/layout.py`)."""
    size, usual = RUNNING_HEAD[format]
    tall = max(getattr(lang, "print_line_height", 1.0) or 1.0, 1.4)
    return max(usual, round(2 * size * tall * 25.4 / 72 + 6))


def _sizes(format, lang):
    return {"top_margin": top_margin(format, lang) if format in RUNNING_HEAD else 20}


def _finished(html):
    return finish(html, current_language().direction == "rtl")


def leaflet_html(service, format, qr=qr_data_uri):
    """The print HTML of one entry in the current language.

    qr makes the QR codes' data: URIs; the checks, which only want the leaflet's shape
    (`shapes.py`), pass one that gives the same code every time (a QR code takes 20 ms).
    """
    if format not in FORMATS:
        raise NotAvailable(f"'{format}' is not a format: use one of {', '.join(FORMATS)}")
    entry = _entry(service, format, current_language().code)
    context = {**_context(format, entry["title"], entry["service"].summary, qr), **entry}
    return _finished(render_template("print/leaflet.html", **context))


def booklet_html(services, format, title=None):
    """The print HTML of a booklet: a cover, contents, then each entry."""
    if format not in FORMATS:
        raise NotAvailable(f"'{format}' is not a format: use one of {', '.join(FORMATS)}")
    code = current_language().code
    entries = [_entry(service, format, code) for service in services]
    title = title or _("Care and support services")
    context = _context(format, title, ", ".join(e["title"] for e in entries))
    return _finished(render_template("print/booklet.html", entries=entries, **context))


def fingerprint(service):
    """What a leaflet of this entry depends on in the content files.

    Worked out once for each loaded entry (a leaflet shows the entry as it was loaded;
    a content change reaches the site when it is loaded again), not once per leaflet:
    an entry has a dozen leaflets, and the checks ask for every one.
    """
    cached = getattr(service, "_leaflet_fingerprint", None)
    if cached is None:
        digest = hashlib.sha256()
        for path in sorted(service.folder.rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".vtt", ".txt"):
                digest.update(str(path.relative_to(service.folder)).encode() + path.read_bytes())
            elif path.is_file():   # a video or poster: its size and time, not all its bytes
                stat = path.stat()
                digest.update(f"{path.relative_to(service.folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        cached = service._leaflet_fingerprint = digest.hexdigest()[:16]
    return cached


def pdf_key(services, format, code):
    """The cache key of a leaflet or booklet: content, format, language, template version."""
    directory = current_app.extensions["directory"]
    return make_key(TEMPLATE_VERSION + RENDER_VERSION, format, code, site_url(),
                    directory.site_fingerprint, *(f"{s.slug}:{fingerprint(s)}" for s in services))


def pdf_cache():
    """The instance folder's PDF cache, capped at PDF_CACHE_MB (DIRECTORY_PDF_CACHE_MB, 500)."""
    megabytes = current_app.config.get("PDF_CACHE_MB") or os.environ.get("DIRECTORY_PDF_CACHE_MB", 500)
    return PdfCache(Path(current_app.config["INSTANCE_DIR"]) / "pdf-cache",
                    max_bytes=int(float(megabytes) * 1024 * 1024))


_NOT_PRINTED_HERE = {"translations", "easy_read", "bsl", "source", "folder"}


def _strings(value, path="", depth=0):
    """(field, text) for every string in an entry, at any depth: names and addresses,
    phone numbers, e-mail and web addresses, schedules' notes, as well as its prose."""
    if isinstance(value, str):
        yield path, value
    elif depth > 8:
        return
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for key, item in vars(value).items():
            if not key.startswith("_") and not (depth == 0 and key in _NOT_PRINTED_HERE):
                yield from _strings(item, f"{path}.{key}" if path else key, depth + 1)


def printed_texts(service, code):
    """The texts a leaflet of service in language code prints: (file, field, text).

    Every string of the entry (not only the translatable ones), its translation into
    code, and its easy read versions.
    """
    texts = [(service.source, path, text) for path, text in _strings(service)]
    translation = service.translations.get(code)
    if translation is not None:
        texts += [(translation.file, f"fields.{key}", text) for key, text in translation.fields.items()]
    easy = service.easy_read
    if easy is not None:
        for version in [easy] + ([easy.translations[code]] if code in easy.translations else []):
            texts.append((version.file, "title", version.title))
            for index, point in enumerate(version.points):
                texts.append((version.file, f"points[{index}].text", point.text))
                texts.append((version.file, f"points[{index}].alt", point.alt))
    return texts


def font_report(service, code):
    """What the fonts make of the words an entry's leaflets print in language code.

    (unprintable, elsewhere): unprintable is [(file, field, message)] for text no
    installed font can draw; elsewhere is True when some text needs a font other than
    the ones chosen for the language and for English (WeasyPrint then falls back to any
    installed font that has it, which may be a serif or an italic face).  Worked out
    once for each loaded entry and language, like its fingerprint.
    """
    reports = service.__dict__.setdefault("_font_reports", {})
    if code not in reports:
        texts = printed_texts(service, code)
        characters = "".join(dict.fromkeys("".join(text for _, _, text in texts)))
        unprintable = []
        if uncovered(characters):
            for file, field, text in texts:
                missing = uncovered(text)
                if missing:
                    unprintable.append((file, field, f"{describe(missing)} cannot be printed: "
                                                     "no installed font has these characters"))
        languages = current_app.extensions["languages"]
        families = dict.fromkeys([languages[code].font, languages[DEFAULT].font])
        elsewhere = bool(set.intersection(*(set(uncovered(characters, f)) for f in families)))
        reports[code] = (unprintable, elsewhere)
    return reports[code]


def unprintable(services, code):
    """(file, field, message) for each printed text with characters no installed font has."""
    for service in services:
        yield from font_report(service, code)[0]


def check_printable(services, code):
    """Raise MissingGlyphs naming the file and field of text no installed font can draw."""
    for file, field, message in unprintable(services, code):
        raise MissingGlyphs(f"{file}: {field}: {message}")


# Ways to end a leaflet (print/common.css): the QR codes with the date it was checked (and,
# by default, the languages when there is one QR code), only with the date, always with
# the languages too, closer together (Nastaliq's tall lines at large print), or side by
# side.  Which one leaves no page nearly empty depends on where the pages fall, so the
# default is made first and the others only when it leaves one, judged by the check's own
# measure (`pdf/layout.py`).  Right-to-left leaflets never put the QR codes side by side:
# their captions ran into each other and read back interleaved.
ENDINGS = ("", "tail-short", "tail-long", "tail-tight", "tail-long tail-tight", "tail-long tail-compact")


def _checked_pdf(html, services, code, format, links=None):
    check_printable(services, code)
    data = None
    right_to_left = current_language().direction == "rtl"
    for ending in ENDINGS:
        if right_to_left and "tail-compact" in ending:
            continue
        made = render_pdf(html.replace('<body class="', f'<body class="{ending} ', 1) if ending else html,
                          TEMPLATES)
        data = data or made
        if not _nearly_empty_page(made, format):
            data = made
            break
    return _described_links(data, links) if links else data


def _nearly_empty_page(data, format):
    """Whether a page of a PDF of several holds no more than a few lines of body text."""
    from .layout import read_layout

    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        return bool(read_layout(pdf.name, top=top_margin(format, current_language())).nearly_empty_pages())


def _described_links(data, names):
    """The PDF data with each link to a place in it described by what it links to (a
    service's name), not by the place's id, which WeasyPrint gives as its /Contents."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                name = names.get(str(annotation.get("/Contents", "")))
                if annotation.get("/Subtype") == "/Link" and name:
                    annotation.Contents = pikepdf.String(name)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def leaflet_pdf(service, format):
    """The path and key of the PDF of one entry in the current language, made if needed."""
    code = current_language().code
    key = pdf_key([service], format, code)
    path = pdf_cache().get_or_make(
        key, lambda: _checked_pdf(leaflet_html(service, format), [service], code, format))
    return path, key


def booklet_services(services):
    """The entries of a booklet in the order staff chose, each once (the order is kept:
    the contents follow it), so a repeated entry makes neither a longer booklet nor a new key."""
    return list({service.slug: service for service in services}.values())


def booklet_pdf(services, format, title=None, key=None):
    """The path and key of a booklet PDF of several entries in the current language.

    Web workers never call this for a pack (it takes seconds): they queue it for the
    pack worker (`packs.py`), which passes the key the page asked for.
    """
    code = current_language().code
    services = booklet_services(services)
    key = key or pdf_key(services, format, code)
    names = {f"service-{s.slug}": _entry(s, format, code)["title"] for s in services}
    path = pdf_cache().get_or_make(
        key, lambda: _checked_pdf(booklet_html(services, format, title), services, code, format, names))
    return path, key

"""Every entry in every format: easy read, BSL video, printed PDFs, and staff's print packs."""

import logging
import time

from flask import (Blueprint, abort, current_app, make_response, render_template, request,
                   send_file, url_for)
from werkzeug.exceptions import NotFound

from .. import current_directory, limits
from ..i18n import DEFAULT, current_language, route
from ..packs import pack_queue
from ..pdf import FORMATS
from ..pdf.documents import (NotAvailable, booklet_services, check_printable, leaflet_pdf,
                             pdf_cache, pdf_key)
from ..pdf.render import MissingGlyphs
from ..pictures import PictureLibraryMissing, library
from ..search import IndexUnavailable
from ..siteurl import site_url

bp = Blueprint("formats", __name__)
log = logging.getLogger(__name__)
MAX_PACK = 40
PACK_REFRESH = 5   # seconds between the waiting page's own refreshes


def _service(slug):
    service = current_directory().services.get(slug)
    if service is None:
        abort(404)
    return service


@route(bp, "/services/<slug>/easy-read")
def easy_read(slug):
    """The easy read version of an entry, in the reader's language where there is one."""
    service = _service(slug)
    if service.easy_read is None:
        return render_template("format_missing.html", service=service, format="easy-read"), 404
    code = current_language().code
    easy = service.easy_read if code == DEFAULT else service.easy_read.translations.get(
        code, service.easy_read)
    return render_template("easy_read.html", service=service, easy=easy)


@route(bp, "/services/<slug>/bsl")
def bsl(slug):
    """The British Sign Language video of an entry, with captions and a transcript."""
    service = _service(slug)
    if service.bsl is None:
        return render_template("format_missing.html", service=service, format="bsl"), 404
    return render_template("bsl.html", service=service, bsl=service.bsl)


@bp.route("/services/<slug>/bsl/<name>")
def bsl_file(slug, name):
    """The video, captions or poster of an entry's BSL video; the video answers range requests."""
    service = _service(slug)
    video = service.bsl
    if video is None or name not in (video.video, video.captions, video.poster):
        abort(404)
    mimetype = {video.video: video.video_type, video.captions: "text/vtt",
                video.poster: "image/jpeg" if video.poster.endswith((".jpg", ".jpeg")) else "image/png"}[name]
    try:
        response = send_file(video.folder / name, mimetype=mimetype, conditional=True,
                             max_age=86400)
    except FileNotFoundError:
        log.error("BSL file missing: %s", video.folder / name)
        abort(404)
    response.headers["Accept-Ranges"] = "bytes"
    return response


@route(bp, "/services/<slug>/<format>.pdf")
def pdf(slug, format):
    """A printed leaflet of an entry: standard, easy read or large print, in any language."""
    service = _service(slug)
    if format not in FORMATS:
        abort(404)
    if (format != "easy-read" or service.easy_read is not None) and pdf_cache().get(
            pdf_key([service], format, current_language().code)) is None:
        if not limits.take("leaflet"):   # only a leaflet still to be rendered costs
            return limits.too_many("leaflet")
    try:
        path, key = leaflet_pdf(service, format)
    except NotAvailable:
        return render_template("format_missing.html", service=service, format=format), 404
    except MissingGlyphs as error:
        log.error("cannot print %s: %s", slug, error)
        return render_template("format_missing.html", service=service, format=format), 503
    return _send_pdf(path, key, f"{slug}-{format}-{current_language().code}.pdf")


def _send_pdf(path, key, filename):
    if request.if_none_match.contains(key):
        response = make_response("", 304)
    else:
        response = make_response(send_file(path, mimetype="application/pdf",
                                           download_name=filename, as_attachment=False))
    response.set_etag(key)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _pack_slugs():
    directory = current_directory()
    slugs = [s for s in dict.fromkeys(request.args.getlist("s")) if s in directory.services]
    return slugs[:MAX_PACK]


@route(bp, "/pack")
def pack():
    """A print pack: staff gather services and print them as one booklet; the link is the pack."""
    directory = current_directory()
    slugs = _pack_slugs()
    format = request.args.get("format", "standard")
    format = format if format in FORMATS else "standard"
    query = request.args.get("q", "")
    found = None
    unavailable = False
    if query:
        if limits.over("search"):   # the same allowance of slow searches as /search
            return limits.too_many("search")
        engine = current_app.extensions["search"]
        started = time.perf_counter()
        try:
            found = engine.search(query, lang=current_language().code, per_page=20)
        except IndexUnavailable as error:  # said so (503); the pack still works from its links
            log.error("search unavailable for the pack page: %s", error)
            unavailable = True
        if time.perf_counter() - started > limits.slow_search():
            limits.spend("search")
    services = [directory.services[s] for s in slugs]
    without_easy_read = [s for s in services if format == "easy-read" and s.easy_read is None]
    return render_template("pack.html", services=services, slugs=slugs, format=format,
                           query=query, found=found, without_easy_read=without_easy_read,
                           max_pack=MAX_PACK, unavailable=unavailable), 503 if unavailable else 200


@route(bp, "/pack.pdf")
def pack_pdf():
    """The booklet of a print pack: a cover, contents, and each service.

    Made by the pack worker, never here: until it is in the cache the reader gets a page
    that says it is being made and refreshes itself (202), or that the queue is full (503).
    """
    directory = current_directory()
    slugs = _pack_slugs()
    format = request.args.get("format", "standard")
    if not slugs or format not in FORMATS:
        abort(404)
    services = booklet_services([directory.services[s] for s in slugs])
    if format == "easy-read":
        services = [s for s in services if s.easy_read is not None]
        if not services:
            abort(404)
    code = current_language().code
    try:
        check_printable(services, code)
    except MissingGlyphs as error:
        log.error("cannot print a pack: %s", error)
        abort(503)
    key = pdf_key(services, format, code)
    filename = f"services-{format}-{code}.pdf"
    if request.if_none_match.contains(key):
        return _send_pdf(None, key, filename)
    path = pdf_cache().get(key)
    if path is not None:
        return _send_pdf(path, key, filename)
    return _pack_waiting(key, [s.slug for s in services], format, code)


def _pack_waiting(key, slugs, format, code):
    queue = pack_queue(current_app)
    page = {"count": len(slugs), "refresh": PACK_REFRESH, "again": request.full_path,
            "back": url_for("formats.pack", s=slugs, format=format)}
    failure = queue.failure(key)
    if failure is not None:
        log.error("print pack %s could not be made: %s", key, failure)
        return _no_store(render_template("pack_status.html", state="failed", **page), 500)
    if not queue.waiting(key):
        if not limits.take("pack"):
            return limits.too_many("pack")
        state = queue.submit(key, {"slugs": slugs, "format": format, "lang": code, "site": site_url()},
                             owner=limits.client_key())
        if state == "yours":   # this client already has packs waiting: one at a time
            return limits.too_many("pack")
        if state == "full":
            response = _no_store(render_template("pack_status.html", state="full", **page), 503)
            response.headers["Retry-After"] = "60"
            return response
    return _no_store(render_template("pack_status.html", state="waiting", **page), 202)


def _no_store(body, status):
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/pictures/<code>.svg")
def picture(code):
    """An OpenMoji picture used by easy read pages."""
    try:
        found = library(current_app.config["PICTURES_DIR"]).find(code)
    except PictureLibraryMissing:
        found = None
    if found is None or found.code != code:
        raise NotFound()
    return send_file(found.path, mimetype="image/svg+xml", max_age=31536000)

"""The results page: /search?q=... with filters, pages, and help when nothing is found."""

import logging
import time

from flask import Blueprint, current_app, render_template, request

from .. import current_directory, limits
from ..i18n import current_language, route
from ..search import IndexUnavailable
from ..search.documents import FACETS

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 5 else 1


@route(bp, "/search")
def results():
    """Search results for what a resident typed, with filters and counts."""
    query = request.args.get("q", "")
    filters = {facet: request.args.getlist(facet) for facet in FACETS if request.args.getlist(facet)}
    engine = current_app.extensions["search"]
    if query and limits.over("search"):   # too many slow searches from this address
        return limits.too_many("search")
    started = time.perf_counter()
    try:
        found = engine.search(query, lang=current_language().code, filters=filters,
                              page=_page_number())
    except IndexUnavailable as error:
        log.error("search is unavailable: %s", error)
        return render_template("search_unavailable.html", query=query), 503
    if time.perf_counter() - started > limits.slow_search():
        limits.spend("search")
    if found.total == 0 and found.query:
        try:
            current_app.extensions["insight"].record_zero_results(found.query)
        except Exception:  # a full disk must not stop a resident searching
            log.exception("could not record a search that found nothing")
    directory = current_directory()
    services = {hit.slug: directory.services.get(hit.slug) for hit in found.hits}
    return render_template("search.html", results=found, services=services)

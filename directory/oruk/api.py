"""/api/oruk/v3/: the Open Referral UK v3 read API over the content the site has loaded.

GET only, open to any origin (CORS), JSON for every answer including errors: a
bad parameter is a 400 that says which and why, an unknown id a 404.  Lists are
ORUK pages; `search` goes through the same search engine as the site's /search.
See docs/api.md.
"""

import html
import math
import re
import time

import nh3
from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from .. import current_directory, limits
from ..content.schema import MARKUP
from ..search import IndexUnavailable
from ..siteurl import site_url
from .publish import PROFILE, Publisher

bp = Blueprint("oruk", __name__, url_prefix="/api/oruk/v3")

PER_PAGE = 50
MAX_PER_PAGE = 500
READ_METHODS = ("GET", "HEAD", "OPTIONS")
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
WHOLE = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() takes "²" and "１"
LIST_PARAMETERS = {"page", "per_page"}
SERVICE_PARAMETERS = LIST_PARAMETERS | {"search", "taxonomy_term_id", "taxonomy_id"}


class BadRequest(Exception):
    """A parameter the API cannot use; the message says which and why."""


def _error(status, message):
    response = jsonify(status=status, error=_title(status), message=message)
    response.status_code = status
    return response


def _title(status):
    return {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Error")


@bp.before_request
def only_reads():
    """Refuse writes with a JSON 405 (routes accept them only to answer in JSON)."""
    if request.method not in READ_METHODS:
        response = _error(405, f"{request.method} is not allowed: this API is read only")
        response.headers["Allow"] = ", ".join(READ_METHODS)
        return response
    return None


@bp.after_request
def open_to_every_origin(response):
    """CORS for GET from any web page; lists may be cached for five minutes."""
    if request.method == "OPTIONS":  # a preflight: headers only
        response = current_app.response_class(status=204, headers={"Allow": ", ".join(READ_METHODS)})
        response.headers["Access-Control-Max-Age"] = "86400"
        del response.headers["Content-Type"]
    elif response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    return response


@bp.errorhandler(BadRequest)
def bad_request(error):
    return _error(400, str(error))


@bp.errorhandler(HTTPException)
def http_error(error):
    return _error(error.code or 500, error.description or _title(error.code))


@bp.errorhandler(IndexUnavailable)
def search_unavailable(error):
    current_app.logger.error("API search is unavailable: %s", error)
    return _error(503, "search is unavailable just now; try again later, or leave out 'search'")


def _publisher():
    return Publisher(current_directory(), site_url())


def _parameters(allowed):
    """The query parameters, each given at most once, none unknown."""
    for name in request.args:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise BadRequest(f"'{name}' is not a parameter here (it takes: {known})")
        if len(request.args.getlist(name)) > 1:
            raise BadRequest(f"give '{name}' once")
    return request.args


def _whole(args, name, default, largest):
    text = args.get(name)
    if text is None:
        return default
    if not WHOLE.fullmatch(text) or not 1 <= int(text) <= largest:
        raise BadRequest(f"'{name}' must be a whole number from 1 to {largest}, not '{text}'")
    return int(text)


def _uuid(args, name):
    text = args.get(name)
    if text is None:
        return None
    if not UUID.fullmatch(text.strip()):
        raise BadRequest(f"'{name}' must be a uuid like 3f7b145d-84af-42d7-8fae-eaca714b02b2")
    return text.strip().lower()


def plain(value):
    """value (JSON: dicts, lists, strings) with no markup in any string.

    The loader already refuses markup in every text field; this is the second wall, so
    that nothing a feed or a file slipped past it reaches another council's website as
    live HTML.  Tags are removed (scripts and styles with their content), entities
    decoded, and a "<" that would still open a tag is dropped.
    """
    if isinstance(value, str):
        for _ in range(3):
            if not MARKUP.search(value):
                return value
            value = html.unescape(nh3.clean(value, tags=set()))
        return MARKUP.sub(lambda match: match.group(0)[1:], value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _json(value):
    return jsonify(plain(value))


def _page(items, total, page, per_page):
    pages = math.ceil(total / per_page)
    return _json(dict(total_items=total, total_pages=pages, page_number=page, size=len(items),
                   first_page=page == 1, last_page=page >= pages, empty=not items,
                   contents=items))


def _pages(args):
    """The page and per_page asked for (1 and 50 if not)."""
    return (_whole(args, "page", 1, 1_000_000), _whole(args, "per_page", PER_PAGE, MAX_PER_PAGE))


def _matching(args, publisher, wanted=None):
    """The services matching search, taxonomy_term_id and taxonomy_id, in order: (total,
    the first `wanted` of them, or all)."""
    term_id, taxonomy_id = _uuid(args, "taxonomy_term_id"), _uuid(args, "taxonomy_id")
    term = publisher.terms.get(term_id) if term_id else None
    if (term_id and term is None) or (taxonomy_id and publisher.taxonomy(taxonomy_id) is None):
        return 0, []
    directory = current_directory()
    text = (args.get("search") or "").strip()
    if text:
        engine = current_app.extensions["search"]
        found = engine.search(text, lang="en", filters={term[0]: [term[1]]} if term else None,
                              page=1, per_page=wanted or max(1, len(directory.services)))
        if found.ignored_filters:
            return 0, []
        return found.total, [directory.services[hit.slug] for hit in found.hits
                             if hit.slug in directory.services]
    services = sorted(directory.services.values(), key=lambda s: (s.name.casefold(), s.slug))
    if term_id:
        services = [s for s in services if term_id in publisher.service_term_ids(s)]
    return len(services), services[:wanted] if wanted else services


def _format_url(service, code):
    """Where a resident finds an entry in one of its formats."""
    site = site_url()
    if code.startswith("lang-"):
        if code[5:] not in current_app.extensions.get("languages", {}):
            return None
        return site + url_for("pages.service", slug=service.slug, lang=code[5:])
    endpoint, extra = {"easy-read": ("formats.easy_read", {}), "bsl": ("formats.bsl", {}),
                       "large-print": ("formats.pdf", {"format": "large-print"})}[code]
    return site + url_for(endpoint, slug=service.slug, lang="en", **extra)


@bp.route("/", methods=["GET", *OTHER_METHODS])
def about():
    """What this API is: ORUK v3, with the profile and OpenAPI description it follows."""
    _parameters(set())
    return jsonify(version="3.0", profile=PROFILE, openapi_url=f"{PROFILE}/schema/openapi.json")


@bp.route("/services", methods=["GET", *OTHER_METHODS])
def services():
    """A page of services: search, page, per_page, taxonomy_term_id, taxonomy_id."""
    publisher = _publisher()
    args = _parameters(SERVICE_PARAMETERS)
    page, per_page = _pages(args)
    start = (page - 1) * per_page
    searching = bool((args.get("search") or "").strip())
    if searching and limits.over("search"):   # the site's allowance of slow searches
        response = _error(429, "too many slow searches from this address: try again in a minute")
        response.headers["Retry-After"] = "60"
        return response
    started = time.perf_counter()
    total, found = _matching(args, publisher, wanted=start + per_page)
    if searching and time.perf_counter() - started > limits.slow_search():
        limits.spend("search")
    return _page([publisher.service_summary(s) for s in found[start:start + per_page]],
                 total, page, per_page)


@bp.route("/services/<service_id>", methods=["GET", *OTHER_METHODS])
def service(service_id):
    """One service, fully nested."""
    _parameters(set())
    found = _service_by_id(service_id)
    return _json(_publisher().service(found, _format_url))


def _service_by_id(service_id):
    wanted = service_id.strip().lower()
    found = next((s for s in current_directory().services.values() if s.id == wanted), None)
    if found is None:
        raise _NotFound(f"there is no service with id '{service_id}'")
    return found


class _NotFound(HTTPException):
    code = 404


@bp.route("/service_at_locations", methods=["GET", *OTHER_METHODS])
def service_at_locations():
    """A page of links between services and their locations (the same filters as /services)."""
    publisher = _publisher()
    args = _parameters(SERVICE_PARAMETERS)
    page, per_page = _pages(args)
    links = [link for found in _matching(args, publisher)[1]
             for link in publisher.service_at_locations(found)]
    start = (page - 1) * per_page
    return _page(links[start:start + per_page], len(links), page, per_page)


@bp.route("/service_at_locations/<link_id>", methods=["GET", *OTHER_METHODS])
def service_at_location(link_id):
    """One link of a service to a location, with the location in full."""
    _parameters(set())
    publisher, wanted = _publisher(), link_id.strip().lower()
    for found in current_directory().services.values():
        for index in range(len(found.locations)):
            if publisher._link_id(found, index) == wanted:
                return _json(publisher.service_at_location(found, index))
    raise _NotFound(f"there is no service_at_location with id '{link_id}'")


@bp.route("/taxonomies", methods=["GET", *OTHER_METHODS])
def taxonomies():
    """A page of the taxonomies: the site's categories, and the accessible formats."""
    page, per_page = _pages(_parameters(LIST_PARAMETERS))
    found = _publisher().taxonomies()
    return _page(found[(page - 1) * per_page:page * per_page], len(found), page, per_page)


@bp.route("/taxonomies/<taxonomy_id>", methods=["GET", *OTHER_METHODS])
def taxonomy(taxonomy_id):
    """One taxonomy with all its terms."""
    _parameters(set())
    found = _publisher().taxonomy(taxonomy_id.strip().lower())
    if found is None:
        raise _NotFound(f"there is no taxonomy with id '{taxonomy_id}'")
    return _json(found)


@bp.route("/taxonomy_terms", methods=["GET", *OTHER_METHODS])
def taxonomy_terms():
    """A page of the terms of both taxonomies (taxonomy_id picks one)."""
    args = _parameters(LIST_PARAMETERS | {"taxonomy_id"})
    page, per_page = _pages(args)
    taxonomy_id = _uuid(args, "taxonomy_id")
    found = [term for term in _publisher().taxonomy_terms()
             if taxonomy_id is None or term["taxonomy_id"] == taxonomy_id]
    return _page(found[(page - 1) * per_page:page * per_page], len(found), page, per_page)


@bp.route("/taxonomy_terms/<term_id>", methods=["GET", *OTHER_METHODS])
def taxonomy_term(term_id):
    """One taxonomy term."""
    _parameters(set())
    found = _publisher().terms.get(term_id.strip().lower())
    if found is None:
        raise _NotFound(f"there is no taxonomy term with id '{term_id}'")
    return _json(found[2])


@bp.route("/<path:rest>", methods=["GET", *OTHER_METHODS])
def unknown(rest):
    """Anything else under the API answers 404 in JSON, not with the site's HTML page."""
    raise _NotFound(f"there is nothing at /api/oruk/v3/{rest}; see /api/oruk/v3/ and docs/api.md")

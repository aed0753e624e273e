"""Reading an Open Referral UK feed: JSON in; its records, in order, and its version out.

ORUK v1 feeds (still published by many hosted directory products) are a JSON array
of services, or a page object whose `content` array holds them.  ORUK v3 is a page
whose `contents` array holds them, or a single service.  `--format auto` tells them
apart by shape, and for a bare array by the fields its services use.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

V1 = "oruk-v1"
V3 = "oruk-v3"
FORMATS = ("auto", V1, V3)

# Fields only one version has: enough to tell a bare array of v1 services from v3 ones.
_V1_ONLY = {"pc_metadata", "pc_targetAudience", "deliverable_type", "attending_type",
            "attending_access", "regular_schedules", "holiday_schedules", "service_taxonomys",
            "eligibilitys", "fundings", "reviews"}
_V3_ONLY = {"attributes", "last_modified", "assurer_email", "alert", "schedules", "funding",
            "organization_id"}


class FeedError(Exception):
    """A feed that cannot be read at all: not JSON, or not shaped like an ORUK feed."""


@dataclass
class Feed:
    """The records of a feed in the order they came, its version, and notes on the whole."""

    format: str
    shape: str
    records: list
    notes: list = field(default_factory=list)


def read_feed(path, format="auto"):
    """Read the feed at path; raise FeedError if it is not JSON or not a feed."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise FeedError(f"{path} cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - raw.rfind(b"\n", 0, error.start)
        raise FeedError(f"{path} is not UTF-8 text (line {line}, column {column}): save it as "
                        "UTF-8, or ask for the feed in UTF-8") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FeedError(f"{path} is not JSON (line {error.lineno}, column {error.colno}: "
                        f"{error.msg})") from None
    except RecursionError:
        raise FeedError(f"{path} is not a feed: its JSON is nested thousands of levels "
                        "deep") from None
    except ValueError:  # Python refuses a number of more than 4,300 digits
        raise FeedError(f"{path} is not a feed: it has a number thousands of digits "
                        "long") from None
    return parse_feed(data, format, str(path))


def parse_feed(data, format="auto", name="the feed"):
    """Find the records in decoded JSON; raise FeedError if it is not shaped like a feed."""
    if format not in FORMATS:
        raise FeedError(f"unknown format '{format}': use one of {', '.join(FORMATS)}")
    if isinstance(data, list):
        found, shape, records = _guess(data), "a list of services", data
    elif isinstance(data, dict) and isinstance(data.get("contents"), list):
        found, shape, records = V3, "an ORUK v3 page ('contents')", data["contents"]
    elif isinstance(data, dict) and isinstance(data.get("content"), list):
        found, shape, records = V1, "an ORUK v1 page ('content')", data["content"]
    elif isinstance(data, dict) and isinstance(data.get("services"), list):
        organisation = {key: value for key, value in data.items() if key != "services"}
        found, shape = V3, "an ORUK v3 organisation with its services"
        records = [{"organization": organisation, **item} if isinstance(item, dict) else item
                   for item in data["services"]]
    elif isinstance(data, dict) and "id" in data and "name" in data:
        found, shape, records = V3, "a single ORUK v3 service", [data]
    else:
        kind = type(data).__name__ if not isinstance(data, dict) else "an object with " + (
            ", ".join(f"'{key}'" for key in list(data)[:5]) or "no fields")
        raise FeedError(f"{name} is JSON but not an Open Referral feed: it is {kind}; expected a "
                        "list of services, a page with 'content' (v1) or 'contents' (v3), or "
                        "a single service")
    kinds = {_kind(record) for record in records[:20]}
    if kinds == {"service_at_location"}:
        shape = shape.replace("page", "page of service_at_locations")
        records = _services_of_links(records)
    elif len(kinds) == 1 and kinds != {"service"}:
        plural = {"organisation": "organisations", "taxonomy": "taxonomies",
                  "taxonomy term": "taxonomy terms"}[kinds.pop()]
        raise FeedError(f"{name} holds {plural}, not services: import a services feed "
                        "(or an organisation with its 'services')")
    if format != "auto" and format != found and not isinstance(data, list):
        raise FeedError(f"{name} is {shape}, not {format}: use --format {found} or auto")
    feed = Feed(format if format != "auto" else found, shape, records)
    if isinstance(data, dict):
        page, pages = _page_of(data)
        if pages and pages > 1:
            feed.notes.append(f"this file is page {page or '?'} of {pages}: services on the "
                              "other pages will be reported as gone from the feed")
    return feed


def _guess(records):
    """v1 or v3 for a bare array, from the fields its first services use (v1 if unsure)."""
    v1 = v3 = 0
    for record in records[:50]:
        if isinstance(record, dict):
            keys = set(record)
            v1 += len(keys & _V1_ONLY)
            v3 += len(keys & _V3_ONLY)
            organisation = record.get("organization")
            if isinstance(organisation, dict):
                v3 += "website" in organisation
                v1 += "url" in organisation
    return V3 if v3 > v1 else V1


def _kind(record):
    """What an object of a feed is: a service, or something a services feed should not hold."""
    if not isinstance(record, dict) or {"status", "organization", "organization_id"} & set(record):
        return "service"
    keys = set(record)
    if isinstance(record.get("service"), dict) and "location" in keys:
        return "service_at_location"
    if {"logo", "website", "organization_identifiers"} & keys:
        return "organisation"
    if "taxonomy_terms" in keys or {"version", "uri"} <= keys:
        return "taxonomy"
    if {"term", "term_uri", "parent_id", "taxonomy", "vocabulary"} & keys:
        return "taxonomy term"
    return "service"


def _services_of_links(links):
    """Services from service_at_location objects: each with its locations gathered."""
    services = {}
    for link in links:
        service = dict(link["service"])
        key = str(service.get("id"))
        found = services.setdefault(key, {**service, "service_at_locations": []})
        found["service_at_locations"].append(
            {key: value for key, value in link.items() if key != "service"})
    return list(services.values())


def _page_of(data):
    """The page number and the number of pages a page object says it is, if it says."""
    def number(*keys):
        for key in keys:
            value = data.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        return None

    pages = number("total_pages", "totalPages")
    page = number("page_number")
    if page is None and isinstance(data.get("number"), int):
        page = data["number"] + 1  # v1 pages (Spring) count from 0
    return page, pages

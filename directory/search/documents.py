"""What goes into the search index: the schema, and the documents made from a service.

One document per service per language it is available in.  A document holds
its own language's text and the English text, so a search in Polish finds a
service by its Polish or English words.  `serves` lists the interface languages
for which this document is the one to show: the Polish document serves Polish
readers; the English one serves everyone whose language the entry is not
translated into.  Filtering on `serves` gives one document per service.
"""

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ..content.fields import ACCESSIBILITY, DELIVERY
from ..languages import language_name
from .analysis import plain_analyzer, stemmed_analyzer

SCHEMA_VERSION = 2

# Facets residents can filter on: the field, and how a value is named.
FACETS = ("category", "area", "format", "accessibility", "delivery", "free")


def make_schema(stem_languages):
    """The index schema, with a stemmed field for each language Whoosh can stem."""
    plain = plain_analyzer()
    fields = {
        "doc_id": ID(unique=True, stored=True),
        "slug": ID(stored=True),
        "language": ID(stored=True),
        "serves": KEYWORD(commas=True),
        "name": TEXT(analyzer=plain, field_boost=3.0, stored=True),
        "summary": TEXT(analyzer=plain, field_boost=1.5, stored=True),
        "body": TEXT(analyzer=plain, stored=True),
        "extra": TEXT(analyzer=plain),
        "name_sort": ID(sortable=True),
        "points": STORED(),
        "organisation": STORED(),
    }
    for facet in FACETS:
        fields[facet] = KEYWORD(commas=True, scorable=False, stored=True)
    for code in stem_languages:
        fields[f"stem_{code}"] = TEXT(analyzer=stemmed_analyzer(code), phrase=True)
    return Schema(**fields)


def available_formats(service):
    """The formats an entry can be had in, as facet values."""
    formats = []
    if getattr(service, "easy_read", None):
        formats.append("easy-read")
    if getattr(service, "bsl", None):
        formats.append("bsl")
    if getattr(service, "large_print", False):
        formats.append("large-print")
    formats += [f"lang-{code}" for code in sorted(getattr(service, "translations", {}) or {})]
    return formats


def _english_body(service):
    """The English text a resident reads: description, how to use it, who it is for."""
    return "\n".join(filter(None, [service.description, service.how_to_use, service.eligibility]))


def _english_extra(service, directory):
    """Words that find a service but are not worth quoting: organisation, categories, places."""
    parts = [service.organisation.name]
    parts += [directory.categories[c].name for c in service.categories if c in directory.categories]
    parts += [directory.area_name(a) for a in service.service_areas]
    for location in service.locations:
        parts += [location.name, location.address.town, location.address.postcode]
        parts += [str(ACCESSIBILITY[f]) for f in location.accessibility]
    parts += [str(DELIVERY[d]) for d in service.delivery]
    for code in service.languages:
        parts += [language_name(code, "en"), language_name(code, code)]
    return "\n".join(parts)


def service_documents(service, directory, offered, stem_languages):
    """The index documents for a service: English, and one per translation."""
    translations = getattr(service, "translations", {}) or {}
    english_body = _english_body(service)
    extra = _english_extra(service, directory)
    points = [(loc.latitude, loc.longitude) for loc in service.locations
              if loc.latitude is not None]
    free = "yes" if service.cost.free else "no"
    areas = list(service.service_areas) or [a.slug for a in directory.site.areas]
    shared = {
        "slug": service.slug,
        "points": points,
        "organisation": service.organisation.name,
        "category": ",".join(service.categories),
        "area": ",".join(areas),
        "format": ",".join(available_formats(service)),
        "accessibility": ",".join(sorted({f for loc in service.locations for f in loc.accessibility})),
        "delivery": ",".join(service.delivery),
        "free": free,
    }
    english_serves = [code for code in offered if code not in translations]
    documents = [{
        **shared,
        "doc_id": f"{service.slug}:en",
        "language": "en",
        "serves": ",".join(english_serves),
        "name": service.name,
        "summary": service.summary,
        "body": english_body,
        "extra": extra,
        "name_sort": service.name.casefold(),
        **({"stem_en": f"{service.name}\n{service.summary}\n{english_body}\n{extra}"}
           if "en" in stem_languages else {}),
    }]
    for code, translation in sorted(translations.items()):
        if code not in offered:
            continue
        body = translation.description
        document = {
            **shared,
            "doc_id": f"{service.slug}:{code}",
            "language": code,
            "serves": code,
            "name": translation.name,
            "summary": translation.summary,
            "body": body,
            "extra": "\n".join([service.name, service.summary, english_body, extra]),
            "name_sort": translation.name.casefold(),
        }
        if "en" in stem_languages:
            document["stem_en"] = f"{service.name}\n{service.summary}\n{english_body}\n{extra}"
        if code in stem_languages:
            document[f"stem_{code}"] = f"{translation.name}\n{translation.summary}\n{translation.description}"
        documents.append(document)
    return documents

"""What goes into the search index: the schema, and the documents made from a service.

One document per service per language it is available in, each holding only
that language's text.  The documents of a service are written as one block, in
the order of the site's languages (English first), with an empty placeholder
where the service has no translation: so document number d is always in
language slot d % len(languages).  The engine uses that to move a match on a
service's English document to its translation with a bit shift, and to count
services, not documents, with bitsets (see engine.py).  Blocks stay whole
through updates and merges, because a service's documents are always deleted
and added together.
"""

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ..content.fields import ACCESSIBILITY, DELIVERY
from ..languages import language_name
from .analysis import plain_analyzer, stemmed_analyzer

SCHEMA_VERSION = 6
PLACEHOLDER = "-"

# Facets residents can filter on.
FACETS = ("category", "area", "format", "accessibility", "delivery", "free")


def make_schema(stem_languages):
    """The index schema, with a stemmed field for each language Whoosh can stem."""
    plain = plain_analyzer()
    fields = {
        "doc_id": ID(unique=True, stored=True),
        "slug": ID(stored=True),
        "language": ID(stored=True),
        # Words as typed: the name always; the rest of the text for languages Whoosh cannot
        # stem.  Languages it can stem keep their text stemmed only, with the words as
        # typed in a spelling list for typos.  No word positions: a phrase is checked
        # against the stored words of its few candidates.
        "name": TEXT(analyzer=plain, field_boost=3.0, stored=True, phrase=False),
        "text": TEXT(analyzer=plain, phrase=False),
        "name_sort": ID(sortable=True),
        "summary": STORED(),
        "body": STORED(),
        "points": STORED(),
        "organisation": STORED(),
    }
    for facet in FACETS:
        fields[facet] = KEYWORD(commas=True, scorable=False)
    for code in stem_languages:
        fields[f"stem_{code}"] = TEXT(analyzer=stemmed_analyzer(code), phrase=False, spelling=True)
    return Schema(**fields)


def available_formats(service):
    """The formats an entry can be had in, as facet values."""
    formats = []
    if getattr(service, "easy_read", None):
        formats.append("easy-read")
    if getattr(service, "bsl", None):
        formats.append("bsl")
    if getattr(service, "large_print", True):
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


def _translated_extra(service, directory, code):
    """Category names in the translation's language, so its readers find them too."""
    names = []
    for slug in service.categories:
        category = directory.categories.get(slug)
        translation = (getattr(category, "translations", None) or {}).get(code) if category else None
        if translation is not None:
            names.append(translation.name)
    return "\n".join(names + [language_name(c, code) for c in service.languages])


def service_documents(service, directory, offered, stem_languages):
    """The block of index documents for a service: one per offered language, in order."""
    translations = getattr(service, "translations", {}) or {}
    points = [(loc.latitude, loc.longitude) for loc in service.locations
              if loc.latitude is not None]
    areas = list(service.service_areas) or [a.slug for a in directory.site.areas]
    # What is the same in every language is written once, on the English document; the
    # engine shifts it to the other slots of the block when it needs to.
    shared = {
        "points": points,
        "category": ",".join(service.categories),
        "area": ",".join(areas),
        "format": ",".join(available_formats(service)),
        "accessibility": ",".join(sorted({f for loc in service.locations for f in loc.accessibility})),
        "delivery": ",".join(service.delivery),
        "free": "yes" if service.cost.free else "no",
    }
    block = []
    for code in offered:
        if code == "en":
            name, summary, body = service.name, service.summary, _english_body(service)
            extra = _english_extra(service, directory)
        elif code in translations:
            translation = translations[code]
            name, summary, body = translation.name, translation.summary, translation.description
            extra = _translated_extra(service, directory, code)
        else:
            block.append({"doc_id": f"{service.slug}:{code}", "slug": service.slug,
                          "language": PLACEHOLDER})
            continue
        document = {
            **(shared if code == "en" else {}),
            "doc_id": f"{service.slug}:{code}",
            "slug": service.slug,
            "organisation": service.organisation.name,
            "language": code,
            "name": name,
            "name_sort": name.casefold(),
            "summary": summary,
            "body": body,
        }
        if code in stem_languages:
            document[f"stem_{code}"] = f"{name}\n{summary}\n{body}\n{extra}"
        else:
            document["text"] = f"{summary}\n{body}\n{extra}"
        block.append(document)
    return block

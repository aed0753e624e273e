"""The taxonomies the API publishes, and the ids of what ORUK needs an id for.

ORUK v3 wants a uuid for every object (a location, a phone, an attribute...) where
the content files have none, so each is a uuid5 of a stable name: the same content
always gets the same ids.  Two taxonomies are published at /api/oruk/v3/taxonomies:
the site's categories (taxonomy.yaml) and the formats an entry is available in
(easy read, BSL video, large print, translations), for which ORUK has no field.
"""

import uuid

NAMESPACE = uuid.UUID("5d0e6f8a-2b7c-4c3e-9a1d-8f4b2e6c7a93")
FORMATS_LINK_TYPE = "available_format"
CATEGORY_LINK_TYPE = "category"

FORMATS = {
    "easy-read": ("Easy read",
                  "An easy read version: short sentences with pictures, on the web and printed."),
    "bsl": ("British Sign Language (BSL) video",
            "A British Sign Language video of the entry, with English captions and a transcript."),
    "large-print": ("Large print",
                    "A large print leaflet (PDF) of the entry, to print or read on screen."),
}


def make_id(*parts):
    """A uuid that is always the same for the same parts."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


CATEGORIES_TAXONOMY_ID = make_id("taxonomy", "categories")
FORMATS_TAXONOMY_ID = make_id("taxonomy", "formats")


def category_term_id(slug):
    """The taxonomy term id of a category of taxonomy.yaml."""
    return make_id("category", slug)


def format_term_id(code):
    """The taxonomy term id of a format: easy-read, bsl, large-print or lang-<code>."""
    return make_id("format", code)


def format_terms(site):
    """Every format an entry can be available in: code -> (name, description)."""
    terms = dict(FORMATS)
    for language in site.languages:
        if language.code != "en":
            terms[f"lang-{language.code}"] = (
                f"Translated into {language.name}",
                f"The entry is translated into {language.name} ({language.endonym}).")
    return terms

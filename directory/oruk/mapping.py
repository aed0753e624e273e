"""One feed record -> the fields of a service.yaml, with what was wrong with the record.

Each field is cleaned (clean.py) and checked with the content format's own kinds
(content/schema.py), so what is written loads with no errors; a value that cannot
be used is left out and said so.  A record that cannot make an entry at all (no
name, no description, no category...) is skipped with its reasons.  Staff details
in a feed's metadata (`pc_metadata.assured_by`, `assurer_email`) are never read.
"""

import datetime
import json
import re
import uuid
from dataclasses import dataclass, field

from babel import Locale

from ..content import fields
from ..languages import is_known
from . import terms
from .clean import first_sentence, fit, plain_text
from .feed import V1
from .places import places
from .reading import Reader, items

# Ids for records whose feed id is not a uuid (many v1 feeds number their services).
FEED_NAMESPACE = uuid.UUID("9c7b1e24-3f5a-4d8e-b6a2-0e1f7c4d5b38")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# The fields of a service each version has (read, or deliberately left out); any
# other field is reported as unknown.
KNOWN = {
    "oruk-v1": {
        "id", "name", "description", "url", "email", "status", "fees", "accreditations",
        "deliverable_type", "attending_type", "attending_access", "assured_date",
        "organization", "pc_metadata", "pc_targetAudience", "contacts", "cost_options",
        "eligibilitys", "languages", "regular_schedules", "holiday_schedules", "service_areas",
        "service_at_locations", "service_taxonomys", "fundings", "reviews",
        "interpretation_services", "application_process", "wait_time", "alternate_name",
    },
    "oruk-v3": {
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
        "email", "status", "interpretation_services", "application_process", "fees_description",
        "fees", "wait_time", "accreditations", "eligibility_description", "minimum_age",
        "maximum_age", "assured_date", "assurer_email", "licenses", "alert", "last_modified",
        "phones", "schedules", "service_areas", "service_at_locations", "languages",
        "organization", "funding", "cost_options", "program", "required_documents", "contacts",
        "capacities", "attributes", "metadata",
    },
}

STATUSES = {"active": "active", "inactive": "inactive", "defunct": "inactive",
            "temporarily closed": "temporarily_closed", "temporarily_closed": "temporarily_closed"}
DELIVERY_WORDS = [
    ("in_person", re.compile(r"in[- ]?person|venue|face[- ]to[- ]face|drop[- ]?in|centre|building",
                             re.I)),
    ("home_visit", re.compile(r"\bhome\b", re.I)),
    ("phone", re.compile(r"phone", re.I)),
    ("online", re.compile(r"online|virtual|video|web|remote|internet", re.I)),
]
FREE = re.compile(r"(it is |this service is |the service is )?(free( of charge)?|no charges?|"
                  r"none|no fees?|n/?a|nil|0|£0(\.00)?)\.?", re.I)
# The fields that hold a list of objects: anything else there is reported and left out.
LISTS = {"phones", "contacts", "schedules", "regular_schedules", "holiday_schedules",
         "service_at_locations", "service_areas", "attributes",
         "service_taxonomys", "cost_options", "eligibilitys"}
# Names councils use that are not the English names CLDR gives (Bangla, Persian...).
EXTRA_LANGUAGES = {"british sign language": "bfi", "bsl": "bfi", "sylheti": "syl",
                   "romani": "rom", "bengali": "bn", "farsi": "fa", "dari": "fa",
                   "mandarin": "zh", "panjabi": "pa", "sorani": "ckb", "kurdish sorani": "ckb",
                   "kurmanji": "kmr", "kurdish kurmanji": "kmr"}


@dataclass
class Context:
    """What every record is mapped against: the site's taxonomy, areas and postcodes."""

    site: object
    categories: dict
    postcodes: dict
    today: datetime.date
    default_category: str | None = None

    def __post_init__(self):
        # Lookups for mapping taxonomy terms, made once for the whole feed.
        self.category_ids = {terms.category_term_id(slug): slug for slug in self.categories}
        self.category_names = {}
        for slug, category in self.categories.items():
            self.category_names[slug] = self.category_names[category.name.casefold()] = slug
        self.format_ids = {terms.format_term_id(code) for code in terms.format_terms(self.site)}


@dataclass
class Mapped:
    """The fields of one entry made from a record, or the reasons it was skipped."""

    position: int
    feed_id: str | None = None
    id: str | None = None
    fields: dict | None = None
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    unknown: list = field(default_factory=list)

    def note(self, where, message):
        """Something wrong with one field, that the import worked round."""
        self.notes.append((where, message))

    def skip(self, reason):
        """Something that stops the record making an entry."""
        self.skipped.append(reason)


def feed_id_of(record):
    """The record's id as text (a uuid in lower case), or None if it has none."""
    value = record.get("id") if isinstance(record, dict) else None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text.lower() if UUID.fullmatch(text.lower()) else (text or None)


def entry_id(feed_id):
    """The entry's ORUK id: the feed's own if it is a uuid, else one made from it."""
    return feed_id if UUID.fullmatch(feed_id) else str(uuid.uuid5(FEED_NAMESPACE, feed_id))


def map_record(record, position, fmt, context, existing=None):
    """Map one record (at its 1-based position in the feed) to a Mapped."""
    out = Mapped(position)
    if not isinstance(record, dict):
        out.skip(f"is {_json_kind(record)}, not a service (an object with an id, a name...)")
        return out
    out.unknown = sorted(str(key) for key in record if key not in KNOWN[fmt])
    out.feed_id = feed_id_of(record)
    if out.feed_id is None:
        given = record.get("id")
        out.skip("has no id, so a later import could not find its entry again"
                 if given is None or (isinstance(given, str) and not given.strip()) else
                 f"has an id that is not text or a whole number ({json.dumps(given)[:40]}), "
                 "so a later import could not find its entry again")
        return out
    if len(out.feed_id) > 200:
        out.skip("has an id longer than 200 characters")
        return out
    out.id = entry_id(out.feed_id)
    reader = Reader(out)
    for key in sorted(LISTS & set(record)):
        if record[key] is not None and not isinstance(record[key], list):
            out.note(key, "should be a list; left out")
    data = {"id": out.id, "feed_id": out.feed_id}

    data["name"] = reader.text(record, "name", 120)
    if not data["name"]:
        out.skip("has no name")
    data["description"] = reader.description(record.get("description"))
    if not data["description"]:
        out.skip("has no description")
    data["summary"] = (reader.text(record, "summary", 200)
                       or first_sentence(data["description"], 200))
    data["organisation"] = _organisation(reader, record.get("organization"), out)
    data["status"] = _status(reader, record.get("status"))
    data["url"] = reader.url(record.get("url"), "url")
    data["email"] = reader.email(record.get("email"), "email")
    data["phones"], data["contacts"] = _phones_and_contacts(reader, record, data)
    data["how_to_use"] = reader.text(record, "application_process", 1000, multiline=True) or (
        reader.text(record, "attending_access", 1000) if fmt == V1 else None)
    data["locations"], data["schedules"] = places(reader, record, context)
    data["cost"] = _cost(reader, record)
    data["eligibility"] = _eligibility(reader, record, fmt)
    data["minimum_age"], data["maximum_age"] = _ages(reader, record, fmt)
    data["service_areas"] = _areas(reader, record, context)
    data["languages"] = _languages(reader, record)
    data["categories"] = _categories(reader, record, fmt, context, existing, out)
    data["delivery"] = _delivery(record, fmt, data)
    data["previous_slugs"] = existing.previous_slugs() if existing else []
    data["last_reviewed"] = _reviewed(reader, record, context, existing)
    if data["url"] is None and data["email"] is None and not (
            data["phones"] or data["contacts"] or data["locations"]):
        out.skip("gives no way to contact the service (no phone, e-mail, website or address)")
    if out.skipped:
        return out
    out.fields = {name: data[name] for name in fields.SERVICE.fields
                  if data.get(name) not in (None, [], "")}
    if out.fields.get("languages") == ["en"]:
        del out.fields["languages"]
    problems = []
    fields.SERVICE.check(out.fields, (), lambda path, message: problems.append(
        f"{'.'.join(map(str, path))}: {message}"))
    for problem in problems:  # a safety net: every field above is checked as it is read
        out.skip(f"would not load: {problem}")
    if out.skipped:
        out.fields = None
    return out


def _json_kind(value):
    """What a JSON value is, in words: text, a number, a list..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return {str: "text", int: "a number", float: "a number", list: "a list"}.get(
        type(value), "not an object")


def _organisation(reader, value, out):
    if not isinstance(value, dict):
        out.skip("has no organisation")
        return None
    name = reader.text(value, "name", 120, "organization.name")
    if not name:
        out.skip("its organisation has no name")
        return None
    organisation = {"name": name,
                    "url": reader.url(value.get("website") or value.get("url"), "organization.website")}
    for identifier in items(value.get("organization_identifiers")):
        number = plain_text(identifier.get("identifier"))
        if (str(identifier.get("identifier_scheme", "")).strip().upper() == "GB-CHC"
                and number and len(number) <= 20):
            organisation["charity_number"] = number
    return {key: item for key, item in organisation.items() if item}


def _status(reader, value):
    word = (plain_text(value) or "active").casefold()
    if word not in STATUSES:
        reader.out.note("status", "is not active, inactive, defunct or temporarily closed; "
                        "read as active")
    return STATUSES.get(word, "active")


def _phones_and_contacts(reader, record, data):
    phones, contacts, seen = [], [], set()

    def phone_list(value, where):
        found = []
        for index, item in enumerate(items(value)):
            number = reader.phone(item.get("number"), f"{where}[{index}].number")
            if number and number not in seen:
                seen.add(number)
                phone = {"number": number}
                if number.startswith("18001"):
                    phone["type"] = "textphone"
                label = reader.text(item, "description", 80, f"{where}[{index}].description")
                if label:
                    phone["label"] = label
                found.append(phone)
        return found

    phones += phone_list(record.get("phones"), "phones")
    for index, contact in enumerate(items(record.get("contacts"))):
        where = f"contacts[{index}]"
        own = phone_list(contact.get("phones"), f"{where}.phones")
        name = reader.text(contact, "name", 100, f"{where}.name")
        email = reader.email(contact.get("email"), f"{where}.email")
        if name:
            entry = {"name": name, "role": reader.text(contact, "title", 100, f"{where}.title"),
                     "email": email, "phones": own}
            contacts.append({key: value for key, value in entry.items() if value})
        else:  # a contact with no name is the service's own phone or e-mail
            phones += own
            data["email"] = data["email"] or email
    return phones, contacts


def _cost(reader, record):
    fees = reader.text(record, "fees", 400) or reader.text(record, "fees_description", 400)
    charges = []
    for index, option in enumerate(items(record.get("cost_options"))):
        amount = reader.number(option.get("amount"), f"cost_options[{index}].amount")
        if amount:
            words = [plain_text(option.get("option")), f"£{amount:,.2f}".replace(".00", ""),
                     plain_text(option.get("amount_description"))]
            charges.append(" ".join(word for word in words if word))
    free = (not fees or bool(FREE.fullmatch(fees))) and not charges
    described = [text for text in [fees if fees and not FREE.fullmatch(fees) else None] + charges
                 if text]
    cost = {"free": free}
    if described:
        cost["description"] = fit(". ".join(d.rstrip(".") for d in described) + ".", 400)
    return cost


def _eligibility(reader, record, fmt):
    text = reader.text(record, "eligibility_description", 600, multiline=True)
    if text or fmt != V1:
        return text
    words = [plain_text(item.get("eligibility")) for item in items(record.get("eligibilitys"))]
    return fit(", ".join(word for word in words if word), 600) or None


def _ages(reader, record, fmt):
    source = record
    if fmt == V1 and "minimum_age" not in record:
        source = next(iter(items(record.get("eligibilitys"))), {})
    ages = []
    for key in ("minimum_age", "maximum_age"):
        number = reader.number(source.get(key), key)
        if number is not None and (number != int(number) or not 0 <= number <= 120):
            reader.out.note(key, "is not a whole number of years from 0 to 120; left out")
            number = None
        ages.append(int(number) if number is not None else None)
    if None not in ages and ages[0] > ages[1]:
        reader.out.note("maximum_age", "is less than minimum_age; both are left out")
        return None, None
    return ages


def _areas(reader, record, context):
    names = {area.name.casefold(): area.slug for area in context.site.areas}
    names.update({area.slug: area.slug for area in context.site.areas})
    found = []
    for index, item in enumerate(items(record.get("service_areas"))):
        text = plain_text(item.get("name")) or plain_text(item.get("service_area"))
        if not text:
            continue
        slug = names.get(text.casefold())
        if slug is None:
            reader.out.note(f"service_areas[{index}]", "is not an area in site.yaml; left out")
        elif slug not in found:
            found.append(slug)
    return found


_LANGUAGE_NAMES = None


def _language_code(text):
    global _LANGUAGE_NAMES
    if _LANGUAGE_NAMES is None:
        # Only codes the content format takes ([a-z]{2,3}: "fa", not "fa_AF" for Dari).
        _LANGUAGE_NAMES = {name.casefold(): code for code, name in
                           sorted(Locale("en").languages.items(), key=lambda item: -len(item[0]))
                           if re.fullmatch(r"[a-z]{2,3}", code)}
        _LANGUAGE_NAMES.update(EXTRA_LANGUAGES)
    word = text.strip()
    tag = re.fullmatch(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*", word)  # pl, en-GB, zh_Hant
    if tag and is_known(tag.group(1).lower()):
        return tag.group(1).lower()
    code = _LANGUAGE_NAMES.get(word.casefold())
    return code if code and is_known(code) else None  # as the loader checks (no 'tlh')


def _languages(reader, record):
    codes, given = ["en"], record.get("languages")
    if isinstance(given, str):  # "English, Polish", as some feeds send them
        given = [word for word in re.split(r"[,;/]| and ", given) if word.strip()]
    for index, item in enumerate(given if isinstance(given, list) else []):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            continue
        texts = [plain_text(item.get(key)) for key in ("code", "name", "language")]
        texts = [text for text in texts if text]
        if not texts:
            continue
        code = next((c for c in map(_language_code, texts) if c), None)
        if code is None:
            reader.out.note(f"languages[{index}]", "is not a language we know; left out")
        elif code not in codes:
            codes.append(code)
    return codes


def _terms(record, fmt):
    """The taxonomy terms a record is classified with: [(id, name, term)]."""
    found = []
    for item in items(record.get("attributes")):
        term = item.get("taxonomy_term")
        term = term if isinstance(term, dict) else {"id": item.get("taxonomy_term_id")}
        found.append(term)
    for item in items(record.get("service_taxonomys")):
        if isinstance(item.get("taxonomy"), dict):
            found.append(item["taxonomy"])
    for item in items(record.get("taxonomy_terms")):
        found.append(item)
    return [(str(t.get("id") or "").strip().lower(), plain_text(t.get("name")) or "",
             plain_text(t.get("term")) or "") for t in found]


def _categories(reader, record, fmt, context, existing, out):
    by_id, by_name, formats = context.category_ids, context.category_names, context.format_ids
    slugs, unmapped = [], []
    for term_id, name, term in _terms(record, fmt):
        if term_id in formats:
            continue
        slug = by_id.get(term_id) or next(
            (by_name[key] for key in (name.casefold(), term.casefold(), _slug(name), _slug(term))
             if key in by_name), None)
        if slug is None:
            unmapped.append(name or term or term_id)
        elif slug not in slugs:
            slugs.append(slug)
    if slugs:
        return slugs
    kept = [slug for slug in (existing.categories() if existing else [])
            if slug in context.categories]
    if kept:
        return kept
    if context.default_category:
        return [context.default_category]
    if unmapped:
        which = ", ".join(f"'{name}'" for name in unmapped[:5])
        out.skip(f"has no category: none of its taxonomy terms ({which}) is a category in "
                 "taxonomy.yaml; give --default-category")
    else:
        out.skip("has no category: it has no taxonomy terms; give --default-category")
    return []


def _delivery(record, fmt, data):
    said = []
    for key in ("attending_type", "deliverable_type"):
        if isinstance(record.get(key), str):
            said.append(record[key])
    for item in items(record.get("schedules")) + items(record.get("regular_schedules")):
        if isinstance(item.get("attending_type"), str):
            said.append(item["attending_type"])
    words = " ".join(said)
    found = {mode for mode, pattern in DELIVERY_WORDS if pattern.search(words)}
    if not data["locations"]:
        found.discard("in_person")
    if not found:
        if data["locations"]:
            found.add("in_person")
        elif data["phones"] or any(c.get("phones") for c in data["contacts"]):
            found.add("phone")
        elif data["url"] or data["email"] or data["contacts"]:
            found.add("online")
    return [mode for mode in fields.DELIVERY if mode in found]


def _date(value):
    text = plain_text(value) if isinstance(value, str) else None
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _reviewed(reader, record, context, existing):
    metadata = record.get("pc_metadata") if isinstance(record.get("pc_metadata"), dict) else {}
    for value in (record.get("assured_date"), metadata.get("date_assured"),
                  record.get("last_modified"), metadata.get("date_modified")):
        found = _date(value)
        if found is not None:
            if found > context.today:
                reader.out.note("assured_date", "is in the future; today's date is used")
                return context.today
            return found
    kept = existing.last_reviewed() if existing else None
    return kept or context.today


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")

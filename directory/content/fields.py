"""The fields of each content file: service.yaml, site.yaml and taxonomy.yaml.

This is the one place the format is declared.  docs/content-guide.md explains it
to council officers; tests/test_content_guide.py keeps the two in step.  Field
names follow the Open Referral UK v3 service model where it has one.
"""

from flask_babel import lazy_gettext as _l

from .schema import (
    URL, Boolean, Choice, Date, Email, Field, Integer, ListOf, Number, Phone,
    Postcode, Record, Slug, Text, Time, Translations,
)

# Vocabularies: the words used in files, and the labels residents see.
ACCESSIBILITY = {
    "step_free_access": _l("Step-free access"),
    "lift": _l("Lift to all floors"),
    "accessible_toilet": _l("Accessible toilet"),
    "changing_places_toilet": _l("Changing Places toilet"),
    "hearing_loop": _l("Hearing loop"),
    "bsl_interpreter_on_site": _l("British Sign Language (BSL) interpreter on site"),
    "bsl_interpreter_on_request": _l("British Sign Language (BSL) interpreter if you ask"),
    "accessible_parking": _l("Blue Badge parking"),
    "assistance_dogs_welcome": _l("Assistance dogs welcome"),
    "quiet_space": _l("Quiet room or space"),
    "large_print_materials": _l("Large print information"),
    "easy_read_materials": _l("Easy read information"),
    "wheelchair_available": _l("Wheelchair you can borrow"),
    "seating_while_waiting": _l("Seats while you wait"),
    "interpreter_on_request": _l("Spoken language interpreter if you ask"),
}

DAYS = {
    "monday": _l("Monday"),
    "tuesday": _l("Tuesday"),
    "wednesday": _l("Wednesday"),
    "thursday": _l("Thursday"),
    "friday": _l("Friday"),
    "saturday": _l("Saturday"),
    "sunday": _l("Sunday"),
}

DELIVERY = {
    "in_person": _l("In person"),
    "home_visit": _l("Visits you at home"),
    "phone": _l("By phone"),
    "online": _l("Online"),
}

PHONE_TYPES = {
    "voice": _l("Phone"),
    "text": _l("Text message"),
    "textphone": _l("Textphone or Relay UK"),
    "video_relay": _l("BSL video relay"),
    "fax": _l("Fax"),
}

STATUSES = ("active", "inactive", "temporarily_closed")


def _schedule_times(entry, path, report):
    if (entry.opens is None) != (entry.closes is None):
        report(path, "give both 'opens' and 'closes', or neither")
        return False
    if entry.opens and entry.opens >= entry.closes:
        report(path + ("closes",), f"closes at {entry.closes}, which is not after it opens ({entry.opens})")
        return False
    if not entry.days and not entry.note:
        report(path, "give the 'days' it is open, or a 'note' such as 'By appointment'")
        return False
    return True


def _age_range(entry, path, report):
    if entry.minimum_age is not None and entry.maximum_age is not None:
        if entry.minimum_age > entry.maximum_age:
            report(path + ("maximum_age",), "is less than minimum_age")
            return False
    return True


SCHEDULE = Record(
    "an opening time",
    {
        "days": Field(ListOf(Choice(*DAYS), unique=True)),
        "opens": Field(Time()),
        "closes": Field(Time()),
        "note": Field(Text(max_length=200), help="For example: Closed on bank holidays"),
    },
    check_whole=_schedule_times,
)

PHONE = Record(
    "a phone number",
    {
        "number": Field(Phone(), required=True),
        "type": Field(Choice(*PHONE_TYPES), default="voice"),
        "label": Field(Text(max_length=80), help="What the number is for: Advice line"),
    },
)

ADDRESS = Record(
    "an address",
    {
        "line1": Field(Text(max_length=100), required=True),
        "line2": Field(Text(max_length=100)),
        "town": Field(Text(max_length=60), required=True),
        "postcode": Field(Postcode(), required=True),
    },
)

LOCATION = Record(
    "a location",
    {
        "name": Field(Text(max_length=120), required=True),
        "address": Field(ADDRESS, required=True),
        "latitude": Field(Number(49.0, 61.0)),
        "longitude": Field(Number(-9.0, 2.5)),
        "directions": Field(Text(max_length=400, multiline=True),
                            help="How to get there: buses, parking, which door"),
        "accessibility": Field(ListOf(Choice(*ACCESSIBILITY), unique=True)),
        "accessibility_notes": Field(Text(max_length=400, multiline=True)),
        "schedules": Field(ListOf(SCHEDULE)),
    },
)

CONTACT = Record(
    "a contact",
    {
        "name": Field(Text(max_length=100), required=True),
        "role": Field(Text(max_length=100)),
        "email": Field(Email()),
        "phones": Field(ListOf(PHONE)),
    },
)

SERVICE = Record(
    "a service",
    {
        "id": Field(Text(pattern=r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                         pattern_help="is not an id like 6f1c2a2e-4b1d-4e6b-9a63-2f0d3e6c9b11"),
                    help="Open Referral id; made from the folder name if left out"),
        # The entry's id in the Open Referral UK feed it is imported from (directory/oruk/).
        "feed_id": Field(Text(max_length=200),
                         help="Id in the feed it is imported from; written by directory import"),
        "name": Field(Text(max_length=120), required=True),
        "summary": Field(Text(max_length=200), required=True,
                         help="One sentence shown in lists and search results"),
        "description": Field(Text(max_length=5000, multiline=True), required=True),
        "organisation": Field(Record("an organisation", {
            "name": Field(Text(max_length=120), required=True),
            "url": Field(URL()),
            "charity_number": Field(Text(max_length=20)),
        }), required=True),
        "status": Field(Choice(*STATUSES), default="active"),
        "categories": Field(ListOf(Slug(), min_items=1, unique=True), required=True),
        "delivery": Field(ListOf(Choice(*DELIVERY), min_items=1, unique=True), required=True),
        "url": Field(URL()),
        "email": Field(Email()),
        "phones": Field(ListOf(PHONE)),
        "contacts": Field(ListOf(CONTACT)),
        "how_to_use": Field(Text(max_length=1000, multiline=True),
                            help="How to get the service: referral, drop in, phone first"),
        "locations": Field(ListOf(LOCATION)),
        "schedules": Field(ListOf(SCHEDULE), help="Opening times of phone lines or online help"),
        "cost": Field(Record("a cost", {
            "free": Field(Boolean(), required=True),
            "description": Field(Text(max_length=400, multiline=True)),
        }), required=True),
        "eligibility": Field(Text(max_length=600, multiline=True),
                             help="Who the service is for"),
        "minimum_age": Field(Integer(0, 120)),
        "maximum_age": Field(Integer(0, 120)),
        "service_areas": Field(ListOf(Slug(), unique=True),
                               help="Areas of the borough it covers; leave out for the whole borough"),
        "languages": Field(ListOf(Text(max_length=3, pattern=r"[a-z]{2,3}",
                                       pattern_help="is not a language code like en, bn or bfi"),
                                  unique=True), default=["en"]),
        "previous_slugs": Field(ListOf(Slug(), unique=True),
                                help="Old web addresses of this entry, so printed links still work"),
        "last_reviewed": Field(Date(), required=True),
    },
    check_whole=_age_range,
)

LANGUAGE = Record(
    "a language",
    {
        "code": Field(Text(max_length=3, pattern=r"[a-z]{2,3}",
                           pattern_help="is not a language code like en or bn"), required=True),
        "name": Field(Text(max_length=40), required=True, help="The name in English"),
        "endonym": Field(Text(max_length=40), required=True, help="The name in the language"),
        "direction": Field(Choice("ltr", "rtl"), default="ltr"),
        "font": Field(Text(max_length=60), default="Noto Sans"),
        # Print: how much larger than Latin the script is set to read as large (Nastaliq
        # and Naskh are small for their size), and the least line height its glyphs need
        # (the font's ascent plus descent, in em) so that lines never overlap.
        "print_scale": Field(Number(0.5, 2.0), default=1.0),
        "print_line_height": Field(Number(1.0, 4.0), default=1.0),
    },
)

SITE = Record(
    "the site settings",
    {
        "council": Field(Text(max_length=120), required=True),
        "borough": Field(Text(max_length=80), required=True,
                         help="The place, as residents name it: Brackenford"),
        "service_name": Field(Text(max_length=80), required=True),
        "phone": Field(Phone(), required=True),
        "textphone": Field(Phone()),
        "email": Field(Email(), required=True),
        "website": Field(URL()),
        "address": Field(ADDRESS, required=True),
        "contact_hours": Field(Text(max_length=200), required=True),
        "languages": Field(ListOf(LANGUAGE, min_items=1), required=True),
        "translations": Field(Translations(Record("the site's words in another language", {
            "service_name": Field(Text(max_length=80), required=True),
            "contact_hours": Field(Text(max_length=200), required=True),
        })), default={}, help="service_name and contact_hours in each other language"),
        "areas": Field(ListOf(Record("an area", {
            "slug": Field(Slug(), required=True),
            "name": Field(Text(max_length=60), required=True),
        }), min_items=1), required=True),
    },
)

CATEGORY = Record(
    "a category",
    {
        "slug": Field(Slug(), required=True),
        "name": Field(Text(max_length=60), required=True),
        "description": Field(Text(max_length=300), required=True),
        "group": Field(Choice("adult-social-care", "community-support"), required=True),
        "translations": Field(Translations(Record("a category in another language", {
            "name": Field(Text(max_length=60), required=True),
            "description": Field(Text(max_length=300), required=True),
        })), default={}, help="name and description in each other language"),
    },
)

TAXONOMY = Record(
    "the taxonomy",
    {"categories": Field(ListOf(CATEGORY, min_items=1), required=True)},
)

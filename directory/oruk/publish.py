"""The loaded content as Open Referral UK v3 JSON: services, locations and taxonomies.

Field by field, content/fields.py already follows ORUK v3, so most of this is
renaming (`town` -> `city`, `temporarily_closed` -> `temporarily closed`) and
giving each nested object the id ORUK wants (terms.make_id).  What ORUK has no
field for, the formats an entry is available in, is published as `attributes`
linking the service to the terms of the "Accessible formats" taxonomy; its
categories are attributes linked to the "categories" taxonomy.  Service phones,
and language names and codes, are HSDS 3 fields the UK profile leaves out.
"""

from ..content.fields import ACCESSIBILITY
from ..languages import language_name
from ..search.documents import available_formats
from . import terms

STATUS = {"active": "active", "inactive": "inactive", "temporarily_closed": "temporarily closed"}
PHONE_TYPES = {"voice": "voice", "text": "text", "textphone": "textphone",
               "video_relay": "video", "fax": "fax"}
DAY_CODES = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
             "friday": "FR", "saturday": "SA", "sunday": "SU"}
PROFILE = "https://raw.githubusercontent.com/openreferral/uk-profile/main"


def _present(mapping):
    """The mapping without empty values: ORUK fields are left out, never null."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [])}


class Publisher:
    """Makes ORUK v3 objects of one loaded Directory, for one site address."""

    def __init__(self, directory, site_url):
        self.directory = directory
        self.site_url = site_url.rstrip("/")
        site = directory.site
        self.category_taxonomy = {
            "id": terms.CATEGORIES_TAXONOMY_ID,
            "name": f"{site.service_name} categories",
            "description": "The categories residents browse the directory by.",
            "uri": f"{self.site_url}/",
            "version": directory.site_fingerprint,
        }
        self.format_taxonomy = {
            "id": terms.FORMATS_TAXONOMY_ID,
            "name": "Accessible formats",
            "description": "The formats an entry is available in besides its web page: easy "
                           "read, a British Sign Language video, large print, translations.",
            "uri": f"{self.site_url}/api/oruk/v3/taxonomies/{terms.FORMATS_TAXONOMY_ID}",
            "version": "1",
        }
        self.terms = {}
        for slug, category in directory.categories.items():
            self.terms[terms.category_term_id(slug)] = ("category", slug, {
                "id": terms.category_term_id(slug), "name": category.name,
                "description": category.description, "term": slug,
                "taxonomy": self.category_taxonomy["name"],
                "taxonomy_id": terms.CATEGORIES_TAXONOMY_ID,
                "term_uri": f"{self.site_url}/categories/{slug}"})
        for code, (name, description) in terms.format_terms(site).items():
            self.terms[terms.format_term_id(code)] = ("format", code, {
                "id": terms.format_term_id(code), "name": name, "description": description,
                "term": code, "taxonomy": self.format_taxonomy["name"],
                "taxonomy_id": terms.FORMATS_TAXONOMY_ID})

    # Taxonomies -----------------------------------------------------------------------

    def taxonomies(self):
        """Both taxonomies, without their terms (as /taxonomies lists them)."""
        return [self.category_taxonomy, self.format_taxonomy]

    def taxonomy(self, taxonomy_id):
        """One taxonomy with its terms, or None."""
        found = next((t for t in self.taxonomies() if t["id"] == taxonomy_id), None)
        if found is None:
            return None
        return {**found, "taxonomy_terms": [term for _, _, term in self.terms.values()
                                            if term["taxonomy_id"] == taxonomy_id]}

    def taxonomy_terms(self):
        """Every term of both taxonomies."""
        return [term for _, _, term in self.terms.values()]

    def service_term_ids(self, service):
        """The ids of the terms a service is linked to: its categories and formats."""
        return ([terms.category_term_id(slug) for slug in service.categories]
                + [terms.format_term_id(code) for code in available_formats(service)
                   if terms.format_term_id(code) in self.terms])

    # Services -------------------------------------------------------------------------

    def organisation(self, service, full=False):
        """The organisation running a service (its id is made from its name)."""
        organisation = service.organisation
        organisation_id = terms.make_id("organisation", organisation.name.casefold())
        found = {"id": organisation_id, "name": organisation.name, "description": "",
                 "website": organisation.url}
        if full and organisation.charity_number:
            found["organization_identifiers"] = [{
                "id": terms.make_id("organisation-identifier", organisation_id),
                "organization_id": organisation_id, "identifier_scheme": "GB-CHC",
                "identifier_type": "Charity number",
                "identifier": organisation.charity_number}]
        return _present(found) | {"description": ""}

    def service_summary(self, service):
        """A service's one-to-one fields and its organisation (an item of /services)."""
        cost = service.cost
        return _present({
            "id": service.id,
            "organization_id": self.organisation(service)["id"],
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": STATUS[service.status],
            "fees": cost.description or ("Free" if cost.free else None),
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": service.last_reviewed.isoformat(),
            "organization": self.organisation(service),
        })

    def service(self, service, url_for_format=None):
        """A fully nested service (/services/{id})."""
        found = self.service_summary(service)
        found["organization"] = self.organisation(service, full=True)
        locations = [self.location(service, index, full=True)
                     for index in range(len(service.locations))]
        found.update(_present({
            "schedules": self.schedules(service),
            "service_areas": self.service_areas(service),
            "service_at_locations": [{
                "id": self._link_id(service, index), "service_id": service.id,
                "location_id": location["id"], "location": location}
                for index, location in enumerate(locations)],
            "languages": [{"id": terms.make_id("language", service.id, code),
                           "service_id": service.id, "name": language_name(code, "en"),
                           "code": code} for code in service.languages],
            "phones": [self.phone(service, "service", index, phone)
                       for index, phone in enumerate(service.phones)],
            "contacts": [self.contact(service, index, contact)
                         for index, contact in enumerate(service.contacts)],
            "cost_options": self.cost_options(service),
            "attributes": self.attributes(service, url_for_format),
        }))
        return found

    def _link_id(self, service, index):
        return terms.make_id("service-at-location", service.id, index)

    def location(self, service, index, full=False):
        """One of a service's locations (its one-to-one fields unless full)."""
        location = service.locations[index]
        location_id = terms.make_id("location", service.id, index)
        found = _present({
            "id": location_id, "location_type": "physical", "name": location.name,
            "description": location.directions, "latitude": location.latitude,
            "longitude": location.longitude})
        if full:
            address = location.address
            found["addresses"] = [_present({
                "id": terms.make_id("address", location_id), "location_id": location_id,
                "address_1": address.line1, "address_2": address.line2, "city": address.town,
                "state_province": self.directory.site.borough, "postal_code": address.postcode,
                "country": "GB", "address_type": "physical"})]
            found["accessibility"] = [
                {"id": terms.make_id("accessibility", location_id, word),
                 "location_id": location_id, "description": str(ACCESSIBILITY[word])}
                for word in location.accessibility]
            if location.accessibility_notes:
                found["accessibility"].append({
                    "id": terms.make_id("accessibility", location_id, "notes"),
                    "location_id": location_id, "description": location.accessibility_notes})
            if not found["accessibility"]:
                del found["accessibility"]
        return found

    def service_at_locations(self, service):
        """A service's links to its locations, as items of /service_at_locations."""
        summary = self.service_summary(service)
        return [{"id": self._link_id(service, index), "service_id": service.id,
                 "location_id": terms.make_id("location", service.id, index),
                 "location": self.location(service, index), "service": summary}
                for index in range(len(service.locations))]

    def service_at_location(self, service, index):
        """One link of a service to a location, with the location in full."""
        return {"id": self._link_id(service, index), "service_id": service.id,
                "location_id": terms.make_id("location", service.id, index),
                "location": self.location(service, index, full=True),
                "service": self.service_summary(service)}

    def schedules(self, service):
        """Opening times: the service's own and each location's (with its link id)."""
        found = [self._schedule(service, schedule, ("service", index), None)
                 for index, schedule in enumerate(service.schedules)]
        for place, location in enumerate(service.locations):
            for index, schedule in enumerate(location.schedules):
                found.append(self._schedule(service, schedule, ("location", place, index),
                                            self._link_id(service, place)))
        return found

    def _schedule(self, service, schedule, key, link_id):
        days = [DAY_CODES[day] for day in schedule.days]
        return _present({
            "id": terms.make_id("schedule", service.id, *key), "service_id": service.id,
            "service_at_location_id": link_id,
            "freq": "WEEKLY" if days else None, "interval": 1 if days else None,
            "byday": ",".join(days),
            "opens_at": f"{schedule.opens}:00" if schedule.opens else None,
            "closes_at": f"{schedule.closes}:00" if schedule.closes else None,
            "notes": schedule.note, "description": schedule.note})

    def service_areas(self, service):
        """The areas a service covers (the whole borough when it lists none)."""
        names = [self.directory.area_name(slug) for slug in service.service_areas]
        names = names or [self.directory.site.borough]
        return [{"id": terms.make_id("service-area", service.id, name),
                 "service_id": service.id, "name": name, "service_area": name}
                for name in names]

    def phone(self, service, owner, index, phone):
        """A phone number, with what it is for."""
        return _present({"id": terms.make_id("phone", service.id, owner, index),
                         "number": phone.number, "description": phone.label,
                         "type": PHONE_TYPES[phone.type]})

    def contact(self, service, index, contact):
        """A named contact, with the phones and e-mail address they agreed to publish."""
        return _present({
            "id": terms.make_id("contact", service.id, index), "service_id": service.id,
            "name": contact.name, "title": contact.role, "email": contact.email,
            "phones": [self.phone(service, f"contact-{index}", number, phone)
                       for number, phone in enumerate(contact.phones)]})

    def cost_options(self, service):
        """What it costs: free, or the charges as the entry describes them."""
        cost = service.cost
        if not cost.free and not cost.description:
            return []
        return [_present({"id": terms.make_id("cost-option", service.id),
                          "service_id": service.id,
                          "option": cost.description or "Free",
                          "amount": 0 if cost.free else None})]

    def attributes(self, service, url_for_format=None):
        """The service's categories and formats, as links to taxonomy terms."""
        found = []
        for term_id in self.service_term_ids(service):
            kind, code, term = self.terms[term_id]
            value = url_for_format(service, code) if url_for_format and kind == "format" else None
            found.append(_present({
                "id": terms.make_id("attribute", service.id, term_id), "link_id": service.id,
                "link_entity": "service", "taxonomy_term_id": term_id,
                "link_type": terms.FORMATS_LINK_TYPE if kind == "format" else terms.CATEGORY_LINK_TYPE,
                "taxonomy_term": term, "value": value}))
        return found

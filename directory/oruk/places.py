"""Where and when: a record's locations, their addresses and opening times.

ORUK v3 nests a location in each `service_at_locations` item and keeps opening
times on the service, linked to a location by `service_at_location_id`; v1 has
`physical_addresses` and `regular_schedules`.  The content keeps opening times
under their location, and at the top level only for phone or online hours.
"""

import re

from ..content import fields
from ..content.schema import INVALID, Time, normal_postcode
from .clean import fit, plain_text
from .reading import items, silent

DAYS = {"MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday", "FR": "friday",
        "SA": "saturday", "SU": "sunday"}


def address_of(reader, location, where):
    """A location's first usable UK address (physical first), or None."""
    addresses = items(location.get("addresses")) or items(location.get("physical_addresses"))
    addresses.sort(key=lambda a: a.get("address_type") not in (None, "physical"))
    for address in addresses:
        postcode = normal_postcode(plain_text(address.get("postal_code")) or "")
        line1 = reader.text(address, "address_1", 100, f"{where}.address_1")
        town = (reader.text(address, "city", 60, f"{where}.city")
                or plain_text(address.get("region")) or plain_text(address.get("state_province")))
        if line1 and town and postcode and len(town) <= 60:
            found = {"line1": line1, "line2": reader.text(address, "address_2", 100),
                     "town": town, "postcode": postcode}
            return {key: value for key, value in found.items() if value}
        reader.out.note(where, "has no usable address (it needs address_1, city and a UK "
                        "postcode); the location is left out")
    return None


def places(reader, record, context):
    """Locations with their opening times; the schedules that belong to no location."""
    schedules = items(record.get("schedules")) + items(record.get("regular_schedules"))
    locations, by_link = [], {}
    for index, link in enumerate(items(record.get("service_at_locations"))):
        where = f"service_at_locations[{index}].location"
        location = link.get("location")
        if not isinstance(location, dict) or location.get("location_type") == "virtual":
            continue
        address = address_of(reader, location, where)
        if address is None:
            continue
        place = {"name": reader.text(location, "name", 120, f"{where}.name") or address["line1"],
                 "address": address}
        latitude = reader.number(location.get("latitude"), f"{where}.latitude")
        longitude = reader.number(location.get("longitude"), f"{where}.longitude")
        if latitude is not None and longitude is not None and address["postcode"] not in context.postcodes:
            if 49.0 <= latitude <= 61.0 and -9.0 <= longitude <= 2.5:
                place["latitude"], place["longitude"] = round(latitude, 6), round(longitude, 6)
            else:
                reader.out.note(f"{where}.latitude", "is not in the UK; left out")
        place["directions"] = reader.text(location, "description", 400, f"{where}.description")
        notes = []
        for item in items(location.get("accessibility")) + items(
                location.get("accessibility_for_disabilities")):
            for key in ("description", "accessibility", "details"):
                text = plain_text(item.get(key))
                if text and text not in notes:
                    notes.append(text)
        place["accessibility_notes"] = fit(" ".join(notes), 400) or None
        place["schedules"] = [s for s in (opening_time(reader, item, f"{where}.schedules[{i}]")
                                          for i, item in enumerate(items(link.get("schedules"))))
                              if s]
        if link.get("id") is not None:
            by_link[str(link.get("id")).strip().lower()] = place
        locations.append(place)
    loose = []
    for index, item in enumerate(schedules):
        found = opening_time(reader, item, f"schedules[{index}]")
        if found is None:
            continue
        place = by_link.get(str(item.get("service_at_location_id") or "").strip().lower())
        if place is None and len(locations) == 1:
            place = locations[0]
        (place["schedules"] if place else loose).append(found)
    for place in locations:
        for key in [k for k, v in place.items() if v in (None, [])]:
            del place[key]
    return locations, loose


def opening_time(reader, item, where):
    """One ORUK schedule as an opening time of the content, or None if it says nothing usable."""
    days = []
    for code in re.split(r"[,\s]+", str(item.get("byday") or "").upper()):
        day = DAYS.get(code[-2:]) if code else None
        if day and day not in days:
            days.append(day)
    days.sort(key=list(DAYS.values()).index)
    times = {}
    for key, name in (("opens_at", "opens"), ("closes_at", "closes")):
        value = str(item.get(key) or "").strip()[:5]
        if value:
            checked = Time().check(value, (), silent)
            if checked is not INVALID:
                times[name] = checked
    note = plain_text(item.get("description")) or plain_text(item.get("notes"))
    if str(item.get("freq") or "").upper() == "MONTHLY":
        note = note or "Once a month: ask the service for the dates"
    schedule = {"days": days, **times, "note": fit(note, 200)}
    schedule = {key: value for key, value in schedule.items() if value}
    if len(times) == 1 or (len(times) == 2 and times["opens"] >= times["closes"]):
        if len(times) == 2:
            reader.out.note(where, "closes before it opens; the times are left out")
        schedule.pop("opens", None)
        schedule.pop("closes", None)
    if not days and not schedule.get("note"):
        return None
    if fields.SCHEDULE.check(schedule, (), silent) is INVALID:
        reader.out.note(where, "is not an opening time the directory can show; left out")
        return None
    return schedule

"""/api/oruk/v3/: every answer validates against the ORUK v3 schemas; errors are JSON."""

import json
import urllib.parse
import uuid

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.content import load_directory
from directory.oruk import terms
from directory.search import build, index_root

from .conftest import make_app
from . import test_oruk_import
from .test_oruk_import import ORUK, STAFF_EMAIL, TODAY, ident, run_import, v1_service, v3_service

content = test_oruk_import.content  # the fixture: a content folder with no services yet

SCHEMAS = ORUK / "schema"
API = "/api/oruk/v3"


def _schema(name):
    return json.loads((SCHEMAS / name).read_text())


# The compiled schemas are whole; taxonomy.json refers to taxonomy_term.json by file name,
# and the page wrapper and the root answer are described in openapi.json.
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(_schema(name), default_specification=DRAFT202012))
    for name in ("taxonomy.json", "taxonomy_term.json"))
OPENAPI = _schema("openapi.json")
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value):
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme in ("http", "https", "mailto") and (parts.netloc or parts.path))


def assert_valid(instance, schema):
    """Every problem the validator finds, with where it is, so a failure says what to fix."""
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(instance)]
    assert errors == []


PAGE = {**OPENAPI["components"]["schemas"]["Page"],
        "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                     "last_page", "empty", "contents"]}


def assert_page(page, item_schema):
    assert_valid(page, {**PAGE, "properties": {**PAGE["properties"], "contents": {
        "type": "array", "items": item_schema}}})
    assert page["size"] == len(page["contents"])


def get_json(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


# Every endpoint against its schema ------------------------------------------------------

def test_root_says_which_profile(client):
    about = get_json(client, f"{API}/")
    assert_valid(about, OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"])
    assert about["version"] == "3.0"
    assert about["openapi_url"].endswith("/schema/openapi.json")


def test_services_pages_validate(client):
    page = get_json(client, f"{API}/services?per_page=100")
    assert_page(page, _schema("compiled/service_list.json"))
    assert page["total_items"] == len(client.application.extensions["directory"].services)


def test_every_service_validates_against_the_full_schema(client):
    schema = _schema("compiled/service.json")
    for service in client.application.extensions["directory"].services.values():
        found = get_json(client, f"{API}/services/{service.id}")
        assert_valid(found, schema)
        assert (found["id"], found["name"]) == (service.id, service.name)


def test_service_at_locations_validate(client):
    page = get_json(client, f"{API}/service_at_locations?per_page=500")
    assert_page(page, _schema("compiled/service_at_location_list.json"))
    directory = client.application.extensions["directory"]
    assert page["total_items"] == sum(len(s.locations) for s in directory.services.values())
    one = get_json(client, f"{API}/service_at_locations/{page['contents'][0]['id']}")
    assert_valid(one, _schema("compiled/service_at_location.json"))
    assert one["location"]["addresses"][0]["country"] == "GB"


def test_taxonomies_and_terms_validate(client):
    taxonomies = get_json(client, f"{API}/taxonomies")
    assert_page(taxonomies, _schema("taxonomy.json"))
    assert {t["name"] for t in taxonomies["contents"]} == {
        "Brackenford Care and Support Directory categories", "Accessible formats"}
    for taxonomy in taxonomies["contents"]:
        assert_valid(get_json(client, f"{API}/taxonomies/{taxonomy['id']}"), _schema("taxonomy.json"))
    found = get_json(client, f"{API}/taxonomy_terms?per_page=500")
    assert_page(found, _schema("taxonomy_term.json"))
    codes = {term["term"] for term in found["contents"]}
    assert {"carers", "easy-read", "bsl", "large-print", "lang-pl"} <= codes
    term = found["contents"][0]
    assert get_json(client, f"{API}/taxonomy_terms/{term['id']}") == term


def test_formats_are_published_as_attributes(client):
    directory = client.application.extensions["directory"]
    service = directory.services["form-friends"]
    found = get_json(client, f"{API}/services/{service.id}")
    formats = {a["taxonomy_term"]["term"]: a for a in found["attributes"]
               if a["link_type"] == terms.FORMATS_LINK_TYPE}
    assert {"easy-read", "large-print", "lang-pl"} <= set(formats)
    assert formats["easy-read"]["taxonomy_term_id"] == terms.format_term_id("easy-read")
    assert formats["easy-read"]["value"].endswith("/services/form-friends/easy-read")
    assert formats["lang-pl"]["value"].endswith("/pl/services/form-friends")
    categories = [a["taxonomy_term"]["term"] for a in found["attributes"]
                  if a["link_type"] == terms.CATEGORY_LINK_TYPE]
    assert categories == service.categories
    assert {language["code"] for language in found["languages"]} == set(service.languages)


# Parameters --------------------------------------------------------------------------------

def test_pagination_covers_every_service_once(client):
    total = len(client.application.extensions["directory"].services)
    seen, number = [], 1
    while True:
        page = get_json(client, f"{API}/services?per_page=10&page={number}")
        assert page["page_number"] == number and page["first_page"] == (number == 1)
        seen += [service["id"] for service in page["contents"]]
        if page["last_page"]:
            break
        number += 1
    assert len(seen) == len(set(seen)) == total
    assert page["total_pages"] == number == -(-total // 10)
    beyond = get_json(client, f"{API}/services?per_page=10&page={number + 1}")
    assert beyond["contents"] == [] and beyond["empty"] is True
    assert beyond["total_items"] == total


def test_search_uses_the_site_search(client):
    directory = client.application.extensions["directory"]
    page = get_json(client, f"{API}/services?search=carers&per_page=5")
    assert page["contents"][0]["id"] == directory.services["brackenford-carers-centre"].id
    assert page["total_items"] > 5 and page["size"] == 5
    second = get_json(client, f"{API}/services?search=carers&per_page=5&page=2")
    assert not {s["id"] for s in page["contents"]} & {s["id"] for s in second["contents"]}
    none = get_json(client, f"{API}/services?search=zzqxv")
    assert none["total_items"] == 0 and none["empty"] is True


def test_taxonomy_term_id_filters_by_category_or_format(client):
    directory = client.application.extensions["directory"]
    carers = get_json(client, f"{API}/services?per_page=500&taxonomy_term_id="
                              f"{terms.category_term_id('carers')}")
    assert {s["id"] for s in carers["contents"]} == {
        s.id for s in directory.services_in("carers")}
    easy = get_json(client, f"{API}/services?per_page=500&taxonomy_term_id="
                            f"{terms.format_term_id('easy-read')}")
    assert {s["id"] for s in easy["contents"]} == {
        s.id for s in directory.services.values() if s.easy_read}
    both = get_json(client, f"{API}/services?search=carers&taxonomy_term_id="
                            f"{terms.format_term_id('easy-read')}")
    assert {s["id"] for s in both["contents"]} <= {s["id"] for s in easy["contents"]}
    unknown = get_json(client, f"{API}/services?taxonomy_term_id={uuid.uuid4()}")
    assert unknown["total_items"] == 0


@pytest.mark.parametrize("query, message", [
    ("page=0", "'page' must be a whole number from 1"),
    ("page=two", "'page' must be a whole number from 1"),
    ("per_page=-5", "'per_page' must be a whole number from 1 to 500"),
    ("per_page=501", "'per_page' must be a whole number from 1 to 500"),
    ("taxonomy_term_id=carers", "'taxonomy_term_id' must be a uuid"),
    ("page=1&page=2", "give 'page' once"),
    ("postcode=BK1+6FR", "'postcode' is not a parameter here"),
    ("per_page=%C2%B2", "'per_page' must be a whole number"),  # "²": str.isdigit() says yes
    ("page=%EF%BC%91", "'page' must be a whole number"),  # a full-width "1"
    ("page=1.0", "'page' must be a whole number"),
    ("page=+1", "'page' must be a whole number"),
])
def test_bad_parameters_get_a_400_in_json(client, query, message):
    error = get_json(client, f"{API}/services?{query}", status=400)
    assert error["status"] == 400 and message in error["message"]


@pytest.mark.parametrize("path", [
    f"/services/{uuid.uuid4()}", "/services/not-an-id", f"/taxonomies/{uuid.uuid4()}",
    f"/taxonomy_terms/{uuid.uuid4()}", f"/service_at_locations/{uuid.uuid4()}", "/organizations",
])
def test_unknown_ids_get_a_404_in_json(client, path):
    error = get_json(client, API + path, status=404)
    assert error["status"] == 404 and error["message"].startswith("there is")


@pytest.mark.parametrize("search", ['"carers"', '"', "((((", "carers OR ::", "*", "a" * 2000,
                                    "%00", "<script>", "caf\u00e9 \u09ac\u09be\u0982\u09b2\u09be"])
def test_search_with_special_characters_answers_a_page(client, search):
    page = get_json(client, f"{API}/services?" + urllib.parse.urlencode({"search": search}))
    assert_page(page, _schema("compiled/service_list.json"))


def test_head_and_unknown_paths_answer_in_json_with_cors(client):
    head = client.head(f"{API}/services")
    assert head.status_code == 200 and head.headers["Access-Control-Allow-Origin"] == "*"
    for path in ("/services/a/b", "/nothing/here", "/services/"):
        error = get_json(client, API + path, status=404)
        assert "docs/api.md" in error["message"]


def test_cors_is_open_for_reading_only(client):
    response = client.get(f"{API}/services")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    preflight = client.options(f"{API}/services", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    refused = client.post(f"{API}/services", json={})
    assert refused.status_code == 405 and refused.get_json()["status"] == 405
    assert refused.headers["Allow"] == "GET, HEAD, OPTIONS"


# Round trip: what was imported is what the API serves ------------------------------------

def test_round_trip_from_feed_to_api(content, tmp_path):
    v1 = v1_service(7)
    records = [v3_service(1, phones=[{"id": ident("p1"), "number": "0121 496 0001",
                                      "description": "Bookings"}]),
               v3_service(2, name="Memory Cafe", attributes=[{"id": ident("m"), "taxonomy_term": {
                   "id": ident("d"), "name": "Dementia and memory"}}])]
    run_import(content, records)
    run_import(content, [v1])
    instance = tmp_path / "instance"
    build(load_directory(content, today=TODAY), index_root(instance))
    client = make_app(content, INSTANCE_DIR=instance).test_client()

    schema = _schema("compiled/service.json")
    for record in records:
        found = get_json(client, f"{API}/services/{record['id']}")
        assert_valid(found, schema)
        assert found["name"] == record["name"]
        assert found["organization"]["name"] == "Brackenford Lunch Clubs"
        assert found["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "BK1 6FR"
    lunch = get_json(client, f"{API}/services/{records[0]['id']}")
    assert lunch["description"] == "A hot meal and good company.\n\n- Soup\n- Pudding"
    assert lunch["phones"] == [{"id": lunch["phones"][0]["id"], "number": "0121 496 0001",
                                "description": "Bookings", "type": "voice"}]
    assert {"TU,TH"} == {s["byday"] for s in lunch["schedules"]}
    listed = get_json(client, f"{API}/services")
    assert listed["total_items"] == 3
    found = get_json(client, f"{API}/services?search=memory")
    assert [s["id"] for s in found["contents"]] == [records[1]["id"]]
    dementia = get_json(client, f"{API}/services?taxonomy_term_id={terms.category_term_id('dementia')}")
    assert [s["name"] for s in dementia["contents"]] == ["Memory Cafe"]
    every_answer = "".join(client.get(API + path).get_data(as_text=True) for path in [
        "/services?per_page=500", "/service_at_locations?per_page=500"] + [
        f"/services/{s['id']}" for s in listed["contents"]])
    assert STAFF_EMAIL not in every_answer

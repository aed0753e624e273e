"""directory import: ORUK v1 and v3 feeds, every messy case real feeds have, safe re-imports."""

import copy
import datetime
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest

from directory.cli import main
from directory.content import load_directory
from directory.content.translations import template as translation_template
from directory.oruk import importer, terms
from directory.oruk.clean import description_text, plain_text
from directory.oruk.feed import FeedError
from directory.oruk.importer import import_feed

from .conftest import FIXTURES, ROOT

TODAY = datetime.date(2026, 11, 26)
ORUK = FIXTURES / "oruk"
STAFF_EMAIL = "jane.assurer@brackenford.gov.uk"


def shared_oruk_dir():
    """../shared/oruk-v3 beside the checkout, where it exists (not in every clone)."""
    candidates = [os.environ.get("ORUK_V3_DIR"), ROOT.parent / "shared" / "oruk-v3",
                  "/work/shared/oruk-v3"]
    return next((Path(c) for c in candidates if c and (Path(c) / "schema").is_dir()), None)


@pytest.fixture
def content(tmp_path):
    """A content folder with the sample site's settings, taxonomy and postcodes, no services."""
    target = tmp_path / "content"
    (target / "services").mkdir(parents=True)
    for name in ("site.yaml", "taxonomy.yaml", "postcodes.csv"):
        shutil.copy(ROOT / "content" / name, target / name)
    return target


def ident(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def v3_service(number, **changes):
    """A tidy ORUK v3 service (as a council's other system would publish it)."""
    service = {
        "id": ident("service", number),
        "name": f"Lunch Club {number}",
        "description": "<p>A hot meal and good company.</p><ul><li>Soup</li><li>Pudding</li></ul>",
        "status": "active",
        "url": "https://lunch.example.org",
        "email": "hello@lunch.example.org",
        "assured_date": "2026-10-01",
        "assurer_email": STAFF_EMAIL,
        "organization": {"id": ident("org"), "name": "Brackenford Lunch Clubs",
                         "description": "", "website": "https://lunch.example.org"},
        "attributes": [{"id": ident("attribute", number), "taxonomy_term": {
            "id": ident("term", "food"), "name": "Food and essentials"}}],
        "service_at_locations": [{"id": ident("sal", number), "location": {
            "id": ident("location", number), "location_type": "physical", "name": "Church hall",
            "addresses": [{"id": ident("address", number), "address_1": "14 Chapel Street",
                           "city": "Brackenford", "state_province": "", "postal_code": "BK1 6FR",
                           "country": "GB", "address_type": "physical"}]}}],
        "schedules": [{"id": ident("schedule", number), "byday": "TU,TH", "opens_at": "12:00:00",
                       "closes_at": "14:00:00", "freq": "WEEKLY"}],
    }
    service.update(changes)
    return service


def v1_service(number, **changes):
    """A tidy ORUK v1 service, with the vendor fields hosted products add."""
    service = {
        "id": number, "name": f"Carers Cafe {number}",
        "description": "<p>Tea, cake&nbsp;and advice for carers.</p>",
        "url": "www.carerscafe.example.org", "email": "cafe@carers.example.org",
        "status": "active", "fees": "", "accreditations": "", "deliverable_type": "Advice",
        "attending_type": "Venue", "attending_access": "Drop-in", "assured_date": "2026-09-01",
        "organization": {"id": 7, "name": "Carers Trust", "description": "",
                         "url": "https://carers.example.org", "logo": "", "uri": ""},
        "pc_metadata": {"date_created": "2020-01-01", "date_modified": "2026-09-01",
                        "date_assured": "2026-09-01", "assured_by": STAFF_EMAIL},
        "pc_targetAudience": [{"id": 1, "audienceType": "Adults"}],
        "service_taxonomys": [{"id": 1, "taxonomy": {"id": 2, "name": "Support for carers"}}],
        "contacts": [{"id": 3, "name": "", "phones": [{"id": 4, "number": "0121 496 0210"}]}],
        "service_at_locations": [{"id": 5, "location": {
            "id": 6, "name": "Carers Centre", "physical_addresses": [{
                "id": 8, "address_1": "14 Chapel Street", "city": "Brackenford",
                "postal_code": "bk1 6fr", "country": "GB"}]}}],
    }
    service.update(changes)
    return service


def write_feed(folder, data, name="feed.json"):
    path = Path(folder) / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def run_import(content, data, **options):
    """Import data (a feed as Python values) into content; return the Summary."""
    return import_feed(write_feed(content.parent, data), content, today=TODAY, **options)


def snapshot(folder):
    """Every file under folder: its bytes and its modification time."""
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def loaded(content):
    directory = load_directory(content, today=TODAY)
    assert directory.errors == [], directory.errors
    return directory


def report(summary):
    return "\n".join(summary.lines())


# The examples of the ORUK v3 profile ----------------------------------------------------

@pytest.mark.parametrize("example", ["service_full", "service_list", "organization_full",
                                     "service_at_location_list"])
def test_examples_of_the_profile_import(content, example):
    summary = import_feed(ORUK / "examples" / f"{example}.json", content, today=TODAY,
                          default_category="mental-health")
    assert summary.counts["created"] == 1, report(summary)
    service = loaded(content).services["community-counselling"]
    assert service.id == "ac148810-d857-441c-9679-408f346de14b"
    assert service.name == "Community Counselling"
    assert service.organisation.name == "Example Organization Inc."
    assert service.categories == ["mental-health"]


def test_the_full_example_keeps_its_details(content):
    import_feed(ORUK / "examples" / "service_full.json", content, today=TODAY,
                default_category="mental-health")
    service = loaded(content).services["community-counselling"]
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.schedules[0].days == ["thursday", "friday"]
    assert (service.schedules[0].opens, service.schedules[0].closes) == ("10:00", "18:00")
    assert service.contacts[0].name == "Ann Persona"
    assert not service.cost.free and "£35 per 1 hour session" in service.cost.description
    assert service.last_reviewed == datetime.date(2005, 1, 1)


@pytest.mark.parametrize("example, message", [
    ("organization_list", "holds organisations, not services"),
    ("taxonomy", "holds taxonomies, not services"),
    ("taxonomy_list", "holds taxonomies, not services"),
    ("taxonomy_term", "holds taxonomy terms, not services"),
    ("service_at_location_full", "not an Open Referral feed"),
])
def test_examples_that_are_not_services_are_refused_clearly(content, example, message):
    with pytest.raises(FeedError, match=message):
        import_feed(ORUK / "examples" / f"{example}.json", content, today=TODAY)
    assert snapshot(content / "services") == {}


def test_fixture_copies_match_the_shared_profile():
    shared = shared_oruk_dir()
    if shared is None:
        pytest.skip("../shared/oruk-v3 is not beside this checkout")
    for copy_ in sorted(ORUK.rglob("*.json")) + [ORUK / "LICENSE"]:
        original = shared / copy_.relative_to(ORUK)
        assert copy_.read_bytes() == original.read_bytes(), copy_


# Tidy feeds, v1 and v3 ------------------------------------------------------------------

def test_v3_page_imports_into_entries_that_load_cleanly(content):
    feed = {"total_items": 2, "total_pages": 1, "page_number": 1, "size": 2, "first_page": True,
            "last_page": True, "empty": False, "contents": [v3_service(1), v3_service(2)]}
    summary = run_import(content, feed)
    assert summary.counts == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0,
                              "gone": 0}, report(summary)
    service = loaded(content).services["lunch-club-1"]
    assert service.id == service.feed_id == ident("service", 1)
    assert service.description == "A hot meal and good company.\n\n- Soup\n- Pudding"
    assert service.summary == "A hot meal and good company."
    assert service.categories == ["food"]
    assert service.delivery == ["in_person"]
    location = service.locations[0]
    assert location.latitude == 52.48841  # from postcodes.csv
    assert location.schedules[0].days == ["tuesday", "thursday"]
    assert (location.schedules[0].opens, location.schedules[0].closes) == ("12:00", "14:00")
    assert service.last_reviewed == datetime.date(2026, 10, 1)
    assert service.cost.free is True


@pytest.mark.parametrize("shape", ["array", "page"])
def test_v1_feeds_import(content, shape):
    records = [v1_service(101), v1_service(102)]
    feed = records if shape == "array" else {"content": records, "totalElements": 2,
                                             "totalPages": 1, "number": 0}
    summary = run_import(content, feed)
    assert summary.feed.format == "oruk-v1"
    assert summary.counts["created"] == 2, report(summary)
    service = loaded(content).services["carers-cafe-101"]
    assert service.feed_id == "101"
    assert service.id == str(uuid.uuid5(importer_namespace(), "101"))
    assert service.description == "Tea, cake and advice for carers."
    assert service.url == "https://www.carerscafe.example.org"
    assert service.categories == ["carers"]
    assert service.phones[0].number == "0121 496 0210"
    assert service.locations[0].address.postcode == "BK1 6FR"
    assert service.how_to_use == "Drop-in"
    assert service.cost.free is True
    assert service.last_reviewed == datetime.date(2026, 9, 1)


def importer_namespace():
    from directory.oruk.mapping import FEED_NAMESPACE
    return FEED_NAMESPACE


def test_the_format_option_refuses_the_other_version(content):
    with pytest.raises(FeedError, match="use --format oruk-v3"):
        run_import(content, {"contents": [v3_service(1)]}, format="oruk-v1")
    assert run_import(content, [v3_service(1)], format="oruk-v3").counts["created"] == 1


def test_categories_map_by_name_slug_or_published_term_id(content):
    by_slug = v3_service(1, attributes=[{"id": ident("a"), "taxonomy_term": {
        "id": ident("t1"), "name": "Dementia"}}])
    by_id = v3_service(2, attributes=[{"id": ident("b"), "taxonomy_term": {
        "id": terms.category_term_id("carers"), "name": "whatever"}}])
    unmapped = v3_service(3, attributes=[{"id": ident("c"), "taxonomy_term": {
        "id": ident("t3"), "name": "Leisure"}}])
    summary = run_import(content, [by_slug, by_id, unmapped])
    services = loaded(content).services
    assert services["lunch-club-1"].categories == ["dementia"]
    assert services["lunch-club-2"].categories == ["carers"]
    assert "record 3 (id " in report(summary)
    assert "none of its taxonomy terms ('Leisure') is a category" in report(summary)
    summary = run_import(content, [by_slug, by_id, unmapped], default_category="day-opportunities")
    assert loaded(content).services["lunch-club-3"].categories == ["day-opportunities"]


def test_new_entries_never_take_an_existing_folder_name(content):
    (content / "services" / "lunch-club-1").mkdir()
    shutil.copy(ROOT / "content" / "services" / "brackenford-carers-centre" / "service.yaml",
                content / "services" / "lunch-club-1" / "service.yaml")
    summary = run_import(content, [v3_service(1)])
    assert [p.slug for p in summary.of("created")] == ["lunch-club-1-2"]
    assert summary.gone == []  # a hand-written entry is never "gone from the feed"
    assert set(loaded(content).services) == {"lunch-club-1", "lunch-club-1-2"}


def test_the_loader_refuses_two_entries_with_one_feed_id(content):
    run_import(content, [v3_service(1)])
    twin = content / "services" / "twin"
    shutil.copytree(content / "services" / "lunch-club-1", twin)
    text = (twin / "service.yaml").read_text()
    (twin / "service.yaml").write_text(text.replace(ident("service", 1), ident("other"), 1)
                                       .replace(f"feed_id: {ident('other')}", f"feed_id: {ident('service', 1)}"))
    directory = load_directory(content, today=TODAY)
    assert [p.field for p in directory.errors] == ["feed_id"]
    assert "duplicate feed_id" in directory.errors[0].message


def test_cli_import_prints_the_summary(content, runner):
    path = write_feed(content.parent, [v3_service(1), v3_service(2, name="  ")])
    result = runner.invoke(main, ["import", str(path), "--content", str(content)])
    assert result.exit_code == 0, result.output
    assert "Created 1, updated 0, unchanged 0, skipped 1, gone from the feed 0." in result.output
    assert f"record 2 (id {ident('service', 2)}): has no name" in result.output
    result = runner.invoke(main, ["content-check", "--content", str(content)])
    assert result.exit_code == 0, result.output


def test_dry_run_writes_nothing(content, runner):
    path = write_feed(content.parent, [v3_service(1)])
    result = runner.invoke(main, ["import", str(path), "--content", str(content), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would create 1" in result.output and "nothing was written" in result.output
    assert snapshot(content / "services") == {}


# Messy feeds: each problem is reported with the record's id and position ---------------

def test_duplicate_ids(content):
    first, second = v3_service(1), v3_service(2, id=" " + ident("service", 1).upper() + " ")
    summary = run_import(content, [first, second, v3_service(3)])
    assert summary.counts["created"] == 2 and summary.counts["skipped"] == 1
    assert (f"record 2 (id {ident('service', 1)}): has the same id as record 1; only the first "
            "is imported") in report(summary)
    assert set(loaded(content).services) == {"lunch-club-1", "lunch-club-3"}


def test_blank_names(content):
    summary = run_import(content, [v3_service(1), v3_service(2, name=" \u00a0 "),
                                   v3_service(3, name=None)])
    assert summary.counts["created"] == 1
    text = report(summary)
    assert f"record 2 (id {ident('service', 2)}): has no name" in text
    assert f"record 3 (id {ident('service', 3)}): has no name" in text


def test_trailing_spaces(content):
    service = v3_service(1, name="Lunch Club  \u00a0", email=" hello@lunch.example.org  ",
                         id=ident("service", 1) + "  ")
    service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = " bk1 6fr  "
    run_import(content, [service])
    text = (content / "services" / "lunch-club" / "service.yaml").read_text()
    assert not [line for line in text.splitlines() if line != line.rstrip()]
    entry = loaded(content).services["lunch-club"]
    assert (entry.name, entry.email) == ("Lunch Club", "hello@lunch.example.org")
    assert entry.feed_id == ident("service", 1)
    assert entry.locations[0].address.postcode == "BK1 6FR"


def test_empty_strings_for_missing_values(content):
    service = v3_service(1, url="", fees="", minimum_age="", maximum_age=" ", alert="",
                         phones=[{"id": ident("p"), "number": ""}], languages=[],
                         schedules=[{"id": ident("s"), "byday": "", "opens_at": "",
                                     "closes_at": "", "description": ""}])
    service["organization"]["website"] = ""
    summary = run_import(content, [service])
    assert summary.counts["created"] == 1 and report(summary).count("record 1") == 1
    entry = loaded(content).services["lunch-club-1"]
    assert entry.url is None and entry.organisation.url is None and entry.phones == []
    assert entry.minimum_age is None and entry.cost.free is True
    assert entry.locations[0].schedules == []


def test_html_in_plain_text_fields(content):
    service = v3_service(1, name="<script>alert('x')</script>Lunch <b>Club</b> &amp; Caf&eacute;")
    service["organization"]["name"] = "Brackenford <i>Lunch</i> Clubs"
    summary = run_import(content, [service])
    entry = loaded(content).services["lunch-club-cafe"]
    assert entry.name == "Lunch Club & Café"
    assert entry.organisation.name == "Brackenford Lunch Clubs"
    text = (content / "services" / "lunch-club-cafe" / "service.yaml").read_text()
    assert "<" not in text and "alert" not in text
    assert (f"name: had HTML in a plain text field; the tags were removed: 1 record(s): "
            f"record 1 (id {ident('service', 1)})") in report(summary)


def test_very_long_descriptions(content):
    paragraph = "Our volunteers serve a hot two-course lunch every weekday. " * 12
    service = v3_service(1, description="".join(f"<p>{paragraph}</p>" for _ in range(20)))
    summary = run_import(content, [service])
    entry = loaded(content).services["lunch-club-1"]
    assert len(entry.description) <= 5000
    assert entry.description.endswith("weekday.")
    assert ("description: was longer than 5,000 characters; cut at a paragraph or sentence "
            f"end: 1 record(s): record 1 (id {ident('service', 1)})") in report(summary)


def test_a_50_mb_description_is_cut_quickly(content):
    huge = "<p>" + "Hot dinners and good company every weekday. " * 1_200_000 + "</p>"
    assert len(huge) > 50_000_000
    started = time.monotonic()
    summary = run_import(content, [v3_service(1, description=huge, name=huge[:300_000])])
    assert time.monotonic() - started < 5  # reading all of it took 10 s and 1 GB
    [entry] = loaded(content).services.values()
    assert len(entry.name) <= 120 and entry.name.endswith("every weekday.")
    assert len(entry.description) <= 5000 and entry.description.endswith("weekday.")
    assert "description: was longer than 5,000 characters" in report(summary)


def test_unknown_fields(content):
    records = [v3_service(1, colour="green"), v3_service(2, colour="red", pc_extra={"a": 1})]
    summary = run_import(content, records)
    assert summary.counts["created"] == 2
    text = report(summary)
    assert (f"colour: 2 record(s): record 1 (id {ident('service', 1)}), record 2 "
            f"(id {ident('service', 2)})") in text
    assert f"pc_extra: 1 record(s): record 2 (id {ident('service', 2)})" in text


def test_staff_emails_in_metadata_are_never_written(content):
    v1 = v1_service(5)
    v1["pc_metadata"]["assured_by"] = STAFF_EMAIL
    summary = run_import(content, [v1])
    summary_v3 = run_import(content, [v3_service(1, metadata=[{"updated_by": STAFF_EMAIL}])])
    assert summary.counts["created"] == summary_v3.counts["created"] == 1
    for data, _ in snapshot(content).values():
        assert STAFF_EMAIL.encode() not in data
    assert STAFF_EMAIL not in report(summary) + report(summary_v3)


def test_not_json(content, runner):
    path = write_feed(content.parent, '{"contents": [', name="broken.json")
    with pytest.raises(FeedError, match=r"is not JSON \(line 1, column 15"):
        import_feed(path, content)
    result = runner.invoke(main, ["import", str(path), "--content", str(content)])
    assert result.exit_code == 1 and "is not JSON" in result.output


@pytest.mark.parametrize("data", ["just text", 42, {"data": []}, {"contents": "none"}, None])
def test_wrong_top_level_shape(content, data):
    with pytest.raises(FeedError, match="is JSON but not an Open Referral feed"):
        run_import(content, json.dumps(data))


def test_records_that_are_not_objects(content):
    summary = run_import(content, [1, "two", v3_service(3)])
    assert summary.counts["created"] == 1
    assert "record 1: is a number, not a service (an object with an id, a name...)" in report(summary)
    assert "record 2: is text, not a service" in report(summary)
    summary = run_import(content, ["a", "b"])  # a JSON array of strings
    assert summary.counts == {"created": 0, "updated": 0, "unchanged": 0, "skipped": 2, "gone": 1}
    assert "record 2: is text, not a service" in report(summary)


# Hostile feeds ------------------------------------------------------------------------------

def _hand_written(content, slug="carers-centre", source="brackenford-carers-centre"):
    """A hand-written entry (no feed_id), copied from the sample content."""
    (content / "services" / slug).mkdir()
    shutil.copy(ROOT / "content" / "services" / source / "service.yaml",
                content / "services" / slug / "service.yaml")
    return loaded(content).services[slug]


def test_a_hand_written_entry_is_never_overwritten_by_a_record_with_its_id(content):
    # A feed that republishes this site's own API gives the hand-written entries' ids.
    entry = _hand_written(content)
    path = content / "services" / "carers-centre" / "service.yaml"
    before = snapshot(content / "services")
    summary = run_import(content, [v3_service(1, id=entry.id.upper(), name="Carers Centre"),
                                   v3_service(2)])
    after = snapshot(content / "services")
    assert {name: after[name] for name in before} == before  # bytes and times the same
    assert [p.slug for p in summary.planned] == ["lunch-club-2"]
    assert (f"record 1 (id {entry.id}): has the id of content/services/carers-centre, which was "
            "written by hand and is never overwritten by an import: to let this feed update it, "
            f"add 'feed_id: {entry.id}' to its service.yaml") in report(summary)
    assert summary.gone == []
    loaded(content)
    # An officer who wants the feed to keep it up to date says so with feed_id.
    path.write_text(path.read_text() + f"feed_id: {entry.id}\n")
    summary = run_import(content, [v3_service(1, id=entry.id, name="Carers Centre"), v3_service(2)])
    assert [(p.kind, p.slug) for p in summary.planned] == [("updated", "carers-centre"),
                                                           ("unchanged", "lunch-club-2")]


def test_ids_with_path_characters_never_name_a_folder(content):
    records = [v3_service(1, id="../../etc"), v3_service(2, id="a/b"),
               v3_service(3, id="\\..\\x"), v3_service(4, id="x" * 200),
               v3_service(5, id="y" * 201), v3_service(6, name="../../passwd")]
    summary = run_import(content, records)
    assert sorted(p.slug for p in summary.planned) == [
        "lunch-club-1", "lunch-club-2", "lunch-club-3", "lunch-club-4", "passwd"]
    assert sorted(os.listdir(content.parent)) == ["content", "feed.json"]
    assert "record 5 (id yyyy" in report(summary) and "longer than 200 characters" in report(summary)
    services = loaded(content).services
    assert services["lunch-club-1"].feed_id == "../../etc"
    assert run_import(content, records).counts["unchanged"] == 5


def test_ids_that_yaml_must_escape_are_found_again(content):
    odd = ['say "hi"', "back\\slash", "tab\there", "x: y", "'quoted'", "hash #tag", "caf\u00e9",
           "12345", "true", "  padded  ", "next\x85line", "para\u2029graph"]
    records = [v3_service(n, id=feed_id) for n, feed_id in enumerate(odd, 1)]
    assert run_import(content, records).counts["created"] == len(odd)
    services = loaded(content).services
    assert {s.feed_id for s in services.values()} == {i.strip() for i in odd}
    summary = run_import(content, records)
    assert summary.counts == {"created": 0, "updated": 0, "unchanged": len(odd), "skipped": 0,
                              "gone": 0}
    assert (f'record {len(odd) + 1} (id "tab\\there"): has the same id as record 3'
            in report(run_import(content, records + [records[2]])))


def test_names_in_other_scripts_name_the_folder_after_the_organisation(content):
    _hand_written(content, "brackenford-lunch-clubs")  # taken: the next one is -2
    organisation = {"id": ident("org"), "name": "\u0986\u09b2\u09cb"}
    bengali, arabic = "বাঙালি কেয়ারার্স", "دائرة الرعاية"
    records = [v3_service(1, name=bengali), v3_service(2, name=arabic),
               v3_service(3, name="\u4e2d\u6587", organization=organisation),
               v3_service(4, name="Caf\u00e9 \u00c0 la Cr\u00e8me")]
    summary = run_import(content, records)
    entry_3 = str(uuid.uuid5(uuid.NAMESPACE_URL, "service/3"))
    assert [p.slug for p in summary.planned] == [
        "brackenford-lunch-clubs-2", "brackenford-lunch-clubs-3", f"service-{entry_3[:8]}",
        "cafe-a-la-creme"]
    assert "name: has no letters a to z to name the folder by" in report(summary)
    assert loaded(content).services["brackenford-lunch-clubs-2"].name == records[0]["name"]


def test_nulls_numbers_and_junk_where_text_is_expected(content):
    records = [
        {key: None for key in v3_service(1)} | {"id": ident("service", 1)},
        v3_service(2, name=12345, email=["x"], status=None, attributes=None, languages="Polish, "
                   "Bengali", service_at_locations=None, schedules="daily", phones={"number": 1}),

        v3_service(3, minimum_age=float("nan"), maximum_age=float("inf"),
                   cost_options=[{"amount": float("nan")}, {"amount": "1e999"}]),
        v3_service(4, description={"deep": [[[[[[{"junk": [None] * 50}]]]]]]}),
        v3_service(5, id=True), v3_service(6, id=1.5), v3_service(7, id=None),
        v3_service(8, minimum_age=10 ** 400, junk=[[[[[[[[[[[]]]]]]]]]]]),
        v3_service(9, url=7, email=None, service_at_locations={}),
    ]
    summary = run_import(content, records, default_category="food")
    text = report(summary)
    assert [p.slug for p in summary.planned] == ["12345", "lunch-club-3", "lunch-club-8"]
    assert f"record 1 (id {ident('service', 1)}): has no name; has no description" in text
    assert "record 4 (id " in text and "description: should be text; left out" in text
    assert "record 5: has an id that is not text or a whole number (true)" in text
    assert "record 6: has an id that is not text or a whole number (1.5)" in text
    assert "record 7: has no id" in text
    assert "minimum_age: is not a number; left out: 2 record(s)" in text
    assert (f"cost_options[].amount: is not a number; left out: 1 record(s): record 3 (id "
            f"{ident('service', 3)}) at cost_options[0].amount, cost_options[1].amount") in text
    assert "junk: 1 record(s): record 8" in text
    assert "record 9 (id " in text and "gives no way to contact the service" in text
    assert "url: should be text; left out: 1 record(s): record 9" in text
    assert "email: should be text; left out: 1 record(s): record 2" in text
    for field in ("phones", "schedules"):
        assert f"{field}: should be a list; left out: 1 record(s): record 2" in text
    assert "service_at_locations: should be a list; left out: 1 record(s): record 9" in text
    assert loaded(content).services["12345"].languages == ["en", "pl", "bn"]
    entry = loaded(content).services["lunch-club-3"]
    assert entry.minimum_age is None and entry.cost.free is True


def test_languages_by_the_names_and_tags_councils_use(content):
    names = [{"name": "Bengali"}, {"name": "Dari"}, {"code": "pt-BR"}, {"code": "EN-GB"},
             {"language": "Farsi"}, {"code": "zh_Hant"}, "Mandarin", {"name": "Klingon"},
             {"name": "Elvish"}]
    summary = run_import(content, [v3_service(1, languages=names)])
    assert loaded(content).services["lunch-club-1"].languages == ["en", "bn", "fa", "pt", "zh"]
    assert (f"languages[]: is not a language we know; left out: 1 record(s): record 1 "
            f"(id {ident('service', 1)}) at languages[7], languages[8]") in report(summary)


@pytest.mark.parametrize("raw, message", [
    (b"[" * 100_000 + b"]" * 100_000, "nested thousands of levels deep"),
    (b'{"contents": [{"id": "a", "minimum_age": ' + b"9" * 5000 + b"}]}",
     "has a number thousands of digits long"),
    (b'[{"id": "a",\n  "name": "Caf\xe9"}]', r"is not UTF-8 text \(line 2, column 15\): save it as UTF-8"),
])
def test_feeds_that_cannot_be_read_are_refused_with_a_reason(content, runner, raw, message):
    path = content.parent / "feed.json"
    path.write_bytes(raw)
    with pytest.raises(FeedError, match=message):
        import_feed(path, content)
    result = runner.invoke(main, ["import", str(path), "--content", str(content)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert snapshot(content / "services") == {}


def test_a_byte_order_mark_is_read_past(content):
    path = content.parent / "feed.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([v3_service(1)]).encode())
    assert import_feed(path, content, today=TODAY).counts["created"] == 1


def test_a_value_that_cannot_be_used_is_left_out_and_said(content):
    service = v3_service(1, email="not an address", url="ftp:/nowhere", minimum_age=70,
                         maximum_age=18, phones=[{"id": ident("p"), "number": "12"}])
    summary = run_import(content, [service])
    entry = loaded(content).services["lunch-club-1"]
    assert entry.email is None and entry.url is None and entry.minimum_age is None
    text = report(summary)
    for message in ("email: is not an e-mail address; left out",
                    "url: is not a web address; left out",
                    "maximum_age: is less than minimum_age; both are left out",
                    "phones[].number: is not a UK phone number; left out"):
        assert message in text


# Re-imports ------------------------------------------------------------------------------

def test_import_that_dies_midway_leaves_nothing_half_written(content, monkeypatch):
    run_import(content, [v3_service(1), v3_service(2)])
    before = snapshot(content)
    written = []

    def failing_write(path, text):
        if written:
            raise OSError("disk full")
        written.append(path)
        Path(path).write_text(text[: len(text) // 2])

    monkeypatch.setattr(importer, "_write_file", failing_write)
    changed = [v3_service(1, description="New words."), v3_service(2, description="New too."),
               v3_service(3)]
    with pytest.raises(OSError, match="disk full"):
        run_import(content, changed)
    assert snapshot(content) == before
    assert not list(content.glob(".import-*"))


def test_import_that_dies_while_moving_leaves_each_entry_whole(content, monkeypatch):
    run_import(content, [v3_service(1), v3_service(2)])
    moves = []
    real_move = importer._move

    def failing_move(source, target):
        if moves:
            raise OSError("stopped")
        moves.append(target)
        real_move(source, target)

    monkeypatch.setattr(importer, "_move", failing_move)
    with pytest.raises(OSError, match="stopped"):
        run_import(content, [v3_service(1, description="New words."),
                             v3_service(2, description="New too.")])
    services = loaded(content).services
    assert services["lunch-club-1"].description == "New words."
    assert services["lunch-club-2"].description.startswith("A hot meal")
    assert not list(content.glob(".import-*"))


def test_reimport_unchanged_changes_nothing(content):
    feed = [v3_service(number) for number in range(1, 6)] + [v1_service(6)]
    run_import(content, [v3_service(number) for number in range(1, 6)])
    run_import(content, [v1_service(6)])
    before = snapshot(content)
    summary = run_import(content, feed[:5])
    assert summary.counts == {"created": 0, "updated": 0, "unchanged": 5, "skipped": 0,
                              "gone": 1}
    assert run_import(content, [v1_service(6)]).counts["unchanged"] == 1
    assert snapshot(content) == before


def _add_other_formats(content, slug):
    """An easy read version, a Polish translation and a BSL folder, as officers add them."""
    folder = content / "services" / slug
    service = loaded(content).services[slug]
    from directory.content.translations import source_hash
    (folder / "easy-read.yaml").write_text(
        f"source: {source_hash(service)}\ntitle: {service.name}\npoints:\n"
        "  - picture: telephone receiver\n    alt: A telephone\n    text: Phone us.\n")
    (folder / "translations").mkdir()
    (folder / "translations" / "pl.yaml").write_text(
        translation_template(service, "pl").replace("Lunch Club 1", "Klub obiadowy 1"))
    (folder / "bsl").mkdir()
    (folder / "bsl" / "notes.txt").write_text("The BSL video is being made.\n")


def test_reimport_with_a_changed_description_keeps_the_other_formats(content):
    run_import(content, [v3_service(1), v3_service(2)])
    _add_other_formats(content, "lunch-club-1")
    assert loaded(content).services["lunch-club-1"].translations["pl"].stale is False
    others = {path: data for path, data in snapshot(content / "services").items()
              if not path.endswith("service.yaml")}
    changed = v3_service(1, description="<p>Now with a <b>vegetarian</b> menu.</p>",
                         assured_date="2026-11-20")
    summary = run_import(content, [changed, v3_service(2)])
    assert summary.counts["updated"] == 1 and summary.counts["unchanged"] == 1
    assert {path: data for path, data in snapshot(content / "services").items()
            if not path.endswith("service.yaml")} == others
    service = loaded(content).services["lunch-club-1"]
    assert service.description == "Now with a vegetarian menu."
    assert service.last_reviewed == datetime.date(2026, 11, 20)
    assert service.translations["pl"].stale is True
    assert service.easy_read is None or service.easy_read.stale is True


def test_a_reimport_lists_the_other_formats_it_left_out_of_date(content, runner):
    run_import(content, [v3_service(1, application_process="Phone to book a place."),
                         v3_service(2)])
    _add_other_formats(content, "lunch-club-1")
    translation = content / "services" / "lunch-club-1" / "translations" / "pl.yaml"
    assert "how_to_use" in translation.read_text()
    others = {path: data for path, data in snapshot(content / "services").items()
              if not path.endswith("service.yaml")}
    summary = run_import(content, [v3_service(1), v3_service(2, description="New.")])
    assert {path: data for path, data in snapshot(content / "services").items()
            if not path.endswith("service.yaml")} == others
    text = report(summary)
    heading = "Easy read, translations and BSL of updated entries to bring up to date"
    assert heading in text
    after = text.split(heading)[1]
    assert ("content/services/lunch-club-1/translations/pl.yaml:2: [warning] source: is out "
            "of date") in after
    assert ("content/services/lunch-club-1/translations/pl.yaml:12: fields.how_to_use: "
            "'how_to_use' is not a field of the English entry") in after
    assert "content/services/lunch-club-1/easy-read.yaml:1: [warning] source: is out of date" in after
    assert "lunch-club-2" not in after  # no other formats: nothing to say
    result = runner.invoke(main, ["content-check", "--content", str(content)])
    assert "pl.yaml:2: [warning] source: is out of date" in result.output


def test_a_service_removed_from_the_feed_is_reported_not_deleted(content):
    run_import(content, [v3_service(1), v3_service(2), v1_service(3)])
    summary = run_import(content, [v3_service(1), v1_service(3)])
    assert summary.counts["gone"] == 1
    assert (f"content/services/lunch-club-2 (feed id {ident('service', 2)})"
            in report(summary))
    assert "not deleted" in report(summary)
    assert "lunch-club-2" in loaded(content).services


def test_a_page_of_a_longer_feed_says_what_gone_means(content):
    summary = run_import(content, {"contents": [v3_service(1)], "total_pages": 3,
                                   "page_number": 1})
    assert "this file is page 1 of 3" in report(summary)


def test_previous_slugs_and_kept_dates_survive_a_reimport(content):
    run_import(content, [v3_service(1, assured_date="")])
    path = content / "services" / "lunch-club-1" / "service.yaml"
    text = path.read_text().replace("last_reviewed: 2026-11-26", "last_reviewed: 2026-11-02")
    path.write_text(text + "previous_slugs: [old-lunch-club]\n")
    before = path.read_bytes()
    summary = run_import(content, [v3_service(1, assured_date="")])
    assert summary.counts["updated"] == 1  # the fields were written in another order
    service = loaded(content).services["lunch-club-1"]
    assert service.previous_slugs == ["old-lunch-club"]
    assert service.last_reviewed == datetime.date(2026, 11, 2)
    assert run_import(content, [v3_service(1, assured_date="")]).counts["unchanged"] == 1
    assert path.read_bytes() != before


# Text cleaning ----------------------------------------------------------------------------

def test_descriptions_become_paragraphs_and_lists():
    html = ("<h2>About</h2><p>Tea&nbsp;and&amp;nbsp;cake.<br>Every week.</p>"
            "<ol><li>Book</li><li>Come <a href='https://x.example.org/book'>here</a></li></ol>"
            "<script>steal()</script><style>p{}</style>")
    assert description_text(html) == ("About\n\nTea and cake.\n\nEvery week.\n\n- Book\n"
                                       "- Come here (https://x.example.org/book)")
    assert description_text("Line one\n\u2022 first\n\u2022 second\r\nLast") == (
        "Line one\n\n- first\n- second\n\nLast")
    assert description_text("&lt;p&gt;Escaped&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;") == "Escaped"


def test_plain_text_is_one_tidy_line():
    assert plain_text("  Tom\u00a0&amp;\u200b Jerry \n ") == "Tom & Jerry"
    assert plain_text("a < b") == "a < b"
    assert plain_text(12) == "12"
    assert plain_text("") is None and plain_text(None) is None and plain_text(["x"]) is None


def test_the_same_fields_give_the_same_bytes(content):
    run_import(content, [v3_service(1)])
    first = (content / "services" / "lunch-club-1" / "service.yaml").read_bytes()
    shutil.rmtree(content / "services" / "lunch-club-1")
    run_import(content, [copy.deepcopy(v3_service(1))])
    assert (content / "services" / "lunch-club-1" / "service.yaml").read_bytes() == first

"""The content loader: every broken case is reported with its file, line and field."""

import datetime
import shutil

import pytest

from directory.content import ERROR, WARNING, load_directory

from .conftest import FIXTURES

TODAY = datetime.date(2026, 11, 26)


def with_case(content, case, slug=None):
    """Put a broken fixture file into a copy of the test content as a service."""
    slug = slug or case.replace("_", "-")
    folder = content / "services" / slug
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "broken" / f"{case}.yaml", folder / "service.yaml")
    return f"content/services/{slug}/service.yaml"


def test_fixture_content_loads_cleanly(fixture_content):
    directory = load_directory(fixture_content, today=TODAY)
    assert directory.problems == []
    service = directory.services["riverside-advice-centre"]
    assert service.locations[0].latitude == 52.478  # from postcodes.csv
    assert service.locations[0].area == "riverside"
    assert directory.aliases == {"riverside-advice": "riverside-advice-centre"}


@pytest.mark.parametrize("case, line, field, message", [
    ("bad_yaml", 3, "categories", "not valid YAML"),
    ("missing_field", 1, "summary", "is required but missing"),
    ("wrong_type", 12, "minimum_age", "should be a whole number, not text"),
    ("unknown_category", 8, "categories[1]", "'lunch-clubs' is not a category in taxonomy.yaml"),
    ("duplicate_slug", 13, "previous_slugs[0]",
     "duplicate slug 'riverside-advice-centre': content/services/riverside-advice-centre/service.yaml"),
    ("bad_postcode", 13, "locations[0].address.postcode", "'BK99 XYZ' is not a valid UK postcode"),
    ("not_utf8", 1, "name", "not UTF-8"),
])
def test_broken_case_names_file_line_and_field(fixture_content, case, line, field, message):
    file = with_case(fixture_content, case)
    directory = load_directory(fixture_content, today=TODAY)
    errors = [p for p in directory.errors if p.file == file]
    assert len(errors) == 1, errors
    problem = errors[0]
    assert (problem.line, problem.field) == (line, field)
    assert message in problem.message
    assert str(problem).startswith(f"{file}:{line}: {field}: ")
    # The broken entry is left out; the good one is still there.
    assert case.replace("_", "-") not in directory.services
    assert "riverside-advice-centre" in directory.services


def test_every_problem_in_a_file_is_reported_at_once(fixture_content):
    file = with_case(fixture_content, "many_problems")
    directory = load_directory(fixture_content, today=TODAY)
    found = {(p.line, p.field) for p in directory.errors if p.file == file}
    assert found == {
        (7, "delivery[1]"),
        (9, "phones[0].number"),
        (13, "schedules[0].closes"),
        (16, "adress"),
    }


def test_unknown_field_suggests_the_right_name(fixture_content):
    service = fixture_content / "services" / "riverside-advice-centre" / "service.yaml"
    service.write_text(service.read_text().replace("summary:", "sumary:"))
    directory = load_directory(fixture_content, today=TODAY)
    messages = [p.message for p in directory.errors]
    assert any("did you mean 'summary'" in m for m in messages), messages


def test_opening_times_are_not_read_as_numbers(fixture_content):
    service = fixture_content / "services" / "riverside-advice-centre" / "service.yaml"
    service.write_text(service.read_text().replace('"10:00"', "10:00"))
    directory = load_directory(fixture_content, today=TODAY)
    assert directory.problems == []
    assert directory.services["riverside-advice-centre"].locations[0].schedules[0].opens == "10:00"


def test_old_review_date_is_a_warning_not_an_error(fixture_content):
    directory = load_directory(fixture_content, today=datetime.date(2027, 9, 1))
    assert [p.severity for p in directory.problems] == [WARNING]
    assert directory.problems[0].field == "last_reviewed"
    assert "riverside-advice-centre" in directory.services


def test_broken_taxonomy_category_leaves_the_others(fixture_content):
    taxonomy = fixture_content / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("group: adult-social-care", "group: social"))
    directory = load_directory(fixture_content, today=TODAY)
    assert [(p.file, p.line, p.field) for p in directory.errors] == [
        ("content/taxonomy.yaml", 5, "categories[0].group")]
    assert list(directory.categories) == ["benefits-and-money"]


def test_broken_site_file_falls_back_and_reports(fixture_content):
    (fixture_content / "site.yaml").write_text("council: [unclosed\n")
    directory = load_directory(fixture_content, today=TODAY)
    assert directory.errors[0].file == "content/site.yaml"
    assert directory.site.languages[0].code == "en"


def test_duplicate_yaml_key_is_an_error(fixture_content):
    service = fixture_content / "services" / "riverside-advice-centre" / "service.yaml"
    service.write_text(service.read_text() + "name: Another name\n")
    directory = load_directory(fixture_content, today=TODAY)
    problem = directory.errors[0]
    assert (problem.line, problem.field) == (30, "name")
    assert "appears twice" in problem.message and "line 1" in problem.message


def test_missing_content_folder_is_reported(tmp_path):
    directory = load_directory(tmp_path / "nowhere", today=TODAY)
    assert directory.services == {}
    assert "does not exist" in directory.errors[0].message


def test_sample_content_has_no_problems():
    directory = load_directory(FIXTURES.parent.parent / "content")
    assert [str(p) for p in directory.problems] == []
    assert len(directory.services) >= 60
    assert all(directory.services_in(slug) for slug in directory.categories)
    assert ERROR == "error"

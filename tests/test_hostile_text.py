"""Issue 12, item 10: markup typed into a plain-text field never reaches a page or the API.

The attack: `<script>` and `<img src=x onerror=...>` in a name or description, and an
imported e-mail `a"><svg/onload=alert(1)>@evil.com`, went out verbatim from the ORUK API,
for another council's website to show.  Now content-check refuses markup in every text
field (service, translation, easy read, location), the e-mail rule is strict, and the API
strips markup from every string it sends even if something slipped past the loader.
"""

import json

import pytest

from directory.content import load_directory
from directory.content.schema import INVALID, Email
from directory.oruk.api import plain
from directory.search import build, index_root

from .conftest import make_app
from .test_content_loader import TODAY
from .test_oruk_import import content, run_import, v1_service  # noqa: F401 (content is a fixture)

HOSTILE_EMAIL = 'a"><svg/onload=alert(1)>@evil.com'
SERVICE = "services/riverside-advice-centre"


def _edit(fixture_content, old, new, name="service.yaml"):
    path = fixture_content / SERVICE / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(fixture_content):
    directory = load_directory(fixture_content, today=TODAY)
    return directory, [p for p in directory.errors if p.file.endswith(f"{SERVICE}/service.yaml")
                       or "/riverside-advice-centre/" in p.file]


@pytest.mark.parametrize("old, new, field", [
    ("name: Riverside Advice Centre", "name: <script>alert(1)</script> Riverside", "name"),
    ("summary: Free advice", "summary: <img src=x onerror=alert(1)>Free advice", "summary"),
    ("  We help with benefits", "  We help <b>with</b> benefits", "description"),
    ("  - name: Riverside Library", "  - name: Riverside <!-- x --> Library", "locations[0].name"),
    ("      line1: 2 Mill Lane", "      line1: 2 Mill Lane</p>", "locations[0].address.line1"),
])
def test_markup_in_a_text_field_is_an_error_naming_the_field(fixture_content, old, new, field):
    _edit(fixture_content, old, new)
    directory, errors = _errors(fixture_content)
    assert [p.field for p in errors] == [field]
    assert "markup" in errors[0].message and "plain text" in errors[0].message
    assert "riverside-advice-centre" not in directory.services   # left out of the site


@pytest.mark.parametrize("text", ["For children under 5 (<5) and adults", "If a < b then ask us",
                                  "Tea & cake, 1 > 0"])
def test_angle_brackets_in_ordinary_text_are_not_markup(fixture_content, text):
    _edit(fixture_content, "summary: Free advice on benefits, debt and bills.", f'summary: "{text}"')
    directory, errors = _errors(fixture_content)
    assert errors == []
    assert directory.services["riverside-advice-centre"].summary == text


def test_markup_in_a_translation_is_an_error(fixture_content):
    directory = load_directory(fixture_content, today=TODAY)
    from directory.content.translations import template

    text = template(directory.services["riverside-advice-centre"], "ur")
    folder = fixture_content / SERVICE / "translations"
    folder.mkdir()
    hostile = text.replace('name: "Riverside Advice Centre"',
                           '''name: "<a href='javascript:x'>Riverside</a>"''', 1)
    assert hostile != text
    (folder / "ur.yaml").write_text(hostile, encoding="utf-8")
    directory = load_directory(fixture_content, today=TODAY)
    problems = [p for p in directory.problems if p.file.endswith("translations/ur.yaml")]
    assert [p.field for p in problems if "markup" in p.message] == ["fields.name"]


@pytest.mark.parametrize("address", [
    HOSTILE_EMAIL, "a@b", "two@@example.org", "space @example.org", "dots..x@example.org",
    "x@-example.org", "x@example.org.", "<x@example.org>", "x@example.org\nBcc:y@example.org",
    "x@exa_mple.org",
])
def test_email_rule_refuses_what_is_not_an_address(address):
    assert Email().check(address, ("email",), lambda *args: None) is INVALID


@pytest.mark.parametrize("address", [
    "advice@example.org", "first.last+carers@sub.example.co.uk", "o'brien@example.org",
    "ADVICE@EXAMPLE.ORG", "a_b-c@x-y.example.museum",
])
def test_email_rule_takes_real_addresses(address):
    assert Email().check(address, ("email",), lambda *args: None) == address


def test_hostile_email_in_service_yaml_is_an_error(fixture_content):
    _edit(fixture_content, "organisation:", f"email: '{HOSTILE_EMAIL}'\norganisation:")
    _, errors = _errors(fixture_content)
    assert [p.field for p in errors] == ["email"]


def test_hostile_feed_imports_as_plain_text_and_the_api_sends_none(content, tmp_path):  # noqa: F811
    record = v1_service(9, name="<script>alert(1)</script>Carers Cafe",
                        description="<p>Tea <img src=x onerror=alert(1)> and cake.</p>",
                        email=HOSTILE_EMAIL)
    summary = run_import(content, [record])
    report = "\n".join(summary.lines())
    assert "is not an e-mail address; left out" in report
    directory = load_directory(content, today=TODAY)
    assert directory.errors == []
    (service,) = directory.services.values()
    assert "<" not in service.name and "<" not in service.description
    assert service.email is None

    instance = tmp_path / "instance"
    build(directory, index_root(instance))
    client = make_app(content, INSTANCE_DIR=instance).test_client()
    answer = client.get(f"/api/oruk/v3/services/{service.id}").get_data(as_text=True)
    assert "<" not in json.loads(answer)["name"] and "svg" not in answer and "onerror" not in answer


def test_api_strips_markup_that_slipped_past_the_loader(app):
    client = app.test_client()
    service = next(iter(app.extensions["directory"].services.values()))
    service.name = "<img src=x onerror=alert(1)>Day centre"
    service.description = "Line one.\n\n<script>steal()</script>Line <b>two</b>."
    found = client.get(f"/api/oruk/v3/services/{service.id}").get_json()
    assert found["name"] == "Day centre"
    assert found["description"] == "Line one.\n\nLine two."
    listed = client.get("/api/oruk/v3/services?per_page=500").get_data(as_text=True)
    assert "onerror" not in listed and "<img" not in listed


@pytest.mark.parametrize("value, expected", [
    ("a < b & c", "a < b & c"),
    ("&lt;script&gt; is text here", "&lt;script&gt; is text here"),
    ({"k": ["<b>bold</b>", 3, None]}, {"k": ["bold", 3, None]}),
    ("<<script>script>alert(1)<</script>/script>", ""),
    ("<<b>b>bold<</b>/b> &lt;i&gt;", "bold "),
])
def test_plain_leaves_no_tag_opening(value, expected):
    assert plain(value) == expected

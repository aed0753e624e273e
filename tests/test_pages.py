"""Every page of the sample site, fetched through the checked client."""

import pytest

from directory import current_directory

from .conftest import make_app


def test_home_lists_every_category_with_services(app, client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    with app.app_context():
        directory = current_directory()
        for category in directory.categories.values():
            assert f'href="/categories/{category.slug}"' in page
    assert "Brackenford Borough Council" in page


def test_every_category_page(app, client):
    with app.app_context():
        categories = list(current_directory().categories.values())
        expected = {c.slug: current_directory().services_in(c.slug) for c in categories}
    for category in categories:
        page = client.get(f"/categories/{category.slug}").get_data(as_text=True)
        assert f"<h1 class=\"govuk-heading-xl\">{category.name}</h1>" in page
        for service in expected[category.slug]:
            assert f'href="/services/{service.slug}"' in page


def test_every_service_page(app, client):
    with app.app_context():
        services = list(current_directory().services.values())
    assert len(services) >= 60
    for service in services:
        response = client.get(f"/services/{service.slug}")
        assert response.status_code == 200, service.slug
        assert "This information was last checked on" in response.get_data(as_text=True)


def test_service_page_shows_what_a_resident_needs(client):
    page = client.get("/services/brackenford-carers-centre").get_data(as_text=True)
    for text in [
        "Brackenford Carers Centre",                   # what it is
        "Adult carers of any age over 18",             # who it is for
        "Ages 18 and over.",
        'href="tel:+441214960210"',                    # how to contact
        "0121 496 0210",
        "Textphone or Relay UK",
        "mailto:hello@brackenfordcarers.example.org",
        "14 Chapel Street", "BK1 6FR",                 # where
        "Monday to Friday: 9:30am to 4:30pm",          # when
        "First Saturday of the month only",
        "Free.",                                       # cost
        "Polish", "Urdu", "Punjabi",                   # languages spoken
        "Hearing loop", "Step-free access",            # accessibility of the venue
        "British Sign Language (BSL) interpreter if you ask",
        "2 October 2026",                              # last reviewed
    ]:
        assert text in page, text


def test_description_lists_become_bulleted_lists(client):
    page = client.get("/services/brackenford-carers-centre").get_data(as_text=True)
    assert '<ul class="govuk-list govuk-list--bullet"><li>understand your rights as a carer</li>' in page


def test_old_slug_redirects_to_the_entry(fixture_content):
    client = make_app(fixture_content).test_client()
    response = client.get("/services/riverside-advice")
    assert response.status_code == 301
    assert response.headers["Location"] == "/services/riverside-advice-centre"


@pytest.mark.parametrize("path", ["/services/no-such-service", "/categories/no-such-category",
                                  "/no/such/page", "/en/services/brackenford-carers-centre"])
def test_not_found_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert "0121 496 0100" in page


def test_server_error_page(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "a bug" not in page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["services"] >= 60
    assert body["content_errors"] == 0


def test_broken_entry_does_not_take_the_site_down(fixture_content, caplog):
    broken = fixture_content / "services" / "broken-entry"
    broken.mkdir()
    (broken / "service.yaml").write_text("name: [not closed\n")
    client = make_app(fixture_content).test_client()
    assert client.get("/").status_code == 200
    assert client.get("/services/riverside-advice-centre").status_code == 200
    assert client.get("/services/broken-entry").status_code == 404
    assert client.get("/healthz").get_json()["content_errors"] == 1
    assert "content/services/broken-entry/service.yaml:1: name:" in caplog.text


def test_broken_site_file_still_serves(fixture_content):
    (fixture_content / "site.yaml").write_text("council: [unclosed\n")
    client = make_app(fixture_content).test_client()
    assert client.get("/").status_code == 200
    assert client.get("/services/riverside-advice-centre").status_code == 200


def test_html_page_has_lang_and_stylesheet(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr" class="govuk-template">' in page
    assert '<link rel="alternate" hreflang="en" href="/">' in page
    assert 'rel="stylesheet" href="/static/app.' in page


def test_no_gov_uk_branding(client, app):
    page = client.get("/").get_data(as_text=True)
    assert "govuk-logo" not in page and "Crown copyright" not in page
    css_name = app.extensions["assets"]["app.css"]
    with client.get(f"/static/{css_name}") as response:
        css = response.get_data(as_text=True)
    assert "GDS Transport" not in css
    assert "@font-face" not in css


def test_templates_raise_on_undefined_values(app):
    import jinja2
    with app.test_request_context("/"):
        template = app.jinja_env.from_string("{{ service.missing_field }}")
        with pytest.raises(jinja2.UndefinedError):
            template.render(service=None)
        with pytest.raises(jinja2.UndefinedError):
            app.jinja_env.from_string("{{ nothing_here }}").render()
        # Truth tests on optional values, as GOV.UK Frontend's macros make, still work.
        assert app.jinja_env.from_string("{% if nothing_here %}x{% endif %}ok").render() == "ok"

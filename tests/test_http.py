"""What every response carries: security headers, no cookies, escaping, compression, caching."""

from .conftest import make_app


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_or_style(client):
    for path in ["/", "/services/brackenford-carers-centre", "/categories/carers", "/nope"]:
        page = client.get(path).get_data(as_text=True)
        assert "<script" not in page
        assert "style=" not in page and "<style" not in page


def test_residents_get_no_cookies(client):
    for path in ["/", "/services/brackenford-carers-centre", "/categories/carers", "/nope",
                 "/healthz"]:
        assert "Set-Cookie" not in client.get(path).headers


def test_content_text_is_escaped(fixture_content):
    # The content check refuses markup in text fields (test_hostile_text.py); the templates
    # escape whatever reaches them all the same, so text slipped into a loaded entry is text.
    app = make_app(fixture_content)
    service = app.extensions["directory"].services["riverside-advice-centre"]
    service.description = "We help <script>alert(1)</script> & <b>bold</b>."
    service.organisation.name = "Trust <img src=x onerror=alert(1)>"
    page = app.test_client().get("/services/riverside-advice-centre").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_markup_in_a_content_file_keeps_the_entry_off_the_site(fixture_content):
    service = fixture_content / "services" / "riverside-advice-centre" / "service.yaml"
    service.write_text(service.read_text().replace(
        "We help with benefits, debts and bills.", "We help <script>alert(1)</script>."))
    client = make_app(fixture_content).test_client()
    assert client.get("/services/riverside-advice-centre").status_code == 404


def test_html_is_gzipped_when_asked(client):
    plain = client.get("/services/brackenford-carers-centre")
    zipped = client.get("/services/brackenford-carers-centre",
                        headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(plain.data) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "app;dur=" in zipped.headers["Server-Timing"]


def test_fingerprinted_assets_are_cached_for_a_long_time(app, client):
    name = app.extensions["assets"]["app.css"]
    with client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"}) as response:
        response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/css")

"""Security headers on pages and on /static/ files, HSTS over HTTPS, and our own 416 page."""

from .conftest import ROOT, make_app

WITH_BSL = "brackenford-deaf-centre"
HSTS = "max-age=63072000; includeSubDomains"


def _static_url(app):
    name = next(iter(app.extensions["assets"].values()))
    return f"/static/{name}"


def test_static_files_carry_the_pages_security_headers(app, client):
    with client.get(_static_url(app)) as response:
        assert response.status_code == 200
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Access-Control-Allow-Origin" not in headers
        assert "Strict-Transport-Security" not in headers      # plain HTTP: no HSTS


def test_hsts_only_over_https(client, app):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == HSTS
    with client.get(_static_url(app), base_url="https://localhost") as static:
        assert static.headers["Strict-Transport-Security"] == HSTS
    missing = client.get("/no-such-page", base_url="https://localhost")
    assert missing.status_code == 404 and missing.headers["Strict-Transport-Security"] == HSTS


def test_hsts_behind_a_proxy_that_says_https(instance_dir):
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, PROXY_HOPS=1)
    client = app.test_client()
    proxied = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert proxied.headers["Strict-Transport-Security"] == HSTS
    with client.get(_static_url(app), headers={"X-Forwarded-Proto": "https"}) as static:
        assert static.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/").headers
    # Without a proxy configured, a client cannot claim HTTPS by a header.
    direct = make_app(ROOT / "content", INSTANCE_DIR=instance_dir).test_client()
    assert "Strict-Transport-Security" not in direct.get(
        "/", headers={"X-Forwarded-Proto": "https"}).headers


def test_a_multi_range_request_gets_our_page_in_the_readers_language(app, client):
    bsl = app.extensions["directory"].services[WITH_BSL].bsl
    size = bsl.media["bytes"]
    url = f"/services/{WITH_BSL}/bsl/{bsl.video}"
    for page_url, words in [(None, "That part of the file cannot be sent"),   # the video's own page
                            (f"http://localhost/pl/services/{WITH_BSL}/bsl", "Nie można wysłać tej części pliku")]:
        headers = {"Range": "bytes=0-1,5-6,9-10"} | ({"Referer": page_url} if page_url else {})
        with client.get(url, headers=headers) as response:
            assert response.status_code == 416
            page = response.get_data(as_text=True)
            assert words in page and "<h1" in page
            assert response.headers["Content-Range"] == f"bytes */{size}"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(f"/services/{WITH_BSL}/bsl/{bsl.video}",
                    headers={"Range": f"bytes={size + 10}-"}) as beyond:
        assert beyond.status_code == 416 and "That part of the file" in beyond.get_data(as_text=True)

"""Issue 13, item 11: signing in over plain HTTP on another host says what is wrong.

The session cookie is Secure, so a browser drops it over http:// on any host but this
machine, and every sign-in used to end in "The page was open for too long, or it came
from another website".  Now the sign-in and invite pages say before anyone types a
password that the site needs HTTPS, link to the https:// address, and name the
development setting; production refuses that setting.
"""

import shutil

import pytest

from directory import InsecureCookies, create_app

from .conftest import ROOT, make_app
from .workflow import _TOKEN, PASSWORD, add_user

LAN = "http://192.168.1.20:5000"


@pytest.mark.parametrize("path", ["/sign-in", "/invite/some-token", "/pl/sign-in?next=/review"])
def test_plain_http_on_another_host_says_https_is_needed(db_app, path):
    response = db_app.test_client().get(path, base_url=LAN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="https://192.168.1.20{path}"' in page
    assert "DIRECTORY_SECURE_COOKIES=0" in page
    assert 'name="password"' not in page                    # nobody types a password in vain
    if path.startswith("/pl/"):
        assert "Logowanie wymaga bezpiecznego połączenia" in page


@pytest.mark.parametrize("base_url", ["http://localhost", "http://127.0.0.1:5000", "http://[::1]:5000",
                                      "https://directory.example.gov.uk"])
def test_secure_or_local_addresses_sign_in_as_before(db_app, base_url):
    page = db_app.test_client().get("/sign-in", base_url=base_url)
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)


def test_behind_a_proxy_the_forwarded_scheme_counts(instance_dir, database_template):
    shutil.copy(database_template, instance_dir / "directory.sqlite3")
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, PROXY_HOPS=1)
    response = app.test_client().get("/sign-in", base_url="http://directory.example.gov.uk",
                                     headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.4"})
    assert response.status_code == 200


def test_the_development_setting_lets_a_local_network_sign_in(instance_dir, database_template, monkeypatch):
    shutil.copy(database_template, instance_dir / "directory.sqlite3")
    monkeypatch.setenv("DIRECTORY_SECURE_COOKIES", "0")
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    add_user(app, "r@example.org", "reviewer", "ur")
    client = app.test_client()
    page = client.get("/sign-in", base_url=LAN)
    assert page.status_code == 200
    token = _TOKEN.search(page.get_data(as_text=True))
    response = client.post("/sign-in", base_url=LAN, data={
        "csrf_token": token.group(1) or token.group(2), "email": "r@example.org", "password": PASSWORD})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in cookie for cookie in cookies)


def test_production_refuses_insecure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("DIRECTORY_SECURE_COOKIES", "0")
    with pytest.raises(InsecureCookies, match="never for production"):
        create_app({"CONTENT_DIR": ROOT / "content", "INSTANCE_DIR": tmp_path / "instance",
                    "DIRECTORY_ENV": "production", "SECRET_KEY": "9f" * 32})

"""Issue 13, item 8: QR codes, invite links and API addresses point where the site is.

They all said http://127.0.0.1:5000 whatever address the site was served at.  Now a page,
leaflet or API answer uses DIRECTORY_SITE_URL when it is set, else the address the
request came to; a queued pack carries the address it was asked at; and `directory
check` reports an error when a production site's leaflets would carry a loopback address.
"""

import shutil
import subprocess

import pytest

from directory.checks.content_rules import site_findings
from directory.packs import pack_queue, work_once
from directory.siteurl import LOCAL, is_loopback

from .conftest import ROOT, make_app
from .workflow import signed_in

SITE = "https://directory.example.gov.uk"


def test_the_api_gives_the_address_the_request_came_to(client):
    page = client.get("/api/oruk/v3/services", base_url=SITE).get_json()
    service = client.get(f"/api/oruk/v3/services/{page['contents'][0]['id']}", base_url=SITE).get_json()
    text = str(service)
    assert SITE + "/" in text and "127.0.0.1" not in text


def test_a_configured_address_wins_over_the_requests(instance_dir):
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, SITE_URL="https://care.example.gov.uk/")
    page = app.test_client().get("/api/oruk/v3/services", base_url="http://10.0.0.5:5000").get_json()
    service = app.test_client().get(f"/api/oruk/v3/services/{page['contents'][0]['id']}").get_json()
    assert "https://care.example.gov.uk/" in str(service) and "10.0.0.5" not in str(service)


def test_an_invite_link_starts_with_the_sites_address(db_app):
    admin = signed_in(db_app, "a@example.org", "admin")
    from .test_attack_accounts import post_invite

    page = post_invite(admin, "new@example.org").get_data(as_text=True)
    assert "http://localhost/invite/" in page and "127.0.0.1:5000" not in page


def test_a_queued_pack_points_where_it_was_asked_for(app, tmp_path):
    client = app.test_client()
    path = "/pack.pdf?s=form-friends&format=large-print"
    assert client.get(path, base_url=SITE).status_code == 202
    assert pack_queue(app).pending() == 1
    assert work_once(app) is not None
    with client.get(path, base_url=SITE) as made:
        assert made.status_code == 200
        (tmp_path / "pack.pdf").write_bytes(made.get_data())
    text = "".join(subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    assert f"{SITE}/services/form-friends" in text and "127.0.0.1" not in text


@pytest.mark.parametrize("url, loopback", [
    (LOCAL, True), ("http://localhost:8000", True), ("http://[::1]/", True), ("http://127.1.2.3", True),
    ("https://care.example.gov.uk", False), ("http://192.168.1.20:5000", False)])
def test_loopback_addresses(url, loopback):
    assert is_loopback(url) is loopback


def test_check_flags_a_production_site_without_its_address():
    flagged = site_findings({"SITE_URL": None}, "production")
    assert [f.rule for f in flagged] == ["site_url_loopback"]
    assert "DIRECTORY_SITE_URL is not set" in flagged[0].message
    assert [f.rule for f in site_findings({"SITE_URL": "http://localhost:5000"}, "production")] == \
        ["site_url_loopback"]


def test_check_passes_a_production_site_with_its_address_and_any_development_site():
    assert site_findings({"SITE_URL": "https://care.example.gov.uk"}, "production") == []
    assert site_findings({"SITE_URL": None}, "development") == []


def test_the_check_command_reports_it_on_a_production_site(instance_dir, database_template, monkeypatch):
    from directory.cli import main

    shutil.copy(database_template, instance_dir / "directory.sqlite3")
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, DIRECTORY_ENV="production",
                   SECRET_KEY="9f" * 32)
    result = app.test_cli_runner().invoke(main, ["check", "--entry", "form-friends", "--no-browser",
                                                 "--jobs", "1"])
    assert result.exit_code == 1
    assert "site_url_loopback" in result.output and "DIRECTORY_SITE_URL is not set" in result.output

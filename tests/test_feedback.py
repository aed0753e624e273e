"""Resident feedback: on every service page in every language, anonymous, spam resistant."""

import re

import pytest
from sqlalchemy import func, select

from directory.db import db
from directory.models import Feedback

from .workflow import csrf_token, signed_in

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def form_token(client, path):
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Feedback))


@pytest.mark.parametrize("code", ["", "/bn", "/ur", "/pl", "/ro", "/ar"])
def test_every_service_page_asks_in_its_language(db_app, code):
    html = db_app.test_client().get(f"{code}/services/form-friends").get_data(as_text=True)
    assert 'id="feedback-message"' in html and f'action="{code}/services/form-friends/feedback"' in html
    if code:
        assert "Is something wrong with this page" not in html   # translated


def test_a_residents_feedback_reaches_staff(db_app):
    client = db_app.test_client()
    token = form_token(client, "/ur/services/form-friends")
    response = client.post("/ur/services/form-friends/feedback",
                           data={"token": token, "message": "The phone number is wrong.", "website": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/ur/services/form-friends/feedback/sent"
    assert "Set-Cookie" not in response.headers
    assert client.get(response.headers["Location"]).status_code == 200
    staff = signed_in(db_app, "s@example.org", "staff")
    dashboard = staff.get("/staff").get_data(as_text=True)
    assert "The phone number is wrong." in dashboard and "(ur)" in dashboard

    # Staff act on it, with a status.
    with db_app.app_context():
        item = db.session.scalar(select(Feedback))
    token = csrf_token(staff, "/staff")
    response = staff.post(f"/staff/feedback/{item.id}", data={"csrf_token": token, "status": "done",
                                                              "note": "Fixed in service.yaml"})
    assert response.status_code == 302
    with db_app.app_context():
        assert db.session.get(Feedback, item.id).status == "done"
    assert "Changed feedback status" in staff.get("/staff/audit").get_data(as_text=True)


def test_empty_and_long_feedback_are_refused_keeping_the_text(db_app):
    client = db_app.test_client()
    token = form_token(client, "/services/form-friends")
    response = client.post("/services/form-friends/feedback", data={"token": token, "message": "   "})
    assert response.status_code == 400 and "Enter what is wrong" in response.get_data(as_text=True)
    long = "x" * 1201
    response = client.post("/services/form-friends/feedback", data={"token": token, "message": long})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "1,200 characters or fewer" in html and long in html
    assert count(db_app) == 0


@pytest.mark.parametrize("token", [None, "", "forged.token.value"])
def test_feedback_without_a_good_token_is_refused(db_app, token):
    client = db_app.test_client()
    data = {"message": "Hello"} | ({"token": token} if token is not None else {})
    response = client.post("/services/form-friends/feedback", data=data)
    assert response.status_code == 400 and "Hello" in response.get_data(as_text=True)
    assert count(db_app) == 0


def test_a_token_for_another_page_is_refused(db_app):
    client = db_app.test_client()
    token = form_token(client, "/services/form-friends")
    response = client.post("/services/brackenford-deaf-centre/feedback", data={"token": token, "message": "Hi"})
    assert response.status_code == 400 and count(db_app) == 0


def test_the_hidden_field_must_stay_empty(db_app):
    client = db_app.test_client()
    token = form_token(client, "/services/form-friends")
    response = client.post("/services/form-friends/feedback",
                           data={"token": token, "message": "Cheap pills", "website": "http://spam.example"})
    assert response.status_code == 400 and count(db_app) == 0


def test_feedback_sent_too_fast_is_refused(db_app):
    db_app.config["FEEDBACK_MIN_SECONDS"] = 3
    client = db_app.test_client()
    token = form_token(client, "/services/form-friends")
    response = client.post("/services/form-friends/feedback", data={"token": token, "message": "Hi"})
    assert response.status_code == 400 and count(db_app) == 0
    assert "Check your message, then send it again." in response.get_data(as_text=True)


def test_feedback_is_rate_limited(db_app):
    client = db_app.test_client()
    token = form_token(client, "/services/form-friends")
    for number in range(10):
        assert client.post("/services/form-friends/feedback",
                           data={"token": token, "message": f"Message {number}"}).status_code == 302
    response = client.post("/services/form-friends/feedback", data={"token": token, "message": "One more"})
    assert response.status_code == 429 and "One more" in response.get_data(as_text=True)
    assert count(db_app) == 10


def test_feedback_for_an_unknown_service_is_not_found(db_app):
    assert db_app.test_client().post("/services/no-such/feedback", data={"message": "x"}).status_code == 404


def test_script_in_feedback_is_text_everywhere(db_app):
    client = db_app.test_client()
    token = form_token(client, "/services/form-friends")
    evil = '<script>alert("x")</script>=HYPERLINK("http://evil.example","click")'
    assert client.post("/services/form-friends/feedback", data={"token": token, "message": evil}).status_code == 302
    staff = signed_in(db_app, "s@example.org", "staff")
    html = staff.get("/staff").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html and "&lt;script&gt;" in html
    csv = staff.get("/staff/feedback.csv").get_data(as_text=True)
    assert '<script>alert(""x"")</script>=HYPERLINK' in csv   # text, quoted by the CSV writer
    token = form_token(client, "/services/form-friends")
    client.post("/services/form-friends/feedback", data={"token": token, "message": "=cmd|' /C calc'!A0"})
    csv = staff.get("/staff/feedback.csv").get_data(as_text=True)
    assert "'=cmd|" in csv and "\n=cmd" not in csv and ",=cmd" not in csv


@pytest.mark.parametrize("failure", ["database", "disk"])
def test_a_failed_write_keeps_the_residents_words(db_app, monkeypatch, failure):
    from sqlalchemy.exc import OperationalError

    client = db_app.test_client()
    token = form_token(client, "/ro/services/form-friends")
    real_commit = db.session.commit
    calls = []

    def failing_commit():
        calls.append(1)
        if len(calls) == 2:   # the rate limit's count is kept; the feedback row is not
            if failure == "disk":
                raise OSError(28, "No space left on device")
            raise OperationalError("INSERT INTO feedback", {}, Exception("could not extend file: No space left"))
        return real_commit()

    monkeypatch.setattr(db.session, "commit", failing_commit)
    words = "Programul e greșit <b>luni</b>.\nVă rog să-l schimbați."
    response = client.post("/ro/services/form-friends/feedback", data={"token": token, "message": words})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert '<html lang="ro"' in page and "Mesajul dvs. nu a putut fi salvat" in page
    assert "Programul e greșit &lt;b&gt;luni&lt;/b&gt;.\nVă rog să-l schimbați.</textarea>" in page
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert count(db_app) == 0
    token = TOKEN.search(page).group(1)   # the page gave a fresh token: sending again works
    assert client.post("/ro/services/form-friends/feedback",
                       data={"token": token, "message": words}).status_code == 302
    assert count(db_app) == 1

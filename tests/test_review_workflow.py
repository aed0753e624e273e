"""The review workflow, end to end: invited reviewer, queue, side by side, decision, stale."""

import json
import re
import shutil

from sqlalchemy import select

from directory.db import db
from directory.models import Review

from .conftest import ROOT, make_app
from .test_accounts import accept, invite_link
from .workflow import csrf_token, signed_in


def pictures(answer, entry="form-friends"):
    """An answer for each picture of an entry's easy read (one question a picture, issue 13 item 9)."""
    import yaml
    count = len(yaml.safe_load((ROOT / "content" / "services" / entry / "easy-read.yaml").read_text())["points"])
    return {f"picture_{number}": answer for number in range(1, count + 1)}


def review(client, path, answers, decision, comments="", technology=""):
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    data = {"csrf_token": token, "version": version, "decision": decision, "comments": comments,
            "assistive_technology": technology, **{f"answer_{k}": v for k, v in answers.items()}}
    return client.post(path, data=data)


def test_an_invited_reviewer_reviews_urdu_and_easy_read_and_the_dashboard_shows_it(db_app):
    staff = signed_in(db_app, "officer@example.org", "staff")
    reviewer = db_app.test_client()
    assert accept(reviewer, invite_link(staff, skills=("ur", "easy-read"))).status_code == 302

    # The queue, filtered to Urdu, lists the Urdu translation; the item shows both side by side.
    queue = reviewer.get("/ur/review?language=ur").get_data(as_text=True)
    assert "/ur/review/form-friends/web/ur" in queue
    page = reviewer.get("/review/form-friends/web/ur").get_data(as_text=True)
    assert "In English" in page and 'lang="ur" dir="rtl"' in page and "Form Friends" in page
    assert "Does it say the same as the English?" in page
    assert "[(&#39;p&#39;" not in page and "[('p'" not in page   # paragraphs, not Python lists
    assert '<p class="govuk-body">Form Friends' in page

    response = review(reviewer, "/review/form-friends/web/ur", {"same": "yes", "natural": "yes"}, "approved")
    assert response.status_code == 302
    response = review(reviewer, "/review/form-friends/easy-read/en", {"understood": "yes", **pictures("no")},
                      "changes", comments="The picture for 'phone' shows a fax machine.")
    assert response.status_code == 302
    mine = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your review has been saved" in mine

    with db_app.app_context():
        saved = db.session.scalars(select(Review).order_by(Review.id)).all()
        assert [(r.format, r.language, r.decision) for r in saved] == [
            ("web", "ur", "approved"), ("easy-read", "en", "changes")]
        assert json.loads(saved[1].answers) == {"understood": "yes", **pictures("no")}
        assert saved[0].reviewer.email == "rukhsana@example.org" and len(saved[0].version) == 32

    csv = staff.get("/staff/coverage.csv?entry=form-friends").get_data(as_text=True)
    assert "form-friends,web,ur,approved" in csv
    assert "form-friends,easy-read,en,changes requested" in csv
    assert "form-friends,web,pl,awaiting review" in csv
    dashboard = staff.get("/staff?entry=form-friends&language=ur&format=web").get_data(as_text=True)
    assert "Approved" in dashboard
    # Approved and decided items leave the queue.
    queue = reviewer.get("/review?language=ur&format=web").get_data(as_text=True)
    assert "/review/form-friends/web/ur" not in queue


def test_an_approval_goes_stale_when_the_content_changes(tmp_path, database_template):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(database_template, instance / "directory.sqlite3")
    app = make_app(content, INSTANCE_DIR=instance)
    reviewer = signed_in(app, "r@example.org", "reviewer", "ur")
    assert review(reviewer, "/review/form-friends/web/ur", {"same": "yes", "natural": "yes"},
                  "approved").status_code == 302
    assert "/review/form-friends/web/ur" not in reviewer.get("/review?language=ur").get_data(as_text=True)

    translation = content / "services" / "form-friends" / "translations" / "ur.yaml"
    translation.write_text(translation.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = make_app(content, INSTANCE_DIR=instance)
    client = changed.test_client()
    from .workflow import sign_in
    sign_in(client, "r@example.org")
    queue = client.get("/review?language=ur").get_data(as_text=True)
    assert "/review/form-friends/web/ur" in queue and "Changed since review" in queue


def test_a_decision_is_never_recorded_on_information_that_changed_meanwhile(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "ur")
    token = csrf_token(reviewer, "/review/form-friends/web/ur")
    response = reviewer.post("/review/form-friends/web/ur", data={
        "csrf_token": token, "version": "0" * 32, "answer_same": "yes", "answer_natural": "yes",
        "decision": "approved"})
    assert response.status_code == 400 and "changed while you were reviewing" in response.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.scalar(select(Review)) is None


def test_review_form_names_what_is_missing(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "assistive-technology")
    response = review(reviewer, "/review/form-friends/web/en", {}, "changes")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "govuk-error-summary" in html
    assert "Choose yes, no or not sure" in html and "Say what needs to change" in html
    assert "Say which assistive technology you used" in html
    response = review(reviewer, "/review/form-friends/web/en", {"usable": "yes", "found": "yes"}, "approved",
                      technology="NVDA 2026.1 with Firefox")
    assert response.status_code == 302


def test_forged_answers_are_refused(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "ur")
    response = review(reviewer, "/review/form-friends/web/ur", {"same": "definitely", "natural": "yes"},
                      "approved")
    assert response.status_code == 400
    response = review(reviewer, "/review/form-friends/web/ur", {"same": "yes", "natural": "yes"}, "publish")
    assert response.status_code == 400
    assert reviewer.get("/review/no-such-entry/web/ur").status_code == 404
    assert reviewer.get("/review/form-friends/fax/ur").status_code == 404


def test_a_reviewer_cannot_withdraw_another_reviewers_review(db_app):
    first = signed_in(db_app, "one@example.org", "reviewer", "ur")
    second = signed_in(db_app, "two@example.org", "reviewer", "ur")
    assert review(first, "/review/form-friends/web/ur", {"same": "yes", "natural": "yes"},
                  "approved").status_code == 302
    with db_app.app_context():
        review_id = db.session.scalar(select(Review)).id
    token = csrf_token(second, "/review/mine")
    assert second.post(f"/review/withdraw/{review_id}", data={"csrf_token": token}).status_code == 404
    assert "/review/withdraw/" not in second.get("/review/mine").get_data(as_text=True)
    token = csrf_token(first, "/review/mine")
    assert first.post(f"/review/withdraw/{review_id}", data={"csrf_token": token}).status_code == 302
    with db_app.app_context():
        assert db.session.scalar(select(Review)).withdrawn


def test_staff_ask_for_a_review_that_the_checks_did_not_list(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    token = csrf_token(staff, "/staff/requests")
    response = staff.post("/staff/requests", data={"csrf_token": token, "entry": "form-friends",
                                                   "format": "large-print", "language": "pl",
                                                   "note": "A resident said the <b>map</b> is hard to read."})
    assert response.status_code == 302
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "pl")
    queue = reviewer.get("/review?format=large-print").get_data(as_text=True)
    assert "/review/form-friends/large-print/pl" in queue
    assert "&lt;b&gt;map&lt;/b&gt;" in queue and "<b>map</b>" not in queue
    page = reviewer.get("/review/form-friends/large-print/pl").get_data(as_text=True)
    assert "Could you read all of the leaflet easily?" in page


def test_queue_filters_by_skill(db_app):
    reviewer = signed_in(db_app, "deaf@example.org", "reviewer", "bsl")
    queue = reviewer.get("/review").get_data(as_text=True)   # one skill: filtered to it
    links = set(re.findall(r'href="/review/([^"]+/[^"]+)"', queue))
    assert links and all("/bsl/" in link for link in links)
    # Asking for everything still lists only what this reviewer may decide on (issue 12).
    everything = reviewer.get("/review?skill=").get_data(as_text=True)
    links = set(re.findall(r'href="/review/([^"]+/[^"]+)"', everything))
    assert links and all("/bsl/" in link for link in links)


def test_staff_see_what_reviewers_ask_for_as_text(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "easy-read")
    evil = '<img src=x onerror="alert(1)"> The second sentence is too long.'
    assert review(reviewer, "/review/form-friends/easy-read/en", {"understood": "no", **pictures("yes")},
                  "changes", comments=evil).status_code == 302
    staff = signed_in(db_app, "s@example.org", "staff")
    html = staff.get("/staff").get_data(as_text=True)
    assert "The second sentence is too long." in html and '<img src=x onerror' not in html


def test_a_crash_mid_request_leaves_the_database_as_it_was(db_app, monkeypatch):
    import pytest

    from directory import audit
    from directory.models import AuditEvent

    reviewer = signed_in(db_app, "r@example.org", "reviewer", "ur")
    token = csrf_token(reviewer, "/review/form-friends/web/ur")

    def crash(*args, **kwargs):
        db.session.flush()   # the review is written to the database, not yet committed
        raise RuntimeError("the server died half way through")

    monkeypatch.setattr(audit, "log", crash)
    with pytest.raises(RuntimeError):
        review_page = reviewer.get("/review/form-friends/web/ur").get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="([^"]*)"', review_page).group(1)
        reviewer.post("/review/form-friends/web/ur", data={
            "csrf_token": token, "version": version, "answer_same": "yes", "answer_natural": "yes",
            "decision": "approved"})
    with db_app.app_context():
        assert db.session.scalar(select(Review)) is None
        assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["sign-in"]


def test_staff_and_reviewer_pages_pass_the_browser_rules(db_app):
    """axe-core (WCAG 2.2 A/AA), reflow at 320 px and text at 200%, signed in, in Chromium."""
    from directory.checks import browser_rules

    staff = signed_in(db_app, "s@example.org", "admin")
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "ur easy-read ar")
    review(reviewer, "/review/form-friends/easy-read/en", {"understood": "no", **pictures("yes")}, "changes",
           comments="The pictures do not match.")
    client = db_app.test_client()
    token = client.get("/services/form-friends").get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    client.post("/services/form-friends/feedback", data={"token": token, "message": "Wrong phone number."})
    served = browser_rules.Served(db_app)
    pages = {"staff": ["/staff", "/staff/invites", "/staff/requests", "/staff/audit", "/admin/accounts"],
             "reviewer": ["/review", "/ur/review", "/review/form-friends/web/ur", "/ar/review/form-friends/web/ar",
                          "/review/form-friends/easy-read/en", "/ur/review/mine", "/review/mine"]}
    try:
        for who, client in (("staff", staff), ("reviewer", reviewer)):
            cookie = client.get_cookie("directory_session")
            browser = browser_rules.Browser(cookies=[{"name": cookie.key, "value": cookie.value,
                                                      "url": served.url}])
            try:
                async def title_of(path):
                    await browser.tabs[0].goto(served.url + path)
                    return await browser.tabs[0].title()

                # Signed in, so the pages themselves are checked, not the sign-in page.
                assert browser.loop.run_until_complete(title_of(pages[who][-1])).startswith("Your reviews"
                                                                                          if who == "reviewer" else "Accounts")
                found = browser.check_many([(served.url + path, "", "web", "en", path) for path in pages[who]])
            finally:
                browser.close()
            assert found == [], "\n".join(map(str, found))
    finally:
        served.close()

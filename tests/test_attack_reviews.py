"""Issue 12, item 8: a reviewer decides only on what their skills cover.

Before, a reviewer with skills `pl easy-read` recorded decisions on Arabic and BSL items.
"""

import re

import pytest
from sqlalchemy import func, select

from directory.db import db
from directory.models import AuditEvent, Review

from .test_review_workflow import pictures, review
from .workflow import csrf_token, signed_in

OUTSIDE = {"/review/form-friends/web/ar": {"same": "yes", "natural": "yes"},
           "/ar/review/form-friends/web/ar": {"same": "yes", "natural": "yes"},
           "/review/(a BSL item)/bsl/": {"clear": "yes", "matches": "yes"}}
INSIDE = {"/review/form-friends/web/pl": {"same": "yes", "natural": "yes"},
          "/review/form-friends/easy-read/en": {"understood": "yes", **pictures("yes")}}


def written(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Review)),
                [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))])


@pytest.fixture
def reviewer(db_app):
    return signed_in(db_app, "r@example.org", "reviewer", "pl easy-read")


def bsl_item(client):
    """A BSL item of the sample content, as the queue links to it."""
    queue = client.get("/review?format=bsl&skill=").get_data(as_text=True)
    return sorted(set(re.findall(r'href="(/review/[^/"]+/bsl/[^"]+)"', queue)))[0]


@pytest.mark.parametrize("path", sorted(OUTSIDE))
def test_a_decision_outside_the_reviewers_skills_is_refused_and_nothing_written(db_app, reviewer, path):
    if "/bsl/" in path:
        path = bsl_item(signed_in(db_app, "s@example.org", "staff"))
    before = written(db_app)
    token = csrf_token(reviewer, "/review/mine")
    answers = next(iter(OUTSIDE.values())) if "/bsl/" not in path else OUTSIDE["/review/(a BSL item)/bsl/"]
    # The attack as it was run: a well-formed decision posted straight to the item's address.
    response = reviewer.post(path, data={"csrf_token": token, "version": "", "decision": "approved",
                                         "comments": "", **{f"answer_{k}": v for k, v in answers.items()}})
    assert response.status_code == 403
    assert reviewer.get(path).status_code == 403
    assert written(db_app) == before


def test_a_decision_with_the_right_version_outside_skills_is_still_refused(db_app, reviewer):
    """Even with a genuine version (read from a staff member's view of the page)."""
    staff = signed_in(db_app, "s@example.org", "staff")
    page = staff.get("/review/form-friends/web/ar").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    token = csrf_token(reviewer, "/review/mine")
    response = reviewer.post("/review/form-friends/web/ar", data={
        "csrf_token": token, "version": version, "decision": "approved", "answer_same": "yes",
        "answer_natural": "yes"})
    assert response.status_code == 403
    with db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_the_queue_lists_only_the_reviewers_skills(db_app, reviewer):
    for query in ("", "?skill=", "?skill=ar", "?skill=bsl", "?language=ar", "?format=bsl"):
        html = reviewer.get(f"/review{query}").get_data(as_text=True)
        links = set(re.findall(r'href="/review/([^/"]+)/([^/"]+)/([^"]+)"', html))
        assert all(fmt == "easy-read" or lang == "pl" for _, fmt, lang in links), (query, links)
        if query in ("", "?skill="):
            assert ("form-friends", "web", "pl") in links and ("form-friends", "easy-read", "en") in links
        # The skill filter offers only the reviewer's own skills.
        offered = set(re.findall(r'<option value="([^"]+)"', html.split('id="filter-language"')[0]))
        assert offered == {"pl", "easy-read"}


def test_decisions_inside_the_skills_are_recorded(db_app, reviewer):
    for path, answers in INSIDE.items():
        assert review(reviewer, path, answers, "approved").status_code == 302
    with db_app.app_context():
        assert sorted((r.format, r.language) for r in db.session.scalars(select(Review))) == [
            ("easy-read", "en"), ("web", "pl")]


def test_staff_and_admins_may_decide_on_anything(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    assert review(staff, "/review/form-friends/web/ar", {"same": "yes", "natural": "yes"},
                  "approved").status_code == 302
    assert staff.get(bsl_item(staff)).status_code == 200


def test_a_reviewer_without_skills_decides_on_nothing(db_app):
    nobody = signed_in(db_app, "n@example.org", "reviewer", "")
    assert 'href="/review/form-friends/' not in nobody.get("/review").get_data(as_text=True)
    assert nobody.get("/review/form-friends/web/en").status_code == 403

"""Accounts and roles: sign-in, invites, sessions, CSRF, rate limits, the audit log."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from directory import auth
from directory.db import db
from directory.models import AuditEvent, Invite, User, now

from .workflow import PASSWORD, add_user, csrf_token, sign_in, signed_in

STAFF_PAGES = ["/staff", "/staff/coverage.csv", "/staff/feedback.csv", "/staff/invites", "/staff/requests",
               "/staff/audit"]
ADMIN_PAGES = ["/admin/accounts"]
REVIEWER_PAGES = ["/review", "/review/mine", "/ur/review", "/review/form-friends/easy-read/en"]


def actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_password_is_hashed_with_argon2id(db_app):
    add_user(db_app, "r@example.org")
    with db_app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES + REVIEWER_PAGES)
def test_anonymous_people_are_sent_to_sign_in(db_app, path):
    response = db_app.test_client().get(path)
    assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]


@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES)
def test_reviewers_cannot_use_staff_pages(db_app, path):
    client = signed_in(db_app, "r@example.org", "reviewer")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_staff_cannot_use_admin_pages(db_app, path):
    client = signed_in(db_app, "s@example.org", "staff")
    assert client.get(path).status_code == 403
    assert client.post("/admin/accounts/1", data={"csrf_token": csrf_token(client, "/staff"),
                                                  "role": "admin", "active": "y"}).status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES + REVIEWER_PAGES)
def test_admins_can_use_every_page(db_app, path):
    client = signed_in(db_app, "a@example.org", "admin")
    assert client.get(path).status_code == 200


def test_wrong_password_is_refused_with_an_error_summary(db_app):
    add_user(db_app, "r@example.org")
    client = db_app.test_client()
    response = sign_in(client, "r@example.org", "not the password", expect=200)
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "Enter a correct email address and password" in html
    assert 'href="#email"' in html and 'id="email-error"' in html
    assert "<title>Error:" in html
    assert client.get("/review").status_code == 302
    assert actions(db_app) == ["sign-in-failed"]


def test_empty_sign_in_names_each_field(db_app):
    client = db_app.test_client()
    html = client.post("/sign-in", data={"csrf_token": csrf_token(client, "/sign-in")}).get_data(as_text=True)
    assert 'href="#email"' in html and 'href="#password"' in html and "Enter your password" in html


def test_sign_in_in_urdu_shows_urdu_errors(db_app):
    client = db_app.test_client()
    token = csrf_token(client, "/ur/sign-in")
    html = client.post("/ur/sign-in", data={"csrf_token": token}).get_data(as_text=True)
    assert 'lang="ur" dir="rtl"' in html and "Enter your password" not in html


def test_sign_in_is_rate_limited(db_app):
    add_user(db_app, "r@example.org")
    client = db_app.test_client()
    for _ in range(5):
        sign_in(client, "r@example.org", "guess", expect=200)
    # Now even the right password is refused for a while.
    response = sign_in(client, "r@example.org", PASSWORD, expect=429)
    html = response.get_data(as_text=True)
    assert "too many times" in html and 'id="email-error"' in html


def test_session_cookie_is_secure_httponly_samesite(db_app):
    add_user(db_app, "r@example.org")
    response = sign_in(db_app.test_client(), "r@example.org")
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    cookie = cookies["directory_session"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # And the device cookie of issue 12 (tests/test_attack_accounts.py): strict, for a year.
    device = cookies["directory_device"]
    assert "Secure" in device and "HttpOnly" in device and "SameSite=Strict" in device
    assert "Max-Age=31536000" in device


def test_residents_get_no_cookie(db_app):
    client = db_app.test_client()
    for path in ["/", "/services/form-friends", "/ur/services/form-friends", "/search?q=carer",
                 "/services/form-friends/easy-read", "/accessibility"]:
        assert "Set-Cookie" not in client.get(path).headers, path


def test_forms_refuse_a_missing_or_forged_csrf_token(db_app):
    add_user(db_app, "r@example.org")
    client = db_app.test_client()
    client.get("/sign-in")
    for data in ({"email": "r@example.org", "password": PASSWORD},
                 {"email": "r@example.org", "password": PASSWORD, "csrf_token": "forged"}):
        response = client.post("/sign-in", data=data)
        assert response.status_code == 400 and "could not be sent" in response.get_data(as_text=True)
    staff = signed_in(db_app, "s@example.org", "staff")
    for token in ({}, {"csrf_token": "forged"}):
        response = staff.post("/staff/invites", data={"name": "X", "email": "x@example.org", "role": "reviewer",
                                                      **token})
        assert response.status_code == 400 and "could not be sent" in response.get_data(as_text=True)
    assert staff.post("/sign-out").status_code == 400
    with db_app.app_context():
        assert db.session.scalar(select(Invite)) is None


def test_sign_out_ends_the_session_even_for_a_copied_cookie(db_app):
    client = signed_in(db_app, "r@example.org")
    copied = client.get_cookie("directory_session").value
    token = csrf_token(client, "/review")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/review").status_code == 302
    thief = db_app.test_client()
    thief.set_cookie("directory_session", copied)
    assert thief.get("/review").status_code == 302


def test_a_session_ends_eight_hours_after_signing_in(db_app, monkeypatch):
    import time

    client = signed_in(db_app, "r@example.org")
    assert client.get("/review").status_code == 200
    later = time.time() + 8 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/review").status_code == 302


def test_signed_in_pages_are_never_stored(db_app):
    client = signed_in(db_app, "s@example.org", "staff")
    assert client.get("/staff").headers["Cache-Control"] == "no-store, private"
    assert db_app.test_client().get("/").headers["Cache-Control"] == "no-cache"


def test_an_account_turned_off_is_signed_out_everywhere(db_app):
    client = signed_in(db_app, "r@example.org")
    admin = signed_in(db_app, "a@example.org", "admin")
    with db_app.app_context():
        reviewer = db.session.scalar(select(User).where(User.email == "r@example.org"))
    token = csrf_token(admin, "/admin/accounts")
    assert admin.post(f"/admin/accounts/{reviewer.id}", data={"csrf_token": token, "role": "reviewer"}
                      ).status_code == 302
    assert client.get("/review").status_code == 302
    sign_in(db_app.test_client(), "r@example.org", expect=200)


def test_an_admin_cannot_lock_themselves_out(db_app):
    admin = signed_in(db_app, "a@example.org", "admin")
    with db_app.app_context():
        me = db.session.scalar(select(User)).id
    token = csrf_token(admin, "/admin/accounts")
    assert admin.post(f"/admin/accounts/{me}", data={"csrf_token": token, "role": "staff", "active": "y"}
                      ).status_code == 400


def test_next_address_must_be_on_this_site(db_app):
    add_user(db_app, "r@example.org")
    client = db_app.test_client()
    token = csrf_token(client, "/sign-in")
    for target, expected in [("//evil.example/x", "/review"), ("https://evil.example", "/review"),
                             ("/%09/evil.example", "/review"), ("/%0d%0aSet-Cookie:x=y", "/review"),
                             ("/\\evil.example", "/review"), ("/review/mine", "/review/mine")]:
        client = db_app.test_client()
        token = csrf_token(client, "/sign-in")
        response = client.post(f"/sign-in?next={target}", data={"csrf_token": token, "email": "r@example.org",
                                                                 "password": PASSWORD})
        assert response.headers["Location"] == expected


# --- Invites ------------------------------------------------------------------------------

def invite_link(staff, name="Rukhsana", email="rukhsana@example.org", skills=("ur",), role="reviewer"):
    token = csrf_token(staff, "/staff/invites")
    response = staff.post("/staff/invites", data={"csrf_token": token, "name": name, "email": email,
                                                  "role": role, "skills": list(skills)})
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    found = re.search(r'href="https?://[^/"]+(/invite/[^"]+)"', response.get_data(as_text=True))
    return found.group(1)


def accept(client, link, password="a long enough password"):
    token = csrf_token(client, link)
    return client.post(link, data={"csrf_token": token, "password": password, "confirm": password})


def test_staff_invite_a_reviewer_who_sets_a_password(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    link = invite_link(staff)
    reviewer = db_app.test_client()
    response = accept(reviewer, link)
    assert response.status_code == 302 and response.headers["Location"] == "/review"
    assert reviewer.get("/review").status_code == 200
    with db_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "rukhsana@example.org"))
        assert user.role == "reviewer" and user.skill_list == ["ur"]
        invite = db.session.scalar(select(Invite))
        assert invite.used_at is not None and link.split("/")[-1] not in invite.token_hash
    assert {"invite", "invite-accepted"} <= set(actions(db_app))


def test_a_used_invite_is_refused(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    link = invite_link(staff)
    accept(db_app.test_client(), link)
    again = db_app.test_client().get(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)


def test_an_expired_invite_is_refused(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    link = invite_link(staff)
    with db_app.app_context():
        db.session.scalar(select(Invite)).expires_at = now() - timedelta(minutes=1)
        db.session.commit()
    response = db_app.test_client().get(link)
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    assert "invite-refused" in actions(db_app)


def test_an_unknown_invite_is_refused(db_app):
    response = db_app.test_client().get("/invite/not-a-real-token")
    assert response.status_code == 404 and "does not work" in response.get_data(as_text=True)


def test_a_short_or_mismatched_password_is_refused(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    link = invite_link(staff)
    client = db_app.test_client()
    html = accept(client, link, password="short").get_data(as_text=True)
    assert "between 12 and 256 characters" in html and "govuk-error-summary" in html
    token = csrf_token(client, link)
    html = client.post(link, data={"csrf_token": token, "password": "a long enough password",
                                   "confirm": "another long password"}).get_data(as_text=True)
    assert "not the same" in html


def test_staff_cannot_invite_an_existing_account(db_app):
    """Otherwise staff could set an admin's password and sign in as them."""
    add_user(db_app, "boss@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    token = csrf_token(staff, "/staff/invites")
    response = staff.post("/staff/invites", data={"csrf_token": token, "name": "Boss", "email": "Boss@example.org",
                                                  "role": "reviewer"})
    assert response.status_code == 400 and "already an account" in response.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.scalar(select(Invite)) is None


def test_an_admins_new_password_invite_keeps_the_role_and_never_turns_an_account_on(db_app):
    add_user(db_app, "helper@example.org", "reviewer")
    add_user(db_app, "gone@example.org", "reviewer", active=False)
    admin = signed_in(db_app, "a@example.org", "admin")
    link = invite_link(admin, name="Helper", email="helper@example.org", role="admin")
    assert accept(db_app.test_client(), link, password="a brand new password").status_code == 302
    with db_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "helper@example.org")).role == "reviewer"
    link = invite_link(admin, name="Gone", email="gone@example.org")
    response = db_app.test_client().get(link)   # refused before a password is asked for
    assert response.status_code == 410 and "cannot sign in" in response.get_data(as_text=True)
    with db_app.app_context():
        assert not db.session.scalar(select(User).where(User.email == "gone@example.org")).active


def test_staff_can_invite_only_reviewers(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    token = csrf_token(staff, "/staff/invites")
    response = staff.post("/staff/invites", data={"csrf_token": token, "name": "X", "email": "x@example.org",
                                                  "role": "admin"})
    assert response.status_code == 400
    with db_app.app_context():
        assert db.session.scalar(select(Invite)) is None


def test_invite_command_makes_a_link(db_app):
    from directory.cli import main

    result = db_app.test_cli_runner().invoke(main, ["invite", "first@example.org", "--name", "First Admin",
                                                   "--role", "admin"])
    assert result.exit_code == 0, result.output
    link = re.search(r"(/invite/\S+)", result.output).group(1)
    assert accept(db_app.test_client(), link).status_code == 302


def test_oversized_posts_are_refused(db_app):
    client = db_app.test_client()
    response = client.post("/sign-in", data={"email": "x" * 100_000})
    assert response.status_code == 413


def test_script_in_names_is_shown_as_text(db_app):
    admin = signed_in(db_app, "a@example.org", "admin")
    invite_link(admin, name="<script>alert(1)</script>", email="x@example.org")
    for path in ["/staff/invites", "/staff/audit", "/admin/accounts"]:
        html = admin.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in admin.get("/staff/invites").get_data(as_text=True)


def test_audit_log_records_sign_ins_and_failures(db_app):
    add_user(db_app, "r@example.org")
    sign_in(db_app.test_client(), "r@example.org", "wrong", expect=200)
    sign_in(db_app.test_client(), "r@example.org")
    staff = signed_in(db_app, "s@example.org", "staff")
    html = staff.get("/staff/audit").get_data(as_text=True)
    assert "Sign-in refused" in html and "Signed in" in html


def test_helpers_hash_tokens(db_app):
    assert auth.token_hash("abc") != "abc" and len(auth.token_hash("abc")) == 64

"""Issue 12, items 1 and 4: the invite takeover, look-alike addresses, and locking people out.

Each test plays an attack that got through before and checks that it no longer does.
"""

import re

import pytest
from sqlalchemy import select

from directory import auth
from directory.db import db
from directory.models import AuditEvent, Invite, User, now

from .workflow import PASSWORD, add_user, csrf_token, sign_in, signed_in


def post_invite(client, email, role="reviewer", name="New Boss", skills=()):
    token = csrf_token(client, "/staff/invites")
    return client.post("/staff/invites", data={"csrf_token": token, "name": name, "email": email, "role": role,
                                               "skills": list(skills)})


def invite_link(client, email, role="reviewer", **kwargs):
    response = post_invite(client, email, role, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    return re.search(r'href="https?://[^/"]+(/invite/[^"]+)"', response.get_data(as_text=True)).group(1)


def accept(client, link, password="a long enough password"):
    page = client.get(link)
    if page.status_code != 200:
        return page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(link, data={"csrf_token": token, "password": password, "confirm": password})


def events(app):
    with app.app_context():
        return [(e.action, e.detail) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def account(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


# --- Item 1: the invite takeover ----------------------------------------------------------

def test_staff_cannot_take_over_an_admin_through_a_pending_invite(db_app):
    """The attack of issue 12 as it was run: it now stops at the second step."""
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    boss_link = invite_link(admin, "newboss@example.org", "admin")
    # Staff no longer see an admin's pending invite...
    assert "newboss@example.org" not in staff.get("/staff/invites").get_data(as_text=True)
    # ...and cannot make a second invite for the same address.
    response = post_invite(staff, "newboss@example.org")
    assert response.status_code == 400
    assert "already waiting, made by an admin" in response.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.scalar(select(Invite).where(Invite.created_by_id != 1)) is None
    boss = db_app.test_client()
    assert accept(boss, boss_link).status_code == 302
    assert boss.get("/admin/accounts").status_code == 200
    assert staff.get("/admin/accounts").status_code == 403
    assert ("invite", "newboss@example.org as admin: new account (invite 1)") in events(db_app)
    assert ("invite-accepted", "newboss@example.org: new admin account (invite 1 from a@example.org)") \
        in events(db_app)


def test_a_staff_invite_made_first_is_replaced_by_the_admins(db_app):
    """Staff invite the address first (no account, no invite yet): the admin's invite revokes it."""
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    staff_link = invite_link(staff, "newboss@example.org")
    boss_link = invite_link(admin, "newboss@example.org", "admin")
    assert accept(db_app.test_client(), boss_link).status_code == 302
    attacker = db_app.test_client()
    response = accept(attacker, staff_link, password="the attacker's password")
    assert response.status_code == 410 and "does not work" in response.get_data(as_text=True)
    assert attacker.get("/admin/accounts").status_code == 302      # to sign-in: not signed in
    sign_in(db_app.test_client(), "newboss@example.org", "the attacker's password", expect=200)
    assert ("invite-revoked", "newboss@example.org: invite 1 as reviewer replaced by a new one") in events(db_app)
    assert ("invite-refused", "revoked: invite 1 for newboss@example.org") in events(db_app)


def test_an_invite_never_sets_the_password_of_an_account_that_exists(db_app):
    """An invite left from before (or made in a race) for an address that now has an account."""
    add_user(db_app, "boss@example.org", "admin")
    with db_app.app_context():
        token = auth.new_token()
        db.session.add(Invite(token_hash=auth.token_hash(token), email="boss@example.org",
                              pending_email="boss@example.org", name="Boss", role="reviewer",
                              expires_at=now() + auth.INVITE_LIFETIME))
        db.session.commit()
        before = db.session.scalar(select(User)).password_hash
    response = db_app.test_client().get(f"/invite/{token}")
    assert response.status_code == 410 and "Sign in" in response.get_data(as_text=True)
    assert account(db_app, "boss@example.org").password_hash == before
    sign_in(db_app.test_client(), "boss@example.org")
    assert ("invite-refused", "account-exists: invite 1 for boss@example.org") in events(db_app)


def test_the_account_made_between_page_and_post_is_not_taken_over(db_app):
    """The invite page was opened before the account existed; the post comes after."""
    staff = signed_in(db_app, "s@example.org", "staff")
    link = invite_link(staff, "late@example.org")
    client = db_app.test_client()
    token = csrf_token(client, link)
    add_user(db_app, "late@example.org", "admin")
    response = client.post(link, data={"csrf_token": token, "password": "x" * 20, "confirm": "x" * 20})
    assert response.status_code == 410
    assert auth.check_password(account(db_app, "late@example.org"), PASSWORD)


def test_only_one_invite_per_address_is_live(db_app):
    admin = signed_in(db_app, "a@example.org", "admin")
    first = invite_link(admin, "x@example.org", "staff")
    second = invite_link(admin, "X@Example.org ", "reviewer")
    assert accept(db_app.test_client(), first).status_code == 410
    assert accept(db_app.test_client(), second).status_code == 302
    assert account(db_app, "x@example.org").role == "reviewer"
    with db_app.app_context():
        rows = db.session.scalars(select(Invite).order_by(Invite.id)).all()
        assert [r.revoked_at is not None for r in rows] == [True, False]
        assert [r.pending_email for r in rows] == [None, None]


def test_staff_may_replace_a_reviewer_invite_but_not_an_admins_reset(db_app):
    add_user(db_app, "helper@example.org", "reviewer")
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    lost = invite_link(staff, "r@example.org", skills=("pl",))
    again = invite_link(staff, "r@example.org", skills=("pl",))
    assert accept(db_app.test_client(), lost).status_code == 410
    reset = invite_link(admin, "helper@example.org")
    response = post_invite(staff, "helper@example.org")
    assert response.status_code == 400 and "already an account" in response.get_data(as_text=True)
    assert accept(db_app.test_client(), again).status_code == 302
    assert accept(db_app.test_client(), reset, password="a brand new password").status_code == 302
    assert ("invite-accepted", "helper@example.org: new password for their reviewer account "
                               "(invite 3 from a@example.org)") in events(db_app)


def test_staff_cannot_replace_someone_elses_reviewer_invite(db_app):
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    chosen = invite_link(admin, "named.person@example.org", skills=("ur",))
    response = post_invite(staff, "named.person@example.org")
    assert response.status_code == 400 and "made by someone else" in response.get_data(as_text=True)
    assert accept(db_app.test_client(), chosen).status_code == 302     # the admin's still works


def test_people_see_only_pending_invites_they_could_make(db_app):
    add_user(db_app, "old@example.org", "staff")
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    invite_link(admin, "admin-to-be@example.org", "admin")
    invite_link(admin, "staff-to-be@example.org", "staff")
    invite_link(admin, "old@example.org")                     # a reset: admins only
    invite_link(admin, "reviewer-by-admin@example.org")
    invite_link(staff, "reviewer-by-staff@example.org")
    shown = staff.get("/staff/invites").get_data(as_text=True)
    assert "reviewer-by-admin@example.org" in shown and "reviewer-by-staff@example.org" in shown
    for hidden in ("admin-to-be@", "staff-to-be@", "old@"):
        assert hidden not in shown, hidden
    shown = admin.get("/staff/invites").get_data(as_text=True)
    assert all(f"{who}@example.org" in shown for who in ("admin-to-be", "staff-to-be", "old"))


def switch(admin, user_id, role, active):
    token = csrf_token(admin, "/admin/accounts")
    data = {"csrf_token": token, "role": role} | ({"active": "y"} if active else {})
    assert admin.post(f"/admin/accounts/{user_id}", data=data).status_code == 302


@pytest.mark.parametrize("change", ["switched off", "demoted"])
def test_an_invite_stops_working_when_its_maker_could_no_longer_make_it(db_app, change):
    chief = signed_in(db_app, "chief@example.org", "admin")
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    admins_link = invite_link(admin, "boss@example.org", "admin")
    staffs_link = invite_link(staff, "r@example.org")
    admin_id, staff_id = account(db_app, "a@example.org").id, account(db_app, "s@example.org").id
    if change == "switched off":
        switch(chief, admin_id, "admin", False)
        switch(chief, staff_id, "staff", False)
    else:
        switch(chief, admin_id, "staff", True)      # may still invite reviewers, not admins
        switch(chief, staff_id, "reviewer", True)
    for link in (admins_link, staffs_link):
        response = accept(db_app.test_client(), link)
        assert response.status_code == 410 and "does not work" in response.get_data(as_text=True)
    assert account(db_app, "boss@example.org") is None and account(db_app, "r@example.org") is None
    assert ("invite-refused", "withdrawn: invite 1 for boss@example.org") in events(db_app)
    # And they are no longer listed as pending to anyone who could not make them now.
    assert "boss@example.org" in chief.get("/staff/invites").get_data(as_text=True)


# --- Item 1: look-alike addresses ---------------------------------------------------------

HIDDEN = {
    "zero-width space": "\u200b", "zero-width non-joiner": "\u200c", "zero-width joiner": "\u200d",
    "word joiner": "\u2060", "byte order mark": "\ufeff", "right-to-left override": "\u202e",
    "left-to-right mark": "\u200e", "first strong isolate": "\u2068", "soft hyphen": "\u00ad",
    "bell": "\x07", "escape": "\x1b", "combining grapheme joiner": "\u034f", "variation selector": "\ufe0f",
    "no-break space": "\u00a0", "line separator": "\u2028",
}


@pytest.mark.parametrize("name", HIDDEN)
def test_an_invite_for_a_look_alike_address_is_refused(db_app, name):
    add_user(db_app, "newboss@example.org", "admin")
    admin = signed_in(db_app, "a@example.org", "admin")
    hidden = HIDDEN[name]
    # White space at either end is trimmed (it leaves the plain address); inside, it is refused.
    ends = [] if hidden.isspace() else [f"newboss@example.org{hidden}", f"{hidden}newboss@example.org"]
    for address in [f"new{hidden}boss@example.org", f"newboss@exa{hidden}mple.org", *ends]:
        response = post_invite(admin, address, "admin")
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "without hidden characters" in html, (name, address)
        assert f"U+{ord(HIDDEN[name]):04X}" in html or name == "no-break space"
    with db_app.app_context():
        assert db.session.scalar(select(Invite)) is None


def test_a_nul_never_makes_a_look_alike_address(db_app):
    """The form data loses its NULs before any view sees them (db.py, for PostgreSQL), so
    new<NUL>boss@ is newboss@: an admin's reset of that account, never a second account."""
    add_user(db_app, "newboss@example.org", "admin")
    admin = signed_in(db_app, "a@example.org", "admin")
    assert post_invite(admin, "new\x00boss@example.org", "admin").status_code == 200
    with db_app.app_context():
        invite = db.session.scalar(select(Invite))
        assert invite.email == "newboss@example.org" and invite.for_user_id is not None
    assert auth.hidden_characters("new\x00boss@example.org") == ["U+0000"]
    from directory.cli import main

    result = db_app.test_cli_runner().invoke(main, ["invite", "new\x00boss@example.org", "--name", "B"])
    assert result.exit_code == 2 and "U+0000" in result.output


@pytest.mark.parametrize("address", ["NewBoss@Example.ORG", "  newboss@example.org\t",
                                     "ｎｅｗｂｏｓｓ＠ｅｘａｍｐｌｅ．ｏｒｇ", "newboss\ufe6bexample.org"])
def test_addresses_are_normalised_so_case_and_width_make_no_new_account(db_app, address):
    add_user(db_app, "newboss@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    response = post_invite(staff, address)
    assert response.status_code == 400 and "already an account" in response.get_data(as_text=True)
    # The owner can sign in with the address typed either way.
    sign_in(db_app.test_client(), address)


def test_normal_form_of_an_address():
    assert auth.normal_email(" ＮｅｗＢｏｓｓ＠Ｅｘａｍｐｌｅ.ORG ") == "newboss@example.org"
    assert auth.normal_email("Straße@example.org") == "strasse@example.org"
    assert auth.hidden_characters("new\u200bboss@example.org") == ["U+200B"]
    assert auth.hidden_characters(" plain@example.org\n") == []


def test_the_invite_command_refuses_hidden_characters_and_normalises(db_app):
    from directory.cli import main

    runner = db_app.test_cli_runner()
    result = runner.invoke(main, ["invite", "boss\u200b@example.org", "--name", "Boss", "--role", "admin"])
    assert result.exit_code == 2 and "U+200B" in result.output
    result = runner.invoke(main, ["invite", "Boss@EXAMPLE.org", "--name", "Boss", "--role", "admin"])
    assert result.exit_code == 0, result.output
    with db_app.app_context():
        assert db.session.scalars(select(Invite.email)).all() == ["boss@example.org"]
    # Run again (a lost link): the first link stops working.
    first = re.search(r"(/invite/\S+)", result.output).group(1)
    result = runner.invoke(main, ["invite", "boss@example.org", "--name", "Boss", "--role", "admin"])
    assert accept(db_app.test_client(), first).status_code == 410
    second = re.search(r"(/invite/\S+)", result.output).group(1)
    assert accept(db_app.test_client(), second).status_code == 302
    assert ("invite", "boss@example.org as admin: new account (invite 1) (command line)") in events(db_app)
    assert ("invite-accepted", "boss@example.org: new admin account (invite 2 from the command line)") \
        in events(db_app)


def test_sign_in_with_hidden_characters_is_refused_and_logged(db_app):
    add_user(db_app, "r@example.org")
    response = sign_in(db_app.test_client(), "r@example.org\u200b", expect=200)
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert ("sign-in-failed", "(an address with hidden characters: U+200B)") in events(db_app)


# --- Item 4: an attacker cannot lock the owner out (device cookies) -----------------------

def lock_out(app, email, tries=6):
    attacker = app.test_client()
    token = csrf_token(attacker, "/sign-in")
    statuses = [attacker.post("/sign-in", data={"csrf_token": token, "email": email, "password": f"guess {n}"})
                .status_code for n in range(tries)]
    return attacker, statuses


@pytest.fixture
def owner(db_app):
    """The admin's browser, which has signed in before (and signed out since)."""
    add_user(db_app, "boss@example.org", "admin")
    client = db_app.test_client()
    sign_in(client, "boss@example.org")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/staff")})
    assert client.get("/staff").status_code == 302 and client.get_cookie(auth.DEVICE_COOKIE)
    return client


def test_the_owner_signs_in_at_once_after_an_attackers_guesses(db_app, owner):
    attacker, statuses = lock_out(db_app, "boss@example.org")
    assert statuses == [200] * 5 + [429]
    response = sign_in(owner, "boss@example.org")
    assert response.headers["Location"] == "/staff" and owner.get("/admin/accounts").status_code == 200
    # The attacker stays limited, even with the right password.
    sign_in(attacker, "boss@example.org", PASSWORD, expect=429)
    sign_in(db_app.test_client(), "boss@example.org", PASSWORD, expect=429)
    assert ("sign-in", "boss@example.org (known browser)") in events(db_app)


def test_a_forged_or_other_accounts_device_cookie_gives_no_way_round(db_app, owner):
    add_user(db_app, "mallory@example.org", "staff")
    mallory = db_app.test_client()
    sign_in(mallory, "mallory@example.org")          # her own, genuine device cookie
    lock_out(db_app, "boss@example.org")
    genuine = owner.get_cookie(auth.DEVICE_COOKIE).value
    payload, stamp, _signature = genuine.split(".")
    with db_app.app_context():
        other = auth._device_serializer().dumps({"u": 999, "n": "x"})
    for value in (mallory.get_cookie(auth.DEVICE_COOKIE).value, f"{payload}.{stamp}.AAAA", "nonsense", other,
                  genuine[:-2]):
        client = db_app.test_client()
        client.set_cookie(auth.DEVICE_COOKIE, value)
        sign_in(client, "boss@example.org", PASSWORD, expect=429)
    sign_in(owner, "boss@example.org")


def test_device_cookies_made_before_a_new_password_are_worthless(db_app, owner):
    """Someone who once knew the password collected device cookies; an admin reset it."""
    with db_app.app_context():
        boss = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        boss.password_hash = auth.hash_password("a brand new long password")
        db.session.commit()
    lock_out(db_app, "boss@example.org")
    sign_in(owner, "boss@example.org", "a brand new long password", expect=429)   # old cookie: no way round


def test_a_device_cookie_is_trusted_for_only_a_few_tries(db_app, owner):
    lock_out(db_app, "boss@example.org")
    for n in range(auth.DEVICE_LIMIT):
        sign_in(owner, "boss@example.org", f"stolen cookie guess {n}", expect=200)
    # Past its own limit the browser is back under the account's, which the attacker used up.
    sign_in(owner, "boss@example.org", PASSWORD, expect=429)


def test_a_device_cookie_is_signed_bound_and_strict(db_app, owner):
    value = owner.get_cookie(auth.DEVICE_COOKIE).value
    with db_app.test_request_context(headers={"Cookie": f"{auth.DEVICE_COOKIE}={value}"}):
        boss = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        assert auth.device_nonce(boss)
        assert auth.device_nonce(User(id=boss.id + 1)) is None
    with db_app.test_request_context(headers={"Cookie": f"{auth.DEVICE_COOKIE}={value}"}):
        db_app.config["SECRET_KEY"] = "another site's key"
        boss = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        assert auth.device_nonce(boss) is None


def test_residents_never_get_a_device_cookie(db_app):
    client = db_app.test_client()
    for path in ["/", "/services/form-friends", "/pl/services/form-friends", "/search?q=carer"]:
        assert "Set-Cookie" not in client.get(path).headers, path
    assert client.get_cookie(auth.DEVICE_COOKIE) is None


# --- The migration (12a_accounts) on a database with invites made before it -------------

def test_the_migration_keeps_one_live_invite_per_address_and_marks_old_resets(tmp_path):
    """SQLite here; tests/test_postgres.py and `make test` run every migration on PostgreSQL."""
    from datetime import timedelta

    from flask_migrate import upgrade
    from sqlalchemy import text

    from directory.db import MIGRATIONS

    from .conftest import ROOT, make_app

    app = make_app(ROOT / "content", INSTANCE_DIR=tmp_path)
    later, earlier = now() + timedelta(days=3), now() - timedelta(days=3)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="ffa43a6dbdf3")
        db.session.execute(text(
            "INSERT INTO users (id, email, name, role, skills, session_token, active, created_at) VALUES "
            "(1, 'a@example.org', 'A', 'admin', '', 't1', 1, :earlier), "
            "(2, 's@example.org', 'S', 'staff', '', 't2', 1, :earlier), "
            "(3, 'helper@example.org', 'H', 'reviewer', '', 't3', 1, :earlier)"), {"earlier": earlier})
        rows = [  # id, email, role, maker, created
            (1, "newboss@example.org", "admin", 1, now() - timedelta(hours=2)),
            (2, "newboss@example.org", "reviewer", 2, now() - timedelta(hours=1)),   # the attack
            (3, "helper@example.org", "reviewer", 1, now() - timedelta(hours=1)),    # an admin's reset
            (4, "helper@example.org", "reviewer", 2, earlier - timedelta(days=1)),   # expired
        ]
        for invite_id, email, role, maker, created in rows:
            db.session.execute(text(
                "INSERT INTO invites (id, token_hash, email, name, role, skills, created_by_id, created_at, "
                "expires_at) VALUES (:id, :hash, :email, 'X', :role, '', :maker, :created, :expires)"),
                {"id": invite_id, "hash": f"h{invite_id}", "email": email, "role": role, "maker": maker,
                 "created": created, "expires": later if created > earlier else earlier})
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="12a_accounts")
        got = {i.id: (i.pending_email, i.revoked_at is not None, i.for_user_id)
               for i in db.session.scalars(select(Invite))}
        db.engine.dispose()
    # Of the attack's two invites the admin's stays live (staff could not have replaced it).
    assert got == {1: ("newboss@example.org", False, None), 2: (None, True, None),
                   3: ("helper@example.org", False, 3), 4: (None, False, None)}


def test_two_invites_for_one_address_at_the_same_moment_make_one(db_app, monkeypatch):
    """Both requests read "no live invite" before either wrote: the database keeps one."""
    admin = signed_in(db_app, "a@example.org", "admin")
    staff = signed_in(db_app, "s@example.org", "staff")
    invite_link(admin, "newboss@example.org", "admin")
    monkeypatch.setattr(auth, "live_invites", lambda email=None: [])   # as if not committed yet
    response = post_invite(staff, "newboss@example.org")
    assert response.status_code == 400 and "at the same moment" in response.get_data(as_text=True)
    with db_app.app_context():
        assert [(i.role, i.pending_email) for i in db.session.scalars(select(Invite))] == [
            ("admin", "newboss@example.org")]

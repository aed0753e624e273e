"""Helpers for tests of the signed-in pages: accounts, CSRF tokens, signing in."""

import re

from directory import auth
from directory.db import db
from directory.models import User

PASSWORD = "correct horse battery staple"
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def add_user(app, email, role="reviewer", skills="", password=PASSWORD, name=None, active=True):
    with app.app_context():
        user = User(email=email, name=name or email.split("@")[0].title(), role=role, skills=skills,
                    password_hash=auth.hash_password(password), session_token=auth.new_token(), active=active)
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(client, path):
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1) or found.group(2)


def sign_in(client, email, password=PASSWORD, expect=302):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})
    assert response.status_code == expect, response.get_data(as_text=True)[:2000]
    return response


def signed_in(app, email, role="reviewer", skills=""):
    add_user(app, email, role, skills)
    client = app.test_client()
    sign_in(client, email)
    return client

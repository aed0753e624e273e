"""A full or read-only disk (issue 12, item 7): reading pages work, nothing typed is lost.

The instance folder is a real tmpfs mounted for the test: remounted read-only for the
read-only case, and filled to the last byte for the full case, so SQLite meets the
kernel's EROFS and ENOSPC, not a mock.  (Tests run as root, which chmod does not stop;
a mount does.)  A database server failing a write is covered on both databases in
test_feedback.py and test_postgres.py.
"""

import os
import re
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from directory.db import db
from directory.models import Feedback

from .conftest import ROOT, dispose, make_app
from .test_feedback import form_token
from .workflow import add_user, sign_in

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
MESSAGE = "Numer telefonu jest zły.\nProszę go poprawić: 0121 496 0000."


@pytest.fixture
def mounted(tmp_path, sample_index, database_template):
    """An instance folder on its own 8 MB tmpfs, with a migrated database and the index."""
    folder = tmp_path / "instance"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", str(folder)], check=True)
    try:
        shutil.copy(database_template, folder / "directory.sqlite3")
        (folder / "index").symlink_to(sample_index, target_is_directory=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def _app(folder):
    app = make_app(ROOT / "content", INSTANCE_DIR=folder, FEEDBACK_MIN_SECONDS=0, PROPAGATE_EXCEPTIONS=False)
    add_user(app, "staff@example.org", "staff")
    add_user(app, "reviewer@example.org", "reviewer", skills="ur")
    staff, reviewer = app.test_client(), app.test_client()
    sign_in(staff, "staff@example.org")
    sign_in(reviewer, "reviewer@example.org")
    return app, staff, reviewer


def _feedback(client, code="/pl"):
    token = form_token(client, f"{code}/services/form-friends")
    return client.post(f"{code}/services/form-friends/feedback", data={"token": token, "message": MESSAGE})


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Feedback))


def test_a_read_only_instance_folder_keeps_every_reading_page_and_what_people_typed(mounted):
    app, staff, reviewer = _app(mounted)
    page = reviewer.get("/review/form-friends/web/ur").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    dispose(app)   # every connection from here on opens the database on a read-only disk
    subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)
    with pytest.raises(OSError):
        (mounted / "probe").write_text("x")

    # Signed-in pages read the account on every request: they all work.
    for client, path in [(staff, "/staff"), (staff, "/staff/coverage.csv"), (staff, "/staff/feedback.csv"),
                         (reviewer, "/review"), (reviewer, "/ur/review"), (staff, "/accessibility"),
                         (staff, "/services/form-friends"), (staff, "/search?q=zzqqxx")]:
        assert client.get(path).status_code == 200, path

    # A resident's feedback comes back in their language with their words in the box.
    response = _feedback(app.test_client())
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Nie udało się zapisać Twojej wiadomości" in page and '<html lang="pl"' in page
    assert MESSAGE.replace("\n", "\r\n") in page or MESSAGE in page

    # A reviewer's comment is given back too, to copy.
    response = reviewer.post("/review/form-friends/web/ur", data={
        "csrf_token": csrf, "version": version, "decision": "changes", "answer_same": "no",
        "answer_natural": "yes", "comments": "Opening hours are out of date.", "assistive_technology": ""})
    assert response.status_code == 503
    assert "Opening hours are out of date.</textarea>" in response.get_data(as_text=True)

    # Signing in writes (the audit log): the address typed comes back, the password never.
    client = app.test_client()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get("/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/sign-in", data={"csrf_token": token, "email": "staff@example.org",
                                             "password": "correct horse battery staple"})
    page = response.get_data(as_text=True)
    if response.status_code == 503:
        assert "staff@example.org" in page and "correct horse" not in page
    else:   # or signing in writes nothing that a read-only disk stops
        assert response.status_code == 302
    dispose(app)


def test_a_full_disk_keeps_the_residents_words_and_takes_them_when_there_is_room(mounted):
    app, staff, _ = _app(mounted)
    dispose(app)
    filler = mounted / "filler"
    with open(filler, "wb", buffering=0) as file:   # fill the disk to its last byte
        for size in (65536, 1):
            try:
                while True:
                    file.write(b"\0" * size)
            except OSError:
                pass
    before = _count(app)

    assert staff.get("/staff").status_code == 200   # reading pages never write
    response = _feedback(app.test_client(), "/ar")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "تعذّر حفظ رسالتكم" in page and '<html lang="ar" dir="rtl"' in page
    assert "Proszę go poprawić" in page
    assert _count(app) == before

    filler.unlink()   # room again: the same words go through
    assert _feedback(app.test_client(), "/ar").status_code == 302
    assert _count(app) == before + 1
    dispose(app)

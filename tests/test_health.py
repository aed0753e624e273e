"""/healthz: each check (index, database, content, instance folder) fails alone and is named."""

import shutil

import pytest

from directory.search.index import current_path

from .conftest import ROOT, make_app


@pytest.fixture
def own_index(tmp_path, sample_index):
    """An instance folder with a migrated database and its own copy of the sample index."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copytree(sample_index, instance / "index", symlinks=True)
    return instance


@pytest.fixture
def health_app(own_index, database_template):
    shutil.copy(database_template, own_index / "directory.sqlite3")
    return make_app(ROOT / "content", INSTANCE_DIR=own_index)


def _failing(app):
    response = app.test_client().get("/healthz")
    body = response.get_json()
    return response.status_code, body["failing"], body["checks"]


def test_everything_well_is_200_with_each_check(health_app, own_index):
    status, failing, checks = _failing(health_app)
    assert (status, failing) == (200, [])
    assert set(checks) == {"index", "database", "content", "instance"}
    assert "checksums match" in checks["index"]["detail"]
    assert "64 services" in checks["content"]["detail"] or "services" in checks["content"]["detail"]
    # It writes nothing it leaves behind.
    assert not list(own_index.glob(".healthz-*"))


def test_a_damaged_index_is_named(health_app, own_index):
    segment = max(current_path(own_index / "index").glob("*.seg"), key=lambda f: f.stat().st_size)
    original = segment.read_bytes()
    segment.write_bytes(bytes(len(original)))   # zeroed, same size
    status, failing, checks = _failing(health_app)
    assert (status, failing) == (503, ["index"])
    assert "does not match its checksum" in checks["index"]["detail"]
    assert str(own_index) not in checks["index"]["detail"]   # no server folders on a public page
    segment.write_bytes(original)
    assert _failing(health_app)[:2] == (200, [])


def test_a_missing_index_is_named(health_app, own_index):
    shutil.rmtree(own_index / "index")
    status, failing, checks = _failing(health_app)
    assert (status, failing) == (503, ["index"])
    assert "run 'directory index'" in checks["index"]["detail"]


def test_a_corrupt_database_file_is_named(health_app, own_index):
    database = own_index / "directory.sqlite3"
    database.write_bytes(b"\x13" * database.stat().st_size)   # overwritten: not a database
    status, failing, checks = _failing(health_app)
    assert (status, failing) == (503, ["database"])
    assert "does not answer" in checks["database"]["detail"]


def test_an_unreachable_database_is_named(own_index):
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    app = make_app(ROOT / "content", INSTANCE_DIR=own_index, SECRET_KEY="x" * 32,
                   DATABASE_URL="postgresql://nobody@127.0.0.1:1/directory")
    status, failing, _ = _failing(app)
    assert (status, failing) == (503, ["database"])


def test_an_unwritable_instance_folder_is_named(health_app, own_index, tmp_path):
    # Tests run as root, whom chmod does not stop, and mounting needs privileges the tests
    # do not have: so the instance folder is swapped for a file, which takes no new file
    # either (a full or read-only disk fails the same write with ENOSPC or EROFS).
    moved = tmp_path / "moved"
    own_index.rename(moved)
    own_index.write_text("not a folder")
    try:
        status, failing, checks = _failing(health_app)
    finally:
        own_index.unlink()
        moved.rename(own_index)
    assert "instance" in failing and status == 503
    assert "cannot be written" in checks["instance"]["detail"]
    assert _failing(health_app)[:2] == (200, [])


def test_no_content_is_named(tmp_path, own_index, database_template):
    shutil.copy(database_template, own_index / "directory.sqlite3")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("services"))
    (content / "services").mkdir()
    status, failing, checks = _failing(make_app(content, INSTANCE_DIR=own_index))
    assert status == 503 and "content" in failing
    assert "no services loaded" in checks["content"]["detail"]

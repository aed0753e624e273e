"""Fixtures: app -> client -> runner, as in Flask's tutorial; every page fetched is checked."""

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from directory import create_app
from directory.content import load_directory
from directory.pagecheck import check_page
from directory.search import build, index_root

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


class CheckedClient(FlaskClient):
    """A test client that runs the page check on every HTML page it fetches."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if (response.mimetype == "text/html" and not response.is_streamed
                and not 300 <= response.status_code < 400
                and not response.headers.get("Content-Encoding")):
            problems = check_page(response.get_data())
            assert not problems, f"page check failed for {response.request.path}: {problems}"
        return response


def make_app(content_dir, **config):
    """A fresh app on a content folder (with no search index unless INSTANCE_DIR has one)."""
    config.setdefault("INSTANCE_DIR", Path(content_dir).parent / "instance")
    app = create_app({"TESTING": True, "CONTENT_DIR": Path(content_dir), **config})
    app.test_client_class = CheckedClient
    return app


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """A search index of the sample content, built once for the whole test run."""
    instance = tmp_path_factory.mktemp("sample-instance")
    build(load_directory(ROOT / "content"), index_root(instance))
    return index_root(instance)


@pytest.fixture
def instance_dir(tmp_path, sample_index):
    """A fresh instance folder for one test, sharing the sample search index."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "index").symlink_to(sample_index, target_is_directory=True)
    return instance


@pytest.fixture
def app(instance_dir):
    """The app on the sample content that ships in content/."""
    return make_app(ROOT / "content", INSTANCE_DIR=instance_dir)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def fixture_content(tmp_path):
    """A copy of the small test content folder that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A database with every migration applied, made once and copied for each test."""
    from flask_migrate import upgrade

    from directory.db import MIGRATIONS, db

    folder = tmp_path_factory.mktemp("database")
    app = make_app(ROOT / "content", INSTANCE_DIR=folder)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()   # the last connection closing folds the write-ahead log in
    return folder / "directory.sqlite3"


@pytest.fixture
def db_app(instance_dir, database_template):
    """The app on the sample content with a fresh, migrated database of its own."""
    shutil.copy(database_template, instance_dir / "directory.sqlite3")
    return make_app(ROOT / "content", INSTANCE_DIR=instance_dir, SIGN_IN_LIMITS=(5, 30),
                    FEEDBACK_PER_HOUR=10, FEEDBACK_MIN_SECONDS=0)

"""The directory command: content-check reports precisely; serve runs gunicorn for real."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from directory.cli import main

from .conftest import FIXTURES, ROOT
from .test_content_loader import with_case


def test_content_check_passes_on_sample_content(runner):
    result = runner.invoke(main, ["content-check", "--content", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_content_check_reports_every_broken_fixture(fixture_content, runner):
    cases = ["bad_yaml", "missing_field", "wrong_type", "unknown_category", "duplicate_slug",
             "bad_postcode"]
    files = [with_case(fixture_content, case) for case in cases]
    result = runner.invoke(main, ["content-check", "--content", str(fixture_content)])
    assert result.exit_code == 1
    for file, expected in zip(files, [
        ":3: categories: this is not valid YAML",
        ":1: summary: is required but missing",
        ":12: minimum_age: should be a whole number",
        ":8: categories[1]: 'lunch-clubs' is not a category",
        ":13: previous_slugs[0]: duplicate slug 'riverside-advice-centre'",
        ":13: locations[0].address.postcode: 'BK99 XYZ' is not a valid UK postcode",
    ]):
        assert file + expected in result.output
    assert "1 services and 2 categories loaded; 6 error(s)" in result.output


def test_content_check_uses_the_environment_variable(fixture_content):
    with_case(fixture_content, "wrong_type")
    env = {**os.environ, "DIRECTORY_CONTENT_DIR": str(fixture_content)}
    result = subprocess.run([Path(sys.executable).parent / "directory", "content-check"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "minimum_age: should be a whole number" in result.stdout


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn(tmp_path):
    port = _free_port()
    env = {**os.environ, "DIRECTORY_CONTENT_DIR": str(ROOT / "content"),
           "DIRECTORY_INSTANCE_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [Path(sys.executable).parent / "directory", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except urllib.error.HTTPError as error:   # serving; no index or database here: 503
                assert error.code == 503, error
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/services/brackenford-carers-centre") as r:
            assert r.headers["Server"].startswith("gunicorn")
            assert b"Brackenford Carers Centre" in r.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_flask_app_option_finds_the_factory():
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run([flask, "--app", "directory", "routes"], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "/services/<slug>" in result.stdout and "/healthz" in result.stdout


def test_content_check_on_a_copy_is_unaffected_by_fixture_changes(tmp_path, runner):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    result = runner.invoke(main, ["content-check", "--content", str(tmp_path / "content")])
    assert result.exit_code == 0


def test_content_check_reports_broken_synonyms(fixture_content, runner):
    (fixture_content / "synonyms.yaml").write_text("groups:\n  - [gp, doctor]\n  - [lonely]\n")
    result = runner.invoke(main, ["content-check", "--content", str(fixture_content)])
    assert result.exit_code == 1
    assert "content/synonyms.yaml:3: groups[1]: should be a list of two or more" in result.output

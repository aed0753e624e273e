"""Two index builds or two imports at once: the second stops, naming the first, and
never removes the first's files.  Real processes; the first is paused (SIGSTOP) while
it holds its lock, every wait bounded."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from directory.content import load_directory
from directory.runlock import Busy, run_lock
from directory.search import build, index_root
from directory.search.index import STAGING, current_path

from .conftest import ROOT
from .test_oruk_import import v3_service, write_feed

DIRECTORY = Path(sys.executable).parent / "directory"


def _run(args, env, **kwargs):
    return subprocess.run([DIRECTORY, *args], env=env, capture_output=True, text=True,
                          timeout=120, **kwargs)


def _start(args, env):
    return subprocess.Popen([DIRECTORY, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _pause_when_locked(process, lock, seconds=60):
    """Wait until process holds lock (its pid is in the file), then stop it there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            holder = json.loads(lock.read_text() or "{}")
        except (OSError, ValueError):
            holder = {}
        if holder.get("pid") == process.pid:
            process.send_signal(signal.SIGSTOP)
            assert json.loads(lock.read_text())["pid"] == process.pid, "it finished before it was paused"
            return holder
        assert process.poll() is None, process.communicate()
        time.sleep(0.005)
    pytest.fail(f"{process.args} never took {lock}")


def _finish(process):
    process.send_signal(signal.SIGCONT)
    try:
        out, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return process.returncode, out, err


def _env(**values):
    return {**os.environ, **{key: str(value) for key, value in values.items()}}


def test_two_index_builds_at_once(tmp_path):
    instance = tmp_path / "instance"
    env = _env(DIRECTORY_INSTANCE_DIR=instance, DIRECTORY_CONTENT_DIR=ROOT / "content")
    first = _start(["index"], env)
    try:
        holder = _pause_when_locked(first, index_root(instance) / "build.lock")
        staging = [p for p in (index_root(instance) / "builds").iterdir()]
        assert len(staging) == 1 and list(staging[0].glob(f"{STAGING}{first.pid}"))
        second = _run(["index"], env)
        assert second.returncode == 1
        assert f"another search index build is running (pid {first.pid}, 'directory index', " \
               f"started {holder['started']})" in second.stderr
        # The same for a one-service update while the build runs.
        update = _run(["index", "--service", "brackenford-carers-centre"], env)
        assert update.returncode == 1 and f"(pid {first.pid}" in update.stderr
        assert [p for p in (index_root(instance) / "builds").iterdir()] == staging   # untouched
    finally:
        code, out, err = _finish(first)
    assert code == 0, err
    assert current_path(index_root(instance)) == staging[0]
    assert not (index_root(instance) / "build.lock").exists()
    assert _run(["index"], env).returncode == 0   # free again


def test_a_build_never_removes_a_folder_a_live_run_is_writing(fixture_content, tmp_path):
    root = index_root(tmp_path / "instance")
    directory = load_directory(fixture_content)
    build(directory, root)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        writing = root / "builds" / "20260101-000000-live"
        writing.mkdir()
        (writing / f"{STAGING}{live.pid}").touch()
        dead = root / "builds" / "20260101-000000-dead"
        dead.mkdir()
        finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                                  capture_output=True, text=True, check=True)
        (dead / f"{STAGING}{finished.stdout.strip()}").touch()
        build(directory, root)
        assert writing.exists()          # a live run's: kept
        assert not dead.exists()         # a stopped run's: removed
    finally:
        live.kill()
        live.wait(timeout=10)
    build(directory, root)
    assert not writing.exists()


def test_the_lock_names_the_run_and_is_let_go(tmp_path):
    lock = tmp_path / "x.lock"
    with run_lock(lock, "test run") as me:
        assert json.loads(lock.read_text()) == me and me["pid"] == os.getpid()
        other = subprocess.run(
            [sys.executable, "-c", "import sys; from directory.runlock import run_lock\n"
             "try:\n    run_lock(sys.argv[1], 'test run').__enter__()\nexcept Exception as e:\n"
             "    print(e); sys.exit(1)", str(lock)], capture_output=True, text=True, timeout=60)
        assert other.returncode == 1
        assert f"another test run is running (pid {os.getpid()}" in other.stdout
        with pytest.raises(Busy):   # flock: even the same process, through another open file
            with run_lock(lock, "test run"):
                pass
    assert not lock.exists()
    lock.write_text('{"pid": 1, "command": "a run that was killed and left its file"}')
    with run_lock(lock, "test run") as me:
        assert json.loads(lock.read_text()) == me


def test_two_imports_at_once(tmp_path):
    content = tmp_path / "content"
    (content / "services").mkdir(parents=True)
    for name in ("site.yaml", "taxonomy.yaml", "postcodes.csv"):
        (content / name).write_bytes((ROOT / "content" / name).read_bytes())
    count = 1500
    feed = write_feed(tmp_path, [v3_service(number) for number in range(1, count + 1)])
    other = write_feed(tmp_path, [v3_service(number) for number in range(5001, 5011)], "other.json")
    env = _env(DIRECTORY_CONTENT_DIR=content, DIRECTORY_INSTANCE_DIR=tmp_path / "instance")
    first = _start(["import", str(feed), "--content", str(content)], env)
    try:
        holder = _pause_when_locked(first, content / ".import.lock")
        before = sorted(p.name for p in content.iterdir())
        second = _run(["import", str(other), "--content", str(content)], env)
        assert second.returncode == 1
        assert re.search(rf"another import is running \(pid {first.pid}, 'directory import .*feed.json",
                         second.stderr), second.stderr
        assert holder["started"] in second.stderr
        assert sorted(p.name for p in content.iterdir()) == before   # its staging folder too
    finally:
        code, out, err = _finish(first)
    assert code == 0, err
    assert len(list((content / "services").iterdir())) == count   # every entry landed
    assert not (content / ".import.lock").exists()
    assert _run(["import", str(other), "--content", str(content)], env).returncode == 0

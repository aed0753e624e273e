"""A damaged search index: never a dead worker, never silently empty, served again once mended.

Each test damages its own copy of a real build of the sample content.  Searches that
could crash run in a child process, so a crash is seen as its signal (SIGBUS, as
Whoosh's memory-mapped segment files gave), not as a dead pytest.
"""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from directory.content import load_directory
from directory.search import IndexDamaged, IndexUnavailable, SearchEngine, build, index_root
from directory.search.index import current_path, previous_path, storage
from directory.search.synonyms import load_synonyms

from .conftest import ROOT, make_app

QUERY = "dementia"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """An index folder with two good builds of the sample content: current and previous."""
    root = index_root(tmp_path_factory.mktemp("damage"))
    directory = load_directory(ROOT / "content")
    build(directory, root)
    build(directory, root)
    return root


def _copy(two_builds, tmp_path, keep_previous):
    root = tmp_path / "instance" / "index"
    shutil.copytree(two_builds, root, symlinks=True)
    if not keep_previous:
        shutil.rmtree(previous_path(root))
        (root / "previous").unlink()
    return root


@pytest.fixture
def index(two_builds, tmp_path):
    """A copy of the index with only the current build."""
    return _copy(two_builds, tmp_path, keep_previous=False)


def _engine(root):
    directory = load_directory(ROOT / "content")
    return SearchEngine(root, load_synonyms(ROOT / "content")[0], directory.postcodes)


def _segment(root):
    return max(current_path(root).glob("*.seg"), key=lambda file: file.stat().st_size)


CHILD = r"""
import sys
from pathlib import Path
from directory.content import load_directory
from directory.search import IndexUnavailable, SearchEngine, load_synonyms

content = Path(sys.argv[2])
engine = SearchEngine(Path(sys.argv[1]), load_synonyms(content)[0], load_directory(content).postcodes)
for line in sys.stdin:
    try:
        print(engine.search(line.strip()).total, flush=True)
    except IndexUnavailable as error:
        print("unavailable:", error, flush=True)
"""


class Child:
    """A process with a search engine open on root, searching what it is sent."""

    def __init__(self, root):
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root), str(ROOT / "content")], text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def search(self, query):
        self.process.stdin.write(query + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the searching process died: {signal.Signals(-self.process.wait(10)).name}"
        return line.strip()

    def close(self):
        self.process.stdin.close()
        code = self.process.wait(timeout=30)
        self.process.stdout.close()
        return code


def test_the_index_is_never_memory_mapped(index):
    assert storage(current_path(index)).supports_mmap is False


def test_a_truncated_segment_does_not_kill_a_running_search(index):
    child = Child(index)
    try:
        found = child.search(QUERY)
        assert int(found) > 0
        segment = _segment(index)
        original = segment.read_bytes()
        with open(segment, "r+b") as handle:   # truncated in place, under the open searcher
            handle.truncate(len(original) // 3)
        answer = child.search(QUERY)   # used to die here of SIGBUS
        assert answer.startswith("unavailable:") and "damaged" in answer
        assert "run 'directory index'" in answer
        segment.write_bytes(original)   # mended: served again without a restart
        assert child.search(QUERY) == found
    finally:
        assert child.close() == 0


def test_a_zeroed_segment_is_the_503_page_not_an_empty_result(index):
    app = make_app(ROOT / "content", INSTANCE_DIR=index.parent)
    client = app.test_client()
    assert "Dementia Adviser Service" in client.get("/search", query_string={"q": QUERY}).get_data(as_text=True)
    segment = _segment(index)
    original = segment.read_bytes()
    segment.write_bytes(bytes(len(original)))   # same size, all zeros: used to give 200, no results
    response = client.get("/search", query_string={"q": QUERY})
    assert response.status_code == 503
    assert "Search is not working at the moment" in response.get_data(as_text=True)
    segment.write_bytes(original)   # used to keep answering "no services" until a restart
    response = client.get("/search", query_string={"q": QUERY})
    assert response.status_code == 200
    assert "Dementia Adviser Service" in response.get_data(as_text=True)


def test_the_print_packs_search_says_search_is_down_not_no_services(index):
    client = make_app(ROOT / "content", INSTANCE_DIR=index.parent).test_client()
    segment = _segment(index)
    segment.write_bytes(bytes(segment.stat().st_size))
    response = client.get("/pack", query_string={"q": QUERY, "s": "form-friends"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Search is not working at the moment" in page and "No services found." not in page
    assert "Form Friends" in page                          # the pack itself still works


def test_a_damaged_current_build_falls_back_to_the_previous_one(two_builds, tmp_path):
    root = _copy(two_builds, tmp_path, keep_previous=True)
    engine = _engine(root)
    total = engine.search(QUERY).total
    segment = _segment(root)
    segment.write_bytes(segment.read_bytes()[:100])
    results = engine.search(QUERY)
    assert results.total == total and results.hits   # from the previous build
    assert engine.generation().path == previous_path(root)
    ok, detail = engine.status()
    assert not ok and "serving the previous build" in detail
    # With the previous build damaged too, search is unavailable: the 503 page.
    previous = max(previous_path(root).glob("*.seg"), key=lambda file: file.stat().st_size)
    previous.write_bytes(b"")
    with pytest.raises(IndexDamaged):
        engine.search(QUERY)


def test_damage_that_keeps_size_and_time_is_found_when_a_worker_opens_the_build(index):
    segment = _segment(index)
    before = segment.stat()
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF   # one bit of rot, size and time kept
    segment.write_bytes(bytes(data))
    os.utime(segment, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(IndexDamaged, match="does not match its checksum"):
        _engine(index).generation()


def test_a_build_records_its_files_checksums(index):
    meta = json.loads((current_path(index) / "meta.json").read_text())
    files = {file.name for file in current_path(index).iterdir()
             if file.name != "meta.json" and not file.name.endswith("LOCK")}
    assert set(meta["files"]) == files
    assert all(len(entry["sha256"]) == 64 and entry["size"] > 0 for entry in meta["files"].values())


def test_an_index_without_checksums_says_what_to_run(index):
    meta_file = current_path(index) / "meta.json"
    meta = json.loads(meta_file.read_text())
    del meta["files"]
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(IndexUnavailable, match="no checksums.*directory index"):
        _engine(index).generation()


def test_a_failing_index_is_not_checked_again_until_it_changes(index, monkeypatch):
    from directory.search import index as index_module

    segment = _segment(index)
    segment.write_bytes(b"")
    engine = _engine(index)
    with pytest.raises(IndexDamaged):
        engine.generation()
    calls = []
    monkeypatch.setattr(index_module, "open_build", lambda *a: calls.append(a))
    for _ in range(3):   # polled by /healthz: a listing each time, no checksums
        with pytest.raises(IndexDamaged):
            engine.generation()
    assert calls == []

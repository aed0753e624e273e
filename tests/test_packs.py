"""Print packs are made by the pack worker, never by a web worker; the PDF cache is capped."""

import os
import subprocess
import sys
import time

from directory import packs
from directory.packs import PackQueue, pack_queue, work_once
from directory.pdf import documents
from directory.pdf.cache import PdfCache

from .conftest import ROOT, make_app

PACK = "/pack.pdf?s=form-friends&s=housing-options&s=brackenford-foodbank&format=large-print"


def test_a_pack_is_queued_at_once_and_the_worker_makes_it(app, client):
    started = time.perf_counter()
    waiting = client.get(PACK)
    assert time.perf_counter() - started < 1            # no render in the web worker
    assert waiting.status_code == 202
    page = waiting.get_data(as_text=True)
    assert "Your print pack is being made" in page
    assert '<meta http-equiv="refresh" content="5">' in page    # refreshes without script
    assert 'href="/pack.pdf?s=form-friends&amp;s=housing-options' in page   # and a link
    assert waiting.headers["Cache-Control"] == "no-store"
    assert not list((app.config["INSTANCE_DIR"] / "pdf-cache").glob("*.pdf"))
    assert client.get(PACK).status_code == 202           # still waiting: queued once
    assert pack_queue(app).pending() == 1

    assert work_once(app) is not None
    assert work_once(app) is None                        # nothing else was queued
    with client.get(PACK) as made:
        assert made.status_code == 200 and made.mimetype == "application/pdf"
        assert made.get_data().startswith(b"%PDF")


def test_the_waiting_page_is_in_the_readers_language(client):
    page = client.get("/pl" + PACK).get_data(as_text=True)
    assert '<html lang="pl"' in page
    assert "Your print pack is being made" not in page   # translated
    page = client.get("/ar" + PACK).get_data(as_text=True)
    assert 'dir="rtl"' in page and "Your print pack is being made" not in page


def test_a_repeated_entry_is_printed_once_under_one_key(app, client):
    client.get("/pack.pdf?s=form-friends&s=housing-options&s=form-friends")
    client.get("/pack.pdf?s=form-friends&s=form-friends&s=housing-options")
    queue = pack_queue(app)
    assert queue.pending() == 1
    job = queue.claim()
    assert job["slugs"] == ["form-friends", "housing-options"]


def test_a_full_queue_says_try_later(instance_dir):
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, PACK_QUEUE=2)
    client = app.test_client()
    assert client.get("/pack.pdf?s=form-friends").status_code == 202
    assert client.get("/pack.pdf?s=housing-options",
                      environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 202
    full = client.get("/pack.pdf?s=brackenford-foodbank", environ_base={"REMOTE_ADDR": "198.51.100.3"})
    assert full.status_code == 503
    assert full.headers["Retry-After"] == "60"
    assert "Too many print packs are being made" in full.get_data(as_text=True)
    assert client.get("/pack.pdf?s=form-friends").status_code == 202   # one already queued waits
    work_once(app)
    assert client.get("/pack.pdf?s=brackenford-foodbank",
                      environ_base={"REMOTE_ADDR": "198.51.100.3"}).status_code == 202   # room again


def test_a_pack_that_fails_is_reported_not_retried(app, client, monkeypatch):
    def broken(html, base):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(documents, "render_pdf", broken)
    assert client.get(PACK).status_code == 202
    assert work_once(app) is not None
    failed = client.get(PACK)
    assert failed.status_code == 500
    assert "Your print pack could not be made" in failed.get_data(as_text=True)
    assert pack_queue(app).pending() == 0                # not queued again
    assert work_once(app) is None


def _dead_pid():
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(dead.stdout)


def test_a_pack_left_by_a_stopped_worker_is_queued_again_once_then_failed(app, client):
    client.get(PACK)
    queue = pack_queue(app)
    for _ in range(2):                                   # its worker stops twice (two restarts)
        job = queue.claim()
        job["pid"] = _dead_pid()
        queue._write(queue._path(job["key"], "working"), job)
        queue.recover()
    assert "stopped" in queue.failure(job["key"])        # once again, then reported
    assert queue.pending() == 0
    assert client.get(PACK).status_code == 500


def test_a_restart_mid_pack_makes_it_after_all(app, client):
    client.get(PACK)
    queue = pack_queue(app)
    job = queue.claim()
    job["pid"] = _dead_pid()
    queue._write(queue._path(job["key"], "working"), job)
    assert work_once(app) == job["key"]                  # queued again and made
    with client.get(PACK) as made:
        assert made.status_code == 200


def test_a_job_no_worker_takes_is_failed_not_refreshed_for_ever(app, client):
    client.get(PACK)
    queue = pack_queue(app)
    queue.recover(now=time.time() + packs.WAIT_SECONDS + 1)
    assert queue.pending() == 0
    failed = client.get(PACK)
    assert failed.status_code == 500 and "Your print pack could not be made" in failed.get_data(as_text=True)


def test_one_client_cannot_fill_the_queue(instance_dir):
    app = make_app(ROOT / "content", INSTANCE_DIR=instance_dir, PACK_QUEUE=20)
    client = app.test_client()
    slugs = ["form-friends", "housing-options", "brackenford-foodbank", "brackenford-carers-centre"]
    answers = [client.get(f"/pack.pdf?s={slug}").status_code for slug in slugs]
    assert answers == [202, 202, 429, 429]               # packs.PER_CLIENT waiting at once
    assert pack_queue(app).pending() == packs.PER_CLIENT
    assert client.get(f"/pack.pdf?s={slugs[2]}",
                      environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 202   # others may


def test_the_worker_keeps_going_when_its_queue_cannot_be_read(app, monkeypatch):
    calls = []

    def broken(app, seconds=None):
        calls.append(1)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(packs, "work_once", broken)
    monkeypatch.setattr(packs.time, "sleep", lambda seconds: None)
    packs.work(app, stop=lambda: len(calls) >= 3)
    assert len(calls) == 3                               # it logged, waited and tried again


def test_a_render_that_takes_too_long_is_stopped(app, client, monkeypatch):
    def slow(html, base):
        time.sleep(5)

    monkeypatch.setattr(documents, "render_pdf", slow)
    client.get(PACK)
    started = time.perf_counter()
    key = work_once(app, seconds=1)
    assert time.perf_counter() - started < 4
    assert "took over 1 seconds" in pack_queue(app).failure(key)


def test_the_cache_evicts_the_least_recently_used_pdf(tmp_path):
    cache = PdfCache(tmp_path, max_bytes=2500)
    for number, key in enumerate(["a", "b", "c"]):
        cache.put(key, b"x" * 1000)
        os.utime(cache.path(key), (1000 + number, 1000 + number))   # a oldest, c newest
    assert cache.get("a") is None
    assert [p.name for p in sorted(tmp_path.glob("*.pdf"))] == ["b.pdf", "c.pdf"]   # over the cap
    (tmp_path / "b.facts-1.json").write_text("{}")
    assert cache.get("b") is not None                    # used now: b is touched
    cache.put("d", b"x" * 1000)                          # c is now the least recently used
    assert sorted(p.name for p in tmp_path.glob("*")) == ["b.facts-1.json", "b.pdf", "d.pdf"]


def test_the_sites_cache_has_a_cap(app, monkeypatch):
    monkeypatch.setenv("DIRECTORY_PDF_CACHE_MB", "0.001")
    with app.test_request_context("/"):
        assert documents.pdf_cache().max_bytes == 1048
    app.config["PDF_CACHE_MB"] = 2
    with app.test_request_context("/"):
        assert documents.pdf_cache().max_bytes == 2 * 1024 * 1024
    leaflets = [f"/services/{slug}/standard.pdf" for slug in ("form-friends", "housing-options")]
    app.config["PDF_CACHE_MB"] = 0.0001                   # room for none but the newest
    client = app.test_client()
    for path in leaflets:
        with client.get(path) as response:
            assert response.status_code == 200
    assert len(list((app.config["INSTANCE_DIR"] / "pdf-cache").glob("*.pdf"))) == 1


def test_only_the_allowed_number_of_workers_render(app):
    folder = pack_queue(app).folder
    slot = packs._slot(folder, 1)
    assert slot is not None and packs._slot(folder, 1) is None
    slot.close()


def test_the_pack_worker_command_makes_packs(app, client, instance_dir):
    """The real worker process, as `directory serve` and the systemd unit start it."""
    environment = {**os.environ, "DIRECTORY_INSTANCE_DIR": str(instance_dir),
                   "DIRECTORY_CONTENT_DIR": str(ROOT / "content")}
    assert client.get(PACK).status_code == 202
    worker = subprocess.Popen([sys.executable, "-m", "directory.cli", "pack-worker"],
                              env=environment, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        status = 202
        while status == 202 and time.monotonic() < deadline:
            time.sleep(0.5)
            with client.get(PACK) as response:
                status = response.status_code
        assert status == 200
        second = subprocess.run([sys.executable, "-m", "directory.cli", "pack-worker"],
                                env=environment, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "already run" in second.stderr   # concurrency 1
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0
        worker.stdout.close()
    assert PackQueue(pack_queue(app).folder).pending() == 0

"""Print packs are made away from the web workers: a bounded queue of files and a worker.

A booklet of 40 entries takes 4-16 s to render, so a web worker never renders one.  It
puts a job in `instance/pack-queue/` (a small JSON file, written atomically) and shows a
page that refreshes itself; `directory pack-worker` (started by `directory serve`, or its
own systemd unit) takes the oldest job by renaming it, renders it into the PDF cache
under the key the page asked for, and the next refresh sends the PDF.

A job is `<key>.job` while waiting, `<key>.working` while the worker makes it (holding
the worker's process id), and `<key>.failed` when it could not be made: the page then
says so, and the pack is not tried again until FAILED_KEEP has passed.  At most LIMIT
jobs wait or are being made, at most PER_CLIENT of them one client's; a full queue
gives a 503 page.  Each pack is rendered in a forked child process, killed after
RENDER_SECONDS.  At most `workers` packs are
made at once on one instance folder (a lock file per slot; 1 on a 2-core machine).
"""

import fcntl
import json
import logging
import multiprocessing
import os
import signal
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

LIMIT = 20             # jobs waiting or being made (DIRECTORY_PACK_QUEUE)
PER_CLIENT = 2         # jobs one client (a keyed hash of its address) may have waiting
FAILED_KEEP = 3600     # seconds a failed pack is reported before it may be tried again
RENDER_SECONDS = 300   # a render that takes longer is stopped and reported as failed
WAIT_SECONDS = 900     # a job still waiting after this is failed (no worker is taking jobs)
RETRIES = 1            # times a job whose worker stopped (a restart) is queued again


def queue_folder(instance_dir):
    """Where the pack queue of an instance folder lives."""
    return Path(instance_dir) / "pack-queue"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PackQueue:
    """The queue's files: submit and look up from the web, claim and finish from the worker."""

    def __init__(self, folder, limit=LIMIT):
        self.folder = Path(folder)
        self.limit = limit

    def _path(self, key, state):
        return self.folder / f"{key}.{state}"

    def _write(self, path, data):
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _read(self, path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def pending(self):
        """How many jobs are waiting or being made."""
        if not self.folder.is_dir():
            return 0
        return sum(1 for p in self.folder.iterdir() if p.suffix in (".job", ".working"))

    def failure(self, key):
        """The message of a recent failure to make the pack under key, or None."""
        failed = self._read(self._path(key, "failed"))
        if failed is None:
            return None
        if time.time() - failed.get("at", 0) > FAILED_KEEP:
            self._path(key, "failed").unlink(missing_ok=True)
            return None
        return failed.get("message") or "failed"

    def waiting(self, key):
        """Whether the pack under key is queued or being made."""
        return self._path(key, "job").exists() or self._path(key, "working").exists()

    def submit(self, key, job, owner=None):
        """Queue job under key: 'queued', 'waiting' (already there), 'full', or 'yours'
        (owner already has PER_CLIENT jobs waiting).

        Counting and writing hold the queue's lock, so requests at the same moment
        cannot together pass the limits.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "submit.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.waiting(key):
                return "waiting"
            if self.pending() >= self.limit:
                return "full"
            if owner is not None and sum(
                    1 for p in self.folder.glob("*.job")
                    if (self._read(p) or {}).get("owner") == owner) >= PER_CLIENT:
                return "yours"
            self._write(self._path(key, "job"), {**job, "key": key, "queued": time.time(),
                                                 "owner": owner})
            return "queued"

    def claim(self):
        """The oldest waiting job, taken for this process, or None."""
        if not self.folder.is_dir():
            return None
        jobs = []
        for path in self.folder.glob("*.job"):
            try:
                jobs.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                pass
        for _, path in sorted(jobs):
            working = path.with_suffix(".working")
            try:
                os.rename(path, working)   # atomic: only one worker gets it
            except FileNotFoundError:
                continue
            job = self._read(working)
            if job is None:
                working.unlink(missing_ok=True)
                continue
            job["pid"] = os.getpid()
            self._write(working, job)
            return job
        return None

    def done(self, key):
        """The pack under key is in the PDF cache."""
        self._path(key, "working").unlink(missing_ok=True)
        self._path(key, "failed").unlink(missing_ok=True)

    def fail(self, key, message):
        """The pack under key could not be made: report it, do not try again for a while."""
        self._write(self._path(key, "failed"), {"message": message, "at": time.time()})
        self._path(key, "working").unlink(missing_ok=True)

    def recover(self, now=None):
        """Tidy the queue: a job left 'working' by a worker that stopped (a restart) is
        queued again once, then failed; a job waiting longer than WAIT_SECONDS is failed,
        so no page refreshes for ever when no worker is taking jobs."""
        if not self.folder.is_dir():
            return
        now = time.time() if now is None else now
        for path in self.folder.glob("*.working"):
            job = self._read(path)
            pid = (job or {}).get("pid")
            if pid is None and path.exists() and now - path.stat().st_mtime < 5:
                continue   # just claimed; its pid is being written
            if pid is not None and _alive(pid):
                continue
            if job is not None and job.get("attempts", 0) < RETRIES:
                job = {**job, "attempts": job.get("attempts", 0) + 1, "pid": None}
                self._write(self._path(path.stem, "job"), job)
                path.unlink(missing_ok=True)
                log.warning("pack %s queued again: its worker stopped while making it", path.stem)
            else:
                self.fail(path.stem, "the pack worker stopped while making it")
        for path in self.folder.glob("*.job"):
            job = self._read(path)
            if job is not None and now - job.get("queued", now) > WAIT_SECONDS:
                self.fail(path.stem, f"it waited over {WAIT_SECONDS // 60} minutes for the pack worker")
                path.unlink(missing_ok=True)


def pack_queue(app):
    """The queue of app's instance folder, bounded by PACK_QUEUE (DIRECTORY_PACK_QUEUE)."""
    limit = app.config.get("PACK_QUEUE") or int(os.environ.get("DIRECTORY_PACK_QUEUE", LIMIT))
    return PackQueue(queue_folder(app.config["INSTANCE_DIR"]), limit)


class _TooLong(Exception):
    pass


class _Failed(Exception):
    pass


def make(app, job):
    """Render one queued pack into the PDF cache under its key."""
    from .pdf.documents import booklet_pdf, in_language

    with in_language(app, job["lang"], site=job.get("site")):
        directory = app.extensions["directory"]
        services = [directory.services[s] for s in job["slugs"] if s in directory.services]
        if not services:
            raise ValueError("none of the pack's services is in the directory any more")
        booklet_pdf(services, job["format"], key=job["key"])


def work_once(app, seconds=RENDER_SECONDS):
    """Make the oldest waiting pack, if any; return its key (None when the queue is empty)."""
    queue = pack_queue(app)
    queue.recover()
    job = queue.claim()
    if job is None:
        return None
    key = job["key"]
    started = time.perf_counter()
    try:
        _render_in_child(app, job, seconds)
    except _TooLong:
        log.error("pack %s took over %d s and was stopped", key, seconds)
        queue.fail(key, f"it took over {seconds} seconds")
    except _Failed as error:  # reported on the pack's page and in the log, never retried
        log.error("could not make pack %s: %s", key, error)
        queue.fail(key, str(error))
    else:
        queue.done(key)
        log.info("made pack %s (%d entries) in %.1f s", key, len(job["slugs"]),
                 time.perf_counter() - started)
    return key


def _render_in_child(app, job, seconds):
    """Make the pack in a forked child process, killed if it takes over seconds.

    A signal in this process would not do: WeasyPrint catches exceptions around much of
    its work, so an alarm raised there can be swallowed and the one worker kept busy for
    ever.  A child shares the loaded app (fork) and is simply killed.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(app, job, writer), daemon=True)
    child.start()
    writer.close()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        reader.close()
        raise _TooLong()
    try:
        message = reader.recv() if reader.poll() else f"the renderer stopped (exit code {child.exitcode})"
    except EOFError:
        message = f"the renderer stopped (exit code {child.exitcode})"
    finally:
        reader.close()
    if message is not None:
        raise _Failed(message)


def _child(app, job, writer):
    try:
        make(app, job)
        writer.send(None)
    except BaseException as error:   # the parent reports it; the child only says what it was
        writer.send(f"{type(error).__name__}: {error}")
    finally:
        writer.close()


def _slot(folder, workers):
    """Hold one of the instance folder's `workers` render slots (a locked file), or None."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(workers):
        handle = open(folder / f"worker-{number}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return handle
    return None


def work(app, workers=1, poll=0.5, stop=lambda: False):
    """Make queued packs one at a time until stop() is true (or SIGTERM)."""
    folder = pack_queue(app).folder
    slot = _slot(folder, workers)
    if slot is None:
        raise RuntimeError(f"{workers} pack worker(s) already run on {folder}")
    stopping = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and not stop():
            try:
                made = work_once(app)
            except OSError as error:   # a full or read-only disk: say so, and keep going
                log.error("pack worker could not use its queue in %s: %s", folder, error)
                made = None
                time.sleep(5)
            if made is None:
                time.sleep(poll)
    finally:
        signal.signal(signal.SIGTERM, previous)
        slot.close()

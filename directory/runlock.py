"""One run at a time: an exclusive lock on a file that names the run holding it.

Index builds lock `<instance>/index/build.lock`, imports `<content>/.import.lock`.
The lock is fcntl.flock, so it is let go when the process ends however it ends (a
killed run never leaves a stale lock: a file it leaves is taken over); the file only
says who holds it.
"""

import datetime
import fcntl
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """Another run holds the lock; the message names it (pid, command, start time)."""


def holder(path):
    """What the lock file says about the run that holds it (may be empty)."""
    try:
        return json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def run_lock(path, what):
    """Hold the lock at path for the block, or raise Busy naming the run that holds it.

    The file exists only while a run holds it (an import that changes nothing leaves the
    content folder as it was); after taking the lock, a run checks the file is still the
    one at path, since the run before may have removed it in between.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            running = holder(path)
            raise Busy(
                f"another {what} is running (pid {running.get('pid', 'unknown')}, "
                f"'{running.get('command', 'unknown')}', started {running.get('started', 'unknown')}): "
                f"wait for it to finish; its lock is {path}") from None
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)   # removed by the run before us as we took it: take the new one
    try:
        me = {"pid": os.getpid(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
              "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)   # a killed run's words
        os.write(fd, json.dumps(me).encode())
        try:
            yield me
        finally:
            path.unlink(missing_ok=True)
    finally:
        os.close(fd)   # lets the lock go

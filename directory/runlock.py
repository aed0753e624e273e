"""One run at a time: an exclusive lock on a file that names the run holding it.

Index builds lock `<instance>/index/build.lock`, imports `<content>/.import.lock`.
The lock is fcntl.flock, so it is let go when the process ends however it ends (a
killed run never leaves a stale lock); the file only says who holds it.
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
    """Hold the lock at path for the block, or raise Busy naming the run that holds it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            running = holder(path)
            raise Busy(
                f"another {what} is running (pid {running.get('pid', 'unknown')}, "
                f"'{running.get('command', 'unknown')}', started {running.get('started', 'unknown')}): "
                f"wait for it to finish; the lock is {path}") from None
        me = {"pid": os.getpid(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
              "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        try:
            yield me
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

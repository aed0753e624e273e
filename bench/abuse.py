"""How a normal page holds up under bounded attacks, behind nginx and as `make run` serves.

    python bench/abuse.py                       # both set-ups, 20 s baseline, 60 s an attack
    python bench/abuse.py --seconds 20 --only nginx
    python bench/abuse.py --only serve --serve-options="--worker-class sync"

For each set-up (deploy/local.py's LocalSite: nginx + gunicorn from deploy/, or
`directory serve` alone), one client fetches a normal service page in a loop, on a new
connection each time, and we take the p95 of its times: first with nothing else going on
(the baseline), then under each attack in turn:

- slow: 4 clients that send a request's header one line every 5 s (and reconnect);
- packs: 3 clients asking for 40-entry large print packs, a different pack each time;
- queries: 3 clients searching 60 misspelt words;
- leaflets: 4 clients asking for leaflets of random entries, formats and languages, the
  PDF cache emptied now and then so that most must be rendered.

Attackers come from one address, as a real one would; the site's limits (nginx's
limit_req, the app's database-counted limits) are part of what is measured.  Goal
(issue 12): within 2x of the baseline under every attack, behind nginx.
"""

import os
import sys

# bench/http.py would shadow the standard library's http package for scripts in bench/:
# look in bench/ last, after the standard library, for benchlib (as bench/http.py does).
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

ROOT = Path(HERE).parent
sys.path.insert(0, str(ROOT / "deploy"))

from benchlib import machine, percentiles  # noqa: E402
from local import LocalSite, prepare_instance  # noqa: E402

NORMAL = "/services/form-friends"
LANGUAGES = ["", "/bn", "/ur", "/pl", "/ro", "/ar"]
FORMATS = ["standard", "large-print", "easy-read"]


def _connect(site, timeout=30):
    if site.nginx:
        return http.client.HTTPSConnection("127.0.0.1", site.https_port, timeout=timeout,
                                           context=site.ssl_context())
    return http.client.HTTPConnection("127.0.0.1", site.app_port, timeout=timeout)


STATUSES = {}          # statuses this process received
ATTACK_STATUSES = {}   # what the last attack's clients received


def fetch(site, path, timeout=30):
    """Status of GET path on a new connection (the body read in full)."""
    connection = _connect(site, timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        STATUSES[response.status] = STATUSES.get(response.status, 0) + 1
        return response.status
    finally:
        connection.close()


def measure(site, seconds, path=NORMAL):
    """Timings (ms) and failures of fetching path in a loop for seconds."""
    timings, failures = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status = fetch(site, path)
        except OSError:
            status = None
        elapsed = (time.perf_counter() - started) * 1000
        if status == 200:
            timings.append(elapsed)
        else:
            failures += 1
            timings.append(elapsed)
        time.sleep(0.02)
    return timings, failures


def slow_client(site, stop):
    """Send a request's header one line every 5 s, reconnecting whenever closed."""
    site.slow_client(NORMAL, stop)


def pack_client(site, stop, slugs):
    """Ask for large print packs of 40 entries, a different pack each time."""
    rng = random.Random()
    while not stop.is_set():
        chosen = rng.sample(slugs, min(40, len(slugs)))
        query = "&".join(f"s={s}" for s in chosen)
        try:
            fetch(site, f"/pack.pdf?format=large-print&{query}", timeout=60)
        except OSError:
            stop.wait(0.2)


def query_client(site, stop, words):
    """Search 60 misspelt words at a time."""
    rng = random.Random()
    while not stop.is_set():
        misspelt = []
        for word in rng.sample(words, min(60, len(words))):
            letters = list(word)
            if len(letters) > 3:
                i = rng.randrange(len(letters) - 1)
                letters[i], letters[i + 1] = letters[i + 1], letters[i]
            misspelt.append("".join(letters))
        try:
            fetch(site, "/search?" + urlencode({"q": " ".join(misspelt)}), timeout=60)
        except OSError:
            stop.wait(0.2)


def control_client(site, stop):
    """For comparison: fetch a missing /static/ file (nginx or WhiteNoise alone answer, no app)."""
    while not stop.is_set():
        try:
            fetch(site, "/static/nothing-here.css")
        except OSError:
            stop.wait(0.2)


def leaflet_client(site, stop, slugs, cache):
    """Ask for leaflets in turn across entries, formats and languages; the cache emptied
    whenever a round is done, so each is rendered again."""
    rng = random.Random()
    while not stop.is_set():
        slug, format, prefix = rng.choice(slugs), rng.choice(FORMATS), rng.choice(LANGUAGES)
        try:
            fetch(site, f"{prefix}/services/{slug}/{format}.pdf", timeout=60)
        except OSError:
            stop.wait(0.2)
        if rng.random() < 0.1:
            for path in cache.glob("*.pdf"):
                path.unlink(missing_ok=True)


def _attacker(target, site, stop, args, results):
    STATUSES.clear()
    try:
        target(site, stop, *args)
    finally:
        results.put(dict(STATUSES))


def under_attack(site, seconds, attackers):
    """The normal page's timings while the attackers run, each in its own process (so
    they share no interpreter lock with the measuring client), and the attackers'
    statuses."""
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    processes = [context.Process(target=_attacker, args=(target, site, stop, args, results),
                                 daemon=True) for target, args in attackers]
    for process in processes:
        process.start()
    time.sleep(2)
    try:
        return measure(site, seconds)
    finally:
        stop.set()
        statuses = {}
        for process in processes:
            try:
                for status, count in results.get(timeout=70).items():
                    statuses[status] = statuses.get(status, 0) + count
            except Exception:
                pass
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        ATTACK_STATUSES.clear()
        ATTACK_STATUSES.update(statuses)


def run(name, environment, nginx, seconds, baseline_seconds, serve_options, only_attacks,
        slow_clients=4):
    """One set-up: baseline and each attack; print and return the rows."""
    from directory.content import load_directory

    directory = load_directory(ROOT / "content")
    slugs = sorted(directory.services)
    words = sorted({w.strip(".,()").lower() for s in directory.services.values()
                    for w in (s.description or "").split() if w.isalpha() and len(w) > 4})
    cache = Path(environment["DIRECTORY_INSTANCE_DIR"]) / "pdf-cache"
    attacks = {
        f"{slow_clients} slow clients": [(slow_client, ())] * slow_clients,
        "3 pack clients": [(pack_client, (slugs,))] * 3,
        "3 clients of 60-word misspelt queries": [(query_client, (words,))] * 3,
        "4 clients of uncached leaflets": [(leaflet_client, (slugs, cache))] * 4,
    }
    if "control" in (only_attacks or []):   # how much a flood of trivial requests costs
        attacks["3 clients of a missing static file (control)"] = [(control_client, ())] * 3
    rows = []
    with LocalSite(environment, nginx=nginx, serve_options=serve_options) as site:
        measure(site, 2)   # warm up
        timings, failures = measure(site, baseline_seconds)
        base = percentiles(timings)["p95"]
        rows.append((name, "baseline", len(timings), failures, base, 1.0))
        print(f"{name:28} {'baseline':40} n={len(timings):5} fail={failures:3} p95={base:8.1f} ms",
              flush=True)
        for attack, attackers in attacks.items():
            if only_attacks and not any(word in attack for word in only_attacks):
                continue
            timings, failures = under_attack(site, seconds, attackers)
            seen = dict(ATTACK_STATUSES)
            p95 = percentiles(timings)["p95"]
            rows.append((name, attack, len(timings), failures, p95, p95 / base))
            print(f"{name:28} {attack:40} n={len(timings):5} fail={failures:3} p95={p95:8.1f} ms"
                  f"  {p95 / base:5.1f}x  attackers got {seen}",
                  flush=True)
            for path in cache.glob("*.pdf"):   # the next attack starts from the same cache
                path.unlink(missing_ok=True)
            time.sleep(3)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="each attack's length")
    parser.add_argument("--baseline", type=float, default=20, help="the baseline's length")
    parser.add_argument("--only", choices=["nginx", "serve"], help="one set-up only")
    parser.add_argument("--attack", action="append", default=[],
                        help="only attacks whose name has this word (repeatable)")
    parser.add_argument("--serve-options", default="", help="extra options for directory serve")
    parser.add_argument("--slow-clients", type=int, default=4, help="how many slow clients")
    arguments = parser.parse_args()
    print(machine())
    instance = Path(tempfile.mkdtemp(prefix="directory-abuse-"))
    try:
        environment = prepare_instance(instance)
        options = arguments.serve_options.split()
        rows = []
        if arguments.only != "serve":
            rows += run("nginx + gunicorn (deploy/)", environment, True, arguments.seconds,
                        arguments.baseline, options, arguments.attack, arguments.slow_clients)
        if arguments.only != "nginx":
            rows += run("directory serve (make run)", environment, False, arguments.seconds,
                        arguments.baseline, options, arguments.attack, arguments.slow_clients)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    print()
    print("| set-up | attack | requests | failed | p95 (ms) | x baseline |")
    print("|---|---|---:|---:|---:|---:|")
    for name, attack, count, failures, p95, ratio in rows:
        print(f"| {name} | {attack} | {count} | {failures} | {p95:.1f} | {ratio:.1f} |")


if __name__ == "__main__":
    main()

"""Benchmark: the whole accessibility check on a large directory, with and without a browser.

Not a test.  Makes a directory of N services (default 1,000) in a temporary folder by
copying the sample entries round-robin under new names, with their translations into
all five languages, easy read and BSL files, so every rule family has real work; builds
the search index; then times `directory check`'s run without the browser rules (per
family) three times: the first run (every leaflet's print HTML made, and enough PDFs made
and read to have every path through them; with --every-leaflet, every PDF), a repeat run
with nothing changed (what was found is remembered under keys of everything it came
from), and a run after one entry changed; then the browser rules on every page type in
every language, and every other page of every entry at 320 px for the reflow rule
(per page). The browser part runs on a directory of its own, --browser-services entries
(default 40): since issue 13 it loads every entry's pages, about 13 a service, so at
1,000 services three timed runs would take hours, and the goal is per page.

Goals (issue 5): without browser rules under 60 s at 1,000 services x 6 languages;
browser rules under 300 ms a page.

    .venv/bin/python bench/check.py [--services 1000] [--browser-services 40] [--jobs 2] [--every-leaflet]
"""

import os
import sys

# bench/http.py would shadow the standard library's http package for scripts in bench/:
# look in bench/ last, after the standard library, for benchlib.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]

import benchlib  # noqa: E402

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from directory import create_app  # noqa: E402
from directory.checks import browser_rules  # noqa: E402
from directory.checks.runner import pdf_jobs, run  # noqa: E402
from directory.content import load_directory  # noqa: E402
from directory.search import build, index_root  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SITE_FILES = ("site.yaml", "taxonomy.yaml", "postcodes.csv", "synonyms.yaml", "easy-read-words.yaml")


def make_content(target, count):
    """A content folder of count services copied from the sample, round robin."""
    (target / "services").mkdir(parents=True)
    for name in SITE_FILES:
        shutil.copy(ROOT / "content" / name, target / name)
    samples = sorted((ROOT / "content" / "services").iterdir())
    for number in range(count):
        source = samples[number % len(samples)]
        shutil.copytree(source, target / "services" / f"{source.name}-{number}")


def load_only(app, pages, languages):
    """Seconds to start the browser and just load every page, no rules: the baseline."""
    served = browser_rules.Served(app)
    started = time.perf_counter()
    browser = browser_rules.Browser()
    urls = [served.url + (path if code == "en" else f"/{code}{path}")
            for _, _, path in pages for code in languages]

    async def work(tab):
        while urls:
            await tab.goto(urls.pop(), wait_until="load")

    async def load_all():
        await asyncio.gather(*(work(tab) for tab in browser.tabs))

    try:
        browser.loop.run_until_complete(load_all())
        return time.perf_counter() - started
    finally:
        browser.close()
        served.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--browser-services", type=int, default=40,
                        help="entries in the directory the browser rules are timed on")
    parser.add_argument("--every-leaflet", action="store_true",
                        help="make and read every leaflet's PDF (directory check --every-leaflet)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    try:
        started = time.perf_counter()
        make_content(work / "content", args.services)
        directory = load_directory(work / "content")
        assert not directory.errors, directory.errors[:3]
        build(directory, index_root(work / "instance"))
        app = create_app({"CONTENT_DIR": work / "content", "INSTANCE_DIR": work / "instance"})
        languages = list(app.extensions["languages"])
        print(f"Machine: {benchlib.machine()}")
        print(f"Date: {datetime.datetime.now().isoformat(timespec='minutes')}"
              + ("; every leaflet made and read" if args.every_leaflet else ""))
        print(f"Directory: {len(directory.services):,} services x {len(languages)} languages "
              f"(made and indexed in {time.perf_counter() - started:.1f} s); "
              f"{sum(len(s.translations) for s in directory.services.values()):,} translations, "
              f"{sum(1 for s in directory.services.values() if s.easy_read):,} easy reads, "
              f"{sum(1 for s in directory.services.values() if s.bsl):,} BSL videos")
        print()

        def without_browser(title, app):
            started = time.perf_counter()
            report = run(app, jobs=args.jobs, browser=False, every_leaflet=args.every_leaflet)
            whole = time.perf_counter() - started
            leaflets = len(pdf_jobs(app.extensions["directory"], languages))
            print(f"Without browser rules, {title}: {whole:.1f} s for {report.checked:,} PDFs and "
                  f"pages; {len(report.errors)} errors, {len(report.warnings)} warnings; "
                  f"{len(report.made):,} of {leaflets:,} leaflet PDFs made (or found made) and read")
            for family, seconds in report.timings.items():
                print(f"  {family:<14}{seconds:>8.1f} s")
            for finding in report.errors[:5]:
                print(f"  {finding}")
            print()
            return whole

        first = without_browser("first run", app)
        repeat = without_browser("repeat run, nothing changed", app)
        changed = sorted((work / "content" / "services").iterdir())[0] / "service.yaml"
        text = changed.read_text(encoding="utf-8")
        changed.write_text(re.sub(r"^name: (.*)$", r"name: \1 (changed)", text, count=1, flags=re.M),
                           encoding="utf-8")
        app = create_app({"CONTENT_DIR": work / "content", "INSTANCE_DIR": work / "instance"})
        one = without_browser(f"after one entry changed ({changed.parent.name})", app)

        make_content(work / "browser-content", args.browser_services)
        build(load_directory(work / "browser-content"), index_root(work / "browser-instance"))
        app = create_app({"CONTENT_DIR": work / "browser-content", "INSTANCE_DIR": work / "browser-instance"})
        pages = browser_rules.browser_paths(app.extensions["directory"])
        reflow = browser_rules.reflow_paths(app.extensions["directory"])
        loaded = (len(pages) + len(reflow)) * len(languages)
        # This machine's neighbours make one run vary by a fifth: three runs, the median kept.
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            found = browser_rules.browser_findings(app, languages)
            runs.append(time.perf_counter() - started)
        seconds = sorted(runs)[1]
        started = time.perf_counter()
        browser_rules.Browser().close()
        start = time.perf_counter() - started
        print(f"Browser rules ({args.browser_services} services): {seconds:.1f} s for {loaded} pages "
              f"({len(pages) * len(languages)} with every rule, {len(reflow) * len(languages)} at 320 px only; "
              f"{seconds / loaded * 1000:.0f} ms a "
              f"page, browser start included; the median of three runs: "
              f"{', '.join(f'{r / loaded * 1000:.0f}' for r in runs)} ms); {len(found)} findings")
        print(f"  starting and stopping Chromium alone: {start:.1f} s; without it "
              f"{(seconds - start) / loaded * 1000:.0f} ms a page")
        for finding in found[:10]:
            print(f"  {finding}")
        print(f"  baseline, same run: the same pages only loaded on the same tabs, "
              f"{load_only(app, pages, languages) / loaded * 1000:.0f} ms a page")
        print()
        def verdict(value, goal):
            return "met" if value < goal else "MISSED"

        print(f"Goals: without browser < 60 s: first run {first:.1f} s ({verdict(first, 60)}), "
              f"repeat {repeat:.1f} s ({verdict(repeat, 60)}), one entry changed {one:.1f} s "
              f"({verdict(one, 60)}); browser {seconds / loaded * 1000:.0f} ms a page "
              f"(< 300 ms: {verdict(seconds / loaded, 0.3)})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: printed formats, first time and from the cache, against bare WeasyPrint.

Not a test.  On the sample content, in a fresh instance folder, times:
  - a large print leaflet and an easy read leaflet made for the first time
    (templates, text checks, WeasyPrint, cache write), and the same HTML
    rendered by a bare `weasyprint.HTML(string=...).write_pdf(pdf_variant="pdf/ua-1")`
    in the same run, alternating, so both see the same machine;
  - the same leaflets served again from the cache through the app (Flask test
    client: routing, ETag, file read);
  - a 20-service large print booklet, first time.

Goals (issue 4): cached PDF p95 under 10 ms; our first-time render within 1.3x
of the bare WeasyPrint render; the 20-service booklet under 5 s.

    .venv/bin/python bench/pdf.py [--repeat 7] [--cached 200]
"""

import os
import sys

# bench/http.py would shadow the standard library's http package for scripts in bench/:
# look in bench/ last, after the standard library, for benchlib.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]

import benchlib  # noqa: E402

import argparse  # noqa: E402
import datetime  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

import weasyprint  # noqa: E402

from directory import create_app  # noqa: E402
from directory.pdf import documents  # noqa: E402
from directory.pdf.documents import booklet_pdf, in_language, leaflet_html, leaflet_pdf  # noqa: E402

LEAFLETS = [("large print leaflet", "form-friends", "large-print"),
            ("easy read leaflet", "form-friends", "easy-read")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="first-time renders per leaflet")
    parser.add_argument("--cached", type=int, default=200, help="cached requests per leaflet")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    app = create_app({"INSTANCE_DIR": instance})
    cache = instance / "pdf-cache"
    services = app.extensions["directory"].services
    print(f"Machine: {benchlib.machine('WeasyPrint ' + weasyprint.__version__)}")
    print(f"Date: {datetime.datetime.now().isoformat(timespec='minutes')}")
    print()
    rows = []
    try:
        with in_language(app, "en"):
            for name, slug, format in LEAFLETS:   # warm up fonts, templates and coverage once
                weasyprint.HTML(string=leaflet_html(services[slug], format),
                                base_url=str(documents.TEMPLATES)).write_pdf(pdf_variant="pdf/ua-1")
                leaflet_pdf(services[slug], format)
                shutil.rmtree(cache)
            for name, slug, format in LEAFLETS:
                ours, bare = [], []
                for _ in range(args.repeat):
                    html = leaflet_html(services[slug], format)
                    started = time.perf_counter()
                    weasyprint.HTML(string=html, base_url=str(documents.TEMPLATES)).write_pdf(
                        pdf_variant="pdf/ua-1")
                    bare.append(time.perf_counter() - started)
                    shutil.rmtree(cache, ignore_errors=True)
                    started = time.perf_counter()
                    leaflet_pdf(services[slug], format)
                    ours.append(time.perf_counter() - started)
                rows.append((name, ours, bare))

        client = app.test_client()
        cached = {}
        for name, slug, format in LEAFLETS:
            url = f"/services/{slug}/{format}.pdf"
            with client.get(url) as response:
                assert response.status_code == 200
            times = []
            for _ in range(args.cached):
                started = time.perf_counter()
                with client.get(url) as response:
                    response.get_data()
                times.append(time.perf_counter() - started)
            cached[name] = times

        slugs = sorted(services)[:20]
        with in_language(app, "en"):
            shutil.rmtree(cache, ignore_errors=True)
            started = time.perf_counter()
            path, _ = booklet_pdf([services[s] for s in slugs], "large-print")
            booklet_seconds = time.perf_counter() - started
            html = documents.booklet_html([services[s] for s in slugs], "large-print")
            started = time.perf_counter()
            weasyprint.HTML(string=html, base_url=str(documents.TEMPLATES)).write_pdf(
                pdf_variant="pdf/ua-1")
            booklet_bare = time.perf_counter() - started
        from directory.pdf.inspect import read_pdf
        booklet_pages = read_pdf(path).pages
    finally:
        shutil.rmtree(instance, ignore_errors=True)

    print(f"{'first time (ms)':<24}{'ours p50':>10}{'p95':>8}{'bare p50':>10}{'p95':>8}{'ratio p50':>11}")
    ratios = []
    for name, ours, bare in rows:
        ratio = statistics.median(ours) / statistics.median(bare)
        ratios.append(ratio)
        print(f"{name:<24}{statistics.median(ours) * 1000:>10.0f}{benchlib.percentiles(ours)['p95'] * 1000:>8.0f}"
              f"{statistics.median(bare) * 1000:>10.0f}{benchlib.percentiles(bare)['p95'] * 1000:>8.0f}{ratio:>11.2f}")
    print()
    print(f"{'from the cache (ms)':<24}{'p50':>10}{'p95':>8}{'p99':>8}")
    for name, times in cached.items():
        print(f"{name:<24}{statistics.median(times) * 1000:>10.2f}{benchlib.percentiles(times)['p95'] * 1000:>8.2f}"
              f"{benchlib.percentiles(times)['p99'] * 1000:>8.2f}")
    print()
    print(f"20-service large print booklet: {booklet_seconds:.2f} s first time ({booklet_pages} pages); "
          f"bare WeasyPrint {booklet_bare:.2f} s")
    worst_cached = max(benchlib.percentiles(t)['p95'] for t in cached.values()) * 1000
    print()
    print(f"Goals: cached p95 {worst_cached:.2f} ms (< 10 ms: {'met' if worst_cached < 10 else 'MISSED'}); "
          f"our render / bare {max(ratios):.2f}x (<= 1.3x: {'met' if max(ratios) <= 1.3 else 'MISSED'}); "
          f"booklet {booklet_seconds:.2f} s (< 5 s: {'met' if booklet_seconds < 5 else 'MISSED'})")


if __name__ == "__main__":
    main()

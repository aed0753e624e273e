"""Run every rule family over the directory, the leaflets and pages on both cores.

Leaflets are checked in two steps (see docs/checks.md).  First every leaflet's print
HTML is made, without its PDF: the paths through it (`pdf/shapes.py`) and its words
(can the fonts draw them, has it a title).  Then, for each format and language, real
PDFs are made and read for as few leaflets as together have every path any leaflet of
that format and language has: every style is checked from a PDF.  If one of those PDFs
breaks a rule, every leaflet of its format and language is made and read, so each
finding names the leaflets it is really in.  `every_leaflet=True` makes and reads them all.
"""

import collections
import multiprocessing
import re
import threading
import time
from pathlib import Path

from .. import environment
from ..pdf import FORMATS as PRINT_FORMATS
from . import content_rules, memory, page_rules, pdf_rules, print_rules
from .model import ERROR, Finding, Report, ReviewItem

_worker_app = None
_worker_client = None
_page_memory = {}      # set before the workers are forked, so each inherits it
_leaflet_memory = {}   # the same, for what the first step found in each leaflet
_page_inputs = ""      # page_rules.inputs_version, worked out once a run
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _start_worker():
    """In a forked worker: let go of what must not be shared with the parent process."""
    from ..db import db

    search = _worker_app.extensions["search"]
    search._generation, search._lock = None, threading.Lock()   # open the index afresh
    with _worker_app.app_context():
        db.engine.dispose(close=False)   # the parent's database connections stay the parent's


def _use_app(app):
    global _worker_app, _worker_client
    _worker_app, _worker_client = app, app.test_client()


def _check_page(job):
    """(key, findings) for one page type in every language; remembered ones reused.

    An entry's pages are remembered under a key of what they are made from, so a repeat
    run does not make them again; the site's own pages (search, the statement, ...) are
    always made, and remembered under a key of their HTML.
    """
    entry, format, path = job
    versions = None
    if entry:
        key = page_rules.entry_key(_page_inputs, path, _worker_app.extensions["directory"].services[entry])
    else:
        versions = page_rules.fetch_versions(_worker_client, list(_worker_app.extensions["languages"]), path)
        key = page_rules.versions_key(path, versions)
    if key in _page_memory:
        return key, _page_memory[key]
    if versions is None:
        versions = page_rules.fetch_versions(_worker_client, list(_worker_app.extensions["languages"]), path)
    return key, page_rules.versions_findings(versions, entry, format, path)


def _same_qr(url):
    """A QR code for the shape of a leaflet: every code is the same kind of picture."""
    from ..pdf.documents import qr_data_uri

    return qr_data_uri("https://example.org/")


def _look_at_leaflets(slug):
    """The first step for every leaflet of one entry: [(job, key, paths, findings, own)].

    One app context for each language, shared by the entry's formats in it.
    """
    from ..pdf.documents import in_language

    directory = _worker_app.extensions["directory"]
    jobs = pdf_jobs(directory, list(_worker_app.extensions["languages"]), slug)
    looked = {}
    for code in dict.fromkeys(job[2] for job in jobs):
        with in_language(_worker_app, code):
            looked.update((job, _look_at_leaflet(job)) for job in jobs if job[2] == code)
    return [looked[job] for job in jobs]


def _look_at_leaflet(job):
    """The first step for one leaflet, in its language's app context:
    (job, key, paths, findings, needs its own PDF)."""
    from ..pagecheck import check_bidi
    from ..pdf.documents import font_report, leaflet_html, pdf_key
    from ..pdf.shapes import paths

    slug, format, code = job
    service = _worker_app.extensions["directory"].services[slug]
    shown = pdf_rules.FORMAT_NAMES[format]
    try:
        key = pdf_key([service], format, code)
        remembered = _leaflet_memory.get(key)
        if remembered is not None:
            return (job, key, *remembered)
        html = leaflet_html(service, format, qr=_same_qr)
        unprintable, elsewhere = font_report(service, code)
        found = [Finding("pdf_missing_glyphs", slug, shown, code, f"{field}: {message}", str(file))
                 for file, field, message in unprintable]
        title = _TITLE.search(html)
        if not title or not title.group(1).strip():
            found.append(Finding("pdf_title", slug, shown, code, "the leaflet's <title> is empty",
                                 str(service.source)))
        # The web pages' rule on the leaflet's print HTML: what it isolates, the PDF lays out.
        found += [Finding("bidi_not_isolated", slug, shown, code, f"print HTML: {problem}", str(service.source))
                  for problem in check_bidi(html)]
        return job, key, paths(html), found, elsewhere
    except Exception as error:  # a leaflet that cannot be made is a finding, not a crash
        return job, None, frozenset(), pdf_rules.pdf_findings(
            slug, format, code, error=f"{type(error).__name__}: {error}", file=service.source), False


def _check_pdf(job):
    """Findings for one leaflet, from the facts read out of it.

    The facts are remembered under the PDF's cache key (everything it is made from), so
    a leaflet is made and read again only when its entry, language or templates change.
    """
    from ..pdf.documents import in_language, leaflet_html, leaflet_pdf, pdf_cache, pdf_key
    from ..pdf.inspect import READER_VERSION, read_pdf

    slug, format, code = job
    service = _worker_app.extensions["directory"].services[slug]
    try:
        with in_language(_worker_app, code):
            cache, key = pdf_cache(), pdf_key([service], format, code)
            facts = memory.pdf_facts(cache.get_facts(key, READER_VERSION))
            if facts is None:
                path, key = leaflet_pdf(service, format)
                facts = read_pdf(path)
                # What the PDF must read back as: its print HTML's paragraphs (a QR code is
                # a picture, so the same one for all does not change them).
                paragraphs = pdf_rules.source_paragraphs(leaflet_html(service, format, qr=_same_qr))
                facts.readback = pdf_rules.readback_problem(paragraphs, facts) or ""
                cache.put_facts(key, READER_VERSION, facts.to_json())
    except Exception as error:  # a PDF that cannot be made or read is a finding, not a crash
        return pdf_rules.pdf_findings(slug, format, code, error=f"{type(error).__name__}: {error}",
                                      file=service.source)
    return pdf_rules.pdf_findings(slug, format, code, facts, file=service.source)


def _check_print_layout(job):
    """Findings on how one leaflet lies on paper (`print_rules.py`), from its layout.

    The layout (`pdf/layout.py`) is remembered under the PDF's cache key like the facts
    `_check_pdf` reads; a PDF that cannot be made or read is `_check_pdf`'s finding.
    """
    from ..i18n import current_language
    from ..pdf.documents import in_language, leaflet_html, leaflet_pdf, pdf_cache, pdf_key, top_margin
    from ..pdf.layout import READER_VERSION, Layout, html_labels, read_layout

    slug, format, code = job
    directory = _worker_app.extensions["directory"]
    service = directory.services[slug]
    try:
        with in_language(_worker_app, code):
            cache, key = pdf_cache(), pdf_key([service], format, code)
            remembered = cache.get_facts(key, READER_VERSION)
            if remembered is None:
                path, key = leaflet_pdf(service, format)
                layout = read_layout(path, html_labels(leaflet_html(service, format, qr=_same_qr)),
                                     top=top_margin(format, current_language()))
                cache.put_facts(key, READER_VERSION, layout.to_json())
            else:
                layout = Layout.from_json(remembered)
    except Exception:  # _check_pdf reports a PDF that cannot be made or read (pdf_unreadable)
        return []
    return print_rules.layout_findings(slug, format, code, layout, service, directory.site,
                                       service.source)


def _check_leaflet(job):
    """Every PDF rule's findings for one leaflet: what it says about itself, and its layout."""
    return _check_pdf(job) + _check_print_layout(job)


def choose_leaflets(looked, every_leaflet=False):
    """The leaflets whose PDFs are made and read: together they have every path.

    looked: [(job, key, paths, findings, own)] from the first step.  A leaflet whose words
    no font can draw is never chosen (it cannot be made, and its finding says why); one
    with words only another font can draw is always chosen, with each format and
    language's leaflets then chosen greedily, the one with most paths not yet had first.
    """
    chosen, groups = [], collections.defaultdict(list)
    for job, key, leaflet_paths, found, own in looked:
        if key is None or any(f.rule == "pdf_missing_glyphs" for f in found):
            continue
        if every_leaflet or own:
            chosen.append(job)
        groups[job[1:]].append((job, leaflet_paths))
    for members in groups.values():
        members.sort()
        had = set().union(*(p for job, p in members if job in chosen))
        needed = set().union(*(p for _, p in members)) - had
        while needed:
            job, best = max(members, key=lambda member: len(member[1] & needed))
            chosen.append(job)
            needed -= best
    return sorted(set(chosen))


def pdf_jobs(directory, languages, slug=None):
    """Every leaflet to check: (entry, format, language)."""
    services = [directory.services[slug]] if slug else list(directory.services.values())
    return [(s.slug, f, code) for s in services for f in PRINT_FORMATS
            if f != "easy-read" or s.easy_read for code in languages]


def run(app, slug=None, jobs=2, progress=None, browser=True, every_leaflet=False):
    """Check the app's directory (or one entry); return a Report."""
    directory = app.extensions["directory"]
    languages = list(app.extensions["languages"])
    services = [directory.services[slug]] if slug else list(directory.services.values())
    report = Report()

    def timed(family, work):
        started = time.perf_counter()
        found = work()
        report.timings[family] = report.timings.get(family, 0.0) + time.perf_counter() - started
        report.findings.extend(found)
        if family not in report.families:
            report.families.append(family)

    jargon, allowed = content_rules.load_words(app.config["CONTENT_DIR"])
    timed("content", lambda: [f for f in content_rules.problem_findings(directory)
                              if not slug or f.entry == slug]
          + content_rules.site_findings(app.config, environment(app.config)))
    timed("easy read", lambda: [f for s in services for f in content_rules.easy_read_findings(s, jargon, allowed)])
    timed("translations", lambda: [f for s in services for f in content_rules.translation_findings(s)]
          + ([] if slug else content_rules.catalogue_findings(app.config["TRANSLATIONS_DIR"])))
    timed("bsl", lambda: [f for s in services for f in content_rules.bsl_findings(s)])

    global _page_memory, _leaflet_memory, _page_inputs
    pdf = pdf_jobs(directory, languages, slug)
    pages = page_rules.page_paths(directory, slug)
    _page_inputs = page_rules.inputs_version(app)
    _page_memory = memory.load_pages(app.config["INSTANCE_DIR"])
    _leaflet_memory = memory.load_leaflets(app.config["INSTANCE_DIR"])
    seen, looked_at = {}, {}

    def pages_done(results):
        found = []
        for key, page_found in results:
            seen[key] = page_found
            found += page_found
            progress and progress(len(languages))
        return found

    def leaflets_looked_at(results):
        found, looked = [], []
        for entry_results in results:
            for job, key, leaflet_paths, leaflet_found, own in entry_results:
                looked.append((job, key, leaflet_paths, leaflet_found, own))
                if key is not None:
                    looked_at[key] = (leaflet_paths, leaflet_found, own)
                found += leaflet_found
            progress and progress(len(entry_results))
        report.made = choose_leaflets(looked, every_leaflet)
        return found

    def pdfs_read(map_):
        """Read the chosen PDFs; where one breaks a rule, every leaflet of its kind."""
        results = dict(zip(report.made, map_(_check_leaflet, report.made)))
        broken = {job[1:] for job, found in results.items() if found}
        if broken:
            more = [job for job in pdf if job[1:] in broken and job not in results and job not in cannot_make]
            results.update(zip(more, map_(_check_leaflet, more)))
            report.made = sorted(results)
        return [finding for found in results.values() for finding in found]

    cannot_make = set()   # leaflets whose words no font has, or whose HTML failed

    def leaflets(map_):
        found = leaflets_looked_at(map_(_look_at_leaflets, [s.slug for s in services]))
        cannot_make.update((f.entry, _FORMAT_OF[f.format], f.language) for f in found
                           if f.rule in ("pdf_missing_glyphs", "pdf_unreadable"))
        return found

    if jobs > 1 and len(pdf) + len(pages) > 8:
        # The workers are forked from this process and so start with its app, its
        # directory already loaded (loading 1,000 entries again would take each 10 s).
        _use_app(app)
        with multiprocessing.get_context("fork").Pool(jobs, _start_worker) as pool:
            timed("leaflets", lambda: leaflets(lambda work, items: pool.imap(work, items, chunksize=2)))
            timed("pdf", lambda: pdfs_read(lambda work, items: pool.imap(work, items, chunksize=1)))
            timed("web pages", lambda: pages_done(pool.imap(_check_page, pages, chunksize=4)))
    else:
        _use_app(app)
        timed("leaflets", lambda: leaflets(map))
        timed("pdf", lambda: pdfs_read(map))
        timed("web pages", lambda: pages_done(map(_check_page, pages)))
    # A whole run keeps only what it saw; a run on one entry adds to what was there.
    instance = app.config["INSTANCE_DIR"]
    if not slug:   # PDFs of entries as they no longer are (and booklets) are not kept
        from ..pdf.cache import PdfCache

        PdfCache(Path(instance) / "pdf-cache").prune(set(looked_at))
    memory.save_pages(instance, seen if not slug else {**_page_memory, **seen})
    memory.save_leaflets(instance, looked_at if not slug else {**_leaflet_memory, **looked_at})
    _page_memory, _leaflet_memory = {}, {}
    report.checked = len(pdf) + len(pages) * len(languages)
    if browser and not slug:
        from . import browser_rules

        timed("browser", lambda: browser_rules.browser_findings(app, languages, progress))
        report.checked += len(browser_rules.browser_paths(directory)) * len(languages)
    report.review = review_items(services, languages)
    report.coverage = coverage(services, languages, report.findings)
    return report


_FORMAT_OF = {shown: format for format, shown in pdf_rules.FORMAT_NAMES.items()}


def work_size(app, slug=None, browser=True):
    """How many PDFs and pages a run checks, for a progress bar."""
    from . import browser_rules

    directory = app.extensions["directory"]
    languages = list(app.extensions["languages"])
    size = (len(pdf_jobs(directory, languages, slug))
            + len(page_rules.page_paths(directory, slug)) * len(languages))
    if browser and not slug:
        size += len(browser_rules.browser_paths(directory)) * len(languages)
    return size


def review_items(services, languages):
    """What only a person can judge, per entry, format and language."""
    items = []
    for service in services:
        items.append(ReviewItem(service.slug, "web", "en",
                                "Could you use this page with your own assistive technology? Which one?",
                                "uses a screen reader or other assistive technology"))
        for code in service.translations:
            items.append(ReviewItem(service.slug, "web", code,
                                    "Does it say the same as the English? Are the words natural?",
                                    f"reads {code}"))
        if service.easy_read:
            for version in [service.easy_read, *service.easy_read.translations.values()]:
                items.append(ReviewItem(service.slug, "easy-read", version.language,
                                        "Could you understand every sentence? Do the pictures match the words?",
                                        "easy read reader"))
        if service.bsl:
            items.append(ReviewItem(service.slug, "bsl", "bfi",
                                    "Is the signing clear, and does it match the written information?",
                                    "BSL user"))
    return items


def coverage(services, languages, findings):
    """missing / failing / stale / passing for every entry x format x language."""
    failing = {(f.entry, f.format, f.language) for f in findings if f.severity == ERROR}
    failing |= {(f.entry, "large-print", f.language) for f in findings
                if f.severity == ERROR and f.format == "large-print"}
    cells = {}
    for service in services:
        for code in languages:
            translation = service.translations.get(code)
            web = ("passing" if code == "en" else
                   "missing" if translation is None else "stale" if translation.stale else "passing")
            easy = service.easy_read
            version = None if easy is None else (easy if code == "en" else easy.translations.get(code))
            easy_state = ("missing" if version is None else "stale" if version.stale else "passing")
            for format, state in (("web", web), ("easy-read", easy_state),
                                  ("large-print", "passing" if code == "en" or translation else "missing")):
                if state != "missing" and (service.slug, format, code) in failing:
                    state = "failing"
                cells[(service.slug, format, code)] = state
        state = "missing" if service.bsl is None else "stale" if service.bsl.stale else "passing"
        if (service.slug, "bsl", "bfi") in failing:
            state = "failing"
        cells[(service.slug, "bsl", "bfi")] = state
    return cells

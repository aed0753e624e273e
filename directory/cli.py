"""The `directory` command: serve the site, check content, build assets.

Built on Flask's FlaskGroup, so Flask's own commands (routes, shell) work too,
and `flask --app directory ...` is the same command.
"""

import json
import os
import shutil
import sys


import click
from flask import current_app
from flask.cli import FlaskGroup

from . import assets, create_app
from .config import Config
from .content import load_directory
from .content.translations import source_hash
from .pdf import FORMATS
from .pdf.documents import NotAvailable, booklet_pdf, in_language, leaflet_pdf
from .pdf.render import MissingGlyphs
from .content.translations import template as translation_template
from .runlock import Busy
from .search import IndexUnavailable, SearchEngine, build, index_root, load_synonyms, update_service


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main():
    """Manage the care and support directory."""


@main.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes [default: 2 per CPU core + 1].")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker process (gunicorn's gthread workers).")
@click.option("--worker-class", default="gthread", show_default=True,
              type=click.Choice(["gthread", "sync"]),
              help="gunicorn's workers: threaded (holds up to slow clients) or sync.")
@click.option("--bind", "binds", multiple=True, metavar="ADDRESS",
              help="Listen here instead of --host/--port (repeatable; unix:/path for a socket).")
@click.option("--pack-worker/--no-pack-worker", default=True, show_default=True,
              help="Also run the worker that makes print packs (off when systemd runs it).")
def serve(host, port, workers, threads, worker_class, binds, pack_worker):
    """Serve the site with gunicorn, the production web server, and make print packs."""
    import signal
    import subprocess

    workers = workers or (os.cpu_count() or 1) * 2 + 1
    binds = binds or (f"{host}:{port}",)
    threads = threads if worker_class == "gthread" else 1   # gunicorn: sync with threads is gthread
    arguments = [sys.executable, "-m", "gunicorn", *SERVE_OPTIONS, "--worker-class", worker_class,
                 "--workers", str(workers), "--threads", str(threads)]
    for bind in binds:
        arguments += ["--bind", bind]
    arguments.append("directory:create_app()")
    shown = binds[0] if binds[0].startswith("unix:") else f"http://{binds[0]}"
    click.echo(f"Serving on {shown} with {workers} {worker_class} workers"
               + (f" of {threads} threads" if worker_class == "gthread" else "") + " (Ctrl+C to stop)")
    if not pack_worker:
        os.execvp(sys.executable, arguments)
    import time

    from .packs import queue_folder

    def start_worker():
        # Idle priority: a booklet is made only with processor time the pages do not want.
        return subprocess.Popen([sys.executable, "-m", "directory.cli", "pack-worker"],
                                preexec_fn=_idle_priority)

    processes = {"worker": start_worker()}
    click.echo(f"Print packs are made by the pack worker (process {processes['worker'].pid}) "
               f"from {queue_folder(Config().INSTANCE_DIR)}")
    processes["server"] = subprocess.Popen(arguments)
    stopping = []

    def stop(signum, frame):
        stopping.append(True)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Watch both: a pack worker that stops (a crash, a killed process) is started again, at
    # most once every 10 s, so packs never wait for a worker that is gone.
    started = time.monotonic()
    while processes["server"].poll() is None:
        if not stopping and processes["worker"].poll() is not None and time.monotonic() - started > 10:
            click.echo(f"The pack worker stopped (exit {processes['worker'].returncode}); "
                       "starting it again", err=True)
            processes["worker"], started = start_worker(), time.monotonic()
        time.sleep(0.5)
    stop(None, None)
    processes["worker"].wait()
    sys.exit(processes["server"].returncode)


def _idle_priority():
    """In a child process: the idle scheduling class (Linux), else the lowest priority."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


# gunicorn's settings for `directory serve`, chosen by measurement (docs/performance.md,
# bench/abuse.py): gthread workers (8 threads each, the default of --threads), so a slow
# client holds one thread of 40 rather than one process of 5 (sync workers: 7 slow
# clients stop every page).  gunicorn has no timeout for reading a request's header, so
# without nginx about 40 slow clients would still fill it: production runs behind nginx
# (deploy/).  Idle keep-alive connections wait in gthread's poller, not in a thread;
# --timeout restarts a worker whose threads stop answering its heartbeat.
SERVE_OPTIONS = [
    "--timeout", "60", "--graceful-timeout", "20",
    "--keep-alive", "5", "--limit-request-line", "8190", "--limit-request-fields", "100",
    "--access-logfile", "-", "--error-logfile", "-", "--preload",
]


@main.command("content-check", with_appcontext=False)
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=str),
              help="Content folder [default: DIRECTORY_CONTENT_DIR or content/].")
def content_check(content_dir):
    """Load all content and report every problem; exit 1 if any is an error."""
    content_dir = content_dir or Config().CONTENT_DIR
    directory = load_directory(content_dir)
    _, synonym_problems = load_synonyms(content_dir)
    for problem in sorted(directory.problems + synonym_problems):
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(str(problem), fg=colour)
    errors = len(directory.errors) + len(synonym_problems)
    warnings = len(directory.warnings)
    summary = (f"{len(directory.services)} services and {len(directory.categories)} categories "
               f"loaded; {errors} error(s), {warnings} warning(s).")
    if errors:
        click.secho(summary + " Entries with errors are left out of the site.", fg="red", err=True)
        sys.exit(1)
    click.secho(summary, fg="green")


@main.command("build-assets", with_appcontext=False)
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--output", default=None, help="Folder for built assets [default: static/build].")
def build_assets(sources, output):
    """Fingerprint and compress built front-end files into static/build/."""
    manifest = assets.build(sources, output or Config().STATIC_DIR)
    for source, built in sorted(manifest.items()):
        click.echo(f"{source} -> {built}")


@main.command("index", with_appcontext=False)
@click.option("--service", "slugs", multiple=True, metavar="SLUG",
              help="Update only this service in the current index (repeatable).")
def index_command(slugs):
    """Build the search index (into a new folder, swapped in when complete)."""
    config = Config()
    root = index_root(config.INSTANCE_DIR)
    if slugs:
        for slug in slugs:
            directory = load_directory(config.CONTENT_DIR, only=slug)
            for problem in directory.errors:
                click.secho(str(problem), fg="red", err=True)
            try:
                count = update_service(root, directory, slug)
            except (IndexUnavailable, Busy) as error:
                raise click.ClickException(str(error)) from None
            click.echo(f"{slug}: {count} document(s) indexed" if count
                       else f"{slug}: removed from the index")
        return
    directory = load_directory(config.CONTENT_DIR)
    if directory.errors:
        click.secho(f"{len(directory.errors)} content error(s): those entries are left out "
                    "(run 'directory content-check')", fg="yellow", err=True)
    with click.progressbar(length=len(directory.services), label="Indexing services",
                           show_pos=True) as bar:
        try:
            path = build(directory, root, progress=lambda slug: bar.update(1))
        except Busy as error:   # another build holds the lock: exit 1, naming it
            raise click.ClickException(str(error)) from None
    click.echo(f"Search index built in {path} ({len(directory.services)} services)")


@main.command("search", with_appcontext=False)
@click.argument("query", nargs=-1)
@click.option("--lang", default="en", show_default=True, help="Language code to search in.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search_command(query, lang, limit, as_json):
    """Search the directory as a resident would."""
    config = Config()
    directory = load_directory(config.CONTENT_DIR)
    synonyms, _ = load_synonyms(config.CONTENT_DIR)
    engine = SearchEngine(index_root(config.INSTANCE_DIR), synonyms, directory.postcodes)
    try:
        results = engine.search(" ".join(query), lang=lang, per_page=limit)
    except IndexUnavailable as error:
        raise click.ClickException(str(error)) from None
    hits = [{"id": directory.services[h.slug].id if h.slug in directory.services else None,
             "slug": h.slug, "name": h.name, "language": h.language,
             "score": round(h.score, 4), "distance_km": h.distance_km}
            for h in results.hits]
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total} found" + (f"; did you mean: {results.suggestion}"
                                           if results.suggestion else ""))
    for number, hit in enumerate(hits, 1):
        click.echo(f"{number:>3}. {hit['name']} ({hit['slug']}, {hit['language']}, "
                   f"score {hit['score']})")


@main.command("translation-template", with_appcontext=False)
@click.argument("slug")
@click.option("--lang", "code", required=True, help="Language code, e.g. pl.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write here instead of printing [e.g. content/services/SLUG/translations/pl.yaml].")
def translation_template_command(slug, code, output):
    """Print a translation file to fill in: the source hash and the English texts."""
    directory = load_directory(Config().CONTENT_DIR, only=slug)
    if slug not in directory.services:
        raise click.ClickException(f"there is no service '{slug}' (or it has errors)")
    text = translation_template(directory.services[slug], code)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@main.command("easy-read-template", with_appcontext=False)
@click.argument("slug")
def easy_read_template_command(slug):
    """Print the start of an easy-read.yaml for an entry, with its source hash."""
    directory = load_directory(Config().CONTENT_DIR, only=slug)
    if slug not in directory.services:
        raise click.ClickException(f"there is no service '{slug}' (or it has errors)")
    service = directory.services[slug]
    click.echo(f"""# Easy read version of '{service.name}'. One idea a sentence, 15 words at most.
# Each point: a picture (OpenMoji name or code), alt text describing it, and 1 or 2 sentences: one idea a picture.
source: {source_hash(service)}
title: {service.name}
points:
  - picture: telephone receiver
    alt: A telephone
    text: |
      Phone us on {service.phones[0].number if service.phones else directory.site.phone}.
""", nl=False)


@main.command("sample-bsl", with_appcontext=False)
@click.argument("slugs", nargs=-1, required=True)
def sample_bsl_command(slugs):
    """Make labelled SAMPLE clips (not real BSL) for entries of the sample content."""
    from .bsl_samples import make_sample

    config = Config()
    for slug in slugs:
        directory = load_directory(config.CONTENT_DIR, only=slug)
        if slug not in directory.services:
            raise click.ClickException(f"there is no service '{slug}' (or it has errors)")
        make_sample(directory.services[slug], config.CONTENT_DIR / "services" / slug / "bsl")
        click.echo(f"{slug}: sample clip written")


def _languages_for(app, code):
    offered = app.extensions["languages"]
    if code not in offered:
        raise click.BadParameter(f"'{code}' is not an offered language: {', '.join(offered)}",
                                 param_hint="--lang")
    return code


@main.command("pdf")
@click.argument("slug", required=False)
@click.option("--format", "format_", type=click.Choice(FORMATS), default="large-print",
              show_default=True)
@click.option("--lang", "code", default="en", show_default=True, help="Language code.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Where to write the PDF.")
@click.option("--all", "everything", is_flag=True,
              help="Make every PDF of every entry in every format and language (fills the cache).")
def pdf_command(slug, format_, code, output, everything):
    """Make a printed leaflet of an entry: standard, easy-read or large-print."""
    app = current_app._get_current_object()
    directory = app.extensions["directory"]
    if everything:
        jobs = [(service, fmt, lang) for service in directory.services.values()
                for fmt in FORMATS if fmt != "easy-read" or service.easy_read
                for lang in app.extensions["languages"]]
        with click.progressbar(jobs, label="Making PDFs", show_pos=True,
                               item_show_func=lambda job: job and f"{job[0].slug} {job[1]} {job[2]}") as bar:
            failed = []
            for service, fmt, lang in bar:
                with in_language(app, lang):
                    try:
                        leaflet_pdf(service, fmt)
                    except MissingGlyphs as error:
                        failed.append(str(error))
        for message in failed:
            click.secho(message, fg="red", err=True)
        click.echo(f"{len(jobs) - len(failed)} PDFs made or already up to date")
        if failed:
            sys.exit(1)
        return
    if not slug or not output:
        raise click.UsageError("give SLUG and -o FILE, or --all")
    if slug not in directory.services:
        raise click.ClickException(f"there is no service '{slug}' (or it has errors)")
    code = _languages_for(app, code)
    with in_language(app, code):
        try:
            path, _ = leaflet_pdf(directory.services[slug], format_)
        except (NotAvailable, MissingGlyphs) as error:
            raise click.ClickException(str(error)) from None
    shutil.copyfile(path, output)
    click.echo(f"{output}: {format_} leaflet of {slug} in {code}")


@main.command("booklet")
@click.argument("slugs", nargs=-1, required=True)
@click.option("--format", "format_", type=click.Choice(FORMATS), default="standard",
              show_default=True)
@click.option("--lang", "code", default="en", show_default=True, help="Language code.")
@click.option("--title", help="The title on the cover.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
def booklet_command(slugs, format_, code, title, output):
    """Make one booklet PDF of several entries, with a cover and contents."""
    app = current_app._get_current_object()
    directory = app.extensions["directory"]
    missing = [slug for slug in slugs if slug not in directory.services]
    if missing:
        raise click.ClickException(f"no such service: {', '.join(missing)}")
    code = _languages_for(app, code)
    with in_language(app, code):
        try:
            path, _ = booklet_pdf([directory.services[s] for s in dict.fromkeys(slugs)], format_, title)
        except (NotAvailable, MissingGlyphs) as error:
            raise click.ClickException(str(error)) from None
    shutil.copyfile(path, output)
    click.echo(f"{output}: {format_} booklet of {len(set(slugs))} services in {code}")


def _save_latest(app, result):
    """Keep a whole run in the database for every web server, and record the day's coverage.

    The day's row of the dashboard's chart is written here, by the one command that
    changes what it counts, never by a web server showing the dashboard.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from . import dashboard
    from .checks import report as reports
    from .db import db

    try:
        reports.save_latest(result)
        rows, _ = dashboard.cells(app.extensions["directory"], list(app.extensions["languages"]))
        dashboard.record_day(rows)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        raise click.ClickException(
            f"the results could not be kept in the database ({error.__class__.__name__}: "
            f"{str(error).splitlines()[0]}); run 'directory db upgrade', then check again") from None


@main.command("check")
@click.option("--entry", "slug", metavar="SLUG", help="Check one entry only.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write the report as HTML here.")
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(1, 16),
              help="Processes for the PDF checks.")
@click.option("--no-browser", is_flag=True, help="Skip the rules that need Chromium.")
@click.option("--every-leaflet", is_flag=True,
              help="Make and read every leaflet's PDF, not only enough to have every style.")
def check_command(slug, json_path, html_path, jobs, no_browser, every_leaflet):
    """Check every entry in every format and language; exit 1 on any error."""
    from .checks import report as reports
    from .checks import run
    from .checks.runner import work_size

    app = current_app._get_current_object()
    if slug and slug not in app.extensions["directory"].services:
        raise click.ClickException(f"there is no service '{slug}' (or it has errors)")
    browser = not no_browser
    with click.progressbar(length=work_size(app, slug, browser), label="Checking", show_pos=True,
                           file=sys.stderr) as bar:
        result = run(app, slug=slug, jobs=jobs, progress=bar.update, browser=browser,
                     every_leaflet=every_leaflet)
    for finding in result.findings:
        click.secho(str(finding), fg="red" if finding.severity == "error" else "yellow")
    if json_path:
        reports.write_json(result, json_path)
    if not slug:   # the statement and the dashboard are made from the latest full run
        _save_latest(app, result)
    if html_path:
        with app.test_request_context("/"):
            reports.write_html(result, html_path)
        if browser:   # the report is checked by the same browser rules as the site
            from .checks.browser_rules import check_file

            on_report = check_file(html_path)
            for finding in on_report:
                click.secho(str(finding), fg="red")
            result.findings.extend(on_report)
    counts = reports.summary(result)
    timings = ", ".join(f"{family} {seconds:.1f} s" for family, seconds in result.timings.items())
    click.echo(f"{counts['checked']} PDFs and pages checked ({len(result.made)} leaflet PDFs made "
               f"and read); {counts['errors']} error(s), "
               f"{counts['warnings']} warning(s), {counts['review_items']} item(s) for a person to "
               f"review. Time: {timings}.")
    if result.errors:
        sys.exit(1)



@main.command("invite")
@click.argument("email")
@click.option("--name", required=True, help="The person's name, as staff will see it.")
@click.option("--role", type=click.Choice(["reviewer", "staff", "admin"]), default="reviewer",
              show_default=True)
@click.option("--skill", "skills", multiple=True, help="What a reviewer can check (repeat): "
              "easy-read, bsl, assistive-technology, or a language code.")
def invite_command(email, name, role, skills):
    """Make a single-use invite link (the way to make the first admin account)."""
    from . import auth
    from .db import db
    from .models import SKILLS

    unknown = [s for s in skills if s not in SKILLS]
    if unknown:
        raise click.BadParameter(f"unknown skill {unknown[0]!r}; one of {', '.join(SKILLS)}")
    hidden = auth.hidden_characters(email)
    if hidden:   # a look-alike of another address (issue 12)
        raise click.BadParameter(f"{email!a} has hidden characters ({', '.join(hidden)}); type it out")
    email = auth.normal_email(email)
    if "@" not in email or len(email) > 254:
        raise click.BadParameter(f"{email!r} is not an email address")
    invite, token = auth.make_invite(None, email, name.strip()[:100], role, skills)
    db.session.commit()
    if invite.for_user_id is not None:
        click.echo(f"{email} already has a {invite.role} account: this link sets a new password for it.")
    from flask import url_for

    from .siteurl import LOCAL, configured

    site = configured(current_app.config)
    if site is None:
        click.echo(f"DIRECTORY_SITE_URL is not set, so the link starts {LOCAL} (where 'make run' "
                   "serves); set it to the site's public address for others to use the link.", err=True)
    with current_app.test_request_context(base_url=site or LOCAL):
        link = url_for("account.accept_invite", token=token, _external=True)
    click.echo(f"Invite for {name} <{email}> as {role}, single use, until {invite.expires_at:%d %B %Y}:")
    click.echo(link)

# Open Referral UK import (issue 7): the work is in directory/oruk/importer.py.
@main.command("import", with_appcontext=False)
@click.argument("feed", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "format_", type=click.Choice(["auto", "oruk-v1", "oruk-v3"]),
              default="auto", show_default=True, help="The feed's version of ORUK.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=str),
              help="Content folder [default: DIRECTORY_CONTENT_DIR or content/].")
@click.option("--default-category", metavar="SLUG",
              help="Category for records none of whose taxonomy terms is in taxonomy.yaml.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def import_command(feed, format_, content_dir, default_category, dry_run):
    """Import an Open Referral UK feed (v1 or v3 JSON) into the content folder."""
    from .oruk.feed import FeedError
    from .oruk.importer import ImportRefused, import_feed

    try:
        summary = import_feed(feed, content_dir or Config().CONTENT_DIR, format_,
                              default_category, dry_run=dry_run)
    except (FeedError, ImportRefused, Busy) as error:   # Busy: another import is running
        raise click.ClickException(str(error)) from None
    for line in summary.lines():
        click.echo(line)
    if not dry_run and (summary.counts["created"] or summary.counts["updated"]):
        click.echo("Next: 'directory content-check', then 'directory index' to update search.")


# Print packs (issue 12): the work is in directory/packs.py.
@main.command("pack-worker", with_appcontext=False)
@click.option("--once", is_flag=True, help="Make the waiting packs, then stop.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Packs made at once on this instance folder (1 per spare core).")
def pack_worker(once, workers):
    """Make the print packs residents and staff ask for, from the queue, one at a time."""
    from .packs import pack_queue, work, work_once

    app = create_app()
    click.echo(f"Pack worker {os.getpid()} waiting for packs in {pack_queue(app).folder}")
    if once:
        while work_once(app):
            pass
        return
    try:
        work(app, workers=workers)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:   # Ctrl+C on `directory serve` reaches us too
        pass


if __name__ == "__main__":
    main()

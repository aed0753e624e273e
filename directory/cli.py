"""The `directory` command: serve the site, check content, build assets.

Built on Flask's FlaskGroup, so Flask's own commands (routes, shell) work too,
and `flask --app directory ...` is the same command.
"""

import os
import sys

import click
from flask.cli import FlaskGroup

from . import assets, create_app
from .config import Config
from .content import load_directory


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main():
    """Manage the care and support directory."""


@main.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes [default: 2 per CPU core + 1].")
def serve(host, port, workers):
    """Serve the site with gunicorn, the production web server."""
    workers = workers or (os.cpu_count() or 1) * 2 + 1
    arguments = [
        "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--error-logfile", "-", "--preload",
        "directory:create_app()",
    ]
    click.echo(f"Serving on http://{host}:{port} with {workers} workers (Ctrl+C to stop)")
    os.execvp(sys.executable, [sys.executable, "-m", *arguments])


@main.command("content-check", with_appcontext=False)
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=str),
              help="Content folder [default: DIRECTORY_CONTENT_DIR or content/].")
def content_check(content_dir):
    """Load all content and report every problem; exit 1 if any is an error."""
    directory = load_directory(content_dir or Config().CONTENT_DIR)
    for problem in directory.problems:
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(str(problem), fg=colour)
    errors, warnings = len(directory.errors), len(directory.warnings)
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

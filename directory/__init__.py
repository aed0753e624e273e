"""An accessible directory of care and support services for a local council."""

import logging

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from whitenoise import WhiteNoise

from . import assets, auth, db, i18n, responses, templating
from .config import Config
from .content import load_directory
from .insight import Insight
from .search import IndexUnavailable, SearchEngine, index_root, load_synonyms

log = logging.getLogger(__name__)
csrf = CSRFProtect()


def create_app(test_config=None):
    """Make the web app: load the content, then wire up languages, pages and assets."""
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(Config().as_dict())
    if test_config:
        app.config.from_mapping(test_config)

    _secret_key(app)
    if not app.config["SESSION_COOKIE_SECURE"] and environment(app.config) == "production":
        raise InsecureCookies("DIRECTORY_SECURE_COOKIES=0 sends sign-in cookies over plain HTTP: it "
                              "is for trying the site on a local network, never for production. "
                              "Serve the site over HTTPS (docs/deployment.md) and remove the setting.")
    directory = load_directory(app.config["CONTENT_DIR"])
    app.extensions["directory"] = directory
    if directory.errors:
        log.error("%d content problem(s): %d entries left out; run 'directory content-check'",
                  len(directory.errors), len({p.file for p in directory.errors}))

    synonyms, problems = load_synonyms(app.config["CONTENT_DIR"])
    for problem in problems:
        log.error("synonyms problem: %s", problem)
    engine = SearchEngine(index_root(app.config["INSTANCE_DIR"]), synonyms, directory.postcodes)
    app.extensions["search"] = engine
    app.extensions["insight"] = Insight(app)   # in the database: shared by every web server
    try:
        engine.generation()
    except IndexUnavailable as error:
        log.error("search will not work until the index is built: %s", error)

    app.extensions["assets"] = assets.load_manifest(app.config["STATIC_DIR"])
    if not app.extensions["assets"]:
        log.error("assets are not built in %s: run 'make' first", app.config["STATIC_DIR"])

    templating.init_app(app)
    i18n.init_app(app, directory.site)
    responses.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    csrf.init_app(app)

    from .views import account, errors, feedback, formats, health, pages, review, search, staff, statement
    app.register_blueprint(pages.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(staff.bp)
    # Residents' feedback has no session to protect: it carries its own signed token.
    csrf.exempt(feedback.bp)
    app.register_blueprint(statement.bp)
    app.register_blueprint(formats.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(health.bp)
    from .oruk import api as oruk_api  # the Open Referral UK v3 read API (issue 7)
    app.register_blueprint(oruk_api.bp)
    csrf.exempt(oruk_api.bp)
    errors.init_app(app)

    # Built assets (WhiteNoise, with the pages' security headers and no CORS), then HSTS
    # on whatever came over HTTPS, then ProxyFix outermost so both see the proxy's scheme.
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(app.config["STATIC_DIR"]),
        prefix=assets.URL_PREFIX,
        immutable_file_test=assets.is_fingerprinted,
        max_age=3600,
        allow_all_origins=False,
        add_headers_function=responses.static_headers,
    )
    app.wsgi_app = responses.strict_transport(app.wsgi_app)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


class NoSecretKey(RuntimeError):
    """A production site was started without DIRECTORY_SECRET_KEY."""


class InsecureCookies(RuntimeError):
    """A production site was started with DIRECTORY_SECURE_COOKIES=0."""


def environment(config):
    """ "production" or "development" (DIRECTORY_ENV; unset: production on a database server)."""
    chosen = config.get("DIRECTORY_ENV")
    if chosen in ("production", "development"):
        return chosen
    if chosen:
        raise ValueError(f"DIRECTORY_ENV must be 'production' or 'development', not {chosen!r}")
    return "production" if db.is_shared(db.database_url(config)) else "development"


def _secret_key(app):
    """Set SECRET_KEY: configured, or (development only) kept in the instance folder.

    Sessions, CSRF tokens and residents' feedback tokens are signed with it, so every
    web server of one site needs the same key: a key made by each server would make
    each refuse the others' cookies and forms.  Production therefore never makes one.
    """
    key = app.config.get("SECRET_KEY")
    # Tests use short keys on purpose; a site that serves residents never may.
    if key and not app.config.get("TESTING") and environment(app.config) == "production" and (
            len(str(key)) < 32 or "replace-with" in str(key).lower()):
        raise NoSecretKey(
            "DIRECTORY_SECRET_KEY is too weak for a production site (under 32 characters, or "
            "the example's placeholder): make one with "
            "`python3 -c 'import secrets; print(secrets.token_hex(32))'`.")
    if key:
        return
    if environment(app.config) == "production":
        raise NoSecretKey(
            "DIRECTORY_SECRET_KEY is not set. A production site (DIRECTORY_ENV=production, or a "
            "DATABASE_URL naming a database server) needs the same secret key on every web "
            "server: make one with `python3 -c 'import secrets; print(secrets.token_hex(32))'` "
            "and set DIRECTORY_SECRET_KEY to it in each server's environment.")
    app.config["SECRET_KEY"] = _instance_secret(app.config["INSTANCE_DIR"])


def _instance_secret(instance_dir):
    """The secret key kept in the instance folder, made (readable by us alone) if missing."""
    import os
    import secrets

    path = instance_dir / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:   # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(key)
    return key


def current_directory():
    """The Directory loaded for the running app."""
    from flask import current_app

    return current_app.extensions["directory"]

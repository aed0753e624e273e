"""Settings, read from environment variables with defaults for a checkout of the repo."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Settings for serving the site; every one can be set by an environment variable."""

    def __init__(self, environ=None):
        environ = os.environ if environ is None else environ
        self.CONTENT_DIR = Path(environ.get("DIRECTORY_CONTENT_DIR", ROOT / "content"))
        self.INSTANCE_DIR = Path(environ.get("DIRECTORY_INSTANCE_DIR", ROOT / "instance"))
        self.STATIC_DIR = Path(environ.get("DIRECTORY_STATIC_DIR", ROOT / "static" / "build"))
        self.TRANSLATIONS_DIR = Path(environ.get("DIRECTORY_TRANSLATIONS_DIR", ROOT / "translations"))
        # Signs staff and reviewers' sessions and residents' feedback forms.  Without
        # DIRECTORY_SECRET_KEY a development site makes a random key once and keeps it in
        # the instance folder; a production site refuses to start (see __init__.py).
        self.SECRET_KEY = environ.get("DIRECTORY_SECRET_KEY")
        # Any SQLAlchemy URL; SQLite in the instance folder when unset (see db.py).
        self.DATABASE_URL = environ.get("DATABASE_URL")
        # "production" or "development".  Unset: production when DATABASE_URL names a
        # database server (several web servers may share it, so they must share a key),
        # development with the instance folder's SQLite (`make run`).
        self.DIRECTORY_ENV = environ.get("DIRECTORY_ENV", "").strip().lower() or None
        # Failed sign-ins allowed in 15 minutes: per e-mail address, per network address.
        self.SIGN_IN_LIMITS = (5, 100)
        # How many reverse proxies in front of the site set X-Forwarded-For (0: none), so
        # rate limits count residents' own addresses, not the proxy's.
        self.PROXY_HOPS = int(environ.get("DIRECTORY_PROXY_HOPS", 0))
        # Sessions of staff and reviewers (residents never get one): see auth.py.
        self.SESSION_COOKIE_NAME = "directory_session"
        # Secure: browsers keep the cookie only over HTTPS (and on localhost).  "0" is for
        # trying the site on a local network over plain HTTP; production refuses it.
        self.SESSION_COOKIE_SECURE = environ.get("DIRECTORY_SECURE_COOKIES", "1") != "0"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
        self.SESSION_REFRESH_EACH_REQUEST = False
        self.FEEDBACK_PER_HOUR = int(environ.get("DIRECTORY_FEEDBACK_PER_HOUR", 10))
        self.PREFERRED_URL_SCHEME = environ.get("DIRECTORY_URL_SCHEME", "http")
        self.PICTURES_DIR = Path(environ.get("DIRECTORY_PICTURES_DIR", ROOT / "node_modules" / "openmoji"))
        # Where printed leaflets' QR codes point: the public address of the site.
        # Unset: the address each request came to (directory/siteurl.py).
        self.SITE_URL = environ.get("DIRECTORY_SITE_URL")
        self.MAX_CONTENT_LENGTH = 64 * 1024

    def as_dict(self):
        """The settings as a mapping for app.config."""
        return {key: value for key, value in vars(self).items() if key.isupper()}

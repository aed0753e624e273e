"""Settings, read from environment variables with defaults for a checkout of the repo."""

import os
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
        # Residents get no cookies; later features that sign people in need a real secret.
        self.SECRET_KEY = environ.get("DIRECTORY_SECRET_KEY")
        self.PREFERRED_URL_SCHEME = environ.get("DIRECTORY_URL_SCHEME", "http")
        self.PICTURES_DIR = Path(environ.get("DIRECTORY_PICTURES_DIR", ROOT / "node_modules" / "openmoji"))
        # Where printed leaflets' QR codes point: the public address of the site.
        self.SITE_URL = environ.get("DIRECTORY_SITE_URL", "http://127.0.0.1:5000")
        self.MAX_CONTENT_LENGTH = 64 * 1024

    def as_dict(self):
        """The settings as a mapping for app.config."""
        return {key: value for key, value in vars(self).items() if key.isupper()}

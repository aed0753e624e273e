"""What every response carries: security headers, gzip, and how long it took to make.

Pages get them from `init_app`; the built assets WhiteNoise serves under /static/ get
the same security headers from `static_headers`, and `strict_transport` adds HSTS to
every response served over HTTPS (after ProxyFix, so behind nginx too).
"""

import gzip
import time

from flask import g, render_template, request

# No script at all is served to residents; styles and images come from our own origin.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

COMPRESSIBLE = ("text/html", "text/css", "text/plain", "application/json", "text/csv",
                "image/svg+xml", "text/vtt")
MINIMUM_GZIP_SIZE = 500
# Two years, as the Mozilla and hstspreload.org guidance asks; sent only over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def static_headers(headers, path, url):
    """WhiteNoise's add_headers_function: the pages' security headers on /static/ files."""
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    del headers["Access-Control-Allow-Origin"]


def strict_transport(wsgi_app):
    """WSGI middleware: HSTS on every response to a request that came over HTTPS."""

    def application(environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return wsgi_app(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != "strict-transport-security"]
            headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return application


def init_app(app):
    """Add the headers, compression and timing to every response of app."""

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.update(SECURITY_HEADERS)
        if g.get("user") is not None:
            headers["Cache-Control"] = "no-store, private"   # staff and reviewers' pages
        else:
            headers.setdefault("Cache-Control", "no-cache")
        _gzip(response)
        if "started" in g:
            elapsed = (time.perf_counter() - g.started) * 1000
            headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
        return response

    @app.errorhandler(416)
    def range_not_satisfiable(error):
        """A range the file does not have (or several at once): our page, not Werkzeug's."""
        from urllib.parse import urlsplit

        from .views.errors import _language_from_path

        # A video's address has no language: the page it plays in (the referrer) has.
        referred = urlsplit(request.referrer or "").path.strip("/").split("/", 1)[0]
        if "lang" not in g and referred in app.extensions["languages"]:
            g.lang = referred
        _language_from_path(app)
        response = app.make_response((render_template("errors/range.html"), 416))
        length = getattr(error, "length", None)
        if length is not None:
            response.headers["Content-Range"] = f"bytes */{length}"
        return response


def _gzip(response):
    """Compress a response in place when the client accepts gzip and it is worth it."""
    response.vary.add("Accept-Encoding")
    if (
        response.direct_passthrough
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return
    body = response.get_data()
    if len(body) < MINIMUM_GZIP_SIZE:
        return
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"

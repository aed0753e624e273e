"""What every response carries: security headers, gzip, and how long it took to make."""

import gzip
import time

from flask import g, request

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


def init_app(app):
    """Add the headers, compression and timing to every response of app."""

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if g.get("user") is not None:
            headers["Cache-Control"] = "no-store, private"   # staff and reviewers' pages
        else:
            headers.setdefault("Cache-Control", "no-cache")
        _gzip(response)
        if "started" in g:
            elapsed = (time.perf_counter() - g.started) * 1000
            headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
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

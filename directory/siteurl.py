"""The site's public address: where printed QR codes, invite links and the API point.

`DIRECTORY_SITE_URL` when it is set.  Otherwise the address the request came to
(through ProxyFix behind nginx), so a page a resident gets links to where it came from,
whatever address the site is served at.  Work done outside any request (the checks,
`directory pdf`, the command line's invite) has no such address and uses LOCAL, the
address `make run` serves at; a queued print pack carries the address it was asked at.
`directory check` reports an error (`site_url_loopback`) when a production site would
print LOCAL or another loopback address on its leaflets.
"""

from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request

LOCAL = "http://127.0.0.1:5000"


def configured(config):
    """DIRECTORY_SITE_URL without a trailing slash, or None."""
    value = (config.get("SITE_URL") or "").strip()
    return value.rstrip("/") or None


def site_url():
    """The public address for what is being made now (see the module's text)."""
    value = configured(current_app.config)
    if value:
        return value
    if has_request_context() and not g.get("offline"):
        return request.host_url.rstrip("/")
    return LOCAL


def is_loopback(url):
    """Whether url points at this machine only (a resident's phone cannot open it)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1", "0.0.0.0") or host.endswith(".localhost") or host.startswith("127.")

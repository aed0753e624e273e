"""Rules checked in a real browser: axe-core in Chromium, reflow at 320 px, text at 200%.

One page of every type gets every rule; every other page of every entry, in every
language, is loaded at 320 px for the reflow rule alone (`reflow_paths`).

Chromium is Debian's (/usr/bin/chromium) driven by Playwright; axe-core comes from the
npm registry.  The app is served on a free port on 127.0.0.1 for the run.  A missing
browser, or a page that does not load in time, is a finding, never a crash.
"""

import asyncio
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from ..config import ROOT
from .model import ERROR, Finding, rule

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15000
WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 320, "height": 640}

rule("page_axe", "browser", ERROR, "axe-core finds a WCAG 2.2 A or AA failure",
     "WCAG 2.2 A and AA, as tested by axe-core (with target-size)",
     "See the axe rule named in the message and its help page.")
rule("page_reflow_320", "browser", ERROR, "The page scrolls sideways at 320 CSS pixels wide",
     "WCAG 2.2 1.4.10 Reflow", "Let long words and tables wrap or scroll inside their own box.")
rule("page_text_200", "browser", ERROR, "The page scrolls sideways with text at 200%",
     "WCAG 2.2 1.4.4 Resize text", "Size boxes in rem or em, not px.")
rule("page_timeout", "browser", ERROR, "The page did not load in the browser in time",
     "Directory policy", "See why the page is slow or hangs.")
rule("browser_unavailable", "browser", ERROR, "The browser rules could not run",
     "Directory policy", "Install Debian's chromium and run 'make test' to install the rest.")

# axe-core, then text at 200%, in one trip to the browser.
# Working out CSS selectors for every node costs about a tenth of a run: they are asked for
# only when something fails, by running just the failing rules again.
_AXE_RUN = """async (tags) => {
  let result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                        rules: {'target-size': {enabled: true}},
                                        resultTypes: ['violations'],
                                        selectors: false, ancestry: false, xpath: false});
  if (result.violations.length) {
    result = await axe.run(document, {runOnly: {type: 'rule', values: result.violations.map(v => v.id)},
                                      resultTypes: ['violations']});
  }
  const root = document.documentElement;
  root.style.fontSize = '200%';
  const overflowsAt200 = root.scrollWidth > window.innerWidth + 1;
  root.style.fontSize = '';
  return {overflowsAt200, violations: result.violations.map(v => ({id: v.id, impact: v.impact,
    help: v.help, nodes: v.nodes.length, target: v.nodes.length ? String(v.nodes[0].target) : ''}))};
}"""
# How wide the page is, if it is wider than the window (0 if not).  The scroll width is
# not enough: in a right-to-left page, left-to-right text that overflows to the right
# (English in an Urdu page) is cut off, not scrolled to, and does not count in it.  So
# every element that reaches past either edge counts too, unless a box it is in scrolls
# or clips (a table in its own scrolling box, the visually hidden text of GOV.UK).
_OVERFLOWS = """() => {
  const width = document.documentElement.scrollWidth, inner = window.innerWidth;
  let left = 0, right = Math.max(width, inner);
  const clipped = (element) => {
    for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || (box.left >= -1 && box.right <= inner + 1)) continue;
    if (getComputedStyle(element).position === 'fixed' || clipped(element)) continue;
    left = Math.min(left, box.left);
    right = Math.max(right, box.right);
  }
  const widest = Math.round(right - left);
  return widest > inner + 1 ? widest : 0;
}"""


def browser_paths(directory):
    """One page of every type, to load in every language."""
    with_all = next((s for s in directory.services.values() if s.bsl and s.easy_read),
                    next(iter(directory.services.values()), None))
    paths = [("", "web", "/"), ("", "web", "/search?q=carer"), ("", "web", "/search?q=zzzz"),
             ("", "web", "/pack?s=" + (with_all.slug if with_all else "")),
             ("", "web", "/no-such-page"), ("", "web", "/accessibility"), ("", "web", "/sign-in")]
    if directory.categories:
        paths.append(("", "web", f"/categories/{next(iter(directory.categories))}"))
    if with_all is not None:
        paths.append((with_all.slug, "web", f"/services/{with_all.slug}"))
        if with_all.easy_read:
            paths.append((with_all.slug, "easy-read", f"/services/{with_all.slug}/easy-read"))
        if with_all.bsl:
            paths.append((with_all.slug, "bsl", f"/services/{with_all.slug}/bsl"))
        paths.append((with_all.slug, "web", f"/services/{with_all.slug}/feedback"))
    return paths


def reflow_paths(directory):
    """Every page of every entry that browser_paths does not load: each is loaded at 320 px.

    One page of a type is not enough for reflow: what pushes a page sideways is an entry's
    own long e-mail or web address, so every entry's pages are loaded, in every language.
    """
    from .page_rules import page_paths

    loaded = {path for _, _, path in browser_paths(directory)}
    return [(entry, format, path) for entry, format, path in page_paths(directory)
            if entry and path not in loaded]


class Browser:
    """Chromium with axe-core, checking pages on three tabs at once.

    Playwright's asynchronous API drives one browser with a tab per core and one more
    (so a core is not idle while a tab waits for the app: 5 to 10% quicker than two on
    two cores); the class keeps its own event loop so that callers (the runner, the
    tests) stay synchronous.  axe-core is handed to the browser once, as a script run in
    every page it loads.
    """

    def __init__(self, tabs=3, cookies=None):
        if not AXE.exists():
            raise RuntimeError(f"axe-core is not installed ({AXE}): run 'make test'")
        if not Path(CHROMIUM).exists():
            raise RuntimeError(f"there is no browser at {CHROMIUM}: install Debian's chromium")
        self.loop = asyncio.new_event_loop()
        try:
            self.loop.run_until_complete(self._start(tabs, cookies or []))
        except BaseException:
            self.loop.close()
            raise

    async def _start(self, tabs, cookies):
        from playwright.async_api import async_playwright

        self.playwright = await async_playwright().start()
        try:
            self.browser = await self.playwright.chromium.launch(executable_path=CHROMIUM,
                                                                 args=CHROMIUM_ARGS)
            # Our pages allow no inline script (CSP): let the browser run axe-core all the same.
            context = await self.browser.new_context(bypass_csp=True)
            await context.add_init_script(path=str(AXE))
            await context.add_cookies(cookies)   # a signed-in person's, to check their pages
            self.tabs = [await context.new_page() for _ in range(tabs)]
        except BaseException:
            await self.playwright.stop()
            raise

    def check(self, url, entry, format, language, label=None):
        """Every browser rule on one page."""
        return self.check_many([(url, entry, format, language, label)])

    def check_many(self, pages, progress=None):
        """Every browser rule on each (url, entry, format, language, label), in order."""
        return self.loop.run_until_complete(self._check_many(list(pages), progress))

    async def _check_many(self, pages, progress):
        waiting = list(enumerate(pages))[::-1]
        results = {}

        async def work(tab):
            while waiting:
                number, page = waiting.pop()
                results[number] = await self._check(tab, *page)
                progress and progress(1)

        await asyncio.gather(*(work(tab) for tab in self.tabs))
        return [finding for number in sorted(results) for finding in results[number]]

    async def _check(self, tab, url, entry, format, language, label=None):
        label = label or url
        found = []

        def add(rule_id, message):
            found.append(Finding(rule_id, entry, format, language, f"{label}: {message}"))

        async def desktop():
            result = await tab.evaluate(_AXE_RUN, AXE_TAGS)
            for violation in result["violations"]:
                add("page_axe", f"{violation['id']} ({violation['impact']}): {violation['help']}; "
                                f"{violation['nodes']} element(s), first {violation['target']}")
            if result["overflowsAt200"]:
                add("page_text_200", "the page is wider than the window")

        async def narrow():
            width = await tab.evaluate(_OVERFLOWS)
            if width:
                add("page_reflow_320", f"the page is {width} px wide in a 320 px window")

        try:
            # A tab is left at the width of its last check, so the next page starts there
            # and the window is resized once a page, not twice.
            steps = [(WIDE, desktop), (NARROW, narrow)]
            if tab.viewport_size == NARROW:
                steps.reverse()
            else:
                await tab.set_viewport_size(WIDE)
            await tab.goto(url, timeout=TIMEOUT_MS, wait_until="load")
            await steps[0][1]()
            await tab.set_viewport_size(steps[1][0])
            await steps[1][1]()
        except Exception as error:  # Playwright's timeout and navigation errors
            add("page_timeout", f"{type(error).__name__}: {str(error).splitlines()[0]}")
        return found

    def reflow_many(self, pages):
        """Only the reflow rule, at 320 px, on each (url, entry, format, language, label)."""
        return self.loop.run_until_complete(self._reflow_many(list(pages)))

    async def _reflow_many(self, pages):
        waiting, found = pages[::-1], {}

        async def work(tab):
            if tab.viewport_size != NARROW:
                await tab.set_viewport_size(NARROW)
            while waiting:
                url, entry, format, language, label = page = waiting.pop()
                try:
                    await tab.goto(url, timeout=TIMEOUT_MS, wait_until="load")
                    width = await tab.evaluate(_OVERFLOWS)
                    found[page] = [Finding("page_reflow_320", entry, format, language,
                                           f"{label}: the page is {width} px wide in a 320 px window")
                                   ] if width else []
                except Exception as error:  # Playwright's timeout and navigation errors
                    found[page] = [Finding("page_timeout", entry, format, language,
                                           f"{label}: {type(error).__name__}: {str(error).splitlines()[0]}")]

        await asyncio.gather(*(work(tab) for tab in self.tabs))
        return [finding for page in pages for finding in found[page]]

    def close(self):
        async def stop():
            await self.browser.close()
            await self.playwright.stop()

        try:
            self.loop.run_until_complete(stop())
        finally:
            self.loop.close()


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class Served:
    """The app on a free port of 127.0.0.1, in a thread, for the browser."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()


def browser_findings(app, languages, progress=None):
    """Load every page type in every language in Chromium and apply the browser rules."""
    directory = app.extensions["directory"]
    try:
        browser = Browser()
    except Exception as error:
        return [Finding("browser_unavailable", "", "web", "", f"{type(error).__name__}: {error}")]
    served = Served(app)

    def pages(paths):
        return [(served.url + (path if code == "en" else f"/{code}{path}"), entry, format, code,
                 path if code == "en" else f"/{code}{path}") for entry, format, path in paths for code in languages]

    try:
        return (browser.check_many(pages(browser_paths(directory)), progress)
                + browser.reflow_many(pages(reflow_paths(directory))))
    finally:
        browser.close()
        served.close()


def check_file(path):
    """The browser rules on one HTML file (the HTML report itself)."""
    try:
        browser = Browser()
    except Exception as error:
        return [Finding("browser_unavailable", "", "web", "en", f"{type(error).__name__}: {error}")]
    try:
        return browser.check(Path(path).resolve().as_uri(), "", "report", "en", label=str(path))
    finally:
        browser.close()

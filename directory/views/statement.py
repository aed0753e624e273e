"""The accessibility statement, as UK public sector bodies must publish it.

The Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility
Regulations 2018 ask for: how accessible the site is, what is not accessible and why,
how to ask for information in another format, how to complain, and how it was tested.
What is not yet accessible comes from the latest `directory check` results
(kept in the database by `checks.report.save_latest`, so every web server shows the
same), so the statement stays true as content changes.
"""

from collections import Counter

from flask import Blueprint, render_template

from ..checks.model import RULES
from ..checks.report import load_latest
from ..i18n import route

bp = Blueprint("statement", __name__)


def latest_results():
    """The summary of the latest check run, or None if there has been none."""
    data = load_latest()
    if data is None:
        return None
    cells = Counter((c["format"], c["state"]) for c in data.get("coverage", []))
    entries = len({c["entry"] for c in data.get("coverage", [])})
    problems = Counter(f["rule"] for f in data.get("findings", []) if f.get("severity") == "error")
    return {
        "generated": data.get("generated", "")[:10],
        "entries": entries,
        "errors": [(RULES[rule].title if rule in RULES else rule, count)
                   for rule, count in problems.most_common()],
        "without_easy_read": cells[("easy-read", "missing")],
        "without_bsl": cells[("bsl", "missing")],
        "untranslated": cells[("web", "missing")],
        "stale": sum(count for (_, state), count in cells.items() if state == "stale"),
        "sample_bsl": sum(1 for f in data.get("findings", []) if f.get("rule") == "bsl_sample"),
        "review_items": len(data.get("review", [])),
    }


@route(bp, "/accessibility")
def accessibility():
    """The accessibility statement for this site."""
    return render_template("accessibility.html", results=latest_results())

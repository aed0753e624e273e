"""The check report as JSON (schema in docs/checks.md) and as an accessible HTML page.

The latest whole run is also kept in the database (`save_latest`, table check_results),
where the accessibility statement and the staff dashboard of every web server read it.
"""

import datetime
import json
import logging
import os
import tempfile
from collections import Counter
from pathlib import Path

from flask import render_template

from .model import RULES

SCHEMA_VERSION = 1
log = logging.getLogger(__name__)


def as_json(report):
    """The report as a JSON-ready dict."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "summary": summary(report),
        "rules": {rule.id: {"family": rule.family, "severity": rule.severity, "title": rule.title,
                            "source": rule.source, "fix": rule.fix} for rule in RULES.values()},
        "findings": [f.as_dict() for f in report.findings],
        "review": [item.as_dict() for item in report.review],
        "coverage": [{"entry": e, "format": f, "language": l, "state": s}
                     for (e, f, l), s in sorted(report.coverage.items())],
        "timings": {family: round(seconds, 3) for family, seconds in report.timings.items()},
    }


def summary(report):
    """Counts for the top of the report and the end of the command's output."""
    return {"errors": len(report.errors), "warnings": len(report.warnings),
            "review_items": len(report.review), "checked": report.checked,
            "families": report.families,
            "by_rule": dict(Counter(f.rule for f in report.findings)),
            "coverage": dict(Counter(report.coverage.values()))}


def _write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def save_latest(report):
    """Keep report as the latest whole run, in the database (needs an app context)."""
    from ..db import db
    from ..models import CheckResult

    data = as_json(report)
    row = db.session.get(CheckResult, "latest")
    if row is None:
        row = CheckResult(name="latest")
        db.session.add(row)
    row.generated, row.data = data["generated"], json.dumps(data, ensure_ascii=False)
    db.session.commit()
    return data


_loaded = (None, None)   # (which run, its report): one run's report at a time


def load_latest():
    """The latest whole run's report as a dict, or None if there has been none.

    Parsed once per web worker and run: only the run's time is read on each call.
    """
    global _loaded
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from ..db import db
    from ..models import CheckResult

    try:
        generated = db.session.scalar(select(CheckResult.generated).where(CheckResult.name == "latest"))
        if generated is None:
            return None
        key = (str(db.engine.url), generated)
        loaded_key, data = _loaded
        if loaded_key != key:
            data = json.loads(db.session.scalar(select(CheckResult.data).where(CheckResult.name == "latest")))
            _loaded = (key, data)
        return data
    except (SQLAlchemyError, ValueError, TypeError) as error:
        db.session.rollback()
        log.warning("the latest check results could not be read: %s", error)
        return None


def write_json(report, path):
    _write(path, json.dumps(as_json(report), indent=2, ensure_ascii=False))


def write_html(report, path):
    """An HTML report: summary per rule and per entry, the coverage matrix, every finding."""
    data = as_json(report)
    entries = sorted({e for (e, _, _) in report.coverage})
    languages = sorted({l for (_, _, l) in report.coverage if l != "bfi"}, key=lambda c: (c != "en", c))
    per_entry = Counter(f.entry for f in report.findings if f.severity == "error")
    _write(path, render_template("report/check.html", data=data, report=report, rules=RULES,
                                 entries=entries, languages=languages, per_entry=per_entry))

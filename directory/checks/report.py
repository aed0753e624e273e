"""The check report as JSON (schema in docs/checks.md) and as an accessible HTML page."""

import datetime
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from flask import render_template

from .model import RULES

SCHEMA_VERSION = 1


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

"""The staff dashboard's figures: coverage from machine checks and human reviews.

Each cell is one entry x format x language.  The machine state comes from the content
as it is now (`checks.runner.coverage`: missing / stale / passing) with the errors of
the latest `directory check` run on top (failing); where the machine has nothing
against it, the reviews decide: awaiting review, approved, changes requested, stale.
Showing the dashboard never writes: the day's counts for the chart are recorded by
`directory check` (cli.py), the one place that changes the machine state.
"""

import csv
import io
import json
import re
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .checks.report import load_latest
from .checks.runner import coverage
from .db import db
from .models import CoverageDay
from .reviews import APPROVED, AWAITING, CHANGES, STALE, all_items

MISSING, FAILING = "missing", "failing"
STATES = (MISSING, FAILING, STALE, AWAITING, CHANGES, APPROVED)
FORMATS = ("web", "easy-read", "large-print", "bsl")


def latest_failing():
    """{(entry, format, language)} with an error in the latest check run, and its time."""
    data = load_latest()
    if data is None:
        return set(), None
    failing = {(f["entry"], "large-print" if f["format"] == "standard-print" else f["format"], f["language"])
               for f in data.get("findings", []) if f.get("severity") == "error"}
    return failing, data.get("generated")


def cells(directory, languages, instance_dir=None):
    """[(entry, format, language, state)] for every cell, and when the checks last ran.

    Reads only: the latest check results and the reviews come from the database, which
    every web server shares (instance_dir is no longer used).
    """
    machine = coverage(list(directory.services.values()), languages, [])
    failing, checked = latest_failing()
    items = {(i.entry, i.format, i.language): i for i in all_items(directory, languages)}
    rows = []
    for (entry, format, language), state in sorted(machine.items()):
        if format not in FORMATS:
            continue
        if state != MISSING and (entry, format, language) in failing:
            state = FAILING
        elif state == "passing":
            item = items.get((entry, format, language)) or (
                items.get((entry, "web", language)) if format == "large-print" else None)
            state = item.state if item else AWAITING
        rows.append((entry, format, language, state))
    return rows, checked


def record_day(rows, today=None):
    """Keep today's counts for the chart of coverage over time (`directory check` does)."""
    day = (today or date.today()).isoformat()
    counts = json.dumps(Counter(state for *_, state in rows), sort_keys=True)
    saved = db.session.get(CoverageDay, day)
    if saved is not None:
        saved.counts = counts
        return
    try:
        with db.session.begin_nested():   # two staff opening the dashboard at once
            db.session.add(CoverageDay(day=day, counts=counts))
    except IntegrityError:
        db.session.get(CoverageDay, day).counts = counts


def history(days=30, today=None):
    """[(day, {state: count})] for the last days that have figures, oldest first."""
    since = ((today or date.today()) - timedelta(days=days)).isoformat()
    query = select(CoverageDay).where(CoverageDay.day > since).order_by(CoverageDay.day)
    return [(d.day, json.loads(d.counts)) for d in db.session.scalars(query)]


def chart(points, width=640, height=220):
    """Stacked bars of states per day, as numbers for the SVG template."""
    if not points:
        return None
    left, bottom, top = 40, height - 30, 10
    most = max(sum(counts.values()) for _, counts in points) or 1
    step = (width - left - 10) / len(points)
    bars = []
    for index, (day, counts) in enumerate(points):
        y = bottom
        x = left + index * step + step * 0.15
        for state in reversed(STATES):
            value = counts.get(state, 0)
            if not value:
                continue
            h = (bottom - top) * value / most
            y -= h
            bars.append({"x": round(x, 1), "y": round(y, 1), "width": round(step * 0.7, 1),
                         "height": round(h, 1), "state": state, "day": day, "value": value})
    return {"width": width, "height": height, "bars": bars, "most": most, "left": left,
            "bottom": bottom, "top": top,
            "labels": [(round(left + i * step + step / 2, 1), day[5:]) for i, (day, _) in enumerate(points)]}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# A spreadsheet may split a line on "," ";" (Polish and Romanian Excel) or a tab, and may
# ignore quotes and trim spaces: any piece of a cell after one of those (or a line break)
# that would start with a formula character gets a ' in front of it (issue 12, item 9).
_FORMULA_PIECE = re.compile(r"(^|[,;\t\r\n])([ \"]*)(?=[=+\-@\t\r])")


def csv_cell(value):
    """A CSV cell no piece of which a spreadsheet will run as a formula, whatever its separator."""
    return _FORMULA_PIECE.sub(lambda m: m.group(1) + "'" + m.group(2), safe_cell(value))


def to_csv(header, rows):
    """CSV text of header and rows, every cell guarded by csv_cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()

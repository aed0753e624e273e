"""The staff dashboard's figures: coverage states, the chart, CSV export."""

import json

from directory import dashboard
from directory.checks.runner import coverage

from .workflow import signed_in


def test_csv_cells_cannot_start_a_formula():
    assert dashboard.safe_cell("=1+1") == "'=1+1"
    for start in "+-@\t\r":
        assert dashboard.safe_cell(start + "x").startswith("'")
    assert dashboard.safe_cell("Plain") == "Plain"
    text = dashboard.to_csv(["a"], [["=SUM(A1)"], ["-2"]])
    assert text.splitlines() == ["a", "'=SUM(A1)", "'-2"]


def test_chart_stacks_each_days_states():
    drawn = dashboard.chart([("2026-11-25", {"approved": 2, "missing": 2}), ("2026-11-26", {"approved": 4})])
    assert {bar["state"] for bar in drawn["bars"]} == {"approved", "missing"}
    tallest = max(bar["height"] for bar in drawn["bars"])
    assert tallest == drawn["bottom"] - drawn["top"]   # 4 of 4 fills the height
    assert dashboard.chart([]) is None


def test_failing_checks_show_on_the_dashboard(db_app, tmp_path):
    instance = db_app.config["INSTANCE_DIR"]
    (instance / "check-latest.json").write_text(json.dumps({
        "generated": "2026-11-26T10:00:00", "findings": [
            {"entry": "form-friends", "format": "standard-print", "language": "pl", "severity": "error",
             "rule": "pdf_lang"}]}))
    staff = signed_in(db_app, "s@example.org", "staff")
    csv = staff.get("/staff/coverage.csv?entry=form-friends").get_data(as_text=True)
    assert "form-friends,large-print,pl,failing" in csv
    assert "form-friends,bsl,bfi,missing" in csv
    html = staff.get("/staff").get_data(as_text=True)
    assert "last full run 2026-11-26 10:00" in html and "Coverage over time" in html and "<svg" in html


def test_dashboard_has_a_cell_for_every_entry_format_and_language(db_app):
    with db_app.app_context():
        directory = db_app.extensions["directory"]
        languages = list(db_app.extensions["languages"])
        rows, _ = dashboard.cells(directory, languages, db_app.config["INSTANCE_DIR"])
        machine = coverage(list(directory.services.values()), languages, [])
    assert len(rows) == len(machine)
    assert {state for *_, state in rows} <= set(dashboard.STATES)


def test_zero_result_searches_reach_staff(db_app):
    client = db_app.test_client()
    client.get("/search?q=zzqqxx")
    staff = signed_in(db_app, "s@example.org", "staff")
    assert "zzqqxx" in staff.get("/staff").get_data(as_text=True)

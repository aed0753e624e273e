"""The staff dashboard's figures: coverage states, the chart, CSV export."""

import json

from sqlalchemy import event, select

from directory import dashboard
from directory.checks.model import Finding, Report
from directory.checks.runner import coverage
from directory.cli import _save_latest
from directory.db import db
from directory.models import CheckResult, CoverageDay

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


def save_results(app, data):
    """Keep data as the latest check run's report, as `directory check` does."""
    with app.app_context():
        db.session.merge(CheckResult(name="latest", generated=data["generated"], data=json.dumps(data)))
        db.session.commit()


def test_failing_checks_show_on_the_dashboard(db_app, tmp_path):
    save_results(db_app, {
        "generated": "2026-11-26T10:00:00", "findings": [
            {"entry": "form-friends", "format": "standard-print", "language": "pl", "severity": "error",
             "rule": "pdf_lang"}]})
    staff = signed_in(db_app, "s@example.org", "staff")
    csv = staff.get("/staff/coverage.csv?entry=form-friends").get_data(as_text=True)
    assert "form-friends,large-print,pl,failing" in csv
    assert "form-friends,bsl,bfi,missing" in csv
    html = staff.get("/staff").get_data(as_text=True)
    assert "last full run 2026-11-26 10:00" in html


def test_showing_the_dashboard_never_writes(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    writes = []
    with db_app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *rest: writes.append(statement)
                     if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")) else None)
    assert staff.get("/staff").status_code == 200
    assert staff.get("/staff/coverage.csv").status_code == 200
    assert writes == []
    with db_app.app_context():
        assert db.session.scalars(select(CoverageDay)).all() == []


def test_the_check_command_keeps_results_and_the_days_coverage(db_app):
    report = Report()
    report.findings = [Finding("pdf_lang", "form-friends", "standard-print", "pl", "no language")]
    report.coverage = {("form-friends", "web", "pl"): "passing"}
    with db_app.app_context():
        _save_latest(db_app, report)
        _save_latest(db_app, report)   # twice in a day: one row, the later counts
        days = db.session.scalars(select(CoverageDay)).all()
        assert len(days) == 1 and json.loads(days[0].counts)["failing"] >= 1
    staff = signed_in(db_app, "s@example.org", "staff")
    html = staff.get("/staff").get_data(as_text=True)
    assert "Coverage over time" in html and "<svg" in html
    assert "form-friends,large-print,pl,failing" in staff.get(
        "/staff/coverage.csv?entry=form-friends").get_data(as_text=True)


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


def test_a_whole_check_run_keeps_its_results_where_every_server_reads_them(fixture_content, tmp_path,
                                                                          database_template):
    from directory.cli import main

    from .conftest import make_app

    instance = tmp_path / "instance"
    instance.mkdir()
    unmigrated = make_app(fixture_content, INSTANCE_DIR=tmp_path / "empty")
    result = unmigrated.test_cli_runner().invoke(main, ["check", "--no-browser", "--jobs", "1"])
    assert result.exit_code == 1 and "run 'directory db upgrade'" in result.output

    import shutil

    shutil.copy(database_template, instance / "directory.sqlite3")
    app = make_app(fixture_content, INSTANCE_DIR=instance)
    result = app.test_cli_runner().invoke(main, ["check", "--no-browser", "--jobs", "1"])
    assert "PDFs and pages checked" in result.output
    assert not (instance / "check-latest.json").exists()
    with app.app_context():
        saved = json.loads(db.session.get(CheckResult, "latest").data)
        assert saved["coverage"] and len(db.session.scalars(select(CoverageDay)).all()) == 1

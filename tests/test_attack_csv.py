"""Issue 12, item 9: no CSV cell may become a formula, whether the spreadsheet splits on
",", ";" (Polish and Romanian Excel) or a tab."""

import csv
import io
import re

import pytest

from directory import dashboard
from directory.db import db
from directory.models import Feedback

from .test_feedback import form_token
from .workflow import signed_in

FORMULA = ("=", "+", "-", "@", "\t", "\r")
ATTACKS = [
    "x;=1+1", "hello\t=3+3", "a,=2+2", "=SUM(A1:A9)", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1",
    "ok; =HYPERLINK(\"http://evil.example\")", 'say "hi";"=1+1"', "x;'=1", ";=cmd|' /C calc'!A0",
    "two\nlines\n=1+1", "x,\t@A1", "x; ; -3", "1;+2;=3;@4", 'q,"=2"', "a;\r\n=1",
]


def pieces(text):
    """Every field a spreadsheet could make of the text, with each of the three separators,
    honouring quotes (Python's csv module) or not (a plain split), spaces and quotes trimmed."""
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield from row
    for line in re.split(r"[\r\n]", text):
        yield from re.split(r"[,;\t]", line)


def formula_pieces(text):
    found = []
    for field in pieces(text):
        for candidate in (field, field.lstrip(' "')):
            if candidate.startswith(FORMULA):
                found.append(field)
    return found


def test_the_check_finds_the_attacks_in_unguarded_csv():
    """The check below can fail: the unguarded cells are caught by it."""
    out = io.StringIO()
    csv.writer(out).writerows([[a] for a in ATTACKS])
    assert len(formula_pieces(out.getvalue())) >= len(ATTACKS)
    out = io.StringIO()
    csv.writer(out).writerows([[dashboard.safe_cell(a)] for a in ATTACKS])   # the guard before issue 12
    assert {"=1+1", "=3+3"} <= set(formula_pieces(out.getvalue()))


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_cell_becomes_a_formula_with_any_separator(attack):
    text = dashboard.to_csv(["entry", attack], [["form-friends", attack], [attack, "x"]])
    assert formula_pieces(text) == []
    # Read back as it was written (with ","), the words are all still there.
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][0] == "form-friends" and rows[1][1].replace("'", "") == attack.replace("'", "")


def test_the_feedback_export_is_safe_with_every_separator(db_app):
    client = db_app.test_client()
    token = form_token(client, "/pl/services/form-friends")
    assert client.post("/pl/services/form-friends/feedback",
                       data={"token": token, "message": "x;=1+1"}).status_code == 302
    with db_app.app_context():
        for attack in ATTACKS:
            db.session.add(Feedback(entry="form-friends", language="ro", message=attack, staff_note=attack))
        db.session.commit()
    staff = signed_in(db_app, "s@example.org", "staff")
    response = staff.get("/staff/feedback.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "x;'=1+1" in text and "hello\t'=3+3" in text
    assert formula_pieces(text) == []
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == len(ATTACKS) + 2


def test_the_coverage_export_is_safe_with_every_separator(db_app):
    staff = signed_in(db_app, "s@example.org", "staff")
    text = staff.get("/staff/coverage.csv?entry=x;=1+1").get_data(as_text=True)
    assert formula_pieces(text) == []
    text = staff.get("/staff/coverage.csv").get_data(as_text=True)
    assert formula_pieces(text) == [] and "form-friends,web,pl," in text

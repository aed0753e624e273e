"""The page check itself: it must catch each kind of broken page."""

import pytest

from directory.pagecheck import check_page

GOOD = """<!DOCTYPE html>
<html lang="en" dir="ltr"><head><title>Help at home – Directory</title></head>
<body><h1>Help at home</h1><a href="/">Home</a>
<form action="/search"><label for="q">Search</label><input id="q" name="q"></form>
<img src="/x.png" alt=""></body></html>"""


def test_good_page_passes():
    assert check_page(GOOD) == []


@pytest.mark.parametrize("change, expected", [
    (("<h1>Help at home</h1>", "<h1>Help at home</h1><h1>Again</h1>"), "2 <h1>"),
    (("<h1>Help at home</h1>", "<h2>Help at home</h2>"), "0 <h1>"),
    (("<title>Help at home – Directory</title>", "<title>Directory</title>"), "does not start"),
    (('<img src', '<span id="q"></span><img src'), "used more than once"),
    ((' lang="en"', ""), "no lang"),
    (('dir="ltr"', 'dir="rtl"'), "wrong direction"),
    (('action="/search"', ""), "no action"),
    ((' alt=""', ""), "no alt"),
    (('<label for="q">', '<label for="nothing">'), "missing id"),
    (('<a href="/">Home</a>', '<a href="/"></a>'), "has no text"),
    (("<!DOCTYPE html>", ""), "does not parse"),
    (('action="/search"', 'action=/search"'), "does not parse"),       # a quote missing
    (("<h1>Help at home</h1>", "<p><h1>Help at home</h1></div>"), "does not parse"),
    (('<a href="/">', '<a href="/" href="/x">'), "does not parse"),    # an attribute twice
])
def test_broken_page_is_caught(change, expected):
    old, new = change
    problems = check_page(GOOD.replace(old, new))
    assert any(expected in problem for problem in problems), problems


def test_right_to_left_language_must_be_rtl():
    page = GOOD.replace('lang="en" dir="ltr"', 'lang="ur" dir="ltr"')
    assert any("wrong direction" in p for p in check_page(page))
    assert check_page(GOOD.replace('lang="en" dir="ltr"', 'lang="ur" dir="rtl"')) == []


def test_a_picture_titled_inside_the_page_is_not_a_second_title():
    page = GOOD.replace("<h1>Help at home</h1>",
                        '<h1>Help at home</h1><svg role="img"><title>Chart</title><rect/></svg>')
    assert check_page(page) == []

"""Issue 13 item 9: one idea a picture, the jargon list, and a person asked about each picture.

The cases are real content files in a temporary content folder, read by the real loader:
the flagged ones are what the sample said before it was fixed.
"""

import re
import shutil

import pytest
import yaml

from directory.checks import content_rules
from directory.content import load_directory

from .conftest import ROOT
from .test_review_workflow import pictures, review
from .workflow import signed_in

SERVICES = ROOT / "content" / "services"
EASY_READS = sorted(p.parent.name for p in SERVICES.glob("*/easy-read.yaml"))


def findings(tmp_path, slug, points=None):
    """Load the sample's site files and one entry (its easy read replaced by points) and check it."""
    content = tmp_path / "content"
    content.mkdir()
    for path in (ROOT / "content").iterdir():
        if path.is_file():
            shutil.copy(path, content / path.name)
    folder = content / "services" / slug
    shutil.copytree(SERVICES / slug, folder)
    if points is not None:
        data = yaml.safe_load((folder / "easy-read.yaml").read_text(encoding="utf-8"))
        data["points"] = [{"picture": picture, "alt": alt, "text": text} for picture, alt, text in points]
        (folder / "easy-read.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        for translation in folder.glob("translations/*.easy-read.yaml"):
            translation.unlink()   # it follows the English point by point; not what is tested here
    directory = load_directory(content, only=slug)
    assert [p for p in directory.problems if "easy-read" in p.file] == []
    jargon, allowed = content_rules.load_words(content)
    return content_rules.easy_read_findings(directory.services[slug], jargon, allowed)


def messages(found, rule):
    return [f.message for f in found if f.rule == rule]


# --- One idea a picture ------------------------------------------------------------------

BEFORE = {   # points of the sample before the fix, each with more than one idea
    "three sentences": ("people dialogue", "Two people talking",
                        "Brackenford Community Advice gives free help to sort out problems.\n"
                        "It is for anyone who lives, works or studies in Brackenford.\n"
                        "We will not judge you, and we keep what you tell us private.\n"),
    "a list of two things": ("briefcase", "A work bag", "We can help with problems at work.\n"
                             "We can help if you bought something that is broken.\n"),
    "a list, with also": ("family: adult, adult, child", "A family",
                          "We help families living on sites, at the roadside and in houses.\n"
                          "We also help families travelling through Brackenford.\n"),
}


@pytest.mark.parametrize("case", sorted(BEFORE))
def test_a_point_with_more_than_one_idea_is_flagged(tmp_path, case):
    found = findings(tmp_path, "brackenford-community-advice", [BEFORE[case]])
    assert len(messages(found, "easy_read_one_idea")) == 1, found


def test_one_idea_in_one_or_two_sentences_passes(tmp_path):
    found = findings(tmp_path, "brackenford-community-advice", [
        ("briefcase", "A work bag", "We can help with problems at work.\n"),
        ("pound banknote", "A pound banknote", "We can help with benefits.\n"
                                               "Benefits are money you can get to help you live.\n"),
        ("calendar", "A calendar", "It is open on Wednesdays, 4pm to 7pm.\nOn Saturdays it is open 10am to 12:30pm.\n")])
    assert messages(found, "easy_read_one_idea") == []


# --- The jargon list ----------------------------------------------------------------------

@pytest.mark.parametrize("text, term", [
    # Before: "settled status" and "Lasting Power of Attorney" were not on the list.
    ("This includes a Lasting Power of Attorney.\nThis lets you choose someone you trust.\n",
     "lasting power of attorney"),
    # Before: any "is" in the sentence or the next counted as an explanation.
    ("We can help with settled status.\nIt is free.\n", "settled status"),
    ("Everyone is welcome, whatever your immigration status.\n", "immigration status"),
    ("Ask us about direct payments.\n", "direct payments"),
])
def test_jargon_used_without_saying_what_it_means_is_flagged(tmp_path, text, term):
    found = findings(tmp_path, "polish-community-centre", [("page facing up", "A piece of paper", text)])
    assert messages(found, "easy_read_jargon") == [f"'{term}' is not explained"]


def test_jargon_explained_later_is_flagged_where_it_is_first_used(tmp_path):
    found = findings(tmp_path, "refugee-welcome-hub", [
        ("shield", "A shield", "The Hub is for people seeking asylum.\n"),
        ("shield", "A shield", "Seeking asylum means asking a country to keep you safe.\n")])
    assert messages(found, "easy_read_jargon") == ["'asylum' is not explained"]


@pytest.mark.parametrize("texts", [
    ["We can help with settled status.\nSettled status is your right to stay in this country.\n"],
    ["We can help with your right to live in this country.\n"
     "This is sometimes called immigration status or settled status.\n"],
    ["We can help you ask for an assessment.\nThis is a meeting to find out what help you need.\n"],
    ["Tell us which language you speak.\nWe can get you an interpreter, who helps you talk in your language.\n"],
    # Explained where first used, then used again in a later point.
    ["Seeking asylum means asking a country to keep you safe.\n", "You can get asylum support here.\n"],
])
def test_jargon_explained_where_it_is_first_used_passes(tmp_path, texts):
    found = findings(tmp_path, "polish-community-centre", [("page facing up", "A piece of paper", t) for t in texts])
    assert messages(found, "easy_read_jargon") == []


def test_the_jargon_list_has_the_words_readers_stumbled_on():
    jargon, _allowed = content_rules.load_words(ROOT / "content")
    assert {"settled status", "lasting power of attorney", "assessment", "eligibility", "safeguarding",
            "advocacy", "respite", "appointee", "deputy", "direct payments", "asylum"} <= jargon


# --- The sample, fixed ----------------------------------------------------------------------

@pytest.mark.parametrize("slug", EASY_READS)
def test_every_easy_read_is_one_idea_a_picture_in_every_language(tmp_path, slug):
    found = findings(tmp_path, slug)
    assert [f for f in found if f.rule in ("easy_read_one_idea", "easy_read_jargon", "easy_read_long_sentence",
                                           "easy_read_picture_alt", "easy_read_stale")] == []
    directory = load_directory(ROOT / "content", only=slug)
    easy = directory.services[slug].easy_read
    for version in [easy, *easy.translations.values()]:
        assert all(1 <= len(point.sentences) <= 2 for point in version.points), version.language
        assert len(version.points) == len(easy.points)


def test_pictures_are_described_as_drawn():
    """Alt texts a person found did not match the OpenMoji drawing are gone."""
    wrong = {("passport control", "A person showing a passport"), ("house", "A building"),
             ("health worker", "A support worker"), ("night with stars", "The sky at night")}
    used = {(point["picture"], point["alt"]) for slug in EASY_READS
            for point in yaml.safe_load((SERVICES / slug / "easy-read.yaml").read_text())["points"]}
    assert used & wrong == set()


# --- A person judges each picture -----------------------------------------------------------

def test_the_review_asks_about_each_picture_with_its_own_words(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "easy-read ur")
    page = reviewer.get("/review/form-friends/easy-read/en").get_data(as_text=True)
    count = len(pictures("yes"))
    assert count >= 15
    for number in range(1, count + 1):
        assert f"Picture {number} of {count}: does it show what its words say?" in page
    # Each question comes after its own picture and words.
    first = page.index("Picture 1 of")
    assert page.rindex('alt="A piece of paper"', 0, first) > page.index('id="your-review"')
    assert "Do you need help to fill in a form? Form Friends can help adults" in page[:first]

    # A review without an answer for each picture is refused; with them it is saved.
    response = review(reviewer, "/review/form-friends/easy-read/en", {"understood": "yes"}, "approved")
    assert response.status_code == 400 and "Choose yes, no or not sure" in response.get_data(as_text=True)
    answers = {"understood": "yes", **pictures("yes"), "picture_2": "no"}
    response = review(reviewer, "/review/form-friends/easy-read/en", answers, "changes",
                      comments="Picture 2, a present, does not say 'free'.")
    assert response.status_code == 302


def test_an_urdu_easy_read_review_shows_the_urdu_words_right_to_left(db_app):
    reviewer = signed_in(db_app, "r@example.org", "reviewer", "easy-read ur")
    page = reviewer.get("/ur/review/brackenford-deaf-centre/easy-read/ur").get_data(as_text=True)
    count = len(pictures("yes", "brackenford-deaf-centre"))
    form = page[page.index('id="your-review"'):]
    points = re.findall(r'<div class="app-easy-read__point" lang="ur" dir="rtl">', form)
    assert len(points) == count
    assert '<bdi dir="ltr">07700 900318</bdi>' in form

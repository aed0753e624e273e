"""The review workflow: what needs a person, who can judge it, and where each item stands.

Review items are not copied into the database: they are worked out from the content,
as the accessibility checks list them (`checks.runner.review_items`: every translation,
easy read and BSL video, and every entry's page for assistive technology), plus what
staff asked for (`ReviewRequest`).  A review records the *version* of the files it
judged (a hash of them); when the content changes the version changes, the review is
stale and the item is back in the queue.
"""

import hashlib
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .checks.runner import review_items
from .db import db
from .models import Review, ReviewRequest

AWAITING, APPROVED, CHANGES, STALE = "awaiting review", "approved", "changes requested", "stale"
STATES = (AWAITING, STALE, CHANGES, APPROVED)
ANSWERS = ("yes", "no", "unsure")
REVIEWED_FORMATS = ("web", "easy-read", "bsl", "large-print")

# The questions a reviewer answers, written for each kind of item.
CHECKLISTS = {
    "translation": [("same", _l("Does it say the same as the English?")),
                    ("natural", _l("Are the words natural, the way people you know would say them?"))],
    # Easy read also asks about each picture with its own words: Item.checklist adds them.
    "easy-read": [("understood", _l("Could you understand every sentence?"))],
    "bsl": [("clear", _l("Is the signing clear?")),
            ("matches", _l("Does the signing match the written information?"))],
    "assistive-technology": [("usable", _l("Could you use this page with your own assistive technology?")),
                             ("found", _l("Could you find the phone number, address and opening times?"))],
    "large-print": [("readable", _l("Could you read all of the leaflet easily?"))],
}


@dataclass
class Item:
    entry: str
    format: str
    language: str
    skill: str          # a models.SKILLS key
    kind: str           # a CHECKLISTS key
    note: str = ""      # what staff asked, for their requests
    state: str = AWAITING
    version: str = ""
    review: Review | None = None   # the latest review, if any
    pictures: tuple = ()           # easy read: (picture, alt, words) for each point, in order

    @property
    def checklist(self):
        if self.kind == "easy-read":
            return CHECKLISTS[self.kind] + picture_questions(self.pictures)
        return CHECKLISTS[self.kind]

    def picture(self, key):
        """The (picture, alt, words) a picture_<n> question asks about, or None."""
        if not key.startswith("picture_"):
            return None
        return self.pictures[int(key.removeprefix("picture_")) - 1]


def picture_questions(pictures):
    """One question for each easy read picture: does it show what its own words say?

    The review page shows each picture with its words just before its question.
    Issue 13 item 9: a picture can pass every machine check and still not fit ("passport
    control" is an officer, not a person showing a passport), so a person judges each one.
    """
    if not pictures:
        return [("pictures", _l("Do the pictures match the words?"))]
    return [(f"picture_{number}",
             _l("Picture %(number)d of %(count)d: does it show what its words say?",
                number=number, count=len(pictures)))
            for number in range(1, len(pictures) + 1)]


def pictures_of(service, language):
    """Each point of an entry's easy read in one language: (picture, alt, words)."""
    easy = service.easy_read
    version = None if easy is None else easy if language == "en" else easy.translations.get(language)
    if version is None:
        return ()
    return tuple((p.picture, p.alt, " ".join(p.sentences)) for p in version.points)


def kind_of(format, language):
    if format == "easy-read":
        return "easy-read"
    if format == "bsl":
        return "bsl"
    if format == "large-print":
        return "large-print"
    return "assistive-technology" if language == "en" else "translation"


def skill_of(format, language):
    return {"easy-read": "easy-read", "bsl": "bsl"}.get(
        format, "assistive-technology" if language == "en" else language)


def version(service, format, language):
    """A hash of the files a reviewer judges for this item (the English always included)."""
    folder = service.folder
    paths = [folder / "service.yaml"]
    if format in ("web", "large-print") and language != "en":
        paths.append(folder / "translations" / f"{language}.yaml")
    elif format == "easy-read":
        paths.append(folder / "easy-read.yaml")
        if language != "en":
            paths.append(folder / "translations" / f"{language}.easy-read.yaml")
    elif format == "bsl":
        paths += sorted(p for p in (folder / "bsl").glob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\x1f")
        digest.update(_file_hash(path))
    return digest.hexdigest()[:32]


_hashes = {}   # (path, size, mtime) -> hash: a video is read once per change, not per page


def _file_hash(path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return b"-"
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        file_digest = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                file_digest.update(block)
        _hashes[key] = file_digest.digest()
    return _hashes[key]


def all_items(directory, languages, only=None):
    """Every review item the content and staff call for, with its state (or only one entry's)."""
    services = [directory.services[only]] if only else list(directory.services.values())
    items = {}
    for found in review_items(services, languages):
        items[(found.entry, found.format, found.language)] = Item(
            found.entry, found.format, found.language, skill_of(found.format, found.language),
            kind_of(found.format, found.language))
    requests = select(ReviewRequest) if not only else select(ReviewRequest).where(ReviewRequest.entry == only)
    for request in db.session.scalars(requests):
        if request.entry not in directory.services:
            continue
        key = (request.entry, request.format, request.language)
        item = items.get(key) or Item(*key, skill_of(request.format, request.language),
                                      kind_of(request.format, request.language))
        item.note = request.note
        items[key] = item
    latest = latest_reviews(only)
    for key, item in items.items():
        item.version = version(directory.services[item.entry], item.format, item.language)
        if item.kind == "easy-read":
            item.pictures = pictures_of(directory.services[item.entry], item.language)
        item.review = latest.get(key)
        item.state = state_of(item.review, item.version)
    return sorted(items.values(), key=lambda i: (i.entry, i.format, i.language))


def latest_reviews(only=None):
    """{(entry, format, language): the newest review not withdrawn}."""
    latest = {}
    query = select(Review).where(Review.withdrawn.is_(False)).order_by(Review.created_at, Review.id)
    if only:
        query = query.where(Review.entry == only)
    for review in db.session.scalars(query):
        latest[(review.entry, review.format, review.language)] = review
    return latest


def state_of(review, current_version):
    if review is None:
        return AWAITING
    if review.version != current_version:
        return STALE
    return APPROVED if review.decision == "approved" else CHANGES


def queue(items, language=None, format=None, skill=None):
    """What is waiting for a reviewer (never reviewed, or reviewed before the content changed)."""
    return [i for i in items if i.state in (AWAITING, STALE)
            and (not language or i.language == language)
            and (not format or i.format == format)
            and (not skill or i.skill == skill)]


def may_review(user, item):
    """May user decide on item?  A reviewer only on their own skills; staff and admins on any."""
    return user.can("staff") or (user.can("reviewer") and item.skill in user.skill_list)


def find(directory, languages, entry, format, language):
    """The one item for entry x format x language, or None if nothing asks for it."""
    if entry not in directory.services:
        return None
    items = all_items(directory, languages, only=entry)
    return next((i for i in items if (i.format, i.language) == (format, language)), None)


def answers_of(review):
    try:
        return json.loads(review.answers or "{}")
    except ValueError:
        return {}

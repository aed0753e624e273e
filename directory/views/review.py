"""The community reviewers' pages: the queue, one item side by side, their own reviews."""

import json

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from .. import audit, reviews
from ..auth import requires
from ..content.translations import source_texts
from ..db import db
from ..forms import review_form
from ..i18n import route
from ..models import SKILLS, Review

bp = Blueprint("review", __name__)


def _items():
    return reviews.all_items(current_app.extensions["directory"], list(current_app.extensions["languages"]))


@route(bp, "/review")
@requires("reviewer")
def queue():
    chosen = {key: request.args.get(key, "") for key in ("language", "format", "skill")}
    if "skill" not in request.args and g.user.role == "reviewer" and len(g.user.skill_list) == 1:
        chosen["skill"] = g.user.skill_list[0]
    # A reviewer sees only what their skills let them decide on (issue 12, item 8).
    items = [i for i in _items() if reviews.may_review(g.user, i)]
    waiting = reviews.queue(items, **{k: v or None for k, v in chosen.items()})
    skills = SKILLS if g.user.can("staff") else [s for s in SKILLS if s in g.user.skill_list]
    return render_template("review/queue.html", items=waiting, chosen=chosen, skills=skills,
                           offered=current_app.extensions["languages"],
                           formats=sorted({i.format for i in items}), total=len(items))


@route(bp, "/review/<entry>/<format>/<language>", methods=["GET", "POST"])
@requires("reviewer")
def item(entry, format, language):
    directory = current_app.extensions["directory"]
    found = reviews.find(directory, list(current_app.extensions["languages"]), entry, format, language)
    if found is None:
        abort(404)
    # Outside the reviewer's skills: neither shown for a decision nor decided, and nothing written.
    if not reviews.may_review(g.user, found):
        abort(403)
    service = directory.services[entry]
    form = review_form(found, request.form if request.method == "POST" else None)
    changed = request.method == "POST" and form.version.data != found.version
    if changed:
        form.version.data = found.version
    if request.method == "POST" and not changed and form.validate():
        answers = {key: getattr(form, f"answer_{key}").data for key, _ in found.checklist}
        review = Review(entry=entry, format=format, language=language, version=found.version,
                        reviewer_id=g.user.id, decision=form.decision.data,
                        answers=json.dumps(answers, sort_keys=True),
                        assistive_technology=(form.assistive_technology.data or "").strip(),
                        comments=(form.comments.data or "").strip())
        db.session.add(review)
        audit.log("review", f"{entry} {format} {language}: {form.decision.data}")
        db.session.commit()
        return redirect(url_for("review.mine", done=f"{entry}/{format}/{language}"))
    english = source_texts(service)
    translation = service.translations.get(language)
    easy = service.easy_read
    easy_version = None
    if easy is not None and format == "easy-read":
        easy_version = easy if language == "en" else easy.translations.get(language)
    return render_template("review/item.html", item=found, service=service, form=form, english=english,
                           translation=translation, easy=easy, easy_version=easy_version,
                           offered=current_app.extensions["languages"], changed=changed), \
        400 if request.method == "POST" else 200


@route(bp, "/review/mine")
@requires("reviewer")
def mine():
    own = db.session.scalars(db.select(Review).where(Review.reviewer_id == g.user.id)
                             .order_by(Review.created_at.desc(), Review.id.desc()).limit(200)).all()
    return render_template("review/mine.html", reviews=own, done=request.args.get("done"),
                           directory=current_app.extensions["directory"])


@route(bp, "/review/withdraw/<int:review_id>", methods=["POST"])
@requires("reviewer")
def withdraw(review_id):
    review = db.session.get(Review, review_id)
    # Another reviewer's review is simply not found: nobody acts on someone else's work.
    if review is None or review.reviewer_id != g.user.id:
        abort(404)
    review.withdrawn = True
    audit.log("review-withdrawn", f"review {review.id}: {review.entry} {review.format} {review.language}")
    db.session.commit()
    return redirect(url_for("review.mine"))

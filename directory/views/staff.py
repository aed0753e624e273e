"""Staff pages (English): the dashboard, invites, review requests, feedback, the audit log;
and the admin's page for accounts."""

from collections import Counter

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import audit, auth, dashboard, reviews
from ..auth import requires
from ..db import db
from ..forms import AccountForm, FeedbackStatusForm, InviteForm, RequestForm
from ..labels import SKILLS as SKILL_LABELS
from ..models import FEEDBACK_STATES, ROLES, AuditEvent, Feedback, ReviewRequest, User, now
from ..siteurl import site_url

bp = Blueprint("staff", __name__)


def _filters():
    return {key: request.args.get(key, "") for key in ("entry", "format", "language", "state")}


def _filtered(rows, chosen):
    return [r for r in rows
            if (not chosen["entry"] or chosen["entry"].lower() in r[0])
            and (not chosen["format"] or r[1] == chosen["format"])
            and (not chosen["language"] or r[2] == chosen["language"])
            and (not chosen["state"] or r[3] == chosen["state"])]


def _coverage():
    directory = current_app.extensions["directory"]
    languages = list(current_app.extensions["languages"])
    return dashboard.cells(directory, languages, current_app.config["INSTANCE_DIR"])


@bp.route("/staff")
@requires("staff")
def dashboard_page():
    rows, checked = _coverage()   # reading only: `directory check` records the day's counts
    chosen = _filters()
    shown = _filtered(rows, chosen)
    directory = current_app.extensions["directory"]
    feedback_status = request.args.get("feedback", "new")
    feedback_query = select(Feedback).order_by(Feedback.created_at.desc()).limit(100)
    if feedback_status in FEEDBACK_STATES:
        feedback_query = feedback_query.where(Feedback.status == feedback_status)
    feedback_counts = dict(db.session.execute(
        select(Feedback.status, func.count()).group_by(Feedback.status)).all())
    history = dashboard.history()
    latest = reviews.latest_reviews()
    changes = sorted((r for r in latest.values() if r.decision == "changes" and r.entry in directory.services
                      and r.version == reviews.version(directory.services[r.entry], r.format, r.language)),
                     key=lambda r: r.created_at, reverse=True)[:50]
    return render_template(
        "staff/dashboard.html", changes=changes, rows=shown, total=len(rows), counts=Counter(r[3] for r in rows),
        shown_counts=Counter(r[3] for r in shown), states=dashboard.STATES, formats=dashboard.FORMATS,
        offered=current_app.extensions["languages"], chosen=chosen, checked=checked,
        chart=dashboard.chart(history), history=history,
        zero_results=current_app.extensions["insight"].zero_results(50),
        feedback=db.session.scalars(feedback_query).all(), feedback_status=feedback_status,
        feedback_counts=feedback_counts, feedback_states=FEEDBACK_STATES, directory=directory,
        status_form=FeedbackStatusForm())


@bp.route("/staff/coverage.csv")
@requires("staff")
def coverage_csv():
    rows = _filtered(_coverage()[0], _filters())
    text = dashboard.to_csv(["entry", "format", "language", "state"], rows)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=coverage-{now():%Y-%m-%d}.csv"})


@bp.route("/staff/feedback.csv")
@requires("staff")
def feedback_csv():
    rows = [(f.id, f"{f.created_at:%Y-%m-%d %H:%M}", f.entry, f.language, f.status, f.message, f.staff_note)
            for f in db.session.scalars(select(Feedback).order_by(Feedback.created_at.desc()))]
    text = dashboard.to_csv(["id", "received", "entry", "language", "status", "message", "staff note"], rows)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=feedback-{now():%Y-%m-%d}.csv"})


@bp.route("/staff/feedback/<int:feedback_id>", methods=["POST"])
@requires("staff")
def feedback_status(feedback_id):
    item = db.session.get(Feedback, feedback_id) or abort(404)
    form = FeedbackStatusForm()
    if not form.validate_on_submit():
        abort(400)
    if (form.status.data, form.note.data or "") != (item.status, item.staff_note):
        audit.log("feedback-status", f"feedback {item.id}: {item.status} -> {form.status.data}")
        item.status, item.staff_note = form.status.data, form.note.data or ""
        item.updated_at, item.updated_by_id = now(), g.user.id
        db.session.commit()
    return redirect(url_for("staff.dashboard_page", feedback=request.args.get("feedback", "new")) + "#feedback")


@bp.route("/staff/invites", methods=["GET", "POST"])
@requires("staff")
def invites():
    form = InviteForm()
    if not g.user.can("admin"):
        form.role.choices = [("reviewer", "Reviewer")]
    made = None
    if form.validate_on_submit():
        if form.role.data != "reviewer" and not g.user.can("admin"):
            abort(403)
        try:
            made = auth.make_invite(g.user, auth.normal_email(form.email.data), form.name.data.strip(),
                                    form.role.data, form.skills.data)
        except auth.InviteRefused as refused:
            db.session.rollback()
            form.email.errors = [str(refused)]
        else:
            db.session.commit()
            invite, token = made
            made = (invite, site_url() + url_for("account.accept_invite", token=token))
            form = InviteForm(formdata=None)
            if not g.user.can("admin"):
                form.role.choices = [("reviewer", "Reviewer")]
    # Only invites of roles this person may grant: staff see reviewer invites only.
    pending = [i for i in auth.live_invites() if auth.visible_invite(g.user, i)]
    return render_template("staff/invites.html", form=form, made=made, pending=pending, skills=SKILL_LABELS), \
        400 if request.method == "POST" and made is None else 200


@bp.route("/staff/requests", methods=["GET", "POST"])
@requires("staff")
def requests():
    directory = current_app.extensions["directory"]
    form = RequestForm()
    form.entry.choices = [("", "Choose an entry")] + [(s.slug, s.name) for s in directory.services.values()]
    form.language.choices = [(code, language.name) for code, language in current_app.extensions["languages"].items()]
    if form.validate_on_submit():
        key = dict(entry=form.entry.data, format=form.format.data, language=form.language.data)
        saved = db.session.scalar(select(ReviewRequest).filter_by(**key))
        if saved is None:
            saved = ReviewRequest(**key, created_by_id=g.user.id)
            db.session.add(saved)
        saved.note = form.note.data.strip()
        audit.log("review-request", f"{key['entry']} {key['format']} {key['language']}")
        db.session.commit()
        return redirect(url_for("staff.requests", added=1))
    saved = db.session.scalars(select(ReviewRequest).order_by(ReviewRequest.created_at.desc())).all()
    items = {(i.entry, i.format, i.language): i for i in reviews.all_items(
        directory, list(current_app.extensions["languages"]))}
    return render_template("staff/requests.html", form=form, saved=saved, items=items,
                           added=request.args.get("added")), 400 if request.method == "POST" else 200


@bp.route("/staff/audit")
@requires("staff")
def audit_log():
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(500)).all()
    return render_template("staff/audit.html", events=events, actions=audit.ACTIONS)


@bp.route("/admin/accounts")
@requires("admin")
def accounts():
    users = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template("staff/accounts.html", users=users, roles=ROLES,
                           forms={u.id: AccountForm(formdata=None, role=u.role, active=u.active) for u in users})


@bp.route("/admin/accounts/<int:user_id>", methods=["POST"])
@requires("admin")
def account(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = AccountForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == g.user.id and (form.role.data != "admin" or not form.active.data):
        abort(400)   # an admin cannot lock themselves out
    if (form.role.data, form.active.data) != (user.role, user.active):
        audit.log("account-changed", f"{user.email}: {user.role} -> {form.role.data}, "
                                     f"{'on' if form.active.data else 'off'}")
        user.role, user.active = form.role.data, form.active.data
        user.session_token = auth.new_token()   # signed out everywhere
        db.session.commit()
    return redirect(url_for("staff.accounts"))

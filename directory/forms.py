"""The forms staff and reviewers fill in (Flask-WTF: every one carries a CSRF token).

Messages follow the GOV.UK error message pattern: say what went wrong and how to put
it right, in the reader's language.
"""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from .auth import MINIMUM_PASSWORD, hidden_characters, normal_email
from .labels import SKILLS as SKILL_LABELS
from .models import FEEDBACK_STATES, ROLES, SKILLS
from .reviews import ANSWERS


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address")), Length(max=254, message=_l("Enter a shorter email address"))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password")), Length(max=256, message=_l("Enter a shorter password"))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Create a password"), validators=[
        DataRequired(_l("Enter a password")),
        Length(min=MINIMUM_PASSWORD, max=256,
               message=_l("Your password must be between %(min)d and %(max)d characters long",
                          min=MINIMUM_PASSWORD, max=256))])
    confirm = PasswordField(_l("Type your password again"), validators=[
        DataRequired(_l("Type your password again")),
        EqualTo("password", message=_l("The two passwords are not the same"))])


def _no_hidden_characters(form, field):
    """Refuse an address with invisible or control characters (a look-alike of another)."""
    hidden = hidden_characters(field.data)
    if hidden:
        raise ValidationError("Enter the email address without hidden characters (it contains "
                              f"{', '.join(hidden)}); type it rather than pasting it")


def _email_format(form, field):
    """The address as it will be stored (NFKC, case folded) must look like name@example.com."""
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", normal_email(field.data)):
        raise ValidationError("Enter an email address in the correct format, like name@example.com")


class InviteForm(FlaskForm):
    name = StringField("Full name", validators=[
        DataRequired("Enter the person's name"), Length(max=100, message="Enter a name of 100 characters or fewer")])
    email = EmailField("Email address", validators=[
        DataRequired("Enter their email address"), _no_hidden_characters, _email_format,
        Length(max=254, message="Enter a shorter email address")])
    role = RadioField("Role", choices=[(r, r.capitalize()) for r in ROLES], default="reviewer",
                      validators=[DataRequired("Choose a role")])
    skills = SelectMultipleField("What can they review?", choices=[(key, SKILL_LABELS[key]) for key in SKILLS],
                                 validate_choice=True)


def _answer_field(label):
    return RadioField(label, choices=[(a, a) for a in ANSWERS],
                      validators=[DataRequired(_l("Choose yes, no or not sure"))])


def review_form(item, data=None):
    """A review form: one yes / no / not sure question per checklist line, in page order."""
    # Fields are listed (and errors summarised) in the order they are made.
    fields = {f"answer_{key}": _answer_field(label) for key, label in item.checklist}
    fields["assistive_technology"] = StringField(_l("Which assistive technology did you use?"), validators=[
        Length(max=200, message=_l("Enter 200 characters or fewer"))])
    fields["decision"] = RadioField(_l("Your decision"), choices=[("approved", ""), ("changes", "")],
                                    validators=[DataRequired(_l("Choose whether it is ready or needs changes"))])
    fields["comments"] = TextAreaField(_l("Comments"), validators=[
        Length(max=5000, message=_l("Enter 5,000 characters or fewer"))])
    # The version of the files the reviewer was shown, so a decision is never recorded
    # against information that changed while they read it.
    fields["version"] = HiddenField()

    def validate_comments(self, field):
        if self.decision.data == "changes" and not (field.data or "").strip():
            raise ValidationError(_l("Say what needs to change"))

    def validate_assistive_technology(self, field):
        if item.kind == "assistive-technology" and not (field.data or "").strip():
            raise ValidationError(_l("Say which assistive technology you used"))

    form_class = type("ReviewForm", (FlaskForm,), {**fields, "validate_comments": validate_comments,
                                                   "validate_assistive_technology": validate_assistive_technology})
    return form_class(formdata=data) if data is not None else form_class(version=item.version)


class FeedbackStatusForm(FlaskForm):
    status = SelectField("Status", choices=[(s, s.replace("-", " ").capitalize()) for s in FEEDBACK_STATES])
    note = TextAreaField("Note for staff", validators=[Optional(), Length(max=2000, message="Enter 2,000 characters or fewer")])


class RequestForm(FlaskForm):
    entry = SelectField("Entry", validators=[DataRequired("Choose an entry")])
    format = SelectField("Format", choices=[("web", "Web page"), ("easy-read", "Easy read"),
                                            ("bsl", "BSL video"), ("large-print", "Large print")])
    language = SelectField("Language")
    note = TextAreaField("What should the reviewer look at?", validators=[
        DataRequired("Say what the reviewer should look at"), Length(max=2000, message="Enter 2,000 characters or fewer")])


class AccountForm(FlaskForm):
    role = SelectField("Role", choices=[(r, r.capitalize()) for r in ROLES])
    active = BooleanField("Can sign in")

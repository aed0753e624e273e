"""Words for the workflow's codes (formats, states, skills, fields), in the reader's language."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

FORMATS = {"web": _l("Web page"), "easy-read": _l("Easy read"), "bsl": _l("BSL video"),
           "large-print": _l("Large print"), "standard-print": _l("Printed leaflet")}
STATES = {"awaiting review": (_l("Awaiting review"), "govuk-tag--blue"),
          "approved": (_l("Approved"), "govuk-tag--green"),
          "changes requested": (_l("Changes requested"), "govuk-tag--orange"),
          "stale": (_l("Changed since review"), "govuk-tag--yellow"),
          "missing": (_l("Missing"), "govuk-tag--grey"),
          "failing": (_l("Failing checks"), "govuk-tag--red"),
          "passing": (_l("Passing checks"), "govuk-tag--turquoise")}
SKILLS = {"easy-read": _l("Reads easy read"), "bsl": _l("BSL user"),
          "assistive-technology": _l("Uses a screen reader or other assistive technology"),
          "en": _l("Reads English"), "bn": _l("Reads Bengali"), "ur": _l("Reads Urdu"),
          "pl": _l("Reads Polish"), "ro": _l("Reads Romanian"), "ar": _l("Reads Arabic")}
FIELDS = {"name": _l("Name"), "summary": _l("Summary"), "description": _l("What it is"),
          "how_to_use": _l("How to get help"), "eligibility": _l("Who it is for"),
          "cost.description": _l("Cost")}


def format_label(code):
    return FORMATS.get(code, code)


def skill_label(code):
    return SKILLS.get(code, code)


def field_label(path):
    """A field path of a translation ('phones[0].label') as a heading."""
    if path in FIELDS:
        return FIELDS[path]
    return path.split("[")[0].replace("_", " ").capitalize()


def state_tag(state):
    text, colour = STATES.get(state, (state, "govuk-tag--grey"))
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(colour, escape(text))


def init_app(app):
    app.jinja_env.globals.update(format_label=format_label, skill_label=skill_label,
                                 field_label=field_label, state_tag=state_tag)

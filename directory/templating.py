"""Jinja set-up: GOV.UK Frontend macros, an Undefined that raises, and display filters."""

import datetime
import re

from babel.lists import format_list
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader, StrictUndefined
from markupsafe import Markup

from . import assets, bidi, labels
from .content.fields import ACCESSIBILITY, DAYS, DELIVERY, PHONE_TYPES
from .languages import language_name


class RaisingUndefined(StrictUndefined):
    """Raise when an undefined value is shown or used, but allow tests such as `if x`.

    GOV.UK Frontend's macros test optional parameters with `if params.x`, so
    truth tests, iteration and `default` must work; printing an undefined value,
    or reaching into one, is a bug and fails loudly.
    """

    __bool__ = lambda self: False  # noqa: E731
    __iter__ = lambda self: iter(())  # noqa: E731
    __len__ = lambda self: 0  # noqa: E731
    __eq__ = lambda self, other: isinstance(other, type(self))  # noqa: E731
    __ne__ = lambda self, other: not isinstance(other, type(self))  # noqa: E731
    __hash__ = lambda self: id(type(self))  # noqa: E731


def init_app(app):
    """Configure app's Jinja environment."""
    app.jinja_options = {**app.jinja_options, "undefined": RaisingUndefined,
                         "extensions": ["jinja2.ext.do"], "autoescape": True}
    app.jinja_loader = ChoiceLoader([
        PackageLoader("directory", "templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        facet_label=facet_label,
        asset_url=assets.asset_url,
        has_endpoint=lambda endpoint: endpoint in app.view_functions,
    )
    labels.init_app(app)
    bidi.init_app(app)
    app.context_processor(lambda: {"directory": app.extensions["directory"]})
    app.jinja_env.filters.update(
        blocks=text_blocks,
        tel=tel_href,
        phone_links=phone_links,
        long_date=long_date,
        opening_days=opening_days,
        clock=clock,
        language_name=lambda code: language_name(code, str(get_locale() or "en")),
        prose_list=lambda items: format_list([str(i) for i in items], locale=str(get_locale() or "en")),
        local_name=local_name,
        local=local_text,
        direction=lambda code: text_direction(app, code),
        accessibility_label=ACCESSIBILITY.__getitem__,
        delivery_label=DELIVERY.__getitem__,
        phone_type_label=PHONE_TYPES.__getitem__,
    )


def text_direction(app, code):
    """The direction ("ltr" or "rtl") a language is written in, from site.yaml's one list."""
    for language in app.extensions["directory"].site.languages:
        if language.code == code:
            return language.direction
    return "ltr"


def local_text(entry, field):
    """A site or category text in the reader's language where it is translated."""
    translation = (getattr(entry, "translations", None) or {}).get(str(get_locale() or "en"))
    return getattr(translation, field) if translation is not None else getattr(entry, field)


def local_name(service):
    """A service's name in the reader's language, if it is translated, else in English."""
    translation = service.translations.get(str(get_locale() or "en"))
    return translation.name if translation and translation.name else service.name


def facet_label(facet, value):
    """What a resident sees for a filter value."""
    from flask import current_app

    directory = current_app.extensions["directory"]
    if facet == "category":
        category = directory.categories.get(value)
        return local_text(category, "name") if category else value
    if facet == "area":
        return directory.area_name(value)
    if facet == "accessibility":
        return ACCESSIBILITY.get(value, value)
    if facet == "delivery":
        return DELIVERY.get(value, value)
    if facet == "free":
        return _("Free") if value == "yes" else _("There is a charge")
    if facet == "format":
        if value.startswith("lang-"):
            return _("In %(language)s", language=language_name(value[5:], str(get_locale() or "en")))
        return {"easy-read": _("Easy read"), "bsl": _("British Sign Language (BSL) video"),
                "large-print": _("Large print")}.get(value, value)
    return value


def text_blocks(text):
    """Split a description into paragraphs and bulleted lists: [('p', str) | ('ul', [str])]."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        paragraph, items = [], []
        for line in lines:
            if line.startswith(("- ", "* ")):
                if paragraph:
                    blocks.append(("p", " ".join(paragraph)))
                    paragraph = []
                items.append(line[2:].strip())
            else:
                if items:
                    blocks.append(("ul", items))
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append(("p", " ".join(paragraph)))
        if items:
            blocks.append(("ul", items))
    return blocks


def tel_href(number):
    """A tel: link for a UK number as written ('0121 496 0210' -> 'tel:+441214960210')."""
    digits = re.sub(r"[^0-9+]", "", number)
    if digits.startswith("0"):
        digits = "+44" + digits[1:]
    return "tel:" + digits


# A UK phone number written in a sentence: 0121 496 0308, 07700 900318, 0808 157 0330, and
# with Relay UK's prefix 18001 (see content.schema.Phone).
_PHONE = re.compile(r"(?<![\w+])(?:18001 )?(?:\+44 ?|0)\d{2,4}(?: ?\d{3,6}){1,2}(?!\w)")


def phone_links(text):
    """A sentence with each phone number in it a tel: link (laid out left to right), and the
    rest isolated as `isolate` does: for easy read, where numbers sit in the words."""
    out, last = [], 0
    for match in _PHONE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group().removeprefix("18001 ").replace("+44", "0"))
        if len(digits) not in (10, 11):
            continue
        out.append(bidi.isolate(text[last:match.start()]))
        prefix, number = match.group().rpartition("18001 ")[1:]
        out.append(Markup('<a class="govuk-link" href="%s" dir="ltr">%s<span class="app-nowrap">%s</span></a>')
                   % (tel_href(match.group()), prefix, number))
        last = match.end()
    out.append(bidi.isolate((text or "")[last:]))
    return Markup("").join(out)


def long_date(value):
    """A date written out in the reader's language: 2 October 2026."""
    return format_date(value, "d MMMM y")


def opening_days(days):
    """Days as a reader says them: 'Monday to Friday', 'Tuesday and Thursday'."""
    order = list(DAYS)
    indexes = sorted(order.index(day) for day in days)
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return _("%(first)s to %(last)s", first=DAYS[order[indexes[0]]],
                 last=DAYS[order[indexes[-1]]])
    return format_list([str(DAYS[order[i]]) for i in indexes], locale=str(get_locale() or "en"))


def clock(value):
    """A time as GOV.UK style writes it in English (9:30am, midday), or the locale's way."""
    hours, minutes = map(int, value.split(":"))
    if str(get_locale() or "en") != "en":
        from babel.dates import format_skeleton
        from flask_babel import format_time
        short = format_time(datetime.time(hours, minutes), "short")
        if re.search(r"[AP]M", short):   # Urdu and Bengali: not Latin AM/PM, their own words
            return format_skeleton("Bhm", datetime.time(hours, minutes), locale=get_locale())
        return short
    if (hours, minutes) == (12, 0):
        return _("midday")
    suffix = "am" if hours < 12 else "pm"
    hour = hours % 12 or 12
    return f"{hour}{suffix}" if minutes == 0 else f"{hour}:{minutes:02d}{suffix}"

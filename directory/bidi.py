"""Left-to-right runs inside right-to-left text: which need isolating, and the markup that does it.

In an Urdu or Arabic sentence, "0121 496 0308" or "14 Chapel Street" is laid out by the
Unicode bidirectional algorithm, which treats the spaces between numbers as right to
left: the groups swap places, and a full stop after an English sentence jumps to its
start. An isolate (`<bdi dir="ltr">`, or `dir` on the element, which `unicode-bidi:
isolate` makes a separate paragraph) lays each such run out on its own, left to right.

`isolate` and `ltr` are Jinja filters for the web and print templates; `runs` is what
the check (`pagecheck`) looks for.  Both read the one list of right-to-left scripts:
a language's `direction` in site.yaml.
"""

import re

from markupsafe import Markup, escape

# A run that starts and ends with a Latin letter or a digit and may hold, inside it, the
# neutrals numbers and addresses are written with (spaces, dots, dashes, slashes, @, :).
# Latin letters include the accented ones of Polish and Romanian.
_STRONG = r"A-Za-z0-9\u00C0-\u024F"
RUN = re.compile(rf"[{_STRONG}](?:[{_STRONG} .,:;'’/@+()&_\-–]*[{_STRONG})])?")


_TAG = re.compile(r"(<[^>]*>)")


def runs(text):
    """The left-to-right runs in text: [(start, end, run)].

    A run ends with a closing bracket only when it opened that bracket itself: in
    "(Deaf club)" the brackets are the sentence's, mirrored right to left with it, and
    an isolate round "Deaf club)" would leave them facing the same way.
    """
    found = []
    for match in RUN.finditer(text):
        run, end = match.group(), match.end()
        while run.endswith(")") and run.count(")") > run.count("("):
            run, end = run[:-1].rstrip(), end - 1 - (len(run[:-1]) - len(run[:-1].rstrip()))
        found.append((match.start(), end, run))
    return found


def _rtl():
    from .i18n import current_language

    return current_language().direction == "rtl"


def isolate(text, rtl=None):
    """Text with each left-to-right run isolated, when the reader's language is right to left.

    For prose that mixes scripts (a translated description naming "Relay UK 18001", a
    message naming the council): escaped, with `<bdi dir="ltr">` around each run. Left-to-right languages get the
    text back escaped and unchanged.
    """
    if text is None:
        return ""
    if not (_rtl() if rtl is None else rtl):
        return escape(text)
    if isinstance(text, Markup):
        # Markup (a message from the catalogue with its values in it, a search hit with its
        # words marked): the text between its tags, each piece on its own.
        return Markup("").join(Markup(piece) if piece.startswith("<") else isolate(Markup(piece).unescape(), True)
                               for piece in _TAG.split(text) if piece)
    out, last = [], 0
    for start, end, run in runs(str(text)):
        out.append(escape(text[last:start]))
        out.append(Markup('<bdi dir="ltr">%s</bdi>') % run)
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def ltr(value):
    """A whole value that is always written left to right (a phone number, postcode, e-mail
    or web address), isolated in every language so it never takes its neighbours' order."""
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def typed(value):
    """Text someone typed (a search), isolated with the direction of its own first letter."""
    return Markup("<bdi>%s</bdi>") % value


def init_app(app):
    app.jinja_env.filters.update(isolate=isolate, ltr=ltr, typed=typed)

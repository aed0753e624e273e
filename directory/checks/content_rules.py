"""Rules on the entries' own files: easy read, translations, BSL videos, catalogues."""

import re
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from ..content.easyread import sentences
from ..siteurl import LOCAL, configured, is_loopback
from .model import ERROR, WARNING, Finding, rule

EASY_READ_SOURCE = "Mencap / Department of Health, Making written information easier to understand"

rule("easy_read_long_sentence", "easy read", ERROR, "A sentence has more than 15 words",
     EASY_READ_SOURCE, "Split it into two sentences, one idea each.")
rule("easy_read_picture_alt", "easy read", ERROR, "A point's picture has no alt text",
     "WCAG 2.2 1.1.1 Non-text content", "Say in a few words what the picture shows.")
rule("easy_read_jargon", "easy read", ERROR, "A hard word is used without being explained",
     EASY_READ_SOURCE, "Use an everyday word, or explain it: 'An assessment is a meeting ...'.")
rule("easy_read_initials", "easy read", ERROR, "Initials are used without being written out",
     EASY_READ_SOURCE, "Write the words out ('British Sign Language', not 'BSL').")
rule("easy_read_readability", "easy read", WARNING, "The text is harder to read than easy read should be",
     "LIX readability (Björnsson), below 35 for easy read",
     "Use shorter sentences and shorter, everyday words.")
rule("easy_read_one_idea", "easy read", ERROR, "One picture carries more than one idea",
     EASY_READ_SOURCE + "; Mencap, Am I making myself clear?",
     "Give each idea its own point and picture: at most 2 sentences a point, and no two "
     "sentences in a point that start with the same three words (a list of things).")
rule("easy_read_stale", "easy read", WARNING, "The easy read was written from an older version",
     "Directory content policy", "Check it against the entry and run 'directory easy-read-template'.")
rule("translation_incomplete", "translations", ERROR, "Some fields are not translated",
     "Directory content policy", "Translate every field listed, or remove the translation file.")
rule("translation_stale", "translations", WARNING, "The English has changed since the translation",
     "Directory content policy", "Update the translation, then record the new source hash.")
rule("translation_untranslated", "translations", ERROR, "A translated field is still in English",
     "WCAG 2.2 3.1.2 Language of parts", "Translate the field.")
rule("catalogue_incomplete", "translations", ERROR, "An interface string is not translated",
     "Directory content policy", "Translate it in translations/<code>/LC_MESSAGES/messages.po.")
rule("catalogue_placeholders", "translations", ERROR, "Placeholders or plural forms do not match",
     "Babel catalogue checks", "Keep every %(name)s placeholder and give every plural form.")
rule("bsl_files", "bsl", ERROR, "The BSL video, its captions or its details are broken",
     "NHS England BSL quality standard; WCAG 2.2 1.2.2 Captions",
     "Fix the file named; the video is left out until then.")
rule("vtt_invalid", "bsl", ERROR, "The captions are not valid WebVTT",
     "W3C WebVTT; WCAG 2.2 1.2.2 Captions",
     "Start with WEBVTT, keep cues in time order, give every cue text.")
rule("bsl_sample", "bsl", WARNING, "The video is a sample clip, not real BSL",
     "NHS England BSL quality standard", "Replace it with a translation by a registered translator.")
rule("content_problem", "content", ERROR, "A content file has a problem",
     "Directory content format", "See the message; 'directory content-check' lists them all.")
rule("site_url_loopback", "content", ERROR, "Printed leaflets would point at this machine, not the site",
     "WCAG 2.2 2.4.4 Link Purpose; GOV.UK: printed material must say where to find it online",
     "Set DIRECTORY_SITE_URL to the site's public address (https://...), then run the check again.")

_INITIALS = re.compile(r"\b[A-Z]{2,}s?\b")


def load_words(content_dir):
    """The jargon list and allowed initials from content/easy-read-words.yaml."""
    path = Path(content_dir) / "easy-read-words.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return ({w.lower() for w in data.get("jargon", [])}, set(data.get("allowed_initials", [])))


def lix(text):
    """LIX readability: words per sentence plus the share of words over six letters, x100."""
    found = sentences(text)
    words = re.findall(r"\w+", text)
    if not words or not found:
        return 0.0
    return len(words) / len(found) + 100 * sum(len(w) > 6 for w in words) / len(words)


def easy_read_findings(service, jargon, allowed):
    """Rules on an entry's easy read versions, in every language it has."""
    easy = service.easy_read
    if easy is None:
        return []
    found = []
    for version in [easy, *easy.translations.values()]:
        def add(rule_id, message, line=0):
            found.append(Finding(rule_id, service.slug, "easy-read", version.language, message,
                                 version.file, line))
        whole = "\n".join(p.text for p in version.points)
        explained = set()   # jargon explained in an earlier point may be used again
        for point in version.points:
            if not point.alt.strip():
                add("easy_read_picture_alt", "a picture has no alt text", point.line)
            for sentence in point.sentences:
                count = len(sentence.split())
                if count > 15:
                    add("easy_read_long_sentence", f"{count} words: '{sentence}'", point.line)
            for message in more_than_one_idea(point.sentences):
                add("easy_read_one_idea", message, point.line)
            if version.language == "en":
                for term in unexplained_jargon(point.sentences, jargon, explained):
                    add("easy_read_jargon", f"'{term}' is not explained", point.line)
                for initials in sorted(set(_INITIALS.findall(point.text)) - allowed):
                    add("easy_read_initials", f"'{initials}' is not written out", point.line)
        if version.language in ("en", "pl", "ro") and lix(whole) > 35:
            add("easy_read_readability", f"LIX {lix(whole):.0f} (easy read should be under 35)")
        if version.stale:
            add("easy_read_stale", "the entry has changed since this was written")
    return found


# --- Easy read: one idea a picture, and jargon explained where it is first used -----------
# (issue 13 item 9).  A point is one picture and the words beside it.  Measurable tests:
#   - at most MAX_SENTENCES sentences a point (Mencap: one idea a picture, short points);
#   - no two sentences of a point start with the same three words: "We can help with work.
#     We can help if you bought something broken." is a list of two things, each its own idea.
MAX_SENTENCES = 2


def _opening(sentence):
    """A sentence's first three words, leaving out "also" ("We can also help" = "We can help")."""
    return tuple([w.lower() for w in re.findall(r"[\w'£]+", sentence) if w.lower() != "also"][:3])


def more_than_one_idea(said):
    """Why a point's sentences carry more than one idea (an empty list if they do not)."""
    reasons = []
    if len(said) > MAX_SENTENCES:
        reasons.append(f"{len(said)} sentences beside one picture (at most {MAX_SENTENCES}): "
                       f"'{said[0]} ...'")
    openings = [_opening(s) for s in said]
    for index, opening in enumerate(openings):
        if len(opening) == 3 and opening in openings[:index]:
            first = said[openings.index(opening)]
            reasons.append(f"two sentences start '{' '.join(opening)}', a list of two things: "
                           f"'{first}' / '{said[index]}'")
            break
    return reasons


def _term(term):
    return r"\b" + r"\s+".join(re.escape(w) for w in term.split()) + r"(?:s|'s)?\b"


def unexplained_jargon(said, jargon, explained):
    """The jargon (words or phrases) a point uses without saying what it means.

    A term is explained in the point that first uses it: "An assessment is ...", "Safeguarding
    means ...", "... This is called a refuge.", or the next sentence "This is a meeting ...".
    explained collects the terms explained so far, for the points after.
    """
    text = " ".join(said)
    missing = []
    for term in sorted(jargon):
        pattern = _term(term)
        if term in explained or not re.search(pattern, text, re.IGNORECASE):
            continue
        defined = re.search(pattern + r",?\s+((who|which|that)\s+)?(is|are|means|helps?)\b", text,
                            re.IGNORECASE) or re.search(
            r"\b(called|known as)\b[^.!?]*" + pattern, text, re.IGNORECASE)
        if not defined:
            for index, sentence in enumerate(said):
                if re.search(pattern, sentence, re.IGNORECASE):
                    after = said[index + 1] if index + 1 < len(said) else ""
                    defined = re.match(r"(This|That) (is|means)\b", after)
                    break
        if defined:
            explained.add(term)
        else:
            missing.append(term)
    # A longer phrase holds the shorter one ("lasting power of attorney" and "power of attorney").
    return [t for t in missing if not any(t != o and t in o for o in missing)]


def translation_findings(service):
    """Rules on an entry's translations."""
    from ..content.translations import source_texts

    english = source_texts(service)
    found = []
    for code, translation in service.translations.items():
        def add(rule_id, message):
            found.append(Finding(rule_id, service.slug, "web", code, message, translation.file))
        if translation.missing:
            add("translation_incomplete", "not translated: " + ", ".join(translation.missing))
        if translation.stale:
            add("translation_stale", "the English has changed since this was translated")
        for key, text in translation.fields.items():
            if len(text) > 20 and text.strip() == english.get(key, "").strip():
                add("translation_untranslated", f"{key} is the same as the English")
    return found


def bsl_findings(service):
    """Rules on an entry's BSL video beyond what the loader refuses."""
    if service.bsl is None or not service.bsl.sample:
        return []
    return [Finding("bsl_sample", service.slug, "bsl", "bfi",
                    "marked sample: true; a resident must not take it for real BSL",
                    service.bsl.file)]


def problem_findings(directory):
    """The loader's problems as findings, with the rule their file belongs to."""
    found = []
    for problem in directory.problems:
        parts = problem.file.split("/")
        entry = parts[2] if len(parts) > 3 and parts[1] == "services" else ""
        if problem.file.endswith(".vtt"):
            rule_id, format = "vtt_invalid", "bsl"
        elif "/bsl/" in problem.file:
            rule_id, format = "bsl_files", "bsl"
        elif problem.severity == ERROR:
            rule_id, format = "content_problem", "web"
        else:
            continue   # stale translations and easy reads have rules of their own
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        found.append(Finding(rule_id, entry, format, "en", message, problem.file, problem.line))
    return found


def catalogue_findings(translations_dir):
    """Babel's own checks, and completeness, of every interface catalogue."""
    found = []
    for path in sorted(Path(translations_dir).glob("*/LC_MESSAGES/messages.po")):
        code = path.parts[-3]
        relative = f"translations/{code}/LC_MESSAGES/messages.po"
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                found.append(Finding("catalogue_incomplete", "", "web", code,
                                     f"'{message.id if isinstance(message.id, str) else message.id[0]}'",
                                     relative, message.lineno))
        for message, errors in catalogue.check():
            for error in errors:
                found.append(Finding("catalogue_placeholders", "", "web", code, str(error),
                                     relative, message.lineno))
    return found


def site_findings(config, environment):
    """A production site whose leaflets' QR codes and links would open this machine only.

    Leaflets made outside a request (the checks, `directory pdf --all`) use
    DIRECTORY_SITE_URL; without it they carry siteurl.LOCAL.  environment is
    "production" or "development" (directory.environment).
    """
    if environment != "production":
        return []
    url = configured(config)
    if url is not None and not is_loopback(url):
        return []
    shown = url or f"{LOCAL} (DIRECTORY_SITE_URL is not set)"
    return [Finding("site_url_loopback", "", "standard-print", "en",
                    f"leaflets' QR codes and links would start {shown}, which a resident's phone "
                    "cannot open")]

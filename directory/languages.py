"""Names of languages: the ones services are delivered in, in any interface language."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError

# Languages Babel's CLDR data has no name for, by ISO 639 code.
_EXTRA_NAMES = {
    "bfi": "British Sign Language",
    "syl": "Sylheti",
    "rom": "Romani",
}


@lru_cache(maxsize=4096)
def is_known(code):
    """Whether code names a language we can show a name for."""
    if code in _EXTRA_NAMES:
        return True
    try:
        return Locale.parse(code).get_display_name("en") is not None
    except (UnknownLocaleError, ValueError):
        return False


@lru_cache(maxsize=4096)
def language_name(code, locale="en"):
    """The name of a language in the given interface language ('Polish', 'polski')."""
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code]
    try:
        name = Locale.parse(code).get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code

"""How text becomes search terms, in every script we publish in.

Words are runs of letters, digits and combining marks, so Bengali vowel signs
and Arabic diacritics stay inside their word (Python's \\w alone would split
them).  Terms are case-folded, Latin accents are folded ("sanatate" finds
"sănătate"), Arabic-script letters that keyboards write differently are made
one (Arabic ي ك and Urdu ی ک), and Arabic vowel marks and tatweel are dropped.
"""

import re
import unicodedata

from whoosh.analysis import CharsetFilter, Filter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import has_stemmer, has_stopwords
from whoosh.support.charset import accent_map


def _combining_marks():
    ranges, start, previous = [], None, None
    for code in range(0x20000):  # every script in the basic and supplementary planes
        if unicodedata.category(chr(code)).startswith("M"):
            if start is None:
                start = code
            previous = code
        elif start is not None:
            ranges.append((start, previous))
            start = None
    return "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges)


# A word: letters, digits, combining marks and joiners; inner apostrophes join ("asperger's").
WORD_CHARACTERS = rf"\w{_combining_marks()}\u200c\u200d"
WORD = rf"[{WORD_CHARACTERS}]+(?:['’][\w]+)*"

_ARABIC_SCRIPT = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ۀ": "ه", "ہ": "ه", "ھ": "ه", "’": "'", "ـ": None,
    **{chr(c): None for c in range(0x064B, 0x0660)},  # harakat: vowel marks
    "\u0670": None, "\u200c": None, "\u200d": None,
})


_ACCENTS = dict(accent_map)


def fold(word):
    """One word folded: case, Unicode form, Latin accents and Arabic-script variants."""
    if word.isascii():
        return word.lower()
    word = unicodedata.normalize("NFKC", word).translate(_ARABIC_SCRIPT).lower()
    return word.translate(_ACCENTS)


class FoldFilter(Filter):
    """Make spellings that mean the same word one term (see fold)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class ScriptFoldFilter(Filter):
    """Case and script folding without removing accents, before a stemmer."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            token.text = text.lower() if text.isascii() else \
                unicodedata.normalize("NFKC", text).translate(_ARABIC_SCRIPT).lower()
            yield token


def tokenizer():
    """Split text into words in any script."""
    return RegexTokenizer(WORD)


def plain_analyzer():
    """Words as typed, folded: for exact and typo-tolerant matching in any language."""
    return tokenizer() | FoldFilter()


def stemmed_analyzer(language):
    """Words reduced to their stem, for languages Whoosh has a stemmer for."""
    chain = tokenizer() | ScriptFoldFilter()
    if has_stopwords(language):
        chain = chain | StopFilter(lang=language)
    return chain | StemFilter(lang=language) | CharsetFilter(accent_map)


def stemmed_languages(codes):
    """The codes among these that Whoosh can stem."""
    return [code for code in codes if has_stemmer(code)]


def terms(text):
    """The plain terms of a piece of text, in order."""
    return [token.text for token in plain_analyzer()(text)]


def phrase_pattern(words):
    """A regular expression finding these folded words next to each other in folded text."""
    between = rf"[^{WORD_CHARACTERS}]+"
    return re.compile(rf"(?<![{WORD_CHARACTERS}])" + between.join(map(re.escape, words))
                      + rf"(?![{WORD_CHARACTERS}])")

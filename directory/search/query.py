"""Turn what a resident typed into a search, safely.

The text is never given to Whoosh's query parser, so `name:x`, `*`, `AND`,
brackets and `~` are just words.  Quoted words are a phrase; a UK postcode
becomes "near here"; stop words are dropped when other words remain; each word
also matches its stem, its synonyms and, when it is not in the index, close
spellings (one edit for words of 4+ letters, two for 8+).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh.lang import has_stopwords, languages, stopwords_for_language
from whoosh.query import FuzzyTerm, Or, Phrase, Term

from ..content.schema import normal_postcode
from .analysis import stemmed_analyzer, terms

MAX_QUERY_LENGTH = 200
PLAIN_FIELDS = ("name", "summary", "body", "extra")
_STOP = {code: frozenset(stopwords_for_language(code)) for code in languages if has_stopwords(code)}
_OUTWARD = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*([0-9][A-Z]{2}))?\b")


@dataclass
class ParsedQuery:
    """A resident's query, cleaned: its words, phrases, postcode and any notices."""

    text: str = ""
    words: list = field(default_factory=list)
    phrases: list = field(default_factory=list)
    postcode: str | None = None
    unknown_postcode: str | None = None
    truncated: bool = False

    @property
    def empty(self):
        return not self.words and not self.phrases


def clean(raw):
    """Normalise typed text: no control characters, one space between words, not too long."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" and c not in "\u200c\u200d" else c
                   for c in text)
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), truncated


def parse(raw, postcodes=()):
    """Parse what a resident typed into a ParsedQuery."""
    text, truncated = clean(raw)
    parsed = ParsedQuery(text=text, truncated=truncated)
    rest = text
    for match in _OUTWARD.finditer(text.upper()):
        full = normal_postcode(match.group(0)) if match.group(2) else None
        if full:
            if full in postcodes:
                parsed.postcode = full
            else:
                parsed.unknown_postcode = full
            rest = rest[:match.start()] + " " + rest[match.end():]
            break
    # Balanced double quotes make a phrase; a lone quote is just ignored.
    quote_free = re.sub(r"[\"“”„«»]", '"', rest)
    for phrase in re.findall(r'"([^"]+)"', quote_free):
        words = terms(phrase)
        if len(words) > 1:
            parsed.phrases.append(words)
        else:
            parsed.words.extend(words)
    parsed.words.extend(terms(re.sub(r'"[^"]*"', " ", quote_free)))
    return parsed


def _without_stop_words(words, lang):
    stop = _STOP.get("en", frozenset()) | _STOP.get(lang, frozenset())
    kept = [w for w in words if w not in stop]
    return kept or words


def edits_allowed(word):
    """How many typing mistakes to forgive in a word of this length."""
    return 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0


def _transpositions(word):
    """The word with each pair of neighbouring letters swapped."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)
            if word[i] != word[i + 1]}


def _stem(word, lang):
    tokens = [t.text for t in stemmed_analyzer(lang)(word)]
    return tokens[0] if tokens else None


class QueryBuilder:
    """Builds Whoosh queries against one index reader."""

    def __init__(self, reader, stem_languages, synonyms):
        self.reader = reader
        self.stem_languages = stem_languages
        self.synonyms = synonyms

    def known(self, word):
        """Whether a plain word occurs anywhere in the index."""
        return any(self.reader.doc_frequency(f, word) for f in PLAIN_FIELDS)

    def _stem_fields(self, lang):
        return [code for code in dict.fromkeys(["en", lang]) if code in self.stem_languages]

    def word_query(self, word, lang, fuzzy=True, boost=1.0):
        """One word: exact in every field, stemmed, and forgiving of typos if it is unknown."""
        parts = [Term(f, word) for f in PLAIN_FIELDS]
        for code in self._stem_fields(lang):
            stem = _stem(word, code)
            if stem:
                parts.append(Term(f"stem_{code}", stem))
        distance = edits_allowed(word)
        if fuzzy and distance and not self.known(word):
            parts += [FuzzyTerm(f, word, maxdist=distance, prefixlength=1, boost=0.8)
                      for f in ("name", "summary", "body")]
            # Two letters swapped ("autsim") is one slip of the fingers, but two edits to
            # Levenshtein; look for the swapped spellings that exist.
            for swapped in _transpositions(word):
                if self.known(swapped):
                    parts += [Term(f, swapped, boost=0.8) for f in PLAIN_FIELDS]
        return Or(parts, boost=boost)

    def phrase_query(self, words, lang, boost=1.0):
        """Several words in this order, in any field."""
        parts = [Phrase(f, list(words)) for f in PLAIN_FIELDS]
        for code in self._stem_fields(lang):
            stems = [_stem(w, code) for w in words]
            if all(stems):
                parts.append(Phrase(f"stem_{code}", stems))
        return Or(parts, boost=boost)

    def build(self, parsed, lang):
        """The query for a parsed search, or None to browse everything."""
        if parsed.empty:
            return None
        words = _without_stop_words(parsed.words, lang)
        parts = [self.word_query(w, lang) for w in words]
        parts += [self.phrase_query(p, lang, boost=1.5) for p in parsed.phrases]
        for phrase in self.synonyms.alternatives(parsed.words):
            if len(phrase) == 1:
                parts.append(self.word_query(phrase[0], lang, fuzzy=False, boost=0.9))
            else:
                parts.append(self.phrase_query(phrase, lang, boost=0.9))
        return Or(parts, scale=0.9)

    def highlight_query(self, parsed, lang):
        """The words worth marking in results: the query's and its one-word synonyms'."""
        words = list(_without_stop_words(parsed.words, lang))
        words += [w for phrase in parsed.phrases for w in phrase]
        words += [phrase[0] for phrase in self.synonyms.alternatives(parsed.words) if len(phrase) == 1]
        words = [w for w in dict.fromkeys(words) if w not in _STOP.get("en", ())]
        return Or([self.word_query(w, lang) for w in words]) if words else None

    def suggestion(self, parsed):
        """A corrected spelling of the query if any word is unknown, else None."""
        changed, words = False, []
        for word in parsed.text.split():
            plain = terms(word)
            if len(plain) == 1 and edits_allowed(plain[0]) and not self.known(plain[0]):
                corrections = self.reader.corrector("body").suggest(
                    plain[0], limit=1, maxdist=edits_allowed(plain[0]), prefix=1)
                if corrections:
                    words.append(corrections[0])
                    changed = True
                    continue
            words.append(word)
        return " ".join(words) if changed else None

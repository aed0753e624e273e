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
from whoosh.query import And, FuzzyTerm, Or, Term

from ..content.schema import normal_postcode
from .analysis import stemmed_analyzer, terms

MAX_QUERY_LENGTH = 200
PLAIN_FIELDS = ("name", "text")
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


@dataclass
class Clause:
    """One thing a search looks for: a word, a phrase or a synonym, in the name and the rest."""

    name: object
    text: object
    factor: float = 1.0
    phrase: tuple = ()      # words that must stand in this order (checked on stored text)


class QueryBuilder:
    """Builds Whoosh queries against one index reader."""

    def __init__(self, reader, stem_languages, synonyms):
        self.reader = reader
        self.stem_languages = stem_languages
        self.synonyms = synonyms
        self._known, self._corrections = {}, {}

    def known(self, word):
        """Whether a word occurs anywhere in the index, as typed or by its stem."""
        if word not in self._known:
            self._known[word] = any(self.reader.doc_frequency(f, word) for f in PLAIN_FIELDS) or any(
                self.reader.doc_frequency(f"stem_{code}", stem)
                for code in self.stem_languages for stem in [_stem(word, code)] if stem)
        return self._known[word]

    def corrections(self, word, limit=3):
        """Words in the index a typo was probably meant to be, best first."""
        if word not in self._corrections:
            found = []
            for fieldname in ["text", *(f"stem_{code}" for code in self.stem_languages)]:
                found += self.reader.corrector(fieldname).suggest(
                    word, limit=3, maxdist=edits_allowed(word), prefix=1)
            self._corrections[word] = list(dict.fromkeys(found))
        return self._corrections[word][:limit]

    def _stem_fields(self, lang):
        return [code for code in dict.fromkeys(["en", lang]) if code in self.stem_languages]

    def word_query(self, word, lang, boost=1.0):
        """One word, for scoring: as typed in the name and text, and stemmed."""
        return Or([Term(f, word) for f in PLAIN_FIELDS] + self._stems([word], lang), boost=boost)

    def _variants(self, word, field, fuzzy):
        """Terms for a word in one plain field: exact, and close spellings if it is unknown."""
        parts = [Term(field, word)]
        distance = edits_allowed(word)
        if fuzzy and distance and not self.known(word):
            parts.append(FuzzyTerm(field, word, maxdist=distance, prefixlength=1))
            parts += [Term(field, swapped) for swapped in _transpositions(word)
                      if self.known(swapped)]
        return parts

    def _stems(self, words, lang):
        return [Term(f"stem_{code}", stem) for code in self._stem_fields(lang)
                for word in words for stem in [_stem(word, code)] if stem]

    def word_clause(self, word, lang, fuzzy=True, factor=1.0):
        """A word: in the name; or in the text, stemmed, or spelt nearly the same."""
        text = self._variants(word, "text", fuzzy) + self._stems([word], lang)
        if fuzzy and edits_allowed(word) and not self.known(word):
            meant = [w for w in _transpositions(word) if self.known(w)] + self.corrections(word, 5)
            text += self._stems(meant, lang)
        return Clause(Or(self._variants(word, "name", fuzzy)), Or(text), factor)

    def clauses(self, parsed, lang):
        """What a parsed search looks for, or None to browse everything."""
        if parsed.empty:
            return None
        found = [self.word_clause(w, lang) for w in _without_stop_words(parsed.words, lang)]
        for phrase in parsed.phrases:
            every = [self.word_clause(w, lang, fuzzy=False)
                     for w in _without_stop_words(list(phrase), lang)]
            found.append(Clause(None, And([Or([c.name, c.text]) for c in every]), 1.5, tuple(phrase)))
        for phrase in self.synonyms.alternatives(parsed.words):
            words = _without_stop_words(list(phrase), lang)
            if len(words) == 1:
                found.append(self.word_clause(words[0], lang, fuzzy=False, factor=0.9))
            else:
                every = [self.word_clause(w, lang, fuzzy=False) for w in words]
                found.append(Clause(None, And([Or([c.name, c.text]) for c in every]), 0.9))
        return found

    def core_query(self, parsed, lang):
        """The query Whoosh scores (BM25F) to order services that match equally well."""
        parts = []
        for word in _without_stop_words(parsed.words, lang):
            spellings = [word]
            if edits_allowed(word) and not self.known(word):   # score the likely words meant
                spellings = [w for w in _transpositions(word) if self.known(w)] + self.corrections(word)
            parts += [self.word_query(w, lang) for w in spellings]
        parts += [self.phrase_query(p, lang, boost=1.5) for p in parsed.phrases]
        return Or(parts) if parts else None

    def phrase_query(self, words, lang, boost=1.0):
        """For scoring, a phrase's words all in a service (their order is checked apart)."""
        return And([self.word_query(w, lang) for w in words], boost=boost)

    def highlight_words(self, parsed, lang):
        """The plain words worth marking in results: the query's and its one-word synonyms'."""
        words = list(_without_stop_words(parsed.words, lang))
        words += [w for phrase in parsed.phrases for w in phrase]
        words += [phrase[0] for phrase in self.synonyms.alternatives(parsed.words) if len(phrase) == 1]
        return {w for w in words if w not in _STOP.get("en", ())}

    def suggestion(self, parsed):
        """A corrected spelling of the query if any word is unknown, else None."""
        changed, words = False, []
        for word in parsed.text.split():
            plain = terms(word)
            if len(plain) == 1 and edits_allowed(plain[0]) and not self.known(plain[0]):
                corrections = self.corrections(plain[0], limit=1)
                if corrections:
                    words.append(corrections[0])
                    changed = True
                    continue
            words.append(word)
        return " ".join(words) if changed else None

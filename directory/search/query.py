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
# What one search may cost (issue 12): a long run of misspelt words made every word a
# Levenshtein automaton in four fields, 0.2-0.7 s a query.  Beyond these, words are ignored
# (and the results say so) or matched only as typed and stemmed.
MAX_WORDS = 12          # distinct words looked for, phrases' words included
MAX_PHRASES = 3         # quoted phrases looked for
MAX_FUZZY_WORDS = 4     # unknown words given close spellings
MAX_EXPANSIONS = 40     # close spellings of one word taken from one field (engine.py)
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
        self._fuzzy = []    # the unknown words given close spellings, at most MAX_FUZZY_WORDS

    def known(self, word, lang="en"):
        """Whether a word occurs in the fields a search in lang looks in, as typed or by its stem.

        Only the stemmed fields the search uses count (English and lang): a word known only
        by another language's stem ("dementai" is Romanian "dement") would otherwise be
        taken as spelt right and never corrected, and then match nothing.
        """
        key = (word, lang)
        if key not in self._known:
            self._known[key] = any(self.reader.doc_frequency(f, word) for f in PLAIN_FIELDS) or any(
                self.reader.doc_frequency(f"stem_{code}", stem)
                for code in self._stem_fields(lang) for stem in [_stem(word, code)] if stem)
        return self._known[key]

    def misspelt(self, word, lang):
        """Whether to look for close spellings of a word: long enough, unknown, and one of
        the first MAX_FUZZY_WORDS such words of this search."""
        if word in self._fuzzy:
            return True
        if not edits_allowed(word) or len(self._fuzzy) >= MAX_FUZZY_WORDS or self.known(word, lang):
            return False
        self._fuzzy.append(word)
        return True

    def corrections(self, word, lang="en", limit=3):
        """Words in the index a typo was probably meant to be, best first."""
        key = (word, lang)
        if key not in self._corrections:
            found = []
            for fieldname in ["text", *(f"stem_{code}" for code in self._stem_fields(lang))]:
                found += self.reader.corrector(fieldname).suggest(
                    word, limit=3, maxdist=edits_allowed(word), prefix=1)
            self._corrections[key] = list(dict.fromkeys(found))
        return self._corrections[key][:limit]

    def meant(self, word, lang, limit=3):
        """The words a misspelt word was probably meant to be: swapped letters first."""
        swapped = [w for w in _transpositions(word) if self.known(w, lang)]
        return list(dict.fromkeys(swapped + self.corrections(word, lang, limit)))

    def _stem_fields(self, lang):
        return [code for code in dict.fromkeys(["en", lang]) if code in self.stem_languages]

    def word_query(self, word, lang, boost=1.0):
        """One word, for scoring: as typed in the name and text, and stemmed."""
        return Or([Term(f, word) for f in PLAIN_FIELDS] + self._stems([word], lang), boost=boost)

    def _variants(self, word, field, fuzzy, lang):
        """Terms for a word in one plain field: exact, and close spellings if it is unknown."""
        parts = [Term(field, word)]
        if fuzzy and self.misspelt(word, lang):
            parts.append(FuzzyTerm(field, word, maxdist=edits_allowed(word), prefixlength=1))
            parts += [Term(field, swapped) for swapped in _transpositions(word)
                      if self.known(swapped, lang)]
        return parts

    def _stems(self, words, lang):
        return [Term(f"stem_{code}", stem) for code in self._stem_fields(lang)
                for word in words for stem in [_stem(word, code)] if stem]

    def word_clause(self, word, lang, fuzzy=True, factor=1.0):
        """A word: in the name; or in the text, stemmed, or spelt nearly the same."""
        text = self._variants(word, "text", fuzzy, lang) + self._stems([word], lang)
        if fuzzy and self.misspelt(word, lang):
            text += self._stems(self.meant(word, lang, 5), lang)
        return Clause(Or(self._variants(word, "name", fuzzy, lang)), Or(text), factor)

    def words(self, parsed, lang):
        """The distinct words a search looks for (not stop words), at most MAX_WORDS in all."""
        return list(dict.fromkeys(_without_stop_words(parsed.words, lang)))[:self._room(parsed)]

    def phrases(self, parsed):
        """The quoted phrases a search looks for: the first few, while there is room."""
        kept, room = [], MAX_WORDS
        for phrase in parsed.phrases[:MAX_PHRASES]:
            if len(phrase) <= room:
                kept.append(phrase)
                room -= len(phrase)
        return kept

    def _room(self, parsed):
        return max(0, MAX_WORDS - sum(map(len, self.phrases(parsed))))

    def ignored(self, parsed, lang):
        """What a search left out to keep its cost down: words, then phrases, as typed."""
        words = list(dict.fromkeys(_without_stop_words(parsed.words, lang)))[self._room(parsed):]
        kept = self.phrases(parsed)
        return words + [" ".join(p) for p in parsed.phrases if p not in kept]

    def clauses(self, parsed, lang):
        """What a parsed search looks for, or None to browse everything."""
        if parsed.empty:
            return None
        words = self.words(parsed, lang)
        found = [self.word_clause(w, lang) for w in words]
        for phrase in self.phrases(parsed):
            every = [self.word_clause(w, lang, fuzzy=False)
                     for w in _without_stop_words(list(phrase), lang)]
            found.append(Clause(None, And([Or([c.name, c.text]) for c in every]), 1.5, tuple(phrase)))
        for phrase in self.synonyms.alternatives(parsed.words[:2 * MAX_WORDS]):
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
        for word in self.words(parsed, lang):
            spellings = [word]
            if self.misspelt(word, lang):   # score the likely words meant
                spellings = self.meant(word, lang)
            parts += [self.word_query(w, lang) for w in spellings]
        parts += [self.phrase_query(p, lang, boost=1.5) for p in self.phrases(parsed)]
        return Or(parts) if parts else None

    def phrase_query(self, words, lang, boost=1.0):
        """For scoring, a phrase's words all in a service (their order is checked apart)."""
        return And([self.word_query(w, lang) for w in words], boost=boost)

    def highlight_words(self, parsed, lang):
        """The plain words worth marking in results: the query's and its one-word synonyms'."""
        words = self.words(parsed, lang)
        words += [w for phrase in self.phrases(parsed) for w in phrase]
        words += [phrase[0] for phrase in self.synonyms.alternatives(parsed.words[:2 * MAX_WORDS])
                  if len(phrase) == 1]
        return {w for w in words if w not in _STOP.get("en", ())}

    def suggestion(self, parsed, lang="en"):
        """A corrected spelling of the query if any word is unknown, else None."""
        changed, words = False, []
        for word in parsed.text.split():
            plain = terms(word)
            if len(plain) == 1 and self.misspelt(plain[0], lang):
                corrections = self.meant(plain[0], lang, limit=1)
                if corrections:
                    words.append(corrections[0])
                    changed = True
                    continue
            words.append(word)
        return " ".join(words) if changed else None

"""Running a search: matching, filters and their counts, ordering, pages and highlights.

One SearchEngine per process.  It keeps a Whoosh searcher open and reopens it
when the index is rebuilt or updated (the `current` link moves) or its files change
under it: every search compares the names, sizes and times of the build's files
with those it opened (two directory listings), and reopens, checking checksums,
when they differ.  A damaged build falls back to the previous one or raises
IndexUnavailable (the 503 page); once the files are good again it is served again.

Counting never reads hits.  Each term's documents are kept as a bitset (a Python
int, cached per searcher), a query's documents are ORs and ANDs of those, and
because document d is always in language slot d % slots (documents.py), moving
a match from a service's English document to its translation is a bit shift:
the result has one bit per service, so totals and facet counts are popcounts.
Only the page of hits shown is scored, by Whoosh (BM25F), and highlighted.
"""

import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import islice

from whoosh import highlight
from whoosh.query import And, Or, Term

from .analysis import fold, phrase_pattern, plain_analyzer
from .documents import FACETS
from .index import (IndexDamaged, IndexUnavailable, current_path, damage, open_index, previous_path,
                    signature)
from .query import MAX_EXPANSIONS, QueryBuilder, parse

PER_PAGE = 10
MAX_PAGE = 100
PHRASE_CHECK_LIMIT = 300    # phrase candidates checked for word order when counting; beyond,
                            # documents with all the words count (the order still ranks first)
BITSET_CACHE = 20000        # term bitsets kept per searcher (about 6 KB each at 50,000 documents)


@dataclass
class Hit:
    """One service in the results."""

    slug: str
    language: str
    score: float
    name: str
    summary: str
    summary_html: str
    excerpt: str
    organisation: str
    distance_km: float | None = None


@dataclass
class SearchResults:
    """A page of results with everything the results page shows."""

    query: str
    language: str
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    ignored_filters: list = field(default_factory=list)
    suggestion: str | None = None
    postcode: str | None = None
    unknown_postcode: str | None = None
    truncated: bool = False     # the query was cut: too long, or words ignored (below)
    ignored_words: list = field(default_factory=list)

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))


def _bitset(ids):
    bits = bytearray()
    for docnum in ids:
        byte = docnum >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1 + 1024))
        bits[byte] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _docnums(bitset):
    data = bitset.to_bytes((bitset.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if byte:
            for bit in range(8):
                if byte >> bit & 1:
                    yield index * 8 + bit


def _distance_km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(h))


class _Generation:
    """A searcher and what is cached for it; replaced whenever the index changes."""

    def __init__(self, opened):
        self.ix, self.meta, self.path = opened.ix, opened.meta, opened.path
        self.problem = opened.problem     # why this is not the current build, if it is not
        self.searcher = self.ix.searcher()
        # Without mmap a segment file stays open while its searcher lives: close it when the
        # generation is replaced or forgotten (an app in a test is never shut down).
        self.close = weakref.finalize(self, self.searcher.close)
        self.reader = self.searcher.reader()
        self.languages = self.meta["languages"]
        self.slots = len(self.languages)
        self.size = self.reader.doc_count_all()
        self.bitsets = OrderedDict()
        self.points = None
        self.by_name = None
        self.lock = threading.Lock()
        self.slot0 = _every_slot(self.size, self.slots)

    def term(self, fieldname, text):
        """The documents containing a term, as a bitset."""
        key = (fieldname, text)
        with self.lock:
            if key in self.bitsets:
                self.bitsets.move_to_end(key)
                return self.bitsets[key]
        bits = 0
        if key in self.reader:
            ids = []
            for leaf, offset in self.searcher.leaf_searchers():
                if (fieldname, text) in leaf.reader():
                    ids.extend(d + offset for d in leaf.reader().postings(fieldname, text).all_ids())
            bits = _bitset(ids)
        with self.lock:
            self.bitsets[key] = bits
            if len(self.bitsets) > BITSET_CACHE:
                self.bitsets.popitem(last=False)
        return bits

    def facet(self, fieldname, value, slot):
        """The documents of services with this facet value, in slot 0 and the given slot."""
        bits = self.term(fieldname, value)   # facets are on each service's English document
        return bits | (bits << slot) if slot else bits

    def language(self, code):
        """A service's document in language code, for every service that has one."""
        return self.term("language", code)

    def docs(self, query):
        """The documents matching query, as a bitset, from term bitsets."""
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text)
        if isinstance(query, Or):
            bits = 0
            for part in query.subqueries:
                bits |= self.docs(part)
            return bits
        if isinstance(query, And):
            parts = iter(query.subqueries)
            bits = self.docs(next(parts))
            for part in parts:
                if not bits:
                    break
                bits &= self.docs(part)
            return bits
        # Fuzzy terms and anything else: expand to the terms in this index (cached).
        key = ("expanded", repr(query))
        with self.lock:
            cached = self.bitsets.get(key)
        if cached is not None:
            return cached
        bits = 0
        for fieldname, text in islice(query.expanded_terms(self.reader), MAX_EXPANSIONS):
            bits |= self.term(fieldname, text.decode() if isinstance(text, bytes) else text)
        with self.lock:
            self.bitsets[key] = bits
        return bits

    def phrase_docs(self, words, candidates):
        """The candidates whose stored words have these words next to each other, in order."""
        pattern, found = phrase_pattern(list(words)), []
        for docnum in _docnums(candidates):
            stored = self.searcher.stored_fields(docnum)
            text = fold("\n".join((stored.get("name", ""), stored.get("summary", ""),
                                   stored.get("body", ""))))
            if pattern.search(text):
                found.append(docnum)
        return _bitset(found)

    def name_order(self):
        """Every document number, in alphabetical order of name (read once per searcher)."""
        if self.by_name is None:
            column = self.reader.column_reader("name_sort")
            self.by_name = sorted(range(self.size), key=lambda d: column[d] or "")
        return self.by_name

    def values(self, fieldname):
        return [value.decode() if isinstance(value, bytes) else value
                for value in self.reader.lexicon(fieldname)]

    def point_table(self):
        """Each service's places, by the number of every document of its block."""
        if self.points is None:
            english = {docnum: stored.get("points") or []
                       for docnum, stored in self.reader.iter_docs() if stored.get("language") == "en"}
            self.points = {docnum: english.get(docnum - docnum % self.slots, [])
                           for docnum in range(self.size)}
        return self.points


class _Counters:
    """A small whole number per document, kept as bit slices: slice j holds bit j of each."""

    def __init__(self):
        self.slices = []

    def add(self, bits, weight):
        """Add weight to the counter of every document in bits."""
        for position in range(weight.bit_length()):
            if weight >> position & 1:
                carry, j = bits, position
                while carry:
                    while j >= len(self.slices):
                        self.slices.append(0)
                    current = self.slices[j]
                    self.slices[j] = current ^ carry
                    carry &= current
                    j += 1

    def at_least(self, threshold, among):
        """The documents among these whose counter is at least threshold."""
        if threshold >> len(self.slices):
            return 0
        greater, equal = 0, among
        for j in reversed(range(len(self.slices))):
            if threshold >> j & 1:
                equal &= self.slices[j]
            else:
                greater |= equal & self.slices[j]
                equal &= ~self.slices[j]
        return greater | equal

    def best(self, among, wanted):
        """About `wanted` documents with the highest counters (ties at the cut are trimmed)."""
        low, high = 1, (1 << len(self.slices)) - 1
        while low < high:   # the highest threshold that still keeps `wanted` documents
            middle = (low + high + 1) // 2
            if self.at_least(middle, among).bit_count() >= wanted:
                low = middle
            else:
                high = middle - 1
        above = self.at_least(low + 1, among)
        tied = self.at_least(low, among) & ~above
        room = max(0, 2 * wanted - above.bit_count())
        for docnum in _docnums(tied):
            if room == 0:
                break
            above |= 1 << docnum
            room -= 1
        return above

    def value(self, docnum):
        return sum(1 << j for j, bits in enumerate(self.slices) if bits >> docnum & 1)


def _every_slot(size, slots):
    """A bitset with bit d set for every document d in slot 0."""
    blocks = -(-size // slots)
    return ((1 << (slots * blocks)) - 1) // ((1 << slots) - 1)


class SearchEngine:
    """Searches the current index for the site and the CLI."""

    def __init__(self, index_root, synonyms, postcodes):
        self.index_root = index_root
        self.synonyms = synonyms
        self.postcodes = postcodes
        self._generation = None
        self._seen = None         # the fingerprint of the builds when last opened
        self._failure = None      # why they could not be opened then
        self._lock = threading.Lock()

    def _fingerprint(self):
        current, previous = current_path(self.index_root), previous_path(self.index_root)
        return current, signature(current), previous, signature(previous)

    def generation(self):
        """The searcher for the index as it is now; raises IndexUnavailable."""
        with self._lock:
            seen = self._fingerprint()
            old = self._generation
            if seen == self._seen:
                if self._failure is not None:   # still broken, and nothing changed: no re-check
                    raise type(self._failure)(*self._failure.args)
                if old is not None and old.searcher.up_to_date():
                    return old
            self._seen, self._generation = seen, None
            if old is not None:
                old.close()
            try:
                self._generation = _Generation(open_index(self.index_root))
            except IndexUnavailable as error:
                self._failure = error
                raise
            self._failure = None
            return self._generation

    def status(self):
        """The index's state for /healthz: (True, what is served) or (False, what is wrong)."""
        try:
            generation = self.generation()
        except IndexUnavailable as error:
            return False, str(error)
        if generation.problem:
            return False, generation.problem
        return True, f"{generation.path.name}: {generation.size} documents, checksums match"

    def _after_failure(self, generation, error):
        """A search failed inside Whoosh: if the files are damaged, say so (and check again next time)."""
        problems = damage(generation.path, generation.meta)
        with self._lock:
            self._seen = None
        if problems:
            raise IndexDamaged(f"the search index in {generation.path} is damaged "
                               f"({'; '.join(problems[:3])}): run 'directory index'") from error

    def _per_service(self, generation, matched, code):
        """One bit per matching service: its document in code if it has one, else English."""
        english = matched & generation.language("en")
        if code == "en":
            return english
        slot = generation.languages.index(code)
        translated = generation.language(code)
        return ((matched & translated) | ((english << slot) & translated)
                | (english & ~(translated >> slot)))

    def search(self, text, lang="en", filters=None, page=1, per_page=PER_PAGE):
        """Search in the reader's language; filters map a facet to a list of values."""
        generation = self.generation()
        try:
            return self._search(generation, text, lang, filters, page, per_page)
        except Exception as error:   # damaged files read as garbage: struct.error, EOFError, ...
            self._after_failure(generation, error)
            raise

    def _search(self, generation, text, lang, filters, page, per_page):
        if lang not in generation.languages:
            lang = "en"
        parsed = parse(text, self.postcodes)
        results = SearchResults(query=parsed.text, language=lang, per_page=per_page,
                                truncated=parsed.truncated, postcode=parsed.postcode,
                                unknown_postcode=parsed.unknown_postcode)

        # Filters: known facets and values only; anything else is ignored and said so.
        slot = generation.languages.index(lang)
        chosen_filters = -1
        for facet, values in (filters or {}).items():
            known = set(generation.values(facet)) if facet in FACETS else set()
            chosen = [v for v in values if v in known]
            results.ignored_filters += [(facet, v) for v in values if v not in known]
            if chosen:
                results.filters[facet] = chosen
                any_of = 0
                for value in chosen:
                    any_of |= generation.facet(facet, value, slot)
                chosen_filters &= any_of

        builder = QueryBuilder(generation.reader, generation.meta["stemmed"], self.synonyms)
        clauses = builder.clauses(parsed, lang)
        results.ignored_words = builder.ignored(parsed, lang)
        results.truncated = results.truncated or bool(results.ignored_words)
        if clauses is None:
            matched, scored = -1, []
        else:
            matched, scored = 0, []
            for clause in clauses:
                in_name = generation.docs(clause.name) if clause.name is not None else 0
                in_text = generation.docs(clause.text)
                if clause.phrase and in_text.bit_count() <= PHRASE_CHECK_LIMIT:
                    in_text = generation.phrase_docs(clause.phrase, in_text)
                matched |= in_name | in_text
                scored.append((in_name, in_text, clause.factor))
        services = self._per_service(generation, matched, lang) & chosen_filters
        results.total = services.bit_count()
        results.facets = {
            facet: sorted(((value, (services & generation.facet(facet, value, slot)).bit_count())
                           for value in generation.values(facet)),
                          key=lambda pair: (-pair[1], pair[0]))
            for facet in FACETS
        }
        if clauses is not None:
            results.suggestion = builder.suggestion(parsed, lang)

        page = max(1, min(page, MAX_PAGE, results.pages))
        results.page = page
        start, end = (page - 1) * per_page, page * per_page
        if parsed.postcode and parsed.postcode in self.postcodes:
            place = self.postcodes[parsed.postcode]
            here = (place.latitude, place.longitude)
            table = generation.point_table()
            ordered = sorted(
                ((min((_distance_km(here, p) for p in table.get(d) or ()), default=math.inf), d)
                 for d in _docnums(services)))
            chosen = [(d, None, km) for km, d in ordered[start:end]]
        elif clauses is None:
            chosen = self._by_name(generation, services, start, end)
        else:
            phrases = builder.phrases(parsed)
            chosen = self._by_score(generation, scored, builder.core_query(parsed, lang), phrases,
                                    lang, services, matched, start, end)
        marked = builder.highlight_words(parsed, lang) if clauses is not None else set()
        results.hits = [self._hit(generation, docnum, score, km, marked)
                        for docnum, score, km in chosen]
        return results

    def _by_name(self, generation, services, start, end):
        """A page of services in alphabetical order (browsing everything)."""
        page = []
        for docnum in generation.name_order():
            if (services >> docnum) & 1:
                page.append((docnum, None, None))
                if len(page) >= end:
                    break
        return page[start:end]

    def _by_score(self, generation, scored, core, phrases, lang, services, matched, start, end):
        """A page of services by relevance, without reading every hit.

        Each clause (a word, phrase or synonym) weighs its rarity (BM25's idf), three
        times as much in the name; the weights are added up for every document at once
        in bit-sliced counters, the best few hundred documents are taken by threshold,
        and Whoosh's BM25F on the resident's own words orders those that tie.  A service
        that matched in English and in the reader's language is shown once, in theirs.
        """
        slot = generation.languages.index(lang)
        first = (services & generation.slot0) | ((services & (generation.slot0 << slot)) >> slot)
        allowed = matched & (first | (first << slot))
        real = generation.language("en") | generation.language(lang)
        documents = max(1, (real & allowed).bit_count())
        counted = real.bit_count()
        weighted = []
        for in_name, in_text, factor in scored:
            frequency = ((in_name | in_text) & real).bit_count()
            idf = math.log(1 + (counted - frequency + 0.5) / (frequency + 0.5))
            weighted += [(in_name & allowed, 3 * idf * factor), (in_text & allowed, idf * factor)]
        heaviest = max((w for _, w in weighted), default=1) or 1
        counters = _Counters()
        for bits, weight in weighted:
            if bits:
                counters.add(bits, max(1, round(15 * weight / heaviest)))
        wanted = max(3 * end, 30)
        candidates = counters.best(allowed, wanted) if documents > wanted else allowed
        for phrase in phrases:   # words in order, among the few candidates: ranked first
            exact = generation.phrase_docs(phrase, candidates)
            if exact:
                counters.add(exact, 16)
        scores = self._bm25(generation, core, candidates)
        ranked = sorted(_docnums(candidates),
                        key=lambda d: (-counters.value(d), -scores.get(d, 0.0), d))
        seen, page = set(), []
        for docnum in ranked:
            service_index = docnum // generation.slots
            if service_index in seen:
                continue
            seen.add(service_index)
            shown = service_index * generation.slots + slot
            if not (services >> shown) & 1:
                shown = service_index * generation.slots   # no translation: the English one
            page.append((shown, counters.value(docnum) + scores.get(docnum, 0.0) / 1000, None))
            if len(page) >= end:
                break
        return page[start:end]

    @staticmethod
    def _bm25(generation, query, candidates):
        """Whoosh's BM25F score of query for each candidate document (a few hundred)."""
        scores = {}
        if query is None or not candidates:
            return scores
        wanted = list(_docnums(candidates))
        searcher = generation.searcher
        context = searcher.context()
        for leaf, offset in searcher.leaf_searchers():
            limit = offset + leaf.doc_count_all()
            local = [d - offset for d in wanted if offset <= d < limit]
            if not local:
                continue
            matcher = query.matcher(leaf, context)
            for docnum in local:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    scores[docnum + offset] = matcher.score()
        return scores

    def _hit(self, generation, docnum, score, distance, marked):
        stored = generation.searcher.stored_fields(docnum)
        summary_html = excerpt = ""
        if marked:
            summary_html = highlight.highlight(
                stored.get("summary", ""), marked, _ANALYZER, highlight.WholeFragmenter(),
                _FORMATTER, top=1)
            excerpt = highlight.highlight(
                stored.get("body", ""), marked, _ANALYZER,
                highlight.ContextFragmenter(maxchars=200, surround=50), _FORMATTER, top=2)
        return Hit(slug=stored["slug"], language=stored["language"], score=float(score or 0),
                   name=stored["name"], summary=stored.get("summary", ""),
                   summary_html=summary_html if "<mark" in summary_html else "",
                   excerpt=excerpt, organisation=stored.get("organisation", ""),
                   distance_km=None if distance in (None, math.inf) else round(distance, 1))


_ANALYZER = plain_analyzer()
_FORMATTER = highlight.HtmlFormatter(tagname="mark", classname="app-mark", termclass="app-mark")

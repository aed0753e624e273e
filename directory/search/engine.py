"""Running a search: matching, filters and their counts, ordering, pages and highlights.

One SearchEngine per process.  It keeps a Whoosh searcher open and reopens it
when the index is rebuilt (the `current` link moves) or updated (a new segment).
Facet counts do not read every hit: each facet value's documents are kept as a
bitset (a Python int) per searcher, the query's matching documents are made a
bitset once, and each count is a popcount of their AND.
"""

import math
import threading
from dataclasses import dataclass, field

from whoosh import highlight
from whoosh.query import And, Or, Term

from .documents import FACETS
from .index import IndexUnavailable, current_path, open_index
from .query import QueryBuilder, parse

PER_PAGE = 10
MAX_PAGE = 100


@dataclass
class Hit:
    """One service in the results."""

    slug: str
    language: str
    score: float
    name: str
    summary: str
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
    truncated: bool = False

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))


def _bitset(ids):
    bits = bytearray()
    for docnum in ids:
        byte = docnum >> 3
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1))
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

    def __init__(self, ix, meta, path):
        self.ix, self.meta, self.path = ix, meta, path
        self.searcher = ix.searcher()
        self.bitsets = {}
        self.points = None

    def bitset(self, fieldname, value):
        key = (fieldname, value)
        if key not in self.bitsets:
            self.bitsets[key] = self.matching(Term(fieldname, value))
        return self.bitsets[key]

    def matching(self, query):
        """The documents matching query, as a bitset, segment by segment."""
        ids = []
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(leaf)
            ids.extend(docnum + offset for docnum in matcher.all_ids())
        return _bitset(ids)

    def values(self, fieldname):
        return [value.decode() if isinstance(value, bytes) else value
                for value in self.searcher.reader().lexicon(fieldname)]

    def point_table(self):
        if self.points is None:
            self.points = {docnum: stored.get("points") or []
                           for docnum, stored in self.searcher.reader().iter_docs()}
        return self.points


class SearchEngine:
    """Searches the current index for the site and the CLI."""

    def __init__(self, index_root, synonyms, postcodes):
        self.index_root = index_root
        self.synonyms = synonyms
        self.postcodes = postcodes
        self._generation = None
        self._lock = threading.Lock()

    def generation(self):
        """The searcher for the index as it is now; raises IndexUnavailable."""
        with self._lock:
            path = current_path(self.index_root)
            old = self._generation
            if old is not None and old.path == path and old.searcher.up_to_date():
                return old
            ix, meta = open_index(self.index_root)
            self._generation = _Generation(ix, meta, current_path(self.index_root))
            if old is not None:
                old.searcher.close()
            return self._generation

    def available(self):
        """Whether there is an index to search."""
        try:
            self.generation()
            return True
        except IndexUnavailable:
            return False

    def search(self, text, lang="en", filters=None, page=1, per_page=PER_PAGE):
        """Search in the reader's language; filters map a facet to a list of values."""
        generation = self.generation()
        searcher = generation.searcher
        if lang not in generation.meta["languages"]:
            lang = "en"
        parsed = parse(text, self.postcodes)
        results = SearchResults(query=parsed.text, language=lang, per_page=per_page,
                                truncated=parsed.truncated)
        results.postcode = parsed.postcode
        results.unknown_postcode = parsed.unknown_postcode

        # Filters: known facets and values only; anything else is ignored and said so.
        mask = generation.bitset("serves", lang)
        restrict = [Term("serves", lang)]
        for facet, values in (filters or {}).items():
            known = set(generation.values(facet)) if facet in FACETS else set()
            chosen = [v for v in values if v in known]
            results.ignored_filters += [(facet, v) for v in values if v not in known]
            if chosen:
                results.filters[facet] = chosen
                any_of = 0
                for value in chosen:
                    any_of |= generation.bitset(facet, value)
                mask &= any_of
                restrict.append(Or([Term(facet, v) for v in chosen]))

        builder = QueryBuilder(searcher.reader(), generation.meta["stemmed"], self.synonyms)
        query = builder.build(parsed, lang)
        if query is None:
            matching = mask
        else:
            matching = generation.matching(And([query, *restrict])) & mask
        results.total = matching.bit_count()
        results.facets = {
            facet: sorted(((value, (matching & generation.bitset(facet, value)).bit_count())
                           for value in generation.values(facet)),
                          key=lambda pair: (-pair[1], pair[0]))
            for facet in FACETS
        }
        if query is not None:
            results.suggestion = builder.suggestion(parsed)

        page = max(1, min(page, MAX_PAGE, results.pages))
        results.page = page
        start, end = (page - 1) * per_page, page * per_page
        if parsed.postcode and parsed.postcode in self.postcodes:
            here = (self.postcodes[parsed.postcode].latitude, self.postcodes[parsed.postcode].longitude)
            table = generation.point_table()
            ordered = sorted(
                ((min((_distance_km(here, p) for p in table.get(d) or ()), default=math.inf), d)
                 for d in _docnums(matching)))
            chosen = [(d, None, km) for km, d in ordered[start:end]]
        elif query is None:
            found = searcher.search(And(restrict), limit=end, sortedby="name_sort")
            chosen = [(hit.docnum, None, None) for hit in found[start:end]]
        else:
            found = searcher.search(And([query, *restrict]), limit=end)
            found.q = builder.highlight_query(parsed, lang) or query
            found.formatter = highlight.HtmlFormatter(tagname="mark", classname="app-mark",
                                                      termclass="app-mark")
            chosen = [(hit.docnum, hit, None) for hit in found[start:end]]
        results.hits = [self._hit(searcher, docnum, hit, km) for docnum, hit, km in chosen]
        return results

    def _hit(self, searcher, docnum, hit, distance):
        stored = searcher.stored_fields(docnum)
        summary = excerpt = ""
        if hit is not None:
            hit.results.fragmenter = highlight.WholeFragmenter()
            summary = hit.highlights("summary", top=1) or ""
            hit.results.fragmenter = highlight.ContextFragmenter(maxchars=200, surround=50)
            excerpt = hit.highlights("body", top=2) or ""
        return Hit(slug=stored["slug"], language=stored["language"],
                   score=float(hit.score) if hit is not None and hit.score else 0.0,
                   name=stored["name"], summary=summary or "", excerpt=excerpt,
                   organisation=stored.get("organisation", ""),
                   distance_km=None if distance in (None, math.inf) else round(distance, 1))

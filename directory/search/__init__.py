"""Search: the Whoosh index of services, and running residents' searches against it."""

from .engine import SearchEngine, SearchResults
from .index import IndexDamaged, IndexUnavailable, build, index_root, update_service
from .synonyms import load_synonyms

__all__ = ["SearchEngine", "SearchResults", "IndexUnavailable", "IndexDamaged", "build", "index_root",
           "update_service", "load_synonyms"]

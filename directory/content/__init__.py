"""Content: the files in content/, checked and loaded into a Directory."""

from .loader import Directory, load_directory
from .problems import ERROR, WARNING, Problem

__all__ = ["Directory", "Problem", "ERROR", "WARNING", "load_directory"]

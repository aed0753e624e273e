"""The accessibility validation step: every entry, in every format and language, checked.

`run()` applies every rule family to the directory and returns a Report: findings
(errors and warnings a program can decide, each naming its rule, entry, format,
language, file and line, and how to fix it), review items (what only a person can
judge, for the community reviewers), and the coverage of entries x formats x
languages.  `report.py` writes it as JSON and HTML; `directory check` runs it.
"""

from .model import Finding, Report, ReviewItem, Rule
from .runner import run

__all__ = ["Finding", "Report", "ReviewItem", "Rule", "run"]

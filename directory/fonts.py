"""Which characters the installed fonts can draw, from fontconfig.

Printed leaflets must not show missing-glyph boxes.  Before a PDF is made, the
text of each language is checked against the face chosen for that language in
site.yaml (with Noto Sans for digits and punctuation) and against every
installed font, so a problem names the file, the field and the characters.
"""

import subprocess
import unicodedata
from bisect import bisect_right
from functools import lru_cache

BASE_FAMILY = "Noto Sans"


class Coverage:
    """A set of code points, kept as sorted ranges."""

    def __init__(self, ranges):
        merged = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.ranges = merged
        self.starts = [start for start, _ in merged]

    def __contains__(self, character):
        point = ord(character)
        index = bisect_right(self.starts, point) - 1
        return index >= 0 and self.ranges[index][1] >= point

    def __or__(self, other):
        return Coverage(self.ranges + other.ranges)


def _parse_charset(text):
    ranges = []
    for piece in text.split():
        start, _, end = piece.partition("-")
        ranges.append((int(start, 16), int(end or start, 16)))
    return ranges


@lru_cache(maxsize=64)
def family_coverage(family=None):
    """The characters a font family covers (None: every installed font together)."""
    pattern = [family] if family else []
    try:
        output = subprocess.run(["fc-list", *pattern, "--format", "%{charset}\n"],
                                capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return Coverage([])
    return Coverage([r for line in output.splitlines() for r in _parse_charset(line)])


def _drawable(character):
    return not (character.isspace() or unicodedata.category(character) in ("Cc", "Cf"))


@lru_cache(maxsize=64)
def stack_coverage(family=None):
    """What a family with Noto Sans behind it covers (None: every installed font)."""
    return family_coverage(family) | family_coverage(BASE_FAMILY) if family else family_coverage()


def uncovered(text, family=None):
    """The characters of text (in order, once each) that family cannot draw."""
    coverage = stack_coverage(family)
    return [c for c in dict.fromkeys(text) if _drawable(c) and c not in coverage]


def describe(characters):
    """Characters as a reader of an error message can find them: 'ꦲ' U+A9B2."""
    return ", ".join(f"'{c}' U+{ord(c):04X}" for c in characters[:8]) + (
        f" and {len(characters) - 8} more" if len(characters) > 8 else "")

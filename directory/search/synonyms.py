"""Synonyms and lay terms from content/synonyms.yaml, which council officers edit.

Each group lists words and phrases residents use for the same thing; a search
for any of them also looks for the others.
"""

from pathlib import Path

from ..content import yamlsource
from ..content.problems import Problem
from .analysis import terms


class Synonyms:
    """Groups of phrases, each phrase a tuple of plain terms."""

    def __init__(self, groups=()):
        self.groups = [tuple(dict.fromkeys(group)) for group in groups]
        self._by_first = {}
        for index, group in enumerate(self.groups):
            for phrase in group:
                self._by_first.setdefault(phrase[0], []).append((phrase, index))

    def alternatives(self, words):
        """For a query's terms, the phrases of every group it mentions, minus those it used."""
        found, used = [], set()
        for start, word in enumerate(words):
            for phrase, index in self._by_first.get(word, ()):
                if tuple(words[start:start + len(phrase)]) == phrase:
                    used.add(phrase)
                    found.append(index)
        return [phrase for index in dict.fromkeys(found) for phrase in self.groups[index]
                if phrase not in used]


def load_synonyms(content_dir):
    """Read content/synonyms.yaml; return (Synonyms, problems). A missing file means none."""
    path = Path(content_dir) / "synonyms.yaml"
    relative = f"{Path(content_dir).name}/synonyms.yaml"
    if not path.exists():
        return Synonyms(), []
    try:
        located = yamlsource.load(path.read_text(encoding="utf-8"))
    except (yamlsource.YAMLError, UnicodeDecodeError, OSError) as error:
        line = getattr(error, "line", 1)
        return Synonyms(), [Problem(relative, line, getattr(error, "field", ""), str(error))]
    data, problems, groups = located.value, [], []
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        return Synonyms(), [Problem(relative, 1, "groups", "should be a list of groups")]
    for index, group in enumerate(data["groups"]):
        where = ("groups", index)
        if not isinstance(group, list) or len(group) < 2:
            problems.append(Problem(relative, located.line(where), f"groups[{index}]",
                                    "should be a list of two or more words or phrases"))
            continue
        phrases = []
        for position, phrase in enumerate(group):
            words = tuple(terms(str(phrase))) if isinstance(phrase, (str, int)) else ()
            if not words:
                problems.append(Problem(relative, located.line(where + (position,)),
                                        f"groups[{index}][{position}]", "has no words"))
                continue
            phrases.append(words)
        if len(phrases) >= 2:
            groups.append(phrases)
    return Synonyms(groups), problems

"""Read YAML and remember the line every value came from.

Officers edit content by hand, so every problem we report has to point at a
line.  PyYAML throws line numbers away once it builds Python objects, so we
compose the node tree ourselves and build the values from it, recording the
line of each one under its path (a tuple of keys and list indexes).
"""

import re

import yaml

from .problems import field_name


class YAMLError(Exception):
    """A file that is not valid YAML, with the line and top-level field where it broke."""

    def __init__(self, message, line, field=""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


def field_at(text, line):
    """The top-level field a line belongs to: the nearest 'name:' at or above it."""
    lines = text.splitlines()[:line]
    for candidate in reversed(lines):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", candidate)
        if match:
            return match.group(1)
    return ""


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's surprises for hand-written content.

    Opening times such as ``10:00`` would otherwise become the number 600
    (base-60 integers), so integers and floats here are plain decimal.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


class Located:
    """Values read from one YAML document and the line of each one."""

    def __init__(self, value, lines):
        self.value = value
        self.lines = lines

    def line(self, path):
        """The line of the value at path, or of its nearest parent that exists."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def load(text):
    """Parse one YAML document into a Located value; raise YAMLError if it is broken."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        # Point at where the broken part starts (an unclosed list, say), not where
        # the parser gave up, which is often the next line.
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else 1
        problem = error.problem or str(error)
        if error.context:
            problem = f"{error.context}, {problem}"
        if error.problem_mark and error.context_mark and error.problem_mark.line != mark.line:
            problem += f" on line {error.problem_mark.line + 1}"
        raise YAMLError(f"this is not valid YAML ({problem})", line, field_at(text, line)) from None
    except yaml.YAMLError as error:
        raise YAMLError(f"this is not valid YAML ({error})", 1) from None
    lines = {}
    if node is None:
        return Located(None, {(): 1})
    constructor = _Loader("")
    value = _build(node, (), lines, constructor)
    return Located(value, lines)


def _build(node, path, lines, constructor):
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YAMLError("a key must be a plain word", key_node.start_mark.line + 1)
            key = constructor.construct_object(key_node)
            if key in result:
                raise YAMLError(
                    f"the key '{key}' appears twice in the same place "
                    f"(first on line {lines[path + (key,)]})",
                    key_node.start_mark.line + 1,
                    field_name(path + (key,)),
                )
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, path + (key,), lines, constructor)
            lines[path + (key,)] = value_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, path + (index,), lines, constructor)
            for index, item in enumerate(node.value)
        ]
    try:
        return constructor.construct_object(node)
    except yaml.YAMLError as error:
        raise YAMLError(f"this value cannot be read ({error})", node.start_mark.line + 1) from None

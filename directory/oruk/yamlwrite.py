"""Writing a service.yaml as officers write them: the same fields, the same bytes.

Field order follows content/fields.py, long text is a `|` block, short lists of
words are written `[a, b]`, and a value is quoted whenever it could be read as
anything but text (`"0121 496 0000"`, `"09:30"`, `"yes"`).  The same fields always
give the same bytes, so an import with nothing new leaves every file as it was.
"""

import datetime
import json
import re

HEADER = ("# Imported from an Open Referral UK feed by 'directory import'. The next import\n"
          "# replaces the English fields here; easy read, translations and BSL are kept.\n")
BLOCK_TEXT = {"description"}  # always a `|` block, as officers write it
FLOW_LISTS = {"categories", "delivery", "languages", "service_areas", "previous_slugs", "days",
              "accessibility"}
# Text left unquoted: starts with a letter, and holds no character YAML gives a meaning.
_PLAIN = re.compile(r"[A-Za-z][\w .'()/&+-]*(?<! )")
_YAML_BREAKS = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")
_KEYWORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def dump_service(data):
    """The text of a service.yaml for the fields in data (as mapping.py makes them)."""
    lines = []
    _mapping(data, 0, lines)
    return HEADER + "\n".join(lines) + "\n"


def scalar(value):
    """One value as YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _KEYWORDS:
        return text
    # JSON leaves these as they are, but YAML reads NEL and the line separators as line
    # breaks and refuses C1 controls: escaped, the text reads back the same.
    return _YAML_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}",
                            json.dumps(text, ensure_ascii=False))


def _mapping(data, indent, lines):
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _mapping(value, indent + 2, lines)
        elif isinstance(value, list) and key in FLOW_LISTS:
            lines.append(f"{pad}{key}: [{', '.join(scalar(item) for item in value)}]")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    block = []
                    _mapping(item, indent + 4, block)
                    block[0] = f"{pad}  - {block[0][indent + 4:]}"
                    lines += block
                else:
                    lines.append(f"{pad}  - {scalar(item)}")
        elif isinstance(value, str) and ("\n" in value or (key in BLOCK_TEXT and not indent)):
            lines.append(f"{pad}{key}: |")
            lines += [f"{pad}  {line}" if line else "" for line in value.split("\n")]
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")

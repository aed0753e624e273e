"""Problems found in content files: what, where, and how bad."""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file, pointing at its file, line and field."""

    file: str
    line: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self):
        where = f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        label = "" if self.severity == ERROR else f" [{self.severity}]"
        return f"{where}:{label}{field} {self.message}"


def field_name(path):
    """Write a path such as ('locations', 0, 'postcode') as locations[0].postcode."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text

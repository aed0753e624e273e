"""Rules, findings, review items and the report they make up."""

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
FORMATS = ("web", "easy-read", "large-print", "standard-print", "bsl")


@dataclass(frozen=True)
class Rule:
    """A check with a stable id, a severity, the guideline it comes from and how to fix it."""

    id: str
    family: str
    severity: str
    title: str
    source: str
    fix: str


RULES = {}


def rule(id, family, severity, title, source, fix):
    """Declare a rule once; findings refer to it by id."""
    RULES[id] = Rule(id, family, severity, title, source, fix)
    return RULES[id]


@dataclass
class Finding:
    """One thing wrong, where it is, and how to fix it."""

    rule: str
    entry: str
    format: str
    language: str
    message: str
    file: str = ""
    line: int = 0

    @property
    def severity(self):
        return RULES[self.rule].severity

    def as_dict(self):
        rule = RULES[self.rule]
        return {**asdict(self), "severity": rule.severity, "source": rule.source,
                "fix": rule.fix, "family": rule.family}

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else (self.file or self.entry)
        return (f"{self.severity}: {self.rule}: {where} [{self.entry}, {self.format}, "
                f"{self.language}] {self.message}")


@dataclass
class ReviewItem:
    """Something only a person can judge, for a community reviewer."""

    entry: str
    format: str
    language: str
    question: str
    skill: str

    def as_dict(self):
        return asdict(self)


@dataclass
class Report:
    """Everything one check run found."""

    findings: list = field(default_factory=list)
    review: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)   # (entry, format, language) -> state
    families: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)    # family -> seconds
    checked: int = 0
    made: list = field(default_factory=list)       # leaflets whose PDFs were made (or found) and read

    @property
    def errors(self):
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self):
        return [f for f in self.findings if f.severity == WARNING]

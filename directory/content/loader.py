"""Load the content folder into a Directory, collecting every problem on the way.

The way in: site.yaml, taxonomy.yaml and postcodes.csv first (what the services
refer to), then each content/services/<slug>/service.yaml.  A file with any
error is left out of the directory and its problems are kept, so one broken
entry never takes the site down; `directory content-check` reports them all.
"""

import csv
import datetime
import logging
import uuid
from pathlib import Path

from ..languages import is_known
from . import fields, yamlsource
from .problems import ERROR, WARNING, Problem, field_name
from .schema import INVALID, Entry, Record, Slug, normal_postcode
from .bsl import load_bsl
from .easyread import load_easy_read
from .translations import load_translation, source_hash

log = logging.getLogger(__name__)

# Ids made from a slug, for entries that do not set their own.
ID_NAMESPACE = uuid.UUID("3b0c9a52-6f4e-4d0b-9a7e-2c1f5d8e7a10")
REVIEW_DUE_DAYS = 365

FALLBACK_SITE = Entry(
    council="Your council", borough="your area", service_name="Care and support directory",
    phone="0121 496 0000", textphone=None, email="directory@example.org", website=None,
    address=Entry(line1="", line2=None, town="", postcode=""),
    contact_hours="", areas=[], translations={},
    languages=[Entry(code="en", name="English", endonym="English", direction="ltr",
                     font="Noto Sans", print_scale=1.0, print_line_height=1.0)],
)


class Directory:
    """Everything loaded from the content folder, and the problems found in it."""

    def __init__(self, root, site, categories, services, aliases, postcodes, problems):
        self.root = root
        self.site_fingerprint = _fingerprint(root, ("site.yaml", "taxonomy.yaml"))
        self.site = site
        self.categories = categories
        self.services = services
        self.aliases = aliases
        self.postcodes = postcodes
        self.problems = sorted(problems)

    @property
    def errors(self):
        """Problems that must be fixed: the entry is left out until they are."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self):
        """Problems worth fixing that do not stop an entry being published."""
        return [p for p in self.problems if p.severity == WARNING]

    def services_in(self, category_slug):
        """The services in a category, by name."""
        return sorted(
            (s for s in self.services.values() if category_slug in s.categories),
            key=lambda s: s.name.casefold(),
        )

    def area_name(self, slug):
        """The name of an area of the borough."""
        return next((a.name for a in self.site.areas if a.slug == slug), slug)


def _fingerprint(root, names):
    """A short hash of some content files, for caches that depend on them."""
    import hashlib

    digest = hashlib.sha256()
    for name in names:
        path = Path(root) / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b""))
    return digest.hexdigest()[:16]


class _FileReport:
    """Collects the problems of one file, with the line of each field."""

    def __init__(self, relative, located=None):
        self.file = relative
        self.located = located
        self.problems = []

    def __call__(self, path, message, severity=ERROR):
        line = self.located.line(path) if self.located else 1
        self.problems.append(Problem(self.file, line, field_name(path), message, severity))

    def warn(self, path, message):
        self(path, message, WARNING)

    @property
    def failed(self):
        return any(p.severity == ERROR for p in self.problems)


def load_directory(root, today=None, only=None, pictures=None):
    """Read the content folder at root; return a Directory with every problem found.

    With only=slug, read the site files and that one service (for quick updates).
    """
    root = Path(root)
    today = today or datetime.date.today()
    problems = []
    if not root.is_dir():
        problem = Problem(str(root), 1, "", "the content folder does not exist")
        return Directory(root, FALLBACK_SITE, {}, {}, {}, {}, [problem])

    site = _load_site(root, problems)
    categories = _load_taxonomy(root, site, problems)
    postcodes = _load_postcodes(root, site, problems)
    loaded = []
    folder = root / "services"
    if pictures is None:
        pictures = _picture_library()
    pattern = f"{only}/service.yaml" if only else "*/service.yaml"
    for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
        report, service = _load_service(root, path, site, categories, postcodes, today, pictures)
        problems.extend(report.problems)
        if service is not None:
            loaded.append((service, report))
    for path in sorted(folder.iterdir()) if folder.is_dir() and not only else []:
        if path.is_dir() and not (path / "service.yaml").exists():
            problems.append(Problem(_relative(root, path), 1, "",
                                    "this folder has no service.yaml, so it is not published",
                                    WARNING))
    services, aliases = _without_duplicates(loaded, problems)
    directory = Directory(root, site, categories, services, aliases, postcodes, problems)
    for problem in directory.errors:
        log.error("content problem: %s", problem)
    return directory


def _relative(root, path):
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_yaml(root, path, problems):
    """Read a YAML file; on failure record the problem and return (report, None)."""
    report = _FileReport(_relative(root, path))
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        field = yamlsource.field_at(raw.decode("utf-8", "replace"), line)
        report.problems.append(Problem(report.file, line, field,
                                       "has a character that is not UTF-8 text; "
                                       "save the file as UTF-8"))
        return report, None
    except OSError as error:
        report((), f"cannot be read: {error.strerror}")
        return report, None
    try:
        report.located = yamlsource.load(text)
    except yamlsource.YAMLError as error:
        report.problems.append(Problem(report.file, error.line, error.field, error.message))
        return report, None
    if report.located.value is None:
        report((), "is empty")
        return report, None
    return report, report.located.value


def _load_site(root, problems):
    path = root / "site.yaml"
    if not path.exists():
        problems.append(Problem(_relative(root, path), 1, "", "is missing: the site needs it"))
        return FALLBACK_SITE
    report, data = _read_yaml(root, path, problems)
    site = INVALID if data is None else fields.SITE.check(data, (), report)
    if site is not INVALID:
        codes = [language.code for language in site.languages]
        if not codes or codes[0] != "en":
            report(("languages",), "must start with English (en), the language of the content")
        for index, code in enumerate(codes):
            if codes.index(code) != index:
                report(("languages", index, "code"), f"'{code}' is listed twice")
        for code in site.translations:
            if code not in codes or code == "en":
                report(("translations", code), f"'{code}' is not one of the site's other languages")
    problems.extend(report.problems)
    if site is INVALID or report.failed:
        log.error("site.yaml is broken; the site runs with fallback settings")
        return FALLBACK_SITE
    return site


def _load_taxonomy(root, site, problems):
    path = root / "taxonomy.yaml"
    if not path.exists():
        problems.append(Problem(_relative(root, path), 1, "", "is missing: the site needs it"))
        return {}
    report, data = _read_yaml(root, path, problems)
    categories = {}
    if data is not None:
        # Each category is checked on its own, so one bad category leaves the rest working.
        outer = Record("the taxonomy", {"categories": fields.TAXONOMY.fields["categories"]})
        items = data.get("categories") if isinstance(data, dict) else None
        if not isinstance(items, list):
            outer.check(data, (), report)
        else:
            for key in data:
                if key != "categories":
                    report((key,), "is not a field of the taxonomy")
            for index, item in enumerate(items):
                category = fields.CATEGORY.check(item, ("categories", index), report)
                if category is INVALID:
                    continue
                stray = [code for code in category.translations
                         if code not in {lang.code for lang in site.languages} - {"en"}]
                for code in stray:
                    report(("categories", index, "translations", code),
                           f"'{code}' is not one of the site's other languages")
                if category.slug in categories:
                    report(("categories", index, "slug"), f"'{category.slug}' is listed twice")
                    continue
                categories[category.slug] = category
    problems.extend(report.problems)
    return categories


def _load_postcodes(root, site, problems):
    """Read postcodes.csv: the borough's postcodes with their coordinates and area."""
    path = root / "postcodes.csv"
    table = {}
    if not path.exists():
        return table
    relative = _relative(root, path)
    areas = {area.slug for area in site.areas}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        expected = ["postcode", "latitude", "longitude", "area"]
        if rows.fieldnames != expected:
            problems.append(Problem(relative, 1, "", f"the first line must be {','.join(expected)}"))
            return table
        for row in rows:
            line = rows.line_num
            postcode = normal_postcode(row["postcode"] or "")
            if postcode is None:
                problems.append(Problem(relative, line, "postcode",
                                        f"'{row['postcode']}' is not a valid UK postcode"))
                continue
            try:
                latitude, longitude = float(row["latitude"]), float(row["longitude"])
            except (TypeError, ValueError):
                problems.append(Problem(relative, line, "latitude",
                                        "latitude and longitude must be numbers"))
                continue
            if areas and row["area"] not in areas:
                problems.append(Problem(relative, line, "area",
                                        f"'{row['area']}' is not an area in site.yaml"))
                continue
            table[postcode] = Entry(postcode=postcode, latitude=latitude,
                                    longitude=longitude, area=row["area"])
    return table


def _picture_library():
    from ..pictures import PictureLibraryMissing, library

    try:
        return library()
    except PictureLibraryMissing as error:
        log.error("%s", error)
        return None


def _load_service(root, path, site, categories, postcodes, today, pictures):
    """Read and check one service.yaml; return its report and the service, or None."""
    report, data = _read_yaml(root, path, [])
    if data is None:
        return report, None
    slug = path.parent.name
    if Slug().check(slug, (), lambda _path, message: report(
            (), f"the folder name {message}")) is INVALID:
        return report, None
    service = fields.SERVICE.check(data, (), report)
    if service is INVALID:
        return report, None

    for index, category in enumerate(service.categories):
        if category not in categories:
            report(("categories", index), f"'{category}' is not a category in taxonomy.yaml")
    area_slugs = {area.slug for area in site.areas}
    for index, area in enumerate(service.service_areas):
        if area not in area_slugs:
            report(("service_areas", index), f"'{area}' is not an area in site.yaml")
    for index, code in enumerate(service.languages):
        if not is_known(code):
            report(("languages", index), f"'{code}' is not a language code we know (like pl, bn or bfi)")
    for index, location in enumerate(service.locations):
        _place(location, ("locations", index), postcodes, report)
    if "in_person" in service.delivery and not service.locations:
        report(("delivery",), "says in_person, but the service has no locations")
    if not (service.phones or service.email or service.url or service.contacts
            or service.locations):
        report((), "gives no way to contact the service: add phones, email, url or a location")
    if (today - service.last_reviewed).days > REVIEW_DUE_DAYS:
        report.warn(("last_reviewed",), f"was over a year ago ({service.last_reviewed}); check the entry is still right")
    if service.last_reviewed > today:
        report(("last_reviewed",), f"{service.last_reviewed} is in the future")
    if report.failed:
        return report, None

    service.slug = slug
    service.id = service.id or str(uuid.uuid5(ID_NAMESPACE, slug))
    service.source = report.file
    service.folder = path.parent
    service.translations = _load_translations(root, path.parent, service, site, report)
    service.easy_read = _load_easy_read(root, path.parent, service, site, pictures, report)
    service.bsl = None
    if (path.parent / "bsl" / "bsl.yaml").exists():
        service.bsl = load_bsl(path.parent / "bsl", lambda p: _relative(root, p),
                               source_hash(service), report.problems)
    return report, service


def _load_easy_read(root, folder, service, site, pictures, report):
    """Read easy-read.yaml and its translations; a broken one is left out, the entry stays."""
    path = folder / "easy-read.yaml"
    if not path.exists():
        return None
    english = load_easy_read(path, _relative(root, path), source_hash(service), pictures,
                             report.problems)
    if english is None:
        return None
    offered = {language.code for language in site.languages} - {"en"}
    for translated in sorted((folder / "translations").glob("*.easy-read.yaml")):
        code = translated.name.split(".")[0]
        relative = _relative(root, translated)
        if code not in offered:
            report.problems.append(Problem(relative, 1, "", f"'{code}' is not a language in site.yaml"))
            continue
        version = load_easy_read(translated, relative, None, pictures, report.problems,
                                 code=code, english=english)
        if version is not None:
            english.translations[code] = version
    return english

def _load_translations(root, folder, service, site, report):
    """Read translations/<code>.yaml; a broken one is left out, the entry stays."""
    offered = {language.code for language in site.languages} - {"en"}
    translations = {}
    for path in sorted((folder / "translations").glob("*.yaml")):
        if path.name.endswith(".easy-read.yaml"):
            continue
        relative = _relative(root, path)
        code = path.stem
        if code not in offered:
            report.problems.append(Problem(relative, 1, "", f"'{code}' is not a language in site.yaml"))
            continue
        before = len(report.problems)
        translation = load_translation(path, relative, service, code, report.problems)
        if translation is not None and not any(p.severity == ERROR for p in report.problems[before:]):
            translations[code] = translation
    return translations


def _place(location, path, postcodes, report):
    """Fill a location's coordinates from the postcode table when the file leaves them out."""
    known = postcodes.get(location.address.postcode)
    if (location.latitude is None) != (location.longitude is None):
        report(path, "give both latitude and longitude, or neither")
        return
    if location.latitude is None:
        if known is None:
            report.warn(path + ("address", "postcode"),
                        f"{location.address.postcode} is not in postcodes.csv; "
                        "add latitude and longitude so it can be found on a map")
            return
        location.latitude, location.longitude = known.latitude, known.longitude
    location.area = known.area if known else None


def _without_duplicates(loaded, problems):
    """Keep the services whose old slugs and ids clash with no other; report the rest.

    A folder name always wins: an old slug (previous_slugs) that is another
    folder's name, or that an earlier entry already claims, is the error.
    """
    folders = {service.slug: service for service, _ in loaded}
    services, aliases, ids, feed_ids = {}, {}, {}, {}
    for service, report in loaded:
        clash = None
        for index, old in enumerate(service.previous_slugs):
            other = folders.get(old) or services.get(aliases.get(old))
            if other is not None and other is not service:
                clash = Problem(service.source, report.located.line(("previous_slugs", index)),
                                f"previous_slugs[{index}]",
                                f"duplicate slug '{old}': {other.source} uses it already")
                break
        if clash is None and service.id in ids:
            clash = Problem(service.source, report.located.line(("id",)), "id",
                            f"duplicate id {service.id}: {ids[service.id].source} uses it already")
        # An imported entry's feed_id is how the next import finds it (directory/oruk/).
        if clash is None and service.feed_id is not None and service.feed_id in feed_ids:
            clash = Problem(service.source, report.located.line(("feed_id",)), "feed_id",
                            f"duplicate feed_id {service.feed_id}: "
                            f"{feed_ids[service.feed_id].source} uses it already")
        if clash is not None:
            problems.append(clash)
            continue
        services[service.slug] = service
        ids[service.id] = service
        if service.feed_id is not None:
            feed_ids[service.feed_id] = service
        for old in service.previous_slugs:
            aliases[old] = service.slug
    return services, aliases

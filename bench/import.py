"""Benchmark: `directory import` of a council-sized ORUK v3 feed, then re-imports of it.

Not a test.  Makes a seeded synthetic ORUK v3 page of N services (default 5,000): HTML
descriptions with paragraphs, lists and entities, an organisation, a category term
named as in taxonomy.yaml, one or two locations at postcodes of content/postcodes.csv,
weekly opening times, phones, e-mail, website, languages, and the vendor metadata real
feeds carry.  In a temporary folder with the real site.yaml, taxonomy.yaml and
postcodes.csv it times `import_feed`, the function the command runs:

  1. the first import (every entry created),
  2. the same feed again (every entry unchanged, nothing written),
  3. the feed with 10% of the services changed (new description and review date).

Then it loads the imported content as the site does and counts its errors (0 expected).

Goals (issue 7), at 5,000 services: first import under 60 s; unchanged re-import under 10 s.

    .venv/bin/python bench/import.py [--services 5000] [--changed 0.1] [--seed 7] [--keep DIR]
"""

import os
import sys

# bench/http.py would shadow the standard library's http package for scripts in bench/:
# look in bench/ last, after the standard library, for benchlib.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]

import benchlib  # noqa: E402

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from directory.content import load_directory  # noqa: E402
from directory.oruk.importer import import_feed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIRST_GOAL_S = 60.0
UNCHANGED_GOAL_S = 10.0
TODAY = datetime.date(2026, 11, 26)

NOUNS = ["Lunch Club", "Carers Cafe", "Memory Group", "Advice Service", "Befriending Scheme",
         "Foodbank", "Walking Group", "Sight Loss Support", "Digital Skills Drop-in",
         "Community Transport", "Welcome Group", "Money Advice", "Deaf Club", "Men's Shed"]
PLACES = ["Brackenford", "St Anne's", "Hillcrest", "Kingsway", "Meadowbank", "Brook Lane",
          "Station Road", "Elm Park"]
PHRASES = ["a hot meal and good company", "advice on benefits and debts", "a break from caring",
           "help to fill in forms", "friendly trained volunteers", "support in your own language",
           "gentle exercise", "someone to talk to", "a lift to hospital appointments",
           "information about local services", "support after a diagnosis"]
STREETS = ["High Street", "Church Road", "Mill Lane", "Park Avenue", "Victoria Road"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
LANGUAGES = [("pl", "Polish"), ("bn", "Bengali"), ("ur", "Urdu"), ("ro", "Romanian")]


def ident(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def make_service(number, rng, categories, postcodes, version=1):
    """One synthetic ORUK v3 service, the same for the same seed, number and version."""
    name = f"{rng.choice(PLACES)} {rng.choice(NOUNS)} {number}"
    phrases = rng.sample(PHRASES, 5)
    description = (f"<p>We offer {phrases[0]} and {phrases[1]}&nbsp;for adults in "
                   f"{rng.choice(PLACES)}.</p><p>Our volunteers can help with:</p><ul>"
                   + "".join(f"<li>{p}</li>" for p in phrases[2:]) + "</ul>"
                   "<p>Come along &amp; say hello. <strong>No referral needed.</strong></p>")
    if version > 1:
        description += f"<p>New this season: {rng.choice(PHRASES)} (update {version}).</p>"
    service_id = ident("service", number)
    locations = []
    for place in range(rng.choice([1, 1, 2])):
        postcode = rng.choice(postcodes)
        locations.append({"id": ident("sal", number, place), "location": {
            "id": ident("location", number, place), "location_type": "physical",
            "name": f"{rng.choice(PLACES)} Community Centre",
            "description": "Two minutes from the bus stop. Ring the bell at the side door.",
            "addresses": [{"id": ident("address", number, place),
                           "address_1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                           "city": "Brackenford", "state_province": "", "postal_code": postcode,
                           "country": "GB", "address_type": "physical"}],
            "accessibility": [{"id": ident("access", number, place),
                               "description": "Step-free entrance and an accessible toilet."}]}})
    days = sorted(rng.sample(DAYS, rng.randint(1, 4)), key=DAYS.index)
    opens = rng.choice([9, 10, 13])
    return {
        "id": service_id, "name": name, "description": description, "status": "active",
        "url": f"https://service{number}.example.org", "email": f"hello@service{number}.example.org",
        "fees": rng.choice(["", "Free", "£3 for lunch"]),
        "assured_date": (TODAY - datetime.timedelta(days=rng.randint(0, 300) - version)).isoformat(),
        "assurer_email": "officer@brackenford.gov.uk", "last_modified": "2026-11-01T10:00:00Z",
        "minimum_age": rng.choice([None, 18, 50]),
        "organization": {"id": ident("org", number % 400), "name": f"{rng.choice(PLACES)} Trust {number % 400}",
                         "description": "", "website": f"https://trust{number % 400}.example.org"},
        "attributes": [{"id": ident("attribute", number), "taxonomy_term": {
            "id": ident("term", slug), "name": categories[slug]}}
            for slug in rng.sample(sorted(categories), rng.randint(1, 2))],
        "service_at_locations": locations,
        "schedules": [{"id": ident("schedule", number), "freq": "WEEKLY", "byday": ",".join(days),
                       "opens_at": f"{opens:02d}:00:00", "closes_at": f"{opens + 3:02d}:30:00"}],
        "phones": [{"id": ident("phone", number), "number": f"0121 496 {number % 10000:04d}"}],
        "languages": [{"id": ident("language", number, code), "code": code, "name": name_}
                      for code, name_ in rng.sample(LANGUAGES, rng.randint(0, 2))],
        "metadata": [{"id": ident("metadata", number), "updated_by": "officer@brackenford.gov.uk"}],
    }


def make_feed(count, seed, categories, postcodes, changed=(), version=2):
    """A page of count services; those numbered in changed are at a later version."""
    services = []
    for number in range(1, count + 1):
        rng = random.Random(f"{seed}/{number}")
        services.append(make_service(number, rng, categories, postcodes,
                                     version if number in changed else 1))
    return {"total_items": count, "total_pages": 1, "page_number": 1, "size": count,
            "first_page": True, "last_page": True, "empty": False, "contents": services}


def timed_import(feed_path, content):
    started = time.perf_counter()
    summary = import_feed(feed_path, content, today=TODAY)
    return time.perf_counter() - started, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", help="Make the content here and keep it.")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-import-"))
    content = work / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "services").mkdir(parents=True)
    for name in ("site.yaml", "taxonomy.yaml", "postcodes.csv"):
        shutil.copy(CONTENT / name, content / name)
    site = load_directory(content, only=".none-", pictures=False)
    categories = {slug: category.name for slug, category in site.categories.items()}
    with open(CONTENT / "postcodes.csv", newline="", encoding="utf-8") as handle:
        postcodes = [row["postcode"] for row in csv.DictReader(handle)]

    print(f"Machine: {benchlib.machine()}")
    print(f"Date: {datetime.datetime.now().isoformat(timespec='minutes')}")
    started = time.perf_counter()
    feed = make_feed(args.services, args.seed, categories, postcodes)
    rng = random.Random(args.seed)
    changed = set(rng.sample(range(1, args.services + 1), int(args.services * args.changed)))
    changed_feed = make_feed(args.services, args.seed, categories, postcodes, changed)
    first_path, changed_path = work / "feed.json", work / "feed-changed.json"
    first_path.write_text(json.dumps(feed), encoding="utf-8")
    changed_path.write_text(json.dumps(changed_feed), encoding="utf-8")
    print(f"Feed: {args.services:,} synthetic ORUK v3 services (seed {args.seed}), "
          f"{first_path.stat().st_size / 1e6:.1f} MB of JSON, made in "
          f"{time.perf_counter() - started:.1f} s; {len(changed):,} of them changed in the "
          "second feed")
    print()

    runs = [("first import", first_path, "created"),
            ("unchanged re-import", first_path, "unchanged"),
            (f"re-import, {len(changed):,} changed", changed_path, "updated")]
    timings = {}
    print(f"{'run':<28}{'seconds':>8}{'created':>9}{'updated':>9}{'unchanged':>11}"
          f"{'skipped':>9}{'per service':>13}")
    for label, path, _ in runs:
        seconds, summary = timed_import(path, content)
        counts = summary.counts
        timings[label] = (seconds, counts)
        print(f"{label:<28}{seconds:>8.2f}{counts['created']:>9,}{counts['updated']:>9,}"
              f"{counts['unchanged']:>11,}{counts['skipped']:>9,}"
              f"{seconds / args.services * 1000:>10.2f} ms")
    print()

    started = time.perf_counter()
    directory = load_directory(content, today=TODAY, pictures=False)
    load_s = time.perf_counter() - started
    print(f"Loaded the imported content as the site does: {len(directory.services):,} services in "
          f"{load_s:.1f} s, {len(directory.errors)} error(s), {len(directory.warnings)} warning(s)")
    files = list((content / "services").rglob("*.yaml"))
    size = sum(p.stat().st_size for p in files)
    staff = sum(b"officer@brackenford.gov.uk" in p.read_bytes() for p in files)
    print(f"Content written: {size / 1e6:.1f} MB in {len(files):,} service.yaml files; "
          f"{staff} of them with the staff e-mail address of the feed's metadata")
    print()

    first_s, first_counts = timings[runs[0][0]]
    again_s, again_counts = timings[runs[1][0]]
    changed_s, changed_counts = timings[runs[2][0]]
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print(f"Goals at {args.services:,} services:")
    print(f"  first import < {FIRST_GOAL_S:.0f} s: {verdict(first_s < FIRST_GOAL_S)} ({first_s:.1f} s)")
    print(f"  unchanged re-import < {UNCHANGED_GOAL_S:.0f} s: "
          f"{verdict(again_s < UNCHANGED_GOAL_S)} ({again_s:.1f} s)")
    print(f"  checks: first created {first_counts['created']:,}, unchanged re-import "
          f"{again_counts['unchanged']:,} unchanged, changed re-import "
          f"{changed_counts['updated']:,} updated ({changed_s:.1f} s), "
          f"{len(directory.errors)} load error(s)")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""Open Referral UK: import a council's feed into content folders, publish the content back.

The way in (`directory import FEED`): `feed.py` reads the JSON and tells v1 from v3,
`clean.py` makes plain text of the feed's HTML, `mapping.py` turns one record into
the fields of a service.yaml (with `reading.py` for single values and `places.py`
for locations and opening times), `yamlwrite.py` writes them, and `importer.py`
plans every entry, then writes them all into a temporary folder and moves them into
place.

The way out (`/api/oruk/v3/`): `publish.py` makes ORUK v3 JSON of the loaded
Directory, with the two taxonomies of `terms.py` (the site's categories and the
formats an entry is available in), and `api.py` serves it.

See docs/api.md.
"""

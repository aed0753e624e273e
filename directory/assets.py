"""Front-end assets: fingerprinted file names so browsers can keep them for a year.

`directory build-assets` copies built files into static/build/ under names that
carry a hash of their content (app.3f2a9c1d.css), writes a gzipped copy beside
each for WhiteNoise to serve, and records the names in manifest.json.  Pages
link to assets through `asset_url('app.css')`.
"""

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path

from flask import current_app

URL_PREFIX = "/static/"
MANIFEST = "manifest.json"


def build(sources, output_dir):
    """Fingerprint and gzip each source file into output_dir; return the manifest."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for source in map(Path, sources):
        data = source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        name = f"{source.stem}.{digest}{source.suffix}"
        (output_dir / name).write_bytes(data)
        if source.suffix in (".css", ".js", ".svg", ".json"):
            (output_dir / f"{name}.gz").write_bytes(gzip.compress(data, 9, mtime=0))
        manifest[source.name] = name
    handle, temporary = tempfile.mkstemp(dir=output_dir, suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        json.dump(manifest, file, indent=2, sort_keys=True)
    os.replace(temporary, output_dir / MANIFEST)
    return manifest


def load_manifest(static_dir):
    """Read the asset manifest; an empty one if the assets have not been built."""
    try:
        return json.loads((Path(static_dir) / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def asset_url(name):
    """The address of a built asset, by its source name ('app.css')."""
    manifest = current_app.extensions["assets"]
    if name not in manifest:
        raise LookupError(f"asset {name!r} is not built: run 'make' to build the assets")
    return URL_PREFIX + manifest[name]


def is_fingerprinted(path, url):
    """WhiteNoise's test for files that never change under the same name."""
    return ".gz" not in url and len(Path(url).suffixes) >= 2



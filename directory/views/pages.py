"""The pages residents read: home, a category, a service."""

from flask import Blueprint, abort, redirect, render_template, url_for

from .. import current_directory
from ..content.translations import localise
from ..feedback import form_token
from ..i18n import DEFAULT, current_language, route

bp = Blueprint("pages", __name__)


@route(bp, "/")
def home():
    """The home page: search, and every category grouped as the council groups them."""
    directory = current_directory()
    groups = {"adult-social-care": [], "community-support": []}
    for category in directory.categories.values():
        count = len(directory.services_in(category.slug))
        if count:
            groups[category.group].append((category, count))
    return render_template("home.html", groups=groups,
                           service_count=len(directory.services))


@route(bp, "/categories/<slug>")
def category(slug):
    """A category and the services in it."""
    directory = current_directory()
    found = directory.categories.get(slug)
    if found is None:
        abort(404)
    return render_template("category.html", category=found,
                           services=directory.services_in(slug))


@route(bp, "/services/<slug>")
def service(slug):
    """Everything a resident needs to know about one service."""
    directory = current_directory()
    found = directory.services.get(slug)
    if found is None:
        if slug in directory.aliases:
            return redirect(url_for(".service", slug=directory.aliases[slug]), 301)
        abort(404)
    categories = [directory.categories[c] for c in found.categories]
    areas = [directory.area_name(a) for a in found.service_areas]
    code = current_language().code
    translation = found.translations.get(code) if code != DEFAULT else None
    local, english_fields = (found, set()) if code == DEFAULT else localise(found, translation)
    return render_template("service.html", service=local, english=found, categories=categories,
                           areas=areas, translation=translation, english_fields=english_fields,
                           feedback_token=form_token(found.slug, code))

"""Search on the sample content: relevance, hostile input, filters, pages, the index's life."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from directory.cli import main
from directory.content import load_directory
from directory.search import IndexUnavailable, SearchEngine, build, index_root, update_service
from directory.search.analysis import terms
from directory.search.index import current_path, previous_path
from directory.search.query import MAX_FUZZY_WORDS, MAX_WORDS
from directory.search.synonyms import load_synonyms

from .conftest import ROOT, make_app

RELEVANCE = yaml.safe_load((Path(__file__).parent / "relevance.yaml").read_text())["queries"]


@pytest.fixture(scope="module")
def engine(sample_index):
    directory = load_directory(ROOT / "content")
    synonyms, problems = load_synonyms(ROOT / "content")
    assert problems == []
    return SearchEngine(sample_index, synonyms, directory.postcodes)


def test_relevance_set_is_big_enough():
    assert len(RELEVANCE) >= 40
    kinds = {case["kind"] for case in RELEVANCE}
    assert {"misspelling", "synonym", "lay-term", "language", "filter"} <= kinds


@pytest.mark.parametrize("case", RELEVANCE, ids=[f"{c['kind']}:{c['query']}" for c in RELEVANCE])
def test_relevance(engine, case):
    filters = {key: [value] for key, value in (case.get("filters") or {}).items()}
    results = engine.search(case["query"], lang=case.get("lang", "en"), filters=filters, per_page=5)
    top = [hit.slug for hit in results.hits]
    assert set(case["expect"]) <= set(top), f"{case['query']!r} gave {top}"


HOSTILE = [
    "name:x", "*", "AND OR NOT", "AND", '"unbalanced', "(brackets", "brackets)", "~", "^",
    "carer~2", "dementia^10", "body:secret", "slug:brackenford-carers-centre", "serves:pl",
    "", "   ", "\x00\x01\x02carer\x7f", "😀🙏 help", "👍🏽", "مدد چاہیے", "\u202eevil", "a" * 5000,
    "carer " * 300, "%", "<script>alert(1)</script>", "' OR 1=1 --", "\\", "[]{}", "/", "..",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_sensible_page(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "services found" in page or "service found" in page
    assert "<script>alert(1)</script>" not in page


def test_field_syntax_cannot_reach_hidden_fields(engine):
    # 'serves:pl' must not act as a field query: it finds nothing about Polish readers.
    assert engine.search("serves:pl").total == engine.search("serves pl").total


@pytest.mark.parametrize("args", [
    {"q": "carer", "category": "no-such-category"}, {"q": "carer", "free": "maybe"},
    {"q": "carer", "colour": "blue"}, {"q": "carer", "page": "-3"}, {"q": "carer", "page": "abc"},
    {"q": "carer", "page": "99999999999999"}, {"q": "carer", "lang": "xx"},
])
def test_unknown_filter_values_are_ignored(client, args):
    response = client.get("/search", query_string=args)
    assert response.status_code == 200


def test_empty_query_browses_everything_by_name(engine):
    results = engine.search("", per_page=100)
    assert results.total == 64
    names = [hit.name.casefold() for hit in results.hits]
    assert names == sorted(names)


def test_results_page_shows_count_highlights_and_pages(client):
    page = client.get("/search?q=carer").get_data(as_text=True)
    assert "services found" in page
    assert '<mark class="app-mark' in page
    assert 'aria-label="Results pages"' in page or "govuk-pagination" in page
    second = client.get("/search?q=carer&page=2").get_data(as_text=True)
    assert 'start="11"' in second


def test_highlights_are_escaped(fixture_content, tmp_path):
    # The content check refuses markup in a summary now, so put it in the index directly.
    directory = load_directory(fixture_content)
    directory.services["riverside-advice-centre"].summary = "Advice <script>alert(1)</script> on benefits"
    build(directory, index_root(tmp_path / "instance"))
    client = make_app(fixture_content, INSTANCE_DIR=tmp_path / "instance").test_client()
    page = client.get("/search?q=benefits").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page


def test_filters_have_counts_and_narrow_results(engine):
    everything = engine.search("support")
    counts = dict(everything.facets["category"])
    narrowed = engine.search("support", filters={"category": ["carers"]})
    assert narrowed.total == counts["carers"]
    assert all("carers" in engine_categories(hit.slug) for hit in narrowed.hits)
    free = engine.search("support", filters={"free": ["yes"]})
    assert free.total == dict(everything.facets["free"])["yes"]


def engine_categories(slug):
    return load_directory(ROOT / "content", only=slug).services[slug].categories


def test_did_you_mean(engine):
    results = engine.search("hoardnig suport")
    assert results.suggestion and "hoarding" in results.suggestion


def test_zero_results_page_helps_and_is_counted(app, client):
    page = client.get("/search?q=xylophone+lessons").get_data(as_text=True)
    assert "We could not find a service that matches" in page
    assert "browse services by category" in page and "0121 496 0100" in page
    client.get("/search?q=Xylophone   LESSONS")
    client.get("/search?q=xylophone 07700 900123 zq@qzx.invalid BK9 9ZZ")
    insight = app.extensions["insight"].zero_results()
    assert ("xylophone lessons", 2) in [(q, c) for q, c, _ in insight]
    assert ("xylophone [number] [email] bk9", 1) in [(q, c) for q, c, _ in insight]


def test_searches_with_results_are_not_counted(app, client):
    client.get("/search?q=carer")
    assert app.extensions["insight"].zero_results() == []


def test_postcode_orders_by_distance(engine):
    results = engine.search("BK3 4JA")
    distances = [hit.distance_km for hit in results.hits if hit.distance_km is not None]
    assert distances == sorted(distances) and distances[0] < 0.5
    assert results.postcode == "BK3 4JA"


def test_unknown_postcode_says_so(client):
    page = client.get("/search?q=food+SW1A+1AA").get_data(as_text=True)
    assert "We could not find the postcode SW1A 1AA" in page


def test_long_query_is_cut_with_a_notice(client):
    page = client.get("/search", query_string={"q": "carer " * 100}).get_data(as_text=True)
    assert "only used the first 200 characters" in page


@pytest.mark.parametrize("lang", ["", "/pl", "/ar"])
def test_words_left_out_are_said_so_in_the_readers_language(client, lang):
    words = " ".join(f"word{n}x" for n in range(20))
    page = client.get(f"{lang}/search", query_string={"q": words}).get_data(as_text=True)
    expected = {"": "we only used some of them", "/pl": "użyliśmy tylko niektórych",
                "/ar": "استخدمنا بعضها فقط"}[lang]
    assert expected in page
    assert "only used the first 200 characters" not in page


def test_home_page_has_the_search_box(client):
    page = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in page and 'name="q"' in page


def test_cli_search_json(runner, app, instance_dir, monkeypatch):
    monkeypatch.setenv("DIRECTORY_INSTANCE_DIR", str(instance_dir))
    monkeypatch.setenv("DIRECTORY_CONTENT_DIR", str(ROOT / "content"))
    result = runner.invoke(main, ["search", "dementa", "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert len(hits) == 3
    assert {"id", "slug", "name", "language", "score"} <= set(hits[0])
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]


def test_missing_index_says_what_to_run(fixture_content, tmp_path, caplog):
    app = make_app(fixture_content, INSTANCE_DIR=tmp_path / "empty")
    assert "run 'directory index'" in caplog.text
    response = app.test_client().get("/search?q=advice")
    assert response.status_code == 503
    assert "Search is not working at the moment" in response.get_data(as_text=True)
    assert app.test_client().get("/").status_code == 200


def test_incompatible_index_says_what_to_run(fixture_content, tmp_path):
    root = index_root(tmp_path / "instance")
    path = build(load_directory(fixture_content), root)
    meta = json.loads((path / "meta.json").read_text())
    (path / "meta.json").write_text(json.dumps({**meta, "schema_version": 0}))
    with pytest.raises(IndexUnavailable, match="built by another version.*directory index"):
        SearchEngine(root, load_synonyms(fixture_content)[0], {}).generation()


def test_rebuild_swaps_in_and_a_dying_rebuild_leaves_the_old_index(fixture_content, tmp_path):
    root = index_root(tmp_path / "instance")
    directory = load_directory(fixture_content)
    first = build(directory, root)
    engine = SearchEngine(root, load_synonyms(fixture_content)[0], directory.postcodes)
    assert engine.search("advice").total == 1

    def die(slug):
        raise RuntimeError("killed mid-build")

    with pytest.raises(RuntimeError):
        build(directory, root, progress=die)
    assert current_path(root) == first
    assert [p.name for p in (root / "builds").iterdir()] == [first.name]
    assert engine.search("advice").total == 1

    second = build(directory, root)
    assert current_path(root) == second and previous_path(root) == first   # kept to fall back on
    assert engine.search("advice").total == 1  # the engine reopens the new build
    third = build(directory, root)
    assert current_path(root) == third and previous_path(root) == second and not first.exists()


def test_changing_one_service_updates_the_index(fixture_content, tmp_path):
    root = index_root(tmp_path / "instance")
    build(load_directory(fixture_content), root)
    engine = SearchEngine(root, load_synonyms(fixture_content)[0], {})
    service = fixture_content / "services" / "riverside-advice-centre" / "service.yaml"
    service.write_text(service.read_text().replace("Riverside Advice Centre", "Kingfisher Advice Hub"))
    assert engine.search("kingfisher").total == 0
    update_service(root, load_directory(fixture_content, only="riverside-advice-centre"),
                   "riverside-advice-centre")
    assert [h.name for h in engine.search("kingfisher").hits] == ["Kingfisher Advice Hub"]
    shutil.rmtree(service.parent)
    update_service(root, load_directory(fixture_content, only="riverside-advice-centre"),
                   "riverside-advice-centre")
    assert engine.search("kingfisher").total == 0


def test_index_command_builds_with_progress(fixture_content, tmp_path, runner, monkeypatch):
    # Not tmp_path / "instance": that is the runner's app's, whose index is the shared sample one.
    monkeypatch.setenv("DIRECTORY_INSTANCE_DIR", str(tmp_path / "cli-instance"))
    monkeypatch.setenv("DIRECTORY_CONTENT_DIR", str(fixture_content))
    result = runner.invoke(main, ["index"])
    assert result.exit_code == 0, result.output
    assert "Search index built" in result.output and "(1 services)" in result.output
    result = runner.invoke(main, ["index", "--service", "riverside-advice-centre"])
    assert "riverside-advice-centre: 1 document(s) indexed" in result.output


def test_a_translated_entry_is_found_in_its_language_and_in_english(fixture_content, tmp_path):
    from directory.content.schema import Entry

    directory = load_directory(fixture_content)
    service = directory.services["riverside-advice-centre"]
    service.translations = {"ur": Entry(
        name="ریور سائیڈ مشاورتی مرکز", summary="فوائد، قرض اور بلوں پر مفت مشورہ۔",
        description="ہم فارم بھرنے میں مدد کرتے ہیں۔")}
    root = index_root(tmp_path / "instance")
    build(directory, root)
    engine = SearchEngine(root, load_synonyms(fixture_content)[0], {})
    # An Urdu reader finds the Urdu document by Urdu words, typed with Arabic letters too...
    urdu = engine.search("مشاورتي", lang="ur")
    assert [(h.slug, h.language) for h in urdu.hits] == [("riverside-advice-centre", "ur")]
    # ...and by English words, still getting the Urdu version, once.
    english_words = engine.search("benefits", lang="ur")
    assert [(h.slug, h.language) for h in english_words.hits] == [("riverside-advice-centre", "ur")]
    assert ("lang-ur", 1) in english_words.facets["format"]
    # An English reader gets the English document only.
    assert [h.language for h in engine.search("benefits").hits] == ["en"]
    assert engine.search("مشاورتی").total == 0


def test_two_process_build_keeps_every_document_in_its_language_slot(tmp_path):
    directory = load_directory(ROOT / "content")
    root = index_root(tmp_path / "instance")
    build(directory, root, procs=2)
    engine = SearchEngine(root, load_synonyms(ROOT / "content")[0], directory.postcodes)
    generation = engine.generation()
    assert generation.size == len(directory.services) * generation.slots
    for docnum in range(generation.size):
        language = generation.searcher.stored_fields(docnum)["language"]
        assert language in ("-", generation.languages[docnum % generation.slots])
    # The same searches work on it: a Polish reader finds a Polish entry by English words.
    hits = engine.search("forms", lang="pl").hits
    assert ("form-friends", "pl") in [(h.slug, h.language) for h in hits]


def test_swapped_letters_are_corrected_whatever_another_language_stems_them_to(engine):
    # "dementai" stems to Romanian "dement" (in the index), so it passed for a known word in
    # every language and was never corrected: 0 found.
    for lang in ("en", "pl", "ro"):
        results = engine.search("dementai", lang=lang)
        assert "dementia-adviser-service" in [h.slug for h in results.hits], lang
    assert engine.search("dementai").suggestion == "dementia"


def _misspelt_words(count):
    directory = load_directory(ROOT / "content")
    words = sorted({w for s in directory.services.values() for w in terms(s.description) if len(w) >= 8})
    return [w[:3] + "qx" + w[5:] for w in words[:count]]


def test_a_long_misspelt_query_costs_a_bounded_amount(engine, monkeypatch):
    from whoosh.codec.base import Automata

    automata = []
    original = Automata.levenshtein_dfa
    monkeypatch.setattr(Automata, "levenshtein_dfa",
                        staticmethod(lambda *args: automata.append(args) or original(*args)))
    words = _misspelt_words(60)
    results = engine.search("dementai " + " ".join(words))
    # Before the caps: every misspelt word (20 fit in 200 characters) made 6 automata (close
    # spellings in name and text, corrections in text and 3 stemmed fields), 0.2 s a query.
    assert len(automata) <= MAX_FUZZY_WORDS * 5
    assert results.truncated and results.ignored_words
    assert len(results.ignored_words) >= 20 - MAX_WORDS
    assert "dementia-adviser-service" in [h.slug for h in results.hits]   # the first words count


def test_repeated_words_and_many_phrases_are_looked_for_once(engine):
    results = engine.search("carer " * 30)
    assert not results.truncated and results.total > 0
    phrases = " ".join(f'"{w} help"' for w in ("carer", "autism", "debt", "food", "deaf"))
    results = engine.search(phrases)
    assert results.truncated and results.ignored_words == ["food help", "deaf help"]

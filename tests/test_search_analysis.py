"""Words in every script become the right search terms."""

from directory.search.analysis import stemmed_analyzer, terms
from directory.search.query import edits_allowed, parse


def test_bengali_words_keep_their_vowel_signs():
    assert terms("ডাক্তার খাবার") == ["ডাক্তার", "খাবার"]


def test_urdu_and_arabic_letters_are_folded_alike():
    # Arabic yeh and kaf, typed on an Arabic keyboard, match Urdu's.
    assert terms("ڈاکٹر") == terms("ڈاكٹر")
    assert terms("طبيب") == terms("طبیب")
    # Vowel marks and tatweel do not change a word.
    assert terms("طَبِيب") == terms("طبيب") == terms("طبـيب")


def test_latin_accents_and_case_fold():
    assert terms("Sănătate ŁÓDŹ Café") == ["sanatate", "lodz", "cafe"]
    assert terms("cafe\u0301") == ["cafe"]


def test_english_stemming():
    stems = [t.text for t in stemmed_analyzer("en")("carers forms memory problems")]
    assert stems == ["carer", "form", "memori", "problem"]


def test_typo_allowance_by_length():
    assert [edits_allowed(w) for w in ["asd", "deaf", "dementia", "bereavement"]] == [0, 1, 2, 2]


def test_query_syntax_is_just_words():
    parsed = parse('name:x AND (OR NOT "unbalanced ^2 ~ *')
    assert parsed.words == ["name", "x", "and", "or", "not", "unbalanced", "2"]
    assert parsed.phrases == []


def test_quoted_words_are_a_phrase():
    parsed = parse('"hearing aid" repairs')
    assert parsed.phrases == [["hearing", "aid"]] and parsed.words == ["repairs"]


def test_postcode_is_found_and_removed_from_words():
    parsed = parse("food bk34ja", postcodes={"BK3 4JA": object()})
    assert parsed.postcode == "BK3 4JA" and parsed.words == ["food"]
    unknown = parse("food SW1A 1AA", postcodes={"BK3 4JA": object()})
    assert unknown.postcode is None and unknown.unknown_postcode == "SW1A 1AA"


def test_control_characters_and_long_queries():
    parsed = parse("car\x00er\u202e\t" + "x" * 500)
    assert "\x00" not in parsed.text and "\u202e" not in parsed.text
    assert parsed.truncated and len(parsed.text) <= 200

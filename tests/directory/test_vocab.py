"""The language table: codes, groups, names in three forms, matching that forgives apostrophes."""

import re

import pytest

from advocate.directory.vocab import (
    language_family,
    languages,
    normalize_language,
    parse_language_text,
    search_languages,
)
from advocate.errors import InputError

# ISO 639-2/639-5 collective codes the table uses as parents (not ISO 639-3 individual codes)
COLLECTIVE = {"nah", "myn", "oto", "kar"}


def test_every_code_is_iso_639_or_a_documented_group():
    table = languages()
    for code, row in table.items():
        if row["scope"] == "group":
            # our own keys: never three letters (so never an ISO code) and always documented
            assert not re.fullmatch(r"[a-z]{3}", code), code
            assert "not recorded" in row["name_en"] and row["notes"], code
        else:
            assert re.fullmatch(r"[a-z]{3}", code), code
            assert row["scope"] in ("individual", "macrolanguage", "collective"), code
            assert (row["scope"] == "collective") == (code in COLLECTIVE), code
        assert not row["iso639_1"] or re.fullmatch(r"[a-z]{2}", row["iso639_1"]), code
        assert row["name_en"] and row["name_es"], code
        assert not row["parent"] or row["parent"] in table, code


@pytest.mark.parametrize("group, members", [
    ("chinantec", {"chj", "cuc", "cvn"}), ("mazatec", {"mau", "vmy", "maj"}), ("totonac", {"top", "tos"}),
    ("tlapanec", {"tcf", "tpx"}), ("amuzgo", {"amu", "azg"}), ("tarahumara", {"tar", "tac"}),
    ("chol", {"ctu", "cti"}), ("mazahua", {"maz", "mmc"}), ("zoque", {"zos"}), ("huave", {"huv"}),
])
def test_groups_of_mexico_match_every_variant(group, members):
    assert members <= language_family(group)
    for member in members:
        assert group in language_family(member)  # a service listing only the group helps a speaker of a variant


@pytest.mark.parametrize("text, code", [
    ("chinanteco", "chinantec"), ("Chinantec", "chinantec"), ("mazateco", "mazatec"), ("Me'phaa", "tlapanec"),
    ("tlapaneco", "tlapanec"), ("rarámuri", "tarahumara"), ("Ch'ol", "chol"), ("chol", "chol"),
    ("qanjobal", "kjb"), ("Q'anjob'al", "kjb"), ("Q’anjob’al", "kjb"), ("kanjobal", "kjb"), ("tének", "hus"),
    ("tojolabal", "toj"), ("Tojol Ab'al", "toj"), ("ikoots", "huave"), ("náayeri", "cora"), ("ch'orti'", "caa"),
    ("he", "heb"), ("Hebrew", "heb"), ("hebreo", "heb"), ("Yiddish", "yid"), ("Greek", "ell"), ("griego", "ell"),
    ("Amharic", "amh"), ("Tigrinya", "tir"), ("Somali", "som"), ("Nepali", "nep"), ("Burmese", "mya"),
    ("Karen", "kar"), ("Sign Language", "ase"), ("Armenian", "hye"), ("Kinyarwanda", "kin"),
])
def test_any_name_finds_the_language(text, code):
    assert normalize_language(text) == code


def test_suggestions_are_names_not_codes_that_look_alike():
    with pytest.raises(InputError) as e:
        normalize_language("hx")
    assert not e.value.suggestions
    with pytest.raises(InputError) as e:
        normalize_language("qanjobl")
    assert e.value.suggestions and all("'" not in s and " anjob" not in s for s in e.value.suggestions)


def test_languages_search_by_any_name():
    codes = {r["code"] for r in search_languages("qanjobal")}
    assert "kjb" in codes
    codes = {r["code"] for r in search_languages("chinanteco")}
    assert {"chinantec", "chj", "cuc"} <= codes
    assert {"tcf", "tpx", "tlapanec"} <= {r["code"] for r in search_languages("me'phaa")}


def test_free_text_from_us_directories():
    assert parse_language_text("Spanish, Hebrew, Yiddish; Greek") == (["spa", "heb", "yid", "ell"], [])

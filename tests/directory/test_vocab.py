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
    ("chol", {"ctu"}), ("mazahua", {"maz", "mmc"}), ("zoque", {"zos"}), ("huave", {"huv"}),
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


def test_every_iso_code_is_current_in_the_iso_639_registry():
    """Each non-group code is a current ISO 639-3 code (or an ISO 639-5 collective) of the scope we say, per the
    registry tables pycountry ships (Debian iso-codes, from SIL's ISO 639-3 tables). Catches retired codes
    (cti, Tila Chol, was merged into ctu) and a macrolanguage filed as an individual language or back."""
    pycountry = pytest.importorskip("pycountry")
    scopes = {"I": "individual", "M": "macrolanguage", "C": "collective", "S": "special"}
    for code, row in languages().items():
        if row["scope"] == "group":
            assert pycountry.languages.get(alpha_3=code) is None, code
            continue
        if row["scope"] == "collective":
            assert pycountry.language_families.get(alpha_3=code), code
            continue
        iso = pycountry.languages.get(alpha_3=code)
        assert iso is not None, f"{code} ({row['name_en']}) is not a current ISO 639-3 code"
        assert scopes[iso.scope] == row["scope"], (code, iso.scope)
        if row["iso639_1"]:
            assert getattr(iso, "alpha_2", None) == row["iso639_1"], code


@pytest.mark.parametrize("code, scope", [
    ("zap", "macrolanguage"), ("mix", "individual"), ("trc", "individual"), ("trs", "individual"),
    ("mam", "individual"), ("quc", "individual"), ("ctu", "individual"), ("kjb", "individual"),
    ("nah", "collective"), ("myn", "collective"),
])
def test_codes_the_field_uses_most(code, scope):
    """Zapotec has an ISO macrolanguage (zap); Mixtec does not (mix is Mixtepec Mixtec, one variant), so
    Mixtec is our group key; Triqui, Mam and K'iche' are individual languages."""
    row = languages()[code]
    assert row["scope"] == scope
    if code == "mix":
        assert "Mixtepec" in row["name_en"] and languages()["mixtec"]["scope"] == "group"


def test_bundled_records_use_known_codes():
    from advocate.directory import bundled

    known = set(languages()) | {"mul"}
    for name in ("national.json", "mexico.json"):
        for rec in bundled.records(name):
            assert set(rec.get("languages", [])) | set(rec.get("interpretation", [])) <= known, rec["id"]

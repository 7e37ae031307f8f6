"""data/mexico.json: Mexican national lines and state agencies in the agreed record shape (DATA_SCHEMA).

Each record carries its own source and date, each line says where it can be dialled from, law-enforcement
lines say so, and state agencies are placed at a city the offline gazetteer knows (never a shelter).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from advocate.data import read_csv, read_json

REQUIRED = ("id", "name", "name_es", "organization", "description", "description_es", "categories", "languages",
            "country", "scope", "source", "source_url", "source_date", "confidence", "priority")
LINE_KINDS = {"phone", "text", "whatsapp", "tty", "chat"}
SHORT_CODES = {"911", "089", "079", "070", "075"}   # 070, 075: state lines (N.L., Coah.)
SHELTER_WORDS = ("refugio", "albergue", "shelter", "casa hogar", "casa de acogida")


@pytest.fixture(scope="module")
def doc():
    return read_json("mexico.json")


@pytest.fixture(scope="module")
def records(doc):
    return doc["services"]


def test_top_level_shape_matches_national_json(doc):
    assert set(doc) == {"about", "services"}
    assert isinstance(doc["about"], str) and doc["about"]
    assert len(doc["services"]) >= 7


def test_every_record_is_complete(records):
    for r in records:
        missing = [k for k in REQUIRED if r.get(k) in (None, "", [])]
        assert not missing, (r.get("id"), missing)
        assert r["confidence"] in {"high", "medium", "low"}
        assert r["country"] == "MX"
        assert r["scope"] in {"national", "local"}
        assert isinstance(r["priority"], int)
        assert isinstance(r.get("law_enforcement", False), bool)
        if r["confidence"] != "high":
            assert r.get("caution") and r.get("caution_es"), f"{r['id']}: say what to re-check, in both languages"
        if r.get("caution"):
            assert r.get("caution_es"), r["id"]
        assert r.get("lines") or r.get("url"), f"{r['id']}: nothing to reach it by"
        assert r["source_url"].startswith("https://") or r["source_url"].startswith("http://")


def test_ids_unique_and_prefixed(records):
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"mx-[a-z0-9-]+", i) for i in ids)


def test_names_say_the_country_in_both_languages(records):
    for r in records:
        assert "Mexico" in r["name"] and "México" in r["name_es"], r["id"]
    assert len({r["name"] for r in records}) == len(records)
    assert len({r["name_es"] for r in records}) == len(records)


def test_categories_exist_and_languages_are_iso(records):
    known = {row["id"] for row in read_csv("categories.csv")}
    for r in records:
        assert set(r["categories"]) <= known, (r["id"], set(r["categories"]) - known)
        for code in r["languages"] + r.get("interpretation", []):
            assert re.fullmatch(r"[a-z]{3}", code), (r["id"], code)


def _dates(r):
    yield r["source_date"]
    for line in r.get("lines", []):
        if "source_date" in line:
            yield line["source_date"]


def test_dates_are_real_and_not_in_the_future(records):
    for r in records:
        for d in _dates(r):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d), (r["id"], d)
            assert dt.date(2000, 1, 1) <= dt.date.fromisoformat(d) <= dt.date.today(), (r["id"], d)


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def test_lines_have_a_dialling_scope_and_parse(records):
    for r in records:
        for line in r.get("lines", []):
            assert line["kind"] in LINE_KINDS, (r["id"], line)
            assert line["from"] and set(line["from"]) <= {"US", "MX"}, (r["id"], line)
            number = line["number"]
            assert re.fullmatch(r"\+?[\d ]+", number), (r["id"], number)
            digits = _digits(number)
            if number.startswith("+52"):
                assert len(digits) == 12, (r["id"], number)            # +52 and ten digits
            elif "US" in line["from"]:
                pytest.fail(f"{r['id']}: a line dialled from the U.S. must carry the +52 international form: {number}")
            else:
                assert digits in SHORT_CODES or len(digits) == 10, (r["id"], number)
            if line.get("confidence"):
                assert line["confidence"] in {"high", "medium", "low"}


def test_law_enforcement_lines_are_marked_and_last(records):
    police = [r for r in records if r.get("law_enforcement")]
    assert {r["id"] for r in police} >= {"mx-089"}
    for r in police:
        assert r["categories"] == ["law-enforcement"] or "law-enforcement" in r["categories"]
        assert r.get("caution") and r.get("caution_es")
        assert r["priority"] >= 80
    for r in records:
        if "law-enforcement" in r["categories"]:
            assert r.get("law_enforcement"), r["id"]


def test_survivor_first_priorities(records):
    by_id = {r["id"]: r for r in records}
    trafficking = by_id["mx-linea-nacional-trata"]
    assert trafficking["priority"] == min(r["priority"] for r in records)
    assert "law enforcement" in trafficking["caution"].lower() or "police" in trafficking["caution"].lower()
    assert by_id["mx-linea-de-la-vida"]["priority"] <= by_id["mx-linea-mujeres"]["priority"] < by_id["mx-ceav"]["priority"]


def test_local_records_are_offices_the_gazetteer_can_place(records):
    from advocate.geo.resolve import resolve_place

    for r in records:
        if r["scope"] != "local":
            assert "location" not in r, r["id"]
            continue
        loc = r["location"]
        assert loc["city"] and loc["region"] and loc["country"] == "MX"
        text = " ".join(str(v) for v in loc.values()).lower() + " " + r["name"].lower()
        assert not any(w in text for w in SHELTER_WORDS), f"{r['id']}: never bundle a shelter"
        place = resolve_place(f"{loc['city']}, {loc['region']}")
        assert place.country == "MX", r["id"]


def test_an_office_of_a_prosecutor_says_so_before_anyone_goes(records):
    """A state office run by a Fiscalía (women's justice centres) is not a law-enforcement line - it gives legal,
    psychological and social help - but its caution says prosecutors work there, in both languages."""
    for r in records:
        if "Fiscalía" in r["organization"] and not r.get("law_enforcement"):
            assert "prosecutor" in r["caution"] and "Fiscalía" in r["caution_es"], r["id"]


def test_records_only_for_a_child_are_the_child_protection_offices(records):
    for r in records:
        if r.get("for_minors"):
            assert "child-protection" in r["categories"], r["id"]
        if "Niñas, Niños y Adolescentes" in r["name_es"] and "Procuraduría" in r["name_es"]:
            assert r.get("for_minors") is True, r["id"]

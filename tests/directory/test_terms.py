"""The bilingual term list (data/search_terms.csv) and the search that uses it."""

import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.data import read_csv
from advocate.directory.terms import expand, fts_query, matched_terms
from advocate.textnorm import fold
from tests.helpers import FIX, MIAMI_211


def test_term_list_has_at_least_150_pairs_each_with_both_languages():
    rows = read_csv("search_terms.csv")
    assert len(rows) >= 150
    for row in rows:
        assert set(row) == {"en", "es"}
        en = [v for v in row["en"].split("|") if v.strip()]
        es = [v for v in row["es"].split("|") if v.strip()]
        assert en and es, row
        for v in en + es:
            assert v == v.strip() and v.lower() == v, f"terms are lower case without stray spaces: {v!r}"


def test_every_term_is_searchable_and_no_row_repeats_a_term():
    seen = {}
    for row in read_csv("search_terms.csv"):
        for v in {fold(v) for v in (row["en"] + "|" + row["es"]).split("|")}:
            assert fold(v), row
            seen.setdefault(v, []).append(row["en"])
    # a term in two rows joins them in every search; allowed only where both meanings are wanted
    shared = {k: v for k, v in seen.items() if len(v) > 1}
    assert set(shared) <= {"asesoria legal", "acoso", "trabajo", "consular", "visa", "visas", "tps", "daca", "vawa",
                           "sijs", "wic", "snap", "ssi", "medicaid", "medicare", "green card", "paralegal",
                           "hospital", "dental", "crisis", "trauma", "alcohol", "internet", "prenatal", "lgbt",
                           "lgbtq", "gay", "doctor", "ged"}, shared


@pytest.mark.parametrize("query,expected", [
    ("asilo", {"asylum", "asilo"}),
    ("abogado", {"lawyer", "attorney"}),
    ("inmigración", {"immigration", "migratorio", "migratoria"}),
    ("violencia doméstica", {"domestic violence", "violencia domestica"}),
    ("albergue", {"shelter", "refugio"}),
    ("refugio", {"shelter", "albergue"}),
    ("comida", {"food", "despensa"}),
    ("despensa", {"food"}),
    ("clínica", {"clinic"}),
    ("intérprete", {"interpreter"}),
    ("shelter", {"albergue"}),
    ("LAWYER", {"abogado"}),
])
def test_a_term_stands_for_its_other_language(query, expected):
    parts = expand(query)
    assert len(parts) == 1
    assert expected <= set(parts[0].variants)


def test_longest_phrase_wins_and_unknown_words_stay_required():
    parts = expand("banco de comida Hialeah")
    assert [p.typed for p in parts] == ["banco de comida", "hialeah"]
    assert "food bank" in parts[0].variants and parts[1].variants == ["hialeah"]
    q = fts_query(parts)
    assert q.endswith('AND "hialeah"*')  # the last unknown word is a prefix, as you type


def test_category_words_carry_their_category():
    assert "shelter" in expand("albergue")[0].categories
    assert set(expand("legal")[0].categories) >= {"legal-immigration", "legal-civil", "legal-criminal"}


def test_matched_terms_name_the_word_found():
    parts = expand("asilo")
    assert matched_terms(parts, "Help for ASYLUM seekers") == ["asylum"]
    assert matched_terms(expand("albergue"), "A place to stay", ["shelter"]) == ["category shelter"]
    assert matched_terms(parts, "nothing here") == []


@given(st.text(max_size=60))
def test_any_text_gives_a_valid_query_or_nothing(text):
    import sqlite3

    parts = expand(text)
    if not parts:
        return
    q = fts_query(parts)
    if not q:
        return
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('asylum shelter food')")
    db.execute("SELECT * FROM t WHERE t MATCH ?", (q,)).fetchall()  # no syntax error, whatever was typed


def test_cli_search_in_spanish_finds_english_records_and_says_why(cli):
    cli("services", "import", FIX / "hsds-1.1-quirks")
    en = cli("services", "search", "clinic", "-f", "json").json()
    es = cli("services", "search", "clínica", "-f", "json").json()
    assert en and {r["id"] for r in en} == {r["id"] for r in es}
    assert all(r["matched"] for r in es)
    r = cli("services", "search", "clinica")
    assert r.exit_code == 0 and "Matched" in r.stdout


@pytest.fixture(scope="module")
def miami_db(tmp_path_factory, gazetteer_cache):
    if not MIAMI_211.exists():
        pytest.skip("the Miami 211 export is not on this machine")
    import os

    from advocate.directory.hsds import import_directory
    from advocate.workspace import open_store

    os.environ["ADVOCATE_CACHE_DIR"] = str(gazetteer_cache)
    path = tmp_path_factory.mktemp("miami") / "miami.db"
    store = open_store(path)
    import_directory(store, MIAMI_211, source="miami-211")
    store.close()
    return path


def test_miami_search_asilo_near_miami_finds_the_asylum_services(cli, miami_db, db_path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(miami_db, db_path)
    english = cli("services", "search", "asylum", "--near", "Miami, FL", "-n", "100", "-f", "json").json()
    spanish = cli("services", "search", "asilo", "--near", "Miami, FL", "-n", "100", "-f", "json").json()
    assert len(english) >= 10
    assert {r["id"] for r in spanish} == {r["id"] for r in english}
    assert "miami-211:1449" in {r["id"] for r in spanish}  # AFSC immigrant services
    assert all(r["matched"] for r in spanish)
    for query in ("abogado", "inmigración", "violencia doméstica"):
        assert cli("services", "search", query, "--near", "Miami, FL", "-f", "json").json(), query


def test_category_group_legal_means_every_legal_category(cli):
    from advocate.directory.search import Filters

    assert set(Filters.parse(["legal"]).categories) == {"legal-immigration", "legal-civil", "legal-criminal"}
    assert Filters.parse(["legal-civil"]).categories == ["legal-civil"]
    r = cli("services", "categories")
    assert r.exit_code == 0 and "legal-immigration legal-civil legal-criminal" in r.stdout
    groups = [row for row in cli("services", "categories", "-f", "json").json() if row["members"]]
    assert {"legal", "health"} <= {g["id"] for g in groups}

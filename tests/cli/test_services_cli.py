import json

import pytest

from tests.helpers import FIX, offered


@pytest.mark.parametrize("where", ["10001", "Tijuana, BC", "Oaxaca de Juárez, Oaxaca"])
def test_near_includes_national_hotlines(cli, where):
    r = cli("services", "near", where, "-f", "json")
    assert r.exit_code == 0, r
    rows = r.json()
    assert any(x["scope"] == "national" and "hotline" in x["categories"] for x in rows)
    for row in rows:
        for key in ("id", "name", "organization", "categories", "languages", "distance_km", "distance_mi",
                    "address", "city", "region", "postal_code", "country", "phone", "latitude", "longitude",
                    "scope", "source", "last_verified", "confidence"):
            assert key in row


def test_los_angeles_consulate_first(cli):
    r = cli("services", "near", "Los Angeles, CA", "-c", "consular", "-f", "json")
    assert r.exit_code == 0, r
    assert r.json()[0]["name"] == "Consulate General of Mexico in Los Angeles"


def test_tijuana_finds_the_san_diego_consulate_then_mexican_lines_first(cli):
    rows = cli("services", "near", "Tijuana, BC", "-f", "json").json()
    assert rows[0]["name"] == "Consulate General of Mexico in San Diego"
    national = [x for x in rows if x["scope"] == "national"]
    assert national[0]["country"] == "MX"


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv", "tsv"])
def test_every_format(cli, fmt):
    r = cli("services", "near", "10001", "-f", fmt)
    assert r.exit_code == 0, r
    assert "Consulate of" in r.stdout and "988" in r.stdout


def test_table_on_stdout_messages_on_stderr(cli):
    r = cli("services", "near", "10001")
    assert "Created a new store" in r.stderr
    assert "Created a new store" not in r.stdout
    assert "Consulate of" in r.stdout


def test_no_national_and_within(cli):
    rows = cli("services", "near", "10001", "--no-national", "--within", "5km", "-f", "json").json()
    assert rows and all(x["scope"] == "local" and x["distance_km"] <= 5 for x in rows)


def test_language_filter_accepts_639_1(cli):
    a = cli("services", "near", "10001", "-l", "es", "-f", "json").json()
    b = cli("services", "near", "10001", "-l", "spa", "-f", "json").json()
    assert a == b and a


def test_ambiguous_place_says_so_on_stderr(cli):
    r = cli("services", "near", "Springfield", "-f", "json")
    assert r.exit_code == 0
    assert "most populous" in r.stderr
    json.loads(r.stdout)


@pytest.mark.parametrize(
    "args,code,words",
    [
        (["Atlantis, ZZ"], 1, "no place called"),
        (["99999"], 1, "ZIP"),
        (["123"], 2, "ZIP"),
        (["95,10"], 2, "latitude"),
        (["10001", "--within", "-5"], 2, "distance"),
        (["10001", "-c", "shelterz"], 2, "not a category"),
        (["10001", "-l", "xx-notalang"], 2, "not a language"),
        (["1 Main St, Austin, TX"], 2, "online geocoding"),
        (["10001", "--limit", "0"], 2, ""),
    ],
)
def test_bad_input_one_sentence_and_exit_code(cli, args, code, words):
    r = cli("services", "near", *args)
    assert r.exit_code == code, r
    assert "Traceback" not in r.stderr + r.stdout
    assert words in r.stderr
    if code == 1 or words:
        assert r.stdout == ""


def test_show(cli):
    r = cli("services", "show", "bi-ciam", "-f", "json")
    assert r.exit_code == 0
    assert r.json()[0]["phone"].startswith("+1 520 623 7874")
    r = cli("services", "show", "nope")
    assert r.exit_code == 1 and "no service" in r.stderr


def test_categories_and_languages(cli):
    cats = cli("services", "categories", "-f", "json").json()
    assert {"shelter", "legal-immigration", "consular", "interpretation"} <= {c["id"] for c in cats}
    assert all(c["label_es"] for c in cats)
    langs = cli("services", "languages", "mixt", "-f", "json").json()
    assert any(x["code"] == "mxt" for x in langs)


def test_places_resolve(cli):
    r = cli("places", "resolve", "Springfield", "-f", "json")
    rec = r.json()[0]
    assert rec["source"] == "geonames" and len(rec["candidates"]) > 1
    r = cli("places", "resolve", "10001")
    assert r.exit_code == 0 and "zipcodes" in r.stdout


def test_version(cli):
    from advocate import __version__

    r = cli("--version")
    assert r.stdout.strip() == f"advocate {__version__}"


def test_db_commands(cli, tmp_path):
    r = cli("db", "path")
    assert r.stdout.strip().endswith("advocate.db")
    assert cli("db", "init").exit_code == 0
    r = cli("db", "check", "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["ok"]
    r = cli("db", "backup", tmp_path / "copy.db")
    assert r.exit_code == 0 and (tmp_path / "copy.db").exists()
    r = cli("db", "restore", tmp_path / "copy.db", "-f", "json")
    assert r.exit_code == 0, r
    r = cli("db", "restore", tmp_path / "missing.db")
    assert r.exit_code == 1 and "no backup" in r.stderr


def test_db_flag_overrides_env(cli, tmp_path):
    other = tmp_path / "elsewhere" / "x.db"
    r = cli("--db", other, "services", "near", "10001", "-f", "json")
    assert r.exit_code == 0 and other.exists()


def test_not_a_database_is_refused(cli, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    r = cli("--db", bad, "services", "near", "10001")
    assert r.exit_code == 1 and "not an SQLite database" in r.stderr
    assert bad.read_text() == "hello"


def test_near_us_place_survivor_first(cli):
    rows = cli("services", "near", "10001", "-f", "json").json()
    national = [x for x in rows if x["scope"] == "national"]
    assert national[0]["name"] == "National Human Trafficking Hotline (U.S.)"
    assert not any(x["law_enforcement"] for x in rows)


def test_near_mexican_place_lines_from_mexico(cli):
    r = cli("services", "near", "Oaxaca de Juárez, Oax.")
    assert r.exit_code == 0, r
    assert "988" not in r.stdout and "1-888-373-7888" not in r.stdout
    assert "800 5533 000" in r.stdout and "dialled from MX" in r.stderr
    r = cli("--lang", "es", "services", "near", "Oaxaca de Juárez, Oax.")
    assert "Línea Nacional" in r.stdout and "nacional" in r.stdout and "Chat vs. Trata" not in r.stdout
    r = cli("services", "near", "Oaxaca de Juárez, Oax.", "--national-from", "all", "-f", "json")
    assert any(x["id"].endswith(":us-988") for x in r.json())


def test_near_mexican_place_every_country_says_which_lines_do_not_work_there(cli):
    """Issue 10: with --national-from all, a U.S. number shown for a place in Mexico says it does not work
    from Mexico, in both languages; Mexico's own lines carry no such note."""
    r = cli("services", "near", "Oaxaca de Juárez, Oax.", "--national-from", "all", "--wide")
    assert r.exit_code == 0, r
    us_lines = [ln for ln in r.stdout.splitlines() if "1-888-373-7888" in ln or "988 (press 2" in ln]
    assert us_lines and all("does not work from Mexico" in ln for ln in us_lines), us_lines
    mx_lines = [ln for ln in r.stdout.splitlines() if "800 5533 000 (24 h" in ln or "800 911 2000" in ln]
    assert mx_lines and not any("does not work" in ln for ln in mx_lines), mx_lines
    r = cli("--lang", "es", "services", "near", "Oaxaca de Juárez, Oax.", "--national-from", "all", "--wide")
    assert r.exit_code == 0, r
    assert "1-888-373-7888" in r.stdout and "no funciona desde México" in r.stdout
    # and a Mexican 800 number shown for a U.S. place says it does not work from the U.S.
    r = cli("services", "near", "10001", "--national-from", "all", "--wide")
    assert any("800 5533 000" in ln and "does not work from the U.S." in ln for ln in r.stdout.splitlines())
    # the default set for a Mexican place has nothing to warn about
    r = cli("services", "near", "Oaxaca de Juárez, Oax.", "--wide")
    assert "does not work" not in r.stdout


def test_law_enforcement_with_caution(cli):
    r = cli("services", "near", "10001", "-c", "law-enforcement")
    assert r.exit_code == 0, r
    assert "HSI Tip Line" in r.stdout and "ICE / Homeland Security Investigations" in r.stderr


def test_nashville_consular_names_atlanta(cli):
    rows = cli("services", "near", "Nashville, TN", "-c", "consular", "-f", "json").json()
    local = [x for x in rows if x["scope"] == "local"]
    assert local and local[0]["city"] == "Atlanta"
    assert not any("Nashville" in x["name"] for x in rows)
    r = cli("services", "near", "Nashville, TN", "-c", "consular")
    assert "Atlanta" in r.stdout and "No consulate within 50 mi" in r.stderr


def test_bad_national_from(cli):
    r = cli("services", "near", "10001", "--national-from", "GT")
    assert r.exit_code != 0 and "US, MX or all" in r.stderr and "Traceback" not in r.stderr


def test_show_prints_each_line_with_scope_and_source(cli):
    r = cli("services", "show", "bi-ciam")
    assert r.exit_code == 0, r
    assert "001 520 623 7874 (from Mexico) - from MX" in r.stdout
    assert "source:" in r.stdout and "2021-05-01" in r.stdout


def test_csv_writes_lines_as_words(cli):
    r = cli("services", "near", "10001", "-f", "csv")
    assert r.exit_code == 0 and "call 1-888-373-7888 (24/7, 200+ languages) - from US" in r.stdout


def test_search_offers_law_enforcement_only_when_asked(cli):
    rows = cli("services", "search", "tip line", "-f", "json").json()
    assert not any(x["law_enforcement"] for x in rows)
    rows = cli("services", "search", "tip line", "-c", "law-enforcement", "-f", "json").json()
    assert any(x["id"].endswith(":us-ice-hsi-tipline") for x in rows)


def test_show_says_why_each_category_was_given(cli):

    fix = FIX / "hsds-1.1-quirks"
    assert cli("services", "import", fix, "--source", "q").exit_code == 0
    r = cli("services", "show", "q:10")
    assert r.exit_code == 0, r
    assert "shelter: from the directory's own code, AIRS/211 BH-1800.8500" in r.stdout
    data = cli("services", "show", "q:10", "-f", "json").json()[0]
    assert {e["category"] for e in data["category_evidence"]} == set(data["categories"])
    es = cli("--lang", "es", "services", "show", "q:10")
    assert "según el código del propio directorio" in es.stdout, es


def test_import_names_unmapped_languages_and_languages_unmapped_lists_them(cli, tmp_path):
    import shutil

    fix = FIX / "hsds-1.1-quirks"
    d = tmp_path / "export"
    shutil.copytree(fix, d)
    langs = d / "data" / "languages.csv"
    header = langs.read_text().splitlines()[0].split(",")
    row = {k: "" for k in header}
    row.update({"id": "x1", "service_id": "10", "language": "Hebrew, Klingon"})
    with langs.open("a") as fh:
        fh.write(",".join(f'"{row[k]}"' for k in header) + "\n")
    r = cli("services", "import", d, "--source", "q", "-f", "json")
    assert r.exit_code == 0, r
    assert {"text": "Klingon", "services": 1} in r.json()["unmapped_language_names"]
    assert "heb" in cli("services", "show", "q:10", "-f", "json").json()[0]["languages"]
    rows = cli("services", "languages", "--unmapped", "-f", "json").json()
    assert {"text": "Klingon", "services": 1} in rows
    assert not any(x["text"] == "Hebrew" for x in rows)
    r = cli("services", "near", "10001", "-l", "he", "-f", "json")
    assert r.exit_code == 0 and "Nahuatl" not in r.stderr


def test_add_by_hand_is_not_high_confidence(cli):
    r = cli("services", "add", "--name", "Casa Amiga", "-c", "shelter", "--location", "10001", "-f", "json")
    assert r.exit_code == 0, r
    row = r.json()[0]
    assert row["confidence"] == "low" and row["caution"].startswith("Added by hand")
    r = cli("services", "add", "--name", "Centro Legal", "-c", "legal-immigration", "--location", "10001",
            "--source", "phone call with intake, 2026-11-28", "-f", "json")
    row = r.json()[0]
    assert row["confidence"] == "medium" and "phone call with intake" in row["caution"]
    r = cli("services", "add", "--name", "X", "-c", "food", "--location", "10001", "--confidence", "sure")
    assert r.exit_code != 0 and "high, medium or low" in r.stderr and "Traceback" not in r.stderr


def test_us_visa_office_not_offered_unasked(cli):
    assert not offered(cli, "Oaxaca de Juárez, Oax.", ":us-embassy-mexico-t-u-visas")
    assert offered(cli, "Oaxaca de Juárez, Oax.", ":us-embassy-mexico-t-u-visas", "-c", "family-reunification")


@pytest.mark.parametrize(("place", "cjm"), [("Tlaxcala, Tlax.", ":mx-tlax-cjm"), ("Tuxtla Gutiérrez, Chis.", ":mx-chis-cejum"),
                                            ("Ciudad Obregón, Son.", ":mx-son-cjm-cajeme")])
def test_a_justice_centre_in_a_prosecutors_office_is_not_offered_unasked(cli, place, cjm):
    """Women's justice centres housed in a state prosecutor's office (staff may open a criminal investigation) were in
    every lookup for their town; now only when one of their categories is asked for."""
    assert not offered(cli, place, cjm)
    assert offered(cli, place, cjm, "-c", "domestic-violence")


def test_a_local_offices_own_number_is_not_said_to_fail_from_across_the_border(cli):
    """Near Ciudad Juárez the El Paso consulate's row read "(915) 549-0003 - does not work from Mexico" and
    "+1 520 623 7874 ... - does not work from Mexico", while CIAM's own row, in the same table, gave that number
    from Mexico: an office's ordinary number can be dialled from abroad. National lines keep the note."""
    r = cli("services", "near", "Ciudad Juárez", "--wide")
    assert r.exit_code == 0, r
    row = [ln for ln in r.stdout.splitlines() if "consulate-el-paso-tx" in ln]
    assert row and "(915) 549-0003" in row[0] and "does not work" not in row[0], row
    r = cli("services", "near", "Oaxaca de Juárez, Oax.", "--national-from", "all", "--wide")
    assert any("1-888-373-7888" in ln and "does not work from Mexico" in ln for ln in r.stdout.splitlines())

import csv
import io
import json
import re

from tests.helpers import FIX, MIAMI_211, needs_shared


def test_import_json_summary(cli):
    r = cli("services", "import", FIX / "hsds-1.1-quirks", "-f", "json")
    assert r.exit_code == 0, r
    s = r.json()
    assert {"services_read", "imported", "updated", "rejected", "geocoded_offline", "inactivated"} <= set(s)
    assert s["services_read"] == s["imported"] + s["updated"] + s["rejected"]
    assert "rejected" in r.stderr


def test_import_missing_path(cli):
    r = cli("services", "import", "/nonexistent/folder")
    assert r.exit_code == 2 and "nothing at" in r.stderr


def test_batch_passes_columns_through_and_flags_failures(cli):
    cli("services", "import", FIX / "hsds-1.1-quirks")
    data = "case_id,zip\nA1,33130\nA2,99999\nA3,Atlantis ZZ\nA4,33012\nA5,Hialeah FL\n"
    r = cli("services", "batch", "-", "--location-column", "zip", "-n", "2", "--within", "30mi", input=data)
    assert r.exit_code == 1  # some rows failed
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["case_id"] for row in rows].count("A1") == 2
    failed = [row for row in rows if row["error"]]
    assert {row["case_id"] for row in failed} == {"A2", "A3"}
    assert "row 2" in r.stderr
    ok = [row for row in rows if row["case_id"] == "A1"]
    assert ok[0]["rank"] == "1" and float(ok[0]["distance_km"]) <= float(ok[1]["distance_km"])
    assert ok[0]["resolved_place"] == "Miami, FL 33130"
    assert {row["resolved_place"] for row in rows if row["case_id"] == "A5"} == {"Hialeah, FL"}  # no comma needed


def test_batch_row_with_no_service_in_range_fails_the_run(cli):
    cli("services", "import", FIX / "hsds-1.1-quirks")
    r = cli("services", "batch", "-", "--within", "5mi", "-n", "1",
            input="case,zip\nA,33130\nB,99501\n")
    assert r.exit_code == 1  # as the README says: a row without an answer fails the run
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["error"] for row in rows if row["case"] == "B"] == ["no service within range"]
    assert not [row["error"] for row in rows if row["case"] == "A" and row["error"]]
    assert "no service within range" in r.stderr


def test_batch_guesses_english_and_spanish_column_names(cli):
    from advocate.directory.batch import pick_location_column, pick_region_column

    assert pick_location_column(["Name", "ZIP Code"], None) == "ZIP Code"
    assert pick_location_column(["Name", "Postal Code"], None) == "Postal Code"
    assert pick_location_column(["Nombre", "Código postal"], None) == "Código postal"
    assert pick_location_column(["Nombre", "Ciudad"], None) == "Ciudad"
    assert pick_location_column(["City", "ZIP"], None) == "ZIP"  # the more precise one
    assert pick_region_column(["Ciudad", "Estado"], "Ciudad") == "Estado"
    assert pick_region_column(["ZIP", "State"], "ZIP") is None
    cli("services", "import", FIX / "hsds-1.1-quirks")
    r = cli("services", "batch", "-", "-n", "1", input="Caso,Ciudad,Estado\nA,Hialeah,FL\nB,Juarez,\n")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows[0]["resolved_place"] == "Hialeah, FL"
    assert rows[1]["resolved_place"] == "Ciudad Juárez, Chihuahua, México"
    assert '"Ciudad"' in r.stderr and '"Estado"' in r.stderr
    assert "Ciudad Juárez" in r.stderr and "most populous" in r.stderr  # the choice is said, not silent


def test_batch_lat_lon_and_ndjson(cli):
    data = "id\tlat\tlon\nx\t32.7157\t-117.1611\n"
    r = cli("services", "batch", "-", "--lat-column", "lat", "--lon-column", "lon", "-c", "consular", "-f", "ndjson",
            input=data)
    assert r.exit_code == 0, r
    first = json.loads(r.stdout.splitlines()[0])
    assert first["id"] == "x" and first["service_name"] == "Consulate General of Mexico in San Diego"
    r = cli("services", "batch", "-", "-f", "json", input='{"ref": 1, "location": "10001"}\n')
    assert r.exit_code == 0 and r.json()[0]["ref"] == 1


def test_batch_bad_column(cli):
    r = cli("services", "batch", "-", "--location-column", "nope", input="zip\n10001\n")
    assert r.exit_code == 2 and "no column" in r.stderr
    r = cli("services", "batch", "-", "--lat-column", "lat", input="lat,lon\n25.7,-80.2\n")
    assert r.exit_code == 2 and "(--lat-column, --lon-column)" in r.stderr
    r = cli("services", "batch", "-", input="zip,rank\n10001,1\n")
    assert r.exit_code == 2 and "rank" in r.stderr and not r.stdout


def test_search_accent_insensitive(cli):
    cli("services", "import", FIX / "hsds-1.1-quirks")
    rows = cli("services", "search", "atencion medica", "-f", "json").json()
    assert rows and rows[0]["name"] == "Clinica medica"
    rows = cli("services", "search", "línea nacional", "-f", "json").json()
    assert rows and "Línea Nacional" in rows[0]["name_es"]
    r = cli("services", "search", "immigration", "--near", "Miami, FL", "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["distance_km"] is not None


def test_add_verify_remove(cli):
    r = cli("services", "add", "--name", "Mixteco interpreters", "-c", "interpretation", "--location", "93030",
            "-l", "mixtec", "--phone", "805-555-0100")
    assert r.exit_code == 0, r
    sid = r.stdout.strip()
    rows = cli("services", "near", "Oxnard, CA", "-l", "mxt", "--no-national", "-f", "json").json()
    assert rows[0]["id"] == sid and not rows[0]["stale"]
    assert cli("services", "verify", sid).exit_code == 0
    assert cli("services", "remove", sid, "--yes").exit_code == 0
    assert cli("services", "show", sid).exit_code == 1
    r = cli("services", "add", "--name", "x")
    assert r.exit_code == 2 and "category" in r.stderr


def test_export_cli(cli, tmp_path):
    cli("services", "import", FIX / "ohana")
    r = cli("services", "export", tmp_path / "out", "--source", "ohana")
    assert r.exit_code == 0 and (tmp_path / "out" / "services.csv").exists()


def test_removing_a_service_keeps_the_place_on_appointments(cli):
    sid = cli("services", "add", "--name", "Clínica del Valle", "-c", "medical", "--location", "93030").stdout.strip()
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "medical", "--duration", "30", "--tz", "America/Chicago",
            "--service", sid)
    assert r.exit_code == 0, r
    assert cli("services", "remove", sid, "--yes").exit_code == 0
    rows = cli("appointments", "list", "-f", "json").json()
    assert rows[0]["place"] == "Clínica del Valle" and rows[0]["service_id"] is None


def _same_answers_in_both_stores(cli, one, two, source):
    """What a case manager prints in each office: ids and every cell the same."""
    batch = "case,zip\nA,33130\nB,33012\nC,Hialeah FL\n"
    for args, data in ((("services", "near", "Miami, FL", "-n", "40", "-f", "csv"), None),
                       (("services", "search", "albergue", "--near", "Miami, FL", "-f", "csv"), None),
                       (("services", "batch", "-", "-n", "3", "-f", "csv"), batch),
                       (("services", "near", "Miami, FL", "-n", "15"), None)):
        a = cli("--db", one, *args, input=data)
        b = cli("--db", two, *args, input=data)
        assert a.exit_code == b.exit_code == 0, (args, a, b)
        assert a.stdout == b.stdout and f"{source}:" in a.stdout and f"{source}:{source}:" not in a.stdout, args
    ids = [row["id"] for row in csv.DictReader(io.StringIO(cli("--db", one, "services", "near", "Miami, FL", "-n", "20",
                                                                 "-f", "csv").stdout)) if row["id"].startswith(source)]
    assert ids
    for sid in ids:
        assert cli("--db", one, "services", "show", sid, "-f", "json").stdout == \
            cli("--db", two, "services", "show", sid, "-f", "json").stdout


def test_export_import_in_another_office_keeps_every_id(cli, tmp_path):
    """Issue 15: `export out --source X` then `import out --source X` in another store: the same ids
    (no X:X:10), the notes kept, a second import duplicates nothing; tables, CSV and batch agree."""
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert cli("--db", one, "services", "import", FIX / "hsds-1.1-quirks", "--source", "miami-211").exit_code == 0
    assert cli("--db", one, "services", "export", tmp_path / "out", "--source", "miami-211").exit_code == 0
    for _ in range(2):
        r = cli("--db", two, "services", "import", tmp_path / "out", "--source", "miami-211", "-f", "json")
        assert r.exit_code == 0, r
    assert (r.json()["imported"], r.json()["updated"], r.json()["inactivated"]) == (0, 5, 0)
    _same_answers_in_both_stores(cli, one, two, "miami-211")




@needs_shared
def test_real_miami_export_moves_between_offices(cli, tmp_path):
    from advocate.directory.search import get_service
    from advocate.store import open_store

    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert cli("--db", one, "services", "import", MIAMI_211, "--source", "miami-211").exit_code == 0
    assert cli("--db", one, "services", "export", tmp_path / "out", "--source", "miami-211").exit_code == 0
    r = cli("--db", two, "services", "import", tmp_path / "out", "--source", "miami-211", "-f", "json")
    assert r.exit_code == 0 and r.json()["imported"] == 1851, r
    _same_answers_in_both_stores(cli, one, two, "miami-211")
    a, b = open_store(one), open_store(two)
    ids = [i for (i,) in a.conn.execute("SELECT id FROM services WHERE source = 'miami-211'")]
    assert len(ids) == 1851 and all(get_service(a, i) == get_service(b, i) for i in ids)
    assert a.conn.execute("SELECT count(*) FROM services WHERE notes IS NOT NULL AND source = 'miami-211'").fetchone() \
        == b.conn.execute("SELECT count(*) FROM services WHERE notes IS NOT NULL AND source = 'miami-211'").fetchone()
    a.close(), b.close()


def _short(sid: str) -> str:
    return sid.removeprefix("advocate-bundled:")


def _shown_as(cli, sid: str, tokens: list[str]) -> bool:
    """``sid`` is among ``tokens`` whole, or shortened to a prefix and "…" that `services show` takes for it."""
    if sid in tokens:
        return True
    for t in tokens:
        if t.endswith("…") and sid.startswith(t[:-1]):
            shown = cli("services", "show", t, "-f", "json")
            return shown.exit_code == 0 and _short(shown.json()[0]["id"]) == sid
    return False


def test_ids_in_tables_are_whole_at_80_and_120_columns(cli):
    """Issue 15: at 80 columns the ID column was dropped, at 120 it broke mid-token; now the other columns
    give way (and the least needed are left out, said on stderr) and --wide shows every column. Follow-up:
    the national ids squeezed the Service column to 4 letters at 80 columns; a long id is now shortened to
    a unique prefix and "…", which `services show` (and every --service) accepts."""
    cli("services", "import", FIX / "hsds-1.1-quirks", "--source", "miami-211")
    for place, extra in (("San Diego, CA", ["-c", "consular"]), ("Miami, FL", [])):
        ids = [_short(r["id"]) for r in cli("services", "near", place, *extra, "-f", "json").json()]
        assert any(len(i) >= 20 for i in ids) or place == "Miami, FL"
        for width in ("80", "120"):
            r = cli("services", "near", place, *extra, env={"COLUMNS": width})
            assert r.exit_code == 0, r
            lines = r.stdout.splitlines()
            assert all(len(line.rstrip()) <= int(width) for line in lines)
            for sid in ids:
                assert any(_shown_as(cli, sid, line.split()) for line in lines), (width, sid, r.stdout)
            header = next(line for line in lines if "Service" in line.split())
            assert header.index("Dist.") - header.index("Service") >= 11  # the name column keeps 8+ characters
        narrow = cli("services", "near", place, *extra, env={"COLUMNS": "80"})
        wide = cli("services", "near", place, *extra, "--wide", env={"COLUMNS": "80"})
        assert "Where" in wide.stdout and "Lang." in wide.stdout and "Not shown" not in wide.stderr
        if "Where" not in narrow.stdout:
            assert "Not shown at this width: " in narrow.stderr and "--wide" in narrow.stderr
        for sid in ids:
            assert any(sid in line.split() for line in wide.stdout.splitlines())
    r = cli("services", "search", "shelter", env={"COLUMNS": "80"})
    assert r.exit_code == 0 and "miami-211:10" in r.stdout.split()


def test_appointment_list_keeps_id_and_client_whole(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    for kind, place in (("court", "Juzgado tercero de lo familiar, piso 4, sala B"), ("legal", "Legal aid"),
                        ("medical", "Clínica")):
        assert cli("appt", "log", "--client", code, "--when", "2026-12-15 10:00", "--tz", "America/Chicago",
                   "--type", kind, "--duration", "60", "--place", place, "--advocate", "JR").exit_code == 0
    for width in ("60", "80", "120"):
        r = cli("appt", "list", env={"COLUMNS": width})
        assert r.exit_code == 0 and all(len(x.rstrip()) <= int(width) for x in r.stdout.splitlines())
        assert sum(code in line.split() for line in r.stdout.splitlines()) == 3
    assert "Juzgado tercero de lo familiar, piso 4, sala B" in cli("appt", "list", "--wide", env={"COLUMNS": "60"}).stdout
    # several --type keep all of them (the last one used to win)
    kinds = {a["type"] for a in cli("appt", "list", "-t", "court", "-t", "legal", "-f", "json").json()}
    assert kinds == {"court", "legal"}
    assert len(cli("appt", "export", "-t", "court", "-t", "medical", "-f", "json").json()) == 2


def test_approximate_places_after_exact_ones_and_marked(cli):
    """Issue 15: a ZIP- or town-centre placeholder no longer leads at "0.0 mi": it ranks after an exact point
    at the same distance (and after exact ones within its slack), marked ~ and with its precision."""
    from advocate.geo.resolve import resolve_place

    centre = resolve_place("33130")
    for name, where in (("Aaa placeholder", "33130"), ("Zzz exact door", f"{centre.latitude},{centre.longitude}"),
                        ("Mmm door a mile off", f"{centre.latitude + 0.0145},{centre.longitude}")):
        assert cli("services", "add", "--name", name, "-c", "food", "--location", where).exit_code == 0
    rows = cli("services", "near", "33130", "--no-national", "-c", "food", "-f", "json").json()
    assert [r["name"] for r in rows] == ["Zzz exact door", "Mmm door a mile off", "Aaa placeholder"]
    assert [r["precision"] for r in rows] == ["exact", "exact", "approximate"]
    assert rows[0]["distance_km"] == rows[2]["distance_km"] == 0
    table = cli("services", "near", "33130", "--no-national", "-c", "food").stdout
    placeholder = next(line for line in table.splitlines() if "Aaa placeholder" in line)
    assert "~1 mi" in placeholder and "0.0" not in placeholder and "approx." in table  # no false 0.0
    from advocate.directory.search import cautions

    assert [c.text() for c in cautions(rows[2]) if c.kind == "approx"] == ["approx. place (ZIP or town centre)"]
    assert "~" not in next(line for line in table.splitlines() if "Zzz exact door" in line)


def test_removing_a_bundled_line_needs_confirmation(cli):
    r = cli("services", "remove", "us-988")
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert cli("services", "show", "us-988").exit_code == 0  # still there
    assert cli("services", "remove", "us-988", "--yes").exit_code == 0
    assert cli("services", "show", "us-988").exit_code == 1


def test_dry_run_import_creates_no_store(cli, db_path):
    assert not db_path.exists()
    r = cli("services", "import", FIX / "hsds-1.1-quirks", "--dry-run", "-f", "json")
    assert r.exit_code == 0 and r.json()["dry_run"] is True and r.json()["imported"] == 5, r
    assert "creates nothing" in r.stderr
    assert not db_path.exists() and not (db_path.parent.exists() and list(db_path.parent.iterdir()))


def test_usage_lines_name_what_to_type(cli):
    """Typer 0.29 wrote `{location}`; the usage line reads PLACE (required) or [TEXT] (optional)."""
    for args, usage in ((["services", "near"], "advocate services near [OPTIONS] PLACE"),
                        (["places", "resolve"], "advocate places resolve [OPTIONS] PLACE"),
                        (["services", "languages"], "advocate services languages [OPTIONS] [TEXT]"),
                        (["appointments", "delete"], "advocate appointments delete [OPTIONS] ID")):
        out = cli(*args, "--help").stdout
        assert usage in out and "{" not in out.splitlines()[0], out.splitlines()[0]


def test_a_zip_with_only_its_towns_centre_gives_rough_distances(cli):
    """Issue 15 follow-up: 33199 and 33188 have no point of their own in the ZIP list (only Miami's centre):
    services at the centre showed "0.0 mi". The lookup says the ZIP is only the town's centre, and every
    distance from it is in whole miles marked ~; a ZIP with its own point keeps tenths."""
    from advocate.geo.resolve import resolve_place

    assert resolve_place("33199").town_centre and resolve_place("33188").town_centre
    assert not resolve_place("33130").town_centre and not resolve_place("10001").town_centre
    centre = resolve_place("33199")
    assert cli("services", "add", "--name", "Door at the centre", "-c", "food", "--location",
               f"{centre.latitude},{centre.longitude}").exit_code == 0
    r = cli("services", "near", "33199", "--no-national", "-c", "food")
    assert r.exit_code == 0 and "33199 has no point of its own" in r.stderr and "rough" in r.stderr
    row = next(line for line in r.stdout.splitlines() if "Door at the centre" in line)
    assert "~1 mi" in row and "0.0" not in row
    assert resolve_place("33199").as_dict()["town_centre"] is True
    exact = cli("services", "near", f"{centre.latitude},{centre.longitude}", "--no-national", "-c", "food").stdout
    assert "0.0 mi" in next(line for line in exact.splitlines() if "Door at the centre" in line)


def test_a_shortened_id_is_accepted_and_an_ambiguous_one_refused(store):
    from advocate.directory.manage import add_service
    from advocate.directory.search import get_service, shortened_id
    from advocate.errors import InputError

    for city in ("Chicago, IL", "Tijuana, BC"):
        add_service(store, name=f"Consulado {city}", categories=["consular"], location=city)
    full = "advocate-bundled:consulate-new-brunswick-nj"
    short = shortened_id(store, "consulate-new-brunswick-nj", 12)
    assert short.endswith("…") and len(short) < len("consulate-new-brunswick-nj")
    assert get_service(store, short)["id"] == full
    assert get_service(store, short[:-1] + "...")["id"] == full
    assert shortened_id(store, "us-988", 12) == "us-988"  # short enough: as it is
    import pytest

    with pytest.raises(InputError, match="more than one service id"):
        get_service(store, "consulate-…")


def test_sources_table_reads_at_80_columns_in_both_languages(cli):
    """Issue 15 follow-up: the path was folded letter by letter, the time was a raw UTC stamp, a column had no
    clear header, and `sync --dry-run` said only "Nothing changed."."""
    cli("services", "import", FIX / "hsds-1.1-quirks", "--source", "miami-211")
    for lang, kind, header in (("en", "folder", "What the last pull held"), ("es", "carpeta", "Lo que trajo")):
        r = cli("--lang", lang, "services", "sources", env={"COLUMNS": "80"})
        assert r.exit_code == 0, r
        assert all(len(line.rstrip()) <= 80 for line in r.stdout.splitlines())
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", r.stdout)  # no raw timestamp
        words = [w for line in r.stdout.splitlines() for w in line.split()]
        assert kind in words and "…/hsds-1.1-quirks" in words
        assert " ".join(words).count(header.split()[0]) >= 1
    assert cli("services", "sources", "-f", "json").json()[0]["location"].endswith("hsds-1.1-quirks")
    r = cli("services", "sync", "--dry-run")
    assert r.exit_code == 0 and "Dry run: nothing would change, and nothing was changed." in r.stderr
    r = cli("services", "sync", "--dry-run", "-f", "json")
    assert "Dry run: nothing was changed." in r.stderr

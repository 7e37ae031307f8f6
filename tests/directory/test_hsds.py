import csv
import os
import shutil
import subprocess
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.directory.hsds import clean, clean_phone, coordinate, import_directory
from advocate.directory.search import Filters, get_service, services_near
from advocate.errors import InputError
from advocate.geo.resolve import resolve_place
from advocate.workspace import open_store
from tests.helpers import FIX, SHARED_HSDS, count, kill_when, needs_shared


def test_quirky_1_1_export(store, tmp_path):
    rejects = tmp_path / "rejects.csv"
    s = import_directory(store, FIX / "hsds-1.1-quirks", rejects_path=rejects)
    assert s["layout"] == "hsds-1/2" and s["source"] == "hsds-1.1-quirks"
    assert s["services_read"] == s["imported"] + s["updated"] + s["rejected"] == 8
    assert s["rejected"] == 3  # no id, no name, duplicate id
    reasons = {r["reason"] for r in csv.DictReader(rejects.open())}
    assert reasons == {"no id", "no name", "duplicate id in this export"}
    assert oct(rejects.stat().st_mode & 0o777) == "0o600"
    shelter = get_service(store, "hsds-1.1-quirks:10")
    assert "shelter" in shelter["categories"] and "domestic-violence" in shelter["categories"]
    assert set(shelter["languages"]) == {"eng", "spa", "hat"}
    assert shelter["phone"] == "305-555-0100 x12"
    assert "\\n" not in shelter["description"] and "###" not in shelter["description"]
    assert "9:00am-5:00pm, Mon-Fri" in (store.conn.execute("SELECT hours FROM services WHERE id='hsds-1.1-quirks:10'").fetchone()[0])
    legal = get_service(store, "hsds-1.1-quirks:11")
    assert legal["categories"] == ["legal-immigration"] or "legal-immigration" in legal["categories"]
    assert legal["phone"] is None  # "(211)    -" is not a phone
    assert legal["approximate"] is True and legal["latitude"] is not None  # from its ZIP, offline
    assert "mul" in legal["interpretation"]
    assert legal["region"] == "FL" and legal["country"] == "US"
    clinic = get_service(store, "hsds-1.1-quirks:12")
    assert "medical" in clinic["categories"] and clinic["languages"] == ["mixtec"]
    assert clinic["approximate"] is True  # from "Hialeah, FL"
    org = store.conn.execute("SELECT description FROM organizations WHERE id='hsds-1.1-quirks:org:1'").fetchone()[0]
    assert "’" in org and "GÇ" not in org and "\n" in org
    orphan = get_service(store, "hsds-1.1-quirks:13")
    assert orphan["organization"] is None
    bad = get_service(store, "hsds-1.1-quirks:15")
    assert bad["latitude"] is None
    notes = store.conn.execute("SELECT notes FROM services WHERE id='hsds-1.1-quirks:11'").fetchone()[0]
    assert "other languages available upon request" in notes
    notes = store.conn.execute("SELECT notes FROM services WHERE id='hsds-1.1-quirks:13'").fetchone()[0]
    assert "Something unheard of" in notes  # unmapped taxonomy kept
    assert s["geocoded_offline"] == 2


def test_reimport_updates_and_inactivates(store, tmp_path):
    import_directory(store, FIX / "hsds-1.1-quirks")
    n = count(store, "SELECT count(*) FROM services WHERE source='hsds-1.1-quirks'")
    copy = tmp_path / "hsds-1.1-quirks"
    shutil.copytree(FIX / "hsds-1.1-quirks", copy)
    rows = list(csv.reader((copy / "data" / "services.csv").open()))
    with (copy / "data" / "services.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([r for r in rows if r[0] != "12"])
    s = import_directory(store, copy)
    assert s["imported"] == 0 and s["updated"] == 4 and s["inactivated"] == 1
    assert count(store, "SELECT count(*) FROM services WHERE source='hsds-1.1-quirks'") == n
    assert get_service(store, "hsds-1.1-quirks:12")["status"] == "inactive"
    assert "hsds-1.1-quirks:12" not in {r["id"] for r in services_near(store, resolve_place("33012"), national=False)}


def test_dry_run_changes_nothing(store):
    before = count(store, "SELECT count(*) FROM services")
    s = import_directory(store, FIX / "hsds-1.1-quirks", dry_run=True)
    assert s["imported"] == 5 and s["dry_run"]
    assert count(store, "SELECT count(*) FROM services") == before


def test_ohana_layout(store):
    s = import_directory(store, FIX / "ohana")
    assert s["layout"] == "ohana" and s["imported"] == 3
    pantry = get_service(store, "ohana:1")
    assert pantry["categories"] == ["food"]
    assert set(pantry["languages"]) >= {"yue", "tgl", "spa"}
    assert pantry["phone"] == "650 780-7525"
    assert get_service(store, "ohana:2")["status"] == "inactive"
    rows = services_near(store, resolve_place("94401"), national=False)
    assert rows[0]["id"] == "ohana:1"


def test_hsds3_csv_and_json(store, tmp_path):
    s = import_directory(store, FIX / "hsds-3.0", source="la")
    assert s["layout"] == "hsds-3"
    svc = get_service(store, "la:s1")
    assert svc["categories"] == ["legal-immigration"]
    assert svc["languages"] == ["spa"] and set(svc["interpretation"]) == {"mam", "quc"}
    assert svc["last_verified"] == "2026-06-01"
    assert svc["postal_code"] == "90012"  # the physical address, not the PO box
    assert svc["approximate"]
    f = Filters.parse([], ["mam"])
    assert [r["id"] for r in services_near(store, resolve_place("90012"), filters=f, national=False)] == ["la:s1"]



def test_json_ids_with_a_nul_are_read_as_csv_reads_them(store, tmp_path):
    """An HSDS 3 JSON id with a NUL in it is read without the NUL, as a CSV cell is: the service keeps its phone,
    place and taxonomy code (a law-enforcement code then keeps it out of unasked lists)."""
    import json

    doc = [{"id": "s1\u0000 ", "name": "Victim assistance", "phones": [{"number": "305-555-0100"}],
            "organization": {"id": "o1\u0000", "name": "County"},
            "attributes": [{"taxonomy_term": {"id": "\u0000FL-5000 ", "code": "FL-5000", "name": "Police"}}],
            "service_at_locations": [{"id": "x\u0000", "location": {"id": "l1\u0000", "name": "Office",
                                                                   "latitude": 25.77, "longitude": -80.19}}]}]
    (tmp_path / "services.json").write_text(json.dumps(doc), encoding="utf-8")
    assert import_directory(store, tmp_path / "services.json", source="nul")["imported"] == 1
    svc = get_service(store, "nul:s1")
    assert svc["phone"] == "305-555-0100" and svc["latitude"] == 25.77
    assert count(store, "SELECT count(*) FROM services WHERE id = 'nul:s1' AND organization_id = 'nul:org:o1'") == 1
    assert svc["categories"] == ["law-enforcement"]

def test_zip_and_datapackage_paths(store, tmp_path):
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in (FIX / "ohana").iterdir():
            zf.write(p, f"nested/{p.name}")
    assert import_directory(store, z)["imported"] == 3
    assert import_directory(store, FIX / "hsds-1.1-quirks" / "datapackage.json", source="dp")["imported"] == 5


def test_broken_encoding_and_bom(store, tmp_path):
    d = tmp_path / "cp1252"
    d.mkdir()
    (d / "services.csv").write_bytes(b"\xef\xbb\xbfid,name,description\n1,Caf\xe9 Comunitario,Comida y ropa\n")
    s = import_directory(store, d)
    assert s["imported"] == 1
    assert get_service(store, "cp1252:1")["name"] == "Café Comunitario"


def test_not_an_export(store, tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no services table"):
        import_directory(store, tmp_path)
    with pytest.raises(InputError):
        import_directory(store, tmp_path / "missing")
    with pytest.raises(InputError):
        import_directory(store, FIX / "ohana", source="advocate-bundled")


def test_export_round_trip(store, tmp_path):
    from advocate.directory.export import export_directory
    from advocate.workspace import open_store

    import_directory(store, FIX / "hsds-1.1-quirks", source="src")
    out = tmp_path / "out"
    result = export_directory(store, out, source="src")
    assert (out / "datapackage.json").exists() and result["services"] == 5
    other = open_store(tmp_path / "other.db")
    s = import_directory(other, out, source="back")
    assert s["imported"] == 5 and s["rejected"] == 0
    for sid in ("10", "11", "12", "13", "15"):
        a, b = get_service(store, f"src:{sid}"), get_service(other, f"back:src:{sid}")
        for k in ("name", "categories", "languages", "interpretation", "phone", "city", "region", "postal_code"):
            assert a[k] == b[k], (sid, k)
        assert (a["latitude"] is None) == (b["latitude"] is None)
        if a["latitude"] is not None:
            assert a["latitude"] == pytest.approx(b["latitude"]) and a["longitude"] == pytest.approx(b["longitude"])
    other.close()
    json_out = tmp_path / "json"
    export_directory(store, json_out, fmt="json", source="src")
    third = open_store(tmp_path / "third.db")
    assert import_directory(third, json_out / "services.json", source="j")["imported"] == 5
    assert get_service(third, "j:src:10")["categories"] == get_service(store, "src:10")["categories"]
    third.close()


def test_cleaners():
    assert clean("  FL  ") == "FL"
    assert clean("a\\nb", multiline=True) == "a\nb"
    assert clean("It GÇÖs") == "It ’s"
    assert clean("cafÃ©") == "café"
    assert clean_phone("(211)    -") is None
    assert clean_phone("305-555-1234 x123") == "305-555-1234 x123"
    assert coordinate("95", "10") is None and coordinate("0", "0") is None and coordinate("x", "1") is None
    assert coordinate(" 25.7 ", "-80.2") == (25.7, -80.2)


# `advocate services import FOLDER`, stopped after ten blocks of services are written inside the import's one
# transaction: it says so on stdout and waits there to be killed.
KILLED_MID_IMPORT = """
import sys
from advocate.cli.main import run
from advocate.directory.hsds import Importer

flush, blocks = Importer.flush, []


def announce(self):
    flush(self)
    blocks.append(1)
    if len(blocks) == 10:
        print("ten blocks written", flush=True)
        sys.stdin.read()


Importer.flush = announce
sys.argv = ["advocate", "services", "import", sys.argv[1]]
run()
"""


def test_interrupted_import_leaves_store_as_it_was(db_path, tmp_path):
    """kill -9 in the middle of an import's writes: integrity ok and none of the change."""
    from advocate.directory.hsds import BLOCK

    big = tmp_path / "big"
    big.mkdir()
    with (big / "services.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "description"])
        for i in range(12 * BLOCK):
            w.writerow([i, f"Service {i}", "food pantry " * 5])
    with (big / "locations.csv").open("w", newline="") as fh:  # places too: the R*Tree rows are written per block
        w = csv.writer(fh)
        w.writerow(["id", "name", "latitude", "longitude"])
        w.writerows([i, f"Place {i}", f"{25 + i / 10000:.4f}", "-80.2"] for i in range(12 * BLOCK))
    with (big / "service_at_location.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "service_id", "location_id"])
        w.writerows([i, i, i] for i in range(12 * BLOCK))
    s = open_store(db_path)
    before = count(s, "SELECT count(*) FROM services")
    rtree_before = count(s, "SELECT count(*) FROM sal_rtree")
    trigger = _rtree_trigger(s)
    s.close()
    kill_when(KILLED_MID_IMPORT, "ten blocks written", big, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL,
              env={**os.environ, "ADVOCATE_DB": str(db_path)})
    s = open_store(db_path)
    assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert count(s, "SELECT count(*) FROM services") == before
    assert count(s, "SELECT count(*) FROM services WHERE source = 'big'") == 0
    # the import takes the R*Tree insert trigger out inside its transaction: a kill -9 rolls that back too
    assert trigger is not None and _rtree_trigger(s) == trigger
    assert count(s, "SELECT count(*) FROM sal_rtree") == rtree_before
    s.close()


@needs_shared
def test_real_miami_211(store):
    s = import_directory(store, SHARED_HSDS / "open211-miami-2019")
    assert s["services_read"] == s["imported"] + s["updated"] + s["rejected"]
    assert s["imported"] > 1800
    f = Filters.parse(["legal-immigration"], ["es"])
    rows = services_near(store, resolve_place("Miami, FL"), within_km=24.14, filters=f, national=False)
    assert len(rows) >= 5
    d = [r["distance_km"] for r in rows]
    assert all(x <= 24.2 for x in d)
    # nearest first, a ZIP/town-centre placeholder counted as farther than it measures (issue 15)
    from advocate.directory.search import APPROXIMATE_SLACK_KM, nearness

    assert [nearness(r) for r in rows] == sorted(nearness(r) for r in rows)
    assert all(r["region"] in ("FL", None) for r in rows)
    everything = services_near(store, resolve_place("Miami, FL"), within_km=24.14, limit=300, national=False)
    exact = [r for r in everything if r["precision"] == "exact"]
    rough = [r for r in everything if r["precision"] == "approximate"]
    assert exact and rough and everything.index(exact[0]) == 0  # the city-centre placeholders no longer lead
    for r in rough:  # every exact point nearer than a placeholder's distance plus its slack comes before it
        assert all(everything.index(e) < everything.index(r) for e in exact
                   if e["distance_km"] <= r["distance_km"] + APPROXIMATE_SLACK_KM)
    # the same 300 as taking the 300 best of every service in range
    allrows = services_near(store, resolve_place("Miami, FL"), within_km=24.14, limit=5000, national=False)
    assert [r["id"] for r in everything] == [r["id"] for r in allrows[:300]]
    _no_wrong_doors_in_miami(store, s["source"])


def _no_wrong_doors_in_miami(store, src):
    """Issue 10: the rows a survivor must never be sent to as help, found on this export."""
    near = resolve_place("33166")
    ice, krome, ice_miami, liga, liga_med = (f"{src}:{n}" for n in (3444, 3446, 7824, 1012, 1013))
    animals, cats, three11 = (f"{src}:{n}" for n in (999, 6301, 165))
    legal = services_near(store, near, within_km=80.5, limit=500, filters=Filters.parse(["legal-immigration"]),
                          national=False)
    assert len(legal) >= 15
    assert not {ice, krome, ice_miami, liga, liga_med} & {r["id"] for r in legal}
    assert not [r["name"] for r in legal if "ENFORCEMENT" in r["name"] or "KROME" in r["name"]
                or "CANCER" in (r["organization"] or "")]
    shelter = services_near(store, near, within_km=200, limit=500, filters=Filters.parse(["shelter"]), national=False)
    assert len(shelter) >= 15
    assert not {animals, cats, three11} & {r["id"] for r in shelter}
    assert not [r["name"] for r in shelter if "ANIMAL" in r["name"] or "CAT " in r["name"] or "3-1-1" in r["name"]]
    for sid in (ice, ice_miami, krome):
        cats_ = set(get_service(store, sid)["categories"])
        assert cats_ and cats_ <= {"law-enforcement", "detention"}, (sid, cats_)
    assert "detention" in get_service(store, krome)["categories"]
    top = services_near(store, near, national=False)
    for row in top:
        if row["id"] in (liga, liga_med):
            assert set(row["categories"]) == {"medical"}
    # every police or sheriff's unit carries law-enforcement and nothing else
    police = [r for r in store.conn.execute(
        "SELECT s.id FROM services s LEFT JOIN organizations o ON o.id = s.organization_id"
        " WHERE s.source = ? AND (s.name LIKE '%POLICE DEPARTMENT%' OR o.name LIKE '%SHERIFF%')", (src,))]
    assert len(police) >= 5
    for (sid,) in police:
        assert set(get_service(store, sid)["categories"]) <= {"law-enforcement", "detention"}
    # a guessed category says so, and why
    guessed = store.conn.execute("SELECT service_id FROM category_evidence WHERE basis = 'keyword' LIMIT 1").fetchone()
    ev = get_service(store, guessed[0])["category_evidence"]
    assert any(e["guessed"] and e["reason"].startswith('"') for e in ev)


@needs_shared
def test_real_ohana_san_mateo(store):
    import_directory(store, SHARED_HSDS / "ohana-san-mateo-sample")
    rows = services_near(store, resolve_place("94403"), national=False)
    assert rows and any("San Mateo" in (r["city"] or "") for r in rows)


@needs_shared
@pytest.mark.parametrize("sub", ["hsds-3.0-examples/csv", "hsds-3.0-examples/json/service_full.json",
                                 "hsds-3.0-examples/json/service_list.json",
                                 "hsds-3.0-examples/json/organization_full.json"])
def test_real_hsds3_examples(store, sub):
    s = import_directory(store, SHARED_HSDS / sub, source="ex")
    assert s["imported"] >= 1 and s["rejected"] == 0


def test_a_folder_of_several_exports_is_refused(store, tmp_path):
    for name in ("a", "b"):
        shutil.copytree(FIX / "ohana", tmp_path / name)
    with pytest.raises(InputError, match="several exports"):
        import_directory(store, tmp_path)
    assert import_directory(store, tmp_path / "a")["imported"] == 3


def test_damaged_zip_and_headerless_services_are_clear_errors(store, tmp_path):
    bad = tmp_path / "export.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a readable zip"):
        import_directory(store, bad)
    d = tmp_path / "odd"
    d.mkdir()
    (d / "services.csv").write_text("foo,bar\n1,2\n")
    with pytest.raises(InputError, match="no id or name column"):
        import_directory(store, d)


def test_a_store_error_while_placing_a_location_is_not_taken_for_an_unknown_place(store, monkeypatch):
    """Only "no such ZIP or city" moves on to the next key; a failing store stops the import, changing nothing."""
    import sqlite3

    import advocate.geo.resolve

    before = count(store, "SELECT count(*) FROM services")

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(advocate.geo.resolve, "resolve_place", broken)
    with pytest.raises(sqlite3.OperationalError):
        import_directory(store, FIX / "hsds-1.1-quirks")
    assert count(store, "SELECT count(*) FROM services") == before


def _source_tables(store, source: str) -> dict[str, list[tuple]]:
    """Every column of every table that holds a directory record of ``source`` (internal row numbers aside)."""
    of = "(SELECT id FROM services WHERE source = ?)"
    # every column but each store's own bookkeeping: when this store saw the service change, and the hash of
    # what its last import said (an export says the same things in other words)
    local = {"changed", "fingerprint"}
    cols = ", ".join(r[1] for r in store.conn.execute("PRAGMA table_info(services)") if r[1] not in local)
    queries = {
        "services": f"SELECT {cols} FROM services WHERE source = ? ORDER BY id",
        "organizations": "SELECT * FROM organizations WHERE source = ? ORDER BY id",
        "locations": "SELECT * FROM locations WHERE source = ? ORDER BY id",
        "service_at_location": f"SELECT service_id, location_id FROM service_at_location WHERE service_id IN {of} ORDER BY 1, 2",
        "service_categories": f"SELECT * FROM service_categories WHERE service_id IN {of} ORDER BY 1, 2",
        "category_evidence": f"SELECT * FROM category_evidence WHERE service_id IN {of} ORDER BY 1, 2",
        "service_languages": f"SELECT * FROM service_languages WHERE service_id IN {of} ORDER BY 1, 2, 3",
        "services_fts": f"SELECT * FROM services_fts WHERE service_id IN {of} ORDER BY service_id",
    }
    return {t: store.conn.execute(q, (source,)).fetchall() for t, q in queries.items()}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_own_export_imports_back_with_the_same_ids_and_every_field(store, tmp_path, fmt):
    """Issue 15: an office that imports another office's export sees the same ids (no src:src:10) and the
    same fields, notes, cautions, hand-typed records and approximate points included; importing it again
    changes nothing and duplicates nothing."""
    from advocate.directory.export import export_directory
    from advocate.directory.fts import reindex
    from advocate.directory.manage import add_service
    from advocate.store import open_store

    import_directory(store, FIX / "hsds-1.1-quirks", source="src")
    with store.write():  # what HSDS has no column for, and cells a spreadsheet guard touches
        store.conn.execute("UPDATE services SET notes = 'call first | taxonomy: Food', phone = '+52 55 5533 5533',"
                           " name_es = 'Despensa', caution = '=not a formula', confidence = 'medium',"
                           " application_process = 'Walk in; call first', required_documents = 'ID; proof of address'"
                           " WHERE id = 'src:10'")
        store.conn.execute("UPDATE locations SET transportation = 'Bus 3 to Flagler St'"
                           " WHERE id IN (SELECT location_id FROM service_at_location WHERE service_id = 'src:10')")
        reindex(store, ids=["src:10"])
    assert count(store, "SELECT count(*) FROM locations WHERE source = 'src' AND approximate = 1")
    add_service(store, name="Hand-typed clinic", categories=["medical"], location="Miami, FL", phone="305-555-0100",
                languages=["mxt"], organization="Clinic org", source="call on 2026-11-02")
    add_service(store, name="Hand-typed line", categories=["hotline"], national=False, location="33101")
    for source in ("src", "local"):
        out = tmp_path / f"{source}-{fmt}"
        export_directory(store, out, fmt=fmt, source=source)
        other = open_store(tmp_path / f"other-{source}-{fmt}.db")
        path = out / "services.json" if fmt == "json" else out
        first = import_directory(other, path)  # no --source: the export says where its records came from
        assert first["source"] == source and first["rejected"] == 0
        assert _source_tables(other, source) == _source_tables(store, source)
        again = import_directory(other, path, source=source)
        assert (again["imported"], again["inactivated"]) == (0, 0) and again["updated"] == first["imported"]
        assert _source_tables(other, source) == _source_tables(store, source)
        ids = [r[0] for r in store.conn.execute("SELECT id FROM services WHERE source = ?", (source,))]
        assert ids and all(get_service(other, i) == get_service(store, i) for i in ids)
        # the export imported back into the store it came from updates in place
        home = import_directory(store, path, source=source)
        assert (home["imported"], home["inactivated"]) == (0, 0)
        assert _source_tables(other, source) == _source_tables(store, source)
        other.close()
    assert get_service(store, "src:10")["phone"] == "+52 55 5533 5533"


def test_a_json_export_too_big_to_read_is_refused_not_skipped(store, tmp_path, monkeypatch):
    from advocate.directory import hsds_read

    monkeypatch.setattr(hsds_read, "MAX_JSON", 200)
    big = tmp_path / "services.json"
    big.write_text('[{"id": "1", "name": "' + "x" * 300 + '"}]', encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_directory(store, big)
    assert "larger than" in err.value.message and "CSV" in err.value.message


def test_a_zip_export_is_closed_after_reading(store, tmp_path, monkeypatch):
    opened = []
    real = zipfile.ZipFile

    class Tracked(real):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    archive = tmp_path / "export.zip"
    with real(archive, "w") as z:
        for f in (FIX / "ohana").iterdir():
            z.write(f, f.name)
    monkeypatch.setattr(zipfile, "ZipFile", Tracked)
    import_directory(store, archive)
    assert opened and all(z.fp is None for z in opened)


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\r", "\t", "\\", "n", "\x00", "\x1b", "Ã", "©",
                                         "#", "G", "Ç", "Ö", "\u202e", "\xa0", "\x1c", "\x85", "\u2028", "\u3000",
                                         "\x0b", "\x0c", "’"]), max_size=60))
def test_one_line_text_from_the_multi_line_one(text):
    """The import cleans a description once (multi-line) and derives the one-line form classification reads."""
    from advocate.directory.hsds import clean, flat_text

    assert flat_text(clean(text, multiline=True)) == (clean(text) or "")
    assert flat_text(clean(text, multiline=True, limit=5), limit=5) in (None, clean(text, limit=5) or "")


@given(st.text(max_size=80))
def test_clean_gives_what_it_gave_before_its_shortcuts(text):
    """clean() skips steps a value does not need and remembers short values: same result as every step."""
    from advocate.directory import hsds

    for multiline in (False, True):
        assert hsds.clean(text, multiline=multiline) == _every_step(text, multiline)
        assert hsds.clean(text, multiline=multiline) == _every_step(text, multiline)  # remembered


def test_an_unreadable_export_is_an_error_about_the_path(tmp_path):
    """#17: the library's errors name the input they are about (``fields``), not a command-line option."""
    from advocate.directory.hsds_read import read_tables

    (tmp_path / "notes.txt").write_text("not an export", encoding="utf-8")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "empty").mkdir()
    for path in (tmp_path / "nothing-here", tmp_path / "notes.txt", tmp_path / "broken.zip", tmp_path / "empty"):
        with pytest.raises(InputError) as err:
            read_tables(path)
        assert err.value.fields == ("path",), (path, err.value)


_PIECES = ["a", "b", " ", "\n", "\r", "\t", "\\n", "\\r\\n", "\x00", "\x1b", "\x85", "\u200b", "\u202e", "\xa0",
           "###LAC###", "###", "#", "GÇÖ", "ΓÇ£", "â€™", "Â ", "Ã©", "Ç", "G", "é", "\u3000"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_clean_shortcuts_on_the_pieces_they_look_for(text):
    """The plain checks clean() makes before each regex (mojibake, markers, control characters, one line) never
    skip a step the text needs: the same result as the test above's every-step cleaner, on the very sequences
    those steps are for."""
    from advocate.directory import hsds

    long_text = text + " " + "x" * 250  # (a description-length text too)
    for value in (text, long_text):
        for multiline in (False, True):
            expected = hsds._clean(value, multiline, 20000)
            reference = _every_step(value, multiline)
            assert expected == reference, (value, multiline)


def _every_step(value, multiline=False, limit=20000):
    import re as re_

    from advocate.directory import hsds
    from advocate.textnorm import strip_control

    t = str(value).replace("\x00", "")
    if "Ã" in t or "â€" in t:
        try:
            t = t.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    for bad, good in hsds._MOJIBAKE.items():
        if bad in t:
            t = t.replace(bad, good)
    t = t.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n")
    t = hsds._MARKERS.sub("", t)
    t = strip_control(t, keep_newlines=True)
    if not multiline:
        t = " ".join(t.split())
    else:
        t = "\n".join(" ".join(line.split()) for line in t.split("\n")).strip()
        t = re_.sub(r"\n{3,}", "\n\n", t)
    t = t.strip()
    return t[:limit] if t else None


_SPACES = ["", " ", "\t", "\xa0", "\u3000", "\x85", "\u2028", "\x1c", "\r"]
_ID_CHARS = ["1", "a", "É", "~", "ñ", "\u0100", "-", "Z"]


@given(st.lists(st.tuples(st.sampled_from(_SPACES), st.lists(st.sampled_from(_ID_CHARS + [" ", "\xa0"]), max_size=5)
                          .map("".join), st.sampled_from(_SPACES)), min_size=1, max_size=12))
def test_staged_ids_are_trimmed_as_str_strip_would(cells):
    """Key columns are stored as str.strip() gives them (whatever the whitespace, ids that start or end with a
    letter beyond ASCII included), whichever way the table was staged (rows trimmed as they go in, a batch at a
    time); other columns as read."""
    from advocate.directory.hsds_read import Staged

    raw = [a + b + c for a, b, c in cells]
    staged = Staged()
    try:
        staged.load("phones", ["id", "service_id", "number"], [[v, v, v] for v in raw])
        assert [(r["id"], r["service_id"], r["number"]) for r in staged.rows("phones")] == \
            [(v.strip(), v.strip(), v) for v in raw]
        # rows handed to insert() as tuples, a cell that is not text among them (kept as it is)
        staged.create("languages", ["service_id", "language", "location_id"])
        staged.insert("languages", [(v, v, None if i % 3 == 0 else v) for i, v in enumerate(raw)])
        assert [(r["service_id"], r["language"], r["location_id"]) for r in staged.rows("languages")] == \
            [(v.strip(), v, None if i % 3 == 0 else v.strip()) for i, v in enumerate(raw)]
        staged.load("service_taxonomy", ["id", "service_id", "taxonomy_id"], [["x", v, v + "t"] for v in raw],
                    compact=True)
        pairs = list(dict.fromkeys((v.strip(), (v + "t").strip()) for v in raw))
        # (a packed table gives each pair once, a first cell's in the order staged: see Staged._load_pairs)
        got = [(r["service_id"], r["taxonomy_id"]) for r in staged.rows("service_taxonomy")]
        assert sorted(got) == sorted(pairs)
        assert all([p for p in got if p[0] == sid] == [p for p in pairs if p[0] == sid] for sid, _ in pairs)
        for sid in {p[0] for p in pairs if p[0]}:
            expected = [t for s, t in pairs if s == sid]
            assert staged.column_values("service_taxonomy", "service_id", sid, "taxonomy_id") == expected
            staged.prefetch_column("service_taxonomy", "service_id", [sid], "taxonomy_id")
            assert staged.column_values("service_taxonomy", "service_id", sid, "taxonomy_id") == expected
            staged.forget()
    finally:
        staged.close()


def test_an_export_with_padded_ids_and_repeated_taxonomy_rows(store, tmp_path):
    """Ids padded with any whitespace still link a service to its places, organization and terms, and a
    services_taxonomy row given twice counts once."""
    export = tmp_path / "padded"
    export.mkdir()
    files = {
        "services.csv": [["id", "organization_id", "name", "description"],
                         ["\xa0s1 ", " o1", "Legal clinic", "Immigration legal help"],
                         ["s2\u3000", "o1\t", "Food pantry", "Groceries"]],
        "organizations.csv": [["id", "name"], ["o1\xa0", "Helpers"]],
        "locations.csv": [["id", "organization_id", "name", "latitude", "longitude"],
                          [" l1", "o1", "Main office", "25.77", "-80.19"]],
        "services_at_location.csv": [["id", "service_id", "location_id"], ["1", "s1", "l1\u3000"],
                                     ["2", " s2", "\tl1"]],
        "services_taxonomy.csv": [["id", "service_id", "taxonomy_id"], ["1", "s1 ", "FT-1000"],
                                  ["2", "s1", " FT-1000"], ["3", "\xa0s2", "BD-1800.2000"]],
        "taxonomy.csv": [["id", "name"], ["FT-1000", "Legal Services"], ["BD-1800.2000", "Food Pantries"]],
    }
    for name, rows in files.items():
        with (export / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    s = import_directory(store, export, source="padded")
    assert s["imported"] == 2 and s["rejected"] == 0 and s["no_location"] == 0 and s["organizations"] == 1
    rows = store.conn.execute("SELECT s.id, s.organization_id, l.id FROM services s JOIN service_at_location sal "
                              "ON sal.service_id = s.id JOIN locations l ON l.id = sal.location_id "
                              "WHERE s.source = 'padded' ORDER BY s.id").fetchall()
    assert rows == [("padded:s1", "padded:org:o1", "padded:loc:l1"), ("padded:s2", "padded:org:o1", "padded:loc:l1")]
    cats = dict(store.conn.execute("SELECT service_id, group_concat(category) FROM service_categories "
                                   "WHERE service_id LIKE 'padded:%' GROUP BY service_id"))
    assert "legal" in cats["padded:s1"] and "food" in cats["padded:s2"]
    assert count(store, "SELECT count(*) FROM sal_rtree WHERE service_id LIKE 'padded:%'") == 2


def test_a_phones_schedules_or_languages_table_with_no_column_the_import_reads(store, tmp_path):
    """A phones, regular_schedules or languages table with none of the columns the import reads (a phones.csv
    keyed by contact_id, with phone_number for number) is staged empty-handed, not refused: the import goes on
    without it, as it did before only the columns read were staged."""
    export = tmp_path / "odd"
    export.mkdir()
    files = {
        "services.csv": [["id", "organization_id", "name"], ["s1", "o1", "Shelter"]],
        "organizations.csv": [["id", "name"], ["o1", "Helpers"]],
        "phones.csv": [["id", "contact_id", "phone_number"], ["p1", "c1", "305-555-0100"]],
        "regular_schedules.csv": [["freq"], ["WEEKLY"]],
        "languages.csv": [["note"], ["Spanish"]],
    }
    for name, rows in files.items():
        with (export / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    s = import_directory(store, export, source="odd")
    assert s["imported"] == 1 and s["rejected"] == 0
    assert get_service(store, "odd:s1")["phone"] is None


def _rtree_trigger(store):
    return store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sal_rtree_insert'").fetchone()


def test_an_import_puts_the_rtree_trigger_back_whatever_happens(store, monkeypatch):
    """The import writes the R*Tree rows of a block itself, with the insert trigger taken out for the length of
    its transaction: the trigger is back after an import, a dry run and an import that fails, and the R*Tree
    holds what the trigger would have put in it."""
    from advocate.directory import hsds

    trigger = _rtree_trigger(store)
    assert trigger is not None
    import_directory(store, FIX / "hsds-1.1-quirks", dry_run=True)
    assert _rtree_trigger(store) == trigger
    import_directory(store, FIX / "hsds-1.1-quirks")
    assert _rtree_trigger(store) == trigger
    expected = store.conn.execute(
        "SELECT sal.id, sal.service_id, sal.location_id, l.latitude, l.longitude FROM service_at_location sal "
        "JOIN locations l ON l.id = sal.location_id WHERE l.latitude IS NOT NULL ORDER BY sal.id").fetchall()
    got = store.conn.execute("SELECT id, service_id, location_id, min_lat, min_lon FROM sal_rtree ORDER BY id").fetchall()
    assert [(i, s, lo) for i, s, lo, _a, _b in got] == [(i, s, lo) for i, s, lo, _a, _b in expected]
    assert all(abs(a - c) < 1e-4 and abs(b - d) < 1e-4 for (*_x, a, b), (*_y, c, d) in zip(got, expected, strict=True))
    before = count(store, "SELECT count(*) FROM sal_rtree")

    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(hsds.Importer, "flush", broken)
    with pytest.raises(RuntimeError):
        import_directory(store, FIX / "ohana")
    assert _rtree_trigger(store) == trigger
    assert count(store, "SELECT count(*) FROM sal_rtree") == before
    monkeypatch.undo()
    s = import_directory(store, FIX / "ohana")  # the trigger still adds a place written outside an import
    assert s["imported"] == 3
    store.conn.execute("INSERT INTO service_at_location (service_id, location_id) SELECT s.id, l.id FROM services s, "
                       "locations l WHERE s.source = 'ohana' AND l.latitude IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                       "service_at_location x WHERE x.service_id = s.id AND x.location_id = l.id) LIMIT 1")
    assert count(store, "SELECT count(*) FROM sal_rtree") == count(
        store, "SELECT count(*) FROM service_at_location sal JOIN locations l ON l.id = sal.location_id "
               "WHERE l.latitude IS NOT NULL")


def test_the_rtree_an_import_writes_is_the_one_its_trigger_makes(tmp_path, monkeypatch):
    """The R*Tree rows the import writes a block at a time go in as the insert trigger would add them, row by
    row in the same order: the R*Tree's nodes are byte for byte those of an import the trigger writes (blocks
    of 50 services here, 600 places spread over Florida, so nodes split and reinsert)."""
    from advocate.directory import hsds

    export = tmp_path / "spread"
    export.mkdir()
    tables = {
        "services.csv": [["id", "organization_id", "name"]] + [[f"s{i}", "o1", f"Service {i}"] for i in range(600)],
        "organizations.csv": [["id", "name"], ["o1", "Helpers"]],
        "locations.csv": [["id", "organization_id", "latitude", "longitude"]]
        + [[f"l{i}", "o1", f"{25 + (i * 37 % 600) / 100:.4f}", f"{-82 + (i * 53 % 500) / 100:.4f}"] for i in range(600)],
        "services_at_location.csv": [["id", "service_id", "location_id"]]
        + [[str(i), f"s{i}", f"l{(i * 7) % 600}"] for i in range(600)],
    }
    for name, body in tables.items():
        with (export / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(body)
    monkeypatch.setattr(hsds, "BLOCK", 50)
    nodes = []
    for bulk in (True, False):
        if not bulk:  # the trigger writes every row
            monkeypatch.setattr(hsds.Importer, "_bulk_rtree", lambda self: None)
        s = open_store(tmp_path / f"bulk-{bulk}" / "advocate.db")
        try:
            assert import_directory(s, export, source="spread")["imported"] == 600
            nodes.append(s.conn.execute("SELECT nodeno, data FROM sal_rtree_node ORDER BY nodeno").fetchall())
        finally:
            s.close()
    assert len(nodes[0]) > 3 and nodes[0] == nodes[1]

def test_the_rtree_rows_follow_each_services_status_and_point(tmp_path, monkeypatch):
    """The R*Tree rows an import writes carry each service's status and each place's point as the import wrote them
    (inactive services, places without a point, places shared by services of other blocks, a re-import that flips
    statuses and moves a place), the same as the insert trigger's and as the rows read back from the store when
    what the block wrote is not at hand."""
    from advocate.directory import hsds

    def export(folder, flip):
        folder.mkdir()
        tables = {
            "services.csv": [["id", "organization_id", "name", "status"]]
            + [[f"s{i}", "o1", f"Service {i}", "inactive" if (i % 3 == 0) != flip else "active"] for i in range(40)],
            "organizations.csv": [["id", "name"], ["o1", "Helpers"]],
            "locations.csv": [["id", "organization_id", "latitude", "longitude"]]
            + [[f"l{j}", "o1", "" if j == 4 else f"{25 + j / 10 + (0.5 if flip and j == 2 else 0):.4f}", "-80.2"]
               for j in range(9)],
            "services_at_location.csv": [["id", "service_id", "location_id"]]
            + [[str(i), f"s{i}", f"l{i % 9}"] for i in range(40)] + [["x", "s5", "l8"]],
        }
        for name, body in tables.items():
            with (folder / name).open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(body)
        return folder

    first, second = export(tmp_path / "a", False), export(tmp_path / "b", True)
    monkeypatch.setattr(hsds, "BLOCK", 7)
    read_back = hsds.Importer._rtree_rows

    def without_facts(self, before):
        self._place_facts = {}
        return read_back(self, before)

    got = {}
    for way in ("import", "read back", "trigger"):
        if way == "read back":
            monkeypatch.setattr(hsds.Importer, "_rtree_rows", without_facts)
        if way == "trigger":
            monkeypatch.setattr(hsds.Importer, "_bulk_rtree", lambda self: None)
        s = open_store(tmp_path / way / "advocate.db")
        try:
            for folder in (first, second):
                import_directory(s, folder, source="spread", geocoder=None)
                rows = s.conn.execute("SELECT r.id, r.service_id, r.location_id, r.active, s.status, l.latitude, "
                                      "r.min_lat FROM sal_rtree r JOIN services s ON s.id = r.service_id JOIN locations "
                                      "l ON l.id = r.location_id WHERE s.source = 'spread' ORDER BY r.id").fetchall()
                assert rows and all(active == (status == "active") and abs(lat - rlat) < 1e-4
                                    for _i, _s, _l, active, status, lat, rlat in rows)
                assert not any(loc == "spread:loc:l4" for _i, _s, loc, *_x in rows)
                assert len(rows) == count(s, "SELECT count(*) FROM service_at_location sal JOIN locations l ON "
                                             "l.id = sal.location_id WHERE l.latitude IS NOT NULL AND "
                                             "sal.service_id LIKE 'spread:%'")
            got[way] = (rows, s.conn.execute("SELECT nodeno, data FROM sal_rtree_node ORDER BY nodeno").fetchall())
        finally:
            s.close()
    assert got["import"] == got["read back"] == got["trigger"]


def _small_export(folder, n=40, *, skip=(), duplicate_of=None):
    """An export of ``n`` services of one organization; service i sits at location l(i % 6), so places are
    shared by services far apart; with ``duplicate_of`` a last row repeats that service's id."""
    folder.mkdir(exist_ok=True)
    ids = [i for i in range(n) if i not in skip]
    rows = {
        "services.csv": [["id", "organization_id", "name", "description"]]
        + [[f"s{i}", "o1", f"Service {i}", "Legal help for immigrants" if i % 2 else "Food pantry"] for i in ids]
        + ([[f"s{duplicate_of}", "o1", "Again", "x"]] if duplicate_of is not None else []),
        "organizations.csv": [["id", "name"], ["o1", "Helpers"]],
        "locations.csv": [["id", "organization_id", "name", "latitude", "longitude"]]
        + [[f"l{j}", "o1", f"Office {j}", f"25.{70 + j}", "-80.19"] for j in range(6)],
        "services_at_location.csv": [["id", "service_id", "location_id"]] + [[str(i), f"s{i}", f"l{i % 6}"] for i in ids],
    }
    for name, body in rows.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(body)
    return folder


def test_what_an_import_keeps_track_of_lasts_across_blocks(store, tmp_path, monkeypatch):
    """Ids seen, organizations and places written are kept in the staging database, not in memory: with blocks
    of 7 services a duplicate id 39 rows later is still refused, a place written in the first block is written
    once and counts in the fingerprint of a service in the last, and a re-import inactivates what it lacks.
    Every row and fingerprint is what one block of them all writes."""
    from advocate.directory import hsds

    def imported(block, export, into=store, source="blocks"):
        monkeypatch.setattr(hsds, "BLOCK", block)
        s = import_directory(into, export, source=source)
        rows = into.conn.execute("SELECT id, organization_id, fingerprint, status FROM services WHERE source = ? "
                                 "ORDER BY id", (source,)).fetchall()
        return s, rows

    export = _small_export(tmp_path / "small", duplicate_of=2)
    other = open_store(tmp_path / "other" / "advocate.db")
    try:
        small, rows_small = imported(7, export)
        whole, rows_whole = imported(500, export, into=other)
    finally:
        other.close()
    assert small["imported"] == whole["imported"] == 40 and small["rejected"] == whole["rejected"] == 1
    assert small["locations"] == 6 and small["organizations"] == 1
    assert rows_small == rows_whole and len({f for _i, _o, f, _s in rows_small}) == 40
    assert count(store, "SELECT count(*) FROM locations WHERE source = 'blocks'") == 6
    again, _rows = imported(7, _small_export(tmp_path / "fewer", skip=(5, 33)))
    assert again["updated"] == 38 and again["inactivated"] == 2 and again["imported"] == 0
    assert {i for i, _o, _f, st in imported(7, _small_export(tmp_path / "all"))[1] if st == "active"} \
        == {f"blocks:s{i}" for i in range(40)}


def test_the_cycle_collector_is_as_it_was_after_an_import(tmp_path):
    """#16: an import runs Python's cycle collector less often while it works, and puts it back as it was, also
    when the import fails."""
    import gc

    from advocate.collector import fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] >= 50_000
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("an import that fails")
    assert gc.get_threshold() == before
    store = open_store(tmp_path / "s.db")
    with pytest.raises(InputError):
        import_directory(store, tmp_path / "nothing-here")
    assert gc.get_threshold() == before
    store.close()


def test_a_packed_service_whose_codes_pass_the_pack_size_is_split_in_order(monkeypatch):
    """A service's codes whose JSON would pass PACK_BYTES go in several rows (SQLite refuses a text past its length
    limit); every reader gives them back as one unpacked table would: each once, in the order staged."""
    from advocate.directory import hsds_read
    from advocate.directory.hsds_read import Staged

    monkeypatch.setattr(hsds_read, "PACK_BYTES", 200)
    codes = [f"code-{i:04d}-" + "x" * (i % 17) for i in range(300)]
    rows = [["r", "s1", c] for c in codes] + [["r", "s2", "only"]] + [["r", "s1", codes[5]]]
    staged = Staged()
    try:
        staged.load("service_taxonomy", ["id", "service_id", "taxonomy_id"], rows, compact=True)
        assert staged.db.execute("SELECT count(*) FROM t_service_taxonomy WHERE service_id = 's1'").fetchone()[0] > 10
        assert max(len(t) for (t,) in staged.db.execute("SELECT taxonomy_id FROM t_service_taxonomy")) <= 200
        assert staged.column_values("service_taxonomy", "service_id", "s1", "taxonomy_id") == codes
        staged.prefetch_column("service_taxonomy", "service_id", ["s1", "s2"], "taxonomy_id")
        assert staged.column_values("service_taxonomy", "service_id", "s1", "taxonomy_id") == codes
        assert staged.column_values("service_taxonomy", "service_id", "s2", "taxonomy_id") == ["only"]
        assert staged.count("service_taxonomy") == 301
        assert [r["taxonomy_id"] for r in staged.rows("service_taxonomy") if r["service_id"] == "s1"] == codes
    finally:
        staged.close()


def test_a_key_column_empty_in_every_row_is_never_indexed_nor_read():
    """A 211 export's phones have no organization_id and its schedules no location_id: nothing can be found by
    such a column, so it is neither indexed nor queried; a column with one value in one row is, as is one written
    by a reader that makes its own rows (a sheet's)."""
    from advocate.directory.hsds_read import Staged

    staged = Staged()
    try:
        rows = [[f"p{i}", f"s{i}", " ", "", f"305-555-{i:04d}"] for i in range(30)]
        staged.load("phones", ["id", "service_id", "location_id", "organization_id", "number"], rows, compact=True)
        queries = []
        staged.db.set_trace_callback(queries.append)
        for column in ("location_id", "organization_id"):
            assert staged.many("phones", column, "s1") == []
            staged.prefetch_tuples("phones", column, ["s1", "s2"], ("number",))
            assert staged.tuples("phones", column, "s1", ("number",)) == []
        assert queries == []
        assert staged.tuples("phones", "service_id", "s7", ("number",)) == [("305-555-0007",)]
        rows[29][3] = "o9"  # one organization, in the last row
        staged.load("phones2", ["id", "service_id", "location_id", "organization_id", "number"], rows)
        assert [r["number"] for r in staged.many("phones2", "organization_id", "o9")] == ["305-555-0029"]
        staged.create("schedules", ["service_id", "location_id", "weekday"])
        staged.append("schedules", [["", "L1", "Monday"], ["s1", "", "Tuesday"]])
        staged.prefetch_tuples("schedules", "location_id", ["L1"], ("weekday",))
        assert staged.tuples("schedules", "location_id", "L1", ("weekday",)) == [("Monday",)]
        indexes = {n for (n,) in staged.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "i_phones_service_id" in indexes and "i_phones2_organization_id" in indexes
        assert not {"i_phones_location_id", "i_phones_organization_id"} & indexes
    finally:
        staged.close()

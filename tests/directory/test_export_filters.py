"""Publishing for the team (issue 13, item 4): export by source and by what changed since a date."""

from __future__ import annotations

import json

import pytest

from advocate.directory.export import export_directory, parse_since, partial_export
from advocate.directory.hsds import import_directory
from advocate.errors import InputError, NotFound
from tests.helpers import ROWS, workbook

pytest.importorskip("openpyxl")

OLD = "2020-01-01T00:00:00+00:00"


def _age(store, source):
    with store.write():
        store.conn.execute("UPDATE services SET changed = ? WHERE source = ?", (OLD, source))


def _exported(folder) -> dict[str, str]:
    import csv

    return {r["name"]: r["status"] for r in csv.DictReader(open(folder / "services.csv", encoding="utf-8"))}


def test_export_by_source(store, tmp_path):
    import_directory(store, workbook(tmp_path / "a.xlsx"), source="red-a")
    other = tmp_path / "b.csv"
    other.write_text("Nombre,Teléfono,Ciudad,Estado\nAlbergue B,305-555-0100,Miami,FL\n")
    import_directory(store, other, source="red-b")
    assert export_directory(store, tmp_path / "one", sources=["red-b"])["services"] == 1
    assert export_directory(store, tmp_path / "two", sources=["red-a", "red-b"])["services"] == 5
    assert export_directory(store, tmp_path / "old", source="red-a")["services"] == 4  # the one-source keyword
    with pytest.raises(NotFound) as e:
        export_directory(store, tmp_path / "x", sources=["red-c"])
    assert e.value.field == "source" and not (tmp_path / "x").exists()


def test_changed_since_is_exactly_what_the_reimport_changed(store, tmp_path):
    import_directory(store, workbook(tmp_path / "a.xlsx"), source="red")
    _age(store, "red")
    import_directory(store, workbook(tmp_path / "same.xlsx"), source="red")  # read again, nothing new
    assert export_directory(store, tmp_path / "none", changed_since="2021-01-01")["services"] == 0
    edited = [list(r) for r in ROWS]
    edited[0][2] = "(305) 555-0111"  # phone
    edited[1][7] = "Español, Mam"  # languages
    s = import_directory(store, workbook(tmp_path / "b.xlsx", rows=edited[:3]), source="red")  # the fourth row gone
    assert s["inactivated"] == 1
    out = export_directory(store, tmp_path / "delta", changed_since="2021-01-01")
    assert out["services"] == 3 and out["partial"] is True
    assert _exported(tmp_path / "delta") == {"Refugio La Esperanza": "active", "Centro Legal Inmigrante": "active",
                                              "Casa del Migrante Tijuana": "inactive"}
    assert partial_export(tmp_path / "delta")
    package = json.loads((tmp_path / "delta" / "datapackage.json").read_text())
    assert package["advocate"] == {"partial": True, "changed_since": "2021-01-01", "sources": []}


def test_a_partial_export_imports_without_inactivating_the_rest(store, tmp_path):
    import_directory(store, workbook(tmp_path / "a.xlsx"), source="red")
    export_directory(store, tmp_path / "full", sources=["red"])
    assert not partial_export(tmp_path / "full")
    import_directory(store, tmp_path / "full", source="team")
    _age(store, "red")
    edited = [list(r) for r in ROWS]
    edited[2][8] = "L-V 8-4"
    import_directory(store, workbook(tmp_path / "b.xlsx", rows=edited), source="red")
    for fmt in ("csv", "json"):
        folder = tmp_path / f"delta-{fmt}"
        assert export_directory(store, folder, fmt=fmt, sources=["red"], changed_since="2021-01-01")["services"] == 1
        assert partial_export(folder)
        s = import_directory(store, folder, source="team")
        assert s["partial_export"] is True and (s["updated"], s["inactivated"]) == (1, 0)
        active = store.conn.execute("SELECT count(*) FROM services WHERE source = 'team' AND status = 'active'")
        assert active.fetchone()[0] == 4
    hours = store.conn.execute("SELECT hours FROM services WHERE source = 'team' AND name = 'Clínica del Pueblo'")
    assert hours.fetchone()[0] == "L-V 8-4"


def test_parse_since():
    assert parse_since("2026-11-01") == "2026-11-01"
    assert parse_since("2026-11-01T10:00:00-06:00") == "2026-11-01T16:00:00+00:00"
    assert parse_since("2026-11-01T10:00") == "2026-11-01T10:00:00+00:00"
    for bad in ("yesterday", "2026-13-01", ""):
        with pytest.raises(InputError) as e:
            parse_since(bad)
        assert e.value.field == "changed_since"


def test_added_by_hand_counts_as_changed(store):
    from advocate.directory.manage import add_service

    row = add_service(store, name="Clínica", categories=["medical"], location="33128")
    changed = store.conn.execute("SELECT changed FROM services WHERE id = ?", (row["id"],)).fetchone()[0]
    assert changed and changed >= parse_since("2021-01-01")

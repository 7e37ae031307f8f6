"""Every bundled fact carries its own source, date, confidence and dialling scope (national.json, mexico.json,
consulates.csv), and no two national names collide without their country."""

from __future__ import annotations

from datetime import UTC

import pytest

from advocate.directory import bundled
from advocate.directory.vocab import categories

ALL_RECORDS = [*bundled.records("national.json"), *bundled.records("mexico.json"),
               *(bundled.consulate_record(r) for r in bundled.consulate_rows())]


def _ids(recs):
    return [r["id"] for r in recs]


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=_ids(ALL_RECORDS))
def test_every_record_is_complete(rec):
    assert bundled.record_problems(rec) == []


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=_ids(ALL_RECORDS))
def test_every_line_says_where_it_works_from(rec):
    for line in rec.get("lines", []):
        assert line["from"] and set(line["from"]) <= {"US", "MX"}, line


def test_ids_are_unique_and_prefixed():
    ids = _ids(ALL_RECORDS)
    assert len(ids) == len(set(ids))
    for rec in [*bundled.records("national.json"), *bundled.records("mexico.json")]:
        assert rec["id"].startswith(("us-", "mx-", "bi-")), rec["id"]


def test_national_names_say_their_country_and_never_collide():
    national = [r for r in ALL_RECORDS if r.get("scope", "national") == "national"]
    for key in ("name", "name_es"):
        names = [r[key].casefold() for r in national]
        assert len(names) == len(set(names)), key
    for rec in national:
        text = rec["name"] + " " + rec["name_es"]
        assert any(w in text for w in ("U.S.", "EE. UU.", "Mexico", "México", "Mexican")), rec["id"]


def test_categories_are_known():
    known = set(categories())
    for rec in ALL_RECORDS:
        assert set(rec["categories"]) <= known, rec["id"]


def test_law_enforcement_records_name_the_agency_and_sit_last():
    le = [r for r in ALL_RECORDS if r.get("law_enforcement")]
    assert le, "the HSI tip line is bundled as a law-enforcement record"
    for rec in le:
        assert rec["priority"] >= 90
        assert "law-enforcement" in rec["categories"]
    hsi = next(r for r in le if r["id"] == "us-ice-hsi-tipline")
    assert "ICE / Homeland Security Investigations" in hsi["caution"]


def test_trafficking_hotline_caution_says_who_may_hear_and_that_an_advocate_can_call_with_them():
    rec = next(r for r in ALL_RECORDS if r["id"] == "us-trafficking-hotline")
    assert "law enforcement" in rec["caution"] and "advocate can place the call" in rec["caution"]
    assert "policía" in rec["caution_es"] and "junto con" in rec["caution_es"]
    assert rec["priority"] == 10


def test_spanish_routes_of_988_and_crisis_text_line():
    by_id = {r["id"]: r for r in ALL_RECORDS}
    labels = [ln.get("label", "") for ln in by_id["us-988"]["lines"]]
    assert "press 2 for Spanish" in labels and "text AYUDA for Spanish" in labels
    ctl = by_id["us-crisis-text-line-es"]["lines"]
    assert ctl[0]["number"] == "741741" and "AYUDA" in ctl[0]["label"] and "HOLA" not in str(ctl)


def test_no_nashville_consulate():
    assert not [r for r in bundled.consulate_rows() if r["city"].strip() == "Nashville"]


def test_store_keeps_each_records_own_date(store):
    """last_verified is the record's source date (not the file's), so the stale flag can fire."""
    rows = dict(store.conn.execute(
        "SELECT source_id, last_verified FROM services WHERE source = 'advocate-bundled'").fetchall())
    for rec in bundled.records("national.json"):
        assert rows[rec["id"]] == rec["source_date"]
    lines = store.conn.execute("SELECT count(*) FROM service_lines WHERE dial_from = ''").fetchone()[0]
    assert lines == 0


def test_changed_files_reload_and_keep_a_later_verification(store, monkeypatch):
    from advocate.directory.manage import verify_service

    verify_service(store, "us-988")
    store.set_meta("bundled_digest", "old")
    assert bundled.refresh_if_changed(store) is True
    row = store.conn.execute("SELECT last_verified FROM services WHERE source_id = 'us-988'").fetchone()
    assert row[0] > "2025-09-12"
    assert bundled.refresh_if_changed(store) is False


def test_export_assured_date_is_the_records_source_date(store, tmp_path):
    import csv

    from advocate.directory.export import export_directory

    export_directory(store, tmp_path / "out", source="advocate-bundled")
    with open(tmp_path / "out" / "services.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["id"].split(":")[-1]: r for r in rows}
    for row in bundled.consulate_rows():
        rec = bundled.consulate_record(row)
        assert by_id[rec["id"]]["assured_date"] == rec["source_date"]


def test_reload_keeps_appointment_links_to_bundled_services(store):
    """A reload updates bundled records in place: an appointment at a consulate keeps its link; a record
    no longer shipped is removed the way `services remove` does it."""
    from datetime import datetime

    from advocate.appointments import log as lg
    from advocate.clients import create_client

    code = create_client(store)["code"]
    sid = "advocate-bundled:consulate-atlanta-ga"
    a = lg.log_appointment(store, client=code, when="2026-12-01 10:00", tz="America/New_York", type="consulate",
                           duration=60, service_id=sid, now=datetime(2026, 11, 29, tzinfo=UTC)).appointment
    with store.write():
        store.conn.execute("INSERT INTO services (id, name, source, source_id, scope) VALUES "
                           "('advocate-bundled:us-gone', 'Old line', 'advocate-bundled', 'us-gone', 'national')")
    gone = lg.log_appointment(store, client=code, when="2026-12-02 10:00", tz="America/New_York", type="other",
                              duration=30, service_id="advocate-bundled:us-gone",
                              now=datetime(2026, 11, 29, tzinfo=UTC)).appointment
    store.set_meta("bundled_digest", "old")
    assert bundled.refresh_if_changed(store)
    links = dict(store.conn.execute("SELECT id, service_id FROM appointments").fetchall())
    assert links[a["id"]] == sid
    assert links[gone["id"]] is None
    assert store.conn.execute("SELECT place FROM appointments WHERE id = ?", (gone["id"],)).fetchone()[0] == "Old line"
    # the spatial index still finds the consulate once (no duplicate points after the reload)
    n = store.conn.execute("SELECT count(*) FROM sal_rtree WHERE service_id = ?", (sid,)).fetchone()[0]
    assert n == 1


@pytest.mark.parametrize("rec", ALL_RECORDS, ids=_ids(ALL_RECORDS))
def test_every_line_label_in_words_has_its_spanish(rec):
    """The Wage and Hour line read "TTY 711 (relay)" in a Spanish table: a label in words needs its label_es. A
    vanity spelling ("1-800-799-SAFE") or a proper name ("CyberTipline") is the same in both languages."""
    import re

    for line in rec.get("lines", []):
        label = line.get("label") or ""
        if not label or re.fullmatch(r"[0-9A-Z+() .-]+", label) or label in {"CyberTipline"}:
            continue
        assert line.get("label_es"), (rec["id"], line)

"""The directory shipped with advocate: national and cross-border lines, Mexico's lines and agencies, and
the Mexican consulates in the U.S.

Files (all in ``data/``, record shape in docs/sources.md):

* ``national.json`` - U.S. and bi-national records (``services`` list);
* ``mexico.json`` - Mexican national lines and state agencies (same shape; optional);
* ``consulates.csv`` - one row per Mexican consulate in the U.S.

Every record carries its own citation (``source``, ``source_url``) and the date that source said it
(``source_date``); ``last_verified`` is that date, so the stale flag fires on old facts. Every phone or
text line says where it can be dialled from (``from``). The whole set is reloaded when the shipped files
change (a digest is kept in the store's meta table); user and imported records are never touched.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from advocate.data import data_file, read_csv, read_text
from advocate.store import Seed

if TYPE_CHECKING:
    from advocate.store import Store

SOURCE = "advocate-bundled"
DATA_FILES = ("national.json", "mexico.json", "consulates.csv")
LINE_KINDS = ("phone", "text", "whatsapp", "tty", "chat")
COUNTRIES = ("US", "MX")
CONFIDENCE = ("high", "medium", "low")
CIAM = "+1 520 623 7874"

# Survivor-first order of national rows (lower first). Records set ``priority`` from these bands.
PRIORITY_BANDS = {
    10: "trafficking hotline",
    20: "emergency, crisis and suicide lines",
    25: "domestic-violence and sexual-assault lines",
    30: "consular help",
    40: "children, youth and victims' agencies",
    50: "labor rights, legal help, benefits and government processes",
    60: "directories and referral lists",
    90: "law enforcement (never in a default lookup)",
}
DEFAULT_PRIORITY = 50


def _text(name: str) -> str | None:
    if not data_file(name).is_file():
        return None
    return read_text(name)


def digest() -> str:
    """A fingerprint of the shipped data files (missing files count as empty)."""
    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update(name.encode())
        h.update((_text(name) or "").encode())
    return h.hexdigest()[:16]


def records(name: str) -> list[dict]:
    """The ``services`` list of a bundled JSON file ([] when the file is not shipped)."""
    text = _text(name)
    if text is None:
        return []
    return list(json.loads(text).get("services", []))


def consulate_rows() -> list[dict]:
    """consulates.csv rows; the old two-column file (city,state) is still read, marked unverified."""
    if _text("consulates.csv") is None:
        return []
    return [dict(r) for r in read_csv("consulates.csv")]


def record_problems(rec: dict) -> list[str]:
    """What a bundled record lacks (empty when it is complete). Used by the loader's tests and by
    anyone editing the files."""
    out = []
    rid = rec.get("id") or "?"
    for key in ("id", "name", "name_es", "organization", "country", "source", "source_url", "source_date",
                "confidence", "categories", "priority"):
        if rec.get(key) in (None, "", []):
            out.append(f"{rid}: no {key}")
    if rec.get("confidence") not in CONFIDENCE:
        out.append(f"{rid}: confidence must be one of {', '.join(CONFIDENCE)}")
    if rec.get("confidence") != "high" and not (rec.get("caution") and rec.get("caution_es")):
        out.append(f"{rid}: a {rec.get('confidence')} record needs caution and caution_es")
    if rec.get("caution") and not rec.get("caution_es"):
        out.append(f"{rid}: caution without caution_es")
    if rec.get("law_enforcement") and not rec.get("caution"):
        out.append(f"{rid}: a law-enforcement record needs a caution naming the agency")
    if not _is_date(rec.get("source_date")):
        out.append(f"{rid}: source_date must be YYYY-MM-DD")
    scope = rec.get("scope", "national")
    if scope not in ("national", "local"):
        out.append(f"{rid}: scope must be national or local")
    if scope == "local" and not (rec.get("location") or {}).get("city"):
        out.append(f"{rid}: a local record needs location.city")
    for line in rec.get("lines", []):
        if line.get("kind") not in LINE_KINDS:
            out.append(f"{rid}: line kind {line.get('kind')!r} is not one of {', '.join(LINE_KINDS)}")
        if not line.get("number"):
            out.append(f"{rid}: a line without number")
        frm = line.get("from")
        if not frm or not isinstance(frm, list) or any(c not in COUNTRIES for c in frm):
            out.append(f"{rid}: line {line.get('number')} needs 'from' (a list of {', '.join(COUNTRIES)})")
        if line.get("source_date") and not _is_date(line["source_date"]):
            out.append(f"{rid}: line {line.get('number')} source_date must be YYYY-MM-DD")
        if line.get("confidence") and line["confidence"] not in CONFIDENCE:
            out.append(f"{rid}: line {line.get('number')} has an unknown confidence")
    if "for_minors" in rec and not isinstance(rec["for_minors"], bool):
        out.append(f"{rid}: for_minors must be true or false")
    if rec.get("for_minors") and not set(rec.get("categories") or ()) & {"youth", "child-protection"}:
        out.append(f"{rid}: a record for minors needs the youth or child-protection category (how it is asked for)")
    if "only_when_asked" in rec and not isinstance(rec["only_when_asked"], bool):
        out.append(f"{rid}: only_when_asked must be true or false")
    if rec.get("only_when_asked") and not rec.get("categories"):
        out.append(f"{rid}: a record shown only when asked needs categories (how it is asked for)")
    if not rec.get("lines") and not rec.get("url"):
        out.append(f"{rid}: neither a line nor a url: nothing to reach it by")
    return out


def _is_date(value) -> bool:
    from datetime import date

    try:
        date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return False
    return len(str(value)) == 10


def refresh_if_changed(store: Store, progress=None) -> bool:
    """Reload the bundled records when the shipped files differ from what the store holds."""
    if store.meta("bundled_digest") == digest():
        return False
    load_bundled(store, progress=progress)
    return True


def load_bundled(store: Store, progress=None) -> int:
    """(Re)load the bundled records; user and imported records are not touched. Returns the count.

    A bundled record that someone stamped with ``services verify`` after its source date keeps that date."""
    conn = store.conn
    with store.write():
        kept = dict(conn.execute(
            "SELECT source_id, last_verified FROM services WHERE source = ? AND last_verified IS NOT NULL "
            "AND (source_date IS NULL OR last_verified > source_date)", (SOURCE,)).fetchall()) \
            if _has_column(conn, "services", "source_date") else {}
        recs, seen = [], set()
        for name in ("mexico.json", "national.json"):  # a Mexican record in both files: mexico.json's wins
            for rec in records(name):
                if rec.get("id") not in seen:
                    seen.add(rec.get("id"))
                    recs.append(rec)
        for row in consulate_rows():
            if (row.get("city") or "").strip():
                rec = consulate_record(row)
                if rec["id"] not in seen:
                    seen.add(rec["id"])
                    recs.append(rec)
        # Records are updated in place, never deleted and re-inserted: appointments, referrals and releases
        # that name a bundled service keep their link. A record no longer shipped is removed the way
        # `services remove` does it (appointments keep its name as their place).
        gone = [r for r in conn.execute("SELECT id, name FROM services WHERE source = ?", (SOURCE,))
                if r[0].removeprefix(f"{SOURCE}:") not in seen]
        for sid, name in gone:
            conn.execute("UPDATE appointments SET place = coalesce(place, ?) WHERE service_id = ?", (name, sid))
            conn.execute("DELETE FROM services WHERE id = ?", (sid,))
        conn.execute("DELETE FROM locations WHERE source = ?", (SOURCE,))  # re-made below (links cascade)
        for rec in recs:
            _insert_record(conn, rec, kept, progress)
        conn.execute("DELETE FROM organizations WHERE source = ? AND id NOT IN "
                     "(SELECT organization_id FROM services WHERE organization_id IS NOT NULL)", (SOURCE,))
        n = len(recs)
        store.set_meta("bundled_digest", digest())
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'services_fts'").fetchone():
            from advocate.directory.fts import reindex

            reindex(store, source=SOURCE)
    return n


def _has_column(conn, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


def _first(lines: list[dict], kinds: tuple[str, ...], country: str) -> str | None:
    """The first line of these kinds that works from ``country`` (else any), for the plain phone column."""
    pick = [ln for ln in lines if ln["kind"] in kinds]
    here = [ln for ln in pick if country in ln.get("from", [])]
    chosen = next(iter(here or pick), None)
    if not chosen:
        return None
    return chosen["number"] if chosen["kind"] == "phone" else f'{chosen["kind"]}: {chosen["number"]}'


def _insert_record(conn, rec: dict, kept: dict, progress=None) -> None:
    sid = f"{SOURCE}:{rec['id']}"
    org_id = f"{SOURCE}:org:{rec['id']}"
    conn.execute("INSERT INTO organizations (id, name, source, source_id) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(id) DO UPDATE SET name = excluded.name", (org_id, rec["organization"], SOURCE,
                                                                      "org:" + rec["id"]))
    lines = rec.get("lines", [])
    country = rec.get("country") or "US"
    scope = rec.get("scope", "national")
    _insert_service(conn, {
        "id": sid, "organization_id": org_id, "name": rec["name"], "name_es": rec.get("name_es"),
        "description": rec.get("description"), "description_es": rec.get("description_es"),
        "url": rec.get("url"), "hours": rec.get("hours"),
        "phone": _first(lines, ("phone",), country),
        "text_line": _first(lines, ("text", "whatsapp", "chat", "tty"), country),
        "scope": scope, "country": country, "source": SOURCE, "source_id": rec["id"],
        "citation": rec.get("source"), "citation_url": rec.get("source_url"), "source_date": rec.get("source_date"),
        "last_verified": kept.get(rec["id"], rec.get("source_date")),
        "confidence": rec.get("confidence", "low"), "caution": rec.get("caution"),
        "caution_es": rec.get("caution_es"), "law_enforcement": 1 if rec.get("law_enforcement") else 0,
        "priority": rec.get("priority", DEFAULT_PRIORITY), "for_minors": 1 if rec.get("for_minors") else 0,
        "only_when_asked": 1 if rec.get("only_when_asked") else 0,
    }, rec.get("categories", []), rec.get("languages", []), rec.get("interpretation", []))
    _insert_lines(conn, sid, lines)
    if scope == "local" and rec.get("location"):
        _insert_location(conn, sid, org_id, rec["id"], rec["location"], progress)


def _insert_lines(conn, sid: str, lines: list[dict]) -> None:
    conn.executemany(
        """INSERT INTO service_lines (service_id, position, kind, number, dial_from, label, label_es, citation,
           citation_url, source_date, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
        [(sid, i, ln["kind"], ln["number"], ",".join(sorted(ln.get("from") or [])), ln.get("label"),
          ln.get("label_es"), ln.get("source"), ln.get("source_url"), ln.get("source_date"), ln.get("confidence"))
         for i, ln in enumerate(lines)])


def _resolve(query: str, progress=None):
    from advocate.errors import AdvocateError
    from advocate.geo.resolve import resolve_place

    try:
        return resolve_place(query, progress=progress)
    except AdvocateError:
        return None


def _insert_location(conn, sid: str, org_id: str, key: str, loc: dict, progress=None) -> bool:
    """A point for a local record: its postal code when the gazetteer knows it, else its city (approximate)."""
    place, approximate = None, True
    if loc.get("postal_code") and (loc.get("country") or "US") == "US":
        place = _resolve(loc["postal_code"], progress)
        approximate = place is None
    if place is None:
        place = _resolve(", ".join(x for x in (loc.get("city"), loc.get("region")) if x), progress)
    if place is None:
        return False
    lid = f"{SOURCE}:loc:{key}"
    conn.execute(
        """INSERT INTO locations (id, organization_id, name, address, city, region, postal_code, country, latitude,
           longitude, approximate, source, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (lid, org_id, loc.get("name"), loc.get("address") or None, loc.get("city"), loc.get("region"),
         loc.get("postal_code") or None, loc.get("country") or "US", place.latitude, place.longitude,
         1 if approximate else 0, SOURCE, "loc:" + key))
    conn.execute("INSERT INTO service_at_location (service_id, location_id) VALUES (?, ?)", (sid, lid))
    return True


def consulate_record(row: dict) -> dict:
    """A consulates.csv row in the record shape (the old city,state file gives a low-confidence record)."""
    city, state = row["city"].strip(), row["state"].strip()
    key = "consulate-" + "-".join(city.lower().split()) + "-" + state.lower()
    legacy = "name" not in row
    rec = {
        "id": key, "scope": "local", "country": "US", "priority": 30,
        "name": row.get("name") or f"Consulate of Mexico in {city}",
        "name_es": row.get("name_es") or f"Consulado de México en {city}",
        "organization": "Secretaría de Relaciones Exteriores (SRE) - Consulados de México",
        "description": ("Mexican consulate: consular protection (protection department), the women's-care desk "
                        "(VAIM) for survivors of violence, passports, matrícula consular, birth certificates."),
        "description_es": ("Consulado de México: protección consular, atención integral a la mujer (VAIM) para "
                           "personas que vivieron violencia, pasaportes, matrícula consular, actas de nacimiento."),
        "categories": ["consular", "victim-services"], "languages": ["spa", "eng"],
        "location": {"address": row.get("address") or "", "city": city, "region": state,
                     "postal_code": row.get("postal_code") or "", "country": "US",
                     "name": row.get("name_es") or f"Consulado de México en {city}"},
        "lines": [],
        "source": row.get("source") or "advocate's earlier city list of Mexican consulates (no source recorded)",
        "source_url": row.get("source_url") or "https://directorio.sre.gob.mx",
        "source_date": row.get("source_date") or "2026-11-20",
        "confidence": row.get("confidence") or "low",
    }
    if row.get("phone"):
        rec["lines"].append({"kind": "phone", "number": row["phone"], "from": ["US"]})
    rec["lines"].append({"kind": "phone", "number": CIAM, "from": ["US"],
                         "label": "CIAM (24/7) routes calls to this consulate",
                         "label_es": "CIAM (24 h) comunica con este consulado"})
    notes = (row.get("notes") or "").strip()
    if legacy:
        notes = ("City only, from an unsourced list: confirm that this consulate exists and its address with "
                 "CIAM (+1 520 623 7874, 24/7) before sending anyone.")
        rec["caution_es"] = ("Solo la ciudad, de una lista sin fuente: confirme con el CIAM (+1 520 623 7874, 24 h) "
                             "que este consulado existe y su dirección antes de enviar a alguien.")
    elif rec["confidence"] != "high" or notes:
        rec["caution_es"] = row.get("notes_es") or (
            "Dato de una sola fuente o con fecha: confirme la dirección y el teléfono con el CIAM "
            "(+1 520 623 7874, 24 h) o MiConsulado (+1 424 309 0009).")
    if notes:
        rec["caution"] = notes
    elif rec["confidence"] != "high":
        rec["caution"] = ("Confirm the address and phone with CIAM (+1 520 623 7874, 24/7) or MiConsulado "
                          "(+1 424 309 0009).")
    return rec


def _insert_service(conn, row: dict, cats, staff, interp) -> None:
    """Insert the service, or update it in place (its id, and every link to it, stays)."""
    sid = row["id"]
    if conn.execute("SELECT 1 FROM services WHERE id = ?", (sid,)).fetchone():
        sets = ", ".join(f"{c} = ?" for c in row if c != "id")
        conn.execute(f"UPDATE services SET {sets} WHERE id = ?", [v for c, v in row.items() if c != "id"] + [sid])
        for table in ("service_categories", "service_languages", "service_lines", "service_at_location"):
            conn.execute(f"DELETE FROM {table} WHERE service_id = ?", (sid,))
    else:
        cols = ", ".join(row)
        conn.execute(f"INSERT INTO services ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    conn.executemany("INSERT OR IGNORE INTO service_categories VALUES (?, ?)", [(sid, c) for c in cats])
    conn.executemany("INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'staff')", [(sid, c) for c in staff])
    conn.executemany("INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'interpretation')",
                     [(sid, c) for c in interp])


# what a new store is filled with, and refreshed from when the shipped files change (advocate.workspace)
SEED = Seed(load=load_bundled, refresh=refresh_if_changed)

"""Keep the directory up to date by hand: add, verify (stamp today), remove."""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING

from advocate.directory.fts import reindex
from advocate.directory.search import get_service
from advocate.directory.vocab import normalize_category, normalize_language
from advocate.errors import InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.directory.search import ServiceRow
    from advocate.store import Store

LOCAL_SOURCE = "local"


def add_service(store: Store, *, name: str, categories: list[str], location: str | None = None, phone: str | None = None,
                languages: list[str] | None = None, interpretation: list[str] | None = None,
                organization: str | None = None, address: str | None = None, url: str | None = None,
                description: str | None = None, hours: str | None = None, national: bool = False,
                country: str = "US", online: bool = False, source: str | None = None,
                confidence: str | None = None) -> ServiceRow:
    """A record typed in by hand rests on one person's word: confidence defaults to medium when a source is
    given and low otherwise, and the caution says it was added by hand (and from what)."""
    from advocate.directory.hsds import clean, clean_phone

    source = clean(source, limit=500)
    confidence = (confidence or ("medium" if source else "low")).strip().lower()
    if confidence not in ("high", "medium", "low"):
        raise InputError(_('"{value}" is not a confidence; use high, medium or low').format(value=confidence),
                         field="confidence")
    caution = "Added by hand" + (f"; source: {source}" if source else "; no source recorded") + "."
    caution_es = "Agregado a mano" + (f"; fuente: {source}" if source else "; sin fuente registrada") + "."
    cleaned_name = clean(name, limit=300)
    if not cleaned_name:
        raise InputError(_("a service needs a name"), field="name")
    cats = [normalize_category(c) for c in categories or []]
    if not cats:
        raise InputError(_("a service needs at least one category (see `advocate services categories`)"), field="category")
    staff = [normalize_language(x) for x in languages or []]
    interp = [normalize_language(x) for x in interpretation or []]
    name = cleaned_name
    place = None
    if not national:
        if not location:
            raise InputError(_('a local service needs a location (ZIP, "City, ST" or "lat,lon"), or to be marked national'),
                             field=("location", "national"))
        from advocate.geo.resolve import resolve_place

        place = resolve_place(location, online=online, store=store)
    from advocate.clock import now_utc

    sid = f"{LOCAL_SOURCE}:{secrets.token_hex(4)}"
    with store.write():
        org_id = None
        if organization:
            org_id = f"{LOCAL_SOURCE}:org:{secrets.token_hex(4)}"
            store.conn.execute("INSERT INTO organizations (id, name, source, source_id) VALUES (?, ?, ?, ?)",
                               (org_id, clean(organization, limit=300), LOCAL_SOURCE, org_id))
        store.conn.execute(
            """INSERT INTO services (id, organization_id, name, description, url, phone, hours, scope, country, status,
               source, source_id, last_verified, confidence, caution, caution_es, citation, source_date, changed)
               VALUES (?,?,?,?,?,?,?,?,?,'active',?,?,?,?,?,?,?,?,?)""",
            (sid, org_id, name, clean(description, multiline=True), clean(url), clean_phone(phone) if phone else None,
             clean(hours), "national" if national else "local", country, LOCAL_SOURCE, sid.split(":")[1],
             date.today().isoformat(), confidence, caution, caution_es, source, date.today().isoformat(), now_utc()))
        store.conn.executemany("INSERT INTO service_categories VALUES (?, ?)", [(sid, c) for c in dict.fromkeys(cats)])
        store.conn.executemany("INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'staff')", [(sid, c) for c in staff])
        store.conn.executemany("INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'interpretation')",
                               [(sid, c) for c in interp if c not in staff])
        if place:
            lid = f"{LOCAL_SOURCE}:loc:{sid.split(':')[1]}"
            store.conn.execute(
                """INSERT INTO locations (id, organization_id, name, address, city, region, postal_code, country, latitude,
                   longitude, approximate, source, source_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (lid, org_id, name, clean(address), place.label.split(",")[0] if place.kind != "coordinates" else None,
                 place.region or None, location.strip() if location and place.kind == "zip" else None, place.country or country,
                 place.latitude, place.longitude, 1 if place.approximate else 0, LOCAL_SOURCE, lid))
            store.conn.execute("INSERT INTO service_at_location (service_id, location_id) VALUES (?, ?)", (sid, lid))
        reindex(store, ids=[sid])
        store.audit("create", "services", sid)
    return get_service(store, sid)


def verify_service(store: Store, service_id: str, on: date | None = None) -> ServiceRow:
    sid = get_service(store, service_id)["id"]
    with store.write():
        store.conn.execute("UPDATE services SET last_verified = ? WHERE id = ?", ((on or date.today()).isoformat(), sid))
        store.audit("verify", "services", sid)
    return get_service(store, sid)


def remove_service(store: Store, service_id: str) -> ServiceRow:
    row = get_service(store, service_id)
    with store.write():
        # appointments that named the service keep its name as their place (the link itself goes)
        store.conn.execute("UPDATE appointments SET place = coalesce(place, ?) WHERE service_id = ?",
                           (row["name"], row["id"]))
        store.conn.execute("DELETE FROM services WHERE id = ?", (row["id"],))
        store.conn.execute("DELETE FROM locations WHERE id NOT IN (SELECT location_id FROM service_at_location)"
                           " AND source = ?", (row["source"],))
        store.audit("delete", "services", row["id"])
    return row

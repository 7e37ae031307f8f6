"""Export the directory as an HSDS 3.0 CSV datapackage (or HSDS 3.0 JSON service objects).

Categories travel as HSDS attributes pointing at taxonomy terms of the "advocate-categories"
taxonomy, whose ``code`` is our category id, so an export imports back to the same services.

Identity travels too: beside the HSDS fields, each service, organization and location carries
``advocate_source`` and ``advocate_source_id`` (the directory it came from and its id there), and a
service the fields HSDS has no place for (notes, confidence, caution, Spanish name...), all prefixed
``advocate_``. Other HSDS readers ignore extra columns; our import uses them to give back exactly the
same ids and fields, so an office that imports another office's export prints the same ids.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from advocate.directory.search import fetch_services
from advocate.errors import AdvocateError, InputError, NotFound
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

TAXONOMY_ID = "advocate-categories"
IDENTITY = ["advocate_source", "advocate_source_id"]
# service fields HSDS has no column for: exported so that our own import restores them
SERVICE_EXTRAS = ["notes", "confidence", "caution", "name_es", "description_es", "caution_es", "citation",
                  "citation_url", "source_date", "text_line", "priority", "law_enforcement", "country",
                  "last_verified"]
TABLES = {
    "organizations": ["id", "name", "description", "email", "url", *IDENTITY],
    "services": ["id", "organization_id", "name", "description", "url", "email", "status", "interpretation_services",
                 "fees_description", "eligibility_description", "application_process", "assured_date", "last_modified",
                 *IDENTITY,
                 *(f"advocate_{c}" for c in SERVICE_EXTRAS)],
    "locations": ["id", "location_type", "organization_id", "name", "latitude", "longitude", "transportation", *IDENTITY,
                  "advocate_approximate"],
    "service_at_location": ["id", "service_id", "location_id"],
    "addresses": ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    "phones": ["id", "service_id", "number", "type"],
    "languages": ["id", "service_id", "name", "code", "note"],
    "schedules": ["id", "service_id", "description"],
    "required_documents": ["id", "service_id", "document"],
    "taxonomies": ["id", "name", "description", "uri", "version"],
    "taxonomy_terms": ["id", "code", "name", "description", "taxonomy", "taxonomy_id", "language"],
    "attributes": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
}


def parse_since(text: str) -> str:
    """A date or date-time (ISO 8601; no zone means UTC) as the UTC text ``services.changed`` is compared with."""
    from datetime import UTC, date, datetime

    value = str(text or "").strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(_('"{text}" is not a date; use YYYY-MM-DD (or an ISO date and time)').format(text=text),
                         field="changed_since") from None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.isoformat(timespec="seconds")


def _check_sources(store: Store, sources: list[str]) -> None:
    import difflib

    known = {r[0] for r in store.conn.execute("SELECT DISTINCT source FROM services WHERE scope = 'local'")}
    for name in sources:
        if name not in known:
            raise NotFound(_('no local services come from a source named "{name}" (see `advocate services sources`)')
                           .format(name=name), suggestions=difflib.get_close_matches(name, sorted(known), n=3),
                           field="source")


def _rows(store: Store, *, sources: list[str] | None, include_inactive: bool,
          changed_since: str | None = None) -> dict[str, list[dict]]:
    from advocate.directory.vocab import categories, languages

    where, params = ["s.scope = 'local'"], []
    if sources:
        where.append(f"s.source IN ({','.join('?' * len(sources))})")
        params.extend(sources)
    if changed_since:  # what changed, inactivations included: a colleague's import learns of those too
        where.append("s.changed >= ?")
        params.append(changed_since)
    elif not include_inactive:
        where.append("s.status = 'active'")
    ids = [r[0] for r in store.conn.execute(f"SELECT s.id FROM services s WHERE {' AND '.join(where)} ORDER BY s.id", params)]
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    out["taxonomies"].append({"id": TAXONOMY_ID, "name": "advocate categories",
                              "description": "The category vocabulary of the advocate toolkit",
                              "uri": "https://example.invalid/advocate/categories", "version": "1"})
    for cid, c in categories().items():
        out["taxonomy_terms"].append({"id": f"{TAXONOMY_ID}:{cid}", "code": cid, "name": c["label_en"],
                                      "description": c["description_en"], "taxonomy": "advocate",
                                      "taxonomy_id": TAXONOMY_ID, "language": "en"})
    seen_orgs, seen_locs = set(), set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        extra = {r[0]: r[1:] for r in store.conn.execute(
            f"SELECT id, organization_id, description, email, eligibility, fees, hours, status, source, source_id, "
            f"application_process, required_documents, "
            f"{', '.join(SERVICE_EXTRAS)} FROM services WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        for row in fetch_services(store, chunk, stale_months=12 * 1000):
            sid = row["id"]
            org_id, desc, email, elig, fees, hours, status, source, source_id, applying, papers, *kept = extra[sid]
            if org_id and org_id not in seen_orgs:
                seen_orgs.add(org_id)
                o = store.conn.execute("SELECT name, description, email, url, source, source_id FROM organizations"
                                       " WHERE id = ?", (org_id,)).fetchone()
                if o:
                    out["organizations"].append({"id": org_id, "name": o[0], "description": o[1], "email": o[2],
                                                 "url": o[3], "advocate_source": o[4], "advocate_source_id": o[5]})
            interp = [c for c in row["interpretation"]]
            out["services"].append({
                "id": sid, "organization_id": org_id if org_id in seen_orgs else "", "name": row["name"],
                "description": desc, "url": row["url"], "email": email, "status": status,
                "interpretation_services": ", ".join("any language" if c == "mul" else (languages().get(c, {}).get("name_en") or c)
                                                     for c in interp),
                "fees_description": fees, "eligibility_description": elig, "application_process": applying,
                "assured_date": row["last_verified"],
                "last_modified": row["last_verified"], "advocate_source": source, "advocate_source_id": source_id,
                **{f"advocate_{c}": v for c, v in zip(SERVICE_EXTRAS, kept, strict=True)}})
            for (lid, lat, lon, name, address, city, region, postal, country, approx, lsource, lsource_id,
                 directions) in store.conn.execute(
                    """SELECT l.id, l.latitude, l.longitude, l.name, l.address, l.city, l.region, l.postal_code, l.country,
                              l.approximate, l.source, l.source_id, l.transportation
                       FROM service_at_location sal JOIN locations l ON l.id = sal.location_id WHERE sal.service_id = ?
                       ORDER BY sal.id""",
                    (sid,)):
                if lid not in seen_locs:
                    seen_locs.add(lid)
                    out["locations"].append({"id": lid, "location_type": "physical", "organization_id": org_id or "",
                                             "name": name, "latitude": lat, "longitude": lon, "transportation": directions,
                                             "advocate_source": lsource, "advocate_source_id": lsource_id,
                                             "advocate_approximate": 1 if approx else 0})
                    if address or city or postal:
                        out["addresses"].append({"id": f"{lid}:address", "location_id": lid, "address_1": address,
                                                 "city": city, "state_province": region, "postal_code": postal,
                                                 "country": country, "address_type": "physical"})
                out["service_at_location"].append({"id": f"{sid}@{lid}", "service_id": sid, "location_id": lid})
            for n, phone in enumerate(p.strip() for p in (row["phone"] or "").split(";") if p.strip()):
                out["phones"].append({"id": f"{sid}:phone:{n}", "service_id": sid, "number": phone, "type": "voice"})
            for code in row["languages"]:
                lang = languages().get(code, {})
                # HSDS language.code is ISO 639 only: a group of our own (Mixtec, variant not recorded) has none,
                # so it travels by name with a note, and importing the name gives the group back
                iso = "" if lang.get("scope") == "group" else (lang.get("iso639_1") or code)
                note = "spoken by staff" if iso else "spoken by staff; no ISO 639 code for the group: variant not recorded"
                out["languages"].append({"id": f"{sid}:lang:{code}", "service_id": sid, "name": lang.get("name_en") or code,
                                         "code": iso, "note": note})
            if hours:
                out["schedules"].append({"id": f"{sid}:hours", "service_id": sid, "description": hours})
            for n, paper in enumerate(p for p in (papers or "").split("; ") if p):
                out["required_documents"].append({"id": f"{sid}:doc:{n}", "service_id": sid, "document": paper})
            why = dict(((c, f"{b}: {r}") for c, b, r in store.conn.execute(
                "SELECT category, basis, reason FROM category_evidence WHERE service_id = ?", (sid,))))
            for cat in row["categories"]:
                out["attributes"].append({"id": f"{sid}:cat:{cat}", "link_id": sid,
                                          "taxonomy_term_id": f"{TAXONOMY_ID}:{cat}", "link_type": "service",
                                          "link_entity": "service", "value": why.get(cat, "")})
    return out


def export_directory(store: Store, dest, *, fmt: str = "csv", source: str | None = None, include_inactive: bool = False,
                     force: bool = False, confirm=None, sources: list[str] | None = None,
                     changed_since: str | None = None) -> dict:
    """Write the export into the folder ``dest`` (created 0700). Every file is checked by the output gateway
    before the first is written: an existing export is replaced only with ``force`` (or ``confirm``).

    ``sources`` (or one ``source``) keeps the services of those sources; ``changed_since`` (a date or ISO
    date-time) keeps the services whose content changed since then, inactive ones included, and marks the
    export partial, so importing it updates those services and marks nothing else inactive."""
    from advocate.files import output_path, private_folder, write_private

    wanted = list(dict.fromkeys([*([source] if source else []), *(sources or [])]))
    if wanted:
        _check_sources(store, wanted)
    since = parse_since(changed_since) if changed_since else None
    partial = {"partial": True, "changed_since": since, "sources": wanted} if since else None

    dest = Path(dest).expanduser()
    if dest.exists() and not dest.is_dir():
        raise AdvocateError(_("{dest} is a file; give a folder for the export").format(dest=dest))
    names = ["services.json"] if fmt == "json" else [f"{t}.csv" for t in TABLES] + ["datapackage.json"]
    if dest.is_dir():
        existing = [dest / n for n in names if (dest / n).exists() or (dest / n).is_symlink()]
        agreed = force or bool(existing and confirm is not None and confirm(existing[0]))
        for n in names:
            output_path(dest / n, force=agreed)
        force = agreed
    else:
        output_path(dest / names[0], make_parents=True)
    dest = private_folder(dest)
    tables = _rows(store, sources=wanted or None, include_inactive=include_inactive, changed_since=since)
    if fmt == "json":
        services = _as_json(tables)
        doc: object = {"advocate": partial, "contents": services} if partial else services  # an HSDS page, marked
        write_private(dest / "services.json", json.dumps(doc, ensure_ascii=False, indent=1, default=str),
                      force=force)
        return {"folder": str(dest), "format": "json", "services": len(services), "partial": bool(partial)}
    resources = []
    for table, cols in TABLES.items():
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        for r in tables[table]:
            w.writerow({k: guard_cell(r.get(k)) if isinstance(r.get(k), str) else ("" if r.get(k) is None else r.get(k))
                        for k in cols})
        write_private(dest / f"{table}.csv", buf.getvalue(), force=force)
        resources.append({"name": table, "path": f"{table}.csv", "profile": "tabular-data-resource",
                          "schema": {"fields": [{"name": c, "type": "string"} for c in cols]}})
    package: dict[str, object] = {"name": "advocate-export", "title": "Services exported by advocate", "profile": "tabular-data-package",
               "version": "3.0.0", "resources": resources,
               # a cell a spreadsheet would run as a formula starts with one added apostrophe; import takes it off
               "advocate_formula_guard": "apostrophe"}
    if partial:
        package["advocate"] = partial
    write_private(dest / "datapackage.json", json.dumps(package, indent=1), force=force)
    return {"folder": str(dest), "format": "csv", "services": len(tables["services"]),
            "locations": len(tables["locations"]), "organizations": len(tables["organizations"]),
            "partial": bool(partial)}


def partial_export(path) -> bool:
    """True for an advocate export of only what changed (``--changed-since``): importing it must not mark the
    services it leaves out inactive."""
    import re

    path = Path(path).expanduser()
    candidates = [path / "datapackage.json", path / "services.json"] if path.is_dir() else [path]
    for f in candidates:
        if f.suffix.lower() != ".json" or not f.is_file():
            continue
        try:
            with open(f, encoding="utf-8", errors="replace") as fh:
                head = fh.read(1 << 16)
        except OSError:
            continue
        if f.name == "datapackage.json":
            try:
                marker = json.loads(head).get("advocate") if len(head) < (1 << 16) else None
            except (ValueError, AttributeError):
                marker = None
        else:
            m = re.match(r'\s*\{\s*"advocate"\s*:\s*(\{[^{}]*\})', head)
            try:
                marker = json.loads(m.group(1)) if m else None
            except ValueError:
                marker = None
        if isinstance(marker, dict) and marker.get("partial") is True:
            return True
    return False


_GUARDED = re.compile(r"'+[=+\-@\t\r\n|%]")


def guard_cell(value):
    """The export's formula guard, made reversible: a cell a spreadsheet would run as a formula gets one
    apostrophe in front (as :func:`advocate.formats.neutralize` does), and so does a cell that already starts
    with apostrophes before a formula character, so :func:`unguard_cell` gives back exactly what was stored."""
    from advocate.formats import neutralize

    if value.startswith("'") and _GUARDED.match(value):
        return "'" + value
    return neutralize(value)


def unguard_cell(value: str) -> str:
    """Undo :func:`guard_cell` (for a file advocate exported)."""
    return value[1:] if value.startswith("'") and _GUARDED.match(value) else value


def _as_json(t: dict[str, list[dict]]) -> list[dict]:
    by = lambda table, key: {r[key]: r for r in t[table]}  # noqa: E731
    orgs, locs = by("organizations", "id"), by("locations", "id")
    addr = {r["location_id"]: r for r in t["addresses"]}
    terms = by("taxonomy_terms", "id")
    out = []
    for s in t["services"]:
        sid = s["id"]
        svc = dict(s)
        if s.get("organization_id") in orgs:
            svc["organization"] = orgs[s["organization_id"]]
        svc["phones"] = [p for p in t["phones"] if p["service_id"] == sid]
        svc["languages"] = [x for x in t["languages"] if x["service_id"] == sid]
        svc["schedules"] = [x for x in t["schedules"] if x["service_id"] == sid]
        svc["required_documents"] = [x for x in t["required_documents"] if x["service_id"] == sid]
        svc["attributes"] = [{**a, "taxonomy_term": terms[a["taxonomy_term_id"]]} for a in t["attributes"] if a["link_id"] == sid]
        svc["service_at_locations"] = [
            {"id": x["id"], "location": {**locs[x["location_id"]], "addresses": [addr[x["location_id"]]] if x["location_id"] in addr else []}}
            for x in t["service_at_location"] if x["service_id"] == sid]
        out.append(svc)
    return out

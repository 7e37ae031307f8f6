"""Read Open Referral exports as plain tables, whatever their layout.

Accepts a folder, a .zip or a datapackage.json; finds the CSVs wherever they sit (a datapackage
whose resource paths do not match the files is common), or reads HSDS 3.x JSON (service objects,
single or paged). Returns table name -> list of row dicts with normalised header names, and the
layout detected from the tables themselves: ``hsds-3``, ``hsds-1/2`` or ``ohana``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

from advocate.errors import AdvocateError, InputError

# alias -> canonical table name
TABLE_ALIASES = {
    "services": "services", "organizations": "organizations", "organisations": "organizations",
    "locations": "locations", "service_at_location": "service_at_location",
    "services_at_location": "service_at_location", "service_at_locations": "service_at_location",
    "physical_addresses": "addresses", "physical_address": "addresses", "addresses": "addresses",
    "postal_addresses": "postal_addresses", "mail_addresses": "postal_addresses", "phones": "phones",
    "languages": "languages", "regular_schedules": "schedules", "schedules": "schedules",
    "holiday_schedules": "holiday_schedules", "services_taxonomy": "service_taxonomy",
    "service_taxonomy": "service_taxonomy", "taxonomy": "taxonomy", "taxonomy_terms": "taxonomy_terms",
    "attributes": "attributes", "eligibility": "eligibility", "contacts": "contacts", "metadata": "metadata",
}
MAX_FIELD = 10 * 1024 * 1024


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _rows(text: str) -> list[dict]:
    csv.field_size_limit(min(sys.maxsize, MAX_FIELD))
    text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return []
    except csv.Error as exc:
        raise AdvocateError(f"a CSV file could not be read ({exc})") from None
    names = [h.strip().lstrip("\ufeff").strip('"').lower() for h in header]
    rows = []
    try:
        for rec in reader:
            if not any(cell.strip() for cell in rec):
                continue
            rows.append({names[i]: rec[i] for i in range(min(len(names), len(rec)))})
    except csv.Error as exc:
        raise AdvocateError(f"a CSV file is malformed near line {reader.line_num} ({exc})") from None
    return rows


def read_tables(path: str | Path) -> tuple[dict[str, list[dict]], str, str]:
    """(tables, layout, default source name) for a folder, .zip or datapackage.json."""
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(f"there is nothing at {path}; give a folder, a .zip or a datapackage.json")
    name = path.stem if path.is_file() else path.name
    if path.is_file() and path.name == "datapackage.json":
        name = path.parent.name
    if name.lower() in ("csv", "data", "json", "export", "datapackage", "service_full", "service_list") and path.parent.name:
        name = (path.parent if path.is_dir() or path.name != "datapackage.json" else path.parent.parent).name
    files: dict[str, bytes] = {}
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_file() and f.suffix.lower() in (".csv", ".json"):
                files[str(f.relative_to(path))] = f.read_bytes()
    elif zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    if not info.is_dir() and info.filename.lower().endswith((".csv", ".json")):
                        if info.file_size > 512 * 1024 * 1024:
                            raise InputError(f"{info.filename} in {path} is larger than 512 MB")
                        files[info.filename] = z.read(info)
        except zipfile.BadZipFile as exc:
            raise InputError(f"{path} is not a readable zip file ({exc})") from None
    elif path.suffix.lower() == ".json" and path.name != "datapackage.json":
        files[path.name] = path.read_bytes()
    elif path.name == "datapackage.json":
        for f in sorted(path.parent.rglob("*")):
            if f.is_file() and f.suffix.lower() in (".csv", ".json"):
                files[str(f.relative_to(path.parent))] = f.read_bytes()
    elif path.suffix.lower() == ".csv":
        for f in sorted(path.parent.glob("*.csv")):
            files[f.name] = f.read_bytes()
    else:
        raise InputError(f"{path} is not a folder, a .zip, a .json or a datapackage.json")
    tables: dict[str, list[dict]] = {}
    json_docs = []
    for rel, raw in files.items():
        base = Path(rel).name.lower()
        stem = base.rsplit(".", 1)[0]
        if base.endswith(".csv"):
            canon = TABLE_ALIASES.get(stem)
            if canon and canon not in tables:  # the first one found wins (data/ before nested copies)
                tables[canon] = _rows(_decode(raw))
        elif base != "datapackage.json" and not base.startswith(("openapi", "schema")):
            try:
                json_docs.append(json.loads(_decode(raw)))
            except json.JSONDecodeError:
                continue
    if not tables.get("services") and json_docs:
        tables = _tables_from_json(json_docs)
    if not tables.get("services"):
        raise InputError(f"no services table was found in {path}; expected services.csv (HSDS or Ohana) or HSDS 3 JSON")
    return tables, detect_layout(tables), name


def detect_layout(tables: dict[str, list[dict]]) -> str:
    svc_cols = set(tables["services"][0]) if tables["services"] else set()
    loc_cols = set(tables.get("locations", [{}])[0]) if tables.get("locations") else set()
    if "location_id" in svc_cols and "service_at_location" not in tables and ("languages" in loc_cols or "virtual" in loc_cols
                                                                              or "taxonomy_ids" in svc_cols):
        return "ohana"
    if {"attributes", "taxonomy_terms"} & set(tables) or "assured_date" in svc_cols or "location_type" in loc_cols:
        return "hsds-3"
    return "hsds-1/2"


def _service_objects(doc):
    if isinstance(doc, list):
        for d in doc:
            yield from _service_objects(d)
    elif isinstance(doc, dict):
        if "contents" in doc and isinstance(doc["contents"], list):
            yield from _service_objects(doc["contents"])
        elif "service" in doc and isinstance(doc["service"], dict) and "location" in doc:  # service_at_location_full
            svc = dict(doc["service"])
            svc.setdefault("service_at_locations", [{"id": doc.get("id"), "location": doc["location"]}])
            yield svc
        elif doc.get("name") and ("service_at_locations" in doc or "organization" in doc) and "services" not in doc:
            yield doc
        elif "services" in doc and isinstance(doc["services"], list):  # organization_full
            org = {k: v for k, v in doc.items() if k != "services"}
            for s in doc["services"]:
                s = dict(s)
                s.setdefault("organization", org)
                yield s


def _tables_from_json(docs) -> dict[str, list[dict]]:
    """Flatten HSDS 3 service objects into the same tables the CSV layout has."""
    t: dict[str, list[dict]] = {k: [] for k in ("services", "organizations", "locations", "service_at_location",
                                                "addresses", "phones", "languages", "schedules", "attributes",
                                                "taxonomy_terms")}
    seen_org, seen_loc = set(), set()

    def scalars(d):
        return {k: ("" if v is None else str(v)) for k, v in d.items() if not isinstance(v, (dict, list))}

    for doc in docs:
        for svc in _service_objects(doc):
            row = scalars(svc)
            org = svc.get("organization") or {}
            if isinstance(org, dict) and org.get("id"):
                row["organization_id"] = str(org["id"])
                if org["id"] not in seen_org:
                    seen_org.add(org["id"])
                    t["organizations"].append(scalars(org))
            t["services"].append(row)
            sid = row.get("id", "")
            for ph in svc.get("phones") or []:
                t["phones"].append({**scalars(ph), "service_id": sid})
            for lang in svc.get("languages") or []:
                t["languages"].append({**scalars(lang), "service_id": sid})
            for sch in svc.get("schedules") or []:
                t["schedules"].append({**scalars(sch), "service_id": sid})
            for attr in svc.get("attributes") or []:
                term = attr.get("taxonomy_term") or {}
                t["attributes"].append({**scalars(attr), "link_id": sid, "link_type": "service",
                                        "taxonomy_term_id": str(term.get("id") or attr.get("taxonomy_term_id") or "")})
                if term:
                    t["taxonomy_terms"].append(scalars(term))
            for sal in svc.get("service_at_locations") or []:
                loc = sal.get("location") or {}
                lid = str(loc.get("id") or sal.get("location_id") or "")
                t["service_at_location"].append({"id": str(sal.get("id") or ""), "service_id": sid, "location_id": lid})
                if loc and lid not in seen_loc:
                    seen_loc.add(lid)
                    t["locations"].append(scalars(loc))
                    for addr in loc.get("addresses") or []:
                        t["addresses"].append({**scalars(addr), "location_id": lid})
                    for ph in loc.get("phones") or []:
                        t["phones"].append({**scalars(ph), "location_id": lid})
    return {k: v for k, v in t.items() if v}

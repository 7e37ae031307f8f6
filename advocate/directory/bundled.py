"""Load the bundled national resources and the Mexican consular network into a store."""

from __future__ import annotations

from advocate.data import read_csv, read_json

SOURCE = "advocate-bundled"
CIAM_PHONE = "+1 520 623 7874 (CIAM)"


def load_bundled(store, progress=None) -> int:
    """(Re)load the bundled records; user and imported records are not touched. Returns the count."""
    from advocate.geo.resolve import resolve_place

    doc = read_json("national.json")
    verified = doc["last_verified"]
    conn = store.conn
    with store.write():
        conn.execute("DELETE FROM services WHERE source = ?", (SOURCE,))
        conn.execute("DELETE FROM locations WHERE source = ?", (SOURCE,))
        conn.execute("DELETE FROM organizations WHERE source = ?", (SOURCE,))
        n = 0
        for svc in doc["services"]:
            org_id = f"{SOURCE}:org:{svc['id']}"
            conn.execute(
                "INSERT INTO organizations (id, name, source, source_id) VALUES (?, ?, ?, ?)",
                (org_id, svc["organization"], SOURCE, "org:" + svc["id"]),
            )
            _insert_service(conn, {
                "id": f"{SOURCE}:{svc['id']}", "organization_id": org_id, "name": svc["name"],
                "description": svc.get("description"), "url": svc.get("url"), "phone": svc.get("phone"),
                "text_line": svc.get("text_line"), "scope": "national", "country": svc["country"],
                "source": SOURCE, "source_id": svc["id"], "last_verified": verified,
                "confidence": svc["confidence"], "caution": svc.get("caution"),
            }, svc["categories"], svc.get("languages", []), svc.get("interpretation", []))
            n += 1
        sre = f"{SOURCE}:org:sre"
        conn.execute(
            "INSERT INTO organizations (id, name, url, source, source_id) VALUES (?, ?, ?, ?, ?)",
            (sre, "Secretaría de Relaciones Exteriores (SRE) - Consulados de México", "https://www.gob.mx/sre",
             SOURCE, "org:sre"),
        )
        for row in read_csv("consulates.csv"):
            place = resolve_place(f"{row['city']}, {row['state']}", progress=progress)
            key = "consulate-" + row["city"].lower().replace(" ", "-") + "-" + row["state"].lower()
            sid = f"{SOURCE}:{key}"
            _insert_service(conn, {
                "id": sid, "organization_id": sre, "name": f"Consulate of Mexico in {row['city']}",
                "description": ("Consulado de México: protección consular (protection department), Ventanilla/"
                                "Política de Atención Integral a la Mujer (VAIM) for survivors of violence, "
                                "passports, matrícula consular, birth certificates."),
                "phone": CIAM_PHONE, "scope": "local", "country": "US", "source": SOURCE, "source_id": key,
                "last_verified": verified, "confidence": "medium",
                "caution": ("City-level location only; no local phone bundled. CIAM (24/7) connects callers to this "
                            "consulate's protection department; confirm the address and hours."),
            }, ["consular", "victim-services"], ["spa", "eng"], [])
            lid = f"{SOURCE}:loc:{key}"
            conn.execute(
                """INSERT INTO locations (id, organization_id, name, city, region, country, latitude, longitude,
                   approximate, source, source_id) VALUES (?, ?, ?, ?, ?, 'US', ?, ?, 1, ?, ?)""",
                (lid, sre, f"Consulado de México en {row['city']}", row["city"], row["state"], place.latitude,
                 place.longitude, SOURCE, "loc:" + key),
            )
            conn.execute("INSERT INTO service_at_location (service_id, location_id) VALUES (?, ?)", (sid, lid))
            n += 1
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'services_fts'").fetchone():
            from advocate.directory.fts import reindex

            reindex(store, source=SOURCE)
    return n


def _insert_service(conn, row: dict, cats, staff, interp) -> None:
    cols = ", ".join(row)
    conn.execute(f"INSERT INTO services ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    conn.executemany("INSERT OR IGNORE INTO service_categories VALUES (?, ?)", [(row["id"], c) for c in cats])
    conn.executemany("INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'staff')", [(row["id"], c) for c in staff])
    conn.executemany("INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'interpretation')",
                     [(row["id"], c) for c in interp])

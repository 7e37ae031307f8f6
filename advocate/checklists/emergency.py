"""The emergency numbers to show when a checklist answer says someone needs emergency care now.

Only numbers that can be dialled where the person is: the country's general emergency number, then
the national crisis lines of that country from the directory (law-enforcement lines are never offered
unasked). With no country known, the general number of each country we know, each labelled.
"""

from __future__ import annotations

# country -> (number, source, date the source said it)
GENERAL_EMERGENCY = {
    "US": ("911", "FCC, 911 and E911 services (fcc.gov/general/9-1-1-and-e9-1-1-services)", "2024"),
    "CA": ("911", "CRTC, 9-1-1 service (crtc.gc.ca)", "2024"),
    "MX": ("911", "gob.mx, Policía Federal: 911, número único nacional de emergencias (in service nationwide "
                  "since 9 January 2017)", "2017-01-09"),
}


def _works_from(row: dict, country: str) -> bool:
    """Whether a national row can be dialled from ``country``: its own dialling scope when the directory
    records one, else the country it belongs to."""
    for key in ("works_from", "dial_from", "callable_from"):
        scope = row.get(key)
        if scope:
            scope = [scope] if isinstance(scope, str) else list(scope)
            return country in scope or "*" in scope
    return (row.get("country") or "") == country


def emergency_lines(store, country: str = "") -> list[dict]:
    """Rows of {kind, name, phone, text_line, country, source}: the general emergency number first
    (kind "general", no name), then the crisis lines (kind "crisis")."""
    from advocate.directory.search import Filters, national_services

    out = []
    countries = [country] if country else list(GENERAL_EMERGENCY)
    for c in countries:
        if c in GENERAL_EMERGENCY:
            number, source, when = GENERAL_EMERGENCY[c]
            out.append({"kind": "general", "name": "", "phone": number, "text_line": None, "country": c,
                        "source": f"{source}, {when}"})
    if store is None:
        return out
    rows = national_services(store, Filters(categories=["crisis"]), country_first=country)
    for row in rows:
        if row.get("law_enforcement") or "law-enforcement" in (row.get("categories") or []):
            continue
        phone, text_line = row.get("phone"), row.get("text_line")
        if row.get("lines"):  # per-line dialling scope, when the directory records it
            usable = [ln for ln in row["lines"] if not country or country in (ln.get("from") or [])]
            if not usable:
                continue
            phone = "; ".join(f'{ln["number"]} ({ln["kind"]})' if ln.get("kind") not in (None, "phone")
                              else ln["number"] for ln in usable if ln.get("number"))
            text_line = None
        elif country and not _works_from(row, country):
            continue
        if not (phone or text_line):
            continue
        out.append({"kind": "crisis", "name": row["name"], "phone": phone, "text_line": text_line,
                    "country": row.get("country") or "", "source": row.get("source") or ""})
    return out

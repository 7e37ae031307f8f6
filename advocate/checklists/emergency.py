"""The emergency numbers to show when a checklist answer says someone needs emergency care now.

Only numbers that can be dialled where the person is: the country's general emergency number, then
the national crisis lines of that country from the directory (law-enforcement lines are never offered
unasked). With no country known, the general number of each country we know, each labelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocate.store import Store

# country -> (number, source, date the source said it)
GENERAL_EMERGENCY = {
    "US": ("911", "FCC, 911 and E911 services (fcc.gov/general/9-1-1-and-e9-1-1-services)", "2024"),
    "CA": ("911", "CRTC, 9-1-1 service (crtc.gc.ca)", "2024"),
    "MX": ("911", "gob.mx, Policía Federal: 911, número único nacional de emergencias (in service nationwide "
                  "since 9 January 2017)", "2017-01-09"),
}


def emergency_lines(store: Store, country: str = "") -> list[dict]:
    """Rows of {kind, name, phone, text_line, country, source}: the general emergency number first
    (kind "general", no name), then the crisis lines that can be dialled from ``country`` (kind "crisis"),
    survivor-first, from the directory's national rows (``advocate.directory.national``), which keep only
    the lines that work from there and never offer law enforcement unasked."""
    from advocate.directory.national import national_services
    from advocate.directory.search import Filters

    country = (country or "").upper()
    out = []
    for c in ([country] if country else list(GENERAL_EMERGENCY)):
        if c in GENERAL_EMERGENCY:
            number, source, when = GENERAL_EMERGENCY[c]
            out.append({"kind": "general", "name": "", "phone": number, "text_line": None, "country": c,
                        "source": f"{source}, {when}"})
    if store is None:
        return out
    general = {r["phone"] for r in out}
    rows = national_services(store, Filters(categories=["crisis"]), place_country=country,
                             dial_from=None if country in ("US", "MX") else "all")
    for row in rows:
        if row.get("law_enforcement"):
            continue
        phone, text_line = row.get("phone"), row.get("text_line")
        if phone in general and not text_line:
            continue  # the general number, already first
        if not (phone or text_line):
            continue
        out.append({"kind": "crisis", "name": row["name"], "phone": phone, "text_line": text_line,
                    "country": row.get("country") or "", "source": row.get("source") or ""})
    return out

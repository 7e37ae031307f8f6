"""RFC 5545 export through the icalendar library.

Stable UIDs (stored with each appointment) and a SEQUENCE that grows with each edit, so exporting
again updates a subscribed calendar instead of duplicating events. Client codes stay out of event
text unless asked for; notes never leave.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from advocate.appointments.log import from_utc_text, types

if TYPE_CHECKING:
    from advocate.store import Store


def interpreter_text(code: str, lang: str = "en") -> str:
    """The interpreter's language by name, with its code for the interpreter service ("Mixtec, Jamiltepec
    (mxt)", "mixteco de Jamiltepec (mxt)"); the code alone when the table does not know it."""
    from advocate.directory.vocab import languages

    entry = languages().get(code) or {}
    name = entry.get("name_es" if lang == "es" else "name_en") or entry.get("name_en")
    return f"{name} ({code})" if name else code


def service_location(store: Store, service_id: str, lang: str = "en") -> str | None:
    """Where a directory service is, as a calendar's LOCATION: its name in ``lang`` and its address ("Consulado
    General de México en Miami, 2555 Ponce de Leon Blvd., Suite 400, Coral Gables, Miami, FL 33134"), so a phone's
    map finds it; None when the service is gone from the directory."""
    from advocate.cards import address_text
    from advocate.directory.search import get_service
    from advocate.errors import InputError, NotFound

    try:
        row = get_service(store, service_id)
    except (InputError, NotFound):
        return None
    name = (row.get("name_es") if lang == "es" else None) or row.get("name") or ""
    locs = row.get("locations") or []
    address = address_text(locs[0] if locs else None, row)
    return ", ".join(p for p in (name, address) if p) or None


def build_calendar(rows: list[dict], *, with_codes: bool = False, lang: str = "en", store: Store | None = None) -> bytes:
    """``store``: when given, an appointment at a directory service has the service's address in its location."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//advocate//accompaniment log//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Accompaniments" if lang == "en" else "Acompañamientos")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for row in rows:
        zone = ZoneInfo(row["tz"])
        start = from_utc_text(row["starts_utc"]).astimezone(zone)
        label = types().get(row["type"], {}).get("label_es" if lang == "es" else "label_en", row["type"])
        summary = f"{label} ({'acompañamiento' if lang == 'es' else 'accompaniment'})"
        if with_codes:
            summary += f" {row['client']}"
        ev = Event()
        ev.add("uid", row["uid"])
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", start + timedelta(minutes=row["duration_min"]))
        ev.add("summary", summary)
        ev.add("sequence", int(row.get("sequence") or 0))
        where = service_location(store, row["service_id"], lang) if store is not None and row.get("service_id") else None
        if where or row.get("place"):
            ev.add("location", where or row["place"])
        details = []
        if row.get("interpreter"):
            details.append(("Intérprete: " if lang == "es" else "Interpreter: ") + interpreter_text(row["interpreter"], lang))
        if row.get("advocate"):
            details.append(("Acompaña: " if lang == "es" else "Advocate: ") + row["advocate"])
        if details:
            ev.add("description", "\n".join(details))
        ev.add("status", {"cancelled": "CANCELLED", "rescheduled": "CANCELLED"}.get(row["status"], "CONFIRMED"))
        cal.add_component(ev)
    try:
        cal.add_missing_timezones()  # VTIMEZONE blocks for every TZID used (icalendar >= 6)
    except AttributeError:
        pass
    return cal.to_ical()

"""Words for the keys and coded values the tool shows a person: one mapping, shared by every table.

Records and rows keep their English keys and coded values (``unique_clients_served``, ``scheduled``,
``court``): those are what ``-f json|csv|tsv|ndjson`` write, so scripts do not break when a colleague
works in Spanish. A terminal table shows a *label* instead, in the interface language:

* :data:`FIELD_LABELS` — a record's field (``services show``, ``clients show``, ``appointments show``, the
  report's summary, the import summary, ``db check``...) and a report breakdown's name;
* :func:`value_label` — a coded value: an appointment type or status, a client's status, a category,
  a language code, yes/no.

Labels are English msgids marked with ``N_()`` and translated where shown (the interface catalog); a key
with no label is shown as words (``foo_bar`` -> ``Foo bar``), and the Spanish-table test fails on it.
"""

from __future__ import annotations

from advocate.i18n import N_, _, current_language

FIELD_LABELS: dict[str, str] = {
    # common
    "id": N_("ID"), "client": N_("Client"), "code": N_("Code"), "status": N_("Status"), "created": N_("Created"),
    "updated": N_("Updated"), "closed": N_("Closed"), "note": N_("Note"), "notes": N_("Notes"), "name": N_("Name"),
    "language": N_("Language"), "country": N_("Country"), "region": N_("State or region"), "source": N_("Source"),
    "path": N_("File"), "text": N_("Text"), "reason": N_("Reason"),
    # services show
    "name_es": N_("Name in Spanish"), "organization": N_("Organization"), "categories": N_("Categories"),
    "languages": N_("Languages spoken"), "interpretation": N_("Interpretation"), "distance_km": N_("Distance (km)"),
    "distance_mi": N_("Distance (mi)"), "address": N_("Address"), "city": N_("City"), "postal_code": N_("ZIP code"),
    "phone": N_("Phone"), "text_line": N_("Text line"), "lines": N_("Lines"), "url": N_("Web"), "hours": N_("Hours"),
    "latitude": N_("Latitude"), "longitude": N_("Longitude"), "approximate": N_("Approximate place"),
    "scope": N_("Scope"), "citation": N_("Citation"), "citation_url": N_("Citation link"),
    "source_date": N_("Source date"), "last_verified": N_("Last verified"), "stale": N_("Out of date"),
    "confidence": N_("Confidence"), "caution": N_("Caution"), "caution_es": N_("Caution in Spanish"),
    "law_enforcement": N_("Law enforcement"), "priority": N_("Priority"), "description": N_("Description"),
    "description_es": N_("Description in Spanish"), "locations": N_("Locations"),
    "category_evidence": N_("Why these categories"), "source_of_facts": N_("Source of the facts"),
    "matched": N_("Matched"), "email": N_("Email"), "eligibility": N_("Eligibility"), "fees": N_("Fees"),
    # appointments show
    "starts": N_("Starts"), "ends": N_("Ends"), "tz": N_("Time zone"), "type": N_("Type"),
    "duration_min": N_("Minutes"), "place": N_("Place"), "service_id": N_("Service ID"),
    "interpreter": N_("Interpreter"), "advocate": N_("Advocate"), "follow_up": N_("Next step"),
    "voca_family": N_("VOCA service family"), "otip_category": N_("OTIP category"), "uid": N_("Calendar ID"),
    "sequence": N_("Calendar revision"), "starts_utc": N_("Starts (UTC)"), "month": N_("Month"),
    # clients show
    "appointments": N_("Appointments"), "checklists": N_("Checklists"), "checklist_answers": N_("Checklist answers"),
    # report summary
    "unique_clients_served": N_("Clients served"), "new_clients": N_("New clients (this fiscal year)"),
    "continuing_clients": N_("Continuing clients"), "accompaniments": N_("Accompaniments"),
    "no_shows": N_("No-shows"), "no_show_rate": N_("No-show rate"),
    "scheduled_not_yet_marked": N_("Scheduled, outcome not recorded"),
    "cancelled_or_rescheduled": N_("Cancelled or rescheduled"),
    # import summary
    "layout": N_("Layout"), "services_read": N_("Services read"), "imported": N_("Imported"),
    "rejected": N_("Rejected"), "geocoded_offline": N_("Placed offline"), "inactivated": N_("Marked inactive"),
    "no_location": N_("Without a location"), "organizations": N_("Organizations"),
    "unmapped_languages": N_("Language words not recognized"),
    "unmapped_language_names": N_("Unrecognized language words"), "dry_run": N_("Dry run"), "pages": N_("Pages"),
    # db check / restore / purge
    "ok": N_("OK"), "integrity": N_("Integrity"), "foreign_key_problems": N_("Broken links between tables"),
    "schema_version": N_("Schema version"), "schema_version_expected": N_("Schema version expected"),
    "encrypted": N_("Encrypted"), "journal_mode": N_("Journal mode"), "file_mode": N_("File permissions"),
    "private": N_("Readable by you only"), "services_count": N_("Services"), "locations_count": N_("Locations"),
    "organizations_count": N_("Organizations"), "clients_count": N_("Clients"),
    "appointments_count": N_("Appointments"), "restored_from": N_("Restored from"),
    "previous_store_saved_to": N_("Previous store saved to"), "unreadable_store_moved_to": N_("Unreadable store moved to"),
    "cutoff": N_("Closed before"), "plan_events": N_("Plan changes"), "referrals": N_("Referrals"),
    "releases": N_("Releases"), "goals": N_("Goals"), "checklist_progress": N_("Checklist answers"),
    "tables_checked": N_("Tables checked"),
    # places resolve
    "query": N_("Query"), "label": N_("Place"), "kind": N_("Kind"), "population": N_("Population"),
    "town_centre": N_("Town centre only"),
    # goals, referrals, releases
    "area": N_("Area"), "target": N_("Target date"), "reached": N_("Reached"), "service_name": N_("Service"),
    "release_id": N_("Release"), "goal_id": N_("Goal"), "appointment_id": N_("Appointment"), "sent": N_("Sent"),
    "accepted": N_("Accepted"), "recipient": N_("Recipient"), "signed": N_("Signed"), "expires": N_("Ends"),
    "revoked": N_("Revoked"), "state": N_("State"),
}

FIELD_LABELS["hours"] = N_("Opening hours")  # a service's; the report says its own (REPORT_LABELS)
# the report's summary and breakdowns: "hours" there is time spent accompanying
REPORT_LABELS = {**FIELD_LABELS, "hours": N_("Hours of accompaniment"), "type": N_("Appointment type"),
                 "language": N_("Interpreter language"), "month": N_("Month"),
                 "goals_set": N_("Goals set"), "goals_reached": N_("Goals reached (milestones)"),
                 "clients_with_goals": N_("Clients who set goals"), "referrals": N_("Referrals made"),
                 "referrals_accepted": N_("Referrals accepted"), "clients_referred": N_("Clients referred"),
                 "median_days_to_acceptance": N_("Median days from referral to acceptance")}

APPOINTMENT_STATUS = {"scheduled": N_("scheduled"), "attended": N_("attended"), "no-show": N_("no-show"),
                      "cancelled": N_("cancelled"), "rescheduled": N_("rescheduled")}
CLIENT_STATUS = {"active": N_("active"), "closed": N_("closed")}
SERVICE_SCOPE = {"local": N_("local"), "national": N_("national"), "remote": N_("remote")}
SERVICE_STATUS = {"active": N_("active"), "inactive": N_("inactive")}
CONFIDENCE = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
PLACE_KIND = {"zip": N_("ZIP code"), "city": N_("city"), "coordinates": N_("coordinates"), "address": N_("address")}
OTHER_VALUES = {"none": N_("none"), "unknown": N_("unknown"), "suppressed": N_("suppressed")}


def field_label(key: str, labels: dict[str, str] | None = None) -> str:
    """The label of a record field or breakdown, in the interface language (``labels``: another mapping of
    msgids, e.g. :data:`REPORT_LABELS`)."""
    text = (labels or FIELD_LABELS).get(key)
    if text:
        return _(text)
    return key.replace("_", " ").capitalize()


def appointment_type_label(kind: str | None, lang: str | None = None) -> str:
    from advocate.appointments.log import types

    row = types().get(kind or "")
    if not row:
        return kind or ""
    return row["label_es"] if (lang or current_language()) == "es" else row["label_en"]


def category_label(cat: str | None, lang: str | None = None) -> str:
    from advocate.directory.vocab import categories

    row = categories().get(cat or "")
    if not row:
        return cat or ""
    return row["label_es"] if (lang or current_language()) == "es" else row["label_en"]


def language_label(code: str | None, lang: str | None = None) -> str:
    """A language code as its name (``mxt`` -> ``mixteco de Jamiltepec``); the code itself when unknown."""
    if not code:
        return ""
    from advocate.directory.vocab import language_name

    return language_name(code, lang or current_language()) or code


_VALUE_TABLES = {"appointment_status": APPOINTMENT_STATUS, "client_status": CLIENT_STATUS, "scope": SERVICE_SCOPE,
                 "service_status": SERVICE_STATUS, "confidence": CONFIDENCE, "place_kind": PLACE_KIND,
                 "other": OTHER_VALUES}


def value_label(kind: str, value):
    """A coded value in the interface language; anything unknown comes back as it is."""
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return [value_label(kind, v) for v in value]
    if isinstance(value, str) and value in OTHER_VALUES:
        return _(OTHER_VALUES[value])
    if kind == "type":
        return appointment_type_label(value)
    if kind == "category":
        return category_label(value)
    if kind == "language":
        return language_label(value)
    table = _VALUE_TABLES.get(kind) or {}
    if isinstance(value, str) and value in table:
        return _(table[value])
    if kind == "month" and isinstance(value, str) and len(value) == 7:
        from datetime import date

        from babel.dates import format_skeleton

        from advocate.i18n import babel_locale

        try:
            return format_skeleton("yMMMM", date.fromisoformat(value + "-01"), locale=babel_locale())
        except ValueError:
            return value
    return value


def labelled(record: dict, kinds: dict[str, str]) -> dict:
    """A copy of ``record`` with the fields named in ``kinds`` (field -> value kind) shown as labels."""
    out = dict(record)
    for key, kind in kinds.items():
        if key in out:
            out[key] = value_label(kind, out[key])
    return out


STAMP_FIELDS = ("created", "closed", "updated", "starts_utc")


def stamped(record: dict) -> dict:
    """A copy of ``record`` with its stored UTC timestamps ("2026-11-29T20:10:58+00:00") as a table shows them:
    "2026-11-29 20:10 UTC" (the stored text is kept when it is not one)."""
    from datetime import UTC, datetime

    out = dict(record)
    for key in STAMP_FIELDS:
        value = out.get(key)
        if isinstance(value, str) and value:
            try:
                when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            if when.tzinfo is not None:
                out[key] = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return out


APPOINTMENT_VALUES = {"type": "type", "status": "appointment_status", "interpreter": "language"}
CLIENT_VALUES = {"status": "client_status", "language": "language"}
SERVICE_VALUES = {"categories": "category", "scope": "scope", "status": "service_status",
                  "confidence": "confidence", "languages": "language", "interpretation": "language"}
PLACE_VALUES = {"kind": "place_kind"}


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Appointment type" -> "appointment type", but "VOCA service family" kept."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label

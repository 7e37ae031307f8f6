"""Appointments: validate, store in UTC with their zone, list in local time, complete, cancel."""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from advocate.clients import require_client
from advocate.clock import now_utc
from advocate.data import read_csv
from advocate.errors import InputError, NotFound
from advocate.i18n import _

OUTCOMES = ("attended", "rescheduled", "no-show", "cancelled")
MAX_DURATION = 24 * 60


@functools.cache
def types() -> dict[str, dict]:
    return {r["type"]: r for r in read_csv("appointment_types.csv")}


def normalize_type(text: str) -> str:
    key = (text or "").strip().lower().replace(" ", "-").replace("_", "-")
    if key in types():
        return key
    import difflib

    raise InputError(_('"{text}" is not an appointment type; expected one of: {value}').format(text=text, value=', '.join(types())),
                     suggestions=difflib.get_close_matches(key, list(types()), n=2))


def local_zone_name() -> str:
    """The machine's IANA zone name, if it can be found; UTC otherwise."""
    import os

    tz = os.environ.get("TZ")
    if tz and "/" in tz:
        return tz
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


def get_zone(name: str | None) -> ZoneInfo:
    name = name or local_zone_name()
    try:
        if not re.match(r"^[A-Za-z0-9_+\-/]+$", name) or name.startswith("/") or ".." in name:
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(_('"{name}" is not a time zone; use an IANA name such as America/Chicago or America/Tijuana').format(name=name)) from None


_WHEN = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})(?::\d{2})?\s*$")


def parse_when(text: str, zone: ZoneInfo) -> datetime:
    """ "2026-12-03 14:30" in ``zone`` -> an aware datetime. Times that do not exist (DST gap) are refused."""
    m = _WHEN.match(text or "")
    if not m:
        raise InputError(_('"{text}" is not a date and time; write it as "2026-12-03 14:30" (24-hour clock)').format(text=text))
    try:
        naive = datetime.fromisoformat(f"{m.group(1)} {m.group(2).zfill(5)}")
    except ValueError:
        raise InputError(_('"{text}" is not a real date and time; write it as "2026-12-03 14:30"').format(text=text)) from None
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        raise InputError(_("{text} does not exist in {key} (the clocks jump forward then); pick another time").format(text=text, key=zone.key))
    return aware


def parse_date(text: str, what: str | None = None, *, field: str | None = None) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(_('"{text}" is not a {what}; write it as YYYY-MM-DD, for example 2026-12-03').format(
            text=text, what=what or _("date")), field=field) from None


def to_utc_text(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_utc_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass
class LogResult:
    appointment: dict
    warnings: list[str]


def _duration(value) -> int:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(_('"{value}" is not a duration; give whole minutes, for example 90').format(value=value)) from None
    if not 0 < minutes <= MAX_DURATION:
        raise InputError(_("a duration of {minutes} minutes is out of range; expected 1 to {MAX_DURATION}").format(minutes=minutes, MAX_DURATION=MAX_DURATION))
    return minutes


def _clean_text(value: str | None, what: str, limit: int = 500, field: str | None = None) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    if len(value) > limit:
        raise InputError(_("{what} is limited to {limit} characters").format(what=what, limit=limit), field=field)
    return value or None


def log_appointment(store, *, client: str, when: str, type: str, duration: int | str, tz: str | None = None,
                    service_id: str | None = None, place: str | None = None, interpreter: str | None = None,
                    advocate: str | None = None, notes: str | None = None, now: datetime | None = None) -> LogResult:
    zone = get_zone(tz)
    start = parse_when(when, zone)
    kind = normalize_type(type)
    minutes = _duration(duration)
    code = require_client(store, client)
    if service_id and place:
        raise InputError(_("give a service from the directory or a place, not both"), field=("service", "place"))
    if service_id:
        from advocate.directory.search import get_service

        service_id = get_service(store, service_id)["id"]
    if interpreter:
        from advocate.directory.vocab import normalize_language

        interpreter = normalize_language(interpreter)
    place, advocate, notes = (_clean_text(place, _("the place"), 200, "place"),
                              _clean_text(advocate, _("the name of who accompanies"), 100, "advocate"),
                              _clean_text(notes, _("the notes"), 1000, "notes"))
    warnings = _overlaps(store, start, minutes, advocate)
    now = now or datetime.now(UTC)
    if start < now:
        warnings.append(f"logged after the fact: {start:%Y-%m-%d %H:%M} {zone.key} is in the past")
    stamp = now_utc()
    with store.write():
        cur = store.conn.execute(
            """INSERT INTO appointments (client_code, starts_utc, tz, duration_min, type, service_id, place,
               interpreter_language, advocate, notes, uid, created, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (code, to_utc_text(start), zone.key, minutes, kind, service_id, place, interpreter, advocate, notes,
             f"{uuid.uuid4()}@advocate", stamp, stamp))
        store.audit("create", "appointments", cur.lastrowid)
    return LogResult(get_appointment(store, cur.lastrowid), warnings)


def _overlaps(store, start: datetime, minutes: int, advocate: str | None, exclude: int | None = None) -> list[str]:
    if not advocate:
        return []
    end = start + timedelta(minutes=minutes)
    out = []
    for aid, s, d in store.conn.execute(
            "SELECT id, starts_utc, duration_min FROM appointments WHERE advocate = ? AND status IN ('scheduled', 'attended')"
            " AND id IS NOT ?", (advocate, exclude)):
        other = from_utc_text(s)
        if other < end and start < other + timedelta(minutes=d):
            out.append(f"overlaps appointment {aid} of the same advocate ({advocate})")
    return out


FIELDS = ("id", "client", "starts", "ends", "tz", "type", "duration_min", "place", "service_id", "interpreter",
          "advocate", "status", "follow_up", "notes", "voca_family", "otip_category", "uid", "updated")


def _row(r) -> dict:
    (aid, code, starts_utc, tz, dur, kind, sid, place, interp, adv, notes, status, follow, uid, seq, updated,
     svc_name) = r
    zone = ZoneInfo(tz)
    start = from_utc_text(starts_utc).astimezone(zone)
    t = types().get(kind, {})
    return {
        "id": aid, "client": code, "starts": start.isoformat(timespec="minutes"),
        "ends": (start + timedelta(minutes=dur)).isoformat(timespec="minutes"), "tz": tz, "type": kind,
        "duration_min": dur, "place": place or svc_name, "service_id": sid, "interpreter": interp, "advocate": adv,
        "status": status, "follow_up": follow, "notes": notes, "voca_family": t.get("voca_family"),
        "otip_category": t.get("otip_category"), "uid": uid, "sequence": seq, "updated": updated,
        "starts_utc": starts_utc,
    }


_SELECT = """SELECT a.id, a.client_code, a.starts_utc, a.tz, a.duration_min, a.type, a.service_id, a.place,
                    a.interpreter_language, a.advocate, a.notes, a.status, a.follow_up, a.uid, a.sequence, a.updated,
                    s.name
             FROM appointments a LEFT JOIN services s ON s.id = a.service_id"""


def get_appointment(store, appointment_id) -> dict:
    try:
        aid = int(appointment_id)
    except (TypeError, ValueError):
        raise InputError(_('"{appointment_id}" is not an appointment id; ids are whole numbers').format(appointment_id=appointment_id)) from None
    row = store.conn.execute(_SELECT + " WHERE a.id = ?", (aid,)).fetchone()
    if not row:
        raise NotFound(_("no appointment {aid}; see `advocate appointments list`").format(aid=aid))
    return _row(row)


def list_appointments(store, *, upcoming: bool = False, past: bool = False, client: str | None = None,
                      start: date | None = None, end: date | None = None, type: str | None = None,
                      status: str | None = None, now: datetime | None = None, tz: str | None = None) -> list[dict]:
    """Appointments ordered by start. ``start``/``end`` are inclusive local dates (in ``tz``)."""
    if upcoming and past:
        raise InputError(_("choose upcoming or past appointments, not both"), field=("upcoming", "past"))
    where, params = [], []
    now = now or datetime.now(UTC)
    if upcoming:
        where.append("a.starts_utc >= ? AND a.status = 'scheduled'")
        params.append(to_utc_text(now))
    if past:
        where.append("a.starts_utc < ?")
        params.append(to_utc_text(now))
    if client:
        where.append("a.client_code = ?")
        params.append(require_client(store, client))
    zone = get_zone(tz)
    if start:
        where.append("a.starts_utc >= ?")
        params.append(to_utc_text(datetime.combine(start, time(0), zone)))
    if end:
        where.append("a.starts_utc < ?")
        params.append(to_utc_text(datetime.combine(end + timedelta(days=1), time(0), zone)))
    if start and end and end < start:
        raise InputError(_("the end date {end} is before the start date {start}").format(end=end, start=start),
                         field=("from", "to"))
    if type:
        where.append("a.type = ?")
        params.append(normalize_type(type))
    if status:
        where.append("a.status = ?")
        params.append(status)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.starts_utc, a.id"
    return [_row(r) for r in store.conn.execute(sql, params)]


def edit_appointment(store, appointment_id, **changes) -> LogResult:
    current = get_appointment(store, appointment_id)
    sets, warnings = {}, []
    zone = get_zone(changes.get("tz") or current["tz"])
    if changes.get("when") or changes.get("tz"):
        # a new zone alone corrects the zone: the clock time stays (09:00 Chicago -> 09:00 Tijuana), unless the
        # caller asks to keep the instant (09:00 Chicago -> 07:00 Tijuana)
        shown = datetime.fromisoformat(current["starts"])
        if changes.get("keep_instant"):
            shown = shown.astimezone(zone)
        when = changes.get("when") or shown.strftime("%Y-%m-%d %H:%M")
        start = parse_when(when, zone)
        sets["starts_utc"], sets["tz"] = to_utc_text(start), zone.key
    if changes.get("type"):
        sets["type"] = normalize_type(changes["type"])
    if changes.get("duration") is not None:
        sets["duration_min"] = _duration(changes["duration"])
    if changes.get("client"):
        sets["client_code"] = require_client(store, changes["client"])
    if changes.get("service_id"):
        from advocate.directory.search import get_service

        sets["service_id"], sets["place"] = get_service(store, changes["service_id"])["id"], None
    if changes.get("place") is not None:
        sets["place"], sets["service_id"] = _clean_text(changes["place"], _("the place"), 200, "place"), None
    if changes.get("interpreter") is not None:
        from advocate.directory.vocab import normalize_language

        sets["interpreter_language"] = normalize_language(changes["interpreter"]) if changes["interpreter"] else None
    for key, what, limit in (("advocate", _("the name of who accompanies"), 100), ("notes", _("the notes"), 1000)):
        if changes.get(key) is not None:
            sets[key] = _clean_text(changes[key], what, limit, key)
    if not sets:
        raise InputError(_("nothing to change; give at least one new value, such as the date and time or the type"),
                         field=("when", "type"))
    start = from_utc_text(sets.get("starts_utc", current["starts_utc"]))
    warnings += _overlaps(store, start, sets.get("duration_min", current["duration_min"]),
                          sets.get("advocate", current["advocate"]), exclude=current["id"])
    _update(store, current["id"], sets)
    return LogResult(get_appointment(store, current["id"]), warnings)


def _update(store, aid: int, sets: dict) -> None:
    sets = {**sets, "updated": now_utc()}
    cols = ", ".join(f"{k} = ?" for k in sets)
    with store.write():
        store.conn.execute(f"UPDATE appointments SET {cols}, sequence = sequence + 1 WHERE id = ?", [*sets.values(), aid])
        store.audit("update", "appointments", aid)


def complete_appointment(store, appointment_id, outcome: str, follow_up: str | None = None) -> dict:
    outcome = (outcome or "").strip().lower()
    if outcome not in OUTCOMES:
        raise InputError(_('"{outcome}" is not an outcome; expected one of: {OUTCOMES}').format(outcome=outcome, OUTCOMES=', '.join(OUTCOMES)))
    current = get_appointment(store, appointment_id)
    _update(store, current["id"], {"status": outcome, "follow_up": _clean_text(follow_up, _("the follow-up"), 500, "follow_up")})
    return get_appointment(store, current["id"])


def cancel_appointment(store, appointment_id) -> dict:
    return complete_appointment(store, appointment_id, "cancelled")


def delete_appointment(store, appointment_id) -> dict:
    current = get_appointment(store, appointment_id)
    with store.write():
        store.conn.execute("DELETE FROM appointments WHERE id = ?", (current["id"],))
        store.audit("delete", "appointments", current["id"])
    return current

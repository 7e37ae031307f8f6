"""Appointments: validate, store in UTC with their zone, list in local time, complete, cancel."""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from advocate.clients import require_client
from advocate.clock import now_utc
from advocate.data import read_csv
from advocate.errors import AdvocateError, InputError, NotFound
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

OUTCOMES = ("attended", "rescheduled", "no-show", "cancelled")
MAX_DURATION = 24 * 60


@functools.cache
def types() -> dict[str, dict]:
    return {r["type"]: r for r in read_csv("appointment_types.csv")}


def _type_words() -> dict[str, str]:
    """Every word an appointment type is known by (its id, its English and Spanish labels) -> the type."""
    words = {kind: kind for kind in types()}
    for kind, row in types().items():
        for label in (row["label_en"], row["label_es"]):
            words.setdefault(label.lower(), kind)
    return words


def normalize_type(text: str) -> str:
    """A type from its id or its label in English or Spanish ("court", "Tribunal", "consulta médica")."""
    from advocate.textnorm import close_words, fold

    key = (text or "").strip().lower().replace(" ", "-").replace("_", "-")
    if key in types():
        return key
    words = _type_words()
    by_fold = {fold(word): kind for word, kind in words.items()}
    if fold(text or "") in by_fold:
        return by_fold[fold(text or "")]
    raise InputError(_('"{text}" is not an appointment type; expected one of: {value}').format(text=text, value=', '.join(types())),
                     suggestions=close_words(text or "", words))


def local_zone_name() -> str:
    """The machine's IANA zone name, if it can be found; UTC otherwise."""
    import os

    tz = (os.environ.get("TZ") or "").lstrip(":")  # TZ=:America/Chicago is the same zone
    candidates = [tz] if tz else []
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            candidates.append(link.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        for prefix in ("posix/", "right/"):  # the same zones, in the database's other two trees
            name = name.removeprefix(prefix)
        if name.lower() in iana_zones():
            return iana_zones()[name.lower()]
    return "UTC"


UTC_NAMES = {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "GMT", "Etc/GMT", "Etc/GMT0",
             "Etc/GMT+0", "Etc/GMT-0", "GMT0", "Etc/Greenwich", "Greenwich"}


# names the zone database holds that are not time zones: the machine's own zone, the placeholder zone
# ("-00") and the rules file old POSIX TZ strings use
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@functools.cache
def iana_zones() -> dict[str, str]:
    """The IANA zone names (zoneinfo.available_timezones(), less what is not a zone), by their lower case."""
    import zoneinfo

    return {z.lower(): z for z in zoneinfo.available_timezones() if z not in NOT_ZONES}


def get_zone(name: str | None) -> ZoneInfo:
    """The zone named ``name`` (the machine's when None), which must be a real IANA zone name (in any case:
    america/chicago is America/Chicago); paths, 'localtime', 'posixrules' and 'Factory' are refused."""
    name = (name or local_zone_name()).strip()
    try:
        # IANA names are short (the longest is ~32 characters); a long one is refused before any file is looked up
        if len(name) > 64 or not re.match(r"^[A-Za-z0-9_+\-/]+$", name) or name.startswith("/") or ".." in name:
            raise ValueError
        canonical = iana_zones().get(name.lower())
        if canonical is None:
            raise ValueError
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        shown = name if len(name) <= 64 else name[:60] + "…"
        inside = _zones_under(name) if len(name) <= 64 else []
        if inside:
            raise InputError(_('"{name}" is a region, not a time zone; name a zone in it, such as {examples}').format(
                name=shown, examples=", ".join(inside)), field="tz") from None
        raise InputError(_('"{name}" is not a time zone; use an IANA name such as America/Chicago or America/Tijuana').format(name=shown), field="tz") from None


def _zones_under(region: str) -> list[str]:
    """A few zones inside a region name ("America" -> America/Chicago, ...), the common ones first."""
    import zoneinfo

    prefix = region.strip("/") + "/"
    zones = sorted(z for z in zoneinfo.available_timezones() if z.lower().startswith(prefix.lower()))
    common = [z for z in ("America/Chicago", "America/Mexico_City", "America/New_York", "America/Los_Angeles",
                          "America/Tijuana", "Etc/UTC") if z in zones]
    return (common + [z for z in zones if z not in common])[:3]


def zone_of_service(store: Store, service_id: str | None) -> str | None:
    """The time zone where a directory service is (its first location with a point, from the offline
    gazetteer: the zone of the nearest city or ZIP), or None when it has no point."""
    if not service_id:
        return None
    row = store.conn.execute(
        """SELECT l.latitude, l.longitude FROM service_at_location sal JOIN locations l ON l.id = sal.location_id
           WHERE sal.service_id = ? AND l.latitude IS NOT NULL ORDER BY sal.id LIMIT 1""", (service_id,)).fetchone()
    if not row:
        return None
    from advocate.geo.gazetteer import zone_near

    return zone_near(row[0], row[1])


@dataclass(frozen=True)
class ZoneChoice:
    """The zone an appointment is kept in, and why (``place``: where the service is; ``home``: the configured
    home_timezone). ``home_set_aside``: a home_timezone that differs from the place's and was not used;
    ``read_in``: a --tz that differs from the place's, in which the date and time were read before being
    kept in the place's zone. Both are said to the user with both zones, never silently."""

    zone: str
    why: str
    home_set_aside: str | None = None
    read_in: str | None = None


def place_zone(store: Store, service_id: str | None) -> str | None:
    """The zone of a directory service's place, or None (no service, unknown id, no point)."""
    if not service_id:
        return None
    try:
        from advocate.directory.search import get_service

        return zone_of_service(store, get_service(store, service_id)["id"])
    except (InputError, NotFound):
        return None


def default_zone(store: Store, *, home: str | None = None, service_id: str | None = None) -> ZoneChoice | None:
    """The zone of the service's place first (an appointment at a Chicago service is in Chicago time, whatever
    the office's home_timezone), then home_timezone; never the machine's clock, which on a server is UTC and
    rarely where the appointment is. None when it must be asked or given."""
    zone = place_zone(store, service_id)
    if zone:
        home_key = get_zone(home).key if home else None
        return ZoneChoice(zone, "place", home_set_aside=None if home_key in (None, zone) else home_key)
    if home:
        return ZoneChoice(get_zone(home).key, "home")
    return None


_WHEN = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})[ T]+(\d{1,2}(?::\d{2})?(?::\d{2})?)\s*([ap]\.?\s?m\.?)?\s*$", re.I)
_WHEN_SLASHED = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})[ T,]+(\d{1,2}(?::\d{2})?)\s*([ap]\.?\s?m\.?)?\s*$", re.I)


def _clock(text: str, meridiem: str | None, original: str, wrong: str) -> tuple[int, int]:
    parts = text.split(":")
    if not meridiem and len(parts) == 1:  # "2026-12-03 15": an hour without minutes or am/pm is not clear
        raise InputError(wrong, field="when")
    hour, minute = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    if meridiem:
        pm = meridiem.lower().startswith("p")
        if not 1 <= hour <= 12:
            raise InputError(_('"{text}" mixes a 24-hour time with am/pm; write it as "2026-12-03 14:30" or '
                               '"2026-12-03 2:30pm"').format(text=original), field="when")
        hour = hour % 12 + (12 if pm else 0)
    return hour, minute


def parse_when(text: str, zone: ZoneInfo) -> datetime:
    """ "2026-12-03 14:30" in ``zone`` -> an aware datetime. Also "2026-12-03 2:30pm" and a US/Mexican
    slashed date when it can only be read one way ("12/15/2026 3pm"); "03/12/2026" (March 12 or 3 December)
    is refused with the two readings. Times that do not exist (DST gap) are refused."""
    text = text or ""
    wrong = _('"{text}" is not a date and time; write it as "2026-12-03 14:30" (24-hour clock) or '
              '"2026-12-03 2:30pm"').format(text=text)
    m, slashed = _WHEN.match(text), _WHEN_SLASHED.match(text)
    try:
        if m:
            day = date.fromisoformat("-".join(p.zfill(2) for p in m.group(1).split("-")))
            hour, minute = _clock(m.group(2), m.group(3), text, wrong)
        elif slashed:
            a, b, year = int(slashed.group(1)), int(slashed.group(2)), int(slashed.group(3))
            if a <= 12 and b <= 12 and a != b:
                raise InputError(_('"{text}" could be {first} or {second}; write the date as YYYY-MM-DD').format(
                    text=text, first=date(year, a, b).strftime("%Y-%m-%d"), second=date(year, b, a).strftime("%Y-%m-%d")),
                    field="when")
            month, dom = (a, b) if a <= 12 else (b, a)
            day = date(year, month, dom)
            hour, minute = _clock(slashed.group(4), slashed.group(5), text, wrong)
        else:
            raise InputError(wrong, field="when")
        naive = datetime.combine(day, time(hour, minute))
    except ValueError:
        if m or slashed:
            raise InputError(_('"{text}" is not a real date and time; write it as "2026-12-03 14:30"').format(text=text),
                             field="when") from None
        raise InputError(wrong, field="when") from None
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        raise InputError(_("{text} does not exist in {key} (the clocks jump forward then); pick another time").format(text=text, key=zone.key),
                         field="when")
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
    zone_choice: ZoneChoice | None = None  # the zone taken when none was given, or a --tz set aside for the place's


_DURATION = re.compile(
    r"^(?:(?P<hours>\d{1,2}(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours|hora|horas)\.?\s*)?"
    r"(?:(?P<minutes>\d{1,4})\s*(?:m|min|mins|minute|minutes|minuto|minutos)?\.?)?$", re.I)


def parse_duration(value) -> int:
    """Minutes from "90", "90min", "90 minutos", "1h30", "1h 30m", "1:30", "1.5h", "2 horas"."""
    text = " ".join(str(value if value is not None else "").split()).lower()
    wrong = _('"{value}" is not a duration; give minutes (90, 90min) or hours and minutes (1h30, 1:30)').format(
        value=value)
    clock = re.fullmatch(r"(\d{1,2}):([0-5]\d)", text)
    m = _DURATION.match(text)
    if clock:
        minutes = int(clock.group(1)) * 60 + int(clock.group(2))
    elif text and m and (m.group("hours") or m.group("minutes")):
        hours = float(m.group("hours").replace(",", ".")) if m.group("hours") else 0
        minutes = round(hours * 60) + int(m.group("minutes") or 0)
    else:
        raise InputError(wrong, field="duration")
    if not 0 < minutes <= MAX_DURATION:
        raise InputError(_("a duration of {minutes} minutes is out of range; expected 1 to {MAX_DURATION}").format(
            minutes=minutes, MAX_DURATION=MAX_DURATION), field="duration")
    return minutes


_duration = parse_duration


def _clean_text(value: str | None, what: str, limit: int = 500, field: str | None = None) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    if len(value) > limit:
        raise InputError(_("{what} is limited to {limit} characters").format(what=what, limit=limit), field=field)
    return value or None


REQUIRED = ("client", "when", "tz", "type", "duration")


def check_value(store: Store, field: str, value, *, zone: ZoneInfo | None = None):
    """One value of an appointment, checked on its own as a prompt or a flag gives it: the cleaned value,
    or an InputError (with ``field``) whose sentence the prompt shows before asking again."""
    if field == "client":
        return require_client(store, value)
    if field == "tz":
        return get_zone(value).key
    if field == "when":
        return parse_when(value, zone or ZoneInfo("UTC"))
    if field == "type":
        return normalize_type(value)
    if field == "duration":
        return parse_duration(value)
    if field == "service":
        from advocate.directory.search import get_service

        return get_service(store, value)["id"]
    if field == "interpreter":
        from advocate.directory.vocab import normalize_language

        return normalize_language(value) if value else None
    if field in ("place", "advocate", "notes"):
        what, limit = {"place": (_("the place"), 200), "advocate": (_("the name of who accompanies"), 100),
                       "notes": (_("the note"), 1000)}[field]
        return _clean_text(value, what, limit, field)
    raise ValueError(field)


def _missing(field: str) -> InputError:
    what = {"client": _("no client code given"), "when": _("no date and time given"),
            "tz": _("no time zone given, and none is configured (home_timezone) or known from the place"),
            "type": _("no appointment type given"), "duration": _("no duration given")}[field]
    return InputError(what, field=field)


def check_appointment(store: Store, values: dict[str, Any]) -> tuple[dict[str, Any], list[AdvocateError]]:
    """Every value of a new appointment checked at once: (cleaned values, every problem). A bad time zone
    does not hide a bad date; a missing value is a problem of its own."""
    cleaned: dict[str, Any] = {}
    problems: list[AdvocateError] = []
    if values.get("service") and values.get("place"):
        problems.append(InputError(_("give a service from the directory or a place, not both"),
                                   field=("service", "place")))
    for field in ("client", "tz", "when", "type", "duration", "service", "place", "interpreter", "advocate", "notes"):
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip() and field in REQUIRED):
            if field in REQUIRED:
                problems.append(_missing(field))
            cleaned[field] = None
            continue
        try:
            zone = ZoneInfo(cleaned["tz"]) if cleaned.get("tz") else None
            cleaned[field] = check_value(store, field, value, zone=zone)
        except (InputError, NotFound) as exc:
            if not exc.fields:
                exc.field = field
            problems.append(exc)
            cleaned[field] = None
    return cleaned, problems


def log_appointment(store: Store, *, client: str | None, when: str | None, type: str | None,
                    duration: int | str | None, tz: str | None = None,
                    service_id: str | None = None, place: str | None = None, interpreter: str | None = None,
                    advocate: str | None = None, notes: str | None = None, now: datetime | None = None,
                    home_zone: str | None = None) -> LogResult:
    """Check every value (all problems reported together, nothing saved), then save. The appointment is kept
    in the zone of the service's place when it is known: a ``tz`` that differs is the zone ``when`` was typed
    in (the start is converted and ``zone_choice.read_in`` says so); with no ``tz``, the place's zone, else
    ``home_zone`` (the configured home_timezone); never the machine's clock."""
    zone_choice = None
    if not tz:
        try:
            zone_choice = default_zone(store, home=home_zone, service_id=service_id)
        except InputError:
            zone_choice = default_zone(store, service_id=service_id)
        tz = zone_choice.zone if zone_choice else None
    values, problems = check_appointment(store, {
        "client": client, "when": when, "tz": tz, "type": type, "duration": duration, "service": service_id,
        "place": place, "interpreter": interpreter, "advocate": advocate, "notes": notes})
    if len(problems) == 1:
        raise problems[0]
    if problems:
        from advocate.errors import InputErrors

        raise InputErrors(_("{n} values are wrong or missing, and nothing was saved:").format(n=len(problems)),
                          problems)
    zone = ZoneInfo(values["tz"])
    if zone_choice is None:
        there = place_zone(store, values["service"])
        if there and there != zone.key:  # --tz America/Tijuana for a Chicago service: read in one, kept in the other
            zone_choice = ZoneChoice(there, "place", read_in=zone.key)
            zone = ZoneInfo(there)
    start, kind, minutes, code = values["when"].astimezone(zone), values["type"], values["duration"], values["client"]
    service_id, place = values["service"], values["place"]
    interpreter, advocate, notes = values["interpreter"], values["advocate"], values["notes"]
    warnings = _overlaps(store, start, minutes, advocate)
    warnings += _duplicates(store, code, start, service_id, place)
    now = now or datetime.now(UTC)
    if start < now:
        warnings.append(_("logged after the fact: {when} {zone} is in the past").format(
            when=f"{start:%Y-%m-%d %H:%M}", zone=zone.key))
    closed = store.conn.execute("SELECT closed FROM clients WHERE code = ? AND status = 'closed'", (code,)).fetchone()
    if closed:  # retention counts from the closing date: a purge of closed cases would take this appointment too
        warnings.append(_("the case of {code} was closed on {date}: the appointment is logged, but purging closed "
                          "cases past the retention period would delete it with the case").format(
            code=code, date=(closed[0] or "?")[:10]))
    stamp = now_utc()
    with store.write():
        cur = store.conn.execute(
            """INSERT INTO appointments (client_code, starts_utc, tz, duration_min, type, service_id, place,
               interpreter_language, advocate, notes, uid, created, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (code, to_utc_text(start), zone.key, minutes, kind, service_id, place, interpreter, advocate, notes,
             f"{uuid.uuid4()}@advocate", stamp, stamp))
        new_id = cur.lastrowid
        assert new_id is not None  # an INSERT always sets it
        store.audit("create", "appointments", new_id)
    return LogResult(get_appointment(store, new_id), warnings, zone_choice)


def _duplicates(store: Store, code: str, start: datetime, service_id: str | None, place: str | None,
                exclude: int | None = None) -> list[str]:
    """The same client at the same time and place, already logged (and not cancelled)."""
    out = []
    for (aid,) in store.conn.execute(
            "SELECT id FROM appointments WHERE client_code = ? AND starts_utc = ? AND status != 'cancelled'"
            " AND coalesce(service_id, '') = ? AND lower(coalesce(place, '')) = ? AND id IS NOT ?",
            (code, to_utc_text(start), service_id or "", (place or "").lower(), exclude)):
        out.append(_("appointment {id} is already logged for {client} at the same time and place; "
                     "delete one if it was logged twice").format(id=aid, client=code))
    return out


def _overlaps(store: Store, start: datetime, minutes: int, advocate: str | None, exclude: int | None = None) -> list[str]:
    if not advocate:
        return []
    end = start + timedelta(minutes=minutes)
    out = []
    for aid, s, d in store.conn.execute(
            "SELECT id, starts_utc, duration_min FROM appointments WHERE advocate = ? AND status IN ('scheduled', 'attended')"
            " AND id IS NOT ?", (advocate, exclude)):
        other = from_utc_text(s)
        if other < end and start < other + timedelta(minutes=d):
            out.append(_("overlaps appointment {id} of the same advocate ({advocate})").format(id=aid, advocate=advocate))
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


def get_appointment(store: Store, appointment_id: int | str) -> dict[str, Any]:
    try:
        aid = int(appointment_id)
    except (TypeError, ValueError):
        raise InputError(_('"{appointment_id}" is not an appointment id; ids are whole numbers').format(appointment_id=appointment_id)) from None
    row = store.conn.execute(_SELECT + " WHERE a.id = ?", (aid,)).fetchone()
    if not row:
        raise NotFound(_("no appointment {aid}; see `advocate appointments list`").format(aid=aid))
    return _row(row)


def list_appointments(store: Store, *, upcoming: bool = False, past: bool = False, client: str | None = None,
                      start: date | None = None, end: date | None = None, type: str | list[str] | None = None,
                      status: str | None = None, now: datetime | None = None, tz: str | None = None) -> list[dict]:
    """Appointments ordered by start. ``start``/``end`` are inclusive dates: each appointment's own local date, as
    the report counts it (9 p.m. in Miami on 3 December is on the 3rd, wherever the machine is), or dates in
    ``tz`` when it is given."""
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
    # without ``tz``, the SQL takes a day more on each side (no zone is a day from UTC) and each appointment's
    # own local date decides below; the machine's zone (UTC on a server) put 9 p.m. in Miami on the next day
    zone = get_zone(tz) if tz else None
    margin = timedelta(days=1) if zone is None else timedelta(0)
    if start:
        where.append("a.starts_utc >= ?")
        params.append(to_utc_text(datetime.combine(start, time(0), zone or UTC) - margin))
    if end:
        where.append("a.starts_utc < ?")
        params.append(to_utc_text(datetime.combine(end + timedelta(days=1), time(0), zone or UTC) + margin))
    if start and end and end < start:
        raise InputError(_("the end date {end} is before the start date {start}").format(end=end, start=start),
                         field=("from", "to"))
    kinds = [type] if isinstance(type, str) else list(type or [])
    if kinds:  # several types: any of them (-t court -t legal)
        wanted = list(dict.fromkeys(normalize_type(k) for k in kinds))
        where.append(f"a.type IN ({', '.join('?' * len(wanted))})")
        params += wanted
    if status:
        where.append("a.status = ?")
        params.append(status)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.starts_utc, a.id"
    rows = [_row(r) for r in store.conn.execute(sql, params)]
    if zone is None and (start or end):
        rows = [r for r in rows if (start is None or date.fromisoformat(r["starts"][:10]) >= start)
                and (end is None or date.fromisoformat(r["starts"][:10]) <= end)]
    return rows


def edit_appointment(store: Store, appointment_id: int | str, **changes: Any) -> LogResult:
    current = get_appointment(store, appointment_id)
    sets: dict[str, Any] = {}
    warnings: list[str] = []
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
    for key, what, limit in (("advocate", _("the name of who accompanies"), 100), ("notes", _("the note"), 1000)):
        if changes.get(key) is not None:
            sets[key] = _clean_text(changes[key], what, limit, key)
    if not sets:
        raise InputError(_("nothing to change; give at least one new value, such as the date and time or the type"),
                         field=("when", "type"))
    there = place_zone(store, sets.get("service_id", current["service_id"]))
    kept = sets.get("tz", current["tz"])
    if there and there != kept:
        if changes.get("tz") or "service_id" not in sets:
            # an explicit correction is kept (the gazetteer's zone can be wrong near a border)
            if changes.get("tz") or changes.get("when"):
                warnings.append(_("the service is in {place_zone} but this appointment is kept in {zone} time").format(
                    place_zone=there, zone=kept))
        else:  # a new service in another zone: the appointment follows its place, the clock time stays
            wall = datetime.fromisoformat(current["starts"]).replace(tzinfo=None)
            if changes.get("when"):
                wall = parse_when(changes["when"], zone).replace(tzinfo=None)
            start = parse_when(wall.strftime("%Y-%m-%d %H:%M"), ZoneInfo(there))
            sets["starts_utc"], sets["tz"] = to_utc_text(start), there
            warnings.append(_("the service is in {place_zone}: the appointment is now kept in that zone, at "
                              "{clock} there (it was in {zone})").format(place_zone=there, zone=kept,
                                                                        clock=f"{start:%Y-%m-%d %H:%M}"))
    start = from_utc_text(sets.get("starts_utc", current["starts_utc"]))
    warnings += _overlaps(store, start, sets.get("duration_min", current["duration_min"]),
                          sets.get("advocate", current["advocate"]), exclude=current["id"])
    _update(store, current["id"], sets)
    return LogResult(get_appointment(store, current["id"]), warnings)


def _update(store: Store, aid: int, sets: dict) -> None:
    sets = {**sets, "updated": now_utc()}
    cols = ", ".join(f"{k} = ?" for k in sets)
    with store.write():
        store.conn.execute(f"UPDATE appointments SET {cols}, sequence = sequence + 1 WHERE id = ?", [*sets.values(), aid])
        store.audit("update", "appointments", aid)


def complete_appointment(store: Store, appointment_id, outcome: str, follow_up: str | None = None,
                         now: datetime | None = None) -> dict:
    """Record what happened. An appointment still to come cannot be attended or missed yet (it would count in
    this month's report): those outcomes are refused until it has started; rescheduled and cancelled are not."""
    from advocate.i18n import gettext_in
    from advocate.labels import APPOINTMENT_STATUS, value_label

    typed = " ".join((outcome or "").split()).lower()
    # the code (attended) or its label in either language (asistió, "no asistió"), as the help shows them
    names = {name.lower(): code for code in OUTCOMES
             for name in (code, gettext_in("en", APPOINTMENT_STATUS[code]), gettext_in("es", APPOINTMENT_STATUS[code]))}
    outcome = names.get(typed, typed)
    if outcome not in OUTCOMES:
        raise InputError(_('"{outcome}" is not an outcome; expected one of: {OUTCOMES}').format(
            outcome=typed, OUTCOMES=", ".join(f"{code} ({value_label('appointment_status', code)})"
                                              if value_label("appointment_status", code) != code else code
                                              for code in OUTCOMES)), field="outcome")
    current = get_appointment(store, appointment_id)
    now = now or datetime.now(UTC)
    if outcome in ("attended", "no-show") and from_utc_text(current["starts_utc"]) > now:
        raise InputError(_("appointment {id} is on {when} {tz}, still to come; it can be marked {outcome} once it "
                           "has started (rescheduled or cancelled can be recorded now)").format(
            id=current["id"], when=current["starts"][:16].replace("T", " "), tz=current["tz"],
            outcome=value_label("appointment_status", outcome)),
            field="outcome")
    _update(store, current["id"], {"status": outcome, "follow_up": _clean_text(follow_up, _("the follow-up"), 500, "follow_up")})
    return get_appointment(store, current["id"])


def cancel_appointment(store: Store, appointment_id) -> dict:
    return complete_appointment(store, appointment_id, "cancelled")


def delete_appointment(store: Store, appointment_id) -> dict:
    current = get_appointment(store, appointment_id)
    with store.write():
        store.conn.execute("DELETE FROM appointments WHERE id = ?", (current["id"],))
        store.audit("delete", "appointments", current["id"])
    return current

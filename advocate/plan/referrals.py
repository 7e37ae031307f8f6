"""Referrals to partner organizations (a consulate, a clinic, a Mexican DIF office alike), with the date of
every change, linked when useful to the survivor's goal and to the appointment that accompanied it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from advocate.clients import normalize_code, require_client
from advocate.clock import now_utc, today_local
from advocate.errors import InputError, NotFound
from advocate.i18n import N_, _
from advocate.plan.common import NOTE_LIMIT, TEXT_LIMIT, clean_text, history, parse_day, parse_id, record_event

if TYPE_CHECKING:
    from advocate.store import Store

STATUSES = ("sent", "contacted", "accepted", "declined", "no-response", "completed")
STATUS_LABELS = {"sent": N_("sent"), "contacted": N_("contacted"), "accepted": N_("accepted"),
                 "declined": N_("declined"), "no-response": N_("no response"), "completed": N_("completed")}
OPEN_STATUSES = ("sent", "contacted", "accepted")
WAITING_STATUSES = ("sent", "contacted")  # no answer from the partner yet
COLUMNS = ("id", "client_code", "service_id", "service_name", "categories", "country", "reason", "release_id",
           "goal_id", "appointment_id", "status", "sent", "accepted", "created", "updated")


@dataclass
class Referral:
    """A referral as stored, with the warnings a person should read (no release on file, ...)."""

    record: dict
    warnings: list[str] = field(default_factory=list)


def normalize_status(text: str) -> str:
    key = (text or "").strip().lower().replace("_", "-").replace(" ", "-")
    if key == "noresponse":
        key = "no-response"
    if key not in STATUSES:
        raise InputError(_('"{text}" is not a referral status; expected one of: {statuses}').format(
            text=text, statuses=", ".join(STATUSES)), field="status")
    return key


def _check_links(store: Store, code: str, goal, appointment, release) -> tuple[int | None, int | None, int | None]:
    """Each link exists and belongs to the same client."""
    out: list[int | None] = []
    for value, table, what, col in ((goal, "goals", _("goal"), "goal"),
                                    (appointment, "appointments", _("appointment"), "appointment"),
                                    (release, "releases", _("release"), "release")):
        if value is None or str(value).strip() == "":
            out.append(None)
            continue
        n = parse_id(value, what=what, field=col)
        row = store.conn.execute(f"SELECT client_code FROM {table} WHERE id = ?", (n,)).fetchone()
        if not row:
            raise NotFound(_("no {what} number {id}").format(what=what, id=n), field=col)
        if row[0] != code:
            raise InputError(_("{what} {id} belongs to another client").format(what=what, id=n), field=col)
        out.append(n)
    return out[0], out[1], out[2]


def add_referral(store: Store, client: str, service: str, *, reason: str | None = None, release: str | None = None,
                 goal: str | None = None, appointment: str | None = None, sent: str | None = None,
                 note: str | None = None) -> Referral:
    """Record a referral sent today (or on ``sent``). Warns, never refuses, when no release is on file: the
    survivor may have chosen to make the call themselves, with nothing shared by the agency."""
    from advocate.directory.search import get_service
    from advocate.plan.releases import STATE_LABELS, get_release, release_for

    code = normalize_code(client)
    reason = clean_text(reason, limit=TEXT_LIMIT, what=_("the reason"), field="reason")
    note = clean_text(note, limit=NOTE_LIMIT, what=_("a note"), field="note")
    sent_day = parse_day(sent, field="sent", what=_("the date it was sent")) or date.today().isoformat()
    require_client(store, code)
    svc = get_service(store, service)
    goal_id, appt_id, release_id = _check_links(store, code, goal, appointment, release)
    warnings = []
    rel: dict | None
    if release_id is not None:
        rel = get_release(store, release_id)
        state = rel["state"]
        if state != "in-force":
            label = STATE_LABELS[state]
            warnings.append(_("release {id} is {state}: nothing may be shared under it").format(
                id=release_id, state=_(label)))
    else:
        rel = release_for(store, code, svc)
        if rel:
            release_id = rel["id"]
        else:
            warnings.append(_("no release of information is on file for {name}: share nothing about the person "
                              "until they sign one for this recipient (see `advocate checklist show consent`), "
                              "or let them make the contact themselves").format(name=svc["name"]))
    now = now_utc()
    with store.write():
        cur = store.conn.execute(
            f"INSERT INTO referrals ({', '.join(COLUMNS[1:])}) VALUES ({', '.join('?' * (len(COLUMNS) - 1))})",
            (code, svc["id"], svc["name"], ",".join(svc.get("categories") or []), svc.get("country"), reason,
             release_id, goal_id, appt_id, "sent", sent_day, None, now, now))
        rid = cur.lastrowid
        assert rid is not None  # the cursor of an INSERT
        record_event(store, code, "referral", rid, "sent", note, sent_day if sent else now)
        store.audit("create", "referrals", rid)
    return Referral(get_referral(store, rid), warnings)


def get_referral(store: Store, referral_id, *, with_history: bool = False) -> dict:
    rid = parse_id(referral_id, what=_("referral"), field="referral")
    row = store.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM referrals WHERE id = ?", (rid,)).fetchone()
    if not row:
        raise NotFound(_("no referral number {id}; see `advocate referrals list`").format(id=rid), field="referral")
    ref = _shape(row)
    if with_history:
        ref["history"] = history(store, "referral", rid)
    return ref


def _shape(row) -> dict:
    ref = dict(zip(COLUMNS, row, strict=True))
    ref["client"] = ref.pop("client_code")
    ref["categories"] = [c for c in (ref["categories"] or "").split(",") if c]
    return ref


def list_referrals(store: Store, *, client: str | None = None, statuses: list[str] | None = None) -> list[dict]:
    where, params = [], []
    if client:
        where.append("client_code = ?")
        params.append(require_client(store, client))
    if statuses:
        keys = [normalize_status(s) for s in statuses]
        where.append(f"status IN ({','.join('?' * len(keys))})")
        params += keys
    sql = (f"SELECT {', '.join(COLUMNS)} FROM referrals" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY client_code, id")
    return [_shape(r) for r in store.conn.execute(sql, params)]


def update_referral(store: Store, referral_id, *, status: str | None = None, note: str | None = None,
                    on: str | None = None, goal: str | None = None, appointment: str | None = None,
                    release: str | None = None) -> dict:
    """A new status (dated today unless ``on``), a note, or a link to a goal, an appointment or a release."""
    ref = get_referral(store, referral_id)
    new_status = normalize_status(status) if status else None
    note = clean_text(note, limit=NOTE_LIMIT, what=_("a note"), field="note")
    day = parse_day(on, field="on", what=_("the date of the change"))
    if day and day > date.today().isoformat():
        raise InputError(_("{day} is in the future; a change is recorded when it happened").format(day=day),
                         field="on")
    if day and day < ref["sent"]:
        raise InputError(_("{day} is before the referral was sent ({sent})").format(day=day, sent=ref["sent"]),
                         field="on")
    goal_id, appt_id, release_id = _check_links(store, ref["client"], goal, appointment, release)
    if not any(v is not None for v in (new_status, note, goal_id, appt_id, release_id)):
        raise InputError(_("nothing to change; give a status, a note, or a goal, appointment or release to link"),
                         field="status")
    now = now_utc()
    sets, params = ["updated = ?"], list[object]([now])
    if new_status:
        sets.append("status = ?")
        params.append(new_status)
        if new_status == "accepted" and not ref["accepted"]:
            sets.append("accepted = ?")
            params.append(day or today_local())
    for col, value in (("goal_id", goal_id), ("appointment_id", appt_id), ("release_id", release_id)):
        if value is not None:
            sets.append(f"{col} = ?")
            params.append(value)
    with store.write():
        store.conn.execute(f"UPDATE referrals SET {', '.join(sets)} WHERE id = ?", (*params, ref["id"]))
        if new_status or note:
            record_event(store, ref["client"], "referral", ref["id"], new_status or ref["status"], note,
                         day or now)
        store.audit("update", "referrals", ref["id"])
    return get_referral(store, ref["id"], with_history=True)


def last_change(store: Store, referral_id: int) -> str:
    row = store.conn.execute("SELECT max(at) FROM plan_events WHERE kind = 'referral' AND ref_id = ?",
                             (referral_id,)).fetchone()
    return (row[0] or "")[:10]

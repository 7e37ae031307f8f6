"""What needs the advocate's attention today: appointments coming up, referrals with no answer, goals past their
target date, checklists left half-filled, releases about to end. Each entry says why it is there."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from advocate.i18n import N_

if TYPE_CHECKING:
    from advocate.store import Store

KINDS = {"appointment": N_("appointment"), "referral": N_("referral"), "goal": N_("goal"),
         "checklist": N_("checklist"), "release": N_("release")}
REASONS = {
    "upcoming": N_("coming up"),
    "unmarked": N_("past, outcome not recorded"),
    "no-response": N_("no answer from the partner"),
    "past-target": N_("past its target date"),
    "half-filled": N_("half-filled"),
    "expiring": N_("release ends soon"),
}


@dataclass
class AgendaItem:
    kind: str  # appointment | referral | goal | checklist | release
    reason: str  # a key of REASONS
    client: str
    ref: str  # the id to act on (appointment/referral/goal/release number, checklist name)
    due: str  # the date that puts it on the list (YYYY-MM-DD)
    days: int  # days from today to ``due`` (negative: overdue)
    detail: str  # short, from the record itself (a type, a service name, the goal's words)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class AgendaSettings:
    days_ahead: int = 7  # appointments in the next N days
    referral_days: int = 14  # a referral sent/contacted with no change for N days needs a follow-up
    release_days: int = 14  # releases ending within N days


def agenda(store: Store, *, client: str | None = None, settings: AgendaSettings | None = None,
           today: date | None = None, checklists: dict | None = None) -> list[AgendaItem]:
    """Everything that needs attention, most urgent first (overdue, then by date).

    ``checklists`` maps a checklist id to its document (to tell a half-filled one); leave it out to skip them.
    """
    from advocate.appointments.log import list_appointments
    from advocate.clients import require_client
    from advocate.plan.goals import list_goals
    from advocate.plan.referrals import WAITING_STATUSES, last_change, list_referrals
    from advocate.plan.releases import list_releases

    cfg = settings or AgendaSettings()
    today = today or date.today()
    code = require_client(store, client) if client else None
    items: list[AgendaItem] = []

    def add(kind, reason, who, ref, due: date, detail):
        items.append(AgendaItem(kind, reason, who, str(ref), due.isoformat(), (due - today).days, detail or ""))

    now = datetime.now(UTC)
    # every scheduled appointment up to the horizon, however old: one whose outcome was never recorded stays here
    # until it is (it counts in the funder report only once it is marked)
    for a in list_appointments(store, client=code, status="scheduled", end=today + timedelta(days=cfg.days_ahead)):
        starts = datetime.fromisoformat(a["starts"])
        day = starts.date()
        if a["status"] != "scheduled":
            continue
        if starts.astimezone(UTC) >= now:
            if day <= today + timedelta(days=cfg.days_ahead):
                add("appointment", "upcoming", a["client"], a["id"], day,
                    f'{a["type"]} {starts.strftime("%H:%M")} ({a["tz"]})' + (f' - {a["place"]}' if a["place"] else ""))
        else:
            add("appointment", "unmarked", a["client"], a["id"], day, a["type"])
    for r in list_referrals(store, client=code, statuses=list(WAITING_STATUSES)):
        last = date.fromisoformat((last_change(store, r["id"]) or r["sent"])[:10])
        due = last + timedelta(days=cfg.referral_days)
        if due <= today:
            add("referral", "no-response", r["client"], r["id"], due, r["service_name"])
    for g in list_goals(store, client=code, open_only=True):
        if g["target"] and g["status"] == "working" and date.fromisoformat(g["target"]) < today:
            add("goal", "past-target", g["client"], g["id"], date.fromisoformat(g["target"]), g["text"])
    for rel in list_releases(store, client=code, in_force=True):
        end = date.fromisoformat(rel["expires"])
        if end <= today + timedelta(days=cfg.release_days):
            add("release", "expiring", rel["client"], rel["id"], end, rel["recipient"])
    if checklists:
        items += _half_filled(store, code, checklists, today)
    order = {"appointment": 0, "referral": 1, "release": 2, "goal": 3, "checklist": 4}
    # appointments of one day stay in the order they start (the listing's); the others by client and id
    items.sort(key=lambda i: (order[i.kind], i.reason != "upcoming", i.due)
               + (() if i.kind == "appointment" else (i.client, i.ref)))
    return items


def _half_filled(store: Store, code: str | None, checklists: dict, today: date) -> list[AgendaItem]:
    """Checklists with answers whose first-meeting questions are not all answered yet; the detail is
    "answered/all", counted as `checklist status` counts (:func:`advocate.checklists.progress.progress`)."""
    from advocate.checklists.progress import answers, progress

    sql = "SELECT DISTINCT client_code, checklist FROM checklist_progress"
    params: list = []
    if code:
        sql += " WHERE client_code = ?"
        params.append(code)
    out = []
    for who, cid in store.conn.execute(sql + " ORDER BY client_code, checklist", params).fetchall():
        doc = checklists.get(cid)
        if doc is None:
            continue
        p = progress(doc, answers(store, who, cid))
        if p["first_open"] and p["updated"]:
            day = date.fromisoformat(p["updated"][:10])
            out.append(AgendaItem("checklist", "half-filled", who, cid, day.isoformat(), (day - today).days,
                                  f'{p["answered"]}/{p["answered"] + p["open"]}'))
    return out

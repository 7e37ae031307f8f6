"""Releases of information: the survivor's written, time-limited consent to share with ONE recipient.

Only the fact of a release is kept here (recipient, dates); the signed paper stays where the agency keeps it.
VAWA (34 U.S.C. 12291(b)(2)) asks for informed, written, reasonably time-limited consent before anything that
identifies a survivor is shared; a release is never a condition of service.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from advocate.clients import normalize_code, require_client
from advocate.clock import now_utc
from advocate.errors import InputError, NotFound
from advocate.i18n import N_, _
from advocate.plan.common import NOTE_LIMIT, TEXT_LIMIT, clean_text, parse_day, parse_id

if TYPE_CHECKING:
    from advocate.store import Store

STATE_LABELS = {"in-force": N_("in force"), "expired": N_("expired"), "revoked": N_("revoked")}
DEFAULT_MONTHS = 6  # a release with no end date given ends after six months, never "until revoked"


def add_release(store: Store, client: str, *, recipient: str | None = None, service: str | None = None,
                signed: str | None = None, expires: str | None = None, note: str | None = None) -> dict:
    code = normalize_code(client)
    if not recipient and not service:
        raise InputError(_("a release names its recipient: a service from the directory or an organization"),
                         field="recipient")
    svc = None
    if service:
        from advocate.directory.search import get_service

        svc = get_service(store, service)
    who = clean_text(recipient, limit=TEXT_LIMIT, what=_("the recipient"), field="recipient") or (svc["name"] if svc else None)
    if not who:  # a recipient of blanks and no service
        raise InputError(_("a release names its recipient: a service from the directory or an organization"),
                         field="recipient")
    signed_day = parse_day(signed, field="signed", what=_("the signing date")) or date.today().isoformat()
    expires_day = parse_day(expires, field="expires", what=_("the end date"))
    if expires_day is None:
        expires_day = (date.fromisoformat(signed_day) + timedelta(days=round(DEFAULT_MONTHS * 30.44))).isoformat()
    if expires_day <= signed_day:
        raise InputError(_("the release ends on {end}, which is not after it was signed ({signed})").format(
            end=expires_day, signed=signed_day), field="expires")
    note = clean_text(note, limit=NOTE_LIMIT, what=_("a note"), field="note")
    require_client(store, code)
    with store.write():
        cur = store.conn.execute(
            "INSERT INTO releases (client_code, recipient, service_id, signed, expires, note, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (code, who, svc["id"] if svc else None, signed_day, expires_day, note,
                                              now_utc()))
        store.audit("create", "releases", cur.lastrowid)
    return get_release(store, cur.lastrowid)


def get_release(store: Store, release_id) -> dict:
    rid = parse_id(release_id, what=_("release"), field="release")
    row = store.conn.execute("SELECT id, client_code, recipient, service_id, signed, expires, revoked, note"
                             " FROM releases WHERE id = ?", (rid,)).fetchone()
    if not row:
        raise NotFound(_("no release number {id}; see `advocate releases list`").format(id=rid), field="release")
    return _row(row)


def _row(row, today: date | None = None) -> dict:
    keys = ("id", "client", "recipient", "service_id", "signed", "expires", "revoked", "note")
    rel = dict(zip(keys, row, strict=True))
    today_s = (today or date.today()).isoformat()
    rel["state"] = "revoked" if rel["revoked"] else ("expired" if rel["expires"] < today_s else "in-force")
    return rel


def list_releases(store: Store, *, client: str | None = None, in_force: bool = False) -> list[dict]:
    where, params = [], []
    if client:
        where.append("client_code = ?")
        params.append(require_client(store, client))
    rows = store.conn.execute("SELECT id, client_code, recipient, service_id, signed, expires, revoked, note"
                              " FROM releases" + (" WHERE " + " AND ".join(where) if where else "")
                              + " ORDER BY client_code, id", params)
    out = [_row(r) for r in rows]
    return [r for r in out if r["state"] == "in-force"] if in_force else out


def revoke_release(store: Store, release_id, *, on: str | None = None) -> dict:
    """The survivor took the consent back: nothing more may be shared (what was sent is not recalled)."""
    rel = get_release(store, release_id)
    if rel["revoked"]:
        raise InputError(_("release {id} was already revoked on {day}").format(id=rel["id"], day=rel["revoked"]),
                         field="release")
    day = parse_day(on, field="revoked", what=_("the date it was revoked")) or date.today().isoformat()
    with store.write():
        store.conn.execute("UPDATE releases SET revoked = ? WHERE id = ?", (day, rel["id"]))
        store.audit("revoke", "releases", rel["id"])
    return get_release(store, rel["id"])


def release_for(store: Store, code: str, service: Mapping[str, Any], today: date | None = None) -> dict | None:
    """A release in force for this client naming this service (by id, or its name or organization's name)."""
    names = {n.casefold() for n in (service.get("name"), service.get("organization")) if n}
    for rel in list_releases(store, client=code):
        rel = _row((rel["id"], rel["client"], rel["recipient"], rel["service_id"], rel["signed"], rel["expires"],
                    rel["revoked"], rel["note"]), today)
        if rel["state"] != "in-force":
            continue
        if rel["service_id"] == service["id"] or rel["recipient"].casefold() in names:
            return rel
    return None

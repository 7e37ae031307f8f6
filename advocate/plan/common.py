"""What goals, releases and referrals share: dates, short free text, the history of status changes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from advocate.errors import InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

NOTE_LIMIT = 500
TEXT_LIMIT = 300


def clean_text(value: str | None, *, limit: int, what: str, field: str, required: bool = False) -> str | None:
    """Free text as said (any language), without control characters, within ``limit`` characters."""
    from advocate.textnorm import strip_control

    text = strip_control(value or "", keep_newlines=False).strip() if value is not None else ""
    if not text:
        if required:
            raise InputError(_("{what} cannot be empty").format(what=what), field=field)
        return None
    if len(text) > limit:
        raise InputError(_("{what} is limited to {limit} characters (this one has {n}); keep names and stories "
                           "out of it").format(what=what, limit=limit, n=len(text)), field=field)
    return text


def parse_day(value: str | None, *, field: str, what: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(_('"{value}" is not a date for {what}; write it as YYYY-MM-DD, for example 2027-03-15')
                         .format(value=value, what=what), field=field) from None


def parse_id(value, *, what: str, field: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = 0
    if n <= 0:
        raise InputError(_('"{value}" is not a {what} number').format(value=value, what=what), field=field)
    return n


def record_event(store: Store, code: str, kind: str, ref_id: int, status: str, note: str | None, at: str) -> None:
    store.conn.execute("INSERT INTO plan_events (client_code, kind, ref_id, status, note, at) VALUES (?, ?, ?, ?, ?, ?)",
                       (code, kind, ref_id, status, note, at))


def history(store: Store, kind: str, ref_id: int) -> list[dict]:
    rows = store.conn.execute("SELECT at, status, note FROM plan_events WHERE kind = ? AND ref_id = ? ORDER BY id",
                              (kind, ref_id))
    return [{"at": at, "status": status, "note": note} for at, status, note in rows]

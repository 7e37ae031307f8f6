"""National rows for a place: which lines work from where, and the survivor-first order.

* **Dialling scope.** Every line of a bundled record says from which countries it can be dialled. The
  national rows for a place are the records with a line that works from the place's country (or, for a
  record with no line, a web-only record of that country); ``dial_from`` chooses another country, or
  ``"all"``. Each row keeps only the lines that work from there, so a U.S. 1-800 number is never shown
  for a place in Mexico unless asked for.
* **Order.** Curated, not alphabetical: records carry a ``priority`` (bands in
  ``advocate.directory.bundled.PRIORITY_BANDS``: trafficking hotline 10, crisis 20, DV/SA 25, consular
  30, ...). A record of another country never comes before the place's own trafficking, crisis, DV and
  sexual-assault lines (it ranks after band 25, keeping its own order among the foreign rows); ties go to
  the place's own country, then the name.
* **Law enforcement.** A record whose only role is reporting to police or immigration authorities
  (``law_enforcement``) is never in a default lookup: only when ``law-enforcement`` is among the
  requested categories.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from advocate.defaults import STALE_AFTER_MONTHS
from advocate.directory.search import Filters, fetch_services, kept_answer

if TYPE_CHECKING:
    from advocate.directory.search import ServiceRow
    from advocate.store import Store

LAW_ENFORCEMENT = "law-enforcement"
DIAL_CHOICES = ("US", "MX", "all")


def dialling_country(place_country: str | None, dial_from: str | None = None) -> str:
    """The country whose lines to show: ``dial_from`` when given, else the place's (US or MX), else all."""
    if dial_from:
        choice = dial_from.strip()
        if choice.lower() == "all":
            return "all"
        if choice.upper() in DIAL_CHOICES:
            return choice.upper()
        from advocate.errors import InputError
        from advocate.i18n import _

        raise InputError(_('"{value}" is not a dialling country; use US, MX or all').format(value=dial_from),
                         field="national_from")
    country = (place_country or "").upper()
    return country if country in ("US", "MX") else "all"


def wants_law_enforcement(filters: Filters) -> bool:
    return filters.asks_enforcement()


def national_services(store: Store, filters: Filters | None = None, *, place_country: str = "", dial_from: str | None = None,
                      stale_months: int = STALE_AFTER_MONTHS) -> list[ServiceRow]:
    """National rows for a place in ``place_country``, survivor-first, lines limited to where they work."""
    filters = filters or Filters()
    country = dialling_country(place_country, dial_from)
    with store.read():  # one snapshot: a service made hidden between reading the ids and the rows is not shown
        return _national_services(store, filters, place_country, country, stale_months)


def _national_services(store: Store, filters: Filters, place_country: str, country: str,
                       stale_months: int) -> list[ServiceRow]:
    """The rows, read once per store state and the same question (:func:`kept_answer`); callers get copies."""
    from datetime import date

    def make():
        rows = _national_rows(store, filters, place_country, country, stale_months)
        return [(r, tuple(k for k, v in r.items() if type(v) is list)) for r in rows]

    variant = (repr(filters), (place_country or "").upper(), country, stale_months, date.today())
    return [_copy_row(r, lists) for r, lists in kept_answer(store, "_national_rows", variant, make)]


def _copy_row(row: ServiceRow, lists: tuple[str, ...]) -> ServiceRow:
    """A row callers may change without changing the kept one: its lists (the keys in ``lists``, found when
    the row was kept) and the line dicts in them copied too."""
    out: dict[str, Any] = dict(row)
    for k in lists:
        out[k] = [dict(x) if type(x) is dict else x for x in out[k]]
    return cast("ServiceRow", out)


def _national_rows(store: Store, filters: Filters, place_country: str, country: str, stale_months: int) -> list[ServiceRow]:
    where, params = filters.sql()
    ids = [r[0] for r in store.conn.execute(
        f"SELECT s.id FROM services s WHERE s.scope = 'national' AND {where}", params)]
    rows = fetch_services(store, ids, stale_months=stale_months)
    home = (place_country or "").upper()
    out = []
    for row in rows:
        lines = row.get("lines") or []
        if country != "all":
            usable = [ln for ln in lines if country in ln["from"]]
            if lines and not usable:
                continue
            if not lines and row.get("country") != country:
                continue
            row["lines"] = usable
        row["dialled_from"] = country
        _summarise(row)
        out.append(row)
    out.sort(key=lambda r: rank_key(r, home))
    return out


FOREIGN_AFTER = 25  # the last band a record of another country may not come before (DV and sexual-assault lines)


def rank_key(row: Mapping[str, Any], home: str) -> tuple:
    """Survivor-first: the priority band, except that another country's record (Mexico's trafficking line in a
    U.S. lookup, 988 in a Mexican one with --national-from all) waits until after the place's own crisis, DV
    and sexual-assault lines; then the place's own country first, then the name."""
    pri = row.get("priority")
    pri = pri if pri is not None else 50
    foreign = bool(home) and (row.get("country") or "") != home
    band = max(pri, FOREIGN_AFTER + 1) if foreign else pri
    return (band, foreign, pri, (row.get("name") or "").casefold())


def _summarise(row: ServiceRow) -> None:
    """The plain phone/text columns from the lines that are shown (what a table or CSV prints)."""
    lines = row.get("lines") or []
    if not lines:
        return
    phones = [ln["number"] for ln in lines if ln["kind"] == "phone"]
    others = [line_text(ln, with_scope=False) for ln in lines if ln["kind"] != "phone"]
    row["phone"] = "; ".join(phones) or None
    row["text_line"] = "; ".join(others) or None


KIND_LABELS = {"phone": "call", "text": "text", "whatsapp": "WhatsApp", "tty": "TTY", "chat": "chat"}
KIND_LABELS_ES = {"phone": "llamar", "text": "mensaje de texto", "whatsapp": "WhatsApp", "tty": "TTY", "chat": "chat"}


def line_text(line: Mapping[str, Any], *, with_scope: bool = True, spanish: bool = False) -> str:
    """One line in words: "call 1-888-373-7888 (24/7) - from US"."""
    kinds = KIND_LABELS_ES if spanish else KIND_LABELS
    text = f'{kinds.get(line["kind"], line["kind"])} {line["number"]}'
    label = (line.get("label_es") if spanish else None) or line.get("label")
    if label:
        text += f" ({label})"
    if with_scope:
        frm = " + ".join(line.get("from") or [])
        text += (" - desde " if spanish else " - from ") + frm
    return text

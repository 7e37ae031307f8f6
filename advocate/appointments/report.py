"""Funder reports with small-cell suppression.

Counts are aggregate only. Cells from 1 to ``suppress_below - 1`` show as "<N"; when a breakdown
has exactly one suppressed cell, the next smallest cell is suppressed too (complementary
suppression), so a hidden cell cannot be worked out from the total.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from advocate.appointments.log import from_utc_text, parse_date, types
from advocate.errors import InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

DIMENSIONS = ("type", "voca_family", "otip_category", "language", "month")


def period_from(month: str | None = None, start: str | None = None, end: str | None = None) -> tuple[date, date]:
    if month and (start or end):
        raise InputError(_("give a month, or a start and an end date, not both"), field=("month", "from", "to"))
    if month:
        try:
            first = date.fromisoformat(month.strip() + "-01")
        except ValueError:
            raise InputError(_('"{month}" is not a month; write it as YYYY-MM, for example 2026-12').format(month=month)) from None
        nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return first, nxt - timedelta(days=1)
    if not (start and end):
        raise InputError(_("give a month (YYYY-MM), or both a start and an end date (YYYY-MM-DD)"),
                         field=("month", "from", "to"))
    a, b = parse_date(start, _("start date"), field="from"), parse_date(end, _("end date"), field="to")
    if b < a:
        raise InputError(_("the end date {end} is before the start date {start}").format(end=b, start=a), field=("from", "to"))
    return a, b


def fiscal_year_start(d: date) -> date:
    """U.S. federal fiscal year: October 1 to September 30 (VOCA counts a client as new once per FY)."""
    return date(d.year if d.month >= 10 else d.year - 1, 10, 1)


def _local_date(starts_utc: str, tz: str) -> date:
    return from_utc_text(starts_utc).astimezone(ZoneInfo(tz)).date()


def build_report(store: Store, start: date, end: date, *, by: list[str] | None = None, suppress_below: int = 5) -> dict:
    by = by or ["type", "voca_family", "language"]
    for dim in by:
        if dim not in DIMENSIONS:
            raise InputError(_('"{dim}" is not a report breakdown; expected some of: {DIMENSIONS}').format(dim=dim, DIMENSIONS=', '.join(DIMENSIONS)))
    if suppress_below < 0 or suppress_below > 100:
        raise InputError(_("the small-count threshold takes a number from 0 (off) to 100"), field="suppress_below")
    # look a day either side in UTC, then filter on each appointment's own local date
    lo = datetime.combine(start - timedelta(days=1), time(0), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    hi = datetime.combine(end + timedelta(days=2), time(0), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fy = fiscal_year_start(start)
    fy_lo = datetime.combine(fy - timedelta(days=1), time(0), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = store.conn.execute(
        "SELECT client_code, starts_utc, tz, duration_min, type, interpreter_language, status FROM appointments"
        " WHERE starts_utc >= ? AND starts_utc < ?", (min(lo, fy_lo), hi)).fetchall()
    in_period, earlier_in_fy = [], set()
    for code, s, tz, dur, kind, lang, status in rows:
        d = _local_date(s, tz)
        if start <= d <= end:
            in_period.append((code, d, dur, kind, lang, status))
        elif fy <= d < start and status == "attended":
            earlier_in_fy.add(code)
    attended = [r for r in in_period if r[5] == "attended"]
    clients = {r[0] for r in attended}
    no_show = sum(1 for r in in_period if r[5] == "no-show")
    t = types()
    summary = {
        "unique_clients_served": len(clients),
        "new_clients": len(clients - earlier_in_fy),
        "continuing_clients": len(clients & earlier_in_fy),
        "accompaniments": len(attended),
        "hours": round(sum(r[2] for r in attended) / 60, 1),
        "no_shows": no_show,
        "no_show_rate": round(no_show / (no_show + len(attended)), 3) if (no_show + len(attended)) else None,
        "scheduled_not_yet_marked": sum(1 for r in in_period if r[5] == "scheduled"),
        "cancelled_or_rescheduled": sum(1 for r in in_period if r[5] in ("cancelled", "rescheduled")),
    }

    def key(r, dim):
        code, d, dur, kind, lang, status = r
        if dim == "type":
            return kind
        if dim in ("voca_family", "otip_category"):
            return t.get(kind, {}).get(dim, "unknown")
        if dim == "language":
            return lang or "none"
        return d.strftime("%Y-%m")

    breakdowns = {}
    suppressed_any = False
    for dim in by:
        cells: dict[str, dict] = defaultdict(lambda: {"accompaniments": 0, "clients": set(), "minutes": 0})
        for r in attended:
            c = cells[key(r, dim)]
            c["accompaniments"] += 1
            c["clients"].add(r[0])
            c["minutes"] += r[2]
        table = [{dim: k, "accompaniments": v["accompaniments"], "clients": len(v["clients"]),
                  "hours": round(v["minutes"] / 60, 1)} for k, v in sorted(cells.items())]
        if suppress_below:
            suppressed_any |= suppress(table, ["accompaniments", "clients"], suppress_below)
        breakdowns[dim] = table
    if suppress_below:
        suppressed_any |= _suppress_summary(summary, suppress_below)
    from advocate.plan.report import plan_report

    plan = plan_report(store, start, end, suppress_below=suppress_below)
    suppressed_any |= plan.pop("suppression_applied")
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "fiscal_year_start": fy.isoformat()},
        "summary": summary,
        "breakdowns": breakdowns,
        "plan": plan,
        "suppression": {"threshold": suppress_below, "applied": suppressed_any,
                        "rule": f"counts from 1 to {suppress_below - 1} shown as <{suppress_below}, with complementary "
                                "suppression" if suppress_below else "off"},
    }


def _small(v, n) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 < v < n


def suppress(table: list[dict], columns: list[str], n: int) -> bool:
    """Replace small counts in each column by "<n"; hours of a hidden row are hidden too. Returns True if any."""
    applied = False
    for col in columns:
        small = [i for i, row in enumerate(table) if _small(row[col], n)]
        if len(small) == 1:  # complementary: hide the next smallest so the total does not give it away
            others = sorted((row[col], i) for i, row in enumerate(table) if i not in small and isinstance(row[col], int)
                            and row[col] > 0)
            if others:
                small.append(others[0][1])
        for i in small:
            table[i][col] = f"<{n}" if _small(table[i][col], n) else "suppressed"
            if "hours" in table[i]:
                table[i]["hours"] = "suppressed"
            applied = True
    return applied


def _suppress_summary(summary: dict, n: int) -> bool:
    applied = False
    pairs = [("new_clients", "continuing_clients")]
    for a, b in pairs:  # new + continuing = unique: hiding one needs hiding the other (zeros reveal nothing)
        if _small(summary[a], n) or _small(summary[b], n):
            for k in (a, b):
                if summary[k]:
                    summary[k] = f"<{n}" if _small(summary[k], n) else "suppressed"
            applied = True
    for k in ("unique_clients_served", "accompaniments", "no_shows", "scheduled_not_yet_marked",
              "cancelled_or_rescheduled"):
        if _small(summary[k], n):
            summary[k] = f"<{n}"
            applied = True
            if k in ("accompaniments", "no_shows"):
                summary["no_show_rate"] = "suppressed"
            if k == "accompaniments":
                summary["hours"] = "suppressed"
    return applied


def report_rows(report: dict) -> list[dict]:
    """Flatten a report for csv/tsv: one row per (section, key) with its counts."""
    rows = [{"section": "summary", "key": k, "value": v} for k, v in report["summary"].items()]
    for dim, table in report["breakdowns"].items():
        for row in table:
            for col in ("accompaniments", "clients", "hours"):
                rows.append({"section": f"by_{dim}", "key": f"{row[dim]}:{col}", "value": row[col]})
    plan = report.get("plan") or {"summary": {}, "breakdowns": {}}
    rows += [{"section": "plan", "key": k, "value": v} for k, v in plan["summary"].items()]
    for name, table in plan["breakdowns"].items():
        for row in table:
            label, *counts = row
            for col in counts:
                rows.append({"section": name, "key": f"{row[label]}:{col}", "value": row[col]})
    rows.append({"section": "suppression", "key": "applied", "value": report["suppression"]["applied"]})
    return rows

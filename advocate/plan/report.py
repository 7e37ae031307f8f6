"""The plan's part of the funder report: goals set and reached by area, referrals by category, outcome and
country, and the median days from a referral to its acceptance - aggregates only, small cells suppressed
exactly as the accompaniment counts are."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocate.store import Store


def plan_report(store: Store, start: date, end: date, *, suppress_below: int = 5) -> dict:
    from advocate.appointments.report import _small, suppress

    lo, hi = start.isoformat(), end.isoformat()
    goals_set = store.conn.execute(
        # created is a UTC stamp; the period is in the machine's days, as the dated columns below are
        "SELECT area, client_code FROM goals WHERE date(created, 'localtime') BETWEEN ? AND ?", (lo, hi)).fetchall()
    goals_reached = store.conn.execute(
        "SELECT area, client_code FROM goals WHERE status = 'reached' AND reached BETWEEN ? AND ?", (lo, hi)).fetchall()
    refs = store.conn.execute(
        "SELECT categories, country, status, client_code, sent, accepted FROM referrals WHERE sent BETWEEN ? AND ?",
        (lo, hi)).fetchall()

    def table(pairs, key_name, count_name):
        cells: dict[str, dict] = defaultdict(lambda: {"n": 0, "clients": set()})
        for key, code in pairs:
            cells[key]["n"] += 1
            cells[key]["clients"].add(code)
        return [{key_name: k, count_name: v["n"], "clients": len(v["clients"])} for k, v in sorted(cells.items())]

    by_area_set = table(goals_set, "area", "goals")
    by_area_reached = table(goals_reached, "area", "goals")
    by_category = table([(c, code) for cats, _c, _s, code, *_ in refs for c in (cats.split(",") if cats else ["none"])],
                        "category", "referrals")
    by_outcome = table([(status, code) for _cats, _c, status, code, *_ in refs], "status", "referrals")
    by_country = table([(country or "unknown", code) for _cats, country, _s, code, *_ in refs], "country",
                       "referrals")
    waits = [(date.fromisoformat(acc) - date.fromisoformat(sent)).days for *_, sent, acc in refs if acc]
    summary: dict[str, int | float | str | None] = {
        "goals_set": len(goals_set),
        "goals_reached": len(goals_reached),
        "clients_with_goals": len({c for _a, c in goals_set}),
        "referrals": len(refs),
        "referrals_accepted": len(waits),
        "clients_referred": len({r[3] for r in refs}),
        "median_days_to_acceptance": statistics.median(waits) if waits else None,
    }
    applied = False
    if suppress_below:
        for t, col in ((by_area_set, "goals"), (by_area_reached, "goals"), (by_category, "referrals"),
                       (by_outcome, "referrals"), (by_country, "referrals")):
            applied |= suppress(t, [col, "clients"], suppress_below)
        for k in ("goals_set", "goals_reached", "clients_with_goals", "referrals", "referrals_accepted",
                  "clients_referred"):
            if _small(summary[k], suppress_below):
                summary[k] = f"<{suppress_below}"
                applied = True
        if waits and len(waits) < suppress_below:  # a median of one or two referrals is one or two people's dates
            summary["median_days_to_acceptance"] = "suppressed"
            applied = True
    return {
        "summary": summary,
        "breakdowns": {"goals_set_by_area": by_area_set, "goals_reached_by_area": by_area_reached,
                       "referrals_by_category": by_category, "referrals_by_outcome": by_outcome,
                       "referrals_by_country": by_country},
        "suppression_applied": applied,
    }

from datetime import UTC, date, datetime

import pytest

from advocate import clients as cl
from advocate.appointments import log as lg
from advocate.appointments.ics import build_calendar
from advocate.appointments.report import build_report, fiscal_year_start, period_from, suppress
from advocate.errors import InputError


def test_suppression_hides_small_and_complements():
    table = [{"k": "a", "accompaniments": 12, "clients": 9, "hours": 10},
             {"k": "b", "accompaniments": 3, "clients": 3, "hours": 2},
             {"k": "c", "accompaniments": 7, "clients": 6, "hours": 5}]
    assert suppress(table, ["accompaniments", "clients"], 5)
    acc = [r["accompaniments"] for r in table]
    assert acc == [12, "<5", "suppressed"]  # 7 hidden too, or 22 - 12 - 7 would give 3 away
    assert table[1]["hours"] == "suppressed"


def test_suppression_off_with_zero():
    table = [{"k": "a", "accompaniments": 1, "clients": 1, "hours": 1}]
    assert not suppress(table, ["accompaniments"], 0)
    assert table[0]["accompaniments"] == 1


def test_zero_is_not_suppressed():
    table = [{"k": "a", "accompaniments": 0, "clients": 0, "hours": 0},
             {"k": "b", "accompaniments": 9, "clients": 9, "hours": 9}]
    assert not suppress(table, ["accompaniments", "clients"], 5)


def test_periods():
    assert period_from("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_from(None, "2026-01-01", "2026-03-31") == (date(2026, 1, 1), date(2026, 3, 31))
    for bad in [("2026-13", None, None), (None, "2026-01-02", "2026-01-01"), (None, None, None)]:
        with pytest.raises(InputError):
            period_from(*bad)
    assert fiscal_year_start(date(2026, 12, 3)) == date(2026, 10, 1)
    assert fiscal_year_start(date(2027, 3, 3)) == date(2026, 10, 1)


AFTER = datetime(2027, 1, 1, tzinfo=UTC)  # the outcomes are recorded after the week (not before it happens)


def _week(store):
    codes = [cl.create_client(store)["code"] for _ in range(3)]
    plan = [(0, "2026-12-01 09:00", "court", "mxt", "attended"), (0, "2026-12-02 09:00", "medical", None, "attended"),
            (1, "2026-12-02 13:00", "court", "spa", "attended"), (1, "2026-12-03 10:00", "consulate", "spa", "no-show"),
            (2, "2026-12-04 11:00", "court", None, "attended"), (2, "2026-12-05 11:00", "court", None, "attended"),
            (2, "2026-12-06 11:00", "court", None, "attended")]
    for i, when, kind, lang, outcome in plan:
        a = lg.log_appointment(store, client=codes[i], when=when, tz="America/Chicago", type=kind, duration=60,
                               interpreter=lang).appointment
        lg.complete_appointment(store, a["id"], outcome, now=AFTER)
    # client 0 was served earlier in the fiscal year: continuing
    a = lg.log_appointment(store, client=codes[0], when="2026-10-15 09:00", tz="America/Chicago", type="benefits",
                           duration=30).appointment
    lg.complete_appointment(store, a["id"], "attended", now=AFTER)
    return codes


def test_report_counts_without_suppression(store):
    _week(store)
    rep = build_report(store, date(2026, 12, 1), date(2026, 12, 31), by=["type", "voca_family", "language"],
                       suppress_below=0)
    s = rep["summary"]
    assert s["unique_clients_served"] == 3 and s["accompaniments"] == 6 and s["hours"] == 6.0
    assert s["new_clients"] == 2 and s["continuing_clients"] == 1
    assert s["no_shows"] == 1 and s["no_show_rate"] == round(1 / 7, 3)
    by_type = {r["type"]: r["accompaniments"] for r in rep["breakdowns"]["type"]}
    assert by_type == {"court": 5, "medical": 1}
    assert not rep["suppression"]["applied"]


def test_report_suppresses_by_default(store):
    _week(store)
    rep = build_report(store, date(2026, 12, 1), date(2026, 12, 31), by=["type"])
    by_type = {r["type"]: r["accompaniments"] for r in rep["breakdowns"]["type"]}
    assert by_type == {"court": 5, "medical": "<5"} or by_type["court"] == "suppressed"
    assert rep["summary"]["unique_clients_served"] == "<5"
    assert rep["suppression"]["applied"]
    # no number of 1 to 4 anywhere in the output
    for table in rep["breakdowns"].values():
        for row in table:
            for k in ("accompaniments", "clients"):
                assert not (isinstance(row[k], int) and 0 < row[k] < 5)


def test_ics_round_trip_stable_uids(store):
    from icalendar import Calendar

    codes = _week(store)
    rows = lg.list_appointments(store)
    cal = Calendar.from_ical(build_calendar(rows))
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(rows)
    assert {str(e["UID"]) for e in events} == {r["uid"] for r in rows}
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    assert first.decoded("DTSTART").utcoffset().total_seconds() == -5 * 3600  # CDT in October
    assert str(first["DTSTART"].params["TZID"]) == "America/Chicago"
    assert not any(c in str(e["SUMMARY"]) for e in events for c in codes)
    with_codes = Calendar.from_ical(build_calendar(rows, with_codes=True))
    assert any(codes[0] in str(e["SUMMARY"]) for e in with_codes.walk("VEVENT"))
    again = Calendar.from_ical(build_calendar(lg.list_appointments(store)))
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}
    assert cal.walk("VTIMEZONE")

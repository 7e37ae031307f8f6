"""Goals, releases and referrals in the library: validation before any write, history, links, the agenda and
the report's plan section (suppressed like every other count)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from advocate.clients import create_client, purge_client
from advocate.errors import InputError, NotFound
from advocate.plan import goals as g
from advocate.plan import referrals as rf
from advocate.plan import releases as rl
from advocate.plan.agenda import AgendaSettings, agenda
from advocate.plan.report import plan_report


@pytest.fixture
def code(store):
    return create_client(store)["code"]


def counts(store):
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("goals", "referrals", "releases", "plan_events", "audit")}


def test_goal_words_are_kept_as_said_and_reached_is_a_dated_milestone(store, code):
    goal = g.add_goal(store, code, "  Aprender a usar el autobús  ", area="Transporte", target="2027-02-01")
    assert goal["text"] == "Aprender a usar el autobús" and goal["area"] == "transport" and goal["status"] == "working"
    done = g.update_goal(store, goal["id"], status="reached", reached_on="2026-11-20", note="Fue a la clínica")
    assert done["status"] == "reached" and done["reached"] == "2026-11-20"
    assert [h["status"] for h in done["history"]] == ["working", "reached"]
    assert done["history"][1]["note"] == "Fue a la clínica"
    back = g.update_goal(store, goal["id"], status="working")
    assert back["reached"] is None


@pytest.mark.parametrize("kwargs, field", [
    ({"text": ""}, "text"), ({"text": "x" * 301}, "text"), ({"text": "ok", "area": "spaceflight"}, "area"),
    ({"text": "ok", "target": "next week"}, "target"), ({"text": "ok", "note": "n" * 501}, "note"),
])
def test_bad_goal_input_changes_nothing(store, code, kwargs, field):
    before = counts(store)
    with pytest.raises(InputError) as err:
        g.add_goal(store, code, **kwargs)
    assert err.value.field == field and "--" not in str(err.value)
    assert counts(store) == before


def test_goal_update_needs_something_and_a_known_goal(store, code):
    goal = g.add_goal(store, code, "Un trabajo")
    with pytest.raises(InputError):
        g.update_goal(store, goal["id"])
    with pytest.raises(InputError):
        g.update_goal(store, goal["id"], status="finished")
    with pytest.raises(InputError):
        g.update_goal(store, goal["id"], reached_on="2026-01-01")
    with pytest.raises(NotFound):
        g.update_goal(store, 999, status="reached")


def test_referral_warns_without_a_release_and_finds_one_in_force(store, code):
    r = rf.add_referral(store, code, "us-988", reason="Apoyo")
    assert r.warnings and "release" in r.warnings[0] and r.record["status"] == "sent"
    assert r.record["service_name"] and r.record["categories"]
    rel = rl.add_release(store, code, service="us-988", signed=date.today().isoformat())
    assert rel["state"] == "in-force" and rel["expires"] > rel["signed"]
    r2 = rf.add_referral(store, code, "us-988")
    assert r2.warnings == [] and r2.record["release_id"] == rel["id"]
    rl.revoke_release(store, rel["id"])
    r3 = rf.add_referral(store, code, "us-988", release=str(rel["id"]))
    assert r3.warnings and "revoked" in r3.warnings[0]


def test_referral_history_acceptance_date_and_links(store, code):
    from advocate.appointments.log import log_appointment

    goal = g.add_goal(store, code, "Regularizar papeles", area="legal")
    other = create_client(store)["code"]
    other_goal = g.add_goal(store, other, "Otro")
    appt = log_appointment(store, client=code, when="2030-01-10 10:00", type="consulate", duration=60,
                           tz="America/Chicago")
    aid = appt.appointment["id"]
    ref = rf.add_referral(store, code, "mx-linea-nacional-trata", goal=str(goal["id"]), sent="2026-11-01").record
    assert ref["goal_id"] == goal["id"] and ref["country"] == "MX"
    with pytest.raises(InputError):  # another client's goal
        rf.update_referral(store, ref["id"], goal=str(other_goal["id"]))
    up = rf.update_referral(store, ref["id"], status="accepted", on="2026-11-05", appointment=str(aid))
    assert up["accepted"] == "2026-11-05" and up["appointment_id"] == aid
    assert [h["status"] for h in up["history"]] == ["sent", "accepted"]
    with pytest.raises(InputError):
        rf.update_referral(store, ref["id"], status="accepted", on="2026-10-01")  # before it was sent
    with pytest.raises(InputError):
        rf.update_referral(store, ref["id"], status="maybe")


def test_agenda_lists_what_needs_attention(store, code):
    from advocate.appointments.log import log_appointment

    today = date.today()
    stale = rf.add_referral(store, code, "us-988", sent=(today - timedelta(days=15)).isoformat()).record
    fresh = rf.add_referral(store, code, "us-rainn").record
    late = g.add_goal(store, code, "Inscribirse a la escuela", area="education",
                      target=(today - timedelta(days=3)).isoformat())
    soon = (today + timedelta(days=2)).isoformat() + " 10:00"
    log_appointment(store, client=code, when=soon, type="court", duration=60, tz="UTC")
    rel = rl.add_release(store, code, recipient="Clínica", expires=(today + timedelta(days=5)).isoformat(),
                         signed=(today - timedelta(days=30)).isoformat())
    items = agenda(store, settings=AgendaSettings(days_ahead=7, referral_days=14, release_days=14))
    got = {(i.kind, i.ref) for i in items}
    assert ("referral", str(stale["id"])) in got and ("referral", str(fresh["id"])) not in got
    assert ("goal", str(late["id"])) in got and ("release", str(rel["id"])) in got
    assert any(i.kind == "appointment" and i.reason == "upcoming" for i in items)
    assert items[0].kind == "appointment"


def test_an_unmarked_appointment_stays_on_the_agenda_however_old(store, code):
    """The README says `today` lists past appointments whose outcome was never recorded: one 40 days old dropped
    off (the agenda looked back 30 days only), and with it from the funder report's attention."""
    from advocate.appointments.log import complete_appointment, log_appointment

    today = date.today()
    old = log_appointment(store, client=code, when=f"{today - timedelta(days=400)} 10:00", type="medical",
                          duration=60, tz="UTC").appointment
    marked = log_appointment(store, client=code, when=f"{today - timedelta(days=40)} 10:00", type="court",
                             duration=60, tz="UTC").appointment
    complete_appointment(store, marked["id"], "attended")
    items = agenda(store, settings=AgendaSettings(days_ahead=7))
    unmarked = {i.ref for i in items if i.kind == "appointment" and i.reason == "unmarked"}
    assert unmarked == {str(old["id"])}


def test_report_counts_goals_and_referrals_with_suppression(store, code):
    today = date.today()
    for i in range(6):
        c = create_client(store)["code"]
        goal = g.add_goal(store, c, f"Meta {i}", area="housing")
        if i < 5:
            g.update_goal(store, goal["id"], status="reached")
        ref = rf.add_referral(store, c, "us-988").record
        if i < 5:
            rf.update_referral(store, ref["id"], status="accepted")
    month_start = today.replace(day=1)
    rep = plan_report(store, month_start, today, suppress_below=0)
    assert rep["summary"]["goals_set"] == 6 and rep["summary"]["goals_reached"] == 5
    assert rep["summary"]["referrals_accepted"] == 5 and rep["summary"]["median_days_to_acceptance"] == 0
    assert {r["status"]: r["referrals"] for r in rep["breakdowns"]["referrals_by_outcome"]} == {"accepted": 5, "sent": 1}
    sup = plan_report(store, month_start, today, suppress_below=5)
    outcome = {r["status"]: r["referrals"] for r in sup["breakdowns"]["referrals_by_outcome"]}
    # one small cell (1) would be given away by the total: the next smallest is hidden too
    assert outcome == {"accepted": "suppressed", "sent": "<5"}
    assert sup["suppression_applied"]


def test_purge_leaves_no_goal_referral_release_or_history(store, code):
    goal = g.add_goal(store, code, "Secreto del plan")
    rf.add_referral(store, code, "us-988", goal=str(goal["id"]), note="nota privada")
    rl.add_release(store, code, recipient="Abogada")
    result = purge_client(store, code)
    assert result["removed"]["goals"] == 1 and result["removed"]["referrals"] == 1
    assert result["removed"]["releases"] == 1 and result["removed"]["plan_events"] == 2
    for table in ("goals", "referrals", "releases", "plan_events"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    store.close()
    raw = store.path.read_bytes() + (store.path.with_name(store.path.name + "-wal").read_bytes()
                                     if store.path.with_name(store.path.name + "-wal").exists() else b"")
    assert b"Secreto del plan" not in raw and b"nota privada" not in raw and code.encode() not in raw


def test_a_release_to_no_one_is_refused(store, code):
    """A recipient of blanks and no service names no one: one sentence, not a TypeError."""
    for recipient in (None, "   "):
        with pytest.raises(InputError, match="names its recipient"):
            rl.add_release(store, code, recipient=recipient)
    assert rl.list_releases(store, client=code) == []


def test_agenda_lists_one_days_appointments_in_the_order_they_start(store, code):
    """`today` put a 9 p.m. appointment before the 2:30 p.m. one of the same day (sorted by id as text), and an
    evening one in a zone west of UTC missed the horizon's last day (the dates were UTC dates)."""
    from advocate.appointments.log import log_appointment

    today = date.today()
    day = today + timedelta(days=2)
    ids = [log_appointment(store, client=code, when=f"{day} {hour}", type=kind, duration=30,
                           tz="America/New_York").appointment["id"] for hour, kind in (
        ("21:00", "medical"), ("14:30", "court"), ("09:00", "legal"))]
    last = log_appointment(store, client=code, when=f"{today + timedelta(days=7)} 21:00", type="benefits",
                           duration=30, tz="America/Los_Angeles").appointment["id"]  # 05:00 UTC the day after
    items = [i for i in agenda(store, settings=AgendaSettings(days_ahead=7)) if i.kind == "appointment"]
    assert [int(i.ref) for i in items] == [ids[2], ids[1], ids[0], last]


@pytest.fixture
def chicago(monkeypatch):
    """The process in America/Chicago (C's localtime reads TZ only at tzset: set, and put back after)."""
    import time

    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_report_days_are_the_machine_s_days_not_utc_days(store, chicago):
    """A goal set in Chicago at 7 pm on 30 November is stamped 1 December in UTC: the November report counted it
    in December (and CI, run just after midnight UTC with a process whose C library still had another zone, found
    none). Goals are counted by the machine's day; a day reached or accepted by default is the machine's too."""
    c = create_client(store)["code"]
    goal = g.add_goal(store, c, "Meta", area="housing")
    store.conn.execute("UPDATE goals SET created = '2026-12-01T01:00:00+00:00' WHERE id = ?", (goal["id"],))
    rep = plan_report(store, date(2026, 11, 1), date(2026, 11, 30), suppress_below=0)
    assert rep["summary"]["goals_set"] == 1
    assert plan_report(store, date(2026, 12, 1), date(2026, 12, 31), suppress_below=0)["summary"]["goals_set"] == 0
    g.update_goal(store, goal["id"], status="reached")
    ref = rf.add_referral(store, c, "us-988").record
    rf.update_referral(store, ref["id"], status="accepted")
    today = date.today().isoformat()  # Chicago's day
    assert g.get_goal(store, goal["id"])["reached"] == today
    assert rf.get_referral(store, ref["id"])["accepted"] == today == ref["sent"]

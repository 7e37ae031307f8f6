from datetime import UTC, date, datetime, timedelta

import pytest

from advocate import clients as cl
from advocate.appointments import log as lg
from advocate.errors import InputError, NotFound

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def client(store):
    return cl.create_client(store, language="mxt")["code"]


def test_codes_are_random_and_well_formed(store):
    codes = {cl.create_client(store)["code"] for _ in range(50)}
    assert len(codes) == 50
    assert all(cl.CODE_RE.match(c) for c in codes)


def test_client_table_has_no_name_field(store):
    cols = [r[1] for r in store.conn.execute("PRAGMA table_info(clients)")]
    assert not any("name" in c for c in cols)


def test_stored_in_utc_shown_in_local_time(store, client):
    a = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="America/Chicago", type="court",
                           duration=120, now=NOW).appointment
    assert a["starts_utc"] == "2026-12-03T20:30:00Z"
    assert a["starts"] == "2026-12-03T14:30-06:00"
    assert a["voca_family"] == "Criminal/civil justice system assistance"
    assert a["otip_category"] == "Legal"


def test_dst_changes(store, client):
    # the day the clocks go back in Chicago: 01:30 happens twice; the first is taken
    a = lg.log_appointment(store, client=client, when="2026-11-01 01:30", tz="America/Chicago", type="medical",
                           duration=30, now=NOW).appointment
    assert a["starts_utc"] == "2026-11-01T06:30:00Z"
    # spring forward: 02:30 does not exist
    with pytest.raises(InputError, match="does not exist"):
        lg.log_appointment(store, client=client, when="2026-03-08 02:30", tz="America/Chicago", type="court", duration=30)
    # either side of the change, the same wall-clock time is a different UTC offset
    before = lg.log_appointment(store, client=client, when="2026-03-07 10:00", tz="America/Chicago", type="court",
                                duration=30, now=NOW).appointment
    after = lg.log_appointment(store, client=client, when="2026-03-09 10:00", tz="America/Chicago", type="court",
                               duration=30, now=NOW).appointment
    assert before["starts_utc"].endswith("16:00:00Z") and after["starts_utc"].endswith("15:00:00Z")


def test_mexico_has_no_dst_since_2022(store, client):
    a = lg.log_appointment(store, client=client, when="2026-07-01 10:00", tz="America/Mexico_City", type="consulate",
                           duration=30, now=NOW).appointment
    assert a["starts_utc"] == "2026-07-01T16:00:00Z"


def test_overlap_for_same_advocate_warns(store, client):
    lg.log_appointment(store, client=client, when="2026-12-03 14:00", tz="UTC", type="court", duration=60,
                       advocate="AB", now=NOW)
    r = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="medical", duration=30,
                           advocate="AB", now=NOW)
    assert any("overlaps" in w for w in r.warnings)
    r = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="medical", duration=30,
                           advocate="CD", now=NOW)
    assert not any("overlaps" in w for w in r.warnings)  # another advocate; the same client twice is said apart
    assert r.warnings == ["appointment 2 is already logged for " + client + " at the same time and place; "
                          "delete one if it was logged twice"]


def test_past_dates_are_allowed_and_said(store, client):
    r = lg.log_appointment(store, client=client, when="2026-01-05 09:00", tz="UTC", type="benefits", duration=30, now=NOW)
    assert any("after the fact" in w for w in r.warnings)


def test_an_appointment_for_a_closed_case_is_logged_and_warned(store, client, cli):
    """A closed case took a new appointment without a word, and a retention purge would delete it with the case."""
    cl.close_client(store, client)
    r = lg.log_appointment(store, client=client, when="2026-12-03 09:00", tz="UTC", type="court", duration=30, now=NOW)
    assert r.appointment["id"] and any(f"the case of {client} was closed on" in w for w in r.warnings)
    code = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("clients", "close", code).exit_code == 0
    out = cli("--lang", "es", "appt", "log", "--client", code, "--when", "2031-03-04 09:00", "--tz", "UTC",
              "--type", "court", "--duration", "30")
    assert out.exit_code == 0 and f"el caso {code} se cerró el" in out.stderr


@pytest.mark.parametrize("kw,msg", [
    ({"when": "tomorrow"}, "date and time"),
    ({"when": "2026-02-30 10:00"}, "real date"),
    ({"tz": "Mars/Olympus"}, "time zone"),
    ({"tz": "../../etc/passwd"}, "time zone"),
    ({"type": "party"}, "appointment type"),
    ({"duration": 0}, "out of range"),
    ({"duration": "ninety"}, "duration"),
    ({"client": "Maria"}, "client code"),
    ({"interpreter": "zz-unknown"}, "language"),
])
def test_bad_input(store, client, kw, msg):
    args = {"client": client, "when": "2026-12-03 14:30", "tz": "UTC", "type": "court", "duration": 60, **kw}
    with pytest.raises(InputError, match=msg):
        lg.log_appointment(store, **args)
    assert store.conn.execute("SELECT count(*) FROM appointments").fetchone()[0] == 0


def test_unknown_client(store):
    with pytest.raises(NotFound):
        lg.log_appointment(store, client="C-2222AA", when="2026-12-03 14:30", tz="UTC", type="court", duration=60)


def test_list_filters_complete_cancel_delete(store, client):
    ids = [lg.log_appointment(store, client=client, when=w, tz="UTC", type=t, duration=60, now=NOW).appointment["id"]
           for w, t in [("2026-11-01 10:00", "court"), ("2026-12-01 10:00", "medical"), ("2026-12-05 10:00", "court")]]
    assert [a["id"] for a in lg.list_appointments(store, upcoming=True, now=NOW)] == ids[1:]
    assert [a["id"] for a in lg.list_appointments(store, past=True, now=NOW)] == ids[:1]
    assert [a["id"] for a in lg.list_appointments(store, type="court")] == [ids[0], ids[2]]
    assert [a["id"] for a in lg.list_appointments(store, start=date(2026, 12, 1), end=date(2026, 12, 1), tz="UTC")] == [ids[1]]
    done = lg.complete_appointment(store, ids[0], "attended", "next: T-visa filing")
    assert done["status"] == "attended" and done["sequence"] == 1
    assert lg.cancel_appointment(store, ids[1])["status"] == "cancelled"
    assert [a["id"] for a in lg.list_appointments(store, upcoming=True, now=NOW)] == ids[2:]
    lg.delete_appointment(store, ids[2])
    with pytest.raises(NotFound):
        lg.get_appointment(store, ids[2])
    with pytest.raises(InputError):
        lg.complete_appointment(store, ids[0], "maybe")


def test_edit(store, client):
    a = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="court", duration=60).appointment
    b = lg.edit_appointment(store, a["id"], when="2026-12-04 09:00", tz="America/Tijuana", duration=90).appointment
    assert b["starts"] == "2026-12-04T09:00-08:00" and b["duration_min"] == 90 and b["uid"] == a["uid"]
    with pytest.raises(InputError, match="nothing to change"):
        lg.edit_appointment(store, a["id"])


def test_purge_leaves_no_trace(store, client, db_path):
    lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="court", duration=60)
    with store.write():
        store.conn.execute("INSERT INTO checklist_progress VALUES (?, 'intake', 'a1', 'yes', NULL, 'x')", (client,))
    result = cl.purge_client(store, client)
    assert result["removed"] == {"appointments": 1, "checklist_progress": 1, "clients": 1, "goals": 0, "referrals": 0,
                                 "releases": 0, "plan_events": 0}
    for (table,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
        for row in store.conn.execute(f'SELECT * FROM "{table}"'):
            assert client not in " ".join(map(str, row)), table
    store.close()
    for suffix in ("", "-wal"):
        p = db_path.with_name(db_path.name + suffix)
        if p.exists():
            assert client.encode() not in p.read_bytes()


def test_correcting_the_zone_keeps_the_clock_time_unless_asked(store):
    """09:00 logged in Chicago by mistake, meant Tijuana: the correction keeps 09:00 (issue 15)."""
    from advocate.appointments.log import edit_appointment, log_appointment
    from advocate.clients import create_client

    code = create_client(store)["code"]
    aid = log_appointment(store, client=code, when="2026-12-04 09:00", tz="America/Chicago", type="court",
                          duration=60).appointment["id"]
    fixed = edit_appointment(store, aid, tz="America/Tijuana").appointment
    assert fixed["starts"].startswith("2026-12-04T09:00") and fixed["tz"] == "America/Tijuana"
    moved = edit_appointment(store, aid, tz="America/Chicago", keep_instant=True).appointment
    assert moved["starts"].startswith("2026-12-04T11:00") and moved["tz"] == "America/Chicago"


def test_edit_says_the_result(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    aid = cli("appt", "log", "--client", code, "--when", "2026-12-04 09:00", "--tz", "America/Chicago",
              "--type", "court", "--duration", "60").stdout.strip()
    r = cli("appointments", "edit", aid, "--tz", "America/Tijuana")
    assert r.exit_code == 0 and "2026-12-04 09:00 (America/Tijuana)" in r.stderr, r


# --- issue 15: entry that validates as it goes ---------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.parametrize("text,minutes", [
    ("90", 90), ("90min", 90), ("90 min", 90), ("90 minutos", 90), ("1h30", 90), ("1h 30m", 90), ("1:30", 90),
    ("1.5h", 90), ("1,5 horas", 90), ("2h", 120), ("2 hours", 120), ("45m", 45), ("1 hora 15 minutos", 75),
])
def test_duration_in_the_words_people_use(text, minutes):
    assert lg.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["ninety", "", "1.5", "0", "25h", "1:75", "-30", "h", "90 seconds"])
def test_duration_refused_in_one_sentence(text):
    with pytest.raises(InputError) as err:
        lg.parse_duration(text)
    assert err.value.fields == ("duration",) and "\n" not in err.value.message


@given(st.integers(0, 23), st.integers(0, 59))
def test_duration_hours_and_minutes_agree_in_every_spelling(h, m):
    total = h * 60 + m
    if not 0 < total <= lg.MAX_DURATION:
        return
    spellings = [str(total), f"{total}min", f"{h}:{m:02d}"] + ([f"{h}h{m}", f"{h}h {m}m"] if h and m else [])
    assert {lg.parse_duration(s) for s in spellings} == {total}


@given(st.text(max_size=12))
def test_duration_parser_never_raises_anything_but_input_error(text):
    try:
        minutes = lg.parse_duration(text)
    except InputError:
        return
    assert 0 < minutes <= lg.MAX_DURATION


@pytest.mark.parametrize("text,expected", [
    ("2026-12-15 15:00", "2026-12-15T15:00"), ("2026-12-15 3pm", "2026-12-15T15:00"),
    ("2026-12-15 3:30 PM", "2026-12-15T15:30"), ("2026-12-15 12am", "2026-12-15T00:00"),
    ("12/15/2026 3pm", "2026-12-15T15:00"),  # only one reading: December 15
    ("15/12/2026 15:00", "2026-12-15T15:00"), ("2026-12-15T09:05", "2026-12-15T09:05"),
])
def test_when_in_clear_formats(text, expected):
    from zoneinfo import ZoneInfo

    assert lg.parse_when(text, ZoneInfo("America/Chicago")).isoformat().startswith(expected)


@pytest.mark.parametrize("text,says", [
    ("03/12/2026 3pm", "could be 2026-03-12 or 2026-12-03"), ("2026-12-15 15pm", "24-hour time with am/pm"),
    ("2026-12-15 15", "not a date and time"), ("tomorrow", "not a date and time"), ("2026-02-30 10:00", "real date"),
])
def test_when_that_is_not_clear_is_explained(text, says):
    from zoneinfo import ZoneInfo

    with pytest.raises(InputError, match=says) as err:
        lg.parse_when(text, ZoneInfo("America/Chicago"))
    assert err.value.fields == ("when",)


def test_every_bad_value_reported_at_once_and_nothing_saved(store, client):
    from advocate.errors import InputErrors

    with pytest.raises(InputErrors) as err:
        lg.log_appointment(store, client="Maria", when="03/12/2026 3pm", tz="Mars/Base", type="party",
                           duration="ninety")
    fields = [p.fields[0] for p in err.value.problems]
    assert fields == ["client", "tz", "when", "type", "duration"]
    assert store.conn.execute("SELECT count(*) FROM appointments").fetchone()[0] == 0


def test_zone_never_silently_the_machines(store, client, monkeypatch):
    monkeypatch.setenv("TZ", "America/Denver")  # even a real machine zone is not taken without being asked
    with pytest.raises(InputError, match="no time zone given") as err:
        lg.log_appointment(store, client=client, when="2026-12-03 14:30", type="court", duration=60)
    assert err.value.fields == ("tz",)
    home = lg.log_appointment(store, client=client, when="2026-12-03 14:30", type="court", duration=60,
                              home_zone="America/Tijuana")
    assert home.appointment["tz"] == "America/Tijuana" and home.zone_choice == lg.ZoneChoice("America/Tijuana", "home")


def test_zone_of_the_services_place(store, client):
    from advocate.directory.manage import add_service

    svc = add_service(store, name="Juzgado", categories=["legal-immigration"], location="Chicago, IL")
    a = lg.log_appointment(store, client=client, when="2026-12-03 14:30", type="court", duration=60,
                           service_id=svc["id"])
    assert a.appointment["tz"] == "America/Chicago" and a.zone_choice.why == "place"
    assert a.appointment["starts_utc"] == "2026-12-03T20:30:00Z"
    tj = add_service(store, name="Albergue", categories=["shelter"], location="Tijuana, BC")
    assert lg.zone_of_service(store, tj["id"]) == "America/Tijuana"


def test_same_client_time_and_place_warns(store, client):
    first = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="court", duration=60,
                               place="Juzgado 3", now=NOW)
    assert not first.warnings
    again = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="court", duration=60,
                               place="juzgado 3", now=NOW)
    assert again.warnings == [f"appointment {first.appointment['id']} is already logged for {client} at the same "
                              "time and place; delete one if it was logged twice"]
    elsewhere = lg.log_appointment(store, client=client, when="2026-12-03 14:30", tz="UTC", type="court",
                                   duration=60, place="Consulado", now=NOW)
    assert not elsewhere.warnings


def test_appointment_ids_survive_the_upgrade_with_referral_links(store, client):
    """Migration 13 rebuilds the table with AUTOINCREMENT: rows, ids and the referrals that name them are kept,
    and the counter starts past every id ever used (deleted ones included)."""
    from advocate.plan import referrals as rf
    from advocate.store import _split_sql
    from advocate.store.schema import M13_APPOINTMENT_IDS

    ids = [lg.log_appointment(store, client=client, when=f"2026-12-0{i} 10:00", tz="UTC", type="court",
                              duration=60).appointment["id"] for i in range(1, 5)]
    ref = rf.add_referral(store, client, "us-988", sent="2026-11-01").record
    rf.update_referral(store, ref["id"], appointment=str(ids[1]))
    lg.delete_appointment(store, ids[3])
    before = store.conn.execute("SELECT * FROM appointments ORDER BY id").fetchall()
    with store.write():  # run the upgrade again over this data
        for statement in _split_sql(M13_APPOINTMENT_IDS):
            store.conn.execute(statement)
    assert store.conn.execute("SELECT * FROM appointments ORDER BY id").fetchall() == before
    assert store.conn.execute("SELECT appointment_id FROM referrals WHERE id = ?", (ref["id"],)).fetchone()[0] == ids[1]
    new = lg.log_appointment(store, client=client, when="2026-12-09 10:00", tz="UTC", type="court", duration=60)
    assert new.appointment["id"] == ids[3] + 1
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_dates_are_each_appointments_own_local_dates(store, client, monkeypatch):
    """On a server whose clock is UTC, 9 p.m. in Miami on 3 December was listed under 4 December and missing from
    `appointments list --from 2026-12-03 --to 2026-12-03` (and from a calendar export of that day)."""
    monkeypatch.setenv("TZ", "UTC")
    late = lg.log_appointment(store, client=client, when="2026-12-03 21:00", tz="America/New_York", type="medical",
                              duration=30, now=NOW).appointment["id"]
    early = lg.log_appointment(store, client=client, when="2026-12-04 00:30", tz="Asia/Tokyo", type="court",
                               duration=30, now=NOW).appointment["id"]  # 15:30 UTC on 3 December
    day = date(2026, 12, 3)
    assert [a["id"] for a in lg.list_appointments(store, start=day, end=day)] == [late]
    assert [a["id"] for a in lg.list_appointments(store, start=day + timedelta(days=1), end=day + timedelta(days=1))] \
        == [early]
    assert [a["id"] for a in lg.list_appointments(store, start=day)] == [early, late]
    # a zone given names the dates
    assert [a["id"] for a in lg.list_appointments(store, start=day, end=day, tz="UTC")] == [early]

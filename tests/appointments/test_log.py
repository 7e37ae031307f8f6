from datetime import UTC, date, datetime

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
    assert not r.warnings


def test_past_dates_are_allowed_and_said(store, client):
    r = lg.log_appointment(store, client=client, when="2026-01-05 09:00", tz="UTC", type="benefits", duration=30, now=NOW)
    assert any("after the fact" in w for w in r.warnings)


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

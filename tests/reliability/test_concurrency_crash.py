"""Crashes and concurrency: kill -9 mid-write, two writers at once, backups that restore."""

import os
import subprocess
import sys

from advocate.workspace import open_store
from tests.helpers import kill_when, make_v1_store, new_client


def test_two_processes_logging_at_once_all_succeed(db_path):
    code = new_client(db_path)
    script = (
        "import sys\nfrom advocate.workspace import open_store\nfrom advocate.appointments.log import log_appointment\n"
        "s = open_store(sys.argv[1])\n"
        "for i in range(60):\n"
        "    log_appointment(s, client=sys.argv[2], when=f'2026-12-{1 + i % 28:02d} {8 + i % 10:02d}:{int(sys.argv[3]):02d}',"
        " tz='UTC', type='court', duration=30)\n"
        "print('done')\n")
    env = {**os.environ}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db_path), code, str(n)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (0, 30)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=False):
        assert p.returncode == 0, err
        assert "locked" not in err
    s = open_store(db_path)
    assert s.conn.execute("SELECT count(*) FROM appointments").fetchone()[0] == 120
    s.close()


# Logs 20 appointments, then stops inside the 21st transaction, after both of its rows (the appointment and its
# audit row) are written and before the commit, says so on stdout and waits there to be killed.
KILLED_MID_LOG = """
import sys
from advocate.appointments.log import log_appointment
from advocate.store import Store
from advocate.workspace import open_store

audit, logged = Store.audit, []


def announce(self, action, table, row_id=None):
    audit(self, action, table, row_id)
    if table == "appointments" and len(logged) == 20:
        print("inside the transaction", flush=True)
        sys.stdin.read()


Store.audit = announce
s = open_store(sys.argv[1])
for i in range(21):
    log_appointment(s, client=sys.argv[2], when=f"2026-12-{1 + i % 28:02d} 10:00", tz="UTC", type="court",
                    duration=30)
    logged.append(i)
"""


def test_kill_during_appointment_logging_is_all_or_nothing(db_path):
    """kill -9 between an appointment's write and its commit: the 20 logged before stay whole (each with its
    audit row), the 21st leaves neither of its two rows."""
    code = new_client(db_path)
    kill_when(KILLED_MID_LOG, "inside the transaction", db_path, code, stdin=subprocess.PIPE)
    s = open_store(db_path)
    assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert s.conn.execute("SELECT count(*), count(DISTINCT uid) FROM appointments").fetchone() == (20, 20)
    assert s.conn.execute("SELECT count(*) FROM audit WHERE tbl = 'appointments'").fetchone()[0] == 20
    s.close()


def test_backup_before_migration_restores(db_path, tmp_path):
    from advocate.store import restore

    make_v1_store(db_path)
    s = open_store(db_path)
    bak = s.backups[0]
    s.close()
    result = restore(bak, tmp_path / "restored.db")
    assert result["ok"] and result["schema_version"] >= 1

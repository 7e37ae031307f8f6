"""Crashes and concurrency: kill -9 mid-write, two writers at once, backups that restore."""

import os
import signal
import subprocess
import sys
import time

from advocate.workspace import open_store


def _client(db_path):
    from advocate.clients import create_client

    s = open_store(db_path)
    code = create_client(s)["code"]
    s.close()
    return code


def test_two_processes_logging_at_once_all_succeed(db_path):
    code = _client(db_path)
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


def test_kill_during_appointment_logging_is_all_or_nothing(db_path):
    code = _client(db_path)
    script = (
        "import sys\nfrom advocate.workspace import open_store\nfrom advocate.appointments.log import log_appointment\n"
        "s = open_store(sys.argv[1])\nprint('ready', flush=True)\n"
        "i = 0\n"
        "while True:\n"
        "    log_appointment(s, client=sys.argv[2], when=f'2026-12-{1 + i % 28:02d} 10:00', tz='UTC', type='court',"
        " duration=30)\n"
        "    i += 1\n")
    p = subprocess.Popen([sys.executable, "-c", script, str(db_path), code], stdout=subprocess.PIPE, text=True)
    p.stdout.readline()
    time.sleep(1.0)
    p.send_signal(signal.SIGKILL)
    p.wait()
    s = open_store(db_path)
    assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = s.conn.execute("SELECT count(*), count(DISTINCT uid) FROM appointments").fetchone()
    assert rows[0] == rows[1] and rows[0] > 0
    # every appointment row is whole: its audit row exists too (same transaction)
    audits = s.conn.execute("SELECT count(*) FROM audit WHERE tbl = 'appointments'").fetchone()[0]
    assert audits == rows[0]
    s.close()


def test_backup_before_migration_restores(db_path, tmp_path):
    from advocate.store import restore
    from tests.store.test_store import _make_v1_store

    _make_v1_store(db_path)
    s = open_store(db_path)
    bak = s.backups[0]
    s.close()
    result = restore(bak, tmp_path / "restored.db")
    assert result["ok"] and result["schema_version"] >= 1

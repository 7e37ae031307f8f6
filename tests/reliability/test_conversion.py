"""Encrypt, decrypt, restore and upgrades hold the store alone: nothing written meanwhile is lost, a
full disk or an interrupt leaves nothing behind, and leftovers of a killed conversion are cleaned (issue 14)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from advocate.errors import AdvocateError, StoreError
from advocate.store import crypto
from advocate.workspace import open_store
from tests.helpers import new_client

needs_sqlcipher = pytest.mark.skipif(not crypto.available(), reason="sqlcipher3 is not installed")
KEY = "correct horse battery"

WRITER = r"""
import sys
from pathlib import Path
from advocate.workspace import open_store
from advocate.appointments.log import log_appointment
path, code, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ok = 0
after = 0
for i in range(400):
    s = open_store(path)
    try:
        log_appointment(s, client=code, when=f"2026-12-{1 + i % 28:02d} {8 + i % 10:02d}:{n:02d}", tz="UTC",
                        type="court", duration=30)
        ok += 1
    finally:
        s.close()
    if ok == 1:
        print("started", flush=True)
    if not path.read_bytes()[:16].startswith(b"SQLite format 3"):
        after += 1  # keep writing a little after the store turned encrypted
        if after >= 1:
            break
print(ok, flush=True)
"""


@needs_sqlcipher
def test_writers_in_parallel_with_encrypt_all_land(db_path, monkeypatch):
    code = new_client(db_path)
    env = {**os.environ, "ADVOCATE_DB_KEY": KEY}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), code, str(n)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    for w in writers:  # every writer has committed once before the conversion starts
        assert w.stdout.readline().strip() == "started", w.stderr.read()
    enc = subprocess.run([sys.executable, "-m", "advocate", "db", "encrypt"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert enc.returncode == 0, enc.stderr
    landed = 0
    for w in writers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        landed += int(out.strip().splitlines()[-1])
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    with open_store(db_path) as s:
        assert s.key
        assert s.conn.execute("SELECT count(*) FROM appointments").fetchone()[0] == landed
    assert landed >= 4 * 2  # each writer wrote before and after the change
    leftovers = [p.name for p in db_path.parent.iterdir() if "encrypt" in p.name]
    assert leftovers == []


def test_switching_to_wal_waits_when_another_process_holds_the_file(tmp_path, monkeypatch):
    """A store just made or converted is in rollback mode: its first opener switches it to WAL, which needs the
    file alone, and SQLite answers a second opener switching at the same time "database is locked" without its
    busy timeout (the CI run of 2026-11-29 lost a writer to it after `db encrypt`). The switch is waited for."""
    import threading
    import time

    import advocate.store as store_mod

    path = tmp_path / "rollback.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM t").fetchone()  # a reader holds the file shared
    opener = sqlite3.connect(path, isolation_level=None)
    opener.execute("PRAGMA busy_timeout = 0")  # as when SQLite skips the busy handler to break a deadlock
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        opener.execute("PRAGMA journal_mode = WAL")
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    started = time.monotonic()
    store_mod._switch_to_wal(opener)
    assert time.monotonic() - started >= 0.2
    assert opener.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    opener.close()
    holder.close()


def test_switching_to_wal_gives_up_in_one_sentence(tmp_path, monkeypatch):
    import advocate.store as store_mod

    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 150)
    path = tmp_path / "rollback.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM t").fetchone()
    opener = sqlite3.connect(path, isolation_level=None)
    opener.execute("PRAGMA busy_timeout = 0")
    try:
        with pytest.raises(StoreError, match="is busy"):
            store_mod._switch_to_wal(opener)
    finally:
        holder.close()
        opener.close()


@needs_sqlcipher
def test_a_converted_store_is_in_wal_before_anyone_opens_it(cli, db_path, monkeypatch):
    """The copy is switched to WAL before the swap, so the advocates waiting for the conversion open a file
    they need not switch (the switch is where two of them could collide)."""
    cli("clients", "new")
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    assert cli("db", "encrypt").exit_code == 0
    conn = crypto.connect(db_path, KEY, isolation_level=None)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    assert cli("db", "decrypt").exit_code == 0
    assert db_path.read_bytes()[18:20] == b"\x02\x02"  # the header's WAL mark


@needs_sqlcipher
def test_decrypt_round_trip_keeps_every_row(cli, db_path, monkeypatch):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago")
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    assert cli("db", "encrypt").exit_code == 0
    r = cli("db", "decrypt")
    assert r.exit_code == 0, r
    assert db_path.read_bytes()[:16] == b"SQLite format 3\x00"
    monkeypatch.delenv("ADVOCATE_DB_KEY")
    assert cli("appointments", "list", "-f", "json").json()[0]["client"] == code
    assert cli("db", "decrypt").exit_code != 0


def _hold_exclusive(db_path, what="a test conversion"):
    script = ("import sys\nfrom pathlib import Path\nfrom advocate.store import lock\n"
              f"with lock.exclusive(Path(sys.argv[1]), {what!r}, 5):\n"
              "    print('held', flush=True)\n    sys.stdin.read()\n")
    p = subprocess.Popen([sys.executable, "-c", script, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_writer_waits_for_a_conversion_and_says_what_it_waits_for(db_path, monkeypatch):
    import advocate.store as store_mod
    from advocate.store import lock

    open_store(db_path).close()
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 400)
    monkeypatch.setattr(lock, "WAIT_NOTICE_S", 0.05)
    holder = _hold_exclusive(db_path)
    notices = []
    try:
        with pytest.raises(StoreError, match="being converted .*a test conversion is running"):
            open_store(db_path, progress=notices.append)
    finally:
        holder.communicate("")
    assert notices and "Waiting for the store" in notices[0] and "a test conversion" in notices[0]
    open_store(db_path).close()  # free again


def test_encrypt_waits_for_other_advocates_and_says_so(db_path, monkeypatch):
    import advocate.store as store_mod

    if not crypto.available():
        pytest.skip("sqlcipher3 is not installed")
    open_store(db_path).close()
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 300)
    script = ("import sys\nfrom advocate.workspace import open_store\ns = open_store(sys.argv[1])\n"
              "print('open', flush=True)\nsys.stdin.read()\n")
    p = subprocess.Popen([sys.executable, "-c", script, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    assert p.stdout.readline().strip() == "open"
    try:
        with pytest.raises(StoreError, match="has the store .* open"):
            store_mod.encrypt(db_path, KEY)
    finally:
        p.communicate("")
    assert db_path.read_bytes()[:16] == b"SQLite format 3\x00"


@needs_sqlcipher
@pytest.mark.parametrize("failure", ["disk-full", "interrupt"])
def test_encrypt_failure_leaves_nothing_behind(cli, db_path, monkeypatch, failure):
    code = cli("clients", "new", "-f", "json").json()["code"]
    before = sorted(p.name for p in db_path.parent.iterdir())

    def broken(plain, dest, key):
        Path(dest).write_bytes(b"\0" * 8192)  # half-written
        if failure == "disk-full":
            raise crypto.driver().OperationalError("database or disk is full")
        raise KeyboardInterrupt

    monkeypatch.setattr(crypto, "export_encrypted", broken)
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    r = cli("db", "encrypt")
    if failure == "disk-full":
        assert r.exit_code == 1 and "too full" in r.stderr and "needs about" in r.stderr, r
        assert "unexpected" not in r.stderr
    else:
        assert r.exit_code == 130 and "nothing half-written was kept" in r.stderr
    assert sorted(p.name for p in db_path.parent.iterdir()) == before
    monkeypatch.delenv("ADVOCATE_DB_KEY")
    assert cli("clients", "show", code).exit_code == 0


@needs_sqlcipher
def test_encrypt_on_a_disk_without_room_stops_before_writing(cli, db_path, monkeypatch):
    import shutil
    from collections import namedtuple

    cli("clients", "new")
    before = sorted(p.name for p in db_path.parent.iterdir())
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10 << 30, 10 << 30, 4096))
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    r = cli("db", "encrypt")
    assert r.exit_code == 1 and "needs about" in r.stderr and "4.0 KB are free" in r.stderr, r
    assert sorted(p.name for p in db_path.parent.iterdir()) == before


def test_leftovers_of_a_killed_encrypt_are_removed_at_the_next_command(cli, db_path):
    cli("clients", "new")
    half = Path(f"{db_path}.encrypting")
    half.write_bytes(b"x" * 4096)
    plain = Path(f"{db_path}.pre-encrypt.20260101-000000.bak")
    plain.write_bytes(db_path.read_bytes())
    r = cli("db", "check")
    assert r.exit_code == 0, r
    assert not half.exists() and not plain.exists()
    assert "interrupted" in r.stderr and "1 plain copy of the store" in r.stderr


def test_restore_over_an_unreadable_store_moves_it_aside(cli, db_path, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    backup = Path(cli("db", "backup", tmp_path / "good.db").stdout.strip())
    db_path.write_bytes(b"garbage header, not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    r = cli("db", "restore", backup)
    assert r.exit_code == 0, r
    assert "could not be read; it was moved to" in r.stderr
    moved = [p for p in db_path.parent.iterdir() if ".unreadable." in p.name]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"garbage")
    assert cli("clients", "show", code).exit_code == 0


def test_restore_holds_the_store_alone(db_path, tmp_path, monkeypatch):
    import advocate.store as store_mod

    open_store(db_path).close()
    with open_store(db_path) as s:
        good = store_mod.backup(s, tmp_path / "good.db")
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 300)
    holder = _hold_exclusive(db_path, "another restore")
    try:
        with pytest.raises(StoreError, match="being converted|has the store"):
            store_mod.restore(good, db_path)
    finally:
        holder.communicate("")


def test_a_foreign_sqlite_file_is_not_switched_to_wal(cli, tmp_path):
    import sqlite3

    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    r = cli("--db", other, "clients", "list")
    assert r.exit_code == 1 and "not an advocate store" in r.stderr
    assert other.read_bytes() == before  # header bytes 18-19 would say WAL
    assert not Path(f"{other}-wal").exists()


def test_killed_upgrades_leave_one_pre_upgrade_copy(db_path):
    from advocate.store import MIGRATIONS, SCHEMA_VERSION, _connect, _split_sql

    db_path.parent.mkdir(parents=True, mode=0o700)
    conn = _connect(db_path)  # a schema-1 store
    for stmt in _split_sql(MIGRATIONS[0][2]):
        conn.execute(stmt)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.close()
    tag = f"pre-v{SCHEMA_VERSION}"
    for stamp in ("20250101-000000", "20250102-000000"):  # what two killed upgrades left
        Path(f"{db_path}.{tag}.{stamp}.bak").write_bytes(db_path.read_bytes())
    with open_store(db_path) as s:
        assert s.schema_version == SCHEMA_VERSION
    assert len([p for p in db_path.parent.iterdir() if f".{tag}." in p.name]) == 1


def test_errors_name_the_real_cause():
    from advocate.store import explain_sqlite_error

    cases = {
        "attempt to write a readonly database": "read-only",
        "database or disk is full": "full",
        "database disk image is malformed": "damaged",
        "file is not a database": "damaged",
        "database is locked": "busy",
        "disk I/O error": "cannot be opened or read",
    }
    import sqlite3

    for text, expected in cases.items():
        assert expected in explain_sqlite_error(sqlite3.OperationalError(text), "x.db").message
    assert isinstance(explain_sqlite_error(sqlite3.OperationalError("x")), AdvocateError)

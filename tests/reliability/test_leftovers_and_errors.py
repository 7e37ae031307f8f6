"""Issue 14: what a killed import leaves is removed at the next start; a full TMPDIR, an unwritable cache folder,
a bad --tz and unreadable batch input each get one true sentence (exit non-zero, no traceback, store unchanged);
batch files never reach the geocode cache, and retention empties it."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def tmpdir_(tmp_path, monkeypatch) -> Path:
    """A TMPDIR of this test's own (for the staging folders of imports)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _digest(db_path: Path) -> tuple:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("services", "clients", "appointments", "audit"))
    finally:
        conn.close()


KILLED = """
import os, signal
from advocate.directory.hsds_read import Staged
s = Staged()
s.db.execute("CREATE TABLE t (x)")
s.db.execute("INSERT INTO t VALUES (zeroblob(100000))")
s.db.commit()
from advocate.directory.hsds_api import RawStage
api = RawStage()  # the pages of a `services import URL`
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_imports_staging_folder_is_removed_at_the_next_start(cli, tmpdir_):
    from advocate.directory.hsds_read import Staged

    done = subprocess.run([sys.executable, "-c", KILLED], env={**os.environ, "TMPDIR": str(tmpdir_)})
    assert done.returncode == -9
    dead = list(tmpdir_.glob("advocate-import-*"))
    assert len(dead) == 1 and (dead[0] / "stage.db").exists()
    assert len(list(tmpdir_.glob("advocate-api-*"))) == 1
    running = Staged()  # an import running now (in this process): its folder must survive
    old = tmpdir_ / "advocate-import-old_0000"  # an older version's folder (no owner file), two hours old
    old.mkdir(mode=0o700)
    (old / "stage.db").write_bytes(b"x" * 1000)
    os.utime(old, (os.path.getmtime(old) - 7200,) * 2)
    young = tmpdir_ / "advocate-import-young000"  # no owner file yet: an import just starting
    young.mkdir(mode=0o700)
    try:
        r = cli("db", "check")
        assert r.exit_code == 0, r
        assert "removed 3 temporary folders" in r.stderr and "interrupted import" in r.stderr
        left = sorted(p.name for p in tmpdir_.glob("advocate-import-*"))
        assert left == sorted([Path(running._dir.name).name, "advocate-import-young000"])
        assert (Path(running._dir.name) / "stage.db").exists() and not list(tmpdir_.glob("advocate-api-*"))
        assert "temporary folders" not in cli("db", "check").stderr  # nothing more to say
    finally:
        running.close()
    assert not Path(running._dir.name).exists()


def test_an_owner_file_is_locked_before_it_is_named(tmpdir_):
    from advocate.directory.hsds_read import Staged

    s = Staged()
    try:
        fd = os.open(Path(s._dir.name) / ".owner", os.O_RDONLY)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
        assert not (Path(s._dir.name) / ".owner-new").exists()
    finally:
        s.close()


def _export(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\n" + "".join(f"s{i},Service {i}\n" for i in range(50)))
    return folder


def test_a_full_tmpdir_is_named_as_such_not_as_the_store(cli, db_path, tmp_path, tmpdir_, monkeypatch):
    from advocate.directory import hsds_read

    cli("db", "check")
    before = _digest(db_path)
    real_init = hsds_read.Staged.__init__

    class FullDisk:
        def __init__(self, conn):
            self.conn = conn

        def executemany(self, *a):
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name):
            return getattr(self.conn, name)

    def init(self):
        real_init(self)
        self.db = FullDisk(self.db)

    monkeypatch.setattr(hsds_read.Staged, "__init__", init)
    r = cli("services", "import", _export(tmp_path))
    assert r.exit_code == 1, r
    assert f"the temporary folder {tmpdir_} ran out of space" in r.stderr and "TMPDIR" in r.stderr, r
    assert "store is full" not in r.stderr and "unexpected" not in r.stderr
    assert _digest(db_path) == before
    assert not list(tmpdir_.glob("advocate-import-*"))  # what was begun is removed

    def no_room(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(hsds_read.Staged, "__init__", real_init)
    monkeypatch.setattr(hsds_read.tempfile, "TemporaryDirectory", no_room)
    r = cli("services", "import", _export(tmp_path / "again") if (tmp_path / "again").mkdir() is None else None)
    assert r.exit_code == 1 and "ran out of space" in r.stderr, r
    assert _digest(db_path) == before


def test_an_unwritable_cache_folder_is_one_sentence(cli, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ADVOCATE_CACHE_DIR", str(blocker / "cache"))
    r = cli("services", "near", "10001")
    assert r.exit_code == 1, r
    assert "the offline place index cannot be written to the cache folder" in r.stderr
    assert "ADVOCATE_CACHE_DIR" in r.stderr and "unexpected" not in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("tz, said", [
    ("A" * 100_000, "is not a time zone"),
    ("America", "is a region, not a time zone; name a zone in it, such as America/Chicago"),
    ("America/", "is a region"),
    ("Etc", "is a region"),
    ("America/Chicago/", "is not a time zone"),
    ("../../etc/passwd", "is not a time zone"),
])
def test_a_long_or_partial_tz_is_one_sentence(cli, db_path, tz, said):
    code = cli("clients", "new").stdout.strip().split()[-1]
    before = _digest(db_path)
    r = cli("appointments", "log", "--client", code, "--when", "2026-12-03T14:30", "--type", "court",
            "--duration", "60", "--tz", tz)
    assert r.exit_code == 2, r
    assert said in r.stderr and "unexpected" not in r.stderr and len(r.stderr) < 400, r
    assert _digest(db_path) == before


def test_batch_input_that_is_not_utf8_or_has_huge_lines_is_one_sentence(cli, tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("zip,note\n10001,Se\xf1or\n".encode("latin-1"))
    r = cli("services", "batch", bad)
    assert r.exit_code == 2 and "is not UTF-8 text" in r.stderr and "unexpected" not in r.stderr, r
    long = tmp_path / "long.csv"
    long.write_text("zip,note\n10001," + "x" * (128 * 1024) + "\n")
    r = cli("services", "batch", long)
    assert r.exit_code == 2 and "line 2 of the batch input is longer than 64 KB" in r.stderr, r
    quoted = tmp_path / "quoted.csv"  # one cell of 140 KB spread over many short lines
    quoted.write_text('zip,note\n10001,"' + "x\n" * 70_000 + '"\n')
    r = cli("services", "batch", quoted)
    assert r.exit_code == 2 and "a cell ending on line 70002 of the batch input is longer than 64 KB" in r.stderr, r
    assert "unexpected" not in r.stderr


class FakeGeocoder:
    asked: list[str] = []

    def geocode(self, query, **kw):
        FakeGeocoder.asked.append(query)

        class Loc:
            latitude, longitude, address = 40.75, -73.99, "Somewhere, New York"
        return Loc()


def _cache_rows(db_path: Path) -> list:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT query FROM geocode_cache").fetchall()
    finally:
        conn.close()


def test_batch_addresses_never_reach_the_geocode_cache(cli, db_path, tmp_path, monkeypatch):
    from advocate.geo import online

    monkeypatch.setattr(online, "make_geocoder", lambda *a, **k: FakeGeocoder())
    monkeypatch.setattr(online, "_last_call", 0.0)
    monkeypatch.setattr(online.time, "sleep", lambda s: None)
    FakeGeocoder.asked = []
    caseload = tmp_path / "caseload.csv"
    caseload.write_text("client,address\nC-ABCDEF,123 Hidden Lane Apt 4 Springfield IL\n")
    r = cli("services", "batch", caseload, "--location-column", "address", "--online", "-f", "json")
    assert r.exit_code == 0, r
    assert FakeGeocoder.asked == ["123 Hidden Lane Apt 4 Springfield IL"]  # sent because --online was given
    assert _cache_rows(db_path) == []  # and not kept
    # online geocoding in the config alone does not send a batch file's addresses
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text("online_geocoding = true\n")
    FakeGeocoder.asked = []
    r = cli("services", "batch", caseload, "--location-column", "address", "-f", "json")
    assert FakeGeocoder.asked == [] and "resolved offline" in r.stderr, r
    # a place typed by the user is cached as before
    r = cli("services", "near", "1 Public Square, Springfield, IL", "--online", "-f", "json")
    assert r.exit_code == 0, r
    assert _cache_rows(db_path) == [("1 public square, springfield, il",)]


def test_retention_empties_old_geocode_cache_entries(cli, db_path):
    cli("db", "check")
    conn = sqlite3.connect(db_path)
    conn.executemany("INSERT INTO geocode_cache VALUES (?, 1.0, 2.0, 'x', 'fake', ?)",
                     [("old street", "2015-01-01T00:00:00+00:00"), ("new street", "2099-01-01T00:00:00+00:00")])
    conn.commit()
    conn.close()
    r = cli("db", "purge", "--older-than", "7y", "--dry-run", "-f", "json")
    assert r.json()[0]["geocode_cache"] == 1
    r = cli("db", "purge", "--older-than", "7y", "--yes", "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["geocode_cache"] == 1, r
    assert _cache_rows(db_path) == [("new street",)]


def test_a_text_file_given_as_the_store_is_named_as_text_not_asked_for_a_key(cli, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body>An intake sheet</body></html>\n")
    before = page.read_bytes()
    r = cli("--db", page, "db", "check")
    assert r.exit_code == 1, r
    assert 'is a text file (it begins "<!DOCTYPE html>' in r.stderr and "key" not in r.stderr
    assert page.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("page")) == ["page.html"]  # no .lock
    notes = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    r = cli("--db", notes, "clients", "list")
    assert r.exit_code == 1 and "not an advocate store" in r.stderr, r
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == ["notes.sqlite"]
    noise = tmp_path / "noise.db"  # random bytes look like an encrypted store: the key is what to ask for
    noise.write_bytes(bytes(range(256)) * 4)
    r = cli("--db", noise, "db", "check")
    assert r.exit_code == 1 and "text file" not in r.stderr, r


def test_a_killed_gazetteer_build_is_cleaned_by_the_next_build(tmp_path, monkeypatch):
    from advocate.geo import gazetteer

    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / ".gazetteer-abc.tmp"
    old.write_bytes(b"x" * 1000)
    os.utime(old, (os.path.getmtime(old) - 3600,) * 2)
    fresh = cache / ".gazetteer-def.tmp"  # a build running now in another process
    fresh.write_bytes(b"x")
    gazetteer._clean_killed_builds(cache)
    assert not old.exists() and fresh.exists()


def test_sqlciphers_own_disk_full_is_one_sentence(cli, monkeypatch):
    sqlcipher3 = pytest.importorskip("sqlcipher3")
    from advocate import clients

    def full(*a, **k):
        raise sqlcipher3.dbapi2.OperationalError("database or disk is full")

    monkeypatch.setattr(clients, "create_client", full)
    r = cli("clients", "new")
    assert r.exit_code == 1, r
    assert "full" in r.stderr and "unexpected" not in r.stderr and "OperationalError" not in r.stderr, r


def test_a_write_that_waits_for_another_writer_says_so(cli, db_path, monkeypatch):
    import advocate.store
    from advocate.store import lock

    cli("db", "check")
    monkeypatch.setattr(lock, "WAIT_NOTICE_S", 0.05)  # (two seconds in use)
    monkeypatch.setattr(advocate.store, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing, for longer than the wait
    try:
        before = other.execute("SELECT count(*) FROM clients").fetchone()[0]
        r = cli("clients", "new")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.exit_code == 1, r
    assert "Waiting for the store" in r.stderr and "another program or advocate command is writing" in r.stderr
    assert "busy" in r.stderr and "unexpected" not in r.stderr and "Traceback" not in r.stderr
    assert _digest(db_path)[1] == before

"""`db restore` moves the current store aside only when the file itself cannot be read as a store (not SQLite,
damaged): never for the machine's problems (a full disk, an I/O error) or a missing key, and a restore that fails
after moving it aside puts it back. An attacker review found the store swapped for an empty one after a restore
that failed on a full disk, and an encrypted store swapped for a plain backup when the key was not set."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from advocate.store import crypto
from tests.helpers import REPO

needs_sqlcipher = pytest.mark.skipif(not crypto.available(), reason="sqlcipher3 is not installed")
KEY = "correct horse battery"


def _run_with_file_limit(limit: int, *args: str) -> subprocess.CompletedProcess:
    """The CLI in a fresh process that cannot write a file past ``limit`` bytes (a disk that fills up)."""

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return subprocess.run([sys.executable, "-m", "advocate", *args], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120, preexec_fn=small_disk)


def _aside(db_path: Path) -> list[str]:
    return sorted(p.name for p in db_path.parent.iterdir() if ".unreadable." in p.name)


def test_a_restore_that_fails_on_a_full_disk_keeps_the_store(cli, db_path, tmp_path):
    first = cli("clients", "new", "-f", "json").json()["code"]
    backup = Path(cli("db", "backup", tmp_path / "old.db").stdout.strip())
    second = cli("clients", "new", "-f", "json").json()["code"]
    r = _run_with_file_limit(64 * 1024, "db", "restore", str(backup))
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert _aside(db_path) == []
    codes = {c["code"] for c in cli("clients", "list", "-f", "json").json()}
    assert codes == {first, second}  # the store it had, not an empty new one
    assert cli("db", "check").exit_code == 0


def test_an_unreadable_store_moved_aside_is_put_back_when_the_restore_fails(cli, db_path, tmp_path):
    cli("clients", "new")
    backup = Path(cli("db", "backup", tmp_path / "old.db").stdout.strip())
    damaged = b"garbage header, not a database" * 100
    db_path.write_bytes(damaged)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    r = _run_with_file_limit(64 * 1024, "db", "restore", str(backup))
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert db_path.read_bytes() == damaged  # exactly as it was: not moved aside, not an empty store
    assert _aside(db_path) == []
    assert not Path(f"{db_path}-wal").exists()


def test_an_io_error_reading_the_store_is_not_taken_for_damage(cli, db_path, tmp_path, monkeypatch):
    """SQLite answers "disk I/O error" when the store's -shm cannot be made or grown (a full disk, the folder
    held by another user): the file is fine, so restore keeps it and says what went wrong."""
    import advocate.store as store_mod

    code = cli("clients", "new", "-f", "json").json()["code"]
    backup = Path(cli("db", "backup", tmp_path / "old.db").stdout.strip())
    with monkeypatch.context() as patch:
        patch.setattr(store_mod, "_connect", _failing_connect(store_mod._connect, db_path))
        r = cli("db", "restore", backup)
    assert r.exit_code == 1, r
    assert "full" in r.stderr and "not a readable" not in r.stderr
    assert _aside(db_path) == []
    assert code in cli("clients", "list", "-f", "csv").stdout


def _failing_connect(real, db_path):
    class Conn:
        """A connection to the store whose every read fails as SQLite does when -shm cannot grow."""

        def __init__(self, conn):
            self._conn = conn

        def execute(self, sql, *args):
            if "sqlite_master" in sql:
                exc = sqlite3.OperationalError("disk I/O error")
                exc.sqlite_errorcode = 4874  # SQLITE_IOERR_SHMSIZE
                raise exc
            return self._conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._conn, name)

    def connect(path, key=None, **kw):
        conn = real(path, key, **kw)
        return Conn(conn) if Path(path) == db_path else conn

    return connect


def test_disk_full_codes_are_named_as_a_full_disk():
    import advocate.store as store_mod

    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode = 4874  # SQLITE_IOERR_SHMSIZE: the -shm could not be grown
    assert store_mod._disk_full(exc)
    assert "full" in str(store_mod.explain_sqlite_error(exc, "x.db"))


@needs_sqlcipher
def test_restore_without_the_key_refuses_instead_of_moving_the_encrypted_store_aside(cli, db_path, tmp_path,
                                                                                        monkeypatch):
    code = cli("clients", "new", "-f", "json").json()["code"]
    plain = Path(cli("db", "backup", tmp_path / "plain.db").stdout.strip())
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    assert cli("db", "encrypt").exit_code == 0
    cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30",
        "--tz", "America/Chicago")
    before = db_path.read_bytes()
    monkeypatch.delenv("ADVOCATE_DB_KEY")
    r = cli("db", "restore", plain)
    assert r.exit_code == 1, r
    assert "ADVOCATE_DB_KEY" in r.stderr
    assert _aside(db_path) == []
    assert db_path.read_bytes() == before  # still encrypted, with the appointment: nothing was changed
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    assert len(cli("appointments", "list", "-f", "json").json()) == 1


@needs_sqlcipher
def test_restore_with_a_wrong_key_refuses_too(cli, db_path, tmp_path, monkeypatch):
    cli("clients", "new")
    plain = Path(cli("db", "backup", tmp_path / "plain.db").stdout.strip())
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    assert cli("db", "encrypt").exit_code == 0
    before = db_path.read_bytes()
    monkeypatch.setenv("ADVOCATE_DB_KEY", "not the key at all")
    r = cli("db", "restore", plain)
    assert r.exit_code == 1, r
    assert _aside(db_path) == []
    assert db_path.read_bytes() == before


def _converted_while_waiting(monkeypatch, path: Path, copies: list[Path]):
    """lock.exclusive for a schema upgrade finds the file replaced by a conversion, as many times as ``copies``."""
    import contextlib

    from advocate.store import lock

    real = lock.exclusive

    @contextlib.contextmanager
    def converted_meanwhile(store_path, what, timeout, notice=None):
        if what == lock.SCHEMA_UPGRADE and copies:
            old_fd = os.open(store_path, os.O_RDWR)
            os.replace(copies.pop(0), store_path)  # what a conversion does: a new file at the path, the old zeroed
            os.pwrite(old_fd, bytes(os.fstat(old_fd).st_size), 0)
            os.close(old_fd)
        with real(store_path, what, timeout, notice=notice):
            yield

    monkeypatch.setattr(lock, "exclusive", converted_meanwhile)


def _old_store_and_copies(tmp_path: Path, n: int) -> tuple[Path, list[Path]]:
    import shutil

    from tests.helpers import make_v1_store

    path = tmp_path / "old.db"
    make_v1_store(path)
    copies = []
    for i in range(n):
        copies.append(tmp_path / f"other{i}.db")
        shutil.copy(path, copies[-1])
    return path, copies


def test_an_upgrade_that_waited_through_a_conversion_opens_the_new_file(tmp_path, monkeypatch):
    """A schema upgrade turns its shared hold on the store into an exclusive one, and flock drops the shared hold
    while it waits: a `db encrypt` started meanwhile can take the store first and replace the file. The upgrade then
    read the old file (zeroed by the conversion) and said "not a readable SQLite database (file is not a
    database)" (reproduced: three `clients new` and a `db encrypt` started together on an old store; in one run of
    four, two of the three failed so).
    It now opens the file that is there and upgrades that."""
    import advocate.store as store_mod
    from advocate.workspace import open_store

    path, copies = _old_store_and_copies(tmp_path, 1)
    _converted_while_waiting(monkeypatch, path, copies)
    with open_store(path) as s:
        assert s.schema_version == store_mod.SCHEMA_VERSION
        assert s.conn.execute("SELECT name FROM organizations WHERE id = 'o1'").fetchone() == ("Old org",)


def test_a_store_replaced_again_and_again_is_one_sentence(tmp_path, monkeypatch):
    import advocate.store as store_mod
    from advocate.workspace import open_store

    path, copies = _old_store_and_copies(tmp_path, 2)
    _converted_while_waiting(monkeypatch, path, copies)
    with pytest.raises(store_mod.StoreError, match="changed while this command waited") as err:
        open_store(path)
    assert not isinstance(err.value, store_mod.UnreadableStore)


@needs_sqlcipher
def test_encrypting_through_a_symlink_converts_the_store_it_points_to(cli, tmp_path, monkeypatch):
    """ADVOCATE_DB naming a symbolic link to the store: `db encrypt` replaced the link with the encrypted store and
    zeroed the store it pointed to, so every command given the store's own path failed ("cannot be opened with that
    key"), and the lock beside the link did not keep out advocates using the real path (one appointment of 642
    written meanwhile was lost in an attacker review). The store is the file the link points to."""
    real = tmp_path / "real" / "store.db"
    link = tmp_path / "link.db"
    monkeypatch.setenv("ADVOCATE_DB", str(real))
    code = cli("clients", "new", "-f", "json").json()["code"]
    link.symlink_to(real)
    monkeypatch.setenv("ADVOCATE_DB", str(link))
    monkeypatch.setenv("ADVOCATE_DB_KEY", KEY)
    r = cli("db", "encrypt")
    assert r.exit_code == 0, r
    assert link.is_symlink() and link.resolve() == real.resolve()
    monkeypatch.setenv("ADVOCATE_DB", str(real))
    assert code in cli("clients", "list", "-f", "csv").stdout
    assert cli("db", "check", "-f", "json").json()[0]["encrypted"] is True
    assert not Path(f"{link}.lock").exists()  # one lock, beside the store itself


def test_the_store_path_through_a_symlink_is_the_real_file(tmp_path):
    from advocate.store import resolve_path

    real = tmp_path / "real.db"
    real.write_bytes(b"")
    link = tmp_path / "link.db"
    link.symlink_to(real)
    assert resolve_path(link) == real
    assert resolve_path(tmp_path / "new.db") == tmp_path / "new.db"  # a store still to be made: as given

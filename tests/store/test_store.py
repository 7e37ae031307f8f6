import sqlite3

import pytest

from advocate.errors import StoreError
from advocate.store import backup, check, restore
from advocate.store.schema import SCHEMA_VERSION
from advocate.workspace import open_store
from tests.helpers import file_mode, make_v1_store


def test_created_private_with_bundled_directory(db_path):
    s = open_store(db_path)
    assert s.created
    assert file_mode(db_path) == 0o600
    assert file_mode(db_path.parent) == 0o700
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert s.schema_version == SCHEMA_VERSION
    n = s.conn.execute("SELECT count(*) FROM services WHERE source = 'advocate-bundled'").fetchone()[0]
    assert n > 50
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        assert file_mode(wal) == 0o600
    s.close()
    assert not open_store(db_path).created


def test_not_sqlite_is_refused_and_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"my notes, not a database\n" * 10)
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_store(db_path)
    assert db_path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(db_path):
    db_path.parent.mkdir(parents=True)
    c = sqlite3.connect(db_path)
    c.execute("CREATE TABLE other (x)")
    c.commit()
    c.close()
    with pytest.raises(StoreError, match="not an advocate store"):
        open_store(db_path)


def test_newer_schema_is_refused(store, db_path):
    with store.write():
        store.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    store.close()
    with pytest.raises(StoreError, match="newer advocate"):
        open_store(db_path)


def test_migration_backs_up_first_and_keeps_data(db_path):
    make_v1_store(db_path)
    s = open_store(db_path)
    assert s.schema_version == SCHEMA_VERSION
    assert s.backups and s.backups[0].exists() and file_mode(s.backups[0]) == 0o600
    assert s.conn.execute("SELECT name FROM organizations WHERE id='o1'").fetchone()[0] == "Old org"
    old = sqlite3.connect(s.backups[0])
    assert old.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
    old.close()
    s.close()


def test_backup_and_restore_round_trip(store, db_path, tmp_path):
    dest = backup(store, tmp_path / "b.db")
    assert file_mode(dest) == 0o600
    with store.write():
        store.conn.execute("DELETE FROM services")
    store.close()
    result = restore(dest, db_path)
    assert result["ok"]
    s = open_store(db_path)
    assert s.conn.execute("SELECT count(*) FROM services").fetchone()[0] > 50
    s.close()


def test_backup_refuses_to_overwrite(store, tmp_path):
    (tmp_path / "exists.db").write_text("x")
    from advocate.files import OutputRefused

    with pytest.raises(OutputRefused, match="already exists"):
        backup(store, tmp_path / "exists.db")


def test_restore_refuses_garbage_and_leaves_store(store, db_path, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 100)
    n = store.conn.execute("SELECT count(*) FROM services").fetchone()[0]
    store.close()
    with pytest.raises(StoreError):
        restore(bad, db_path)
    s = open_store(db_path)
    assert s.conn.execute("SELECT count(*) FROM services").fetchone()[0] == n
    s.close()


def test_group_readable_store_warns(store, db_path):
    store.close()
    db_path.chmod(0o644)
    s = open_store(db_path)
    assert any("chmod 600" in w for w in s.warnings)
    s.close()


def test_check_reports_ok(store):
    result = check(store)
    assert result["ok"] and result["integrity"] == "ok" and result["private"]


def test_failed_write_rolls_back(store):
    n = store.conn.execute("SELECT count(*) FROM services").fetchone()[0]
    with pytest.raises(RuntimeError):
        with store.write():
            store.conn.execute("DELETE FROM services")
            raise RuntimeError("boom")
    assert store.conn.execute("SELECT count(*) FROM services").fetchone()[0] == n


def test_a_read_is_one_snapshot_and_leaves_no_transaction(store, db_path):
    """store.read(): what another connection commits inside it is seen after it, not during; it ends its own
    transaction (also on an error) and, inside a write, is that write."""
    n = store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0]
    with store.read():
        assert store.reading == store.conn.total_changes
        assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n
        other = sqlite3.connect(db_path)
        with other:
            other.execute("INSERT INTO organizations (id, name, source) VALUES ('o-new', 'New', 'test')")
        other.close()
        assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n
    assert store.reading is None and not store.conn.in_transaction
    assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n + 1
    with pytest.raises(RuntimeError), store.read():
        raise RuntimeError("boom")
    assert store.reading is None and not store.conn.in_transaction
    with store.write():
        store.conn.execute("DELETE FROM organizations WHERE id = 'o-new'")
        with store.read():  # the write's own transaction: it sees the delete, and the write goes on
            assert store.reading is None
            assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n
        assert store.conn.in_transaction
    assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n


def test_a_folder_given_as_the_store_names_no_flag(tmp_path, cli):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(StoreError) as err:
        open_store(folder)
    assert err.value.fields == ("db",)
    assert "folder" in err.value.message and "--" not in err.value.message
    r = cli("--db", folder, "clients", "list")
    assert r.exit_code == 1
    assert "is a folder" in r.stderr and "(--db)" in r.stderr


def test_a_write_that_lost_its_transaction_fails_and_a_refused_commit_leaves_none_open(store):
    """write(): a body that ended its own transaction (a ROLLBACK, a trigger's RAISE(ROLLBACK)) makes the write
    fail, as SQLite refuses the COMMIT, instead of reporting success for rows committed one by one outside it; a
    COMMIT SQLite refuses (a statement still running) rolls the transaction back, so no later write nests inside a
    transaction nobody will commit."""
    import sqlite3 as sq

    n = store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0]
    with pytest.raises(sq.OperationalError), store.write():
        store.conn.execute("INSERT INTO organizations (id, name, source) VALUES ('o-a', 'A', 'test')")
        store.conn.execute("ROLLBACK")
    assert not store.conn.in_transaction
    with pytest.raises(sq.OperationalError), store.write():
        cur = store.conn.execute("INSERT INTO organizations (id, name, source) VALUES ('o-b', 'B', 'test'), "
                                 "('o-c', 'C', 'test') RETURNING id")
        cur.fetchone()  # one row of two read: the statement is still running at COMMIT
    del cur
    assert not store.conn.in_transaction
    assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n
    with store.write():
        store.conn.execute("INSERT INTO organizations (id, name, source) VALUES ('o-d', 'D', 'test')")
    assert store.conn.execute("SELECT count(*) FROM organizations").fetchone()[0] == n + 1


def test_a_nested_write_is_a_savepoint_of_its_own(store):
    """A write inside a write rolls back only what it did when it fails; the outer write goes on and commits."""
    with store.write():
        store.conn.execute("INSERT INTO meta VALUES ('outer', '1')")
        with pytest.raises(RuntimeError), store.write():
            store.conn.execute("INSERT INTO meta VALUES ('inner', '1')")
            raise RuntimeError("inner fails")
        with store.write():
            store.conn.execute("INSERT INTO meta VALUES ('second', '1')")
        assert store.conn.in_transaction
    assert not store.conn.in_transaction
    kept = {k for (k,) in store.conn.execute("SELECT key FROM meta WHERE key IN ('outer', 'inner', 'second')")}
    assert kept == {"outer", "second"}


def test_a_nested_write_whose_error_ended_the_transaction_raises_that_error(store):
    """A RAISE(ROLLBACK) inside a nested write ends the whole transaction: its own error is what the caller sees."""
    store.conn.execute("CREATE TEMP TRIGGER no_such_key BEFORE INSERT ON meta WHEN new.key = 'refused' "
                       "BEGIN SELECT RAISE(ROLLBACK, 'refused by a trigger'); END")
    with pytest.raises(sqlite3.IntegrityError, match="refused by a trigger"), store.write():
        store.conn.execute("INSERT INTO meta VALUES ('outer', '1')")
        with store.write():
            store.conn.execute("INSERT INTO meta VALUES ('refused', '1')")
    assert not store.conn.in_transaction
    assert store.conn.execute("SELECT count(*) FROM meta WHERE key = 'outer'").fetchone()[0] == 0

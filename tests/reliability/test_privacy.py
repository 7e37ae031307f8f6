"""Encryption at rest, retention purge, audit, permissions."""

import stat

import pytest

from advocate.errors import StoreError
from advocate.store import crypto
from advocate.workspace import open_store

needs_sqlcipher = pytest.mark.skipif(not crypto.available(), reason="sqlcipher3 is not installed")


@needs_sqlcipher
def test_encrypt_then_open_with_key_only(cli, db_path, monkeypatch):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago")
    monkeypatch.setenv("ADVOCATE_DB_KEY", "correct horse battery")
    r = cli("db", "encrypt")
    assert r.exit_code == 0, r
    raw = db_path.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and code.encode() not in raw
    assert not list(db_path.parent.glob("*.pre-encrypt.*"))  # no plain copy left behind
    rows = cli("appointments", "list", "-f", "json").json()
    assert rows[0]["client"] == code
    assert cli("db", "check", "-f", "json").json()[0]["encrypted"] is True
    monkeypatch.setenv("ADVOCATE_DB_KEY", "wrong key!!")
    before = db_path.read_bytes()
    r = cli("appointments", "list")
    assert r.exit_code == 1 and "key" in r.stderr
    monkeypatch.delenv("ADVOCATE_DB_KEY")
    r = cli("appointments", "list")
    assert r.exit_code == 1 and "ADVOCATE_DB_KEY" in r.stderr
    assert db_path.read_bytes() == before


@needs_sqlcipher
def test_encrypted_backup_stays_encrypted(db_path, tmp_path, monkeypatch):
    from advocate.store import backup, encrypt

    open_store(db_path).close()
    encrypt(db_path, "a long enough key")
    s = open_store(db_path, key="a long enough key")
    dest = backup(s, tmp_path / "b.db")
    s.close()
    assert not dest.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(StoreError):
        open_store(dest, key="not the key at all")


def test_retention_purge_and_audit(cli, store):
    from advocate.appointments.log import log_appointment
    from advocate.clients import close_client, create_client, purge_closed

    old = create_client(store)["code"]
    keep = create_client(store)["code"]
    log_appointment(store, client=old, when="2018-01-02 10:00", tz="UTC", type="court", duration=30)
    close_client(store, old)
    with store.write():
        store.conn.execute("UPDATE clients SET closed = '2018-02-01T00:00:00+00:00' WHERE code = ?", (old,))
    close_client(store, keep)
    result = purge_closed(store, "7y")
    assert result["clients"] == 1 and result["appointments"] == 1
    assert store.conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 1
    audit = [r[0] for r in store.conn.execute("SELECT action FROM audit")]
    assert "purge" in audit
    assert not any(old in str(r) for r in store.conn.execute("SELECT * FROM audit"))
    store.close()
    r = cli("db", "audit", "-f", "json")
    assert r.exit_code == 0 and {"at", "action", "table", "row_id"} <= set(r.json()[0])
    r = cli("db", "purge", "--older-than", "nonsense")
    assert r.exit_code == 2


def test_exports_and_rejects_are_private(cli, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago")
    cli("appointments", "export", "--ics", tmp_path / "a.ics")
    cli("checklist", "show", "intake", "-f", "html", "-o", tmp_path / "i.html")
    for name in ("a.ics", "i.html"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600

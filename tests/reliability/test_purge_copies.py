"""Purge accounts for every copy advocate made, and never claims success while the WAL still holds the
client (issue 14)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from advocate.store import crypto


def _files_holding(folder: Path, needle: bytes) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes())


@pytest.fixture
def client(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago",
            "--notes", "NOTE-XYZZY-PRIVATE")
    assert r.exit_code == 0, r
    return code


def test_purge_names_the_copies_that_still_hold_the_client(cli, db_path, tmp_path, client):
    assert cli("db", "backup").exit_code == 0
    elsewhere = tmp_path / "usb"
    assert cli("db", "backup", f"{elsewhere}/").exit_code == 0
    r = cli("clients", "purge", client, "--yes")
    assert r.exit_code == 1, r
    assert "2 copies of the store still hold" in r.stderr and "--everywhere" in r.stderr
    r = cli("clients", "purge", client, "--yes", "--everywhere")  # what the message says to run
    assert r.exit_code == 0, r
    assert _files_holding(db_path.parent, client.encode()) == []
    assert _files_holding(elsewhere, client.encode()) == []


def test_purge_everywhere_leaves_no_file_holding_the_client(cli, db_path, tmp_path, client):
    from advocate.store import restore
    from advocate.workspace import open_store

    assert cli("db", "backup").exit_code == 0
    (tmp_path / "usb").mkdir()
    assert cli("db", "backup", tmp_path / "usb" / "copy.db").exit_code == 0  # (the folder must exist)
    with open_store(db_path) as s:  # a pre-restore copy too
        from advocate.store import backup

        good = backup(s, tmp_path / "good.db")
    restore(good, db_path)
    r = cli("clients", "purge", client, "--yes", "--everywhere")
    assert r.exit_code == 0, r
    assert "Removed" in r.stderr
    for needle in (client.encode(), b"NOTE-XYZZY-PRIVATE"):
        assert _files_holding(db_path.parent, needle) == []
        assert _files_holding(tmp_path / "usb", needle) == []
    assert _files_holding(tmp_path, b"NOTE-XYZZY-PRIVATE") == []  # good.db too: it was made by advocate


@pytest.mark.skipif(not crypto.available(), reason="sqlcipher3 is not installed")
def test_an_encrypted_backup_counts_as_holding_and_is_scrubbed_with_the_key(cli, db_path, tmp_path, client,
                                                                           monkeypatch):
    monkeypatch.setenv("ADVOCATE_DB_KEY", "correct horse battery")
    assert cli("db", "encrypt").exit_code == 0
    assert cli("db", "backup", tmp_path / "enc.bak").exit_code == 0
    r = cli("clients", "purge", client, "--yes")
    assert r.exit_code == 1 and "enc.bak" in r.stderr
    from advocate.store import copies

    assert [e["encrypted"] for e in copies.list_copies(db_path) if e["path"].endswith("enc.bak")] == [True]
    r = cli("clients", "purge", client, "--yes", "--everywhere")
    assert r.exit_code == 0 and "Removed" in r.stderr, r
    assert cli("clients", "purge", client, "--yes", "--everywhere").exit_code == 1  # nothing holds it now



@pytest.mark.skipif(not crypto.available(), reason="sqlcipher3 is not installed")
def test_an_encrypted_backup_of_a_store_decrypted_since_is_scrubbed_not_deleted(cli, db_path, client, monkeypatch):
    """A backup made while the store was encrypted stays encrypted after `db decrypt`. Purging one client with the key
    still in ADVOCATE_DB_KEY deleted that whole backup (every other client with it): only the store's own key was
    tried, and a decrypted store has none (an attacker review)."""
    other = cli("clients", "new", "-f", "json").json()["code"]
    monkeypatch.setenv("ADVOCATE_DB_KEY", "correct horse battery")
    assert cli("db", "encrypt").exit_code == 0
    backup = Path(cli("db", "backup").stdout.strip())
    assert cli("db", "decrypt").exit_code == 0
    r = cli("clients", "purge", client, "--yes", "--everywhere")
    assert r.exit_code == 0, r
    assert backup.exists(), r.stderr  # scrubbed in place, not deleted
    conn = crypto.connect(backup, "correct horse battery")
    try:
        codes = {row[0] for row in conn.execute("SELECT code FROM clients")}
    finally:
        conn.close()
    assert codes == {other}


READER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM appointments").fetchone()
print("reading", flush=True)
sys.stdin.read()
conn.execute("COMMIT")
"""


def test_purge_with_a_reader_open_does_not_claim_success(cli, db_path, client, monkeypatch):
    import advocate.store

    monkeypatch.setattr(advocate.store, "SCRUB_WAIT_MS", 200)  # each of the 3 attempts waits 0.2 s, not 10 s
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "reading"
    try:
        r = cli("clients", "purge", client, "--yes")
    finally:
        reader.communicate("")
    assert r.exit_code == 1, r
    assert "another program has the store" in r.stderr and "advocate db scrub" in r.stderr
    assert "Purged" not in r.stderr
    r = cli("db", "scrub")
    assert r.exit_code == 0, r
    assert _files_holding(db_path.parent, b"NOTE-XYZZY-PRIVATE") == []


def _close_long_ago(db_path: Path, code: str) -> None:
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE clients SET status = 'closed', closed = '2010-01-01T00:00:00+00:00' WHERE code = ?", (code,))
    conn.commit()
    conn.close()


def test_retention_purge_names_every_copy_and_everywhere_scrubs_them(cli, db_path, tmp_path, client):
    _close_long_ago(db_path, client)
    other = cli("clients", "new", "-f", "json").json()["code"]  # open: retention keeps it
    assert cli("db", "backup").exit_code == 0
    (tmp_path / "usb").mkdir()
    assert cli("db", "backup", tmp_path / "usb" / "copy.db").exit_code == 0
    r = cli("db", "purge", "--older-than", "7y", "--yes")
    assert r.exit_code == 1, r
    assert "2 copies of the store still hold" in r.stderr and "copy.db" in r.stderr
    assert "advocate db purge --older-than 7y --everywhere" in r.stderr
    r = cli("db", "purge", "--older-than", "7y", "--yes", "--everywhere")  # what the message says to run
    assert r.exit_code == 0, r
    assert r.stderr.count("Removed") == 2 and "copy.db" in r.stderr
    for needle in (client.encode(), b"NOTE-XYZZY-PRIVATE"):
        assert _files_holding(db_path.parent, needle) == []
        assert _files_holding(tmp_path / "usb", needle) == []
    assert _files_holding(tmp_path / "usb", other.encode()) != []  # an open client stays in the copies


def test_a_copy_that_cannot_be_changed_is_named(cli, db_path, tmp_path, client, monkeypatch):
    from advocate.store import copies

    _close_long_ago(db_path, client)
    (tmp_path / "usb").mkdir()
    assert cli("db", "backup", tmp_path / "usb" / "copy.db").exit_code == 0
    monkeypatch.setattr(copies, "scrub_any", lambda *a, **k: [])  # as if the copy could not be touched
    r = cli("db", "purge", "--older-than", "7y", "--yes", "--everywhere")
    assert r.exit_code == 1, r
    assert "1 copy still holds" in r.stderr and "could not be changed" in r.stderr and "copy.db" in r.stderr


def test_the_plain_copy_a_killed_decrypt_leaves_is_a_copy(db_path):
    """`db decrypt` killed mid-copy leaves <store>.decrypting, a plain copy of the encrypted store, until the next
    command removes it: it was listed neither as a copy nor as a store file (only ".encrypting" was)."""
    from advocate import files
    from advocate.store import copies
    from advocate.workspace import open_store

    with open_store(db_path):
        pass
    for suffix in (".decrypting", ".decrypting-journal", ".encrypting"):
        left = Path(f"{db_path}{suffix}")
        left.write_bytes(b"SQLite format 3\x00" + bytes(100))
        assert files.is_store_file(left, db_path.resolve())
        assert str(left.resolve()) in {e["path"] for e in copies.list_copies(db_path)}
        left.unlink()


def test_the_wal_files_of_a_conversion_killed_after_its_switch_to_wal_are_removed(db_path):
    """The converted copy is switched to WAL before the swap (commit 9dfe29c): a conversion killed then leaves
    <store>.encrypting-wal/-shm, which were listed as copies but never removed."""
    from advocate.store import copies
    from advocate.workspace import open_store

    with open_store(db_path):
        pass
    left = [Path(f"{db_path}.{what}{side}") for what in ("encrypting", "decrypting") for side in ("-wal", "-shm")]
    for p in left:
        p.write_bytes(bytes(64))
    with open_store(db_path) as s:
        assert s.warnings == []  # the half-written copy itself is what a warning names
    assert [p for p in left if p.exists()] == []
    assert copies.list_copies(db_path) == []


@pytest.mark.parametrize("name", ["backup #2.db", "b?x.db", "100%41.db"])
def test_a_copy_whose_name_has_uri_characters_is_scrubbed(cli, db_path, tmp_path, client, name):
    """Copies were opened as SQLite URIs built by pasting the path ("file:<path>?mode=ro"): '#' began a fragment,
    '?' the query, '%41' read as 'A', so purge opened another file (made empty, 0644, beside the copy), found no
    client there and left the client in "backup #2.db" while saying it had looked in it (an attacker review)."""
    usb = tmp_path / "usb"
    usb.mkdir()
    other = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("db", "backup", usb / name).exit_code == 0
    r = cli("clients", "purge", client, "--yes", "--everywhere")
    assert r.exit_code == 0, r
    conn = sqlite3.connect(usb / name)
    try:
        codes = {row[0] for row in conn.execute("SELECT code FROM clients")}
    finally:
        conn.close()
    assert codes == {other}
    assert sorted(p.name for p in usb.iterdir()) == [name]


@pytest.mark.parametrize("name", ["backup #2.db", "b?x.db", "100%41.db"])
def test_a_backup_whose_name_has_uri_characters_restores(cli, db_path, tmp_path, name):
    usb = tmp_path / "usb"
    usb.mkdir()
    code = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("db", "backup", usb / name).exit_code == 0
    cli("clients", "purge", code, "--yes")
    r = cli("db", "restore", usb / name)
    assert r.exit_code == 0, r
    assert code in cli("clients", "list", "-f", "csv").stdout
    assert sorted(p.name for p in usb.iterdir()) == [name]  # nothing made beside it


def test_a_full_disk_never_empties_the_list_of_copies(cli, db_path, tmp_path, monkeypatch):
    """The list was emptied (ftruncate) before it was written again: on a full disk the write failed and every copy
    was forgotten, a backup on a USB stick with no way to find it again by name (an attacker review)."""
    import errno

    from advocate.store import copies

    usb = tmp_path / "usb"
    usb.mkdir()
    cli("clients", "new")
    assert cli("db", "backup", usb / "one.bak").exit_code == 0
    before = copies.registry_path(db_path).read_bytes()
    assert b"one.bak" in before

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    (usb / "two.bak").write_bytes(b"")  # stands for a copy just written
    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        patch.setattr(os, "pwrite", full)
        patch.setattr(os, "posix_fallocate", full, raising=False)
        copies.record(db_path, usb / "two.bak", "backup")
    assert copies.registry_path(db_path).read_bytes() == before


def test_a_backup_elsewhere_that_cannot_be_listed_is_not_kept(cli, db_path, tmp_path, monkeypatch):
    """A backup on a USB stick is found again only through the list of copies: when the list could not be written
    (a full disk beside the store) the backup was kept anyway, silently beyond the reach of every purge."""
    import errno

    from advocate.store import copies

    usb = tmp_path / "usb"
    usb.mkdir()
    cli("clients", "new")

    @contextlib.contextmanager
    def unwritable(store_path):
        raise OSError(errno.ENOSPC, "No space left on device")
        yield []

    monkeypatch.setattr(copies, "_locked", unwritable)
    r = cli("db", "backup", usb / "copy.bak")
    assert r.exit_code == 1, r
    assert "list of copies" in r.stderr and "Traceback" not in r.stderr
    assert list(usb.iterdir()) == []
    r = cli("db", "backup")  # beside the store: found by its name, kept
    assert r.exit_code == 0, r
    assert Path(r.stdout.strip()).exists()
    assert Path(r.stdout.strip()) in {Path(e["path"]) for e in copies.list_copies(db_path)}
